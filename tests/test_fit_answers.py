"""``python -m evals.fit answers``: the choice and its guard, on made-up figures."""

from __future__ import annotations

from typing import Any

from assistant.qa.answers import Selection
from evals.fit_answers import choose, cross_validate

CURRENT = Selection(0.12, 0.03, 6, 5)
NARROW = Selection(0.04, 0.03, 6, 5)
ITEMS: list[dict[str, Any]] = [{"set": s, "row": {"id": f"{s}-{i}"}}
                               for s in ("dev", "dev-b") for i in range(4)]


def test_a_point_that_lowers_one_set_is_never_chosen() -> None:
    # NARROW doubles precision everywhere but loses dev's evidence on one question.
    results = {CURRENT: [(1.0, 0.4)] * 8,
               NARROW: [(0.0, 0.8)] + [(1.0, 0.8)] * 7}
    assert choose(ITEMS, results, CURRENT, list(range(8))) == CURRENT
    results[NARROW] = [(1.0, 0.8)] * 8
    assert choose(ITEMS, results, CURRENT, list(range(8))) == NARROW


def test_the_choice_is_written_only_when_held_out_questions_confirm_it() -> None:
    folds = [[0, 4], [1, 5], [2, 6], [3, 7]]
    better = {CURRENT: [(1.0, 0.4)] * 8, NARROW: [(1.0, 0.8)] * 8}
    fit = cross_validate(ITEMS, better, CURRENT, folds)
    assert fit.final == NARROW and fit.picks == [NARROW] * 4 and fit.holds
    # better on the questions it is chosen on, worse on the one held out each time:
    # chosen on all of them, but the held-out figures say no
    mixed = {CURRENT: [(1.0, 0.4)] * 8,
             NARROW: [(0.5, 0.9)] + [(1.0, 0.9)] * 7}
    fit = cross_validate(ITEMS, mixed, CURRENT, folds)
    assert fit.picks[0] == NARROW and fit.losing == 1 and not fit.holds
    # nothing gained held out: not written either
    same = {CURRENT: [(1.0, 0.4)] * 8, NARROW: [(1.0, 0.4)] * 8}
    assert not cross_validate(ITEMS, same, CURRENT, folds).holds
