"""The drafting evaluation set: every request drafted offline, scored by the set's scorer.

    canevas [--data-dir DIR] eval drafting --set ../shared/evals/drafting/drafting-dev.jsonl

Each line of the set is a request as a person would make it (type, facts with the keys
they have, a call file); the draft is scored by ``score_drafting.py`` found beside the
set (or given with ``--scorer``), imported rather than copied so that the project is
judged by the same rules as anyone else. A request that fails is counted with an empty
draft, and its error is reported.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from generators.service import DraftingService
from generators.sources import number_sources

SCORER = "score_drafting.py"


def load_scorer(path: Path) -> ModuleType:
    """The set's reference scorer, imported from its file."""
    spec = importlib.util.spec_from_file_location("score_drafting", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"Barème introuvable : {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_set(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def draft_request(service: DraftingService, row: dict[str, Any], calls: Path,
                  export: Path | None = None) -> dict[str, Any]:
    """Draft one request and return it as the scorer reads it (titles and texts with the
    document-wide citation numbers, as a reviewer sees them; each section's mode and
    flags beside them); with ``export``, also
    write its review (.docx « brouillon ») and final (validated, gaps kept) Word files."""
    call = calls / row["call"] if row.get("call") else None
    draft = service.new(row["type"], dict(row["facts"]), call, owner="")
    try:
        if export is not None:
            export.mkdir(parents=True, exist_ok=True)
            service.export(draft.id, export / f"{row['id']}-relecture.docx", brouillon=True,
                           by="Évaluation Canevas")
            service.mark(draft.id, None, "validé", "Évaluation Canevas", accept_gaps=True)
            service.export(draft.id, export / f"{row['id']}-final.docx",
                           by="Évaluation Canevas", accept_gaps=True)
        numbering = number_sources(draft)
        return {"id": row["id"], "draft_id": draft.id,
                "sections": [{"title": s.title, "text": numbering.text(s), "mode": s.mode,
                              "flags": [f.reason for f in s.flags]}
                             for s in draft.sections]}
    finally:
        service.delete(draft.id)


def run_drafting_set(service: DraftingService, set_path: Path, scorer_path: Path | None = None,
                     calls: Path | None = None, details: Path | None = None,
                     only: tuple[str, ...] = (), export: Path | None = None
                     ) -> dict[str, Any]:
    """Draft every request of the set and score the drafts; failures listed by id."""
    rows = [r for r in read_set(set_path) if not only or r["id"] in only]
    scorer = load_scorer(scorer_path or set_path.parent / SCORER)
    calls = calls or set_path.parent / "calls"
    drafts: dict[str, dict[str, Any]] = {}
    failures: dict[str, str] = {}
    for row in rows:
        try:
            drafts[row["id"]] = draft_request(service, row, calls, export)
        except Exception as exc:
            failures[row["id"]] = f"{type(exc).__name__}: {exc}"
    per = {r["id"]: scorer.score_row(r, drafts.get(r["id"])) for r in rows}
    result: dict[str, Any] = {"all": scorer.aggregate(rows, per), "failed": len(failures)}
    for type_id in sorted({r["type"] for r in rows}):
        result[type_id] = scorer.aggregate([r for r in rows if r["type"] == type_id], per)
    result["failures"] = failures
    result["rows"] = per
    if details is not None:
        details.write_text("".join(json.dumps(drafts[r["id"]], ensure_ascii=False) + "\n"
                                   for r in rows if r["id"] in drafts), encoding="utf-8")
    return result
