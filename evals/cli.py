"""``canevas eval …``: the evaluation commands, registered as a plugin of the CLI."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.app.cli import print_report, progress_printer
from assistant.app.cli_support import container_of, user_errors
from assistant.app.container import Container

F = TypeVar("F", bound=Callable[..., Any])


def eval_options(func: F) -> F:
    """The options every ``eval`` command shares: the set, a corpus, JSON output."""
    for option in (
        click.option("--json", "as_json", is_flag=True, help="Sortie JSON."),
        click.option("--corpus", type=click.Path(exists=True, path_type=Path), default=None,
                     help="Dossier à indexer dans une base temporaire avant l'évaluation."),
        click.option("--set", "set_path", required=True,
                     type=click.Path(exists=True, path_type=Path),
                     help="Jeu de questions JSONL (id, question, evidence, kind)."),
    ):
        func = option(func)
    return func


@click.group(name="eval")
def eval_group() -> None:
    """Mesurer la qualité de la recherche sur un jeu de questions."""


@eval_group.command(name="retrieval")
@eval_options
@click.pass_context
def eval_retrieval(ctx: click.Context, set_path: Path, corpus: Path | None,
                   as_json: bool) -> None:
    """Rappel des passages de preuve (@1/3/5/10), full@5, MRR, rappel en 4 000 caractères."""
    from evals.retrieval import run_retrieval_eval

    with _evaluated(ctx, corpus) as container:
        scores = run_retrieval_eval(container.searcher, set_path)
    _print_scores(scores, as_json)


@eval_group.command(name="answers")
@eval_options
@click.option("--details", type=click.Path(path_type=Path), default=None,
              help="Écrire chaque réponse (JSONL) dans ce fichier.")
@click.pass_context
def eval_answers(ctx: click.Context, set_path: Path, corpus: Path | None, as_json: bool,
                 details: Path | None) -> None:
    """Refus, faux refus, couverture des preuves, validité des citations, latence."""
    from evals.answers import run_answer_eval

    with _evaluated(ctx, corpus) as container:
        scores = run_answer_eval(container.answers, set_path, details)
    _print_scores(scores, as_json)


@eval_group.command(name="drafting")
@eval_options
@click.option("--details", type=click.Path(path_type=Path), default=None,
              help="Écrire chaque brouillon (JSONL, format du barème) dans ce fichier.")
@click.option("--scorer", type=click.Path(exists=True, path_type=Path), default=None,
              help="Barème (par défaut : score_drafting.py à côté du jeu).")
@click.option("--only", multiple=True, help="Ne rédiger que cette demande (répétable).")
@click.option("--export", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Écrire aussi chaque brouillon en Word (relecture et final) dans ce dossier.")
@click.pass_context
def eval_drafting(ctx: click.Context, set_path: Path, corpus: Path | None, as_json: bool,
                  details: Path | None, scorer: Path | None, only: tuple[str, ...],
                  export: Path | None) -> None:
    """Rédiger chaque demande du jeu hors ligne et la noter (rappel, pièges, lacunes,
    critères, limites)."""
    from evals.drafting_set import run_drafting_set

    with _evaluated(ctx, corpus) as container:
        scores = run_drafting_set(container.drafting, set_path, scorer, details=details,
                                  only=only, export=export)
    if as_json:
        click.echo(json.dumps(scores, ensure_ascii=False))
        return
    for key in ("all", "failed", "failures"):
        click.echo(f"{key:>24} : {json.dumps(scores[key], ensure_ascii=False)}")
    for key, value in scores.items():
        if key not in ("all", "failed", "failures", "rows"):
            click.echo(f"{key:>24} : {json.dumps(value, ensure_ascii=False)}")
    for row_id, row in scores["rows"].items():
        click.echo(f"{row_id:>24} : {json.dumps(row, ensure_ascii=False)}")


@contextmanager
def _evaluated(ctx: click.Context, corpus: Path | None) -> Iterator[Container]:
    """The base an evaluation runs on, closed afterwards; user errors in French."""
    with user_errors(), tempfile.TemporaryDirectory(prefix="canevas-eval-") as tmp:
        container = _evaluation_container(container_of(ctx), corpus, Path(tmp))
        try:
            yield container
        finally:
            container.close()


def _evaluation_container(container: Container, corpus: Path | None, tmp: Path) -> Container:
    """The user's base, or a temporary base holding ``corpus``."""
    if corpus is None:
        return container
    from evals.corpus import corpus_container

    started = time.monotonic()
    fresh, report = corpus_container(container.settings, corpus, tmp, progress_printer())
    if report.counts["failed"]:
        print_report(report, time.monotonic() - started)
    return fresh


def _print_scores(scores: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(scores, ensure_ascii=False))
        return
    for key, value in scores.items():
        click.echo(f"{key:>24} : {value}")
