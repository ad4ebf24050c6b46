"""Every tuned number of Canevas, read from one file: ``knowledge/data/calibration.yaml``.

Why one file: a weight or threshold hidden as a literal in code cannot be traced to the
data it was fitted on, nor refitted. Each entry says what it does, its value, and how it
was obtained — the command that fits it (and on which data), or « set by hand ».
``CANEVAS_CALIBRATION`` points to another file (an experiment, a refit) of the same form.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_FILE = Path(__file__).parent / "data" / "calibration.yaml"
REQUIRED = ("value", "does", "source")


class CalibrationError(KeyError):
    """A number was asked for that the calibration file does not define."""


@cache
def _entries(path: str) -> dict[str, dict[str, Any]]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    flat: dict[str, dict[str, Any]] = {}
    for group, entries in raw.items():
        for name, entry in (entries or {}).items():
            flat[f"{group}.{name}"] = entry
    return flat


def calibration_file() -> Path:
    """The file in force: ``CANEVAS_CALIBRATION`` or the one shipped with the code."""
    return Path(os.environ.get("CANEVAS_CALIBRATION") or DEFAULT_FILE)


def entries() -> dict[str, dict[str, Any]]:
    """Every entry, keyed ``group.name``."""
    return _entries(str(calibration_file()))


def tuned(key: str) -> Any:
    """The value of one tuned number, e.g. ``tuned("refusal.min_support")``."""
    try:
        return entries()[key]["value"]
    except KeyError:
        raise CalibrationError(
            f"« {key} » n'est pas défini dans {calibration_file()} "
            "(chaque nombre réglé doit y figurer avec sa provenance)."
        ) from None


def reload() -> None:
    """Forget the cached file (after a refit wrote a new one)."""
    _entries.cache_clear()
