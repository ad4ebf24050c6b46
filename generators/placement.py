"""Each evidence sentence in the section that answers it best.

Sections are drafted in order, and a sentence quoted once is not quoted again: without
this rule, the first section whose search finds a sentence keeps it (« Publics
accueillis » quoting the partners' funding), and the section it answers is left with a
gap or a weaker quote. A sentence found by several sections goes to the one where it
scored highest, provided that section's question can take it (its terms, its kind of
answer) and would keep it among its sentences: a sentence left to a section that then
quotes a better one is quoted nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from generators.answering import (
    answer_terms,
    kept_quotes,
    question_terms,
    quotes_per_question,
    satisfies,
)
from generators.compose import quotes_of
from generators.draft import Section
from generators.section_evidence import Quote


def _takes(section: Section, quote: Quote, facts: Mapping[str, str]) -> bool:
    """``section`` could quote ``quote`` for the question that found it."""
    questions = section.spec.get("questions") or []
    if not questions:
        return True
    if quote.query >= len(questions):
        return False
    question = questions[quote.query]
    return satisfies(quote.text, answer_terms(question, question_terms(question, facts), own=True),
                     question.get("needs", ""))


def _would_quote(section: Section, quote: Quote, facts: Mapping[str, str]) -> bool:
    """``section`` would quote ``quote`` for its question: the question can take it and
    it is among the sentences that question keeps (the best, and the next ones up to
    ``drafting.quotes_per_question`` within ``drafting.second_quote_ratio`` of it)."""
    if not _takes(section, quote, facts):
        return False
    if not section.spec.get("questions"):
        return True
    ranked = [q for q in quotes_of(section) if q.query == quote.query and _takes(section, q, facts)]
    return quote.text in {q.text for q in kept_quotes(ranked, quotes_per_question(section))}


def claimed_elsewhere(section: Section, others: list[Section],
                      facts: Mapping[str, str]) -> set[str]:
    """Sentences of ``section``'s evidence that another section found with a higher
    score and can use: they are left to it."""
    mine = {q.text: q.score for q in quotes_of(section)}
    claimed: set[str] = set()
    for other in others:
        if other.id == section.id:
            continue
        for quote in quotes_of(other):
            if (quote.text in mine and quote.text not in claimed
                    and quote.score > mine[quote.text]
                    and _would_quote(other, quote, facts)):
                claimed.add(quote.text)
    return claimed
