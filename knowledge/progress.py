"""Progress of a long ingestion or re-index, written as lines to a log file.

Why: a terminal redraws a progress bar, but a run in the background (``nohup``, a
service, a pipe) saw the bar drawn once at the start and once at the end; a 5,000-file
folder then ran for an hour with nothing to look at. Each run appends to
``DATA_DIR/logs/ingestion.log`` (and, when asked, to a stream such as stderr) a line at
the start, then at most one every ``every`` seconds, then one at the end: files done of
the total, passages indexed, time elapsed and the time left at the pace so far.

No file name is written: a name may hold a person's name, and the log is outside what
``forget`` erases.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

LOG_NAME = Path("logs") / "ingestion.log"
EVERY_SECONDS = 10.0  # how often a line is written, set by hand (a log rhythm, not a fit)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class ProgressLog:
    """Lines « 120/5277 fichiers, 830 passages, 1 min 35 s écoulées, reste environ
    1 h 08 min » appended to ``path`` and echoed to ``echo``."""

    def __init__(self, path: Path | None, action: str, total: int, *,
                 echo: TextIO | None = None, every: float = EVERY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path, self.action, self.total = path, action, total
        self.echo, self.every, self.clock = echo, every, clock
        self.started = clock()
        self.last = self.started
        self.lines: list[str] = []
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._write(f"{action} : {total} fichiers à traiter")

    def line(self, done: int, passages: int, unchanged: int = 0) -> str:
        """``unchanged``: files of ``done`` already in the base, skipped in an instant;
        the time left is paced on the others (a resumed run would otherwise promise
        seconds for an hour's work)."""
        elapsed = self.clock() - self.started
        already = f" ({unchanged} déjà à jour)" if unchanged else ""
        text = (f"{done}/{self.total} fichiers{already}, {passages} passages, "
                f"{_duration(elapsed)} écoulées")
        worked = done - unchanged
        if worked > 0 and done < self.total:
            text += f", reste environ {_duration(elapsed / worked * (self.total - done))}"
        return text

    def step(self, done: int, passages: int, unchanged: int = 0) -> None:
        """A line if ``every`` seconds have passed since the last one."""
        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        self._write(self.line(done, passages, unchanged))

    def finish(self, done: int, passages: int, failed: int = 0, unchanged: int = 0) -> None:
        tail = f", {failed} en échec" if failed else ""
        self._write(f"terminé : {self.line(done, passages, unchanged)}{tail}")

    def _write(self, text: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        self.lines.append(text)
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as log:
                log.write(f"{stamp}  {text}\n")
        if self.echo is not None:
            self.echo.write(f"{text}\n")
            self.echo.flush()
