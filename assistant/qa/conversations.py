"""Conversations saved in the data directory, so staff can list and resume them."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.errors import CanevasError
from knowledge.french import fold_accents
from knowledge.sqlite_files import open_shared, rewrite_without_deleted_rows


class ConversationNotFound(CanevasError):
    """No conversation has this id."""


@dataclass(frozen=True)
class Turn:
    """One question and the answer given, as saved."""

    question: str
    retrieval_query: str
    answer: dict[str, Any]
    created: float


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    turns: int
    updated: float


class ConversationStore:
    """SQLite file ``conversations.sqlite``: one row per conversation, one per turn."""

    def __init__(self, path: Path) -> None:
        self._db = open_shared(path, (
            "CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, title TEXT, "
            "owner TEXT, created REAL, updated REAL);"
            "CREATE TABLE IF NOT EXISTS turns (conversation TEXT, position INTEGER, "
            "question TEXT, retrieval_query TEXT, answer TEXT, created REAL, "
            "PRIMARY KEY (conversation, position));"
            "CREATE TABLE IF NOT EXISTS feedback (conversation TEXT, position INTEGER, "
            "liked INTEGER, created REAL, PRIMARY KEY (conversation, position));"
        ))
        self._lock = threading.Lock()

    def new(self, title: str, owner: str = "") -> str:
        conversation_id = uuid.uuid4().hex[:12]
        now = time.time()
        with self._lock:
            self._db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                             (conversation_id, title[:120], owner, now, now))
            self._db.commit()
        return conversation_id

    def _check(self, conversation_id: str, owner: str | None) -> None:
        row = self._db.execute("SELECT owner FROM conversations WHERE id=?",
                               (conversation_id,)).fetchone()
        if row is None or (owner is not None and row[0] != owner):
            raise ConversationNotFound(f"Conversation introuvable : {conversation_id}")

    def add_turn(self, conversation_id: str, question: str, retrieval_query: str,
                 answer: dict[str, Any], owner: str | None = None) -> None:
        now = time.time()
        with self._lock:
            self._check(conversation_id, owner)
            (count,) = self._db.execute("SELECT COUNT(*) FROM turns WHERE conversation=?",
                                        (conversation_id,)).fetchone()
            self._db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                             (conversation_id, count, question, retrieval_query,
                              json.dumps(answer, ensure_ascii=False), now))
            self._db.execute("UPDATE conversations SET updated=? WHERE id=?",
                             (now, conversation_id))
            self._db.commit()

    def rate(self, conversation_id: str, position: int, liked: bool,
             owner: str | None = None) -> None:
        """Save a thumbs up or down on one answer (the latest vote counts)."""
        with self._lock:
            self._check(conversation_id, owner)
            self._db.execute("INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?)",
                             (conversation_id, position, int(liked), time.time()))
            self._db.commit()

    def turns(self, conversation_id: str, owner: str | None = None) -> list[Turn]:
        with self._lock:
            self._check(conversation_id, owner)
            rows = self._db.execute(
                "SELECT question, retrieval_query, answer, created FROM turns "
                "WHERE conversation=? ORDER BY position", (conversation_id,)).fetchall()
        return [Turn(q, r, json.loads(a), c) for q, r, a, c in rows]

    def list(self, owner: str | None = None) -> list[ConversationSummary]:
        query = ("SELECT c.id, c.title, COUNT(t.position), c.updated FROM conversations c "
                 "LEFT JOIN turns t ON t.conversation = c.id "
                 + ("WHERE c.owner=? " if owner is not None else "")
                 + "GROUP BY c.id ORDER BY c.updated DESC")
        with self._lock:
            rows = self._db.execute(query, (owner,) if owner is not None else ()).fetchall()
        return [ConversationSummary(*row) for row in rows]

    def rename(self, conversation_id: str, title: str, owner: str | None = None) -> None:
        """Give a conversation the title its owner chose."""
        with self._lock:
            self._check(conversation_id, owner)
            self._db.execute("UPDATE conversations SET title=? WHERE id=?",
                             (" ".join(title.split())[:120], conversation_id))
            self._db.commit()

    def delete(self, conversation_id: str, owner: str | None = None) -> None:
        """Delete a conversation, its turns and ratings; nothing of it stays on disk."""
        with self._lock:
            self._check(conversation_id, owner)
            for table, key in (("turns", "conversation"), ("feedback", "conversation"),
                               ("conversations", "id")):
                self._db.execute(f"DELETE FROM {table} WHERE {key}=?", (conversation_id,))
            self._db.commit()
            rewrite_without_deleted_rows(self._db)

    def forget(self, needles: Sequence[str]) -> int:
        """Delete every turn (and conversation title) mentioning a needle; the turns removed.

        ``needles`` are case-folded and accent-folded, as ``fold_accents`` gives them.
        """
        def hit(text: str) -> bool:
            folded = fold_accents(text.casefold())
            return any(n in folded for n in needles)

        removed = 0
        with self._lock:
            for conversation, position, question, answer in self._db.execute(
                "SELECT conversation, position, question, answer FROM turns").fetchall():
                if hit(question) or hit(json.loads(answer).get("text", "")) or hit(answer):
                    self._db.execute("DELETE FROM turns WHERE conversation=? AND position=?",
                                     (conversation, position))
                    removed += 1
            for conversation, title in self._db.execute(
                "SELECT id, title FROM conversations").fetchall():
                if hit(title):
                    self._db.execute("UPDATE conversations SET title=? WHERE id=?",
                                     ("(conversation expurgée)", conversation))
            self._db.commit()
            rewrite_without_deleted_rows(self._db)
        return removed

    def purge(self, older_than_days: int) -> int:
        """Delete conversations not updated for ``older_than_days`` days (retention)."""
        limit = time.time() - older_than_days * 86400
        with self._lock:
            old = [r[0] for r in self._db.execute(
                "SELECT id FROM conversations WHERE updated < ?", (limit,)).fetchall()]
            for conversation in old:
                self._db.execute("DELETE FROM turns WHERE conversation=?", (conversation,))
                self._db.execute("DELETE FROM feedback WHERE conversation=?", (conversation,))
                self._db.execute("DELETE FROM conversations WHERE id=?", (conversation,))
            self._db.commit()
            if old:
                rewrite_without_deleted_rows(self._db)
        return len(old)

    def close(self) -> None:
        self._db.close()
