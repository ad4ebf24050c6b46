"""What the chat shows for each outcome: a doubt is marked like a refusal, not like an answer."""

from __future__ import annotations

from assistant.app.web.ask_page import answer_messages
from assistant.qa.answers import Answer


def _answer(refused: bool = False, uncertain: bool = False) -> Answer:
    return Answer("Q ?", "Texte [1]", refused, [], "extractif", uncertain=uncertain)


def test_unsure_and_refused_answers_carry_the_warning_mark() -> None:
    assert answer_messages(_answer(uncertain=True))[0]["content"].startswith("⚠️")
    assert answer_messages(_answer(refused=True))[0]["content"].startswith("⚠️")
    assert not answer_messages(_answer())[0]["content"].startswith("⚠️")
