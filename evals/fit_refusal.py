"""Fit the refusal rule on labelled questions: ``python -m evals.fit refusal [--write]``.

Why: the threshold and the noun penalties of ``assistant/qa/refusal.py`` were set by
hand on a few questions. This reads every question of the sets once (the evidence the
answer service would see), then chooses the four numbers (threshold; penalties for a
noun missing from the passages, unknown to the base, or counted next to no number) that
make the fewest
mistakes — wrongly refused answerable questions and answered unanswerable ones, each
counted as a share of its kind so that neither kind dominates — over a grid. Stratified
5-fold cross-validation gives held-out figures per set; ``--write`` stores the numbers
fitted on all the questions in the calibration file, with this command.

« Refused » here means not answered: ``refusal.judge`` then tells a refusal (a noun of
the question in no document of the base, or a strong reason) from « pas sûr » by rule,
with no number of its own.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import yaml

from assistant.qa.evidence import Evidence, EvidenceReader
from assistant.qa.refusal import strong_reason, support_of, supporting
from evals.calibration_file import write_entry
from evals.measure import SETS, _container, base_options
from evals.retrieval import load_jsonl
from knowledge.calibration import calibration_file, tuned

# Our own unanswerable questions (the data the hand-set numbers came from) join the dev
# sets: the fit must not trade them away either.
OWN_REFUSALS = Path(__file__).parent / "data" / "refusal_fr.jsonl"
PENALTIES = tuple(round(0.02 * i, 2) for i in range(8))  # 0 … 0.14
THRESHOLDS = tuple(round(0.60 + 0.01 * i, 2) for i in range(31))  # 0.60 … 0.90
Params = tuple[float, float, float, float]


def read_sets(sets: tuple[Path, ...], corpus: Path, data: Path | None
              ) -> Iterator[tuple[Path, dict[str, Any], Evidence, EvidenceReader]]:
    """Every question of ``sets`` read once on one base, with its evidence: what each
    refusal fit (this threshold, ``fit_refusal_model``'s model) starts from."""
    container = _container(corpus, data)
    reader = container.answers.reader
    try:
        for set_path in sets:
            for item in load_jsonl(set_path):
                yield set_path, item, reader.read(item["question"]), reader
    finally:
        container.close()


def question_rows(sets: tuple[Path, ...], corpus: Path, data: Path | None) -> list[dict[str, Any]]:
    """One row per question: its set, its label and what the refusal rule reads."""
    rows: list[dict[str, Any]] = []
    for set_path, item, evidence, _ in read_sets(sets, corpus, data):
        eligible = supporting(evidence)
        rows.append({
            "set": set_path.stem, "id": item["id"],
            "unanswerable": item["kind"] == "unanswerable",
            "strong": strong_reason(evidence) is not None,
            "best": max((s.dense for s in eligible), default=0.0),
            "missing": len(evidence.missing_nouns), "unknown": len(evidence.unknown_nouns),
            "uncounted": len(evidence.uncounted),
        })
    return rows


def refused(row: dict[str, Any], params: Params) -> bool:
    """The rule of ``refusal.judge`` with these numbers."""
    threshold, missing, unknown, uncounted = params
    return bool(row["strong"]) or support_of(
        row["best"], row["missing"], row["unknown"], missing, unknown,
        row.get("uncounted", 0), uncounted) < threshold


def rates(rows: list[dict[str, Any]], params: Params) -> dict[str, float]:
    """Unanswerable refused, answerable refused, and the balanced error of the two."""
    un = [r for r in rows if r["unanswerable"]]
    ans = [r for r in rows if not r["unanswerable"]]
    caught = sum(refused(r, params) for r in un) / max(1, len(un))
    wrong = sum(refused(r, params) for r in ans) / max(1, len(ans))
    return {"unanswerable_refused": round(caught, 3), "answerable_refused": round(wrong, 3),
            "error": round((1 - caught) + wrong, 3)}


def no_worse(rows: list[dict[str, Any]], params: Params, current: Params) -> bool:
    """On every set, as many unanswerable questions refused and no more answerable ones
    refused than with the ``current`` numbers (the project's rule: a change that lowers
    one set is a fit, not a gain)."""
    for name in {r["set"] for r in rows}:
        mine = [r for r in rows if r["set"] == name]
        new, old = rates(mine, params), rates(mine, current)
        if (new["unanswerable_refused"] < old["unanswerable_refused"]
                or new["answerable_refused"] > old["answerable_refused"]):
            return False
    return True


def fit(rows: list[dict[str, Any]], current: Params | None = None) -> Params:
    """The grid point with the least balanced error (ties: the smallest penalties, then
    the lowest threshold — refuse less when the data cannot tell); with ``current``,
    only among the points no worse than it on any set."""
    grid = [p for p in itertools.product(THRESHOLDS, PENALTIES, PENALTIES, PENALTIES)
            if current is None or no_worse(rows, p, current)]
    if not grid and current is not None:
        return current
    return min(grid, key=lambda p: (rates(rows, p)["error"], p[1] + p[2] + p[3], p[0]))


def cross_validated(rows: list[dict[str, Any]], folds: int = 5,
                    current: Params | None = None) -> dict[str, dict[str, float]]:
    """Each question judged with the numbers fitted on the folds it was not in."""
    from sklearn.model_selection import StratifiedKFold

    labels = [f"{r['set']}:{r['unanswerable']}" for r in rows]
    verdicts: dict[int, bool] = {}
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in split.split(rows, labels):
        params = fit([rows[i] for i in train], current)
        for i in test:
            verdicts[i] = refused(rows[i], params)
    out: dict[str, dict[str, float]] = {}
    for name in sorted({r["set"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        un = [i for i in idx if rows[i]["unanswerable"]]
        ans = [i for i in idx if not rows[i]["unanswerable"]]
        out[name] = {
            "unanswerable_refused": round(sum(verdicts[i] for i in un) / max(1, len(un)), 3),
            "answerable_refused": round(sum(verdicts[i] for i in ans) / max(1, len(ans)), 3)}
    return out


def write(params: Params, command: str, path: Path | None = None, note: str = "") -> None:
    """Store the four numbers, each with what it does and the command that fitted it."""
    source = (f"fitted by `{command}` on dev.jsonl + dev-b.jsonl + evals/data/refusal_fr.jsonl "
              f"(176 questions, 51 unanswerable){note}")
    path = path or calibration_file()
    described = yaml.safe_load(path.read_text(encoding="utf-8"))["refusal"]
    for name, value in zip(_NAMES, params, strict=True):
        write_entry("refusal", name, value, described[name]["does"], source, path)


_NAMES = ("threshold", "missing_noun_penalty", "unknown_noun_penalty", "uncounted_penalty")


@click.command(name="refusal")
@base_options
@click.option("--rows", "rows_file", type=click.Path(path_type=Path), default=None,
              help="Read (or, if absent, write) the questions' features here.")
@click.option("--write", "write_file", is_flag=True, help="Store the fit in the calibration file.")
@click.option("--free", is_flag=True,
              help="Do not require the fit to be no worse than the file's numbers on every set.")
def refusal(sets: tuple[Path, ...], corpus: Path, data: Path | None, rows_file: Path | None,
            write_file: bool, free: bool) -> None:
    """Fit the refusal threshold and penalties; print held-out figures per set."""
    if rows_file is not None and rows_file.exists():
        rows = [json.loads(line) for line in rows_file.read_text(encoding="utf-8").splitlines()]
    else:
        rows = question_rows(sets or (*SETS, OWN_REFUSALS), corpus, data)
        if rows_file is not None:
            rows_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    current = None if free else tuple(tuned(f"refusal.{name}") for name in _NAMES)
    params = fit(rows, current)
    report = {
        "current": current,
        "fitted_on_all": dict(zip(_NAMES, params, strict=True)),
        "in_sample": {name: rates([r for r in rows if r["set"] == name], params)
                      for name in sorted({r["set"] for r in rows})},
        "held_out_5_fold": cross_validated(rows, current=current),
    }
    click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    if write_file:
        note = "" if current is None else f", no worse on any set than {list(current)}"
        write(params, "python -m evals.fit refusal --write" + (" --free" if free else ""),
              note=note)
