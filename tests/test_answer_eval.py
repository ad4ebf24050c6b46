"""The answer evaluation's citation checks can fail: "every sentence cited" is checked
sentence by sentence, not read from a flag the extractive mode never sets."""

from __future__ import annotations

from assistant.qa.answers import Answer, Citation
from evals.answers import answer_fully_cited, citation_problems

KNOWN = {"doc-00001", "doc-00002"}


def _answer(text: str, chunk_ids: list[str]) -> Answer:
    citations = [Citation(n, cid, "s.md", "T", "", None, "passage") for n, cid
                 in enumerate(chunk_ids, start=1)]
    return Answer("q ?", text, False, citations, "extractif")


def test_a_sentence_without_citation_makes_the_answer_not_fully_cited() -> None:
    answer = _answer("La mesure dure six mois [1].\nElle est renouvelable une fois.",
                     ["doc-00001"])
    assert answer.unsupported == []  # the flag the old metric read says nothing
    assert not answer_fully_cited(answer, KNOWN)


def test_a_mark_to_an_unknown_passage_does_not_count() -> None:
    answer = _answer("La mesure dure six mois [1]. Elle est renouvelable [2].",
                     ["doc-00001", "doc-99999"])
    assert citation_problems(answer, KNOWN) == (2, 1)
    assert not answer_fully_cited(answer, KNOWN)


def test_every_sentence_cited() -> None:
    answer = _answer("La mesure dure six mois [1]. Elle est renouvelable une fois [2].",
                     ["doc-00001", "doc-00002"])
    assert answer_fully_cited(answer, KNOWN)
