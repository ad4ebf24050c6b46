"""Measure both dev sets in one process: ``python -m evals.measure``.

Why one process: on a shared two-core machine, ingesting the corpus once per figure
took longer than the figures. It ingests once and scores retrieval and answers on every
set, side by side (the same functions as ``canevas eval retrieval`` / ``eval answers``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.app.container import Container
from assistant.app.settings import Settings
from evals.answers import run_answer_eval
from evals.corpus import corpus_container
from evals.retrieval import run_retrieval_eval

SHARED = Path(__file__).resolve().parents[2] / "shared"  # beside the clone, as in the README
SETS = (SHARED / "evals" / "dev.jsonl", SHARED / "evals" / "dev-b.jsonl")
CORPUS = SHARED / "corpus"


F = TypeVar("F", bound=Callable[..., Any])


def base_options(command: F) -> F:
    """``--set`` (repeatable; default: both dev sets), ``--corpus`` and ``--data`` (a base
    kept between runs): what every measuring or fitting command reads."""
    for option in reversed((
        click.option("--set", "sets", multiple=True,
                     type=click.Path(exists=True, path_type=Path)),
        click.option("--corpus", type=click.Path(exists=True, path_type=Path),
                     default=CORPUS),
        click.option("--data", type=click.Path(path_type=Path), default=None,
                     help="Base folder kept between runs (same code only)."),
    )):
        command = option(command)
    return command


def _container(corpus: Path, data: Path | None) -> Container:
    folder = data or Path(tempfile.mkdtemp(prefix="canevas-fit-"))
    folder.mkdir(parents=True, exist_ok=True)
    container, report = corpus_container(Settings(), corpus, folder)
    if report.counts["failed"]:
        raise click.ClickException(f"ingestion: {report.counts}")
    return container


@click.command()
@base_options
@click.option("--details", type=click.Path(path_type=Path), default=None,
              help="Folder for each answer (JSONL per set).")
@click.option("--only", type=click.Choice(["retrieval", "answers", "all"]), default="all")
def main(sets: tuple[Path, ...], corpus: Path, data: Path | None, details: Path | None,
         only: str) -> None:
    """Retrieval and answer figures on every set, from one ingestion."""
    container = _container(corpus, data)
    figures: dict[str, dict[str, Any]] = {}
    for set_path in sets or SETS:
        name = set_path.stem
        row: dict[str, Any] = {}
        if only in ("retrieval", "all"):
            row["retrieval"] = run_retrieval_eval(container.searcher, set_path)
        if only in ("answers", "all"):
            out = details / f"answers-{name}.jsonl" if details else None
            if out is not None:
                out.parent.mkdir(parents=True, exist_ok=True)
            row["answers"] = run_answer_eval(container.answers, set_path, out)
        figures[name] = row
        click.echo(json.dumps({name: row}, ensure_ascii=False), err=True)
    container.close()
    click.echo(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
