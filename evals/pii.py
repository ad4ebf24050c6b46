"""Recall and precision of personal-data detection per entity type on a labelled set.

A labelled identifier is found when a finding of the same type overlaps at least half
of it; a finding is correct when it overlaps half of a label of its type.
``python -m evals.pii [evals/data/pii/set.jsonl] [--json]``
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from knowledge.pii.detector import ENTITY_LABELS, Finding, detect


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def score_document(labels: list[dict[str, Any]], findings: list[Finding]
                   ) -> dict[str, list[int]]:
    """Per type: [labels, labels found, findings, findings correct]."""
    counts: dict[str, list[int]] = {e: [0, 0, 0, 0] for e in ENTITY_LABELS}
    for label in labels:
        entity, start, end = label["entity"], int(label["start"]), int(label["end"])
        counts[entity][0] += 1
        counts[entity][1] += any(
            f.entity == entity and _overlap(start, end, f.start, f.end) * 2 >= end - start
            for f in findings)
    for f in findings:
        counts[f.entity][2] += 1
        counts[f.entity][3] += any(
            lab["entity"] == f.entity
            and _overlap(int(lab["start"]), int(lab["end"]), f.start, f.end) * 2
            >= int(lab["end"]) - int(lab["start"])
            for lab in labels)
    return counts


ORGANISATIONS = frozenset({"toit commun"})


def run_pii_eval(path: Path, not_names: frozenset[str] = ORGANISATIONS) -> dict[str, Any]:
    """Score detection; ``not_names`` is what the base knows as its organisations."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    detect("Échauffement : Mme Dupont.")
    totals: dict[str, list[int]] = {e: [0, 0, 0, 0] for e in ENTITY_LABELS}
    started = time.perf_counter()
    misses: list[str] = []
    false_hits: list[str] = []
    for row in rows:
        findings = detect(row["text"], not_names=not_names)
        for entity, values in score_document(row["labels"], findings).items():
            totals[entity] = [a + b for a, b in zip(totals[entity], values, strict=True)]
        for label in row["labels"]:
            if not any(f.entity == label["entity"] and _overlap(
                    label["start"], label["end"], f.start, f.end) for f in findings):
                misses.append(f"{label['entity']}: {label['text']}")
        for f in findings:
            if not any(lab["entity"] == f.entity and _overlap(
                    lab["start"], lab["end"], f.start, f.end) for lab in row["labels"]):
                false_hits.append(f"{f.entity}: {f.text}")
    elapsed = time.perf_counter() - started
    per_type = {
        e: {"labels": t[0], "recall": round(t[1] / t[0], 3) if t[0] else None,
            "findings": t[2], "precision": round(t[3] / t[2], 3) if t[2] else None}
        for e, t in totals.items()
    }
    all_labels = sum(t[0] for t in totals.values())
    all_findings = sum(t[2] for t in totals.values())
    return {
        "documents": len(rows), "per_type": per_type,
        "recall": round(sum(t[1] for t in totals.values()) / all_labels, 3),
        "precision": round(sum(t[3] for t in totals.values()) / all_findings, 3)
        if all_findings else None,
        "ms_per_document": round(elapsed * 1000 / max(len(rows), 1), 1),
        "misses": misses, "false_hits": false_hits,
    }


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    result = run_pii_eval(Path(args[0] if args else "evals/data/pii/set.jsonl"))
    if "--json" in sys.argv:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for entity, values in result["per_type"].items():
            print(f"{entity:>15}  labels {values['labels']:>3}  recall {values['recall']}  "
                  f"findings {values['findings']:>3}  precision {values['precision']}")
        print(f"{'all':>15}  recall {result['recall']}  precision {result['precision']}  "
              f"({result['ms_per_document']} ms/document)")
        for line in result["misses"]:
            print("  manqué :", line)
        for line in result["false_hits"]:
            print("  en trop :", line)
