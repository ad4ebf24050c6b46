"""What kind of answer a French question expects, to favour passages that hold one.

"En quelle année…", "Quand…" want a date; "Combien…", "Quel taux…", "Quelle
capacité…" want a number. Passages without one can still answer, so this only adds
a ranked list to the fusion; it never filters.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge.french import fold_accents

_WANTS_DATE = re.compile(
    r"\b(?:en quelle annee|quelle annee|quand|depuis quand|a quelle date|quelle date|"
    r"date de creation|cree[es]? en)\b"
)
_WANTS_NUMBER = re.compile(
    r"\b(?:combien|quel nombre|nombre de|quel taux|taux d|quel pourcentage|quelle part|"
    r"quelle capacite|capacite d|quel montant|montant d|quel budget|quelle duree|"
    r"quel effectif)\b"
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"\d")


def answer_filter(question: str) -> Callable[[str], bool] | None:
    """A test that a passage contains the kind of answer the question asks for."""
    folded = fold_accents(question.lower())
    if _WANTS_DATE.search(folded):
        return lambda text: bool(_YEAR.search(text))
    if _WANTS_NUMBER.search(folded):
        return lambda text: bool(_NUMBER.search(text))
    return None
