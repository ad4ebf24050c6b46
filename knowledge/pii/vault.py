"""The original ↔ placeholder table, kept apart from every index.

``DATA_DIR/pii/vault.sqlite`` (folder 0700, file 0600): the same person or identifier
always gets the same placeholder across the base (« [Personne 12] »), so answers and
drafts stay readable. Nothing here is copied to Chroma, the keyword index, prompts or
answers; only ``canevas pii mapping --reveal`` prints it. It also keeps, per document,
the counts of what was detected (types and counts, never values).
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import unicodedata
from pathlib import Path

from knowledge.pii.detector import ENTITY_LABELS
from knowledge.sqlite_files import rewrite_without_deleted_rows


def normalise(entity: str, value: str) -> str:
    """The key two spellings of one identifier share ("06 12…" = "06.12…")."""
    folded = unicodedata.normalize("NFKD", value.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    if entity == "PERSON":
        return " ".join(folded.replace("-", " ").split())
    return "".join(c for c in folded if c.isalnum() or c == "@")


_ENTITY_OF_LABEL = {label: entity for entity, label in ENTITY_LABELS.items()}
PLACEHOLDER = re.compile(r"\[(" + "|".join(map(re.escape, _ENTITY_OF_LABEL)) + r") (\d+)\]")


def entity_of_label(label: str) -> str:
    return _ENTITY_OF_LABEL[label]


def placeholders_in(texts: list[str]) -> set[tuple[str, int]]:
    """(entity, number) of every placeholder written in ``texts``."""
    return {(_ENTITY_OF_LABEL[m.group(1)], int(m.group(2)))
            for text in texts for m in PLACEHOLDER.finditer(text)}


class PseudonymVault:
    """Placeholders by (type, normalised value); detection counts by document."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        self.path = path
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        os.chmod(path, 0o600)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS pseudonyms (entity TEXT, key TEXT, "
                             "number INTEGER, original TEXT, PRIMARY KEY (entity, key))")
            self._db.execute("CREATE TABLE IF NOT EXISTS numbering (entity TEXT PRIMARY KEY, "
                             "number INTEGER)")
            self._db.execute("CREATE TABLE IF NOT EXISTS detections (doc_id TEXT, entity TEXT, "
                             "count INTEGER, policy TEXT, PRIMARY KEY (doc_id, entity))")
            self._db.commit()

    def placeholder(self, entity: str, value: str) -> str:
        """« [Personne 12] »: the same value always gets the same number."""
        key = normalise(entity, value)
        with self._lock:
            row = self._db.execute("SELECT number FROM pseudonyms WHERE entity=? AND key=?",
                                   (entity, key)).fetchone()
            if row is None:
                (last,) = self._db.execute(
                    "SELECT COALESCE(MAX(number), 0) FROM (SELECT number FROM pseudonyms "
                    "WHERE entity=? UNION ALL SELECT number FROM numbering WHERE entity=?)",
                    (entity, entity)).fetchone()
                row = (last + 1,)
                self._db.execute("INSERT INTO pseudonyms VALUES (?, ?, ?, ?)",
                                 (entity, key, row[0], value))
                self._db.commit()
        return f"[{ENTITY_LABELS.get(entity, entity)} {row[0]}]"

    def record_detections(self, doc_id: str, counts: dict[str, int], policy: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM detections WHERE doc_id=?", (doc_id,))
            self._db.executemany("INSERT INTO detections VALUES (?, ?, ?, ?)",
                                 [(doc_id, e, n, policy) for e, n in counts.items()])
            if not counts:
                self._db.execute("INSERT INTO detections VALUES (?, '', 0, ?)", (doc_id, policy))
            self._db.commit()

    def detections(self) -> dict[str, tuple[str, dict[str, int]]]:
        """doc_id → (policy, counts by entity type)."""
        report: dict[str, tuple[str, dict[str, int]]] = {}
        with self._lock:
            rows = self._db.execute("SELECT doc_id, entity, count, policy FROM detections")
            for doc_id, entity, count, policy in rows.fetchall():
                _, counts = report.setdefault(doc_id, (policy, {}))
                if entity:
                    counts[entity] = count
        return report

    def forget_document(self, doc_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM detections WHERE doc_id=?", (doc_id,))
            self._db.commit()

    def matching(self, text: str) -> list[tuple[str, str]]:
        """(placeholder, original) of every value that contains ``text`` (case, accents)."""
        needle = normalise("PERSON", text)
        compact = normalise("", text)
        found: list[tuple[str, str]] = []
        with self._lock:
            rows = self._db.execute("SELECT entity, key, number, original FROM pseudonyms")
            for entity, key, number, original in rows.fetchall():
                if (needle and needle in key) or (compact and compact in key.replace(" ", "")):
                    found.append((f"[{ENTITY_LABELS.get(entity, entity)} {number}]", original))
        return found

    def delete_matching(self, text: str) -> int:
        """Remove the mapping of every value containing ``text``; the count removed."""
        originals = {o for _, o in self.matching(text)}
        with self._lock:
            for original in originals:
                self._db.execute("DELETE FROM pseudonyms WHERE original=?", (original,))
            self._db.commit()
        return len(originals)

    def prune(self, texts: list[str]) -> int:
        """Delete every entry no text refers to; the count deleted.

        The rule ``forget`` relies on: once the passages naming a person are gone, her
        NIR, IBAN, address… have no passage left either, so they go too, whatever their
        value. Also removes what a crashed ingestion mapped before being marked pending.
        """
        kept = placeholders_in(texts)
        with self._lock:
            rows = self._db.execute("SELECT entity, number FROM pseudonyms").fetchall()
            orphans = [(e, n) for e, n in rows if (e, n) not in kept]
            if orphans:  # numbers are never given twice: an old draft may still show one
                self._db.execute("INSERT OR REPLACE INTO numbering SELECT entity, MAX(number) "
                                 "FROM (SELECT entity, number FROM numbering UNION ALL "
                                 "SELECT entity, number FROM pseudonyms) GROUP BY entity")
            self._db.executemany("DELETE FROM pseudonyms WHERE entity=? AND number=?", orphans)
            self._db.commit()
        return len(orphans)

    def set_counts(self, doc_id: str, counts: dict[str, int]) -> None:
        """Replace a document's detection counts, keeping its policy."""
        policy = self.detections().get(doc_id, ("off", {}))[0]
        self.record_detections(doc_id, counts, policy)

    def mapping(self) -> list[tuple[str, str]]:
        with self._lock:
            rows = self._db.execute("SELECT entity, number, original FROM pseudonyms "
                                    "ORDER BY entity, number").fetchall()
        return [(f"[{ENTITY_LABELS.get(e, e)} {n}]", o) for e, n, o in rows]

    def vacuum(self) -> None:
        with self._lock:
            rewrite_without_deleted_rows(self._db)

    def close(self) -> None:
        self._db.close()
