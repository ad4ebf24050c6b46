"""The manifest: one SQLite file that is the source of truth for what the base holds.

Chroma and the keyword index are derived from it. A document is written in three
steps (mark pending, write vectors, commit chunks and mark ready), so a crash at
any point leaves a pending row that the next writer cleans up.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.document import Chunk
from knowledge.errors import ManifestDamaged
from knowledge.glossary import Definition
from knowledge.sqlite_files import rewrite_without_deleted_rows

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT UNIQUE NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    organisation TEXT,
    doc_type TEXT NOT NULL DEFAULT 'autre',
    year INTEGER,
    content_hash TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    pages INTEGER,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    embedding_model TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    original TEXT,
    overrides TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    section TEXT NOT NULL DEFAULT '',
    page INTEGER,
    page_end INTEGER,
    embed_text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS definitions (
    acronym TEXT NOT NULL,
    expansion TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    chunk_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS definitions_by_doc ON definitions(doc_id);
"""

READY = "ready"
PENDING = "pending"
REMOVING = "removing"
FORGET_JOURNAL = "forget_journal"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class DocumentRecord:
    """One row of the manifest."""

    doc_id: str
    path: str
    source: str
    title: str
    organisation: str | None
    doc_type: str
    year: int | None
    content_hash: str
    size: int
    pages: int | None
    chunk_count: int
    embedding_model: str
    status: str
    original: str | None
    overrides: str
    created_at: str
    updated_at: str

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["overrides"] = json.loads(self.overrides or "{}")
        return data


@dataclass(frozen=True)
class StoredChunk(Chunk):
    """A chunk as stored, joined with the metadata of its document."""

    source: str
    title: str
    organisation: str | None
    doc_type: str
    year: int | None


def _delete_chunks(db: sqlite3.Connection, chunk_ids: list[str]) -> None:
    """Delete passages and the definitions they state, in batches SQLite accepts."""
    for start in range(0, len(chunk_ids), 500):
        batch = chunk_ids[start : start + 500]
        marks = ",".join("?" * len(batch))
        db.execute(f"DELETE FROM definitions WHERE chunk_id IN ({marks})", batch)
        db.execute(f"DELETE FROM chunks WHERE chunk_id IN ({marks})", batch)


def _delete_document(db: sqlite3.Connection, doc_id: str) -> None:
    db.execute("DELETE FROM definitions WHERE doc_id=?", (doc_id,))
    db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
    db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))


def _recount(db: sqlite3.Connection) -> None:
    db.execute("UPDATE documents SET chunk_count = (SELECT COUNT(*) FROM chunks "
               "WHERE chunks.doc_id = documents.doc_id)")


class Manifest:
    """Typed access to the manifest database."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        try:
            self._check()
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise ManifestDamaged(path, str(exc)) from exc

    def _check(self) -> None:
        """SQLite's ``quick_check``: a file cut in half or with its header overwritten is
        refused with a French message instead of failing later with a traceback."""
        rows = self._db.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            raise sqlite3.DatabaseError("; ".join(str(r[0]) for r in rows[:3]))

    @property
    def _db(self) -> sqlite3.Connection:
        """This thread's connection: the web app serves requests from several threads,
        and a SQLite connection belongs to the thread that opened it."""
        connection: sqlite3.Connection | None = getattr(self._local, "db", None)
        if connection is None:
            connection = sqlite3.connect(str(self._path), timeout=30, isolation_level=None,
                                         check_same_thread=False)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            self._local.db = connection
            with self._connections_lock:
                self._connections.append(connection)
        return connection

    def close(self) -> None:
        with self._connections_lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()

    @staticmethod
    def discard(path: Path) -> bool:
        """Delete a damaged manifest and its WAL files (``canevas rebuild``); True if
        there was one."""
        found = False
        for suffix in ("", "-wal", "-shm", "-journal"):
            target = path.with_name(path.name + suffix)
            if target.exists():
                target.unlink()
                found = True
        return found

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str, db: sqlite3.Connection | None = None) -> None:
        (db or self._db).execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    @property
    def generation(self) -> int:
        return int(self.get_meta("generation") or 0)

    def bump_generation(self, db: sqlite3.Connection) -> None:
        self.set_meta("generation", str(self.generation + 1), db)

    def documents(self, status: str | None = READY) -> list[DocumentRecord]:
        query = "SELECT * FROM documents"
        rows = (
            self._db.execute(query + " WHERE status=? ORDER BY source", (status,))
            if status
            else self._db.execute(query + " ORDER BY source")
        )
        return [DocumentRecord(**dict(r)) for r in rows]

    def document(self, doc_id: str) -> DocumentRecord | None:
        row = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return DocumentRecord(**dict(row)) if row else None

    def find(self, name_or_id: str) -> list[DocumentRecord]:
        rows = self._db.execute(
            "SELECT * FROM documents WHERE doc_id=? OR source=? OR path=?",
            (name_or_id, name_or_id, name_or_id),
        ).fetchall()
        return [DocumentRecord(**dict(r)) for r in rows]

    def by_hash(self, content_hash: str) -> list[DocumentRecord]:
        rows = self._db.execute(
            "SELECT * FROM documents WHERE content_hash=? AND status=?", (content_hash, READY)
        ).fetchall()
        return [DocumentRecord(**dict(r)) for r in rows]

    def mark(self, record: DocumentRecord) -> None:
        """Insert or replace a document row (used to mark pending or removing)."""
        values = record.as_dict()
        values["overrides"] = record.overrides
        columns = ",".join(values)
        marks = ",".join("?" * len(values))
        updates = ",".join(f"{c}=excluded.{c}" for c in values if c != "doc_id")
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO documents({columns}) VALUES({marks}) "
                f"ON CONFLICT(doc_id) DO UPDATE SET {updates}",
                list(values.values()),
            )

    def set_metadata(self, doc_id: str, organisation: str | None, doc_type: str,
                     year: int | None, overrides: str) -> None:
        """Change a document's organisation, type and year; readers see a new generation."""
        with self.transaction() as db:
            db.execute(
                "UPDATE documents SET organisation=?, doc_type=?, year=?, overrides=?, "
                "updated_at=? WHERE doc_id=?",
                (organisation, doc_type, year, overrides, now(), doc_id),
            )
            self.bump_generation(db)

    def set_all_status(self, status: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE documents SET status=?, updated_at=?", (status, now()))

    def set_status(self, doc_id: str, status: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE documents SET status=?, updated_at=? WHERE doc_id=?",
                (status, now(), doc_id),
            )

    def commit_chunks(
        self,
        record: DocumentRecord,
        chunks: Iterable[Chunk],
        definitions: Iterable[Definition] = (),
    ) -> None:
        """Replace a document's chunks and definitions and mark it ready, atomically."""
        rows = [
            (c.chunk_id, c.doc_id, c.ordinal, c.text, c.section, c.page, c.page_end, c.embed_text)
            for c in chunks
        ]
        with self.transaction() as db:
            db.execute("DELETE FROM definitions WHERE doc_id=?", (record.doc_id,))
            db.execute("DELETE FROM chunks WHERE doc_id=?", (record.doc_id,))
            db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany(
                "INSERT INTO definitions VALUES (?, ?, ?, ?)",
                [(d.acronym, d.expansion, record.doc_id, d.chunk_id) for d in definitions],
            )
            db.execute(
                "UPDATE documents SET status=?, chunk_count=?, title=?, organisation=?, "
                "doc_type=?, year=?, content_hash=?, size=?, pages=?, embedding_model=?, "
                "original=?, overrides=?, updated_at=? WHERE doc_id=?",
                (READY, len(rows), record.title, record.organisation, record.doc_type,
                 record.year, record.content_hash, record.size, record.pages,
                 record.embedding_model, record.original, record.overrides, now(),
                 record.doc_id),
            )
            self.set_meta("embedding_model", record.embedding_model, db)
            self.bump_generation(db)

    def delete_document(self, doc_id: str) -> None:
        with self.transaction() as db:
            _delete_document(db, doc_id)
            self.bump_generation(db)

    def delete_chunks(self, chunk_ids: list[str]) -> None:
        """Delete some chunks (and definitions they state); recount their documents."""
        with self.transaction() as db:
            _delete_chunks(db, chunk_ids)
            _recount(db)
            self.bump_generation(db)

    def finish_forget(self, chunk_ids: list[str], originals: dict[str, str],
                      dropped: list[str]) -> None:
        """The commit of ``forget``: passages deleted, documents pointing at their rewritten
        copies (or deleted when their name or title held the text), the journal cleared,
        all in one transaction."""
        with self.transaction() as db:
            _delete_chunks(db, chunk_ids)
            for doc_id, original in originals.items():
                db.execute("UPDATE documents SET original=? WHERE doc_id=?", (original, doc_id))
            for doc_id in dropped:
                _delete_document(db, doc_id)
            _recount(db)
            db.execute("DELETE FROM meta WHERE key=?", (FORGET_JOURNAL,))
            self.bump_generation(db)

    def chunks_of(self, doc_ids: list[str]) -> list[StoredChunk]:
        """Every chunk of these documents, whatever their status."""
        marks = ",".join("?" * len(doc_ids))
        return self._select_chunks(f"WHERE c.doc_id IN ({marks}) ORDER BY c.chunk_id",
                                   tuple(doc_ids)) if doc_ids else []

    def all_chunk_texts(self) -> list[str]:
        """Text, section and indexed text of every chunk (for the vault's pruning)."""
        rows = self._db.execute("SELECT text, section, embed_text FROM chunks")
        return [" ".join(r) for r in rows]

    def set_original(self, doc_id: str, original: str | None) -> None:
        with self.transaction() as db:
            db.execute("UPDATE documents SET original=? WHERE doc_id=?", (original, doc_id))

    def vacuum(self) -> None:
        """Rewrite the file so deleted rows leave no trace on disk."""
        rewrite_without_deleted_rows(self._db)

    def clear_chunks(self, doc_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM definitions WHERE doc_id=?", (doc_id,))
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            db.execute("UPDATE documents SET chunk_count=0 WHERE doc_id=?", (doc_id,))
            self.bump_generation(db)

    def definitions(self) -> list[tuple[Definition, StoredChunk]]:
        """Mined definitions of ready documents, each with the chunk that states it."""
        rows = self._db.execute(
            "SELECT f.acronym, f.expansion, f.chunk_id FROM definitions f "
            "JOIN documents d USING(doc_id) WHERE d.status=? ORDER BY f.acronym",
            (READY,),
        ).fetchall()
        chunks = self.chunks_by_ids([r["chunk_id"] for r in rows])
        return [
            (Definition(r["acronym"], r["expansion"], chunks[r["chunk_id"]].doc_id, r["chunk_id"]),
             chunks[r["chunk_id"]])
            for r in rows
            if r["chunk_id"] in chunks
        ]

    def chunk_ids(self) -> list[str]:
        rows = self._db.execute(
            "SELECT c.chunk_id FROM chunks c JOIN documents d USING(doc_id) WHERE d.status=? "
            "ORDER BY c.chunk_id",
            (READY,),
        )
        return [r[0] for r in rows]

    def ready_chunks(self) -> list[StoredChunk]:
        return self._select_chunks("WHERE d.status=? ORDER BY c.chunk_id", (READY,))

    def chunks_by_ids(self, ids: list[str]) -> dict[str, StoredChunk]:
        found: dict[str, StoredChunk] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            for chunk in self._select_chunks(
                f"WHERE d.status=? AND c.chunk_id IN ({marks})", (READY, *batch)
            ):
                found[chunk.chunk_id] = chunk
        return found

    def _select_chunks(self, where: str, args: tuple[object, ...]) -> list[StoredChunk]:
        rows = self._db.execute(
            "SELECT c.chunk_id, c.doc_id, c.ordinal, c.text, c.section, c.page, c.page_end, "
            "c.embed_text, d.source, d.title, d.organisation, d.doc_type, d.year "
            f"FROM chunks c JOIN documents d USING(doc_id) {where}",
            args,
        )
        return [StoredChunk(**dict(r)) for r in rows]
