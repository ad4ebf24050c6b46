"""Our metric agrees with the shared score.py on the same results."""

from __future__ import annotations

import importlib.util
import json
import random

import pytest

from evals.metrics import answer_quality, score
from tests.conftest import DEV_SET, SHARED


def test_metric_agrees_with_shared_score_script() -> None:
    script = SHARED / "evals" / "score.py"
    if not script.exists():
        pytest.skip("score.py partagé introuvable")
    spec = importlib.util.spec_from_file_location("shared_score", script)
    assert spec and spec.loader
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(7)
    evidence = [e for r in rows for e in r.get("evidence", [])]
    results = {}
    for row in rows:
        pool = [{"text": t, "source": "x"} for t in rng.sample(evidence, 12)]
        for e in row.get("evidence", [])[:1]:
            partial = {"text": f"avant {e[: len(e) * 2 // 3]}", "source": "x"}
            pool.insert(rng.randrange(0, 12), partial)
        results[row["id"]] = pool
    ours = score(rows, results)
    theirs = shared.score(rows, results)
    assert ours == theirs
    assert 0 < ours["span_recall@5"] < 1


def test_answer_quality_counts_padding() -> None:
    """Text that is no evidence lowers the answer's precision, not its recall; marks,
    wherever they stand, are not text; a long line holding a span and much else is not
    all evidence."""
    evidence = ["De cette initiative est née en 1989, l'ALPA."]
    answer = ("De cette initiative est née en 1989, l'ALPA. [1]\n"
              "C'est avec une grande émotion que je passe le témoin en 2017. [2]")
    recall, precision = answer_quality(answer, evidence)
    assert recall == 1.0 and 0.35 < precision < 0.6
    assert answer_quality(answer.splitlines()[0], evidence) == (1.0, 1.0)
    assert answer_quality(answer.splitlines()[1], evidence) == (0.0, 0.0)
    assert answer_quality("[1] [2]\n• [3]", evidence) == (0.0, 0.0)
    assert answer_quality("De cette initiative [1] est née en 1989, l'ALPA. [2]",
                          evidence) == (1.0, 1.0)
    copied = evidence[0] + " " + answer.splitlines()[1].removesuffix(" [2]") * 2
    assert answer_quality(copied, evidence)[1] < 0.5
