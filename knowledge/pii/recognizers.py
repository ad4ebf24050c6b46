"""French identifiers Presidio's defaults miss, as Presidio recognizers.

Each pattern has a named group ``value``: only that part is the identifier ("n°
allocataire : 1234567" keeps the label readable). Checks that can be computed are:
the NIR control key (97 − number mod 97, Corsica 2A/2B), the IBAN checksum (Presidio).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_MONTHS = ("janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
           "novembre|décembre|decembre")
_STREET = (r"rue|avenue|av\.|boulevard|bd|chemin|allée|allee|impasse|place|route|quai|cours|"
           r"square|passage|lotissement|résidence|residence|cité|cite|traverse|montée|montee")


@dataclass(frozen=True)
class FrenchPattern:
    entity: str
    regex: re.Pattern[str]
    score: float


def _nir_valid(value: str) -> bool:
    digits = re.sub(r"\s", "", value).upper()
    if len(digits) != 15:
        return False
    body = digits[:13].replace("2A", "19").replace("2B", "18")
    if not body.isdigit() or not digits[13:].isdigit():
        return False
    return 97 - int(body) % 97 == int(digits[13:])


PATTERNS = [
    FrenchPattern("FR_PHONE", re.compile(
        r"(?<![\d\w])(?P<value>(?:(?:\+|00)33\s?\(?0?\)?\s?|0)[1-9](?:[\s.\-]?\d{2}){4})(?!\d)"),
        0.85),
    FrenchPattern("FR_NIR", re.compile(
        r"(?<![\d\w])(?P<value>[12][\s.]?\d{2}[\s.]?(?:0[1-9]|1[0-2]|[2-9]\d)[\s.]?"
        r"(?:\d{2}|2[ABab])[\s.]?\d{3}[\s.]?\d{3}[\s.]?\d{2})(?!\d)"), 0.95),
    FrenchPattern("FR_CAF_NUMBER", re.compile(
        r"(?i)(?:allocataire|\bcaf\b|\bmsa\b)[^\n\d]{0,25}?(?P<value>\d{6,8})(?!\d)"), 0.85),
    FrenchPattern("FR_ADDRESS", re.compile(
        rf"(?i)(?P<value>\b\d{{1,4}}(?:\s?(?:bis|ter|b))?,?\s+(?:{_STREET})\s+[^\n,;]{{2,50}}?"
        rf"(?:,?\s+\d{{5}}\s+[A-ZÀ-Ýa-zà-ÿ][\w\-' ]{{1,40}}?)?)(?=[\n,;.)]|\s+(?:Tél|Tel|$)|$)"),
        0.8),
    FrenchPattern("DATE_OF_BIRTH", re.compile(
        rf"(?i)(?:né|née|né\(e\)|date de naissance|naissance|DDN)\s*(?:le|:)?\s*"
        rf"(?P<value>\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{1,2}}(?:er)?\s+(?:{_MONTHS})"
        rf"\s+\d{{4}})"), 0.9),
    FrenchPattern("PERSON", re.compile(
        r"(?<!\w)(?:M\.|Mme|Mlle|Mr|Monsieur|Madame|Mademoiselle)\s+"
        r"(?P<value>[A-ZÀ-Ý][a-zà-ÿ\-]+(?:\s+[A-ZÀ-Ý][A-Za-zà-ÿ\-]+)?|[A-ZÀ-Ý]{2,}"
        r"(?:\s+[A-ZÀ-Ý][a-zà-ÿ\-]+)?)"), 0.9),
]


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Common first names, our own list (``data/prenoms.txt``), compound ones included."""
    path = Path(__file__).with_name("data") / "prenoms.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


_CAPITALISED = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?"
_UPPER = r"[A-ZÀ-Ý]{2,}(?:[-'][A-ZÀ-Ý]{2,})?"
_NAME_PAIRS = [
    re.compile(rf"(?<![\w-])(?P<first>{_CAPITALISED})\s+(?P<last>{_UPPER}|{_CAPITALISED})(?![\w-])"),
    re.compile(rf"(?<![\w-])(?P<last>{_UPPER})\s+(?P<first>{_CAPITALISED})(?![\w-])"),
]
_GREETING = re.compile(
    rf"(?i:bonjour|bonsoir|chère|cher|salut|merci)\s+(?P<first>{_CAPITALISED})(?P<comma>\s*,)?")


@lru_cache(maxsize=1)
def sector_acronyms() -> frozenset[str]:
    """Acronyms of the sector glossary: "CAF Touraine" is not "NOM Prénom"."""
    from knowledge.glossary import seed_definitions

    return frozenset(d.acronym.upper() for d in seed_definitions())


def _surname_like(word: str) -> bool:
    return (len(word) >= 3 and word.upper() not in sector_acronyms()
            and any(c in "AEIOUYÀÂÉÈÊËÎÏÔÛÙ" for c in word.upper()))


def is_first_name(word: str) -> bool:
    names = first_names()
    return word in names or all(part in names for part in word.split("-"))


def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of "Prénom Nom" with a known first name, "NOM Prénom" (capitals that are not
    a sector acronym), and the name after "Bonjour" that ends the greeting."""
    spans: list[tuple[int, int]] = []
    for number, pattern in enumerate(_NAME_PAIRS):
        for match in pattern.finditer(text):
            first, last = match.group("first"), match.group("last")
            known = is_first_name(first) and not is_first_name(last)
            upper_surname = number == 1 and _surname_like(last) and len(first) >= 3
            if known or upper_surname:
                spans.append((match.start(), match.end()))
    for match in _GREETING.finditer(text):
        if is_first_name(match.group("first")) or match.group("comma"):
            spans.append((match.start("first"), match.end("first")))
    return spans
