"""Acronyms and their expansions, mined from the documents themselves.

Associations define their acronyms in passing: "ASTHA - Accompagnement Social et
Technique pour un Habitat Adapté", "Fonds Solidarité Logement (FSL)". A candidate is
kept only when the initials of the long form spell the acronym, so ordinary dashes
and parentheses do not produce nonsense. A seed list of sector acronyms
(``knowledge/data/glossary.tsv``) fills in what documents take for granted.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.french import fold_accents

_ACRONYM = r"[A-ZÀ-Ý][A-ZÀ-Ý0-9&]{1,9}"
_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿœ'’-]+"
_LINK_WORDS = frozenset(
    "de du des d la le les l et pour à au aux en un une sur par dans avec sous vers".split()
)
_AFTER = re.compile(rf"\b(?P<acr>{_ACRONYM})\s*[-–—:]\s+(?P<long>(?:{_WORD}[ ,]*){{2,14}})")
_LONG_BEFORE = rf"(?P<long>(?:{_WORD}\s+){{1,14}}{_WORD})\s*[»\"]?\s*"
_BEFORE_PAREN = re.compile(rf"{_LONG_BEFORE}\((?P<acr>{_ACRONYM})\)")
_BEFORE_DASH = re.compile(rf"{_LONG_BEFORE}[-–—]\s*(?P<acr>{_ACRONYM})\b")
SEED_FILE = Path(__file__).parent / "data" / "glossary.tsv"


@dataclass(frozen=True)
class Definition:
    """One acronym with its expansion and where it was found."""

    acronym: str
    expansion: str
    doc_id: str | None = None
    chunk_id: str | None = None


_ELISION = re.compile(r"^(?:[dlDL]|qu|Qu)['’]")


def _bare(word: str) -> str:
    return _ELISION.sub("", word.strip("'’-«»\""))


def _initial(word: str) -> str:
    word = _bare(word)
    return fold_accents(word[:1]).upper() if word else ""


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,«»\"]+", text) if w]


def match_long_form(acronym: str, words: list[str], anchored_end: bool) -> list[str] | None:
    """The shortest run of ``words`` whose initials spell ``acronym``.

    With ``anchored_end`` the run must end at the last word (long form written before
    the acronym); otherwise it must start at the first word (written after it).
    Link words (de, et, pour…) may be skipped; content words may not, except a
    hyphenated or apostrophed word matching two letters.
    """
    letters = [c for c in fold_accents(acronym).upper() if c.isalpha()]
    if len(letters) < 2:
        return None
    candidates = range(len(words) - 1, -1, -1) if anchored_end else [0]
    for start in candidates:
        run = words[start:] if anchored_end else words
        used = _align(letters, run, anchored_end)
        if used is not None:
            chosen = run[:used]
            if _initial(chosen[0]) == letters[0]:
                return chosen
    return None


def _align(letters: list[str], words: list[str], whole: bool) -> int | None:
    """Number of words consumed when every letter matches a word initial in order.

    Link words may always be skipped; when the long form is written with capitals
    ("Accompagnement Social et Psychosocial lié au Logement"), lower-case words may
    be skipped too. With ``whole``, every word must be used (the last one matching
    the last letter).
    """
    capitalised = sum(1 for w in words if _bare(w)[:1].isupper()) >= 2

    def skippable(word: str) -> bool:
        bare = _bare(word)
        return bare.lower() in _LINK_WORDS or (capitalised and bare[:1].islower())

    def walk(i: int, n: int) -> int | None:
        if i == len(letters):
            return n if not whole or n == len(words) else None
        if n == len(words):
            return None
        word = words[n]
        if _initial(word) == letters[i]:
            j = i + 1
            for part in re.split(r"[-'’]", _bare(word))[1:]:
                if j < len(letters) and part and _initial(part) == letters[j]:
                    j += 1
            consumed = walk(j, n + 1)
            if consumed is not None:
                return consumed
        return walk(i, n + 1) if skippable(word) and i > 0 else None

    return walk(0, 0)


def mine_definitions(text: str) -> list[Definition]:
    """Acronym definitions written in ``text``, in order of appearance, deduplicated."""
    found: dict[str, Definition] = {}
    for pattern, anchored_end in ((_AFTER, False), (_BEFORE_PAREN, True), (_BEFORE_DASH, True)):
        for m in pattern.finditer(text):
            acronym = m.group("acr")
            if acronym.isdigit() or acronym.upper() != acronym:
                continue
            words = _words(m.group("long"))
            chosen = match_long_form(acronym, words, anchored_end)
            if chosen and acronym not in found:
                expansion = _ELISION.sub("", " ".join(chosen).strip(" -–—:,»\""))
                found[acronym] = Definition(acronym, expansion)
    return list(found.values())


@lru_cache(maxsize=1)
def seed_definitions() -> tuple[Definition, ...]:
    """The built-in sector glossary (acronym, expansion) shipped with Canevas."""
    with SEED_FILE.open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    return tuple(Definition(r[0], r[1]) for r in rows)


class Glossary:
    """Acronym ↔ expansion lookup used to expand queries both ways."""

    def __init__(self, definitions: list[Definition]) -> None:
        self._by_acronym: dict[str, list[str]] = {}
        self._defined_in: dict[str, list[str]] = {}
        for d in definitions:
            if d.chunk_id:
                self._defined_in.setdefault(d.acronym.upper(), []).append(d.chunk_id)
            expansions = self._by_acronym.setdefault(d.acronym.upper(), [])
            if d.expansion.lower() not in (e.lower() for e in expansions):
                expansions.append(d.expansion)
        self._by_expansion = {
            fold_accents(e.lower()): acr for acr, exps in self._by_acronym.items() for e in exps
        }

    def expansions(self, acronym: str) -> list[str]:
        return list(self._by_acronym.get(acronym.upper(), []))

    def acronyms_in(self, query: str) -> list[str]:
        """The acronyms a query uses: words in capitals, and in a question typed all in
        lower case (« c koi l'asll »), the words that are acronyms of the glossary."""
        found = re.findall(rf"\b{_ACRONYM}\b", query)
        if query == query.lower():
            found += [w.upper() for w in re.findall(r"\b\w{3,10}\b", query)
                      if w.upper() in self._by_acronym]
        return found

    def defining_chunks(self, query: str) -> list[str]:
        """Passages of the base that define an acronym the query uses ("C'est quoi l'ASPL ?")."""
        found: list[str] = []
        for token in self.acronyms_in(query):
            found.extend(c for c in self._defined_in.get(token.upper(), []) if c not in found)
        return found

    def expand_query(self, query: str) -> str:
        """The query plus the expansion of each acronym it uses and the acronym of each
        expansion it spells out."""
        extra: list[str] = []
        for token in self.acronyms_in(query):
            extra.extend(self._by_acronym.get(token.upper(), [])[:2])
        folded = fold_accents(query.lower())
        for expansion, acronym in self._by_expansion.items():
            if expansion in folded and acronym not in query:
                extra.append(acronym)
        return f"{query} ({'; '.join(extra)})" if extra else query
