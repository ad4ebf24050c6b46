"""Fit how much an extractive answer quotes: ``python -m evals.fit answers [--write]``.

Why: the numbers that decide it (``answers.selection_margin``, ``same_passage_margin``,
``max_sentences``, ``max_cited``) were set by hand, and answers padded the sentence that
answers with others (« C'est avec une grande émotion… je passe le témoin » under « En
quelle année l'ALPA a-t-elle été créée ? »).

Each answerable question the service answers is read once. Questions refused or
answered « pas sûr » are left out: those decisions come before quoting and do not move
here, though a « pas sûr » answer quotes with the same numbers, unmeasured. Every point
of the grid quotes from the same evidence. The grid holds the two margins; the two caps
stay, since when they were fitted too the folds chose different points. A question's
figure is the F1 of two shares (``evals.metrics.answer_quality``): the evidence spans
its answer text holds, and how much of its text is evidence — what the reader gets, and
how much of what they read is it.

A point is admissible when no set's mean F1 nor its mean evidence in the answer is below
the current point's; means per set, so a question may still lose what another gains
(the count of such questions held out is printed). The chosen point has the best mean F1
over the sets. K-fold cross-validation by question: each held-out question is answered
with the point chosen on the other folds, and the held-out figures are printed next to
the current point's on the same questions. ``--write`` stores the point chosen on every
question only when, held out, no set is lower on either figure and the F1 gains
(``Fit.holds``).
"""

from __future__ import annotations

import itertools
import json
import statistics
from dataclasses import asdict, astuple, dataclass, replace
from pathlib import Path
from typing import Any

import click

from assistant.qa.answers import Selection, extractive_answer
from assistant.qa.refusal import judge
from evals.calibration_file import write_entry
from evals.measure import SETS, _container, base_options
from evals.metrics import answer_quality
from evals.retrieval import load_jsonl
from knowledge.calibration import entries

MARGINS = (0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15)
SAME_PASSAGE = (0.0, 0.01, 0.02, 0.03, 0.05)
# No set may lose F1, nor evidence from its answers' text: padding goes, answers stay.
GUARDED = ("f1", "evidence_in_answer")
# What ``--write`` sets: the margins of the grid (their « does » kept from the file).
FITTED = ("selection_margin", "same_passage_margin")


def f1(recall: float, precision: float) -> float:
    return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def quality(items: list[dict[str, Any]], selection: Selection) -> list[tuple[float, float]]:
    """(evidence in the answer, precision) of each item's answer quoted with
    ``selection``."""
    return [answer_quality(extractive_answer(item["evidence"], selection)[0],
                           item["row"]["evidence"]) for item in items]


def figures(items: list[dict[str, Any]], got: list[tuple[float, float]],
            chosen: list[int]) -> dict[str, dict[str, float]]:
    """Mean evidence in the answer, precision and F1 per set over the items ``chosen``
    (unrounded: the guards compare them; ``rounded`` is for printing)."""
    by_set: dict[str, list[tuple[float, float]]] = {}
    for i in chosen:
        by_set.setdefault(items[i]["set"], []).append(got[i])
    return {name: {"evidence_in_answer": statistics.fmean(r for r, _ in values),
                   "answer_precision": statistics.fmean(p for _, p in values),
                   "f1": statistics.fmean(f1(r, p) for r, p in values)}
            for name, values in by_set.items()}


def rounded(figures_: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {s: {m: round(v, 3) for m, v in values.items()} for s, values in figures_.items()}


def choose(items: list[dict[str, Any]], results: dict[Selection, list[tuple[float, float]]],
           current: Selection, chosen: list[int]) -> Selection:
    """The admissible point with the best mean F1 over the sets, on the items ``chosen``
    (the current point on a tie)."""
    base = figures(items, results[current], chosen)
    best, best_value = current, sum(base[s]["f1"] for s in base)
    for point, got in results.items():
        mine = figures(items, got, chosen)
        if any(mine[s][m] < base[s][m] for s in base for m in GUARDED):
            continue
        value = sum(mine[s]["f1"] for s in mine)
        if value > best_value + 1e-9:
            best, best_value = point, value
    return best


@dataclass
class Fit:
    """What cross-validation found: the point chosen on every item, those chosen on
    each fold's complement, and the figures before and held out."""

    final: Selection
    picks: list[Selection]
    before: dict[str, dict[str, float]]
    after: dict[str, dict[str, float]]
    losing: int  # items whose answer held out holds less evidence than before

    @property
    def holds(self) -> bool:
        """Held out, no set loses on a guarded figure and the F1 summed over the sets
        gains: a choice the held-out questions do not confirm is not written."""
        return (all(self.after[s][m] >= self.before[s][m] - 1e-9
                    for s in self.before for m in GUARDED)
                and sum(v["f1"] for v in self.after.values())
                > sum(v["f1"] for v in self.before.values()) + 1e-9)


def cross_validate(items: list[dict[str, Any]],
                   results: dict[Selection, list[tuple[float, float]]], current: Selection,
                   folds: list[list[int]]) -> Fit:
    """Each fold answered with the point chosen on the others."""
    held_out: list[tuple[float, float]] = [(0.0, 0.0)] * len(items)
    picks: list[Selection] = []
    for fold in folds:
        out = set(fold)
        point = choose(items, results, current, [i for i in range(len(items)) if i not in out])
        picks.append(point)
        for i in fold:
            held_out[i] = results[point][i]
    everyone = list(range(len(items)))
    losing = sum(1 for i in everyone if held_out[i][0] < results[current][i][0])
    return Fit(choose(items, results, current, everyone), picks,
               figures(items, results[current], everyone), figures(items, held_out, everyone),
               losing)


def gather(container: Any, sets: tuple[Path, ...]) -> list[dict[str, Any]]:
    """One item per answerable question the service answers with quotes: its set, row
    and evidence, read as ``AnswerService.ask`` reads it."""
    reader = container.answers.reader
    items: list[dict[str, Any]] = []
    for set_path in sets:
        for row in load_jsonl(set_path):
            if row.get("kind") == "unanswerable" or not row.get("evidence"):
                continue
            evidence = reader.read(row["question"], row["question"])
            verdict = judge(evidence)
            if verdict.refused or verdict.unsure:
                continue
            items.append({"set": set_path.stem, "row": row, "evidence": evidence})
    return items


@click.command()
@base_options
@click.option("--folds", "k", default=5, show_default=True)
@click.option("--write/--no-write", default=False,
              help="Store the point chosen on every question in the calibration file.")
def answers(sets: tuple[Path, ...], corpus: Path, data: Path | None, k: int,
            write: bool) -> None:
    """Fit how much an extractive answer quotes, cross-validated by question."""
    from evals.fit import folds  # evals.fit registers this command

    container = _container(corpus, data)
    items = gather(container, sets or SETS)
    current = Selection.tuned()
    grid = sorted({current, *(replace(current, selection_margin=margin, same_passage_margin=same)
                              for margin, same in itertools.product(MARGINS, SAME_PASSAGE))},
                  key=astuple)
    results = {point: quality(items, point) for point in grid}
    fit = cross_validate(items, results, current, folds(items, k, 0))
    final = fit.final
    before, after = rounded(fit.before), rounded(fit.after)
    click.echo(json.dumps({
        "current": {"point": asdict(current), **before},
        "held_out": {"points": [asdict(p) for p in fit.picks], **after,
                     "questions_losing_evidence": fit.losing},
        "chosen": {"point": asdict(final), **rounded(
            figures(items, results[final], list(range(len(items)))))}},
        ensure_ascii=False))
    if write and final == current:
        click.echo("Rien à écrire : les valeurs actuelles restent les meilleures.")
    if write and final != current and not fit.holds:
        container.close()
        raise click.ClickException("le choix ne tient pas hors échantillon (un jeu baisse "
                                   "ou rien ne gagne sur les questions tenues à part) : "
                                   "rien n'est écrit")
    if write and final != current:
        held = "; ".join(
            f"{s}: evidence in the answer {before[s]['evidence_in_answer']} → "
            f"{after[s]['evidence_in_answer']}, precision {before[s]['answer_precision']} → "
            f"{after[s]['answer_precision']}, F1 {before[s]['f1']} → {after[s]['f1']}"
            for s in before)
        names = " ".join(f"--set {p}" for p in sets) if sets else "(both dev sets)"
        margins = [getattr(current, name) for name in FITTED]
        source = (f"python -m evals.fit answers --folds {k} --write {names}: best mean F1 of "
                  f"the margins' grid with no set's F1 or evidence in the answer lower than "
                  f"{margins}; held out "
                  f"({k}-fold by question, points "
                  f"{[[getattr(p, name) for name in FITTED] for p in fit.picks]}): {held}")
        for name in FITTED:
            write_entry("answers", name, getattr(final, name),
                        entries()[f"answers.{name}"]["does"], source)
    container.close()
