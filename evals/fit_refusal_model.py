"""Fit the refusal model on labelled questions: ``python -m evals.fit refusal-model``.

Why: the threshold fitted by ``evals.fit refusal`` reads one number; rounds s21 and s26
found the remaining unanswerable questions answered or « pas sûr » close to answerable
ones on it. This reads every question of the sets once per base (the evidence and the
verdict the answer service would give) and fits a logistic model over
``refusal_features.FEATURES`` deciding, among the questions the rules do not refuse,
which to refuse. A false refusal costs ``COST`` missed refusals. Cross-validation is
grouped by question (the same question on two bases is in one fold); the cut-off and
the regularisation are chosen inside each training fold, never on the held-out one.
It reports whether the model would be kept: held out, more unanswerable questions
refused somewhere, no set's answerable questions refused above ``MAX_FALSE_REFUSAL``,
and the model fitted on every question refusing at least one. Round s29 found none
kept (evals/README.md), so nothing is written and ``refusal.judge`` reads no model:
the command stays to refit on new labelled questions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import numpy as np

from assistant.qa.refusal import judge
from assistant.qa.refusal_features import FEATURES, features
from evals.fit_refusal import read_sets
from evals.measure import CORPUS, SETS

OWN = Path(__file__).parent / "data" / "refusal_fr.jsonl"
HELD_OUT = Path(__file__).parent / "data" / "refusal_heldout.jsonl"
# A false refusal (an answerable question refused) is the worst outcome: it counts as
# this many unanswerable questions answered.
COST = 5.0
# The features the model reads (``--features``; rows also hold the tried extra ones) and
# the questions it decides (``--pool``: all those the rules do not refuse, or only the
# « pas sûr » ones).
USED: tuple[str, ...] = FEATURES
POOL = "all"
MAX_FALSE_REFUSAL = 0.05
C_GRID = (0.01, 0.1, 1.0, 10.0)
FOLDS = 5


def question_rows(sets: tuple[Path, ...], corpus: Path, data: Path | None,
                  base: str) -> list[dict[str, Any]]:
    """One row per question of ``sets`` on one base: its label, the rules' verdict and
    the model's features."""
    rows: list[dict[str, Any]] = []
    for set_path, item, evidence, reader in read_sets(sets, corpus, data):
        verdict = judge(evidence)
        rows.append({
            "base": base, "set": set_path.stem, "id": item["id"],
            "unanswerable": item["kind"] == "unanswerable",
            "outcome": ("refused" if verdict.refused else
                        "unsure" if verdict.unsure else "answered"),
            "features": {**features(evidence), **_organisation_features(reader, evidence)},
        })
    return rows


def _organisation_features(reader: Any, evidence: Any) -> dict[str, float]:
    """Tried as extra features: the nouns missing from the passages that no document of
    the asked organisation writes either (read whole through the keyword postings)."""
    from knowledge.french import tokenize

    scope = evidence.analysis.asked_scope if evidence.analysis is not None else set()
    if not scope:
        return {"org_unwritten": 0.0, "org_unwritten_share": 0.0}
    index = reader.kb.keyword_index()
    unwritten = [n for n in evidence.missing_nouns
                 if not index.holding(tokenize(n), scope)]
    asked = evidence.analysis.asked_nouns
    return {"org_unwritten": float(len(unwritten)),
            "org_unwritten_share": len(unwritten) / max(1, len(asked))}


def matrix(rows: list[dict[str, Any]]) -> np.ndarray:
    return np.asarray([[r["features"][f] for f in USED] for r in rows], dtype=float)


def _model(rows: list[dict[str, Any]], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    labels = np.asarray([r["unanswerable"] for r in rows], dtype=int)
    weights = np.where(labels == 0, COST, 1.0)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))
    model.fit(matrix(rows), labels, logisticregression__sample_weight=weights)
    return model


def cost(rows: list[dict[str, Any]], refused: list[bool]) -> float:
    """Missed refusals plus ``COST`` per false refusal."""
    return sum((COST if not r["unanswerable"] else 0.0) if f else
               (1.0 if r["unanswerable"] else 0.0) for r, f in zip(rows, refused, strict=True))


def _groups(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def _oof(rows: list[dict[str, Any]], c: float, folds: int) -> np.ndarray:
    """Out-of-fold probabilities of being unanswerable (grouped by question)."""
    from sklearn.model_selection import StratifiedGroupKFold

    labels = [int(r["unanswerable"]) for r in rows]
    out = np.zeros(len(rows))
    split = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in split.split(rows, labels, _groups(rows)):
        model = _model([rows[i] for i in train], c)
        out[test] = model.predict_proba(matrix([rows[i] for i in test]))[:, 1]
    return out


def choose(rows: list[dict[str, Any]], folds: int = FOLDS) -> tuple[float, float]:
    """C and the probability cut-off with the least cost, read on out-of-fold
    probabilities of ``rows`` only (ties: the highest cut-off, refusing least)."""
    best: tuple[float, float, float] | None = None
    for c in C_GRID:
        probs = _oof(rows, c, folds)
        for cut in sorted({round(p, 4) for p in probs} | {1.0}):
            total = cost(rows, [bool(p >= cut) for p in probs])
            key = (total, -cut, c)
            if best is None or key < (best[0], -best[1], best[2]):
                best = (total, cut, c)
    assert best is not None
    return best[2], best[1]


def candidates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions the model decides: those the rules do not refuse (with ``POOL``
    « unsure », only those the rules leave « pas sûr »)."""
    if POOL == "unsure":
        return [r for r in rows if r["outcome"] == "unsure"]
    return [r for r in rows if r["outcome"] != "refused"]


def held_out(rows: list[dict[str, Any]], folds: int = FOLDS) -> dict[str, bool]:
    """Each candidate question judged by a model (C and cut-off included) fitted on
    the folds it was not in: question key → refused by the model."""
    from sklearn.model_selection import StratifiedGroupKFold

    pool = candidates(rows)
    labels = [int(r["unanswerable"]) for r in pool]
    verdicts: dict[str, bool] = {}
    split = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=1)
    for train, test in split.split(pool, labels, _groups(pool)):
        fit_rows = [pool[i] for i in train]
        c, cut = choose(fit_rows, folds - 1)
        model = _model(fit_rows, c)
        probs = model.predict_proba(matrix([pool[i] for i in test]))[:, 1]
        for i, p in zip(test, probs, strict=True):
            verdicts[_key(pool[i])] = bool(p >= cut)
    return verdicts


def _key(row: dict[str, Any]) -> str:
    return f"{row['base']}:{row['id']}"


def rates(rows: list[dict[str, Any]], extra: dict[str, bool]) -> dict[str, dict[str, float]]:
    """Per base and set: unanswerable refused and answerable refused, by the rules alone
    and with the model's refusals ``extra`` added."""
    out: dict[str, dict[str, float]] = {}
    for base, name in sorted({(r["base"], r["set"]) for r in rows}):
        mine = [r for r in rows if r["base"] == base and r["set"] == name]
        un = [r for r in mine if r["unanswerable"]]
        ans = [r for r in mine if not r["unanswerable"]]

        def share(group: list[dict[str, Any]], model: bool) -> float:
            n = sum(r["outcome"] == "refused" or (model and extra.get(_key(r), False))
                    for r in group)
            return round(n / max(1, len(group)), 3)

        out[f"{base} {name}"] = {
            "unanswerable_refused": share(un, False), "with_model": share(un, True),
            "answerable_refused": share(ans, False), "answerable_with_model": share(ans, True),
            "unanswerable": len(un), "answerable": len(ans)}
    return out


def keeps(figures: dict[str, dict[str, float]]) -> bool:
    """Held out: no set's answerable questions refused above ``MAX_FALSE_REFUSAL`` and
    no set's unanswerable refusal lower; and more refused somewhere."""
    rows = figures.values()
    return (all(f["answerable_with_model"] <= MAX_FALSE_REFUSAL for f in rows)
            and any(f["with_model"] > f["unanswerable_refused"] for f in rows))


@click.command(name="refusal-model")
@click.option("--base", "bases", multiple=True, required=True,
              help="NAME=DATA_DIR[:CORPUS] (repeatable): a prebuilt base to read.")
@click.option("--set", "sets", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="The dev sets (default: both, beside the clone).")
@click.option("--rows", "rows_file", type=click.Path(path_type=Path), required=True,
              help="Read (or, if absent, write) the questions' rows here.")
@click.option("--features", "used", default=",".join(FEATURES), show_default=True,
              help="Comma-separated features the model reads.")
@click.option("--pool", type=click.Choice(["all", "unsure"]), default="all", show_default=True)
@click.option("--cost", type=float, default=COST, show_default=True,
              help="Missed refusals a false refusal counts as.")
def refusal_model(bases: tuple[str, ...], sets: tuple[Path, ...], rows_file: Path,
                  used: str, pool: str, cost: float) -> None:
    """Fit the refusal model; print held-out figures per base and set."""
    global USED, POOL, COST
    USED, POOL, COST = tuple(used.split(",")), pool, cost
    fitted = (*(sets or SETS), OWN)
    if rows_file.exists():
        rows = [json.loads(line) for line in rows_file.read_text(encoding="utf-8").splitlines()]
    else:
        rows = []
        for spec in bases:
            name, _, where = spec.partition("=")
            data, _, corpus = where.partition(":")
            rows += question_rows((*fitted, HELD_OUT), Path(corpus or CORPUS), Path(data),
                                  name)
        rows_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    train = [r for r in rows if r["set"] != HELD_OUT.stem]
    figures = rates(train, held_out(train))
    c, cut = choose(candidates(train))
    model = _model(candidates(train), c)
    ours = [r for r in rows if r["set"] == HELD_OUT.stem]
    mine = {_key(r): bool(p >= cut) for r, p in zip(
        candidates(ours), model.predict_proba(matrix(candidates(ours)))[:, 1]
        if candidates(ours) else [], strict=True)}
    refuses = [_key(r) for r, p in zip(candidates(train),
                                       model.predict_proba(matrix(candidates(train)))[:, 1],
                                       strict=True) if p >= cut]
    # Kept only if, held out, it gains without false refusals, and the model fitted on
    # every question refuses something (a cut-off of 1.0 refuses nothing: no model).
    report = {"features": USED, "pool": POOL, "cost": COST,
              "held_out_grouped_5_fold": figures, "keeps": keeps(figures) and bool(refuses),
              "fitted_on_all": {"C": c, "cut": cut, "refuses_in_sample": refuses},
              "our_held_out_questions": rates(ours, mine)}
    click.echo(json.dumps(report, ensure_ascii=False, indent=1))
