"""An upload survives Gradio dropping its temporary copy while the page is updated."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from assistant.app.web.library_page import LibraryPage
from assistant.app.web.session import Sessions
from knowledge.base import KnowledgeBase


def test_an_upload_gone_after_the_first_progress_message_is_still_ingested(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    """The fresh-clone CI once failed so: Gradio's copy vanished between the first
    progress message and the read, and the ingestion died on a traceback."""
    temp = tmp_path / "gradio-tmp"
    upload = temp / "3f2a" / "note.md"
    upload.parent.mkdir(parents=True)
    upload.write_text("# Note du Toit Commun\n\nLe Toit Commun accueille les ménages "
                      "orientés par le SIAO dans sa résidence sociale.\n", encoding="utf-8")
    page = LibraryPage(kb, tmp_path / "uploads", Sessions("secret-de-test-" * 4), temp)
    steps = page.ingest([str(upload)], None, "", "", "", SimpleNamespace(username="marie"))
    assert "lecture" in next(steps)[0]
    upload.unlink()
    last = list(steps)[-1]
    assert "1 ajouté(s)" in last[0], last[0]
    assert not list((tmp_path / "uploads").glob("*")), "une copie en clair est restée"
