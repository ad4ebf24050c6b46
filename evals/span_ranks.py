"""Where each evidence span of the dev sets ranks: ``python -m evals.span_ranks OUT``.

Why: recall@5 says how many spans are in the top 5, not how far the others are. A span
at rank 6–20 is a ranking problem; one beyond 50 is never a candidate. Writes one JSON
line per answerable span (set, question id, kind, rank of the first passage holding it
among 50, or null) and prints the count per rank band for each set.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from assistant.qa.passages import make_whole
from evals.measure import CORPUS, SETS, _container
from evals.metrics import found, shingles, strip
from evals.retrieval import load_jsonl

DEPTH = 50
BANDS = ((5, "1-5"), (10, "6-10"), (20, "11-20"), (DEPTH, f"21-{DEPTH}"))


def band(rank: int | None) -> str:
    return next((name for top, name in BANDS if rank is not None and rank <= top),
                f">{DEPTH}")


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Base folder kept between runs (same code only).")
def main(out: Path, data: Path | None) -> None:
    container = _container(CORPUS, data)
    searcher = container.searcher
    rows = []
    for set_path in SETS:
        for item in load_jsonl(set_path):
            if item["kind"] == "unanswerable":
                continue
            passages = make_whole(searcher.search(item["question"], k=DEPTH),
                                  searcher.kb.manifest.chunks_by_ids)
            strips = [strip(p.text) for p in passages]
            for span in item["evidence"]:
                grams = shingles(span)
                rank = next((i + 1 for i, s in enumerate(strips) if found(grams, [s])), None)
                rows.append({"set": set_path.stem, "id": item["id"], "kind": item["kind"],
                             "rank": rank, "span": span[:120]})
    container.close()
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                   encoding="utf-8")
    for name in dict.fromkeys(r["set"] for r in rows):
        counts = Counter(band(r["rank"]) for r in rows if r["set"] == name)
        click.echo(f"{name}: " + ", ".join(f"{b} {counts[b]}" for _, b in BANDS)
                   + f", >{DEPTH} {counts[f'>{DEPTH}']}")


if __name__ == "__main__":
    main()
