"""The knowledge base service: ingest, list, remove, re-index, and the raw searches.

Write protocol for one document (everything expensive happens before step 1):
  1. the manifest row is marked ``pending`` (committed);
  2. the document's old vectors are deleted from Chroma, the new ones upserted;
  3. one SQLite transaction replaces its chunks and marks it ``ready``.
A process killed anywhere leaves at most a pending row, whose vectors the next writer
deletes (``recover``); the keyword index is rebuilt from the manifest whenever its
generation differs. Re-running the same ingestion then finishes the job.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from knowledge.chunking import Chunker, document_label
from knowledge.document import Block, Chunk
from knowledge.errors import BaseLocked, DocumentNotFound, EmbeddingModelMismatch, IngestError
from knowledge.french import fold_accents
from knowledge.glossary import Definition, Glossary, mine_definitions, seed_definitions
from knowledge.limits import Limits
from knowledge.loaders import SUPPORTED_SUFFIXES, load_document
from knowledge.manifest import (
    FORGET_JOURNAL,
    PENDING,
    READY,
    REMOVING,
    DocumentRecord,
    Manifest,
    now,
)
from knowledge.metadata import infer_info, is_legal_type
from knowledge.pii.pseudonymise import POLICIES, Pseudonymiser, default_policy, recount
from knowledge.pii.vault import PseudonymVault
from knowledge.progress import LOG_NAME as PROGRESS_LOG
from knowledge.progress import ProgressLog
from knowledge.search.embeddings import CanevasEmbeddings, EmbeddingCache
from knowledge.search.keyword_index import KeywordIndex
from knowledge.search.vector_store import VectorStore, connect
from knowledge.structures import mine_structures

FAULT_ENV = "CANEVAS_FAULT"
_CHROMA_BATCH = 128


def checkpoint(name: str) -> None:
    """Fault injection for crash tests: SIGKILL this process at the named point."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass(frozen=True)
class Overrides:
    """Metadata given at ingestion; wins over what is inferred."""

    organisation: str | None = None
    doc_type: str | None = None
    year: int | None = None
    title: str | None = None
    pii: str | None = None

    def as_json(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _kept_overrides(previous: DocumentRecord | None, given: Overrides) -> Overrides:
    """What a person set before (at ingestion or corrected in the library) stays unless
    given again: re-running ``./run.sh DOSSIER`` must not put back the guessed values."""
    if previous is None or not previous.overrides:
        return given
    kept = json.loads(previous.overrides)
    kept.update({k: v for k, v in given.__dict__.items() if v is not None})
    return Overrides(**kept)


@dataclass
class FileOutcome:
    path: str
    status: str
    message: str = ""
    doc_id: str | None = None
    chunks: int = 0


@dataclass
class IngestReport:
    """What happened to each file: added, updated, unchanged or failed (with the reason)."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def counts(self) -> dict[str, int]:
        keys = ("added", "updated", "unchanged", "failed")
        return {k: len(self.by_status(k)) for k in keys}

    @property
    def passages(self) -> int:
        """Passages indexed by this run (added or updated documents)."""
        return sum(o.chunks for o in self.outcomes if o.status in ("added", "updated"))


Progress = Callable[[str, int, int], None]


@dataclass
class ForgetReport:
    """What ``forget`` removed: passages, the documents they came from, pseudonyms."""

    chunks: int = 0
    documents: list[str] = field(default_factory=list)
    pseudonyms: list[str] = field(default_factory=list)
    removed_texts: list[str] = field(default_factory=list, repr=False)
    needles: list[str] = field(default_factory=list, repr=False)


def _no_progress(name: str, done: int, total: int) -> None:
    return None


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files given directly, plus supported files found in folders (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = (
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            files.extend(found)
        else:
            files.append(path)
    return files


RENDITION_SUFFIX = ".pseudonymise.md"
META_NAME = "document.json"
_KEPT_FIELDS = ("doc_id", "path", "source", "title", "organisation", "doc_type", "year",
                "content_hash", "overrides", "original", "created_at")


def _markdown(blocks: list[Block]) -> str:
    """A Markdown rendition of parsed blocks (headings, lists, paragraphs)."""
    lines: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            lines.append("#" * max(1, min(block.level or 1, 6)) + " " + block.text)
        elif block.kind == "list_item":
            lines.append("- " + block.text)
        else:
            lines.append(block.text)
    return "\n\n".join(lines) + "\n"


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _chroma_metadata(chunk: Chunk, record: DocumentRecord) -> dict[str, str | int | float | bool]:
    meta: dict[str, Any] = {
        "doc_id": record.doc_id,
        "source": record.source,
        "doc_type": record.doc_type,
        "organisation": record.organisation,
        "year": record.year,
        "page": chunk.page,
    }
    return {k: v for k, v in meta.items() if v is not None}


class KnowledgeBase:
    """Files in, indexed passages out; the only code that writes to the stores."""

    def __init__(
        self,
        data_dir: Path,
        embeddings: CanevasEmbeddings,
        limits: Limits | None = None,
        chroma_url: str | None = None,
        chunk_tokens: int = 200,
        embedding_cache: Path | None = None,
        pii_policy: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.pii_policy = pii_policy
        data_dir.mkdir(parents=True, exist_ok=True)
        self.embeddings = embeddings
        self.limits = limits or Limits()
        self.chunk_tokens = chunk_tokens
        self.manifest = Manifest(data_dir / "manifest.sqlite")
        self._chroma_path = data_dir / "chroma"
        self._chroma_url = chroma_url
        self._vectors: VectorStore | None = None
        self._vectors_generation = -1
        self._writing = False
        self._keyword: KeywordIndex | None = None
        self._ready: tuple[int, list[DocumentRecord]] | None = None
        self._cache: EmbeddingCache | None = None
        self._vault: PseudonymVault | None = None
        self._cache_path = embedding_cache or data_dir / "cache" / "embeddings.sqlite"
        self.erasure_hooks: list[Callable[[list[str]], None]] = []

    @property
    def vectors(self) -> VectorStore:
        """The Chroma store, reopened when another process changed the base since we looked.

        An embedded Chroma client caches segments in memory: a long-running reader (the
        web app) would not see what ``canevas ingest`` wrote from another process.
        While we write, our own changes move the generation, so no reopening then.
        """
        if not self._writing:
            self._reopen_if_stale()
        if self._vectors is None:
            self._vectors = VectorStore(connect(self._chroma_path, self._chroma_url))
            self._vectors_generation = self.manifest.generation
        return self._vectors

    def _reopen_if_stale(self) -> None:
        if self._vectors is not None and self.manifest.generation != self._vectors_generation:
            self._vectors.close()
            self._vectors = None

    @property
    def cache(self) -> EmbeddingCache:
        if self._cache is None:
            self._cache = EmbeddingCache(self._cache_path)
        return self._cache

    @property
    def vault(self) -> PseudonymVault:
        if self._vault is None:
            self._vault = PseudonymVault(self.data_dir / "pii" / "vault.sqlite")
        return self._vault

    def allowed_names(self) -> frozenset[str]:
        """Names the user keeps in clear (``DATA_DIR/pii/allow.txt``, one per line)."""
        path = self.data_dir / "pii" / "allow.txt"
        if not path.exists():
            return frozenset()
        return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                         if line.strip() and not line.startswith("#"))

    def pseudonymiser(self) -> Pseudonymiser:
        organisations = frozenset((r.organisation or "").casefold()
                                  for r in self.manifest.documents(status=None)
                                  if r.organisation)
        return Pseudonymiser(self.vault, self.allowed_names(), organisations)

    def close(self) -> None:
        if self._vault is not None:
            self._vault.close()
            self._vault = None
        if self._vectors is not None:
            self._vectors.close()
            self._vectors = None
        self.manifest.close()
        if self._cache is not None:
            self._cache.close()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive writer lock; on entry, finish whatever a crashed writer left."""
        lock_path = self.data_dir / ".write.lock"
        with lock_path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise BaseLocked(
                    "Une autre opération (ajout, suppression ou réindexation) est en cours sur "
                    "cette base : attendez qu'elle se termine, puis réessayez."
                ) from exc
            try:
                self._reopen_if_stale()
                self._writing = True
                self.recover()
                yield
            finally:
                self.refresh_keyword_index()
                self._writing = False
                self._vectors_generation = self.manifest.generation
                fcntl.flock(handle, fcntl.LOCK_UN)

    def recover(self) -> list[str]:
        """Clean what an interrupted writer left: vectors of pending rows, unfinished removals."""
        repaired: list[str] = []
        journal = self.manifest.get_meta(FORGET_JOURNAL)
        if journal is not None:
            self._finish_forget(json.loads(journal))
            repaired.append("effacement interrompu")
        for record in self.manifest.documents(status=None):
            if record.status == READY:
                continue
            self.vectors.delete_document(record.doc_id)
            if record.status == REMOVING:
                self._delete_original(record)
                self.manifest.delete_document(record.doc_id)
            else:
                self.manifest.clear_chunks(record.doc_id)
            repaired.append(record.source)
        known = {r.doc_id for r in self.manifest.documents(status=READY)}
        for stray in self.vectors.doc_ids() - known:
            self.vectors.delete_document(stray)
            repaired.append(stray)
        repaired += self._sweep_copies()
        self._prune_vault()  # also what a killed ingestion mapped before its pending mark
        return repaired

    def _sweep_copies(self) -> list[str]:
        """Copies of a known document the manifest does not point to (a crash between
        writing a copy and the commit, or after it): removed, so no stale text outlives
        an erasure. Folders of unknown documents stay: ``reindex`` restores them."""
        folder = self.data_dir / "originals"
        records = {r.doc_id: r for r in self.manifest.documents(status=None)}
        swept: list[str] = []
        for entry in sorted(folder.iterdir()) if folder.exists() else []:
            record = records.get(entry.name)
            if record is None:
                continue  # a lost manifest's document: ``reindex`` restores it
            keep = self.data_dir / record.original if record.original else None
            for stale in entry.iterdir() if entry.is_dir() else [entry]:
                if keep is not None and stale.name == META_NAME:
                    continue
                if keep is None or stale.resolve() != keep.resolve():
                    if stale.is_dir():
                        shutil.rmtree(stale, ignore_errors=True)
                    else:
                        stale.unlink(missing_ok=True)
                    swept.append(str(stale.relative_to(self.data_dir)))
            if entry.is_dir() and not any(entry.iterdir()):
                entry.rmdir()
        return swept

    def ready_documents(self) -> list[DocumentRecord]:
        """Ready documents, read once per manifest generation (searches ask every time)."""
        generation = self.manifest.generation
        if self._ready is None or self._ready[0] != generation:
            self._ready = (generation, self.manifest.documents())
        return self._ready[1]

    def check_model(self) -> None:
        """Refuse to mix vectors of two embedding models in one index."""
        index_model = self.manifest.get_meta("embedding_model")
        if index_model and index_model != self.embeddings.model_id and self.ready_documents():
            raise EmbeddingModelMismatch(index_model, self.embeddings.model_id)

    def ingest(
        self,
        paths: Iterable[Path],
        overrides: Overrides | None = None,
        progress: Progress = _no_progress,
        log_echo: TextIO | None = None,
    ) -> IngestReport:
        """Ingest files and folders; one bad file never stops the others. Progress lines
        go to ``DATA_DIR/logs/ingestion.log`` (and to ``log_echo``), see
        ``knowledge.progress``."""
        self.check_model()
        overrides = overrides or Overrides()
        files = expand_paths(paths)
        report = IngestReport()
        with self.writing():
            log = self._progress_log("Indexation", len(files), log_echo)
            unchanged = 0
            for done, path in enumerate(files):
                progress(path.name, done, len(files))
                log.step(done, report.passages, unchanged)
                report.outcomes.append(self._ingest_one(path, overrides))
                unchanged += report.outcomes[-1].status == "unchanged"
            progress("", len(files), len(files))
            log.finish(len(files), report.passages, report.counts["failed"], unchanged)
        return report

    def _progress_log(self, action: str, total: int, echo: TextIO | None) -> ProgressLog:
        return ProgressLog(self.data_dir / PROGRESS_LOG, action, total, echo=echo)

    def _ingest_one(self, path: Path, overrides: Overrides) -> FileOutcome:
        try:
            path = path.resolve()
            if not path.exists():
                raise IngestError("Fichier introuvable.")
            if not path.is_file():
                raise IngestError("Ce n'est pas un fichier.")
            doc_id = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:16]
            content_hash = _file_hash(path)
            previous = self.manifest.document(doc_id)
            overrides = _kept_overrides(previous, overrides)
            if (
                previous is not None
                and previous.status == READY
                and previous.content_hash == content_hash
                and previous.embedding_model == self.embeddings.model_id
                and previous.overrides == overrides.as_json()
            ):
                return FileOutcome(str(path), "unchanged", "", doc_id, previous.chunk_count)
            twins = [d for d in self.manifest.by_hash(content_hash) if d.doc_id != doc_id]
            if twins:
                return FileOutcome(
                    str(path), "unchanged", f"contenu identique à « {twins[0].source} »",
                    twins[0].doc_id, twins[0].chunk_count,
                )
            record, chunks, vectors, rendition = self._prepare(
                path, doc_id, content_hash, overrides, previous
            )
            checkpoint("after_prepare")
            self._write(record, chunks, vectors, source_file=path, rendition=rendition)
            status = "updated" if previous is not None and previous.status == READY else "added"
            return FileOutcome(str(path), status, "", doc_id, len(chunks))
        except IngestError as exc:
            return FileOutcome(str(path), "failed", str(exc))
        except OSError as exc:
            return FileOutcome(str(path), "failed", f"Lecture impossible : {exc.strerror}.")

    def _prepare(
        self,
        path: Path,
        doc_id: str,
        content_hash: str,
        overrides: Overrides,
        previous: DocumentRecord | None,
    ) -> tuple[DocumentRecord, list[Chunk], list[list[float]], str | None]:
        """Parse, apply the personal-data policy, chunk and embed; nothing is written to
        the indexes here, so a failure changes nothing.

        When personal data was replaced, the kept copy is a pseudonymised Markdown
        rendition (returned), never the original file.
        """
        parsed = load_document(path, self.limits)
        info = infer_info(parsed, path, overrides.organisation, overrides.doc_type, overrides.year)
        title = overrides.title or info.title
        heading = overrides.title or info.heading or title
        policy = overrides.pii or self.pii_policy or default_policy(info.doc_type)
        if policy not in POLICIES:
            raise IngestError(f"Politique de données personnelles inconnue : « {policy} » "
                              f"(valeurs : {', '.join(POLICIES)}).")
        pii = self.pseudonymiser().apply([b.text for b in parsed.blocks], policy)
        parsed.blocks = [replace(b, text=t) for b, t in zip(parsed.blocks, pii.texts,
                                                              strict=True)]
        if pii.replaced and not overrides.title:  # the title read from the text, replaced
            title, heading = self.pseudonymiser().apply([title, heading], policy).texts
        if policy != "off":
            self.vault.record_detections(doc_id, dict(pii.counts), policy)
        rendition = _markdown(parsed.blocks) if pii.replaced else None
        chunker = Chunker(
            self.embeddings.count_tokens, min(self.chunk_tokens, self.embeddings.max_tokens)
        )
        # Passages are headed by the document's own first heading (its words, searched
        # with them); the record keeps the title cleaned for people (« Rapport d'activité
        # 2023 », not its editorial's « LE MOT DU DG »).
        label = document_label(heading, info.organisation, info.doc_type, info.year)
        chunks = chunker.split(doc_id, label, parsed.blocks, title=heading)
        if not chunks:
            raise IngestError("Aucun texte exploitable dans ce document.")
        stamp = now()
        record = DocumentRecord(
            doc_id=doc_id, path=str(path), source=path.name, title=title,
            organisation=info.organisation, doc_type=info.doc_type, year=info.year,
            content_hash=content_hash, size=path.stat().st_size, pages=parsed.pages,
            chunk_count=len(chunks), embedding_model=self.embeddings.model_id, status=PENDING,
            original=None, overrides=overrides.as_json(),
            created_at=previous.created_at if previous else stamp, updated_at=stamp,
        )
        vectors = self.cache.embed(self.embeddings, [c.embed_text for c in chunks])
        return record, chunks, vectors, rendition

    @staticmethod
    def _definitions(chunks: list[Chunk]) -> list[Definition]:
        """Acronym definitions stated in the chunks, the first statement of each kept."""
        seen: dict[str, Definition] = {}
        for chunk in chunks:
            for d in mine_definitions(chunk.text):
                seen.setdefault(d.acronym, replace(d, doc_id=chunk.doc_id,
                                                   chunk_id=chunk.chunk_id))
        return list(seen.values())

    def _write(
        self,
        record: DocumentRecord,
        chunks: list[Chunk],
        vectors: list[list[float]],
        source_file: Path,
        rendition: str | None = None,
    ) -> None:
        previous = self.manifest.document(record.doc_id)
        pending = replace(record, status=PENDING, original=previous.original if previous else None)
        self.manifest.mark(pending)
        checkpoint("after_pending")
        self.vectors.set_model_id(record.embedding_model)
        self.vectors.delete_document(record.doc_id)
        checkpoint("after_vector_delete")
        for start in range(0, len(chunks), _CHROMA_BATCH):
            batch = chunks[start : start + _CHROMA_BATCH]
            self.vectors.add(
                [c.chunk_id for c in batch],
                vectors[start : start + _CHROMA_BATCH],
                [_chroma_metadata(c, record) for c in batch],
            )
            checkpoint("during_vector_add")
        original = self._keep_original(record, source_file, rendition)
        self._keep_metadata(replace(record, original=original))
        checkpoint("before_commit")
        self.manifest.commit_chunks(
            replace(record, original=original), chunks, self._definitions(chunks)
        )
        checkpoint("after_commit")
        self._drop_other_copies(record.doc_id, keep=self.data_dir / original)

    def _keep_original(self, record: DocumentRecord, source_file: Path,
                       rendition: str | None = None) -> str:
        """A copy of the file, so the base can be re-indexed even if the original moves.

        A pseudonymised document keeps its pseudonymised rendition instead: the raw
        personal data never enters the data directory.
        """
        folder = self.data_dir / "originals" / record.doc_id
        if rendition is None and source_file.resolve().parent == folder.resolve():
            return str(source_file.resolve().relative_to(self.data_dir.resolve()))
        target = folder / (record.source + RENDITION_SUFFIX if rendition else record.source)
        if source_file.resolve() != target.resolve():
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{target.name}.tmp"
            if rendition is not None:
                tmp.write_text(rendition, encoding="utf-8")
            else:
                shutil.copyfile(source_file, tmp)
            tmp.replace(target)
        return str(target.relative_to(self.data_dir))

    def _keep_metadata(self, record: DocumentRecord) -> None:
        """What ``reindex`` needs to rebuild the document from its copy alone, beside the
        copy: the base can be rebuilt even when ``manifest.sqlite`` is lost or damaged."""
        folder = self.data_dir / "originals" / record.doc_id
        folder.mkdir(parents=True, exist_ok=True)
        data = {k: getattr(record, k) for k in _KEPT_FIELDS}
        tmp = folder / f".{META_NAME}.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(folder / META_NAME)

    def _drop_other_copies(self, doc_id: str, keep: Path) -> None:
        """After the commit, remove a copy the manifest no longer points to (the raw file
        once a pseudonymised rendition replaced it); before it, both stay, so a crash
        never leaves the manifest pointing at a deleted copy."""
        folder = self.data_dir / "originals" / doc_id
        for stale in folder.iterdir() if folder.exists() else []:
            if stale.is_file() and stale.name != META_NAME and stale.resolve() != keep.resolve():
                stale.unlink()

    def _delete_original(self, record: DocumentRecord) -> None:
        shutil.rmtree(self.data_dir / "originals" / record.doc_id, ignore_errors=True)

    def documents(self) -> list[DocumentRecord]:
        return self.manifest.documents(status=None)

    def kept_copy(self, doc_id: str) -> tuple[DocumentRecord, Path | None] | None:
        """A ready document of the base and the copy kept of it (the file as it was
        given, or its pseudonymised rendition when personal data was replaced): None for
        a document the base does not hold; the path is None when no copy is kept. Only
        a file inside the document's own ``originals/<id>/`` folder is ever returned."""
        record = next((r for r in self.ready_documents() if r.doc_id == doc_id), None)
        if record is None:
            return None
        if not record.original:
            return record, None
        folder = (self.data_dir / "originals" / record.doc_id).resolve()
        path = (self.data_dir / record.original).resolve()
        if path.parent != folder or not path.is_file():
            return record, None
        return record, path

    def resolve(self, name_or_id: str) -> DocumentRecord:
        """The one document a user means by a file name, a path or an id."""
        matches = self.manifest.find(name_or_id)
        if not matches:
            raise DocumentNotFound(
                f"Aucun document ne correspond à « {name_or_id} » "
                "(voir la liste avec `canevas documents`)."
            )
        if len(matches) > 1:
            ids = ", ".join(f"{m.doc_id} ({m.path})" for m in matches)
            raise DocumentNotFound(
                f"Plusieurs documents portent ce nom : {ids}. Indiquez l'identifiant."
            )
        return matches[0]

    def remove(self, name_or_id: str) -> DocumentRecord:
        """Delete a document from the manifest, Chroma, the keyword index and the copies."""
        with self.writing():
            record = self.resolve(name_or_id)
            self.manifest.set_status(record.doc_id, REMOVING)
            checkpoint("remove_after_mark")
            self.vectors.delete_document(record.doc_id)
            self._delete_original(record)
            self.manifest.delete_document(record.doc_id)
            self.vault.forget_document(record.doc_id)
            self._prune_vault()
        return record

    def set_metadata(self, name_or_id: str, organisation: str | None, doc_type: str,
                     year: int | None) -> DocumentRecord:
        """Correct a document's organisation, type and year (what search filters and
        drafting use); kept as its overrides, so a re-index keeps them."""
        with self.writing():
            record = self.resolve(name_or_id)
            overrides = json.loads(record.overrides or "{}")
            overrides.update({"organisation": organisation, "doc_type": doc_type,
                              "year": year})
            self.manifest.set_metadata(record.doc_id, organisation, doc_type, year,
                                       Overrides(**overrides).as_json())
            return self.resolve(record.doc_id)

    def forget(self, text: str) -> ForgetReport:
        """Erase every passage that mentions ``text`` (or its pseudonym) from every store.

        Crash-safe like ingestion: a journal (chunk ids, documents, placeholders; no
        personal value) is committed first; the cached vectors, Chroma vectors and kept
        copies are then rewritten, and one transaction deletes the passages, points each
        document at its rewritten copy and clears the journal. A writer that finds a
        journal (``recover``) finishes the job, every step being safe to repeat. A
        document whose name or title holds the text goes entirely. After the commit the
        vault loses every entry no remaining passage refers to (her NIR, IBAN, address…),
        and the SQLite files are rewritten so no deleted row stays on disk.
        """
        report = ForgetReport()
        with self.writing():
            needles = [fold_accents(text.casefold())]
            for placeholder, _ in self.vault.matching(text):
                needles.append(fold_accents(placeholder.casefold()))
                report.pseudonyms.append(placeholder)
            chunks = self.manifest.ready_chunks()
            # A document named by the text goes whole: by its file name, its title, or the
            # first heading that heads each of its passages.
            headed = {c.doc_id for c in chunks
                      if any(n in fold_accents(_label_of(c).casefold()) for n in needles)}
            dropped = [r.doc_id for r in self.manifest.documents(status=None)
                       if r.doc_id in headed
                       or any(n in fold_accents(f"{r.source} {r.title}".casefold())
                              for n in needles)]
            hit = [c for c in chunks if c.doc_id in dropped
                   or any(n in fold_accents(f"{c.text} {c.section}".casefold())
                          for n in needles)]
            report.chunks = len(hit)
            report.needles = needles
            report.removed_texts = [c.text for c in hit]
            report.documents = list(dict.fromkeys(c.source for c in hit))
            journal = {"chunk_ids": [c.chunk_id for c in hit],
                       "doc_ids": list(dict.fromkeys([*dropped, *(c.doc_id for c in hit)])),
                       "dropped": dropped, "placeholders": report.pseudonyms}
            self.manifest.set_meta(FORGET_JOURNAL, json.dumps(journal))
            checkpoint("forget_after_journal")
            self._finish_forget(journal)
        return report

    def _finish_forget(self, journal: dict[str, Any]) -> None:
        """Every step of ``forget`` after its journal; each one safe to run twice."""
        ids: list[str] = journal["chunk_ids"]
        doc_ids: list[str] = journal["doc_ids"]
        dropped: list[str] = journal["dropped"]
        removed = set(ids)
        chunks = self.manifest.chunks_of(doc_ids)
        self.cache.forget([c.embed_text for c in chunks if c.chunk_id in removed])
        for hook in self.erasure_hooks:
            hook([c.text for c in chunks if c.chunk_id in removed])
        checkpoint("forget_after_cache")
        self.vectors.delete_ids(ids)
        for doc_id in dropped:
            self.vectors.delete_document(doc_id)
        checkpoint("forget_after_vectors")
        originals: dict[str, str] = {}
        for doc_id in doc_ids:
            record = self.manifest.document(doc_id)
            if record is None or doc_id in dropped:
                continue
            remaining = [Block(c.text) for c in chunks
                         if c.doc_id == doc_id and c.chunk_id not in removed]
            originals[doc_id] = self._keep_original(record, Path(record.path),
                                                    _markdown(remaining))
        checkpoint("forget_before_commit")
        self.manifest.finish_forget(ids, originals, dropped)
        checkpoint("forget_after_commit")
        for doc_id in dropped:
            shutil.rmtree(self.data_dir / "originals" / doc_id, ignore_errors=True)
            self.vault.forget_document(doc_id)
        for doc_id, kept in originals.items():
            self._drop_other_copies(doc_id, keep=self.data_dir / kept)
            policy = self.vault.detections().get(doc_id, ("off", {}))[0]
            if policy != "off":
                left = [c.text for c in chunks
                        if c.doc_id == doc_id and c.chunk_id not in removed]
                self.vault.set_counts(doc_id, recount(left, policy))
        self._prune_vault()
        self.manifest.vacuum()

    def _prune_vault(self) -> None:
        """Vault entries no passage refers to go (see ``PseudonymVault.prune``)."""
        if self.vault.prune(self.manifest.all_chunk_texts()):
            self.vault.vacuum()

    def reindex(self, progress: Progress = _no_progress,
                log_echo: TextIO | None = None) -> IngestReport:
        """Rebuild every index from the kept copies with the configured model.

        Document by document, by the ingestion protocol (pending, vectors, one commit):
        a killed re-index leaves at most one pending document, the others stay ready and
        searchable. Only a change of embedding model clears the vector store first (its
        vectors cannot be mixed); then every row is marked pending until redone. Copies
        kept in ``originals/`` that the manifest no longer knows (lost or damaged
        manifest) are restored from the metadata kept beside them.
        """
        report = IngestReport()
        with self.writing():
            records = self.manifest.documents(status=None)
            known = {r.doc_id for r in records}
            records += [r for r in self._kept_records() if r.doc_id not in known]
            if self.vectors.model_id not in (None, "", self.embeddings.model_id):
                self.manifest.set_all_status(PENDING)
                checkpoint("reindex_after_mark")
                self.vectors.reset()
            self.manifest.set_meta("embedding_model", self.embeddings.model_id)
            log = self._progress_log("Réindexation", len(records), log_echo)
            for done, record in enumerate(records):
                progress(record.source, done, len(records))
                log.step(done, report.passages)
                report.outcomes.append(self._reindex_one(record))
            progress("", len(records), len(records))
            log.finish(len(records), report.passages, report.counts["failed"])
        return report

    def _reindex_one(self, record: DocumentRecord) -> FileOutcome:
        original = self.data_dir / (record.original or "")
        if not record.original or not original.is_file():
            return FileOutcome(
                record.path, "failed",
                "Copie du fichier introuvable : ajoutez-le de nouveau (`canevas ingest`).")
        try:
            overrides = Overrides(**json.loads(record.overrides or "{}"))
            if original.name.endswith(RENDITION_SUFFIX):
                overrides = replace(
                    overrides, organisation=record.organisation,
                    doc_type=record.doc_type, year=record.year, title=record.title)
            fresh, chunks, vectors, rendition = self._prepare(
                original, record.doc_id, record.content_hash, overrides, record
            )
            fresh = replace(fresh, path=record.path, source=record.source,
                            overrides=record.overrides)
            self._write(fresh, chunks, vectors, source_file=original, rendition=rendition)
            return FileOutcome(record.path, "updated", "", record.doc_id, len(chunks))
        except IngestError as exc:
            return FileOutcome(record.path, "failed", str(exc))

    def _kept_records(self) -> list[DocumentRecord]:
        """A record for each kept copy, from the metadata beside it (or, for a copy kept
        before that file existed, from the copy's own name)."""
        found: list[DocumentRecord] = []
        folder = self.data_dir / "originals"
        for entry in sorted(folder.iterdir()) if folder.exists() else []:
            copies = [f for f in entry.iterdir() if f.is_file() and f.name != META_NAME
                      and not f.name.startswith(".")] if entry.is_dir() else []
            if not copies:
                continue
            meta_path = entry / META_NAME
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                name = copies[0].name.removesuffix(RENDITION_SUFFIX)
                meta = {"doc_id": entry.name, "path": str(copies[0]), "source": name,
                        "title": Path(name).stem, "doc_type": "autre", "overrides": "{}",
                        "original": str(copies[0].relative_to(self.data_dir))}
            stamp = now()
            found.append(DocumentRecord(
                doc_id=entry.name, path=meta.get("path") or str(copies[0]),
                source=meta.get("source") or copies[0].name, title=meta.get("title") or "",
                organisation=meta.get("organisation"), doc_type=meta.get("doc_type") or "autre",
                year=meta.get("year"), content_hash=meta.get("content_hash") or "",
                size=0, pages=None, chunk_count=0, embedding_model="", status=PENDING,
                original=meta.get("original") or str(copies[0].relative_to(self.data_dir)),
                overrides=meta.get("overrides") or "{}",
                created_at=meta.get("created_at") or stamp, updated_at=stamp))
        return found

    @staticmethod
    def discard_indexes(data_dir: Path) -> None:
        """Delete the manifest, the vectors and the keyword index, keeping ``originals/``
        (the copies and their metadata) and the vault: ``rebuild`` then re-indexes."""
        Manifest.discard(data_dir / "manifest.sqlite")
        for derived in ("chroma", "keyword"):
            shutil.rmtree(data_dir / derived, ignore_errors=True)

    def keyword_index(self) -> KeywordIndex:
        """The keyword index, rebuilt from the manifest if it is missing or stale.

        Only a writer (holding the lock) saves a rebuilt index; a reader keeps its
        rebuild in memory, so two processes never write the folder at once.
        """
        generation = self.manifest.generation
        if self._keyword is not None and self._keyword.generation == generation:
            return self._keyword
        directory = self.data_dir / "keyword"
        loaded = KeywordIndex.load(directory)
        if loaded is None or loaded.generation != generation:
            chunks = self.manifest.ready_chunks()
            loaded = KeywordIndex.build(
                [c.chunk_id for c in chunks],
                [c.embed_text for c in chunks],
                generation,
            )
            if self._writing:
                loaded.save(directory)
        self._keyword = loaded
        return loaded

    def glossary(self) -> Glossary:
        """Acronyms mined from the base, then the built-in sector list."""
        mined = [d for d, _ in self.manifest.definitions()]
        return Glossary(mined + list(seed_definitions()))

    def structures(self) -> set[str]:
        """Heads of the structure names the association's documents use (« viala »,
        « st eloi »), law texts apart: a question about one résidence is then told from
        passages about another."""
        return mine_structures(f"{c.section} {c.text}" for c in self.manifest.ready_chunks()
                               if not is_legal_type(c.doc_type))

    def glossary_entries(self) -> list[dict[str, Any]]:
        """What ``canevas glossary`` and the web app list: each acronym with its source
        (the passage that defines it, or the built-in list)."""
        entries: list[dict[str, Any]] = [
            {"sigle": d.acronym, "definition": d.expansion, "source": chunk.source,
             "section": chunk.section, "page": chunk.page, "chunk_id": chunk.chunk_id}
            for d, chunk in self.manifest.definitions()
        ]
        known = {e["sigle"] for e in entries}
        entries += [
            {"sigle": d.acronym, "definition": d.expansion, "source": "lexique intégré",
             "section": "", "page": None, "chunk_id": None}
            for d in seed_definitions() if d.acronym not in known
        ]
        entries.sort(key=lambda e: (str(e["sigle"]), str(e["source"])))
        return entries

    def refresh_keyword_index(self) -> None:
        """Bring the saved keyword index up to date (called by writers, under the lock)."""
        self.keyword_index()

    def consistency_problems(self) -> list[str]:
        """Disagreements between manifest, Chroma and keyword index (empty when consistent)."""
        problems: list[str] = []
        manifest_ids = set(self.manifest.chunk_ids())
        chroma_ids = set(self.vectors.ids())
        if manifest_ids != chroma_ids:
            problems.append(
                f"Chroma: {len(chroma_ids - manifest_ids)} en trop, "
                f"{len(manifest_ids - chroma_ids)} manquants"
            )
        stored = KeywordIndex.load(self.data_dir / "keyword")
        if stored is not None and stored.generation == self.manifest.generation:
            keyword_ids = set(stored.ids)
            if keyword_ids != manifest_ids:
                problems.append("index lexical différent du manifeste")
        unfinished = [r.source for r in self.manifest.documents(status=None) if r.status != READY]
        if unfinished:
            problems.append(f"documents inachevés : {', '.join(unfinished)}")
        return problems


def _label_of(chunk: Chunk) -> str:
    """The document label heading a passage (``context_header`` without its section)."""
    header = chunk.embed_text.split("\n", 1)[0]
    suffix = f" — {chunk.section}"
    return header[: -len(suffix)] if chunk.section and header.endswith(suffix) else header

