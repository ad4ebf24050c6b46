"""How well calls for projects nobody tuned the reader for are read: their criteria, in
order, with points and length limits.

A folder holds calls and an ``expected.jsonl`` (one line per call: ``file``, ``criteria``
as ``title`` / ``points`` / ``limit`` as written, ``global_limit``), written by someone
who did not see the reader. A criterion is found when a criterion read has the same
words (rapidfuzz token set ratio ≥ 80: « La capacité de captation… » for « capacité de
captation… »). Limits are compared in characters, the expected text converted with
the same page and word sizes as drafting.

    python -m evals.calls_set --dir evals/data/drafting/calls-heldout
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
from rapidfuzz import fuzz

from generators.call import CallError, read_call
from knowledge.calibration import tuned
from knowledge.limits import Limits

_SAME = 80
_FRACTIONS = {"½": 0.5, "demie": 0.5, "et demie": 0.5}


def expected_chars(limit: str | None) -> int | None:
    """« 2 000 caractères espaces compris » → 2000; « 400 mots » → words × word size;
    « 1 page et demie », « ½ page » → pages × page size."""
    if not limit:
        return None
    text = limit.replace("\u202f", " ").replace("\xa0", " ")
    number = re.search(r"(\d[\d ]*(?:[.,]\d+)?)|½|une?\b|demi", text)
    if not number:
        return None
    raw = "demi" if re.search(r"demi-page|^½", text) else number.group(0)
    amount = 0.5 if raw in ("½", "demi") else 1.0 if raw.startswith("un") else float(
        raw.replace(" ", "").replace(",", "."))
    if re.search(r"et demie", text):
        amount += 0.5
    if re.search(r"\bpages?\b", text):
        return int(amount * tuned("drafting.page_chars"))
    if re.search(r"\bmots\b", text):
        return int(amount * tuned("drafting.word_chars"))
    if re.search(r"\blignes?\b", text):
        return int(amount * tuned("drafting.line_chars"))
    return int(amount)


def _points(points: str | None) -> int | None:
    found = re.search(r"\d+", points or "")
    return int(found.group(0)) if found else None


def score_call(path: Path, expected: dict[str, Any]) -> dict[str, Any]:
    """Found, in order, extra criteria, right points and right limits for one call."""
    want = expected["criteria"]
    try:
        call = read_call(path, Limits())
    except CallError as exc:
        return {"file": path.name, "expected": len(want), "found": 0, "read": 0,
                "in_order": False, "points_ok": 0, "limits_ok": 0, "global_ok": False,
                "error": str(exc)}
    got = call.criteria
    matched: list[int] = []
    points_ok = limits_ok = 0
    for criterion in want:
        scores = [fuzz.token_set_ratio(criterion["title"].lower(), c.title.lower())
                  for c in got]
        best = max(range(len(got)), key=lambda i: scores[i], default=None)
        if best is None or scores[best] < _SAME:
            continue
        matched.append(best)
        points_ok += _points(got[best].points) == criterion.get("points")
        want_chars = expected_chars(criterion.get("limit"))
        limits_ok += got[best].max_chars == want_chars
    want_global = expected_chars(expected.get("global_limit"))
    return {"file": path.name, "expected": len(want), "found": len(matched), "read": len(got),
            "in_order": matched == sorted(matched), "points_ok": points_ok,
            "limits_ok": limits_ok, "global_ok": call.max_chars == want_global,
            "titles": [c.title for c in got]}


def score_folder(folder: Path) -> dict[str, Any]:
    rows = [json.loads(line) for line in (folder / "expected.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    results = [score_call(folder / row["file"], row) for row in rows]
    total = sum(r["expected"] for r in results)
    return {
        "calls": len(results),
        "criteria_found": round(sum(r["found"] for r in results) / total, 3),
        "calls_exact": sum(r["found"] == r["expected"] == r["read"] and r["in_order"]
                           for r in results),
        "extra_criteria": sum(max(0, r["read"] - r["found"]) for r in results),
        "points_right": round(sum(r["points_ok"] for r in results) / total, 3),
        "limits_right": round(sum(r["limits_ok"] for r in results) / total, 3),
        "global_limit_right": sum(r["global_ok"] for r in results),
        "per_call": results,
    }


@click.command()
@click.option("--dir", "folder", type=click.Path(path_type=Path, exists=True, file_okay=False),
              required=True, multiple=True, help="Dossier d'appels avec expected.jsonl.")
@click.option("--details", is_flag=True, help="Afficher chaque appel.")
def main(folder: tuple[Path, ...], details: bool) -> None:
    """Read every call of the folders and print how many criteria were found."""
    for one in folder:
        result = score_folder(one)
        per_call = result.pop("per_call")
        click.echo(f"{one}: {json.dumps(result, ensure_ascii=False)}")
        if details:
            for row in per_call:
                click.echo(f"  {json.dumps(row, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
