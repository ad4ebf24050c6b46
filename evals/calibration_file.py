"""Write a fitted entry into the calibration file, with the command that fitted it.

Why here: only fitting commands write the file, so every value it holds either says
« set by hand » or names the command and data that produced it. The entry's block is
replaced in place (or appended to its group), so the rest of the file — comments,
spelling of the other numbers — stays as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from knowledge.calibration import calibration_file, reload


def write_entry(group: str, name: str, value: Any, does: str, source: str,
                path: Path | None = None) -> None:
    """Set ``group.name`` to ``value`` with what it ``does`` and its ``source``."""
    path = path or calibration_file()
    lines = path.read_text(encoding="utf-8").splitlines()
    block = yaml.safe_dump({name: {"value": value, "does": does, "source": source}},
                           allow_unicode=True, sort_keys=False, width=100)
    new = ["  " + line for line in block.splitlines()]
    try:
        start = lines.index(f"{group}:")
    except ValueError:
        lines += [f"{group}:", *new]
    else:
        end = next((i for i in range(start + 1, len(lines))
                    if lines[i] and not lines[i].startswith(" ")), len(lines))
        here = next((i for i in range(start + 1, end) if lines[i] == f"  {name}:"), None)
        if here is None:
            lines[end:end] = new
        else:
            stop = next((i for i in range(here + 1, end)
                         if re.match(r"  \S", lines[i])), end)
            lines[here:stop] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reload()
