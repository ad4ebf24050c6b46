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

from generators.answering import answer_terms, satisfies
from generators.compose import quotes_of
from generators.draft import Section
from generators.section_evidence import Quote
from knowledge.calibration import tuned


def _takes(section: Section, quote: Quote, facts: Mapping[str, str]) -> bool:
    """``section`` could quote ``quote`` for the question that found it."""
    questions = section.spec.get("questions") or []
    if not questions:
        return True
    if quote.query >= len(questions):
        return False
    question = questions[quote.query]
    terms = [facts.get("association", "") if t == "{association}" else t
             for t in question.get("terms") or []]
    return satisfies(quote.text, answer_terms(question, terms, own=True),
                     question.get("needs", ""))


def _would_quote(section: Section, quote: Quote, facts: Mapping[str, str]) -> bool:
    """``section`` would quote ``quote`` for its question: the question can take it and
    it is among the sentences that question keeps (the best, and the next ones up to
    ``drafting.quotes_per_question`` within ``drafting.second_quote_ratio`` of it)."""
    if not _takes(section, quote, facts):
        return False
    questions = section.spec.get("questions") or []
    if not questions:
        return True
    per_question = max(int(tuned("drafting.quotes_per_question")),
                       -(-int(tuned("drafting.section_min_quotes")) // len(questions)))
    ranked = [q for q in quotes_of(section) if q.query == quote.query and _takes(section, q, facts)]
    kept = [q for q in ranked[:per_question]
            if q.score >= float(tuned("drafting.second_quote_ratio")) * ranked[0].score]
    return quote.text in {q.text for q in kept}


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
