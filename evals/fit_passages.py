"""Fit how search merges neighbouring chunks: ``python -m evals.fit passages [--write]``.

Why: an answer often runs on into the chunk after the one that ranks well (the next
points of a list, the rest of a paragraph after a page break). ``passages.merge_window``
(how deep in the ranking a neighbour may be and still join its passage) and
``passages.max_chars`` (how big a merged passage may grow) were set by hand. Each
question's candidates are gathered once; every pair of the grid ranks them, passages are
made whole as in ``canevas eval retrieval``, and the scorer's figures are computed per
set. A pair is admissible when no set's recall@5, full@5, MRR or recall in 4,000
characters is below the current pair's; the chosen one has the best mean of recall@5,
MRR and recall in 4,000 characters over the sets. K-fold cross-validation by question:
each held-out question is searched with the pair chosen on the other folds, and the
held-out figures are printed next to the current pair's on the same questions.
``--write`` stores the pair chosen on every question only when those held-out figures
are no lower than the current pair's on any set.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import click

from assistant.qa.passages import make_whole
from assistant.qa.retrieval import HybridSearcher
from evals.calibration_file import write_entry
from evals.measure import SETS, _container, base_options
from evals.metrics import score
from knowledge.calibration import tuned

K = 20
WINDOWS = (10, 13, 16, 20, 25, 30)
MAX_CHARS = (1200, 1600, 2000, 2400)
GUARDED = ("span_recall@5", "full@5", "mrr", "span_recall@4k")
Pair = tuple[int, int]


def passages_for(searcher: HybridSearcher, items: list[dict[str, Any]],
                 pair: Pair) -> list[list[dict[str, Any]]]:
    """Each question's top ``K`` passages with ``pair`` (merge window, largest passage)."""
    chunks = searcher.kb.manifest.chunks_by_ids
    return [[p.as_dict() for p in make_whole(
        searcher.rank(item["pool"], K, merge_window=pair[0], max_chars=pair[1]), chunks)]
        for item in items]


def figures(items: list[dict[str, Any]], results: list[list[dict[str, Any]]],
            chosen: list[int]) -> dict[str, dict[str, float]]:
    """The scorer's figures per set over the questions ``chosen`` (indices)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    found: dict[str, dict[Any, list[dict[str, Any]]]] = {}
    for i in chosen:
        name = items[i]["set"]
        rows.setdefault(name, []).append(items[i]["row"])
        found.setdefault(name, {})[items[i]["row"]["id"]] = results[i]
    return {name: {m: v for m, v in score(rows[name], found[name]).items() if m in GUARDED}
            for name in rows}


def choose(items: list[dict[str, Any]], results: dict[Pair, list[list[dict[str, Any]]]],
           current: Pair, chosen: list[int]) -> Pair:
    """The admissible pair with the best mean figure on the questions ``chosen``."""
    base = figures(items, results[current], chosen)
    best, best_value = current, -1.0
    for pair, found in results.items():
        got = figures(items, found, chosen)
        if any(got[s][m] < base[s][m] for s in base for m in GUARDED):
            continue
        value = sum(got[s][m] for s in got for m in ("span_recall@5", "mrr", "span_recall@4k"))
        if value > best_value + 1e-9 or (abs(value - best_value) <= 1e-9 and pair == current):
            best, best_value = pair, value
    return best


@click.command()
@base_options
@click.option("--folds", "k", default=5, show_default=True)
@click.option("--write/--no-write", default=False,
              help="Store the pair chosen on every question in the calibration file.")
def passages(sets: tuple[Path, ...], corpus: Path, data: Path | None, k: int,
             write: bool) -> None:
    """Fit the merge window and the largest merged passage, cross-validated by question."""
    from evals.fit import folds, gather  # evals.fit registers this command

    container = _container(corpus, data)
    searcher = container.searcher
    items = gather(searcher, sets or SETS, 0.3)
    current: Pair = (tuned("passages.merge_window"), tuned("passages.max_chars"))
    grid = sorted({current, *itertools.product(WINDOWS, MAX_CHARS)})
    results = {pair: passages_for(searcher, items, pair) for pair in grid}
    held_out: list[list[dict[str, Any]]] = [[] for _ in items]
    picks: list[Pair] = []
    for fold in folds(items, k, 0):
        inside = [i for i in range(len(items)) if i not in set(fold)]
        pair = choose(items, results, current, inside)
        picks.append(pair)
        for i in fold:
            held_out[i] = results[pair][i]
    everyone = list(range(len(items)))
    final = choose(items, results, current, everyone)
    before = figures(items, results[current], everyone)
    after = figures(items, held_out, everyone)
    click.echo(json.dumps({
        "current": {"pair": current, **before}, "held_out": {"pairs": picks, **after},
        "chosen": {"pair": final, **figures(items, results[final], everyone)}},
        ensure_ascii=False))
    held_up = all(after[s][m] >= before[s][m] for s in before for m in GUARDED)
    if write and final != current and not held_up:
        container.close()
        raise click.ClickException("le choix ne tient pas hors échantillon (un jeu baisse "
                                   "sur les questions tenues à part) : rien n'est écrit")
    if write and final != current:
        held = "; ".join(
            f"{s}: recall@5 {before[s]['span_recall@5']} → {after[s]['span_recall@5']}, "
            f"MRR {before[s]['mrr']} → {after[s]['mrr']}, in 4000 chars "
            f"{before[s]['span_recall@4k']} → {after[s]['span_recall@4k']}" for s in before)
        names = " ".join(f"--set {p}" for p in sets) if sets else "(both dev sets)"
        source = (f"python -m evals.fit passages --folds {k} --write {names}: best of the grid "
                  f"with no set lower than {list(current)}; held out ({k}-fold by question, "
                  f"pairs {[list(p) for p in picks]}): {held}")
        write_entry("passages", "merge_window", final[0],
                    "Neighbouring chunks are merged into one passage only from this many "
                    "best-ranked chunks.", source)
        write_entry("passages", "max_chars", final[1],
                    "Largest passage that merging neighbouring chunks may build, in "
                    "characters.", source)
    container.close()
