"""A drafting set written by someone who never saw the drafting code, to confirm on
requests nobody tuned for what the dev set shows.

Six requests in the dev set's format (round s34): two projets sociaux / livrets of
structures the dev set does not draft, two calls of the writer's own (in ``calls/``), a
projet associatif update, a Cerfa request without a call. The spans to use and not to
use are sentences of ``../shared/corpus``: the project keeps only where they are (the
document and the character offsets in its text with runs of spaces folded), never
their text, and ``materialise`` rebuilds the set from the corpus before scoring.

    python -m evals.drafting_heldout --corpus ../shared/corpus \\
        --scorer ../shared/evals/drafting/score_drafting.py
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import click

HERE = Path(__file__).resolve().parent / "data" / "drafting" / "heldout"
PACKED = HERE / "drafting-heldout.jsonl"


def _folded(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


def pack(rows: list[dict[str, Any]], corpus: Path) -> list[dict[str, Any]]:
    """Each span replaced by its document and offsets (the span must be in the text)."""
    texts: dict[str, str] = {}
    packed = []
    for row in rows:
        row = {k: v for k, v in row.items() if k != "notes"}
        for key in ("must_use", "must_not_use"):
            entries = []
            for entry in row[key]:
                text = texts.setdefault(entry["source"], _folded(corpus / entry["source"]))
                span = " ".join(entry["span"].split())
                start = text.find(span)
                if start < 0:
                    raise ValueError(f"{row['id']}: span not in {entry['source']}: {span[:60]}")
                kept = {k: v for k, v in entry.items() if k != "span"}
                entries.append({**kept, "start": start, "end": start + len(span)})
            row[key] = entries
        packed.append(row)
    return packed


def materialise(corpus: Path, into: Path) -> Path:
    """The set with its spans read back from the corpus, beside its calls."""
    texts: dict[str, str] = {}
    rows = []
    for line in PACKED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for key in ("must_use", "must_not_use"):
            for entry in row[key]:
                text = texts.setdefault(entry["source"], _folded(corpus / entry["source"]))
                entry["span"] = text[entry.pop("start"):entry.pop("end")]
        rows.append(row)
    set_path = into / PACKED.name
    set_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    shutil.copytree(HERE / "calls", into / "calls")
    return set_path


@click.command()
@click.option("--corpus", type=click.Path(path_type=Path, exists=True, file_okay=False),
              required=True, help="Le corpus d'où viennent les passages (../shared/corpus).")
@click.option("--scorer", type=click.Path(path_type=Path, exists=True), required=True,
              help="Le barème du jeu de rédaction (score_drafting.py).")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Base déjà construite sur ce corpus (sinon une base temporaire).")
@click.option("--details", type=click.Path(path_type=Path), default=None)
def main(corpus: Path, scorer: Path, data: Path | None, details: Path | None) -> None:
    """Draft the held-out requests and print the scorer's figures."""
    from evals.drafting_set import run_drafting_set
    from evals.measure import _container

    with tempfile.TemporaryDirectory() as tmp:
        set_path = materialise(corpus, Path(tmp))
        container = _container(corpus, data)
        try:
            scores = run_drafting_set(container.drafting, set_path, scorer, details=details)
        finally:
            container.close()
    click.echo(json.dumps({"all": scores["all"], "failed": scores["failed"],
                           "rows": {k: round(v["must_use_recall"], 2)
                                    for k, v in scores["rows"].items()}},
                          ensure_ascii=False))


if __name__ == "__main__":
    main()
