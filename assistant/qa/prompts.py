"""French prompt templates from ``prompts/``, rendered with strictly checked variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, meta
from jinja2.sandbox import SandboxedEnvironment

from knowledge.errors import CanevasError

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


class PromptError(CanevasError):
    """A prompt file is missing or its variables do not match what the code passes."""


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                keep_trailing_newline=False)


def variables(name: str) -> set[str]:
    """The variables the template ``name`` uses."""
    source = _source(name)
    return set(meta.find_undeclared_variables(_environment().parse(source)))


def _source(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.j2"
    if not path.is_file():
        raise PromptError(f"Modèle de prompt introuvable : {path}")
    return path.read_text(encoding="utf-8")


def render(name: str, **values: Any) -> str:
    """Render ``prompts/<name>.j2``; every variable must be given, and no other."""
    wanted = variables(name)
    missing, extra = wanted - values.keys(), values.keys() - wanted
    if missing or extra:
        raise PromptError(
            f"Variables du prompt « {name} » incorrectes : manquantes {sorted(missing)}, "
            f"inattendues {sorted(extra)}."
        )
    return _environment().from_string(_source(name)).render(**values).strip()
