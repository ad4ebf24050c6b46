"""Check the citations of a generated answer against the passages the model was given.

Every ``[n]`` must name a passage of the prompt: out-of-range or malformed numbers are
removed, and a sentence left without any citation is reported as unsupported (it is
kept, but the user sees the flag).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.french import fold_accents

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


# A number as written in French: « 1 200 », « 412 000 € » (ordinary, no-break or narrow
# spaces, or dots, between groups of three), « 12,90 »; or a plain run of digits.
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3}(?!\d))+(?:,\d+)?|\d+(?:,\d+)?")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒæÆ][\w-]*")
# « d'Emmaüs », « l'APREMIS »: the elided article is not part of the name.
_ELISION = re.compile(r"(?<!\w)([dDlLjJnNsScCmMtT]|[qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)['’]")
# A sentence ends at its final stop and the citation marks that may follow it.
_BOUNDARY = re.compile(r"([.!?…](?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*)\s+(?=[^\s\[])")
_ENDS_SENTENCE = re.compile(r"[.!?…](?:\s*\[[^\]]*\])*\s*$")


def _plain(text: str) -> str:
    return _ELISION.sub(r"\1' ", text.replace("’", "'"))


def _folded_words(text: str) -> set[str]:
    return {fold_accents(w).lower().strip("-") for w in _WORD.findall(_plain(text))}


def _digits(text: str) -> set[str]:
    """Every number of ``text`` as its digits, and each run of digits apart (a table row
    « 120 135 150 » holds 135)."""
    return ({re.sub(r"\D", "", n) for n in _NUMBER.findall(text)}
            | set(re.findall(r"\d+", text)))


def _sentences(line: str) -> list[str]:
    parts = _BOUNDARY.split(line)
    glued = [parts[i] + (parts[i + 1] if i + 1 < len(parts) else "")
             for i in range(0, len(parts), 2)]
    return [p.strip() for p in glued if p.strip()]


def _numbers(sentence: str) -> list[int]:
    return [int(n) for mark in _MARK.findall(sentence) for n in re.findall(r"\d+", mark)]


def without_repeats(text: str) -> str:
    """``text`` with every sentence the model already wrote dropped (marks and spacing
    aside; the repeat's citation marks go to the sentence kept): a small model loops,
    writing the same paragraph three times. Only sentences are compared, not a heading
    or a label line without a final stop."""
    first: dict[str, tuple[int, int]] = {}
    lines: list[list[str]] = []
    emptied: set[int] = set()
    for line in text.splitlines():
        kept: list[str] = []
        lines.append(kept)
        for sentence in _sentences(line):
            key = re.sub(r"[\s.!?…;:,]+", " ", _MARK.sub(" ", sentence)).strip().casefold()
            if key in first:
                at, index = first[key]
                new = [n for n in _numbers(sentence) if n not in _numbers(lines[at][index])]
                if new:
                    lines[at][index] = _with_marks(lines[at][index], new)
                continue
            if key and _ENDS_SENTENCE.search(sentence):
                first[key] = (len(lines) - 1, len(kept))
            kept.append(sentence)
        if line.strip() and not kept:  # every sentence a repeat: no blank line left behind
            emptied.add(len(lines) - 1)
    joined = "\n".join(" ".join(k) for i, k in enumerate(lines) if i not in emptied)
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", joined).strip()


def _with_marks(sentence: str, numbers: list[int]) -> str:
    """``sentence`` with the marks ``numbers`` added beside its own (before its stop)."""
    added = "".join(f"[{n}]" for n in numbers)
    end = _ENDS_SENTENCE.search(sentence)
    if end is None:
        return f"{sentence} {added}"
    body, tail = sentence[:end.start()].rstrip(), sentence[end.start():]
    marks = "".join(re.findall(r"\[[^\]]*\]", tail))
    return f"{body} {marks}{added}{tail[0]}"


def cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Each sentence of a checked text that carries citation marks, with their numbers."""
    sentences = [s for line in text.splitlines() for s in _sentences(line)]
    return [(s, _numbers(s)) for s in sentences if _MARK.search(s)]


def unsourced_details(sentence: str, sources: list[str]) -> list[str]:
    """The numbers and names of ``sentence`` that none of ``sources`` holds.

    A citation mark only says where a sentence claims to come from; the details a reader
    acts on — an amount, a date, a count, a partner's name — are what a small model
    invents (« victimes de la maladie du Parkinson » cited on a passage about a health
    forum). A name is a capitalised word that does not open the sentence.
    """
    text = _plain(_MARK.sub(" ", sentence))
    source = " ".join(sources)
    digits, words = _digits(source), _folded_words(source)
    missing = [n.strip() for n in _NUMBER.findall(text) if re.sub(r"\D", "", n) not in digits]
    opening = _WORD.search(text)
    for match in _WORD.finditer(text):
        word = match.group(0).strip("-")
        if (opening is not None and match.start() == opening.start()) or not word[:1].isupper():
            continue
        if fold_accents(word).lower() not in words:
            missing.append(word)
    return list(dict.fromkeys(missing))
