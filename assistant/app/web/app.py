"""The Gradio web app: three pages over the same services as the CLI.

Security choices (Gradio has had many file-access CVEs): no share link; a login is
required as soon as the app listens beyond localhost, and it refuses to start without
accounts; analytics off; Gradio's temporary files, the uploads and the exports live
under the data directory; no extra ``allowed_paths``; downloads are files the app just
wrote for that user, never a path a user chose.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from assistant.app.container import Container
from assistant.app.users import UserStore
from knowledge.errors import CanevasError

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
TITLE = "Canevas — base documentaire de l'association"


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


def build_app(container: Container) -> Any:
    """The Blocks app; building it loads nothing heavy (models load on first use)."""
    prepare_environment(container.settings.data_dir)
    from assistant.app.web.layout import build_blocks

    web_dir = container.settings.data_dir / "web"
    return build_blocks(container, web_dir, _secret(web_dir), TITLE)


def _secret(web_dir: Path) -> str:
    """The key that encrypts each browser's session identifier, kept in the data directory."""
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
    app = build_app(container)
    app.queue(default_concurrency_limit=4, api_open=False)
    app.launch(server_name=host, server_port=port, share=False, inbrowser=open_browser,
               auth=users.check if login else None,
               auth_message="Connectez-vous avec votre compte Canevas." if login else None,
               max_file_size=container.settings.limits.max_file_bytes, allowed_paths=[],
               show_error=True, ssr_mode=False, quiet=True, footer_links=[])
