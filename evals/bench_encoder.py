"""Query encoding alone: the part of every search that does not depend on the base.

    python -m evals.bench_encoder [--questions ../shared/evals/dev.jsonl] [--repeats 5]

Encodes each question of the set with the default model (its cache of recent
questions off), after one warm-up, and prints p50/p95 in milliseconds with the mean
token count. Run it under other settings of the engine (``OMP_NUM_THREADS=1``,
``OMP_WAIT_POLICY=ACTIVE``…) to compare them on the same machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from evals.retrieval import DEV_SET, latency, load_jsonl
from knowledge.search.embeddings import E5Embeddings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=Path, default=DEV_SET)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    questions = [r["question"] for r in load_jsonl(args.questions)]
    model = E5Embeddings()
    model.query_cache_size = 0
    model.embed_query("échauffement")
    timings: list[float] = []
    for _ in range(args.repeats):
        for question in questions:
            started = time.perf_counter()
            model.embed_query(question)
            timings.append((time.perf_counter() - started) * 1000)
    tokens = statistics.mean(model.count_tokens(q) for q in questions)
    print(json.dumps({**latency("encode_ms", timings), "mean_tokens": round(tokens, 1),
                      "encodings": len(timings)}))


if __name__ == "__main__":
    main()
