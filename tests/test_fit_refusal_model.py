"""The refusal model's fit (evals/fit_refusal_model.py) on made-up rows: what it keeps,
how it counts a false refusal, and that held out it only refuses what it learnt."""

from __future__ import annotations

import random
from typing import Any

from assistant.qa.refusal_features import FEATURES
from evals import fit_refusal_model as fit


def _row(i: int, unanswerable: bool, best: float, base: str = "seed",
         outcome: str = "answered") -> dict[str, Any]:
    values = dict.fromkeys(FEATURES, 0.0)
    values["best_support"] = best
    return {"base": base, "set": "dev-b", "id": f"q{i}", "unanswerable": unanswerable,
            "outcome": outcome, "features": values}


def test_a_false_refusal_costs_more_than_a_missed_refusal() -> None:
    rows = [_row(0, True, 0.5), _row(1, False, 0.9)]
    assert fit.cost(rows, [False, False]) == 1.0
    assert fit.cost(rows, [True, True]) == fit.COST


def test_kept_only_when_refusal_rises_and_false_refusal_stays_low() -> None:
    same = {"unanswerable_refused": 0.7, "with_model": 0.7,
            "answerable_refused": 0.0, "answerable_with_model": 0.0}
    better = {**same, "with_model": 0.8}
    costly = {**better, "answerable_with_model": 0.06}
    assert not fit.keeps({"seed dev-b": same})
    assert fit.keeps({"seed dev-b": better, "seed dev": same})
    assert not fit.keeps({"seed dev-b": costly})


def test_held_out_the_model_refuses_the_far_questions_and_not_the_close_ones() -> None:
    """Unanswerable questions far from their passages, answerable ones close, on two
    bases: held out (grouped by question), the far ones are refused, no close one is;
    a question the rules already refuse is not the model's to decide."""
    rng = random.Random(0)
    rows = []
    for i in range(60):
        unanswerable = i % 3 == 0
        best = rng.uniform(0.5, 0.7) if unanswerable else rng.uniform(0.85, 0.95)
        rows += [_row(i, unanswerable, best, base) for base in ("seed", "part")]
    rows.append(_row(99, False, 0.2, outcome="refused"))
    verdicts = fit.held_out(rows)
    assert "seed:q99" not in verdicts
    figures = fit.rates(rows, verdicts)
    for base in ("seed", "part"):
        assert figures[f"{base} dev-b"]["with_model"] == 1.0
        assert figures[f"{base} dev-b"]["answerable_with_model"] <= 1 / 41
