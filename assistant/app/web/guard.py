"""The gate in front of Gradio: which requests reach the app at all.

- Host (and Origin, when the browser sends one) must be the address the app serves on:
  a page of another site, or a DNS-rebinding name, gets 400/403.
- Gradio's API description and direct-call routes are hidden (404): the app is used
  through its page only.
- Every request that runs an action or moves a file (queue, upload, file download)
  must carry the page's signed session cookie, issued here on the first page load.
- A file is served back only when the app wrote it as a download (a Word export), or
  when it is the copy the base keeps of one of its documents, asked for by document id
  (``originals.ROUTE``) from a citation; Gradio's copies of uploads are never served.
- The page is declared French (``lang="fr"``) and Gradio's own messages are French.
"""

from __future__ import annotations

import html
import ipaddress
import json
import threading
from collections.abc import Awaitable, Callable, Iterable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from assistant.app.web.originals import ROUTE, Original, attachment_headers
from assistant.app.web.session import COOKIE, Sessions

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_HIDDEN = ("/gradio_api/info", "/info", "/gradio_api/openapi.json", "/openapi.json",
           "/docs", "/redoc", "/gradio_api/run/", "/gradio_api/api/", "/gradio_api/call/",
           "/gradio_api/mcp", "/gradio_api/proxy=", "/proxy=", "/monitoring",
           "/gradio_api/monitoring", "/gradio_api/deep_link", "/gradio_api/runs",
           "/gradio_api/run-history", "/gradio_api/dev", "/dev/", "/gradio_api/stream/")
_FILES = ("/gradio_api/file=", "/file=", "/gradio_api/file/", "/file/")
_ACTIONS = ("/gradio_api/queue/", "/gradio_api/upload", "/gradio_api/cancel",
            "/gradio_api/reset", "/upload", "/queue/")


class Downloads:
    """Files the app wrote for someone to download (Word exports), known by name. Gradio
    serves them from a folder named by a salted hash of their content, which a page
    learns only from the app; any other file (an upload above all) is refused."""

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def add(self, path: Path) -> None:
        from gradio_client.utils import strip_invalid_filename_characters

        with self._lock:
            self._names.add(strip_invalid_filename_characters(path.name))

    def allows(self, url_path: str) -> bool:
        for prefix in _FILES:
            if url_path.startswith(prefix):
                target = Path(unquote(url_path[len(prefix):]))
                with self._lock:
                    return (target.suffix == ".docx" and ".." not in target.parts
                            and target.name in self._names)
        return False


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host header values the app answers to."""
    names = {"127.0.0.1", "localhost", "[::1]", *extra}
    if host not in ("0.0.0.0", "::"):
        names.add(f"[{host}]" if ":" in host else host)
    return frozenset({f"{n}:{port}" for n in names} | ({n for n in names} if port == 80
                                                           else set()))


def _any_address(netloc: str, port: int) -> bool:
    """For an app bound to every interface: an IP literal with the app's port."""
    name, _, found = netloc.rpartition(":")
    if found != str(port):
        return False
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


_PAGE_SCRIPT = (
    "<script>(()=>{const fr=()=>'fr-FR';"
    "try{Object.defineProperty(Navigator.prototype,'language',{get:fr,configurable:true});"
    "Object.defineProperty(Navigator.prototype,'languages',"
    "{get:()=>['fr-FR','fr'],configurable:true});}catch(e){}"
    "document.documentElement.lang='fr';})();</script>")


class Guard:
    """ASGI middleware wrapping the mounted Gradio app."""

    def __init__(self, app: ASGIApp, sessions: Sessions, hosts: frozenset[str],
                 downloads: Downloads, port: int, any_interface: bool = False,
                 max_upload_bytes: int | None = None,
                 originals: Callable[[str], Original | None] | None = None) -> None:
        from assistant.app.web.i18n import page_script

        self.app = app
        self.originals = originals
        self.sessions = sessions
        self.hosts = hosts
        self.downloads = downloads
        self.port = port
        self.any_interface = any_interface
        self.max_upload_bytes = max_upload_bytes
        self.page_script = _PAGE_SCRIPT + page_script(max_upload_bytes)

    def _host_ok(self, netloc: str) -> bool:
        netloc = netloc.lower()
        return netloc in self.hosts or (self.any_interface and _any_address(netloc, self.port))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if not self._host_ok(headers.get("host", "")):
            await _refuse(send, 400, "Adresse non autorisée : ouvrez l'application à "
                          "l'adresse où elle est servie.")
            return
        origin = headers.get("origin")
        if origin is not None and not self._host_ok(urlsplit(origin).netloc):
            await _refuse(send, 403, "Requête venue d'un autre site : refusée.")
            return
        path: str = scope.get("path", "")
        if path.startswith(_HIDDEN):
            await _refuse(send, 404, "Introuvable.")
            return
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is only ignored
            cookies = SimpleCookie()
        identity = self.sessions.verify(cookies[COOKIE].value if COOKIE in cookies else None)
        if path.startswith(ROUTE):
            await self._original(scope, send, path[len(ROUTE):], identity)
            return
        if path.startswith(_FILES):
            if identity is None or not self.downloads.allows(path):
                await _refuse(send, 404, "Introuvable.")
                return
        elif path.startswith(_ACTIONS) and identity is None:
            await _refuse(send, 403, "Session absente : ouvrez la page de l'application.")
            return
        if path.startswith(("/gradio_api/upload", "/upload")) and self.max_upload_bytes:
            size = headers.get("content-length", "0")
            if size.isdigit() and int(size) > self.max_upload_bytes + 1_000_000:
                from assistant.app.web.i18n import too_big

                await _refuse(send, 413, too_big(self.max_upload_bytes))
                return
        page = scope.get("method") == "GET" and path in ("/", "")
        cookie = None if identity is not None else self.sessions.issue()
        await self.app(scope, receive, _Rewriter(send, cookie, self.page_script if page
                                                 else None))

    async def _original(self, scope: Scope, send: Send, doc_id: str,
                        identity: str | None) -> None:
        """The kept copy of a document of the base, as an attachment."""
        if identity is None:
            await _refuse(send, 403, "Session absente : ouvrez la page de l'application.")
            return
        found = self.originals(doc_id) if self.originals and scope.get("method") in (
            "GET", "HEAD") else None
        if found is None:
            await _refuse_page(send, 404, "Ce document n'est pas (ou plus) dans la base, ou "
                               "son original n'est pas gardé.")
            return
        try:
            size = found.path.stat().st_size
            with found.path.open("rb") as handle:
                await send({"type": "http.response.start", "status": 200,
                            "headers": attachment_headers(found, size)})
                if scope.get("method") == "HEAD":
                    await send({"type": "http.response.body", "body": b""})
                    return
                while piece := handle.read(1 << 20):
                    await send({"type": "http.response.body", "body": piece,
                                "more_body": True})
                await send({"type": "http.response.body", "body": b""})
        except FileNotFoundError:  # removed between the look-up and the read
            await _refuse_page(send, 404, "Ce document n'est plus dans la base.")


class _Rewriter:
    """Adds the session cookie to a response and, for the page, the French setup."""

    def __init__(self, send: Send, cookie: str | None, script: str | None) -> None:
        self.send = send
        self.cookie = cookie
        self.script = script
        self.start: dict[str, Any] | None = None
        self.body = b""
        self.html = False

    async def __call__(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if self.cookie is not None:
                headers.append((b"set-cookie", (
                    f"{COOKIE}={self.cookie}; Path=/; HttpOnly; SameSite=Strict").encode()))
            message = {**message, "headers": headers}
            self.html = self.script is not None and any(
                k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
            if self.html:
                self.start = message
                return
        elif message["type"] == "http.response.body" and self.html and self.start:
            self.body += message.get("body", b"")
            if message.get("more_body"):
                return
            text = self.body.decode("utf-8")
            text = text.replace('lang="en"', 'lang="fr"', 1).replace(
                "<head>", "<head>" + (self.script or ""), 1)
            body = text.encode("utf-8")
            headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await self.send({**self.start, "headers": headers})
            await self.send({"type": "http.response.body", "body": body})
            return
        await self.send(message)


async def _refuse_page(send: Send, status: int, detail: str) -> None:
    """A refusal a person reads: a link clicked in the page opens it in a new tab."""
    body = ("<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Canevas</title>"
            f"<p>{html.escape(detail, quote=False)}</p>"
            "<p><a href=\"/\">Retour à Canevas</a></p></html>").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail, "error": detail}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
