"""Local SQLite files: opened the same way by every store, scrubbed after deletions."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_shared(path: Path, schema: str) -> sqlite3.Connection:
    """A connection usable from the web app's threads (callers hold their own lock), in
    WAL mode so readers never wait for a writer, with ``schema`` created if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(schema)
    db.commit()
    return db


def rewrite_without_deleted_rows(db: sqlite3.Connection) -> None:
    """VACUUM, then truncate the WAL: in WAL mode VACUUM alone leaves the old pages,
    deleted text included, in the ``-wal`` file until the next checkpoint."""
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
