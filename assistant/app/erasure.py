"""Right to erasure: ``canevas forget`` removes a person or identifier from every store."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.app.container import Container
from knowledge.french import fold_accents
from knowledge.sentences import split_sentences


@dataclass
class ErasureReport:
    """What was removed, for the French summary the CLI prints."""

    chunks: int = 0
    documents: list[str] = field(default_factory=list)
    pseudonyms: list[str] = field(default_factory=list)
    conversation_turns: int = 0
    drafts: int = 0


def forget_everywhere(container: Container, text: str) -> ErasureReport:
    """Passages, their vectors, sentence vectors, pseudonyms, conversation turns and drafts.

    Questions typed by staff are stored as typed: a turn goes if it names any word of
    ``text`` ("M. Keita" when erasing "Ousmane Keita"): erasure errs on removing more.
    A draft is a long piece of work: it goes only if it holds the whole ``text`` or one
    of its pseudonyms.
    """
    if len(text.strip()) < 3:
        raise ValueError("Donnez au moins trois caractères à effacer.")
    kb = container.knowledge_base

    def forget_sentences(texts: list[str]) -> None:
        """Sentence vectors of the removed passages, before the base commits (crash-safe)."""
        container.evidence_reader.cache.forget([s.text for t in texts
                                                for s in split_sentences(t)])

    kb.erasure_hooks.append(forget_sentences)
    try:
        kb_report = kb.forget(text.strip())
    finally:
        kb.erasure_hooks.remove(forget_sentences)
    words = [fold_accents(w.casefold()) for w in text.split() if len(w) >= 3]
    needles = [*kb_report.needles, *words]
    turns = container.conversations.forget(needles)
    drafts = container.draft_store.forget(kb_report.needles)
    return ErasureReport(kb_report.chunks, kb_report.documents, kb_report.pseudonyms, turns,
                         drafts)
