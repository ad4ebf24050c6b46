"""Fit how much an extractive answer quotes: ``python -m evals.fit answers [--write]``.

Why: the four numbers that decide it (``answers.selection_margin``,
``same_passage_margin``, ``max_sentences``, ``max_cited``) were set by hand, and answers
padded the sentence that answers with others that do not (« C'est avec une grande
émotion… je passe le témoin » under « En quelle année l'ALPA a-t-elle été créée ? »).
Each answerable question the service answers (neither refused nor « pas sûr »: those
decisions come before quoting and do not change here) is read once; every point of the
grid (the two margins; the two caps stay: fitted too, the points chosen on four fifths
of the questions differed from fold to fold) quotes from the same evidence. A question's
figure is the F1 of two shares: the
evidence spans its answer text holds, and its quoted lines that are evidence
(``evals.metrics.answer_quality``) — what the reader gets, and what they read for
nothing. A point is admissible when no set's mean F1 nor its evidence in the answer is
below the current point's (padding may go, not the sentences that answer); the chosen
one has the best mean F1 over the sets. K-fold cross-validation by question: each
held-out question is answered with the point chosen on the other folds, and the
held-out figures are printed next to the current point's on the same questions.
``--write`` stores the point chosen on every question only when those held-out figures
are no lower than the current point's on any set.
"""

from __future__ import annotations

import itertools
import json
import statistics
from pathlib import Path
from typing import Any

import click

from assistant.qa.answers import Selection, extractive_answer
from assistant.qa.refusal import judge
from evals.calibration_file import write_entry
from evals.measure import SETS, _container, base_options
from evals.metrics import answer_quality
from evals.retrieval import load_jsonl

MARGINS = (0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15)
SAME_PASSAGE = (0.0, 0.01, 0.02, 0.03, 0.05)
# No set may lose F1, nor evidence from its answers' text: padding goes, answers stay.
GUARDED = ("f1", "evidence_in_answer")
NAMES = ("selection_margin", "same_passage_margin", "max_sentences", "max_cited")
DOES = {
    "selection_margin": "A passage's best sentence is quoted when it scores within this of "
                        "the best sentence overall.",
    "same_passage_margin": "Another sentence of a quoted passage joins when it scores "
                           "within this of the best one.",
    "max_sentences": "Most sentences an extractive answer quotes.",
    "max_cited": "Most passages an extractive answer quotes.",
}


def f1(recall: float, precision: float) -> float:
    return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def quality(items: list[dict[str, Any]], selection: Selection) -> list[tuple[float, float]]:
    """(evidence in the answer, precision) of each item's answer quoted with
    ``selection``."""
    return [answer_quality(extractive_answer(item["evidence"], selection)[0],
                           item["row"]["evidence"]) for item in items]


def figures(items: list[dict[str, Any]], got: list[tuple[float, float]],
            chosen: list[int]) -> dict[str, dict[str, float]]:
    """Mean evidence in the answer, precision and F1 per set over the items ``chosen``."""
    by_set: dict[str, list[tuple[float, float]]] = {}
    for i in chosen:
        by_set.setdefault(items[i]["set"], []).append(got[i])
    return {name: {"evidence_in_answer": round(statistics.fmean(r for r, _ in values), 3),
                   "answer_precision": round(statistics.fmean(p for _, p in values), 3),
                   "f1": round(statistics.fmean(f1(r, p) for r, p in values), 3)}
            for name, values in by_set.items()}


def choose(items: list[dict[str, Any]], results: dict[Selection, list[tuple[float, float]]],
           current: Selection, chosen: list[int]) -> Selection:
    """The admissible point with the best mean F1 over the sets, on the items ``chosen``."""
    base = figures(items, results[current], chosen)
    best, best_value = current, -1.0
    for point, got in results.items():
        mine = figures(items, got, chosen)
        if any(mine[s][m] < base[s][m] for s in base for m in GUARDED):
            continue
        value = sum(mine[s]["f1"] for s in mine)
        if value > best_value + 1e-9 or (abs(value - best_value) <= 1e-9 and point == current):
            best, best_value = point, value
    return best


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
    grid = sorted({current, *(Selection(margin, same, current.max_sentences, current.max_cited)
                              for margin, same in itertools.product(MARGINS, SAME_PASSAGE))},
                  key=lambda s: tuple(vars(s).values()))
    results = {point: quality(items, point) for point in grid}
    held_out: list[tuple[float, float]] = [(0.0, 0.0)] * len(items)
    picks: list[Selection] = []
    for fold in folds(items, k, 0):
        inside = [i for i in range(len(items)) if i not in set(fold)]
        point = choose(items, results, current, inside)
        picks.append(point)
        for i in fold:
            held_out[i] = results[point][i]
    everyone = list(range(len(items)))
    final = choose(items, results, current, everyone)
    before = figures(items, results[current], everyone)
    after = figures(items, held_out, everyone)
    click.echo(json.dumps({
        "current": {"point": vars(current), **before},
        "held_out": {"points": [vars(p) for p in picks], **after},
        "chosen": {"point": vars(final), **figures(items, results[final], everyone)}},
        ensure_ascii=False))
    held_up = all(after[s][m] >= before[s][m] for s in before for m in GUARDED)
    if write and final != current and not held_up:
        container.close()
        raise click.ClickException("le choix ne tient pas hors échantillon (un jeu baisse "
                                   "sur les questions tenues à part) : rien n'est écrit")
    if write and final != current:
        held = "; ".join(
            f"{s}: evidence in the answer {before[s]['evidence_in_answer']} → "
            f"{after[s]['evidence_in_answer']}, precision {before[s]['answer_precision']} → "
            f"{after[s]['answer_precision']}, F1 {before[s]['f1']} → {after[s]['f1']}"
            for s in before)
        names = " ".join(f"--set {p}" for p in sets) if sets else "(both dev sets)"
        margins = [current.selection_margin, current.same_passage_margin]
        source = (f"python -m evals.fit answers --folds {k} --write {names}: best mean F1 of "
                  f"the margins' grid with no set's F1 or evidence in the answer lower than "
                  f"{margins}; held out "
                  f"({k}-fold by question, points "
                  f"{[[p.selection_margin, p.same_passage_margin] for p in picks]}): {held}")
        for name in NAMES[:2]:
            write_entry("answers", name, getattr(final, name), DOES[name], source)
    container.close()
