"""A section's opening sentence from the user's facts, in correct French.

Offline drafts open on a short frame written from the facts (« La pension de famille
Saint-Éloi, gérée par Alotra, est située à Marseille. »). Names typed by a person come
without their article; French needs one for common nouns (« le Département de la
Somme », « la Caf »), an elided one before a vowel (« l'ALPA »), and none for a bare
proper name (« Alotra »). The contraction with « à » and « de » follows (« au
Département », « du Département »).
"""

from __future__ import annotations

import re

from knowledge.french import fold_accents

# First word of a name → its gender, for names that take an article.
_FEMININE = frozenset("""association ville metropole fondation region caf caisse direction
    communaute agence residence pension maison federation union prefecture ddets dreets
    mutuelle mission delegation cite structure commune collectivite""".split())
_MASCULINE = frozenset("""departement conseil fonds centre foyer service etablissement
    ministere etat chrs cada fjt ccas cias siao bailleur office groupe secretariat pole
    programme site ensemble dispositif reseau collectif syndicat plan""".split())
_GENDERED = _FEMININE | _MASCULINE
_ARTICLES = re.compile(r"^(?:le|la|les|l'|l’|un|une|des|du|au|aux)\s*", re.IGNORECASE)
_VOWEL = re.compile(r"^[aeiouyhàâäéèêëîïôöùûü]", re.IGNORECASE)


def _first_word(name: str) -> str:
    return fold_accents(re.split(r"[\s'’-]", name.strip(), maxsplit=1)[0].casefold())


def _is_acronym(word: str) -> bool:
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", word)
    return len(letters) >= 2 and letters.isupper()


def _singular(word: str) -> str | None:
    """The singular of a plural kind of name (« residences » → « residence »), else None:
    « Résidences sociales La Pinède et Cabro d'Or » names two residences."""
    if word[-1:] in ("s", "x") and word[:-1] in _GENDERED:
        return word[:-1]
    return None


def gender(name: str) -> str:
    """« f », « m », « fp » or « mp » (plural) for the head noun of ``name`` typed without
    its article; « m » when it cannot be told (a bare proper name)."""
    word = _first_word(name)
    singular = _singular(word)
    if singular is not None:
        return "fp" if singular in _FEMININE else "mp"
    return "f" if word in _FEMININE else "m"


def agree(past_participle: str, name: str) -> str:
    """« gérée », « gérés »… : ``past_participle`` (masculine singular, « géré ») agreed
    with ``name``."""
    return past_participle + {"f": "e", "m": "", "fp": "es", "mp": "s"}[gender(name)]


def article(name: str) -> str:
    """« le », « la », « les », « l' » or « » for ``name`` as a person typed it."""
    name = name.strip()
    if not name or _ARTICLES.match(name):
        return ""
    first = name.split()[0]
    word = _first_word(name)
    if _singular(word) is not None and not _is_acronym(first):
        return "les "
    if _is_acronym(first):
        return "l'" if _VOWEL.match(first) and word not in _GENDERED else (
            "la " if word in _FEMININE else "le " if word in _MASCULINE else "")
    if word in _FEMININE:
        return "l'" if _VOWEL.match(word) else "la "
    if word in _MASCULINE:
        return "l'" if _VOWEL.match(word) else "le "
    return ""


_COMMON = frozenset("""residence pension foyer centre service etablissement maison site
    structure cite ensemble dispositif""".split())


def _lower_common(name: str) -> str:
    """A kind of structure opening the name is lower-cased (« Pension de famille X » →
    « pension de famille X »); institutions (« Département », « Ville ») keep their
    capital, as do acronyms and proper names."""
    first = name.split()[0]
    word = _first_word(name)
    if (word in _COMMON or _singular(word) in _COMMON) and not _is_acronym(first):
        return first.lower() + name[len(first):]
    return name


def the(name: str) -> str:
    """``name`` with its article: « la pension de famille Saint-Éloi », « l'ALPA »."""
    name = " ".join(name.split())
    art = article(name)
    shown = _lower_common(name) if art else name
    if art == "l'":
        return f"l'{shown}"
    return f"{art}{shown}"


def to(name: str) -> str:
    """« à » + ``name``: « à la résidence X », « au Département », « à l'ALPA »."""
    phrase = the(name)
    if phrase.startswith("le "):
        return "au " + phrase[3:]
    if phrase.startswith("les "):
        return "aux " + phrase[4:]
    return "à " + phrase


def of(name: str) -> str:
    """« de » + ``name``: « du Département », « de l'ALPA », « d'Alotra »."""
    phrase = the(name)
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    if phrase.startswith("les "):
        return "des " + phrase[4:]
    if _VOWEL.match(phrase):
        return "d'" + phrase
    return "de " + phrase


def by(name: str) -> str:
    """« par » + ``name``: « par l'ALPA », « par Alotra »."""
    return "par " + the(name)


def capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
