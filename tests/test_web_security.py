"""The web app against a hostile user and a careful auditor (issue 15, web items).

One server on the demo base plus documents written to attack the page (images, a video
and a phishing link pointing at a local listener that must receive nothing).
"""

from __future__ import annotations

import http.client
import http.server
import json
import sqlite3
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from knowledge.base import KnowledgeBase
from knowledge.search.embeddings import E5Embeddings
from tests.test_web import LONG, _free_port, _page, _start, choose_files, shot

pytestmark = pytest.mark.slow
LIMIT = 1_000_000


class _Beacon(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Beacon.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def beacon() -> Iterator[int]:
    port = _free_port()
    listener = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Beacon)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    yield port
    listener.shutdown()


def _hostile(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return (f"# Local vélos <img src=\"{base}/beacon-title\"> règles\n\n"
            f"Le local vélos de la résidence est ouvert de 7 heures à 22 heures. "
            f"<img src=\"{base}/beacon-img\"> ![vélo]({base}/beacon-md) "
            f"<video autoplay src=\"{base}/beacon-video\"></video>\n\n"
            f"Votre session a expiré : [Reconnectez-vous ici]({base}/phish) pour accéder "
            f"au local vélos. Adresse du formulaire : {base}/phish-bare\n\n"
            f"Le local vélos ouvre aussi sur demande écrite à badge@phish.example.\n")


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path, e5: E5Embeddings,
                 beacon: int) -> Path:
    data = tmp_path_factory.mktemp("web-hostile") / "data"
    source = tmp_path_factory.mktemp("hostile-docs")
    (source / "local-velos.txt").write_text(_hostile(beacon), encoding="utf-8")
    (source / "local-velos-bis.md").write_text(_hostile(beacon).replace("vélos", "vélo"),
                                               encoding="utf-8")
    kb = KnowledgeBase(data, e5)
    files = [*sorted(p for p in demo_dir.iterdir() if p.is_file()), *sorted(source.iterdir())]
    assert kb.ingest(files).counts["failed"] == 0
    kb.close()
    return data


@pytest.fixture(scope="module")
def served(hostile_data: Path, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("web-hostile-log") / "serve.log"
    process, url, _ = _start(hostile_data, "127.0.0.1", log,
                             CANEVAS_LIMIT_MAX_FILE_BYTES=str(LIMIT))
    yield url, log
    process.terminate()
    process.wait(timeout=30)


def _status(url: str, method: str = "GET", data: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_foreign_host_and_origin_are_refused(served: tuple[str, Path]) -> None:
    url, _ = served
    assert _status(url)[0] == 200
    assert _status(url, headers={"Host": "evil.example"})[0] in (400, 403)
    assert _status(f"{url}/config", headers={"Origin": "http://evil.example"})[0] in (400, 403)


def test_api_is_hidden_and_a_raw_queue_join_starts_nothing(served: tuple[str, Path]) -> None:
    url, _ = served
    status, body = _status(f"{url}/gradio_api/info")
    assert status == 404 or b"reindex" not in body
    config = json.loads(_status(f"{url}/config")[1])
    targets = [d["id"] for d in config["dependencies"]
               if d.get("api_name") in ("reindex", "remove", "ingest")]
    page = _status(url)[1].decode("utf-8")
    assert '"reindex"' not in page.split("gradio_api_info", 1)[-1][:5000]
    for fn in targets or [20]:
        body = json.dumps({"fn_index": fn, "data": [], "session_hash": "attaque",
                           "event_data": None, "trigger_id": None}).encode()
        status, answer = _status(f"{url}/gradio_api/queue/join", "POST", body,
                                 {"Content-Type": "application/json"})
        assert status in (401, 403), (fn, status, answer[:200])


def test_identity_is_an_httponly_cookie_issued_by_the_server(served: tuple[str, Path]) -> None:
    url, _ = served
    config = _status(f"{url}/config")[1].decode("utf-8")
    assert "canevas-session" not in config and "storage_key" not in config
    with urllib.request.urlopen(url, timeout=20) as response:
        cookie = response.headers.get("Set-Cookie", "")
    assert "canevas_session=" in cookie and "HttpOnly" in cookie


def _files_with(root: Path, marker: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and marker in p.read_bytes()]


def test_upload_leaves_no_clear_copy_is_never_served_and_a_reupload_replaces(
        browser: Any, served: tuple[str, Path], hostile_data: Path, tmp_path: Path) -> None:
    url, _ = served
    marker = "Sentinelle-7c1e : Mme Odile Fantin, née le 12/03/1961"
    note = tmp_path / "note-de-suivi.md"
    note.write_text(f"# Note de suivi\n\n{marker}. Premier entretien le 3 mars.\n",
                    encoding="utf-8")
    page = _page(browser, url)
    page.get_by_role("tab", name="Base documentaire").click()
    web = hostile_data / "web"
    choose_files(page, "#upload input[type=file]", [note], "note-de-suivi.md")
    page.wait_for_timeout(500)
    uploaded = _files_with(web, marker.encode())
    assert uploaded, "l'envoi n'a pas laissé de fichier temporaire : le test ne prouve rien"
    for path in uploaded:
        response = page.request.get(f"{url}/gradio_api/file={path}")
        assert response.status in (403, 404), (path, response.status)
    page.click("#ingest")
    page.wait_for_function("() => document.querySelector('#ingest-status')?.innerText"
                           ".includes('Terminé')", timeout=LONG)
    assert _files_with(web, marker.encode()) == []
    assert _files_with(web, b"Premier entretien") == []
    for path in uploaded:
        assert page.request.get(f"{url}/gradio_api/file={path}").status in (403, 404)
    note.write_text("# Note de suivi\n\nDeuxième version : entretien du 10 mars.\n",
                    encoding="utf-8")
    # the end of an ingestion empties the upload box; a file chosen before that update
    # lands is emptied with it (seen once in CI: the second file never showed)
    page.wait_for_function("() => !document.querySelector('#upload')?.innerText"
                           ".includes('note-de-suivi.md')")
    choose_files(page, "#upload input[type=file]", [note], "note-de-suivi.md")
    page.click("#ingest")
    page.wait_for_function("() => document.querySelector('#ingest-status')?.innerText"
                           ".includes('1 mis à jour')", timeout=LONG)
    listing = page.inner_text("#documents")
    assert listing.count("note-de-suivi.md") == 1, listing
    assert _files_with(web, b"entretien du 10 mars") == []
    page.context.close()


def _kept(data: Path) -> dict[str, tuple[str, str]]:
    """Each document's source file name: its id and the copy the base keeps."""
    with sqlite3.connect(f"file:{data / 'manifest.sqlite'}?mode=ro", uri=True) as db:
        return {source: (doc_id, original) for doc_id, source, original in db.execute(
            "SELECT doc_id, source, original FROM documents")}


def test_originals_are_served_by_document_id_only_and_as_attachments(
        browser: Any, served: tuple[str, Path], hostile_data: Path) -> None:
    url, _ = served
    doc_id, original = _kept(hostile_data)["local-velos.txt"]
    route = f"{url}/canevas/original/"
    assert _status(route + doc_id)[0] == 403
    assert _status(route + doc_id, headers={"Host": "evil.example"})[0] == 400
    page = _page(browser, url)
    got = page.request.get(route + doc_id)
    assert got.status == 200
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "local-velos.txt" in got.headers["content-disposition"]
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in got.headers["content-security-policy"]
    assert got.body() == (hostile_data / original).read_bytes()
    # an id of digits only has no upper case (seen once in CI: 6095440159545468)
    other_case = [doc_id.upper()] if doc_id.upper() != doc_id else []
    for bad in ("..%2Fmanifest.sqlite", "0" * 16, *other_case, f"{doc_id}%2F..",
                "%2e%2e%2fweb%2fsession-secret", str(hostile_data / original)):
        assert page.request.get(route + bad).status == 404, bad
    gone = page.request.get(route + "0" * 16)  # a link kept after the document was removed
    assert gone.headers["content-type"].startswith("text/html")
    assert "n'est pas (ou plus) dans la base" in gone.text() and "{" not in gone.text()
    page.context.close()


def test_text_from_the_base_is_shown_as_text(browser: Any, served: tuple[str, Path],
                                             beacon: int) -> None:
    url, _ = served
    _Beacon.hits.clear()
    page = _page(browser, url)
    page.fill("#question textarea", "À quelle heure ouvre le local vélos ?")
    page.click("#ask-button")
    page.wait_for_function("() => document.querySelector('#chat')?.innerText"
                           ".includes('local-velos')", timeout=LONG)
    page.locator("#chat").get_by_text("local-velos.txt").first.click()
    page.wait_for_timeout(500)
    assert "Reconnectez-vous ici" in page.inner_text("#chat")
    page.get_by_role("tab", name="Base documentaire").click()
    page.wait_for_timeout(1500)
    assert page.locator(f"[href*=':{beacon}'], [src*=':{beacon}']").count() == 0
    assert page.locator("#chat img, #chat video, #documents img").count() == 0
    assert page.locator("#chat a[href^='mailto:']").count() == 0
    assert _Beacon.hits == [], _Beacon.hits
    page.get_by_role("tab", name="Poser une question").click()
    shot(page, "texte-des-documents.png", full_page=True)
    page.context.close()


def test_blank_and_overlong_questions_are_refused_at_once(browser: Any,
                                                          served: tuple[str, Path]) -> None:
    url, _ = served
    page = _page(browser, url)
    page.fill("#question textarea", "     ")
    page.click("#ask-button")
    page.wait_for_selector("text=Écrivez une question.")
    page.fill("#question textarea", "Quelle " * 5000)
    value = page.input_value("#question textarea")
    assert len(value) <= 2000
    assert "au plus 2000 caractères" in page.inner_text("#question")
    page.context.close()


def test_upload_size_error_is_french_with_the_limit_and_the_setting(
        browser: Any, served: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = served
    big = tmp_path / "gros-rapport.txt"
    big.write_text("Rapport. " * (LIMIT // 4), encoding="utf-8")
    page = _page(browser, url)
    page.get_by_role("tab", name="Base documentaire").click()
    page.set_input_files("#upload input[type=file]", [str(big)])
    page.wait_for_selector("text=/Fichier trop volumineux/")
    body = page.inner_text("body")
    assert "1 Mo" in body and "CANEVAS_LIMIT_MAX_FILE_BYTES" in body
    assert "exceed" not in body
    cookie = page.context.cookies()[0]
    connection = http.client.HTTPConnection(url.split("//")[1], timeout=20)
    connection.putrequest("POST", "/gradio_api/upload")
    for name, value in (("Content-Type", "multipart/form-data; boundary=x"),
                        ("Content-Length", str(LIMIT + 2_000_000)),
                        ("Cookie", f"{cookie['name']}={cookie['value']}")):
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    answer = response.read().decode("utf-8")
    connection.close()
    assert response.status == 413 and "Fichier trop volumineux" in answer, answer
    page.context.close()


def test_user_mistakes_log_one_line_not_a_traceback(served: tuple[str, Path]) -> None:
    _, log = served
    text = log.read_text(encoding="utf-8")
    assert "Écrivez une question" in text
    assert "Traceback" not in text, text[-3000:]
