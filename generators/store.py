"""Drafts saved in the data directory (``drafts.sqlite``), one row per section.

Each drafting stage saves the section it finished, so a draft survives a restart and a
section can be regenerated alone. Every human action (edit, comment, review, approval,
export) is appended to a journal with who and when; an edit keeps the previous text.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from generators.draft import Draft, Section
from knowledge.errors import CanevasError
from knowledge.french import fold_accents
from knowledge.manifest import now
from knowledge.sqlite_files import open_shared, rewrite_without_deleted_rows


class DraftNotFound(CanevasError):
    """No draft has this id (for this user)."""


@dataclass(frozen=True)
class Event:
    """One line of a draft's journal."""

    at: str
    by: str
    section: str
    action: str
    detail: str
    previous_text: str


@dataclass(frozen=True)
class DraftSummary:
    id: str
    type_id: str
    title: str
    updated_at: str
    sections: int
    validated: int


class DraftStore:
    """SQLite store of drafts, sections and the review journal; safe across threads."""

    def __init__(self, path: Path) -> None:
        self._db = open_shared(path, (
            "CREATE TABLE IF NOT EXISTS drafts (id TEXT PRIMARY KEY, owner TEXT, "
            "header TEXT, updated_at TEXT);"
            "CREATE TABLE IF NOT EXISTS sections (draft_id TEXT, position INTEGER, "
            "section_id TEXT, data TEXT, PRIMARY KEY (draft_id, section_id));"
            "CREATE TABLE IF NOT EXISTS events (draft_id TEXT, at TEXT, by TEXT, "
            "section TEXT, action TEXT, detail TEXT, previous_text TEXT);"
        ))
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def create(self, draft: Draft) -> Draft:
        """Save a new draft and its planned sections in one transaction."""
        draft.id = draft.id or uuid.uuid4().hex[:10]
        with self._lock, self._db:
            self._db.execute("INSERT INTO drafts VALUES (?, ?, ?, ?)",
                             (draft.id, draft.owner, _dump(draft.header()), draft.updated_at))
            for position, section in enumerate(draft.sections):
                self._db.execute("INSERT INTO sections VALUES (?, ?, ?, ?)",
                                 (draft.id, position, section.id, _dump(section.as_dict())))
        return draft

    def _check(self, draft_id: str, owner: str | None) -> None:
        row = self._db.execute("SELECT owner FROM drafts WHERE id=?", (draft_id,)).fetchone()
        if row is None or (owner is not None and row[0] != owner):
            raise DraftNotFound(f"Brouillon introuvable : « {draft_id} ». "
                                "`canevas draft list` affiche les brouillons existants.")

    def get(self, draft_id: str, owner: str | None = None) -> Draft:
        with self._lock:
            self._check(draft_id, owner)
            (header,) = self._db.execute("SELECT header FROM drafts WHERE id=?",
                                         (draft_id,)).fetchone()
            rows = self._db.execute("SELECT data FROM sections WHERE draft_id=? ORDER BY "
                                    "position", (draft_id,)).fetchall()
        data = json.loads(header)
        data["sections"] = [Section.from_dict(json.loads(r[0])) for r in rows]
        return Draft(**data)

    def save_section(self, draft: Draft, section: Section, event: Event | None = None,
                     owner: str | None = None) -> None:
        """Write one section (and the draft's header), with its journal line, atomically."""
        draft.updated_at = now()
        with self._lock, self._db:
            self._check(draft.id, owner)
            self._db.execute("UPDATE sections SET data=? WHERE draft_id=? AND section_id=?",
                             (_dump(section.as_dict()), draft.id, section.id))
            self._write_header(draft)
            if event is not None:
                self._journal(draft.id, event)

    def save_header(self, draft: Draft, event: Event | None = None,
                    owner: str | None = None) -> None:
        draft.updated_at = now()
        with self._lock, self._db:
            self._check(draft.id, owner)
            self._write_header(draft)
            if event is not None:
                self._journal(draft.id, event)

    def _write_header(self, draft: Draft) -> None:
        self._db.execute("UPDATE drafts SET header=?, updated_at=? WHERE id=?",
                         (_dump(draft.header()), draft.updated_at, draft.id))

    def _journal(self, draft_id: str, event: Event) -> None:
        self._db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (draft_id, event.at, event.by, event.section, event.action,
                          event.detail, event.previous_text))

    def journal(self, draft_id: str, owner: str | None = None) -> list[Event]:
        with self._lock:
            self._check(draft_id, owner)
            rows = self._db.execute("SELECT at, by, section, action, detail, previous_text "
                                    "FROM events WHERE draft_id=? ORDER BY rowid",
                                    (draft_id,)).fetchall()
        return [Event(*r) for r in rows]

    def list(self, owner: str | None = None) -> list[DraftSummary]:
        where = "WHERE owner=? " if owner is not None else ""
        with self._lock:
            rows = self._db.execute(f"SELECT id FROM drafts {where}ORDER BY updated_at DESC",
                                    (owner,) if owner is not None else ()).fetchall()
        summaries = []
        for (draft_id,) in rows:
            draft = self.get(draft_id)
            summaries.append(DraftSummary(
                draft.id, draft.type_id, draft.title, draft.updated_at, len(draft.sections),
                sum(s.status == "validé" for s in draft.sections)))
        return summaries

    def delete(self, draft_id: str, owner: str | None = None) -> None:
        with self._lock:
            self._check(draft_id, owner)
            with self._db:
                for table, column in (("drafts", "id"), ("sections", "draft_id"),
                                      ("events", "draft_id")):
                    self._db.execute(f"DELETE FROM {table} WHERE {column}=?", (draft_id,))
            rewrite_without_deleted_rows(self._db)

    def forget(self, needles: Sequence[str]) -> int:
        """Delete every draft that mentions a needle (folded); the drafts removed.

        A draft quotes the base and the facts typed by staff: erasing a person must
        reach it, and a partial redaction could leave the name in the journal.
        """
        with self._lock:
            ids = [r[0] for r in self._db.execute("SELECT id FROM drafts").fetchall()]
        removed = 0
        for draft_id in ids:
            with self._lock:
                texts = [r[0] for r in self._db.execute(
                    "SELECT header FROM drafts WHERE id=? UNION ALL SELECT data FROM sections "
                    "WHERE draft_id=? UNION ALL SELECT detail || ' ' || previous_text FROM "
                    "events WHERE draft_id=?", (draft_id, draft_id, draft_id)).fetchall()]
            folded = fold_accents(" ".join(texts).casefold())
            if any(n in folded for n in needles):
                self.delete(draft_id)
                removed += 1
        return removed

    def purge(self, older_than_days: int) -> int:
        """Delete drafts not touched for ``older_than_days`` days (retention)."""
        limit = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(
            timespec="seconds")
        with self._lock:
            old = [r[0] for r in self._db.execute("SELECT id FROM drafts WHERE updated_at < ?",
                                                  (limit,)).fetchall()]
        for draft_id in old:
            self.delete(draft_id)
        return len(old)


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)
