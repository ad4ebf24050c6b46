"""The project's one sentence splitter: passages into the sentences an answer can quote.

Passages come from cleaned PDF and Word text: lines are paragraphs, list items or
headings. A line is cut at sentence ends (". ", "? ", "! ", "… ") unless the dot
belongs to an abbreviation or a number; a list intro ending with ":" keeps its first
item so the quote reads as a whole; headings are kept apart so they are never quoted
as an answer on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.calibration import tuned

_END = re.compile(r"(?<=[.!?…])[»\")]?\s+(?=[«\"(]?[A-ZÀ-ÖØ-Ý0-9•])")
_ABBREVIATIONS = ("M.", "Mme.", "MM.", "art.", "Art.", "cf.", "p.", "n°.", "etc.", "ex.",
                  "av.", "bd.", "St.", "Dr.", "env.", "min.", "max.", "nb.", "vol.")


@dataclass(frozen=True)
class Sentence:
    """One quotable unit of a passage, with its place in the passage."""

    text: str
    position: int
    heading: bool


def _looks_like_heading(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped[-1] in ".!?:;…»)":
        return False
    return (len(stripped) < tuned("sentences.heading_max_chars")
            and len(stripped.split()) <= tuned("sentences.heading_max_words"))


def _ends_with_abbreviation(piece: str) -> bool:
    """The last word is an abbreviation (« M. », « cf. »), not a word that ends like one
    (« le SAM. », « chemin. », « départ. »)."""
    words = piece.split()
    return bool(words) and words[-1].lstrip("([«\"'") in _ABBREVIATIONS


def _cut(line: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _END.finditer(line):
        piece = line[start : match.start()].strip()
        if _ends_with_abbreviation(piece) or len(piece) < tuned("sentences.min_chars") // 2:
            continue
        parts.append(line[start : match.end()].strip())
        start = match.end()
    rest = line[start:].strip()
    if rest:
        parts.append(rest)
    return parts


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in reading order; short fragments join their neighbour."""
    units: list[tuple[str, bool]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if _looks_like_heading(line):
            units.append((line, True))
            continue
        for piece in _cut(line):
            previous = units[-1] if units else None
            if previous and not previous[1] and (
                previous[0].endswith(":")
                or (len(previous[0]) < tuned("sentences.min_chars")
                    and previous[0][-1] not in ".!?…")
            ):
                units[-1] = (f"{previous[0]} {piece}", False)
            else:
                units.append((piece, False))
    return [Sentence(text=t, position=i, heading=h) for i, (t, h) in enumerate(units)]
