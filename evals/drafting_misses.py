"""Where each span a drafting request expects is lost, step by step (round s36's table).

A span of ``must_use`` that no section of the draft holds was lost at the first of these
steps that no longer has it:

- ``non trouvé``: in no passage read for any section (the search);
- ``lu sans citation``: in a passage read, but no quote was made from it (the sentence
  reading: meaning score, shared words);
- ``écarté par le périmètre``: quoted, then dropped as about another structure (scope);
- ``gardé, non retenu``: kept, but the section's text does not use it (composition).

    python -m evals.drafting_misses --set ../shared/evals/drafting/drafting-dev.jsonl \\
        --corpus ../shared/corpus --data BASE
    python -m evals.drafting_misses --heldout --corpus ../shared/corpus --data BASE \\
        --scorer ../shared/evals/drafting/score_drafting.py

Spans are matched as the set's scorer matches them (its shingles, half of them for a
passage or a quote, as a partial read counts there).
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from generators.section_evidence import SectionEvidence
from generators.service import DraftingService

STEPS = ("trouvé", "non trouvé", "lu sans citation", "écarté par le périmètre",
         "gardé, non retenu")


def _holds(scorer: ModuleType, span: str, texts: list[str]) -> bool:
    shingles = scorer.shingles(span)
    return any(scorer.found_in(shingles, [scorer.strip(t)], 0.5) for t in texts)


def classify(scorer: ModuleType, span: str, sections: list[str],
             reads: list[dict[str, list[str]]]) -> str:
    """The step at which ``span`` is lost, given the draft's section texts and what each
    section read (``passages``), quoted (``quotes``) and kept (``kept``)."""
    if scorer.where(scorer.shingles(span), [scorer.strip(t) for t in sections]):
        return "trouvé"
    for step, key in (("gardé, non retenu", "kept"), ("écarté par le périmètre", "quotes"),
                      ("lu sans citation", "passages")):
        if any(_holds(scorer, span, read[key]) for read in reads):
            return step
    return "non trouvé"


def misses(service: DraftingService, set_path: Path, scorer: ModuleType,
           calls: Path | None = None, only: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every span of every request, with the step where it is lost."""
    from evals.drafting_set import draft_request, read_set

    reads: list[dict[str, list[str]]] = []

    def record(title: str, found: SectionEvidence, kept: SectionEvidence) -> None:
        reads.append({"section": [title], "passages": [p.text for p in found.passages],
                      "quotes": [q.text for q in found.quotes],
                      "kept": [q.text for q in kept.quotes]})

    service.drafter.trace = record
    calls = calls or set_path.parent / "calls"
    rows = []
    try:
        for row in read_set(set_path):
            if only and row["id"] not in only:
                continue
            reads.clear()
            sections = [f"{s['title']} {s['text']}"
                        for s in draft_request(service, row, calls)["sections"]]
            for entry in row["must_use"]:
                rows.append({"id": row["id"], "section": entry.get("section", ""),
                             "span": entry["span"],
                             "step": classify(scorer, entry["span"], sections, reads)})
    finally:
        service.drafter.trace = None
    return rows


@click.command()
@click.option("--set", "set_path", type=click.Path(path_type=Path, exists=True),
              default=None, help="Le jeu de rédaction (drafting-dev.jsonl).")
@click.option("--heldout", is_flag=True, help="Le jeu tenu à part du projet (evals/data).")
@click.option("--corpus", type=click.Path(path_type=Path, exists=True, file_okay=False),
              required=True)
@click.option("--scorer", type=click.Path(path_type=Path, exists=True), default=None,
              help="score_drafting.py (par défaut, à côté du jeu).")
@click.option("--data", type=click.Path(path_type=Path), default=None)
@click.option("--details", type=click.Path(path_type=Path), default=None)
@click.option("--only", multiple=True, help="Ne rédiger que cette demande (id).")
def main(set_path: Path | None, heldout: bool, corpus: Path, scorer: Path | None,
         data: Path | None, details: Path | None, only: tuple[str, ...]) -> None:
    """Count the missed spans by the step that loses them."""
    from evals.drafting_heldout import materialise
    from evals.drafting_set import SCORER, load_scorer
    from evals.measure import _container

    if set_path is None and not heldout:
        raise click.UsageError("--set ou --heldout")
    with tempfile.TemporaryDirectory() as tmp:
        path = materialise(corpus, Path(tmp)) if heldout else set_path
        assert path is not None
        module = load_scorer(scorer or path.parent / SCORER)
        container = _container(corpus, data)
        try:
            rows = misses(container.drafting, path, module, only=only)
        finally:
            container.close()
    if details is not None:
        details.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                           encoding="utf-8")
    counts = Counter(r["step"] for r in rows)
    click.echo(json.dumps({step: counts.get(step, 0) for step in STEPS}, ensure_ascii=False))
    for r in rows:
        if r["step"] != "trouvé":
            click.echo(f"{r['id']} | {r['step']} | {r['section'][:40]} | {r['span'][:90]}")


if __name__ == "__main__":
    main()
