"""What every CLI command shares: the container of the run, and French error output."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from pydantic import ValidationError

from assistant.app.container import Container
from knowledge.errors import CanevasError


def container_of(ctx: click.Context) -> Container:
    container: Container = ctx.find_root().obj
    return container


@contextmanager
def user_errors() -> Iterator[None]:
    """Show CanevasError messages plainly (no traceback) and exit with status 1."""
    try:
        yield
    except CanevasError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        sys.exit(1)
    except sqlite3.DatabaseError as exc:
        click.echo(f"Erreur : une base SQLite du dossier de données est illisible ({exc}). "
                   "Si c'est manifest.sqlite, lancez `canevas rebuild`.", err=True)
        sys.exit(1)
    except PermissionError as exc:
        click.echo(f"Erreur : accès refusé à {exc.filename} : vérifiez les droits du "
                   "dossier de données.", err=True)
        sys.exit(1)


def setting_problem(exc: ValidationError) -> str:
    """One French line for a setting given a wrong value, naming its variable."""
    from assistant.app.settings import Settings
    from assistant.qa.llm_settings import LLMSettings
    from knowledge.limits import Limits

    prefixes = {cls.__name__: str(cls.model_config.get("env_prefix", ""))
                for cls in (Settings, LLMSettings, Limits)}
    error = exc.errors()[0]
    field = "_".join(str(part) for part in error.get("loc", ()))
    prefix = prefixes.get(exc.title, "CANEVAS_")
    return (f"réglage invalide : {prefix}{field.upper()} = « {error.get('input')} » "
            f"({error.get('msg', 'valeur refusée')}). Corrigez la variable ou retirez-la.")
