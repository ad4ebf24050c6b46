"""Run an eval set through the searcher and score it, with query latency."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from assistant.qa.passages import make_whole
from assistant.qa.retrieval import HybridSearcher
from evals.metrics import score

DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "evals" / "dev.jsonl"


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency(name: str, values: list[float]) -> dict[str, float]:
    """``{name}_p50`` and ``{name}_p95`` of ``values`` in ms, to 0.1 (0.0 when empty)."""
    return {f"{name}_p50": round(statistics.median(values), 1) if values else 0.0,
            f"{name}_p95": round(percentile(values, 95), 1)}


def run_retrieval_eval(searcher: HybridSearcher, set_path: Path, k: int = 20) -> dict[str, Any]:
    """Score every question of ``set_path``; latency excludes the one-off model load."""
    rows = load_jsonl(set_path)
    searcher.search("échauffement", k=1)
    results: dict[Any, list[dict[str, Any]]] = {}
    latencies: list[float] = []
    for row in rows:
        started = time.perf_counter()
        passages = make_whole(searcher.search(row["question"], k=k),
                              searcher.kb.manifest.chunks_by_ids)
        latencies.append((time.perf_counter() - started) * 1000)
        results[row["id"]] = [p.as_dict() for p in passages]
    scores: dict[str, Any] = dict(score(rows, results))
    scores.update(latency("latency_ms", latencies))
    scores["questions"] = len(rows)
    return scores
