"""The three pages in one Blocks app, and what each browser gets when the page loads.

Imported only after ``app.prepare_environment`` has set Gradio's environment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app.container import Container
from assistant.app.web.ask_page import AskPage
from assistant.app.web.draft_page import DraftPage
from assistant.app.web.guard import Downloads
from assistant.app.web.library_page import LibraryPage
from assistant.app.web.originals import Originals
from assistant.app.web.session import Sessions

LOADING = ("◌ **Chargement des modèles en cours…** La première ouverture prend environ "
           "une minute ; vous pourrez poser une question dès que ce message disparaît.")
CSS = """
#loading {background: #fff7e6; border: 1px solid #f0c36d; border-radius: 8px; padding: 8px 12px;}
.citation-passage mark {background: #fff2a8; padding: 0 2px;}
"""


@dataclass
class WebApp:
    blocks: gr.Blocks
    sessions: Sessions
    downloads: Downloads
    originals: Originals


def build_blocks(container: Container, web_dir: Path, secret: str, title: str,
                 readiness: Any) -> WebApp:
    sessions = Sessions(secret)
    downloads = Downloads()
    originals = Originals(container.knowledge_base)
    ask = AskPage(container.answers, sessions, container.settings.limits.max_question_chars,
                  originals)
    draft = DraftPage(container.drafting, web_dir / "gradio-tmp" / "exports", sessions,
                      downloads)
    library = LibraryPage(container.knowledge_base, web_dir / "uploads", sessions,
                          web_dir / "gradio-tmp")
    with gr.Blocks(title=title, analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        gr.Markdown(f"## {title}")
        loading = gr.Markdown(LOADING, elem_id="loading", visible=True)
        with gr.Tabs():
            with gr.Tab("Poser une question", id="ask", elem_id="tab-ask"):
                ask.build()
            with gr.Tab("Rédiger un document", id="draft", elem_id="tab-draft"):
                draft.build()
            with gr.Tab("Base documentaire", id="library", elem_id="tab-library"):
                library.build()

        def start(request: gr.Request) -> tuple[Any, ...]:
            return (*ask.conversations(request), *draft.drafts(request), *library.listing())

        def wait_ready() -> Any:
            deadline = time.monotonic() + 600
            while not readiness.ready.wait(0.5) and time.monotonic() < deadline:
                pass
            if readiness.error:
                return gr.update(visible=True, value=(
                    "⚠️ Les modèles n'ont pas pu être chargés entièrement ; les réponses "
                    "peuvent être plus lentes ou échouer. Détail pour la personne qui "
                    f"installe Canevas : {readiness.error}"))
            return gr.update(visible=False)

        app.load(start, None, [*ask.refresh_outputs, *draft.refresh_outputs,
                               *library.refresh_outputs], api_visibility="private")
        app.load(wait_ready, None, loading, api_visibility="private", show_progress="hidden")
    return WebApp(app, sessions, downloads, originals)
