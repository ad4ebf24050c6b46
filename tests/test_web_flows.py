"""The web app as a social worker meets it (issue 18): French everywhere, the loading
notice, drafting as a guided flow, the document table, citations and conversations.

Screenshots go to ``evals/reports/web/`` only with CANEVAS_WRITE_REPORTS=1.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import LONG, _page, _start, data_dir, shot  # noqa: F401

pytestmark = pytest.mark.slow
ENGLISH = re.compile(r"\b(Error|Copy|Copied|Click to|Drop File|Upload|Submit|Clear|Loading|"
                     r"steps|Like|Dislike|Retry|Undo|Download|processing)\b")


@pytest.fixture(scope="module")
def flows_server(data_dir: Path,  # noqa: F811 - the fixture imported above
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("web-flows-log") / "serve.log"
    process, url, _ = _start(data_dir, "127.0.0.1", log)
    yield url
    process.terminate()
    process.wait(timeout=30)


def _visible_words(page: Any) -> str:
    labels = page.eval_on_selector_all(
        "[title], [aria-label], [placeholder]",
        "els => els.map(e => [e.title, e.getAttribute('aria-label'), "
        "e.getAttribute('placeholder')].join(' '))")
    return page.inner_text("body") + " " + " ".join(labels)


def test_the_form_check_is_one_listener_answering_in_order(flows_server: str) -> None:
    """Each box of the drafting form had its own « change » listener: filled quickly,
    their checks ran side by side and one made with a box still empty could answer
    last, so « Encore vides : Type de structure » stayed under a filled form (1 run in 5
    with three boxes filled by Playwright, newcomer run of round s31). One listener for
    every box, one check at a time, the last kept."""
    import json
    with urllib.request.urlopen(f"{flows_server}/config", timeout=20) as response:
        config = json.loads(response.read().decode("utf-8"))
    boxes = {c["id"] for c in config["components"]
             if str(c.get("props", {}).get("elem_id", "")).startswith("fact-")}
    assert boxes
    checks = [d for d in config["dependencies"]
              if {t[0] for t in d.get("targets", [])} & boxes]
    assert len(checks) == 1, [d.get("targets") for d in checks]
    assert {t[0] for t in checks[0]["targets"]} == boxes
    assert checks[0]["trigger_mode"] == "always_last"


def test_the_page_is_french_and_says_when_models_are_loading(browser: Any,
                                                             flows_server: str) -> None:
    with urllib.request.urlopen(f"{flows_server}/config", timeout=20) as response:
        assert "Chargement des modèles" in response.read().decode("utf-8")
    page = _page(browser, flows_server, locale="en-US")
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.wait_for_selector("#loading", state="hidden")
    page.fill("#question textarea", "C'est quoi l'ASLL ?")
    page.click("#ask-button")
    page.wait_for_function("() => document.querySelector('#chat')?.innerText.includes('(')")
    seen = []
    for tab in ("Poser une question", "Rédiger un document", "Base documentaire"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(400)
        seen += ENGLISH.findall(_visible_words(page))
    assert seen == [], seen
    page.context.close()


def _choose(page: Any, selector: str, option: str) -> None:
    page.click(f"{selector} input")
    page.click(f"ul[role=listbox] li:has-text(\"{option}\")")


def test_drafting_is_a_guided_flow(browser: Any, flows_server: str, tmp_path: Path) -> None:
    page = _page(browser, flows_server, locale="en-US")
    page.get_by_role("tab", name="Rédiger un document").click()
    assert page.is_disabled("#draft-start")
    assert not page.is_visible("#draft-editor")
    assert not page.is_visible("#export-final")
    page.locator("#draft-type label", has_text="Livret d'accueil (résidence sociale").click()
    page.wait_for_function("() => document.querySelector('#fact-0')?.innerText"
                           ".includes('Association gestionnaire *')")
    placeholders = page.eval_on_selector_all(
        "[id^=fact-] textarea", "els => els.map(e => [e.closest('[id^=fact-]').id, "
        "e.placeholder])")
    assert "(facultatif)" in page.inner_text("body")
    assert page.is_disabled("#draft-start")
    assert "Association gestionnaire" in page.inner_text("#draft-fields-help")
    page.fill("#fact-0 textarea", "Toit Commun")
    page.fill("#fact-1 textarea", "Pension de famille Saint-Éloi")
    page.wait_for_function("() => !document.querySelector('#draft-start').disabled")
    shot(page, "rediger-1-formulaire.png", full_page=True)
    page.click("#draft-start")
    page.wait_for_function("() => document.querySelector('#draft-progress')?.innerText"
                           ".includes('Brouillon prêt')", timeout=LONG)
    assert page.is_visible("#draft-editor")
    text = page.locator("#section-text textarea")
    text.fill(text.input_value() + "\nPhrase ajoutée par la relectrice.")
    page.fill("#reviewer textarea", "Claire Martin")
    page.click("#save-text")
    page.wait_for_selector("#draft-notice >> text=Texte enregistré")
    page.click("#export-final")
    page.wait_for_selector("#export-notice >> text=Export refusé")
    notice = page.inner_text("#export-notice")
    assert "--" not in notice and "canevas" not in notice.lower()
    assert page.locator("#export-notice input[type=checkbox], #export-notice li").count() >= 2
    shot(page, "rediger-2-export-refuse.png", full_page=True)
    page.click("#export-draft")
    link = page.wait_for_selector("#download a")
    with page.expect_download() as waiting:
        link.click()
    name = waiting.value.suggested_filename
    assert name.startswith("Livret d'accueil") and name.endswith(
        "Pension de famille Saint-Éloi — brouillon.docx"), name
    page.click("#validate-all")
    page.wait_for_selector("#draft-notice >> text=Restent « À compléter »")
    page.click("#export-final")
    page.wait_for_selector("#export-notice >> text=Export refusé")
    assert "Garder les lacunes" in page.inner_text("#export-notice")
    page.check("#keep-gaps input[type=checkbox]")
    page.click("#export-final")
    page.wait_for_selector("#export-notice >> text=Document Word prêt")
    page.wait_for_selector("#completeness >> text=0 section(s) à valider")
    assert not re.search(r"\d\s?KB\b", page.inner_text("#download")), page.inner_text(
        "#download")
    assert "Restent" not in page.inner_text("#draft-notice")
    shot(page, "rediger-3-version-finale-avec-lacunes.png", full_page=True)
    with page.expect_download() as waiting:
        page.click("#download a")
    name = waiting.value.suggested_filename
    assert name.startswith("Livret d'accueil") and name.endswith(
        "Pension de famille Saint-Éloi.docx"), name
    page.reload()
    page.wait_for_selector("#question textarea")
    page.get_by_role("tab", name="Rédiger un document").click()
    page.locator("#my-drafts").get_by_text("Pension de famille Saint-Éloi").first.click()
    page.wait_for_function("() => document.querySelector('#draft-type input:checked')"
                           "?.closest('label')?.innerText.includes('Livret d')")
    page.wait_for_function("() => document.querySelector('#draft-fields-help')?.innerText"
                           ".includes('Cliquez sur')")
    assert page.input_value("#fact-0 textarea") == "Toit Commun"
    assert page.input_value("#fact-1 textarea") == "Pension de famille Saint-Éloi"
    empty = [(box, hint) for box, hint in placeholders
             if box not in ("fact-0", "fact-1") and hint]
    assert empty, placeholders
    for box, hint in empty:
        assert page.input_value(f"#{box} textarea") == ""
        assert page.get_attribute(f"#{box} textarea", "placeholder") == hint
    shot(page, "rediger-4-brouillon-rouvert.png", full_page=True)
    page.context.close()


def test_the_document_table_shows_and_corrects_metadata(browser: Any,
                                                        flows_server: str) -> None:
    page = _page(browser, flows_server, locale="en-US")
    page.get_by_role("tab", name="Base documentaire").click()
    page.wait_for_function("() => document.querySelector('#documents')?.innerText"
                           ".includes('procedure-accueil.pdf')")
    header = page.inner_text("#documents")
    for column in ("Fichier", "Organisation", "Type", "Année", "Passages", "Ajouté le"):
        assert column in header
    _choose(page, "#remove-choice", "procedure-accueil.pdf")
    page.wait_for_function("() => document.querySelector('#edit-type input')?.value"
                           " === 'procédure'")
    page.fill("#edit-org textarea", "Toit Commun")
    page.fill("#edit-year textarea", "2023")
    page.click("#save-metadata")
    page.wait_for_selector("#metadata-saved >> text=Enregistré")
    page.wait_for_function("() => document.querySelector('#documents')?.innerText"
                           ".includes('2023')")
    table = page.inner_text("#documents")
    row = table[table.index("procedure-accueil.pdf"):].split("\n\n")[0][:400]
    assert "Toit Commun" in row and "2023" in row, table
    assert "« Toit Commun »" in page.inner_text("#metadata-saved")
    shot(page, "base-documentaire-table.png", full_page=True)
    page.context.close()


def test_a_citation_opens_its_passage_with_the_quote_highlighted_and_its_original(
        browser: Any, flows_server: str, demo_dir: Path) -> None:
    page = _page(browser, flows_server, locale="en-US")
    page.fill("#question textarea", "Combien de temps dure une mesure ASLL ?")
    page.click("#ask-button")
    page.wait_for_function("() => document.querySelector('#chat')?.innerText"
                           ".includes('projet-de-service-asll') && document.querySelector"
                           "('#conversations')?.innerText.includes('mesure ASLL')",
                           timeout=LONG)
    page.wait_for_timeout(500)  # the answer's last update folds an open passage
    page.locator("#chat").get_by_text("projet-de-service-asll").first.click()
    page.wait_for_selector("#chat mark")
    assert page.inner_text("#chat mark").strip()
    link = page.locator("#chat a", has_text="Télécharger le document d'origine").first
    link.wait_for()
    page.wait_for_timeout(300)
    shot(page, "question-source-surlignee.png")  # a full-page capture folds the passage
    link.scroll_into_view_if_needed()
    shot(page, "question-lien-vers-l-original.png")
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename == "projet-de-service-asll.docx"
    original = demo_dir / "projet-de-service-asll.docx"
    assert Path(download.path()).read_bytes() == original.read_bytes()
    page.context.close()


def test_conversations_are_dated_renamed_and_deleted(browser: Any, flows_server: str) -> None:
    page = _page(browser, flows_server, locale="en-US")
    page.fill("#question textarea", "Qui peut bénéficier de l'ASLL ?")
    page.click("#ask-button")
    page.wait_for_function("() => document.querySelector('#conversations')?.innerText"
                           ".includes('bénéficier')", timeout=LONG)
    listing = page.inner_text("#conversations")
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", listing), listing
    page.locator("#conversation-tools").get_by_text("Renommer ou supprimer").click()
    page.fill("#conversation-name textarea", "Public de l'ASLL")
    page.click("#rename-conversation")
    page.wait_for_function("() => document.querySelector('#conversations')?.innerText"
                           ".includes(\"Public de l'ASLL\")")
    shot(page, "conversations.png", full_page=True)
    page.click("#delete-conversation")
    page.wait_for_function("() => !document.querySelector('#conversations')?.innerText"
                           ".includes(\"Public de l'ASLL\")")
    page.context.close()


def test_reindexing_says_in_french_which_document_it_reads(browser: Any,
                                                           flows_server: str) -> None:
    page = _page(browser, flows_server, locale="en-US")
    page.get_by_role("tab", name="Base documentaire").click()
    page.evaluate("""() => { window.seen = [];
        new MutationObserver(() => window.seen.push(document.body.innerText))
            .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    page.click("#reindex")
    page.wait_for_function("() => document.querySelector('#ingest-status')?.innerText"
                           ".includes('Réindexation terminée')", timeout=LONG)
    seen = " ".join(page.evaluate("window.seen"))
    assert re.search(r"Réindexation de « [^»]+ » \(\d sur \d\)", seen), seen[-2000:]
    assert ENGLISH.findall(seen + _visible_words(page)) == []
    assert "réindexé" in page.inner_text("#ingest-results")
    shot(page, "base-documentaire-reindexation.png", full_page=True)
    page.context.close()
