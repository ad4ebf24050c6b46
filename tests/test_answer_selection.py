"""The order of an extractive answer: the number asked comes first (issue 16, item 2)."""

from __future__ import annotations

from assistant.qa.answers import extractive_answer
from assistant.qa.evidence import Evidence, ScoredSentence
from assistant.qa.passages import Passage
from knowledge.sentences import Sentence


def _passage(n: int, text: str) -> Passage:
    return Passage(chunk_id=f"d:{n}", text=text, source="rapport.pdf", title="Rapport",
                   section="Chiffres", page=1, score=1.0, doc_id="d", organisation="ALPA",
                   doc_type="rapport", year=2023)


def _sentence(n: int, text: str, dense: float = 0.85, has_form: bool = False
              ) -> ScoredSentence:
    return ScoredSentence(passage=n, sentence=Sentence(text, 0, False), dense=dense,
                          coverage=0.5, has_form=has_form, in_scope=True)


def test_the_number_asked_comes_first() -> None:
    texts = ["L'ALPA accompagne des ménages dans le Vaucluse.",
             "En 2023, l'ALPA a accompagné 412 ménages."]
    evidence = Evidence("Combien de ménages l'ALPA a-t-elle accompagnés en 2023 ?",
                        [_passage(0, texts[0]), _passage(1, texts[1])],
                        [_sentence(0, texts[0], 0.86),
                         _sentence(1, texts[1], 0.85, has_form=True)], "nombre")
    text, citations = extractive_answer(evidence)
    assert text.splitlines()[0] == f"{texts[1]} [1]", text
    assert citations[0].quote == texts[1]
