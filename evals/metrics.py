"""Retrieval metrics with the same definitions as the shared ``score.py``.

A span is found in a passage when at least half of its 16-character shingles
(letters and digits only, lower-cased) occur in it; so clean-up of hyphens, spaces
and punctuation neither helps nor hurts. ``tests/test_metrics.py`` checks that these
numbers agree with the shared script on the same results.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

SHINGLE = 16
BUDGET_CHARS = 4000


def strip(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[^0-9a-zàâäáãåçéèêëíìîïñóòôöõúùûüýÿœæ]", "", text)


def shingles(text: str) -> set[str]:
    t = strip(text)
    if len(t) <= SHINGLE:
        return {t}
    return {t[i : i + SHINGLE] for i in range(0, len(t) - SHINGLE + 1, 2)}


def found(span: set[str], passages: Sequence[str]) -> bool:
    return any(sum(1 for g in span if g in p) >= 0.5 * len(span) for p in passages)


def quoted_lines(answer: str) -> list[str]:
    """The lines of an answer without their citation marks (every « [n] », wherever it
    stands), those left with no letter or digit dropped."""
    lines = (re.sub(r"\s*\[\d+\]", "", line).strip() for line in answer.splitlines())
    return [line for line in lines if strip(line)]


def answer_quality(answer: str, evidence: Sequence[str]) -> tuple[float, float]:
    """(evidence in the answer, precision): the share of the evidence spans the answer
    text itself holds (not its cited passages; its marks left out), the scorer's rule;
    and the share of the answer's quoted text (its lines' shingles) found in an evidence
    span — what a reader gets, and how much of what they read is it. Weighed by text,
    not by line, so that a long line holding a span and much else is not all evidence."""
    lines = quoted_lines(answer)
    spans = [shingles(e) for e in evidence]
    text = strip(" ".join(lines))
    recall = sum(found(s, [text]) for s in spans) / len(spans) if spans else 0.0
    mine = [g for line in lines for g in shingles(line)]
    stripped = [strip(e) for e in evidence]
    hits = sum(1 for g in mine if any(g in e for e in stripped))
    return recall, hits / len(mine) if mine else 0.0


def score(
    rows: Sequence[Mapping[str, Any]],
    results: Mapping[Any, Sequence[Mapping[str, Any]]],
    ks: Sequence[int] = (1, 3, 5, 10),
) -> dict[str, float]:
    """span_recall@k, full@k, MRR (first 20) and span recall within 4,000 characters."""
    answerable = [r for r in rows if r.get("kind") != "unanswerable"]
    totals = {f"span_recall@{k}": 0.0 for k in ks}
    totals.update({f"full@{k}": 0.0 for k in ks})
    totals["span_recall@4k"] = 0.0
    totals["mrr"] = 0.0
    missing = 0
    for row in answerable:
        passages = results.get(row["id"])
        if passages is None:
            missing += 1
            passages = []
        strips = [strip(str(p["text"])) for p in passages]
        spans = [shingles(e) for e in row["evidence"]]
        for k in ks:
            got = sum(found(s, strips[:k]) for s in spans)
            totals[f"span_recall@{k}"] += got / len(spans)
            totals[f"full@{k}"] += got == len(spans)
        budget: list[str] = []
        used = 0
        for passage, st in zip(passages, strips, strict=True):
            if used + len(str(passage["text"])) > BUDGET_CHARS and budget:
                break
            budget.append(st)
            used += len(str(passage["text"]))
        totals["span_recall@4k"] += sum(found(s, budget) for s in spans) / len(spans)
        for rank, st in enumerate(strips[:20], start=1):
            if any(found(s, [st]) for s in spans):
                totals["mrr"] += 1 / rank
                break
    n = max(1, len(answerable))
    out = {k: round(v / n, 3) for k, v in totals.items()}
    out["answerable"] = len(answerable)
    out["missing_results"] = missing
    return out
