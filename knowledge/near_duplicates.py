"""The one rule that says two texts nearly repeat each other.

The same editorial printed twice, or the same sentence found by two queries, must not
fill two places of a result list. Texts are compared by their word shingles: the share
of shingles the two hold in common (Jaccard) above ``near_duplicates.overlap`` means
a duplicate.
"""

from __future__ import annotations

import re

from knowledge.calibration import tuned

_WORDS = re.compile(r"\w+")


def shingles(text: str, size: int | None = None) -> set[str]:
    """The runs of ``size`` consecutive words of ``text``, lower-cased."""
    size = size or tuned("near_duplicates.shingle_words")
    words = _WORDS.findall(text.lower())
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def overlap(first: set[str], second: set[str]) -> float:
    """Jaccard overlap of two shingle sets."""
    return len(first & second) / max(1, len(first | second))


def near_duplicate(first: set[str], second: set[str]) -> bool:
    """``first`` and ``second`` (shingle sets) nearly repeat each other."""
    return overlap(first, second) > tuned("near_duplicates.overlap")
