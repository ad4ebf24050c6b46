"""What a draft may quote: the structure drafted, never another one.

An association's reports describe many structures at once (a pension de famille, a
CADA, a résidence sociale, an aire d'accueil…), often in the same paragraph. A projet
social of one résidence must not borrow another's forum santé. The base names its
structures (« résidence Viala », « Pension de Famille St-Eloi », « site Ruisseau
Mirabeau »): ``knowledge.structures.mine_structures`` collects those names, as the
glossary mines acronyms, and ``Scope`` tells, for one sentence and the text just before
it, whether it concerns the structure drafted, another one, or none in particular.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.french import fold_accents
from knowledge.structures import (
    KINDS,
    NOT_HEADS,
    NOT_NAMES,
    SCHEMES,
    head,
    key,
    kind_of,
    mentions,
)

# Kinds that a structure of another kind legitimately shares words with.
_RELATED = {"ftm": {"residence_sociale"}, "residence_sociale": {"ftm"},
            "pension_de_famille": {"residence_accueil"}, "residence_accueil":
            {"pension_de_famille"}}

# A run-in label: a few words and a colon opening a sentence or a list item, followed by
# what they name (« Les logements temporaires : Ce dispositif comprend… »).
_LABEL = re.compile(r"(?:^|(?<=[.!?»])\s+|•\s*)(?:[^\s.!?:•]+\s){0,5}[^\s.!?:•]+\s:\s+"
                    r"(?=[«A-ZÀ-Ý•])")


def project_names(title: str) -> set[str]:
    """How the base may name a project titled ``title``: its name, the words before the
    title's first « : », « , » or « ( » when they are two or more (« Forum emploi à 360°,
    2e édition : … » → « forum emploi a 360° »), and its acronyms (« ASTHA (lot 1) et
    ASPL (lot 2) » → « astha », « aspl »). A one-word lead (« Repérage, visites… ») names
    no project."""
    lead = key(re.split(r"[:,(]", title, maxsplit=1)[0])
    names = {lead} if len(lead.split()) >= 2 else set()
    return names | {a.casefold() for a in re.findall(r"\b[A-Z]{3,}\b", title)}


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
    # The project drafted, as the base may name it (« forum emploi a 360° », « astha »): a
    # sentence naming it is about the project, even when it names the association only.
    project: set[str] = field(default_factory=set)
    # Documents whose title names another structure or scheme (« Projet de service ASLL »):
    # a sentence there that names none is about it (« la mesure dure six mois »).
    other_documents: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, structure_name: str, kind: str | None, mined: set[str],
           association: str = "", described: str = "", project: str = "") -> Scope:
        """The scope of ``structure_name``. ``described``: what the person wrote about
        the structure and the project (« Ruisseau Mirabeau (112 villas, quartier
        Consolat-Mirabeau) »): a place it names is where the structure is, not another
        structure of the association. ``project``: the project's title, whose name (see
        ``project_names``) marks the sentences about it."""
        own_key = key(re.sub(r"\([^)]*\)", " ", structure_name))
        words = [w for w in own_key.split() if w not in NOT_NAMES and w not in NOT_HEADS]
        own = {h for h in mined if any(w in h.split() for w in words)}
        if words:
            own.add(head(" ".join(words)))
        acronyms = re.findall(r"\(([A-Z]{2,})\)", structure_name)
        own |= {a.casefold() for a in acronyms}
        around = {h for h in mined if mentions(key(described), h)}
        return cls(own, kind or kind_of(structure_name), mined - own - around,
                   key(association), project=project_names(project))

    @property
    def active(self) -> bool:
        return bool(self.own or self.kind)

    def names_own(self, text: str) -> bool:
        folded = key(text)
        return any(mentions(folded, h) for h in self.own) or (
            self.kind is not None and kind_of(text) == self.kind and not self.own)

    def names_project(self, text: str) -> bool:
        """``text`` names the project drafted (its text folded once, not per name)."""
        if not self.project:
            return False
        folded = key(text)
        return any(mentions(folded, p) for p in self.project)

    def names_other(self, text: str) -> bool:
        """``text`` names another structure of the association (by name, or by a kind
        unrelated to the one drafted)."""
        folded = key(text)
        if any(mentions(folded, h) for h in self.others):
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
        return bool(self.association) and mentions(key(text), self.association)

    def with_documents(self, texts: dict[str, str]) -> Scope:
        """This scope knowing which documents (id → text) name the structure drafted."""
        self.own_documents = {d for d, t in texts.items()
                              if any(mentions(key(t), h) for h in self.own)}
        self.document_texts = {d: " ".join(texts[d].split()) for d in self.own_documents}
        return self

    def with_titles(self, titles: dict[str, str]) -> Scope:
        """This scope knowing which documents (id → title) are about another structure or
        scheme than the one drafted."""
        self.other_documents = {d for d, t in titles.items()
                                if not self.names_own(t) and self.names_other(t)}
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
        if self.names_project(sentence):
            return "own"
        if self.names_other(sentence):
            return "other"
        opening = _LABEL.match(sentence)
        if opening:
            # « L'accès à l'information : Le « Point Information Logement »… »: its own
            # subject, not the structure named before it.
            return "neutral"
        labels = list(_LABEL.finditer(before))
        if labels:
            # The context of a sentence starts at the last run-in label before it (« Les
            # logements temporaires : Ce dispositif… » in a list of the association's
            # schemes): the structure named above the label no longer speaks for it.
            before = before[labels[-1].start():]
        # A structure known by its kind only (« terrains familiaux ») is named by its kind.
        marks = self.own or ({key(w) for w in KINDS[self.kind]} if self.kind else set())
        folded = key(before)  # once: ``before`` may be the document up to the sentence
        last_own = max((m.end() for h in marks
                        for m in re.finditer(rf"(?<!\w){re.escape(h)}(?!\w)", folded)),
                       default=-1)
        # Another scheme named above (« La location sous location (ou Intermédiation
        # locative) avec glissement de bail : … ») speaks for what follows it too.
        schemes = {key(w) for k in SCHEMES if k != self.kind for w in KINDS[k]}
        last_other = max((m.end() for h in self.others | schemes
                          for m in re.finditer(rf"(?<!\w){re.escape(h)}(?!\w)", folded)),
                         default=-1)
        if last_other > last_own:
            return "other"
        if last_own >= 0:
            return "own"
        return "neutral"
