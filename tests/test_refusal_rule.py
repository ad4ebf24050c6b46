"""The refusal rule on hand-built evidence: what is strong evidence and what is not."""

from __future__ import annotations

from assistant.qa.evidence import Evidence, ScoredSentence
from assistant.qa.passages import Passage
from assistant.qa.refusal import judge
from knowledge.sentences import Sentence


def _evidence(form: str | None, has_form: bool) -> Evidence:
    """One passage of the asked organisation whose sentence is close in meaning to the
    question but shares few of its words (a situated, colloquial question)."""
    passage = Passage(chunk_id="d:0", text="Nous aidons à définir un projet.",
                      source="projet.pdf", title="Projet", section="Accompagnement", page=1,
                      score=1.0, doc_id="d", organisation="ALPA", doc_type="projet",
                      year=None)
    sentence = ScoredSentence(passage=0, sentence=Sentence("Nous aidons à définir un projet.",
                                                           0, False),
                              dense=0.9, coverage=0.05, has_form=has_form, in_scope=True)
    return Evidence("On a un couple qui veut un logement. Quelles étapes ?", [passage],
                    [sentence], form)


def test_few_shared_words_are_no_reason_to_refuse() -> None:
    verdict = judge(_evidence(form=None, has_form=True))
    assert not verdict.refused, verdict.reason


def test_an_asked_form_found_nowhere_is_a_reason() -> None:
    verdict = judge(_evidence(form="argent", has_form=False))
    assert verdict.refused and "montant" in verdict.reason
