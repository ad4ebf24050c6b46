"""A section says as much as its length allows, round s29 (no model)."""

from __future__ import annotations

from typing import Any

from generators.answering import answer_questions
from generators.draft import Section


def _section(question: dict[str, Any], texts: list[str], target_words: int) -> Section:
    quotes = [{"text": t, "passage": n, "score": 1.05 - n / 100, "query": 0, "position": 0}
              for n, t in enumerate(texts)]
    evidence = [{"chunk_id": f"d#{n}", "source": "projet.md", "title": "Projet", "section": "",
                 "page": 1, "year": 2025, "text": t, "quotes": [quotes[n]]}
                for n, t in enumerate(texts)]
    return Section(id="valeurs", title="Valeurs", purpose="p", requirement="recommandé",
                   source="s", target_words=target_words, spec={"questions": [question]},
                   evidence=evidence)


# Sentences that say « valeurs » score as high as those that state one: the ones that
# state a value come last in the search's order (round s28, projet associatif « Valeurs »).
_ABOUT = [
    "Ce socle de valeurs partagées constitue le premier des référentiels du projet associatif.",
    "Les valeurs qui inspirent son ambition fondatrice guident le développement de son offre.",
    "Cette élaboration collective a permis de vérifier la cohérence entre valeurs et actions.",
    "Depuis, l'association a évolué et s'est développée en conservant ses valeurs fondatrices.",
]
_STATED = "Intégrité : respecter ses engagements et ses principes quelles que soient les pressions."


def test_a_section_with_room_quotes_more_than_its_few_best_sentences() -> None:
    """« Valeurs » asks one question and has room for 160 words: its four best
    sentences (about 55 words) only say that values exist; the fifth, which states one,
    is quoted too. A short section (40 words) stays with its best ones."""
    question = {"text": "Valeurs et finalités de l'association",
                "terms": ["valeur", "intégrité", "respect", "principe"]}
    wide = answer_questions(_section(question, [*_ABOUT, _STATED], 160), "", {}, "", 2026)
    assert "Intégrité" in wide.text
    short = answer_questions(_section(question, [*_ABOUT, _STATED], 40), "", {}, "", 2026)
    assert "Intégrité" not in short.text
