"""A question analysed once, then carried through search, evidence, refusal and drafting.

Why: search, sentence scoring, refusal and drafting each need the question's words,
names, acronyms, organisations and expected answer form; deriving them again at each
step cost time and let the steps disagree. ``Question`` holds them all; the searcher
builds it (``HybridSearcher.analyse``) because only the base knows its organisations
and its glossary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.qa.names import named_terms
from assistant.qa.nouns import asked_thing, question_nouns
from assistant.qa.question_types import expected_answer
from knowledge.french import fold_accents, standard_french, tokenize, without_locutions
from knowledge.sentences import split_sentences

_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
# « l'APREMIS a-t-elle, comme Alotra, … », « à l'instar de l'ALPA », « contrairement à
# Alotra »: right before a name, an organisation named to compare, not the one asked
# (read on the accent-folded lower-case question). « comme » alone gives examples
# (« des associations comme l'ALPA et Alotra »): only a « comme » set off by a comma compares.
_COMPARED = re.compile(r"(?:,\s*comme|\ba l['’]instar (?:de|du|d['’])|\bcontrairement aux?)\s*"
                       r"(?:l['’]\s*|la\s+|le\s+|les\s+)?$")
# « notre argumentaire », « mes dossiers »: what the asker owns, not what is asked.
_OWNED = re.compile(r"\b(?:mon|ma|mes|notre|nos)\s+[^\W\d_]+(?:-[^\W\d_]+)*", re.I)


@dataclass(frozen=True)
class Organisation:
    """An organisation of the base the question names, as the base spells it."""

    name: str
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """Everything the pipeline reads from one question's text."""

    text: str
    tokens: tuple[str, ...]
    names: tuple[str, ...]
    acronyms: tuple[str, ...]
    expansions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    organisations: tuple[Organisation, ...] = ()
    form: str | None = None
    keyword_query: str = ""
    defining_chunks: tuple[str, ...] = ()
    # Heads of the structures it names (« viala »): see knowledge.structures.
    structures: tuple[str, ...] = ()

    @property
    def nouns(self) -> tuple[str, ...]:
        """Nouns of the question (spaCy, cached per text): only refusal and drafting need them."""
        return question_nouns(self.text)

    @property
    def asked_nouns(self) -> tuple[str, ...]:
        """Nouns of the asking sentences only: in « Une dame que j'accompagne aimerait voir
        un spectacle. Est-ce que l'ALPA a un partenariat pour ça ? » the situation told
        first (« dame ») is not what the base must hold, nor are the nouns of adverbial
        phrases (« par exemple », « étape par étape ») or the asker's own things
        (« pour notre argumentaire »)."""
        return question_nouns(self._asking)

    @property
    def asked_thing(self) -> tuple[str, ...]:
        """The one thing a singular « quel(le) » of the asking sentences asks to identify,
        its noun first, then its qualifiers (``nouns.asked_thing``)."""
        return asked_thing(self._asking)

    @property
    def _asking(self) -> str:
        """The asking sentences, less locutions and the asker's own things."""
        sentences = [s.text for s in split_sentences(self.text) if not s.heading]
        asking = [s for s in sentences if s.rstrip().endswith("?")]
        if len(sentences) < 2 or not asking:
            asking = [self.text]
        return _OWNED.sub(" ", without_locutions(" ".join(asking)))

    @property
    def organisation_keys(self) -> set[str]:
        """The named organisations, lower-cased without accents."""
        return {fold_accents(o.name.lower()) for o in self.organisations}

    @property
    def asked_organisations(self) -> tuple[Organisation, ...]:
        """The named organisations less those named only to compare (« l'APREMIS
        a-t-elle signé, comme Alotra, un accord… » asks about the APREMIS); all of them
        when each is named to compare."""
        folded = fold_accents(self.text.lower())

        def compared(organisation: Organisation) -> bool:
            name = re.escape(fold_accents(organisation.name.lower()))
            starts = [m.start() for m in re.finditer(rf"(?<![\w-]){name}(?![\w-])", folded)]
            return bool(starts) and all(_COMPARED.search(folded[:i]) for i in starts)

        asked = tuple(o for o in self.organisations if not compared(o))
        return asked or self.organisations

    @property
    def asked_scope(self) -> set[str]:
        """Documents of the organisations the question asks about (``scope`` less the
        organisations named only to compare): the evidence must come from them."""
        return {d for o in self.asked_organisations for d in o.documents}

    @property
    def other_names(self) -> list[str]:
        """Names that are not organisations of the base (a residence, a scheme, an acronym)."""
        keys = self.organisation_keys
        return [n for n in self.names if fold_accents(n.lower()) not in keys]

    @property
    def scope(self) -> set[str]:
        """Documents of the organisations the question names (empty: no scope)."""
        return {d for o in self.organisations for d in o.documents}


def acronyms_of(text: str) -> tuple[str, ...]:
    """Words written in capitals, two letters or more ("CADA", "ASLL")."""
    return tuple(w for w in _WORD.findall(text) if w.isupper() and len(w) >= 2)


def analyse_text(text: str) -> Question:
    """The analysis that needs no base (no organisations, no glossary)."""
    text = standard_french(text)
    return Question(
        text=text, tokens=tuple(dict.fromkeys(tokenize(text))),
        names=tuple(named_terms(text)), acronyms=acronyms_of(text),
        form=expected_answer(text), keyword_query=text,
    )
