"""The web app in a real headless Chromium: ask, upload, draft and download, sessions, login.

The app runs as ``canevas serve`` in a subprocess on the demo base; screenshots of each
page are saved under ``evals/reports/web/`` for reviewers.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from assistant.app.users import UserStore
from knowledge.base import KnowledgeBase
from knowledge.search.embeddings import E5Embeddings

pytestmark = pytest.mark.slow
REPORTS = Path(__file__).resolve().parents[1] / "evals" / "reports" / "web"
LONG = 180_000
WRITE_REPORTS = os.environ.get("CANEVAS_WRITE_REPORTS") == "1"


def shot(page: Any, name: str, **options: Any) -> None:
    """A screenshot for reviewers, only when reports are asked for."""
    if WRITE_REPORTS:
        from PIL import Image

        REPORTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(REPORTS / name), **options)
        with Image.open(REPORTS / name) as image:  # 128 colours: text stays sharp
            small = image.convert("RGB").quantize(colors=128)
        small.save(REPORTS / name, optimize=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data: Path, host: str, log: Path, **settings: str,
           ) -> tuple[subprocess.Popen[bytes], str, float]:
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           **settings}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", "from assistant.app.cli import main; main()", "--data-dir",
         str(data), "serve", "--host", host, "--port", str(port)],
        stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"le serveur s'est arrêté : {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process, url, time.perf_counter() - started
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    process.kill()
    raise AssertionError(f"le serveur ne répond pas : {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path,
             e5: E5Embeddings) -> Path:
    data = tmp_path_factory.mktemp("web") / "data"
    kb = KnowledgeBase(data, e5)
    report = kb.ingest(sorted(p for p in demo_dir.iterdir() if p.is_file()))
    assert report.counts["failed"] == 0
    kb.close()
    return data


@pytest.fixture(scope="module")
def server(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("web-log") / "serve.log"
    process, url, seconds = _start(data_dir, "127.0.0.1", log)
    if WRITE_REPORTS:
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / "startup.json").write_text(json.dumps(
            {"seconds_to_first_page": round(seconds, 1)}) + "\n", encoding="utf-8")
    yield url
    process.terminate()
    process.wait(timeout=30)


def _page(browser: Any, url: str, **context: Any) -> Any:
    """A fresh browser context on the app, once the question box is there."""
    options = {"viewport": {"width": 1400, "height": 1000}, "accept_downloads": True,
               **context}
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(LONG)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return page


def choose_files(page: Any, selector: str, paths: list[Path], shown: str,
                 tries: int = 3) -> None:
    """Choose files in an upload box and wait until it shows them, choosing again when
    it does not: Gradio's upload request races its progress stream and, once in a long
    while in CI, the box never showed the file (a person would choose it again)."""
    for attempt in range(1, tries + 1):
        page.set_input_files(selector, [str(p) for p in paths])
        try:
            page.wait_for_function("(name) => document.querySelector('#upload')?.innerText"
                                   ".includes(name)", arg=shown, timeout=40_000)
            return
        except PlaywrightTimeout as error:
            if attempt == tries:
                box = page.evaluate("() => document.querySelector('#upload')?.innerText")
                raise AssertionError(
                    f"{shown} jamais affiché après {tries} choix : {box!r}") from error


def _ask(page: Any, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#ask-button")


def test_ask_shows_a_cited_answer_and_its_sources(browser: Any, server: str) -> None:
    page = _page(browser, server)
    _ask(page, "Combien de temps dure une mesure ASLL ?")
    page.wait_for_function(
        "() => document.querySelector('#chat')?.innerText.includes('projet-de-service-asll')",
        timeout=LONG)
    chat = page.inner_text("#chat")
    assert "six mois" in chat
    assert "projet-de-service-asll" in chat
    page.wait_for_function(
        "() => document.querySelector('#conversations')?.innerText.includes('ASLL')")
    shot(page, "poser-une-question.png", full_page=True)
    _ask(page, "Quel est le plafond de la garantie Visale ?")
    page.wait_for_function(
        "() => document.querySelector('#chat')?.innerText.includes('Je ne trouve pas')",
        timeout=LONG)
    page.context.close()


def test_upload_adds_the_document_and_explains_bad_files(browser: Any, server: str,
                                                          tmp_path: Path) -> None:
    good = tmp_path / "charte-des-residents.md"
    good.write_text("# Charte des résidents des Tilleuls\n\nLes résidents s'engagent à "
                    "respecter le calme après 22 heures et à trier leurs déchets.\n",
                    encoding="utf-8")
    fake = tmp_path / "rapport.pdf"
    fake.write_text("ceci n'est pas un PDF", encoding="utf-8")
    page = _page(browser, server)
    page.get_by_role("tab", name="Base documentaire").click()
    page.set_input_files("#upload input[type=file]", [str(good), str(fake)])
    page.click("#ingest")
    page.wait_for_function(
        "() => document.querySelector('#ingest-results')?.innerText.includes('en échec')",
        timeout=LONG)
    results = page.inner_text("#ingest-results")
    assert "n'est pas un PDF" in results and "ajouté" in results
    assert "charte-des-residents.md" in page.inner_text("#documents")
    shot(page, "base-documentaire.png", full_page=True)
    page.context.close()


def _draft(page: Any, residence: str) -> None:
    page.get_by_role("tab", name="Rédiger un document").click()
    page.locator("#draft-type label", has_text="Livret d'accueil (résidence sociale").click()
    page.wait_for_function(
        "() => document.querySelector('#fact-0')?.innerText.includes('Association gestionnaire')")
    page.wait_for_timeout(500)
    assert page.is_disabled("#draft-start")
    page.fill("#fact-0 textarea", "Toit Commun")
    page.fill("#fact-1 textarea", residence)
    page.fill("#fact-2 textarea", "résidence sociale")
    page.fill("#fact-3 textarea", "12 rue des Tilleuls, 37000 Tours")
    page.fill("#fact-4 textarea", "Claire Martin")
    page.wait_for_function("() => !document.querySelector('#draft-start').disabled")
    page.click("#draft-start")


def test_draft_validate_and_download_the_word_file(browser: Any, server: str,
                                                   tmp_path: Path) -> None:
    page = _page(browser, server)
    _draft(page, "Les Tilleuls")
    page.wait_for_function(
        "() => document.querySelector('#draft-progress')?.innerText.includes('Brouillon prêt')",
        timeout=LONG)
    assert "[1]" in page.input_value("#section-text textarea")
    page.fill("#reviewer textarea", "Claire Martin")
    page.click("#export-final")
    page.wait_for_selector("text=Export refusé")
    page.click("#validate-all")
    page.wait_for_timeout(2000)
    shot(page, "rediger-un-document.png", full_page=True)
    # Final means final: sections still « À compléter » are not validated by « Tout
    # valider », so the final export stays refused while they remain; the draft export
    # always downloads.
    page.click("#export-final")
    page.wait_for_function("() => document.querySelector('#download a') || "
                           "document.body.innerText.includes('Export refusé')", timeout=LONG)
    if not page.locator("#download a").count():
        page.click("#export-draft")
    link = page.wait_for_selector("#download a")
    with page.expect_download() as waiting:
        link.click()
    target = tmp_path / "livret.docx"
    waiting.value.save_as(str(target))
    document = Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Livret d'accueil — Les Tilleuls" in text
    page.context.close()


def _wait_listed(page: Any, selector: str, entry: str) -> None:
    """Wait until a list shows an entry: the page's load event fills every list at once."""
    page.wait_for_function(
        "([s, e]) => document.querySelector(s)?.innerText.includes(e)", arg=[selector, entry],
        timeout=LONG)


def test_two_sessions_do_not_see_each_other(browser: Any, server: str) -> None:
    alice, bob = _page(browser, server), _page(browser, server)
    _ask(alice, "Comment se passe l'accueil d'un nouveau résident ?")
    _draft(bob, "Résidence de Bob")
    alice.wait_for_function(
        "() => document.querySelector('#chat')?.innerText.includes('.pdf)')", timeout=LONG)
    bob.wait_for_function(
        "() => document.querySelector('#draft-progress')?.innerText.includes('Brouillon prêt')",
        timeout=LONG)
    alice.reload()
    bob.reload()
    # Each page's own entry first: once it is listed, the same load event has filled the
    # page's other list, so the other person's entry being absent there means something.
    _wait_listed(alice, "#conversations", "accueil d'un nouveau résident")
    bob.get_by_role("tab", name="Rédiger un document").click()
    _wait_listed(bob, "#my-drafts", "Résidence de Bob")
    assert "accueil d'un nouveau résident" not in bob.inner_text("#conversations")
    alice.get_by_role("tab", name="Rédiger un document").click()
    assert "Résidence de Bob" not in alice.inner_text("#my-drafts")
    alice.context.close()
    bob.context.close()


def test_crafted_requests_cannot_read_files(server: str, data_dir: Path) -> None:
    secret = data_dir / "web" / "session-secret"
    targets = ["/etc/passwd", str(secret), str(data_dir / "manifest.sqlite"),
               str(data_dir / "conversations.sqlite"), "../../../../etc/passwd"]
    for existing in targets[1:4]:
        assert Path(existing).is_file(), existing
    for target in targets:
        for prefix in ("/gradio_api/file=", "/file=", "/gradio_api/file/"):
            with pytest.raises(urllib.error.HTTPError) as refused, urllib.request.urlopen(
                    f"{server}{prefix}{target}", timeout=10) as r:
                raise AssertionError(f"{prefix}{target} servi : {r.status}")
            assert refused.value.code in (403, 404), (prefix, target, refused.value.code)


def test_login_required_beyond_localhost(browser: Any, data_dir: Path, tmp_path: Path) -> None:
    lonely = tmp_path / "sans-comptes"
    shutil.copytree(data_dir, lonely)
    refused = subprocess.run(
        [sys.executable, "-c", "from assistant.app.cli import main; main()", "--data-dir",
         str(lonely), "serve", "--host", "0.0.0.0", "--port", str(_free_port())],
        capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "Refus de démarrer" in refused.stderr
    UserStore(lonely).add("claire", "mot-de-passe-solide")
    process, url, _ = _start(lonely, "0.0.0.0", tmp_path / "serve.log")
    try:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(LONG)
        page.goto(url)
        page.wait_for_selector("input[type=password]")
        shot(page, "connexion.png")
        page.fill("input[type=text]", "claire")
        page.fill("input[type=password]", "mauvais-mot-de-passe")
        with page.expect_response(lambda r: r.url.rstrip("/").endswith("/login")) as answer:
            page.keyboard.press("Enter")
        assert answer.value.status in (400, 401, 403)
        page.wait_for_selector("text=/incorrect|Incorrect|invalide/")
        assert page.query_selector("#question textarea") is None
        page.fill("input[type=text]", "claire")
        page.fill("input[type=password]", "mot-de-passe-solide")
        page.keyboard.press("Enter")
        page.wait_for_selector("#question textarea")
        context.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
