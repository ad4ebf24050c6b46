"""A call's criterion in the funder's words, read with the template's questions on its
subject.

A call names its criteria as the funder writes them (« Adéquation du projet aux
besoins des familles allocataires du territoire »); the association's documents say
the same in theirs (« les personnes … en situation de précarité, logées dans de
mauvaises conditions »). The grant template already asks, in the association's words,
the questions a call's criteria replace (« Constat et besoins repérés », with the
words its answer is written with). A criterion whose title shares a word with such a
question asks it too: its search and its answer's words reach the sentences the
funder's wording alone misses.
"""

from __future__ import annotations

import re

from generators.template import Question
from knowledge.french import fold_accents

# Words that say nothing of a subject (every criterion and question may hold them).
_GENERIC = frozenset("""projet projets dans avec pour leur leurs votre vous nous sont
    comment quelle quelles quels toute toutes autres modalites qualite moyens presentation
    proposees propose""".split())


def _stems(text: str) -> set[str]:
    """The subject words of ``text`` by their first six letters (« besoins » and
    « besoin », « partenariat » and « partenaires » alike)."""
    words = re.findall(r"[^\W\d_]{5,}", fold_accents(text.casefold()))
    return {w[:6] for w in words if w not in _GENERIC}


def best_criterion(question: Question, titles: list[str]) -> int | None:
    """The index of the criterion title sharing most subject words with ``question``
    (the first on a tie), if any does and the question has words to answer with
    (``terms``): one without is not on a subject the base can answer."""
    if not question.terms:
        return None
    shares: list[int] = [len(_stems(title) & _stems(question.text)) for title in titles]
    best = max(shares, default=0)
    return shares.index(best) if best else None
