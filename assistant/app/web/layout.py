"""The three pages in one Blocks app, and what each browser gets when the page loads.

Imported only after ``app.prepare_environment`` has set Gradio's environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app.container import Container
from assistant.app.web.ask_page import AskPage
from assistant.app.web.draft_page import DraftPage
from assistant.app.web.library_page import LibraryPage
from assistant.app.web.session import new_browser_id


def build_blocks(container: Container, web_dir: Path, secret: str, title: str) -> gr.Blocks:
    ask = AskPage(container.answers)
    draft = DraftPage(container.drafting, web_dir / "gradio-tmp" / "exports")
    library = LibraryPage(container.knowledge_base, web_dir / "uploads")
    with gr.Blocks(title=title, analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        browser_id = gr.BrowserState("", storage_key="canevas-session", secret=secret)
        gr.Markdown(f"## {title}")
        with gr.Tabs():
            with gr.Tab("Poser une question", id="ask", elem_id="tab-ask"):
                ask.build(browser_id)
            with gr.Tab("Rédiger un document", id="draft", elem_id="tab-draft"):
                draft.build(browser_id)
            with gr.Tab("Base documentaire", id="library", elem_id="tab-library"):
                library.build(browser_id)

        def start(known: str, request: gr.Request) -> tuple[Any, ...]:
            identity = known or new_browser_id()
            return (identity, ask.conversations(identity, request),
                    draft.drafts(identity, request), *library.listing())

        app.load(start, [browser_id], [browser_id, *ask.refresh_outputs,
                                       *draft.refresh_outputs, *library.refresh_outputs])
    return app
