"""What every CLI command shares: the container of the run, and French error output."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

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
