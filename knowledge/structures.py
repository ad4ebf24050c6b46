"""Structures an association runs, as its documents name them.

A report describes many structures at once (« résidence Viala », « Pension de Famille
St-Eloi », « site Ruisseau Mirabeau »). ``mine_structures`` collects their names from the
base, as the glossary mines acronyms, so that a question or a draft about one of them can
tell a passage about it from a passage about another. Search (a question naming a
résidence) and drafting (the structure drafted) both read them: they live here, in the
knowledge layer both build on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from knowledge.french import STOP_WORDS, fold_accents

# Kinds of structure, with the words that name them in text.
KINDS: dict[str, tuple[str, ...]] = {
    "pension_de_famille": ("pension de famille", "pensions de famille", "maison relais"),
    "residence_accueil": ("residence accueil", "residences accueil"),
    "residence_sociale": ("residence sociale", "residences sociales"),
    "ftm": ("foyer de travailleurs migrants", "foyers de travailleurs migrants", "ftm"),
    "cada": ("cada", "demandeurs d'asile", "demandeur d'asile"),
    "chrs": ("chrs", "centre d'hebergement et de reinsertion"),
    "fjt": ("fjt", "foyer de jeunes travailleurs", "jeunes actifs"),
    "aire_accueil": ("aire d'accueil", "aires d'accueil", "terrain familial",
                     "terrains familiaux", "gens du voyage"),
    # Schemes an association runs beside its structures, each with its own rules (an
    # ASLL measure lasts six months; intermédiation locative is sub-letting): by their
    # acronyms, whose long forms share their words with every other text of the sector.
    "asll": ("asll",),
    "avdl": ("avdl",),
    "iml": ("iml", "intermediation locative"),
}
_NOUNS = (r"r[ée]sidences?(?:\s+sociales?|\s+accueil|\s+jeunes\s+actifs\s+de)?|"
          r"pensions?\s+de\s+famille|foyers?|site|cit[ée]|aire\s+d'accueil\s+(?:du|de|d')?|"
          r"quartier(?:\s+de)?|villas?\s+de|aires?")
# The kind noun in any case; the name itself capitalised (« résidence Viala », never the
# « pour » of « résidence pour les seniors »).
NAMED = re.compile(rf"\b(?i:{_NOUNS})\s+(?i:de\s+|du\s+|d['’]\s*)?[«\"“]?\s*"
                    r"((?:St|Saint|Sainte|Les|Le|La)?[\s-]?[A-ZÉÈ][\w’'-]{2,}"
                    r"(?:\s+[A-ZÉÈ][\w’'-]{2,})?)")
NOT_NAMES = frozenset("""sociale sociales accueil famille jeunes actifs travailleurs
    migrants alotra alpa apremis les des une notre nos son ses leur cette ce marseille
    aix amiens france etat public publics temporaire temporaires prioritaire prioritaires
    """.split())


# Words of a structure's name that do not tell it from another: what kind it is
# (« Centre d'accueil pour demandeurs d'asile ») and function words (« pour »), which
# as a name's head would make any sentence holding them about the structure drafted.
NOT_HEADS = frozenset(
    {fold_accents(w) for w in STOP_WORDS}
    | {w for words in KINDS.values() for phrase in words
       for w in re.split(r"[\s']+", phrase)}
    | set("pension famille residence sociale foyer centre service site".split()))


def key(name: str) -> str:
    """A name as compared: no accents, no case, « Saint » and « St » alike."""
    text = fold_accents(name.casefold())
    text = re.sub(r"[-’'«»\"“”()]", " ", text)
    text = re.sub(r"\b(?:saint|sainte|ste)\b", "st", text)
    words = [w for w in text.split() if w not in {"le", "la", "les", "de", "du", "d"}]
    return " ".join(words)


def head(name_key: str) -> str:
    """The distinctive word of a name: « st eloi » → « st eloi », « viala anjou » →
    « viala »."""
    words = name_key.split()
    if not words:
        return ""
    return " ".join(words[:2]) if words[0] == "st" else words[0]


def mine_structures(texts: Iterable[str], association: str = "") -> set[str]:
    """The heads of structure names the base uses (« viala », « st eloi »…)."""
    counts: Counter[str] = Counter()
    texts = list(texts)
    for text in texts:
        for match in NAMED.finditer(text):
            found = head(key(match.group(1)))
            if found and found.split()[-1] not in NOT_NAMES and len(found) >= 4 \
                    and found != key(association):
                counts[found] += 1
    folded = fold_accents(" ".join(texts))
    return {h for h in counts if not _common_word(h, folded)}


def _common_word(name: str, folded: str) -> bool:
    """``name`` is an ordinary word the base writes in lower case more often than
    capitalised (« site Internet », « Quartier Prioritaire »), not a structure's name. A
    name printed in capitals (« Aire RIVES HAUTES » in a list of addresses) is capitalised."""
    if " " in name:
        return False
    lower = len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", folded))
    capital = sum(len(re.findall(rf"(?<!\w){re.escape(form)}(?!\w)", folded))
                  for form in (name.capitalize(), name.upper()))
    return lower >= capital


# Kinds that are schemes, not places: a text naming a place and a scheme (« ASLL des
# résidents de la pension de famille ») is about the place.
SCHEMES = frozenset({"asll", "avdl", "iml"})


def kind_of(*texts: str) -> str | None:
    """The kind of structure the words of ``texts`` name first, if any; a scheme only
    when they name no place."""
    folded = " ".join(fold_accents(t.casefold()) for t in texts if t)
    hits = [(kind in SCHEMES, m.start(), kind) for kind, words in KINDS.items() for w in words
            if (m := re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded))]
    return min(hits)[2] if hits else None


def mentions(folded: str, head: str) -> bool:
    """``folded`` (a text through ``key``) holds the name head ``head`` as whole words."""
    return re.search(rf"(?<!\w){re.escape(head)}(?!\w)", folded) is not None


def named_in(text: str, known: Iterable[str] = ()) -> set[str]:
    """Heads of the structures ``text`` names: by a kind noun and a capitalised name
    (« résidence Viala »), or by a name the base is known to use (``known``)."""
    found = {h for m in NAMED.finditer(text)
             if (h := head(key(m.group(1)))) and h.split()[-1] not in NOT_NAMES
             and len(h) >= 4}
    folded = key(text)
    return found | {h for h in known if mentions(folded, h)}


def about_another(text: str, asked: Iterable[str], known: Iterable[str]) -> bool:
    """``text`` names a structure of ``known`` other than the ``asked`` ones, and none of
    those: asked about the résidence Viala, a passage on the Clos des Roses."""
    folded = key(text)
    asked = set(asked)
    return not any(mentions(folded, h) for h in asked) and any(
        mentions(folded, h) for h in set(known) - asked)
