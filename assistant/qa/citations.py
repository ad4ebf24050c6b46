"""Check the citations of a generated answer against the passages the model was given.

Every ``[n]`` must name a passage of the prompt: out-of-range or malformed numbers are
removed, and a sentence left without any citation is reported as unsupported (it is
kept, but the user sees the flag).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARK = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?!\[)|(?<=[.!?…]\s\[\d\])\s+|(?<=[.!?…]\[\d\])\s+")
_ANY_BRACKET_NUMBER = re.compile(r"\[\s*[^\]\[]{0,12}\d[^\]\[]{0,12}\]")


@dataclass
class CheckedAnswer:
    """The answer text with only valid citations, the numbers used, unsupported sentences."""

    text: str
    cited: list[int] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _normalise(match: re.Match[str], count: int, cited: list[int], removed: list[str]) -> str:
    numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
    kept = [n for n in numbers if 1 <= n <= count]
    removed += [f"[{n}]" for n in numbers if n not in kept]
    for n in kept:
        if n not in cited:
            cited.append(n)
    return "".join(f"[{n}]" for n in dict.fromkeys(kept))


def check_citations(text: str, count: int) -> CheckedAnswer:
    """Validate ``[n]`` marks in ``text`` for ``count`` numbered passages."""
    cited: list[int] = []
    removed: list[str] = []
    cleaned = _MARK.sub(lambda m: _normalise(m, count, cited, removed), text)
    for stray in _ANY_BRACKET_NUMBER.findall(cleaned):
        if not _MARK.fullmatch(stray):
            removed.append(stray)
            cleaned = cleaned.replace(stray, "")
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    sentences = [s.strip() for line in cleaned.splitlines()
                 for s in _SENTENCE_END.split(line) if s.strip()]
    unsupported = [s for s in sentences if not _MARK.search(s) and len(s.split()) >= 2]
    return CheckedAnswer(cleaned, cited, unsupported, removed)
