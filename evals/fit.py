"""Fit tuned numbers from the labelled dev sets: ``python -m evals.fit ranking …``
(also ``refusal``, ``evals/fit_refusal.py``, ``refusal-model``,
``evals/fit_refusal_model.py``, ``passages``, ``evals/fit_passages.py``, and
``answers``, ``evals/fit_answers.py``).

``ranking`` fits the search's ranking model (``assistant.qa.ranking``): every question's
candidates are gathered once with their features; a candidate chunk is relevant when it
holds a labelled evidence span (the scorer's shingle rule, a share of the span). A
pairwise logistic model (non-negative weights) is fitted with k-fold cross-validation
grouped by question over all the sets; each held-out question is ranked by the model
fitted without it and scored with the same function as ``canevas eval retrieval``, next
to the plain fusion on the same candidates, set by set. ``--write`` stores the model
fitted on every question in the calibration file, with this command and the held-out
figures as its source — only when the model is no lower than the fusion on any set's
MRR and no set's recall@5 lower by half a question (``beats``).
"""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path
from typing import Any

import click

from assistant.qa.ranking import FEATURES, Pool, Ranker
from assistant.qa.retrieval import HybridSearcher
from evals.calibration_file import write_entry
from evals.fit_answers import answers
from evals.fit_passages import passages
from evals.fit_refusal import refusal
from evals.fit_refusal_model import refusal_model
from evals.measure import SETS, _container, base_options
from evals.metrics import score, shingles, strip
from evals.retrieval import load_jsonl

K = 20
SHOWN = ("span_recall@1", "span_recall@5", "full@5", "mrr", "span_recall@4k")


def relevance(pool: Pool, evidence: list[str], least: float) -> dict[str, int]:
    """1 for a candidate chunk holding at least ``least`` of an evidence span's
    shingles, else 0."""
    spans = [shingles(e) for e in evidence]
    labels: dict[str, int] = {}
    for cid in pool.fused_order:
        chunk = pool.chunks.get(cid)
        text = strip(chunk.text) if chunk else ""
        labels[cid] = int(any(s and sum(g in text for g in s) >= least * len(s)
                              for s in spans))
    return labels


def gather(searcher: HybridSearcher, sets: tuple[Path, ...],
           least: float, base: str = "") -> list[dict[str, Any]]:
    """One item per answerable question: its set, row, candidate pool and labels;
    ``base`` names the base (its set is then « dev @ base »), when several are fitted
    together."""
    items: list[dict[str, Any]] = []
    for set_path in sets:
        for row in load_jsonl(set_path):
            if row.get("kind") == "unanswerable" or not row.get("evidence"):
                continue
            pool = searcher.pool(row["question"], K)
            if pool is None:
                continue
            items.append({"set": f"{set_path.stem} @ {base}" if base else set_path.stem,
                          "base": base, "row": row, "pool": pool,
                          "labels": relevance(pool, row["evidence"], least)})
    return items


def fit(items: list[dict[str, Any]], depth: int, l2: float) -> Ranker:
    """A pairwise logistic model over the ``depth`` best candidates of each question
    (by the fusion): every relevant candidate should outscore every other one of its
    question, each question weighing the same.

    Why these choices: a pair weighs what swapping its two candidates changes in the
    reciprocal rank (|1/(1 + i) − 1/(1 + j)|, ranks in the fused order), so the head of
    the list counts most, as it does for the reader and for MRR; the fused score keeps a
    weight of one standard deviation plus what the fit adds, and the L2 penalty pulls
    the other weights towards zero, so the model is the fusion moved only as far as the
    data supports (``l2`` large: the fusion alone). Weights are kept non-negative —
    every feature is built so that more means closer to the question, and a negative
    weight would only fit the noise of one set — and brought back to raw feature
    values."""
    import numpy as np
    from scipy.optimize import minimize

    diffs: list[Any] = []
    weights: list[float] = []
    for item in items:
        pool: Pool = item["pool"]
        head = pool.fused_order[:depth]
        good = [(r, np.asarray(pool.row(c))) for r, c in enumerate(head) if item["labels"][c]]
        bad = [(r, np.asarray(pool.row(c))) for r, c in enumerate(head)
               if not item["labels"][c]]
        pairs = [(abs(1.0 / (i + 1) - 1.0 / (j + 1)), a - b) for i, a in good for j, b in bad]
        total = sum(w for w, _ in pairs) or 1.0
        for w, d in pairs:
            diffs.append(d)
            weights.append(w / total)
    if not diffs:
        raise click.ClickException("il faut des candidats pertinents et non pertinents")
    data = np.asarray(diffs, dtype=float)
    share = np.asarray(weights) / sum(weights)
    scale = data.std(axis=0)
    scale[scale == 0] = 1.0
    z = data / scale
    anchor = np.zeros(len(FEATURES))
    anchor[FEATURES.index("fused")] = 1.0

    def loss(w: Any) -> tuple[float, Any]:
        margin = z @ (w + anchor)
        value = float((share * np.logaddexp(0.0, -margin)).sum() + l2 * (w @ w))
        slope = -(z.T @ (share / (1.0 + np.exp(margin)))) + 2 * l2 * w
        return value, slope

    found = minimize(loss, np.full(len(FEATURES), 0.1), jac=True, method="L-BFGS-B",
                     bounds=[(0.0, None)] * len(FEATURES))
    raw = (found.x + anchor) / scale
    return Ranker({f: round(float(w), 6) for f, w in zip(FEATURES, raw, strict=True)},
                  0.0, depth)


def folds(items: list[dict[str, Any]], k: int, seed: int) -> list[list[int]]:
    """Item indices split into ``k`` folds, each set spread over every fold and a
    question asked of several bases held out of the fit on all of them at once."""
    out: list[list[int]] = [[] for _ in range(k)]
    questions: dict[str, dict[str, list[int]]] = {}
    for i, item in enumerate(items):
        stem = item["set"].split(" @ ")[0]
        questions.setdefault(stem, {}).setdefault(item["row"]["id"], []).append(i)
    rng = random.Random(seed)
    n = 0
    for by_id in questions.values():
        ids = list(by_id)
        rng.shuffle(ids)
        for qid in ids:
            out[n % k].extend(by_id[qid])
            n += 1
    return out


Searchers = HybridSearcher | dict[str, HybridSearcher]


def _searcher(searchers: Searchers, item: dict[str, Any]) -> HybridSearcher:
    """The searcher of the item's base (one searcher: every item's)."""
    if isinstance(searchers, HybridSearcher):
        return searchers
    return searchers[item.get("base", "")]


def _scores(searchers: Searchers, items: list[dict[str, Any]],
            rankers: dict[int, Ranker | None]) -> dict[str, dict[str, float]]:
    """Retrieval figures per set, each question ranked by ``rankers[index]``."""
    rows: dict[str, list[dict[str, Any]]] = {}
    results: dict[str, dict[Any, list[dict[str, Any]]]] = {}
    for i, item in enumerate(items):
        passages = _searcher(searchers, item).rank(item["pool"], K, rankers[i] or False)
        rows.setdefault(item["set"], []).append(item["row"])
        results.setdefault(item["set"], {})[item["row"]["id"]] = [
            p.as_dict() for p in passages]
    return {name: {m: v for m, v in score(rows[name], results[name]).items() if m in SHOWN}
            for name in rows}


def cross_validate(searcher: Searchers, items: list[dict[str, Any]], k: int,
                   seed: int, depth: int, l2: float, repeats: int = 1) -> dict[str, Any]:
    """Held-out figures of the model next to the plain fusion's, per set: the mean
    over ``repeats`` splits into folds (seeds ``seed``, ``seed + 1``…) and the lowest.

    Why repeated: with 160 questions, which fold a question falls in moves recall@5 by
    a question either way; one split can make a model look better or worse than it is."""
    fusion = _scores(searcher, items, dict.fromkeys(range(len(items))))
    runs: list[dict[str, dict[str, float]]] = []
    for repeat in range(repeats):
        held_out: dict[int, Ranker | None] = {}
        for fold in folds(items, k, seed + repeat):
            chosen = set(fold)
            ranker = fit([it for i, it in enumerate(items) if i not in chosen], depth, l2)
            held_out.update({i: ranker for i in fold})
        runs.append(_scores(searcher, items, held_out))
    model = {name: {m: round(sum(r[name][m] for r in runs) / repeats, 4)
                    for m in fusion[name]} for name in fusion}
    lowest = {name: {m: min(r[name][m] for r in runs) for m in fusion[name]}
              for name in fusion}
    return {"fusion": fusion, "model": model, "lowest": lowest, "repeats": repeats}


def beats(figures: dict[str, Any], questions: dict[str, int]) -> bool:
    """The model is no lower than the fusion on any set's MRR, higher on some, and no
    set's recall@5 falls by half a question or more (``questions``: answerable
    questions per set). Why that margin: recall@5 is a mean over questions of the share
    of their spans found, so one span more or less in one question's five best moves it
    by a fraction of a question — the mean of repeated splits still differs by that
    much between models that find the same evidence."""
    fusion, model = figures["fusion"], figures["model"]
    mrr = [(model[s]["mrr"], fusion[s]["mrr"]) for s in fusion]
    recall = all(model[s]["span_recall@5"] > fusion[s]["span_recall@5"] - 0.5 / questions[s]
                 for s in fusion)
    return recall and all(a >= b for a, b in mrr) and any(a > b for a, b in mrr)


@click.group()
def main() -> None:
    """Fit tuned numbers on the dev sets."""


@main.command()
@base_options
@click.option("--folds", "k", default=5, show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--repeats", default=5, show_default=True,
              help="Splits into folds (seeds seed, seed + 1…): figures are their mean.")
@click.option("--depth", default=20, show_default=True,
              help="Candidates per question (best by the fusion) the model is fitted on and "
                   "re-orders.")
@click.option("--l2", default=0.001, show_default=True,
              help="Weight of the L2 penalty that pulls the model towards the fusion.")
@click.option("--least", default=0.3, show_default=True,
              help="Share of a span's shingles that makes a chunk relevant.")
@click.option("--also", "others", nargs=2, multiple=True,
              type=click.Path(exists=True, path_type=Path), metavar="CORPUS DATA",
              help="Another base fitted together with the first (e.g. the seed corpus with "
                   "law articles beside it): its own figures are shown and must hold too.")
@click.option("--items", "items_file", type=click.Path(path_type=Path), default=None,
              help="Pickle of the gathered candidates, reused when it exists (same code "
                   "and bases only).")
@click.option("--write/--no-write", default=False,
              help="Store the model fitted on every question (only when it beats the fusion).")
def ranking(sets: tuple[Path, ...], corpus: Path, data: Path | None, k: int, seed: int,
            repeats: int, depth: int, l2: float, least: float,
            others: tuple[tuple[Path, Path], ...], items_file: Path | None,
            write: bool) -> None:
    """Fit the search's ranking model with k-fold cross-validation by question."""
    containers = {"": _container(corpus, data)}
    containers.update({other.name: _container(other, other_data)
                       for other, other_data in others})
    searchers = {name: c.searcher for name, c in containers.items()}
    if items_file is not None and items_file.exists():
        with items_file.open("rb") as f:
            items = pickle.load(f)
        for item in items:
            item["labels"] = relevance(item["pool"], item["row"]["evidence"], least)
    else:
        items = [item for name, searcher in searchers.items()
                 for item in gather(searcher, sets or SETS, least, name)]
        if items_file is not None:
            with items_file.open("wb") as f:
                pickle.dump(items, f)
    figures = cross_validate(searchers, items, k, seed, depth, l2, repeats)
    ranker = fit(items, depth, l2)
    figures["weights"] = dict(ranker.weights)
    figures["intercept"] = ranker.intercept
    click.echo(json.dumps(figures, ensure_ascii=False))
    try:
        if write:
            _write(figures, items, ranker, sets, others,
                   f"--folds {k} --seed {seed} --repeats {repeats} --depth {depth} "
                   f"--l2 {l2} --least {least}", k, repeats)
    finally:
        for container in containers.values():
            container.close()


def _write(figures: dict[str, Any], items: list[dict[str, Any]], ranker: Ranker,
           sets: tuple[Path, ...], others: tuple[tuple[Path, Path], ...], options: str,
           k: int, repeats: int) -> None:
    """Store the ranker in the calibration file when it beats the fusion on every set
    of every base, with the command and the held-out figures as its source."""
    questions: dict[str, int] = {}
    for item in items:
        questions[item["set"]] = questions.get(item["set"], 0) + 1
    if not beats(figures, questions):
        raise click.ClickException("le modèle ne bat pas la fusion sur chaque jeu : "
                                   "rien n'est écrit")
    names = " ".join(f"--set {p}" for p in sets) if sets else "(both dev sets)"
    also = "".join(f" --also {c} DATA" for c, _ in others)
    held = "; ".join(
        f"{s}: recall@5 {figures['fusion'][s]['span_recall@5']} → "
        f"{figures['model'][s]['span_recall@5']}, MRR {figures['fusion'][s]['mrr']} → "
        f"{figures['model'][s]['mrr']}" for s in figures["model"])
    write_entry(
        "retrieval", "ranker",
        {"weights": dict(ranker.weights), "intercept": 0.0, "depth": ranker.depth},
        "Linear re-ranking of the `depth` best fused search candidates over "
        "assistant.qa.ranking.FEATURES (raw feature values); absent or null: the "
        "reciprocal-rank fusion alone.",
        f"python -m evals.fit ranking {options}{also} --write {names}; held out "
        f"({k}-fold by question, mean of {repeats} splits): {held}")


main.add_command(refusal)
main.add_command(refusal_model)
main.add_command(passages)
main.add_command(answers)

if __name__ == "__main__":
    main()
