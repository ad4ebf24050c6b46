"""The merge-window fit keeps a pair only when no set loses (evals/fit_passages.py)."""

from __future__ import annotations

from typing import Any

from evals.fit_passages import choose

SPAN_A = "le comité de pilotage se réunit chaque trimestre avec les partenaires"
SPAN_B = "la commission FSL valide la mesure pour une durée de six mois"


def _items() -> list[dict[str, Any]]:
    return [{"set": "dev", "row": {"id": "a", "kind": "list", "evidence": [SPAN_A]}},
            {"set": "dev-b", "row": {"id": "b", "kind": "list", "evidence": [SPAN_B]}}]


def _passages(*texts: str) -> list[dict[str, Any]]:
    return [{"text": t, "source": "x"} for t in texts]


def test_a_pair_that_lifts_one_set_and_lowers_the_other_is_not_chosen() -> None:
    items = _items()
    results = {
        (10, 1600): [_passages("autre", SPAN_A), _passages("autre", "rien", SPAN_B)],
        # lifts dev-b a little, dev unchanged
        (20, 1600): [_passages("autre", SPAN_A), _passages("autre", SPAN_B)],
        # the best mean, but dev's MRR falls
        (30, 2400): [_passages("a", "b", SPAN_A), _passages(SPAN_B)],
    }
    assert choose(items, results, (10, 1600), [0, 1]) == (20, 1600)


def test_nothing_better_keeps_the_current_pair() -> None:
    items = _items()
    same = [_passages(SPAN_A), _passages(SPAN_B)]
    results = {(10, 1600): same, (20, 1600): same}
    assert choose(items, results, (10, 1600), [0, 1]) == (10, 1600)
