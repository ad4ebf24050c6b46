"""The Gradio web app: three pages over the same services as the CLI.

Security choices (Gradio has had many file-access CVEs): no share link; a login is
required as soon as the app listens beyond localhost, and it refuses to start without
accounts; analytics off; Gradio's temporary files live under the data directory and an
upload leaves them as soon as it is ingested; no extra ``allowed_paths``; the only files
served back are the Word exports the app just wrote and the kept copies of the base's
own documents (asked for by document id); a gate (``guard.Guard``) in front of
Gradio refuses foreign Host/Origin headers, hides Gradio's API and requires the page's
signed session cookie for every action.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import webbrowser
from pathlib import Path
from typing import Any

from assistant.app.container import Container
from assistant.app.users import UserStore
from assistant.qa.nouns import question_nouns
from knowledge.errors import CanevasError

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
TITLE = "Canevas — base documentaire de l'association"
log = logging.getLogger("canevas.web")


class ServeError(CanevasError):
    """The app refuses to start as asked; the message says what to do."""


def prepare_environment(data_dir: Path) -> Path:
    """Set Gradio's environment before it is imported: no analytics, temp dir under the
    data directory."""
    temp = data_dir / "web" / "gradio-tmp"
    temp.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["GRADIO_TEMP_DIR"] = str(temp)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return temp


class Readiness:
    """Models load in the background when the server starts; the page says so."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.error: str | None = None

    def load(self, container: Container) -> None:
        def work() -> None:
            try:
                container.embeddings.embed_query("chargement")
                container.knowledge_base.check_model()
                container.searcher.search("accueil des résidents", k=1)
                # The French tagger the refusal rule reads nouns with: 5 to 40 s to load,
                # paid here rather than by the first question.
                question_nouns("Qui accueille les résidents ?")
                _ = container.answers
            except Exception as exc:  # shown on the page; the app stays usable
                self.error = f"{type(exc).__name__}: {exc}"
                log.warning("Chargement des modèles incomplet : %s", self.error)
            finally:
                self.ready.set()

        threading.Thread(target=work, name="canevas-preload", daemon=True).start()


def build_app(container: Container, readiness: Readiness | None = None) -> Any:
    """The Blocks app and what the gate needs (sessions, downloads)."""
    prepare_environment(container.settings.data_dir)
    from assistant.app.web.layout import build_blocks

    web_dir = container.settings.data_dir / "web"
    return build_blocks(container, web_dir, _secret(web_dir), TITLE,
                        readiness or _ready_now())


def _ready_now() -> Readiness:
    readiness = Readiness()
    readiness.ready.set()
    return readiness


def _secret(web_dir: Path) -> str:
    """The key that signs each browser's session cookie, kept in the data directory."""
    path = web_dir / "session-secret"
    if not path.exists():
        web_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def check_binding(host: str, users: UserStore) -> bool:
    """Whether a login is required; refuse to listen beyond localhost without accounts."""
    if host in LOCAL_HOSTS:
        return bool(users.names())
    if not users.names():
        raise ServeError(
            f"Refus de démarrer sur {host} : l'application serait accessible depuis le réseau "
            "sans mot de passe. Créez d'abord un compte (`canevas users add NOM`) ou "
            "écoutez sur 127.0.0.1.")
    return True


def serve(container: Container, host: str = "127.0.0.1", port: int = 7860,
          open_browser: bool = False) -> None:
    """Start the app (blocking)."""
    users = UserStore(container.settings.data_dir)
    login = check_binding(host, users)
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s canevas : %(message)s", "%H:%M:%S"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    readiness = Readiness()
    readiness.load(container)
    web = build_app(container, readiness)
    import gradio as gr
    import uvicorn
    from fastapi import FastAPI

    from assistant.app.web.guard import Guard, allowed_hosts
    from assistant.app.web.i18n import translations

    web.blocks.queue(default_concurrency_limit=4, api_open=False)
    outer = gr.mount_gradio_app(
        FastAPI(openapi_url=None, docs_url=None, redoc_url=None), web.blocks, path="/",
        server_name=host, server_port=port, footer_links=[],
        auth=users.check if login else None,
        auth_message="Connectez-vous avec votre compte Canevas." if login else None,
        max_file_size=container.settings.limits.max_file_bytes, allowed_paths=[],
        show_error=True, ssr_mode=False, i18n=gr.I18n(fr=translations()),
        run_history=False, mcp_server=False, pwa=False)
    extra = [h.strip() for h in os.environ.get("CANEVAS_WEB_HOSTS", "").split(",") if h.strip()]
    guarded = Guard(outer, web.sessions, allowed_hosts(host, port, extra), web.downloads,
                    port, any_interface=host in ("0.0.0.0", "::"),
                    max_upload_bytes=container.settings.limits.max_file_bytes,
                    originals=web.originals.find)
    if open_browser:
        threading.Timer(2.0, webbrowser.open, [f"http://127.0.0.1:{port}"]).start()
    print(f"Canevas : http://127.0.0.1:{port} (Ctrl+C pour arrêter)", flush=True)
    uvicorn.run(guarded, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)
