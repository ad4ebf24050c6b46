"""Make deleted SQLite rows disappear from the disk, for erasure and retention."""

from __future__ import annotations

import sqlite3


def rewrite_without_deleted_rows(db: sqlite3.Connection) -> None:
    """VACUUM, then truncate the WAL: in WAL mode VACUUM alone leaves the old pages,
    deleted text included, in the ``-wal`` file until the next checkpoint."""
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
