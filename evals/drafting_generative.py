"""The drafting path with a language model, measured once beside the offline path.

Issue 17 asks for the generative path to be measured with the best local model that
installs here from PyPI, outside CI, and for two of its sections to be read. Each
request is drafted twice in the same process, on the same base: offline (no model), then
with the model the environment configures (``CANEVAS_LLM_*``). Both drafts are scored by
the set's scorer; for the model's draft, each section records whether the model's prose
was kept (``génératif``) or the offline text stood in (the model cited nothing valid),
how many of its sentences carry no citation, how many cite passages that hold neither
their numbers nor their names (``unsourced_details``), and how long it took.

    CANEVAS_LLM_PROVIDER=llamacpp CANEVAS_LLM_GGUF_PATH=model.gguf \\
    python -m evals.drafting_generative --set ../shared/evals/drafting/drafting-dev.jsonl \\
        --corpus ../shared/corpus --data BASE --only draft-dev-01 --report OUT.md
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from assistant.qa.citations import cited_sentences
from generators.service import DraftingService


def _draft(service: DraftingService, row: dict[str, Any], calls: Path
           ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The draft as the scorer reads it, and what each section's composition did."""
    from evals.drafting_set import draft_request

    drafted = draft_request(service, row, calls)
    return drafted, [{"title": s["title"], "mode": s["mode"], "text": s["text"],
                      "cited": len(cited_sentences(s["text"])),
                      "uncited": sum(f.startswith("Phrase sans source") for f in s["flags"]),
                      "unsourced": [f for f in s["flags"]
                                    if f.startswith("Absent des sources")]}
                     for s in drafted["sections"]]


def compare(service: DraftingService, set_path: Path, only: tuple[str, ...],
            scorer_path: Path | None = None) -> dict[str, Any]:
    """Each request drafted offline then with the configured model, both scored."""
    from evals.drafting_set import SCORER, load_scorer, read_set

    scorer = load_scorer(scorer_path or set_path.parent / SCORER)
    calls = set_path.parent / "calls"
    model = service.drafter.chat_model
    if model is None:
        raise click.UsageError("Aucun modèle de langue configuré (CANEVAS_LLM_PROVIDER).")
    rows = [r for r in read_set(set_path) if not only or r["id"] in only]
    result: dict[str, Any] = {"requests": {}}
    for row in rows:
        service.drafter.chat_model = None
        offline, _ = _draft(service, row, calls)
        service.drafter.chat_model = model
        started = time.perf_counter()
        generated, sections = _draft(service, row, calls)
        seconds = time.perf_counter() - started
        result["requests"][row["id"]] = {
            "offline": scorer.score_row(row, offline),
            "model": scorer.score_row(row, generated),
            "seconds": round(seconds, 1),
            "sections": sections,
        }
    return result


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """Figures over all requests: scores side by side, the model's prose kept, flagged."""
    requests = result["requests"].values()
    sections = [s for r in requests for s in r["sections"]]
    written = [s for s in sections if s["mode"] == "génératif"]
    keys = ("must_use_recall", "must_not_hits", "must_ask_flagged")

    def mean(path: str, key: str) -> float:
        values = [r[path][key] for r in requests]
        return round(sum(values) / len(values), 3) if values else 0.0

    return {
        "offline": {k: mean("offline", k) for k in keys},
        "model": {k: mean("model", k) for k in keys},
        "sections": len(sections),
        "sections_in_model_prose": len(written),
        "model_sentences_cited": sum(s["cited"] for s in written),
        "model_sentences_without_citation": sum(s["uncited"] for s in written),
        "model_cited_sentences_with_unsourced_details": sum(len(s["unsourced"])
                                                            for s in written),
        "seconds_per_section": round(sum(r["seconds"] for r in requests)
                                     / max(1, len(sections)), 1),
    }


@click.command()
@click.option("--set", "set_path", type=click.Path(path_type=Path, exists=True),
              required=True)
@click.option("--corpus", type=click.Path(path_type=Path, exists=True, file_okay=False),
              required=True)
@click.option("--data", type=click.Path(path_type=Path), default=None)
@click.option("--scorer", type=click.Path(path_type=Path, exists=True), default=None)
@click.option("--only", multiple=True, help="Ne rédiger que cette demande (répétable).")
@click.option("--report", type=click.Path(path_type=Path), default=None,
              help="Écrire les figures et le texte de chaque section (JSON).")
def main(set_path: Path, corpus: Path, data: Path | None, scorer: Path | None,
         only: tuple[str, ...], report: Path | None) -> None:
    """Draft each request offline and with the configured model; print both scores."""
    from evals.measure import _container

    container = _container(corpus, data)
    try:
        result = compare(container.drafting, set_path, only, scorer)
    finally:
        container.close()
    result["summary"] = summary(result)
    if report is not None:
        report.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(json.dumps(result["summary"], ensure_ascii=False))


if __name__ == "__main__":
    main()
