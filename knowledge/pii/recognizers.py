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

from knowledge.french import MONTH_PATTERN

_STREET = (r"rue|avenue|av\.|boulevard|bd|chemin|allée|allee|impasse|place|route|quai|cours|"
           r"square|passage|lotissement|résidence|residence|cité|cite|traverse|montée|montee")


# Names: particles (Le Goff, de La Tour, Van der Berg, Ben Salah, El Amrani, Ould Ahmed,
# Da Silva), hyphenated and compound first names, apostrophes (N'Diaye).
PARTICLE = (r"(?:[Dd]e\s+[Ll]a|[Dd]e\s+[Ll]'|[Vv]an\s+[Dd]e[nr]?|[Vv]an|[Vv]on|[Dd]ella|[Dd]el|"
            r"[Dd]es|[Dd]os|[Dd]u|[Dd]e|[Dd]a|[Dd]i|[Ll]e|[Ll]a|[Bb]en|[Ee]l|[Aa]l|[Oo]uld|"
            r"[Aa][iï]t|[Bb]in|[Aa]bou|[Mm]ac)")
UPPER_PARTICLE = r"(?:DE\s+LA|VAN\s+DE[NR]?|VAN|VON|DES|DOS|DU|DE|DA|DI|LE|LA|BEN|EL|AL|OULD)"
CAP_WORD = r"[A-ZÀ-Ý](?:'[A-ZÀ-Ý])?[a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)*"
UPPER_WORD = r"[A-ZÀ-Ý](?:'?[A-ZÀ-Ý])+(?:[-'][A-ZÀ-Ý]{2,})*"
SURNAME = rf"(?:{PARTICLE}\s+)?(?:{CAP_WORD}|{UPPER_WORD})"
_CLOSING = (r"(?:Bien\s+)?[Cc]ordialement|Bien\s+à\s+(?:toi|vous)|Amicalement|Bonne\s+journée|"
            r"Bonne\s+soirée|Sincèrement|Salutations")


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


def iban_valid(value: str) -> bool:
    """The IBAN checksum (ISO 13616: the rearranged number mod 97 is 1), any case."""
    compact = re.sub(r"\s", "", value).upper()
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return len(compact) == 27 and digits.isdigit() and int(digits) % 97 == 1


PATTERNS = [
    FrenchPattern("IBAN_CODE", re.compile(  # French IBAN in any case ("fr76 3000 …")
        r"(?i)(?<![\w])(?P<value>fr\d{2}(?:\s?[0-9a-z]{4}){5}\s?[0-9a-z]{3})(?![\w])"), 0.9),
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
        rf"(?P<value>\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{1,2}}(?:er)?\s+(?:{MONTH_PATTERN})"
        rf"\s+\d{{4}})"), 0.9),
    FrenchPattern("PERSON", re.compile(
        rf"(?<!\w)(?:M\.|Mme|Mlle|Mr|Monsieur|Madame|Mademoiselle)\s+"
        rf"(?P<value>(?:{CAP_WORD}\s+(?={PARTICLE}\s|{CAP_WORD}))?{SURNAME}|{UPPER_WORD}"
        rf"(?:\s+{CAP_WORD})?)"), 0.9),
    FrenchPattern("PERSON", re.compile(  # "Nom : N'Diaye", "Prénom : Aminata" (forms)
        rf"(?m)(?i:^[ \t|]*(?:nom(?: de naissance| d'usage| de famille)?|prénoms?)\s*:\s*)"
        rf"(?P<value>{SURNAME}(?:\s+{SURNAME})?)(?=[ \t]*(?:$|[,;|]))"), 0.9),
    FrenchPattern("PERSON", re.compile(  # "la famille Da Silva", "l'épouse Martin"
        rf"(?i:\bfamille|\bépoux|\bépouse|\bveuve)\s+(?!(?:Les|Des|Aux|Du)\b)"
        rf"(?P<value>{SURNAME})(?![\w-])"), 0.9),
    FrenchPattern("PERSON", re.compile(  # a signature after "Bien à toi,"
        rf"(?:{_CLOSING})\s*[,.!]?[ \t]*\n[ \t]*(?P<value>{CAP_WORD}(?:\s+{SURNAME})?)"
        rf"[ \t]*(?=\n|$)"), 0.9),
]


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Common first names, our own list (``data/prenoms.txt``), compound ones included."""
    path = Path(__file__).with_name("data") / "prenoms.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


_NAME_PAIRS = [
    re.compile(rf"(?<![\w-])(?P<first>{CAP_WORD}(?:\s+(?!{PARTICLE}\s){CAP_WORD}(?=\s))?)\s+"
               rf"(?P<particle>{PARTICLE}\s+)?(?P<last>{UPPER_WORD}|{CAP_WORD})(?![\w-])"),
    re.compile(rf"(?<![\w-])(?P<last>(?:{UPPER_PARTICLE}\s+)?{UPPER_WORD})\s+"
               rf"(?P<first>{CAP_WORD})(?![\w-])"),
]
_GREETING = re.compile(
    rf"(?i:bonjour|bonsoir|chère|cher|salut|merci)\s+(?P<first>{CAP_WORD})(?P<comma>\s*,)?")
# Words that start the name of a place or an organisation, not of a person: "Résidence
# Le Phare", "collège Jean Moulin", "rue Victor Hugo".
PLACE_WORDS = ("rue|avenue|boulevard|bd|place|allée|allee|impasse|chemin|quai|cours|square|"
               "passage|route|résidence|residence|cité|foyer|centre|collège|college|lycée|"
               "école|ecole|stade|hôpital|clinique|maison|espace|salle|gymnase|médiathèque|"
               "bibliothèque|parc|pont|porte|fondation|institut|association|loi|prix|"
               "quartier|pôle|mission|pension|hôtel|villa|campus|groupe scolaire|gare|"
               "église|mosquée|musée|théâtre|Saint|Sainte")
_AFTER_PLACE = re.compile(rf"(?i:\b(?:{PLACE_WORDS}))(?:\s+(?i:social|sociale|municipal|"
                          rf"municipale|de|du|des|d'|la|le|les))*\s*$")


def after_place_word(text: str, start: int) -> bool:
    """Is the name at ``start`` the name of a street, a school, a residence…?"""
    return bool(_AFTER_PLACE.search(text[max(0, start - 40):start]))


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


_CIVILITIES = (r"madame|monsieur|mademoiselle|mme|mlle|bonjour|bonsoir|salut|cher|chère|"
               r"merci|docteur|maître")


def _particle_name(first: str, particle: str | None) -> bool:
    """"Soizic Le Goff": an unknown first name is still one before a capitalised particle."""
    head = first.split()[0]
    return bool(particle) and str(particle)[:1].isupper() and not re.fullmatch(
        rf"(?i:{PLACE_WORDS}|{_CIVILITIES}|le|la|les|de|du|des|en|et|au|aux|pour|par|avec|"
        r"dans|sur|chez)",
        head)


def _overlapping(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Matches starting at every word: "Suivi de Soizic Le Goff" is tried from "Suivi",
    then from "Soizic" (a failed "Suivi de Soizic" must not hide "Soizic Le Goff")."""
    found: list[re.Match[str]] = []
    position = 0
    while (match := pattern.search(text, position)) is not None:
        found.append(match)
        space = text.find(" ", match.start() + 1)
        position = space + 1 if 0 < space < match.end() else match.end()
    return found


def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of "Prénom Nom" with a known first name (or a particle: "Soizic Le Goff"),
    "NOM Prénom" (capitals that are not a sector acronym), and the name after "Bonjour"
    that ends the greeting. Names of streets, schools or residences are not people."""
    spans: list[tuple[int, int]] = []
    for number, pattern in enumerate(_NAME_PAIRS):
        for match in _overlapping(pattern, text):
            if after_place_word(text, match.start()):
                continue
            first, last = match.group("first"), match.group("last")
            if number == 0:
                particle = match.group("particle")
                if re.fullmatch(rf"(?i:{_CIVILITIES})", first.split()[0]):
                    continue
                known = all(is_first_name(w) for w in first.split()) and (
                    bool(particle) or not is_first_name(last))
                if known or _particle_name(first, particle):
                    spans.append((match.start(), match.end()))
            elif _surname_like(last.split()[-1]) and len(first) >= 3:
                spans.append((match.start(), match.end()))
    for match in _GREETING.finditer(text):
        if is_first_name(match.group("first")) or match.group("comma"):
            spans.append((match.start("first"), match.end("first")))
    return spans
