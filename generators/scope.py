"""What a draft may quote: the structure drafted, never another one.

An association's reports describe many structures at once (a pension de famille, a
CADA, a résidence sociale, an aire d'accueil…), often in the same paragraph. A projet
social of one résidence must not borrow another's forum santé. The base names its
structures (« résidence Viala », « Pension de Famille St-Eloi », « site Ruisseau
Mirabeau »): ``mine_structures`` collects those names, as the glossary mines acronyms,
and ``Scope`` tells, for one sentence and the text just before it, whether it concerns
the structure drafted, another one, or none in particular.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

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
}
# Kinds that a structure of another kind legitimately shares words with.
_RELATED = {"ftm": {"residence_sociale"}, "residence_sociale": {"ftm"},
            "pension_de_famille": {"residence_accueil"}, "residence_accueil":
            {"pension_de_famille"}}
_NOUNS = (r"r[ée]sidences?(?:\s+sociales?|\s+accueil|\s+jeunes\s+actifs\s+de)?|"
          r"pensions?\s+de\s+famille|foyers?|site|cit[ée]|aire\s+d'accueil\s+(?:du|de|d')?|"
          r"quartier(?:\s+de)?|villas?\s+de")
# The kind noun in any case; the name itself capitalised (« résidence Viala », never the
# « pour » of « résidence pour les seniors »).
_NAMED = re.compile(rf"\b(?i:{_NOUNS})\s+(?i:de\s+|du\s+|d['’]\s*)?[«\"“]?\s*"
                    r"((?:St|Saint|Sainte|Les|Le|La)?[\s-]?[A-ZÉÈ][\w’'-]{2,}"
                    r"(?:\s+[A-ZÉÈ][\w’'-]{2,})?)")
_NOT_NAMES = frozenset("""sociale sociales accueil famille jeunes actifs travailleurs
    migrants alotra alpa apremis les des une notre nos son ses leur cette ce marseille
    aix amiens france etat public publics temporaire temporaires prioritaire prioritaires
    """.split())


# Words of a structure's name that do not tell it from another: what kind it is
# (« Centre d'accueil pour demandeurs d'asile ») and function words (« pour »), which
# as a name's head would make any sentence holding them about the structure drafted.
_NOT_HEADS = frozenset(
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


def _head(name_key: str) -> str:
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
        for match in _NAMED.finditer(text):
            head = _head(key(match.group(1)))
            if head and head.split()[-1] not in _NOT_NAMES and len(head) >= 4 \
                    and head != key(association):
                counts[head] += 1
    folded = fold_accents(" ".join(texts))
    return {h for h in counts if not _common_word(h, folded)}


def _common_word(head: str, folded: str) -> bool:
    """``head`` is an ordinary word the base writes in lower case more often than
    capitalised (« site Internet », « Quartier Prioritaire »), not a structure's name."""
    if " " in head:
        return False
    lower = len(re.findall(rf"(?<!\w){re.escape(head)}(?!\w)", folded))
    capital = len(re.findall(rf"(?<!\w){re.escape(head.capitalize())}(?!\w)", folded))
    return lower >= capital


def kind_of(*texts: str) -> str | None:
    """The kind of structure the words of ``texts`` name first, if any."""
    folded = " ".join(fold_accents(t.casefold()) for t in texts if t)
    hits = [(m.start(), kind) for kind, words in KINDS.items() for w in words
            if (m := re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded))]
    return min(hits)[1] if hits else None


def _mentions(folded: str, head: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(head)}(?!\w)", folded) is not None


@dataclass
class Scope:
    """The structure drafted (its name heads and kind) and the others of the base."""

    own: set[str] = field(default_factory=set)
    kind: str | None = None
    others: set[str] = field(default_factory=set)
    association: str = ""
    # Documents that name the structure drafted: there, only the parts about it count.
    own_documents: set[str] = field(default_factory=set)
    # Those documents' text, whitespace collapsed: what a sentence follows in its document.
    document_texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, structure_name: str, kind: str | None, mined: set[str],
           association: str = "", described: str = "") -> Scope:
        """The scope of ``structure_name``. ``described``: what the person wrote about
        the structure and the project (« Ruisseau Mirabeau (112 villas, quartier
        Consolat-Mirabeau) »): a place it names is where the structure is, not another
        structure of the association."""
        own_key = key(re.sub(r"\([^)]*\)", " ", structure_name))
        words = [w for w in own_key.split() if w not in _NOT_NAMES and w not in _NOT_HEADS]
        own = {h for h in mined if any(w in h.split() for w in words)}
        if words:
            own.add(_head(" ".join(words)))
        acronyms = re.findall(r"\(([A-Z]{2,})\)", structure_name)
        own |= {a.casefold() for a in acronyms}
        around = {h for h in mined if _mentions(key(described), h)}
        return cls(own, kind or kind_of(structure_name), mined - own - around,
                   key(association))

    @property
    def active(self) -> bool:
        return bool(self.own or self.kind)

    def names_own(self, text: str) -> bool:
        folded = key(text)
        return any(_mentions(folded, h) for h in self.own) or (
            self.kind is not None and kind_of(text) == self.kind and not self.own)

    def names_other(self, text: str) -> bool:
        """``text`` names another structure of the association (by name, or by a kind
        unrelated to the one drafted)."""
        folded = key(text)
        if any(_mentions(folded, h) for h in self.others):
            return True
        if self.kind is None:
            return False
        folded_kinds = fold_accents(text.casefold())
        allowed = {self.kind} | _RELATED.get(self.kind, set())
        named = {k for k, words in KINDS.items() for w in words
                 if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded_kinds)}
        return bool(named) and not named & allowed

    def association_wide(self, text: str) -> bool:
        """``text`` speaks of the association as a whole (names it, no structure)."""
        return bool(self.association) and _mentions(key(text), self.association)

    def with_documents(self, texts: dict[str, str]) -> Scope:
        """This scope knowing which documents (id → text) name the structure drafted."""
        self.own_documents = {d for d, t in texts.items()
                              if any(_mentions(key(t), h) for h in self.own)}
        self.document_texts = {d: " ".join(texts[d].split()) for d in self.own_documents}
        return self

    def before_in_document(self, doc_id: str, sentence: str) -> str:
        """The text of document ``doc_id`` before ``sentence`` (« » when not found): a
        passage may start just after the heading or paragraph that names its structure."""
        text = self.document_texts.get(doc_id, "")
        start = text.find(" ".join(sentence.split())[1:40])
        return text[:start] if start > 0 else ""

    def verdict(self, sentence: str, before: str) -> str:
        """« own », « other » or « neutral » for ``sentence`` read after ``before`` (the
        text that precedes it in its passage: what it is about when it names nothing)."""
        if not self.active:
            return "neutral"
        if self.names_own(sentence):
            return "own"
        if self.names_other(sentence):
            return "other"
        # A structure known by its kind only (« terrains familiaux ») is named by its kind.
        marks = self.own or ({key(w) for w in KINDS[self.kind]} if self.kind else set())
        last_own = max((m.end() for h in marks
                        for m in re.finditer(rf"(?<!\w){re.escape(h)}(?!\w)", key(before))),
                       default=-1)
        last_other = max((m.end() for h in self.others
                          for m in re.finditer(rf"(?<!\w){re.escape(h)}(?!\w)", key(before))),
                         default=-1)
        if last_other > last_own:
            return "other"
        if last_own >= 0:
            return "own"
        return "neutral"
