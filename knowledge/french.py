"""French text analysis for keyword search: tokens, stop words, stemming, accent folding."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import Stemmer

_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}(?:[A-Za-z]\b)?")
_ELISION = re.compile(r"\b(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.I)

STOP_WORDS = frozenset(
    """a à ai aie ait as au aux avec c ça ce ceci cela celle celles celui ces cet cette ceux
    chaque chez comme comment d dans de des du donc dont elle elles en encore est et été être
    eu fait faire font il ils j je l la le les leur leurs lui m ma mais me même mes moi mon
    n ne ni nos notre nous on ont or ou où par pas peu peut plus pour pourquoi qu quand que
    quel quelle quelles quels qui quoi s sa sans se ses si son sont sur t ta te tes toi ton
    tous tout toute toutes très tu un une vos votre vous y c'est quoi combien qui quels
    était étaient sera seront avait avaient aussi ainsi alors afin entre vers ceux cet""".split()
)


class _Folding(dict[int, str]):
    """Character → folded characters, each computed once (``str.translate`` then runs in C)."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded.replace("œ", "oe")
        return self[code]


_FOLDING = _Folding()


def fold_accents(text: str) -> str:
    """Remove diacritics, so "évaluation" and "evaluation" meet."""
    return text.translate(_FOLDING)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


def undot_acronyms(text: str) -> str:
    """« A.D.M.I. » read as « ADMI »: documents dot acronyms that questions do not."""
    return _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)


def _lexicon(name: str) -> list[str]:
    """The entries of a lexicon in ``data/`` (one per line, « # » starts a comment)."""
    path = Path(__file__).parent / "data" / name
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _colloquial() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = {}
    for line in _lexicon("colloquial.tsv"):
        typed, standard = line.split("\t")
        table[typed.strip().lower()] = standard.strip()
    forms = {w: t for typed, t in table.items() for w in (typed, typed.capitalize())}
    words = sorted(forms, key=len, reverse=True)  # « c koi » before « koi »
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?![\w'])"), forms


def standard_french(question: str) -> str:
    """A question typed as in a chat (« c koi l'asll », « sest lancee », « l'asso ») in
    standard words, so that search, the answer form and the refusal read what was meant
    (« koi » is in no document). The lexicon is ``data/colloquial.tsv``."""
    pattern, table = _colloquial()
    return pattern.sub(lambda m: table[m.group(0)], question)


def _fold_in_place(text: str) -> str:
    """Lower case without accents, one character for one (« œ » read as « o »), so that
    a match's place is its place in ``text``."""
    return "".join((fold_accents(c.lower()) or c)[:1] for c in text)


@lru_cache(maxsize=1)
def _locutions() -> re.Pattern[str]:
    phrases = [_fold_in_place(line) for line in _lexicon("locutions.txt")]
    space = r"\s+"
    alternatives = "|".join(re.escape(p).replace(r"\ ", space).replace("'", "['’]")
                            for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@lru_cache(maxsize=1)
def _anaphors() -> re.Pattern[str]:
    words = sorted((_fold_in_place(w) for w in _lexicon("anaphors.txt")), key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?:{alternatives})(?![\w'’-])")


def points_back(text: str) -> bool:
    """Whether ``text`` opens with a word pointing back at what came before it (« Ces
    contraintes… », « Il serait ainsi… »: lexicon ``data/anaphors.txt``)."""
    return bool(_anaphors().match(_fold_in_place(text.lstrip(" •-–*\n"))))


def without_locutions(text: str) -> str:
    """``text`` less its adverbial phrases (« par exemple », « étape par étape »):
    their nouns say nothing of what is asked (lexicon ``data/locutions.txt``)."""
    spans = [m.span() for m in _locutions().finditer(_fold_in_place(text))]
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return " ".join(text.split())


def tokenize(text: str) -> list[str]:
    """Lower-case, drop elisions and stop words, stem, then fold accents."""
    text = _ELISION.sub(" ", undot_acronyms(text).replace("’", "'").lower())
    words = [w for w in _TOKEN.findall(text) if w not in STOP_WORDS]
    stems = _stemmer().stemWords(words)
    return [fold_accents(s) for s in stems if s]


# The months, in order; the pattern also matches them written without accents.
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
MONTH_PATTERN = "|".join(sorted({m for name in MONTHS for m in (name, fold_accents(name))}))


# Stems shorter than this are too common as the start of unrelated words (« part »).
_FAMILY_STEM = 5
# Two stems sharing this many first letters are one family (« territoir », « territorial »);
# six would join « particip » and « particul ». A short stem starting a longer one still
# joins some strangers (« commun » starts « communaut », « intern » « international »):
# read only for a call's items, whose own search already holds their passages.
_FAMILY_PREFIX = 7


def same_family(a: str, b: str) -> bool:
    """Two stems of one word family: the Snowball stemmer leaves derived forms apart
    (« couverture » → « couvertur », « couvert » → « couvert »; « territoriale » →
    « territorial », « territoire » → « territoir »). One starts the other, or both share
    a long start."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < _FAMILY_STEM or not (a.isalpha() and b.isalpha()):
        return False  # short stems, and numbers (« 75001 », « 750012 »), are no family
    shared = next((i for i in range(shorter) if a[i] != b[i]), shorter)
    return shared == shorter or shared >= _FAMILY_PREFIX
