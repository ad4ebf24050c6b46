"""Errors shown to the person, in French, in place; the server console gets one line."""

from __future__ import annotations

import html
import logging

import gradio as gr

from knowledge.errors import CanevasError

log = logging.getLogger("canevas.web")


def user_error(message: str) -> gr.Error:
    """A mistake or a refusal the person can fix: a French toast, one console line."""
    log.info("refusé : %s", " ".join(message.split())[:300])
    return gr.Error(html.escape(message), title="Attention", print_exception=False)


def failure(exc: BaseException) -> gr.Error:
    """What an exception becomes on the page."""
    if isinstance(exc, CanevasError):
        return user_error(str(exc))
    log.error("échec inattendu : %s: %s", type(exc).__name__, exc, exc_info=exc)
    return gr.Error(f"L'opération a échoué ({html.escape(type(exc).__name__)}). Réessayez ; si "
                    "cela se reproduit, signalez-le à la personne qui installe Canevas.",
                    title="Erreur", print_exception=False)
