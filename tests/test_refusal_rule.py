"""The refusal rule on hand-built evidence: what is strong evidence and what is not."""

from __future__ import annotations

from pathlib import Path

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.qa.answers import AnswerService
from assistant.qa.conversations import ConversationStore
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


def test_a_count_the_passages_miss_but_the_documents_write_is_a_doubt() -> None:
    """« combien de places » with no sentence close to the question giving a number:
    refused when neither the passages nor any document of the organisation write that
    count, « pas sûr » when they do (the base holds it)."""
    evidence = _evidence(form="nombre", has_form=False)
    assert judge(evidence).refused
    evidence.counted = ["places caravanes"]
    verdict = judge(evidence)
    assert not verdict.refused and verdict.unsure, verdict
    assert "places caravanes" in verdict.reason


def _far(**nouns: list[str]) -> Evidence:
    """Evidence whose best sentence is far below the bar (dense 0.3)."""
    evidence = _evidence(form=None, has_form=True)
    sentence = evidence.sentences[0]
    evidence.sentences = [ScoredSentence(sentence.passage, sentence.sentence, 0.3,
                                         sentence.coverage, True, True)]
    for name, words in nouns.items():
        setattr(evidence, name, words)
    return evidence


def test_an_ordinary_word_missing_from_the_passages_makes_it_unsure_not_refused() -> None:
    verdict = judge(_far(missing_nouns=["département"]))
    assert not verdict.refused and verdict.unsure, verdict
    assert "département" in verdict.reason


def test_low_closeness_alone_is_unsure() -> None:
    verdict = judge(_far())
    assert not verdict.refused and verdict.unsure, verdict


def test_a_noun_no_document_uses_is_a_reason_to_refuse() -> None:
    verdict = judge(_far(unknown_nouns=["télétravail"], missing_nouns=["jour"]))
    assert verdict.refused and not verdict.unsure, verdict
    assert "« télétravail » n'apparaît dans aucun document" in verdict.reason


def test_a_close_answer_is_neither_refused_nor_unsure() -> None:
    verdict = judge(_evidence(form=None, has_form=True))
    assert not verdict.refused and not verdict.unsure, verdict


class _Reader:
    """Hands the service fixed evidence: the outcome depends on the rule alone."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence

    def read(self, question: str, retrieval_query: str | None = None) -> Evidence:
        return self.evidence


def test_unsure_answer_shows_the_closest_sentences_cited_and_calls_no_model(
        tmp_path: Path) -> None:
    # One reply, for condensing the follow-up; any other call raises StopIteration.
    model = GenericFakeChatModel(messages=iter([AIMessage("Quels chiffres pour la ville ?")]))
    service = AnswerService(_Reader(_far(missing_nouns=["département"])),  # type: ignore[arg-type]
                            ConversationStore(tmp_path / "c.sqlite"), model)
    answer = service.ask("Quels chiffres sur le département ?")
    assert answer.uncertain and not answer.refused
    first, quoted = answer.text.split("\n", 1)
    assert first.startswith("Je ne suis pas sûr") and "« département »" in first
    assert quoted == "Nous aidons à définir un projet. [1]"
    assert [c.source for c in answer.citations] == ["projet.pdf"]
    follow = service.ask("Et pour la ville ?", answer.conversation_id)
    assert follow.uncertain, "a follow-up is held to the same rule"
