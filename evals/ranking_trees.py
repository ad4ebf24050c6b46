"""Held-out comparison of the ranking as boosted trees (LightGBM lambdarank) with the
linear pairwise model of ``evals.fit ranking`` and the plain fusion, on the same
candidates, folds and scoring: ``python -m evals.ranking_trees --items FILE --data SEED
--also CORPUS DATA`` (FILE: the pickle ``python -m evals.fit ranking --items FILE``
gathered). Why: the issue asks for a learned ranking « scikit-learn or LightGBM »; the
trees are measured here, not shipped (round s30 in evals/README.md)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import click
import numpy as np

from assistant.qa.ranking import Pool, behind
from evals import fit as linear
from evals.measure import _container, base_options

DEPTH = 20


class TreesRanker:
    """The ``DEPTH`` best fused candidates ordered by the trees' score."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def order(self, pool: Pool) -> list[tuple[str, float]]:
        head = pool.fused_order[:DEPTH]
        scores = self.model.predict(np.asarray([pool.row(c) for c in head])) if head else []
        scored = sorted(zip(head, map(float, scores), strict=True),
                        key=lambda item: item[1], reverse=True)
        floor = scored[-1][1] if scored else 0.0
        return behind(scored + [(c, floor) for c in pool.fused_order[len(head):]],
                      pool.following)


def fit_trees(items: list[dict[str, Any]]) -> TreesRanker:
    """LambdaMART over the same features the linear model reads; small trees, since
    there are about 125 questions to learn from."""
    try:
        import lightgbm
    except ImportError as error:  # a measurement's tool, not a dependency of Canevas
        raise click.ClickException("lightgbm manque : pip install lightgbm") from error

    rows: list[list[float]] = []
    labels: list[int] = []
    groups: list[int] = []
    for item in items:
        head = item["pool"].fused_order[:DEPTH]
        if not any(item["labels"][c] for c in head):
            continue
        rows += [item["pool"].row(c) for c in head]
        labels += [item["labels"][c] for c in head]
        groups.append(len(head))
    model = lightgbm.LGBMRanker(objective="lambdarank", n_estimators=100, learning_rate=0.05,
                                num_leaves=7, min_child_samples=20, subsample=0.8,
                                subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0,
                                verbose=-1, random_state=0)
    model.fit(np.asarray(rows), np.asarray(labels), group=groups)
    return TreesRanker(model)


@click.command()
@base_options
@click.option("--items", "items_file", required=True,
              type=click.Path(exists=True, path_type=Path))
@click.option("--also", "others", nargs=2, multiple=True,
              type=click.Path(exists=True, path_type=Path), metavar="CORPUS DATA")
@click.option("--repeats", default=3, show_default=True)
def main(sets: tuple[Path, ...], corpus: Path, data: Path | None, items_file: Path,
         others: tuple[tuple[Path, Path], ...], repeats: int) -> None:
    """Fusion, linear model and trees, held out (5 folds by question), set by set."""
    del sets
    containers = {"": _container(corpus, data)}
    containers.update({other.name: _container(other, d) for other, d in others})
    searchers = {name: c.searcher for name, c in containers.items()}
    with items_file.open("rb") as f:
        items = pickle.load(f)
    for item in items:
        item["labels"] = linear.relevance(item["pool"], item["row"]["evidence"], 0.3)
    fitters = {"linear": lambda train: linear.fit(train, DEPTH, 0.001), "trees": fit_trees}
    figures = {"fusion": linear._scores(searchers, items, dict.fromkeys(range(len(items))))}
    for name, fitter in fitters.items():
        runs = []
        for seed in range(repeats):
            held: dict[int, Any] = {}
            for fold in linear.folds(items, 5, seed):
                chosen = set(fold)
                ranker = fitter([it for i, it in enumerate(items) if i not in chosen])
                held.update(dict.fromkeys(fold, ranker))
            runs.append(linear._scores(searchers, items, held))
        figures[name] = {s: {m: round(sum(r[s][m] for r in runs) / repeats, 3)
                             for m in runs[0][s]} for s in runs[0]}
    for set_name in figures["fusion"]:
        click.echo(set_name)
        for name, by_set in figures.items():
            click.echo(f"  {name:7} " + " ".join(f"{m} {by_set[set_name][m]:.3f}"
                                                 for m in linear.SHOWN))
    for container in containers.values():
        container.close()


if __name__ == "__main__":
    main()
