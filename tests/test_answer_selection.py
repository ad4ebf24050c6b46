"""The order of an extractive answer: the number asked comes first (issue 16, item 2)."""

from __future__ import annotations

from dataclasses import replace

from assistant.qa.answers import Selection, extractive_answer
from assistant.qa.evidence import Evidence, ScoredSentence
from assistant.qa.passages import Passage
from knowledge.calibration import tuned
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


def test_how_much_is_quoted_is_a_parameter() -> None:
    """``python -m evals.fit answers`` tries other limits on the same evidence: a
    smaller margin quotes only the sentences that score near the best."""
    texts = ["L'ALPA a été créée en 1989.",
             "C'est avec émotion que je passe le témoin en 2017.",
             "L'association gère 130 logements."]
    evidence = Evidence("En quelle année l'ALPA a-t-elle été créée ?",
                        [_passage(n, t) for n, t in enumerate(texts)],
                        [_sentence(0, texts[0], 0.90), _sentence(1, texts[1], 0.86),
                         _sentence(2, texts[2], 0.80)], None)
    wide = Selection(selection_margin=0.15, same_passage_margin=0.0, max_sentences=6,
                     max_cited=5)
    narrow = Selection(selection_margin=0.02, same_passage_margin=0.0, max_sentences=6,
                       max_cited=5)
    assert len(extractive_answer(evidence, wide)[0].splitlines()) == 3
    assert extractive_answer(evidence, narrow)[0] == f"{texts[0]} [1]"
    # one passage at most
    assert extractive_answer(evidence, replace(wide, max_cited=1))[0] == f"{texts[0]} [1]"
    # by default, the calibration file's numbers, each under its own name
    assert Selection.tuned() == Selection(
        selection_margin=tuned("answers.selection_margin"),
        same_passage_margin=tuned("answers.same_passage_margin"),
        max_sentences=tuned("answers.max_sentences"), max_cited=tuned("answers.max_cited"))


def test_a_passage_s_other_sentence_joins_within_its_margin() -> None:
    texts = ["Première étape : déposer la demande au guichet.",
             "Deuxième étape : la commission se réunit chaque mois."]
    passage = _passage(0, " ".join(texts))
    second = ScoredSentence(passage=0, sentence=Sentence(texts[1], 1, False), dense=0.84,
                            coverage=0.5, has_form=False, in_scope=True)
    evidence = Evidence("Comment se passe l'admission ?", [passage],
                        [_sentence(0, texts[0], 0.86), second], None)
    base = Selection(selection_margin=0.1, same_passage_margin=0.0, max_sentences=6,
                     max_cited=5)
    assert extractive_answer(evidence, base)[0] == f"{texts[0]} [1]"
    assert extractive_answer(evidence, replace(base, same_passage_margin=0.05))[0] == (
        f"{texts[0]} [1]\n{texts[1]} [1]")
    # the cap on sentences holds the passage's other sentences back
    assert extractive_answer(evidence, replace(base, same_passage_margin=0.05,
                                               max_sentences=1))[0] == f"{texts[0]} [1]"
