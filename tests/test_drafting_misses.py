"""Where a drafting span is lost, classed as the set's own scorer matches spans."""

from __future__ import annotations

import pytest

from evals.drafting_misses import classify
from evals.drafting_set import load_scorer
from tests.conftest import SHARED

SPAN = "Les réunions de quartier ont lieu chaque premier mardi du mois au local commun"
OTHER = "Le conseil d'administration se réunit quatre fois par an pour voter le budget"


@pytest.mark.parametrize(("sections", "passages", "quotes", "kept", "step"), [
    ([SPAN], [SPAN], [SPAN], [SPAN], "trouvé"),
    ([OTHER], [SPAN], [SPAN], [SPAN], "gardé, non retenu"),
    ([OTHER], [SPAN], [SPAN], [], "écarté par le périmètre"),
    ([OTHER], [f"{OTHER}. {SPAN}."], [], [], "lu sans citation"),
    ([OTHER], [OTHER], [], [], "non trouvé"),
])
def test_a_missed_span_is_classed_by_the_first_step_that_no_longer_holds_it(
        sections: list[str], passages: list[str], quotes: list[str], kept: list[str],
        step: str) -> None:
    scorer = load_scorer(SHARED / "evals" / "drafting" / "score_drafting.py")
    reads = [{"section": ["Vie collective"], "passages": passages, "quotes": quotes,
              "kept": kept}]
    assert classify(scorer, SPAN, sections, reads) == step
