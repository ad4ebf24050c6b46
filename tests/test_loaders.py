"""Every supported format parses to blocks; every bad input gets a clear French error."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from knowledge.errors import IngestError
from knowledge.limits import Limits
from knowledge.loaders import load_document
from tests.conftest import (
    make_doctype_docx,
    make_encrypted_pdf,
    make_pdf,
    make_scanned_pdf,
    make_zip_bomb_docx,
)

LIMITS = Limits()


def kinds(path: Path) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in load_document(path, LIMITS).blocks]


def test_docx_keeps_headings_lists_and_table_rows(demo_dir: Path) -> None:
    blocks = load_document(demo_dir / "projet-de-service-asll.docx", LIMITS).blocks
    headings = [(b.level, b.text) for b in blocks if b.kind == "heading"]
    assert (3, "2.1 Orientation") in headings
    assert (2, "1. Présentation du service") in headings
    rows = [b.text for b in blocks if b.kind == "table_row"]
    assert "Mesures ASLL exercées — 2022 : 142 ; 2023 : 156" in rows
    assert "Indicateur | 2022 | 2023" in rows
    assert load_document(demo_dir / "projet-de-service-asll.docx", LIMITS).title == (
        "Projet de service ASLL - Toit Commun"
    )


def test_docx_table_in_the_middle_stays_in_reading_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Budget", level=1)
    document.add_paragraph("Avant le tableau.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Poste", "Montant"
    table.cell(1, 0).text, table.cell(1, 1).text = "Loyers", "12 000 €"
    document.add_paragraph("Après le tableau.")
    path = tmp_path / "budget.docx"
    document.save(str(path))
    assert [t for _, t in kinds(path)] == [
        "Budget", "Avant le tableau.", "Poste | Montant", "Loyers — Montant : 12 000 €",
        "Après le tableau."
    ]


def test_odt_headings_and_lists(demo_dir: Path) -> None:
    blocks = kinds(demo_dir / "livret-accueil.odt")
    assert ("heading", "Vos droits") in blocks
    assert any(k == "list_item" and t.startswith("Payer votre redevance") for k, t in blocks)


def test_pdf_pages_kept_and_running_lines_removed(tmp_path: Path) -> None:
    paragraphs = [f"Le comité de résidents n° {i} se réunit chaque trimestre." for i in range(90)]
    path = make_pdf(tmp_path / "rapport.pdf", paragraphs, "Rapport 2024")
    parsed = load_document(path, LIMITS)
    assert parsed.pages is not None and parsed.pages >= 3
    pages = {b.page for b in parsed.blocks}
    assert {1, 2, 3} <= pages
    assert not any("Toit Commun - Rapport 2024" in b.text for b in parsed.blocks)
    assert not any(b.text.startswith("Page ") for b in parsed.blocks)
    assert parsed.title == "Rapport 2024"


def test_markdown_and_html(tmp_path: Path) -> None:
    md = tmp_path / "note.md"
    md.write_text("# Note\n\nUn **texte** avec [lien](http://x).\n\n- point un\n- point deux\n\n"
                  "| A | B |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    assert kinds(md) == [("heading", "Note"), ("paragraph", "Un texte avec lien."),
                         ("list_item", "point un"), ("list_item", "point deux"),
                         ("table_row", "A | B"), ("table_row", "1 — B : 2")]
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Accueil</title><script>alert(1)</script></head><body>"
                    "<nav>menu</nav><h1>Accueil</h1><p>Bienvenue à la résidence.</p>"
                    "<ul><li>Laverie</li></ul><table><tr><td>Lundi</td><td>9 h</td></tr>"
                    "</table></body></html>", encoding="utf-8")
    assert kinds(page) == [("heading", "Accueil"), ("paragraph", "Bienvenue à la résidence."),
                           ("list_item", "Laverie"), ("table_row", "Lundi | 9 h")]


def test_text_in_windows_encoding(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_bytes("Réunion du comité : décisions prises.".encode("cp1252"))
    assert kinds(path) == [("paragraph", "Réunion du comité : décisions prises.")]


def expect_error(path: Path, fragment: str, limits: Limits = LIMITS) -> None:
    with pytest.raises(IngestError) as caught:
        load_document(path, limits)
    assert fragment in str(caught.value)


def test_encrypted_pdf(tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "a.pdf", ["Texte confidentiel du conseil. " * 5])
    expect_error(make_encrypted_pdf(source, tmp_path / "secret.pdf"), "mot de passe")


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "casse.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n garbage \x00\xff" * 3)
    expect_error(path, "endommagé")


def test_truncated_pdf(tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "a.pdf", ["Un texte assez long pour la page. " * 40])
    path = tmp_path / "tronque.pdf"
    path.write_bytes(source.read_bytes()[: source.stat().st_size // 3])
    expect_error(path, "endommagé")


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    expect_error(make_scanned_pdf(tmp_path / "scan.pdf"), "OCR")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("vide.txt", b"", "vide"),
    ("blanc.md", b"\n\n   \n", "Aucun texte"),
    ("photo.jpg", b"\xff\xd8\xff\xe0JFIF", "non pris en charge"),
])
def test_file_without_usable_text(tmp_path: Path, name: str, content: bytes,
                                  message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    expect_error(path, message)


def test_wrong_content_for_extension(tmp_path: Path) -> None:
    path = tmp_path / "faux.pdf"
    path.write_text("Je ne suis pas un PDF.", encoding="utf-8")
    expect_error(path, "n'est pas un PDF")
    fake_docx = tmp_path / "faux.docx"
    fake_docx.write_text("texte", encoding="utf-8")
    expect_error(fake_docx, "DOCX valide")


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "gros.txt"
    path.write_text("mot " * 5000, encoding="utf-8")
    expect_error(path, "au-delà de la limite", Limits(max_file_bytes=10_000))


def test_zip_bomb_docx(tmp_path: Path) -> None:
    expect_error(make_zip_bomb_docx(tmp_path / "bombe.docx"), "bombe zip")


def test_docx_with_doctype(tmp_path: Path, demo_dir: Path) -> None:
    path = make_doctype_docx(demo_dir / "projet-de-service-asll.docx", tmp_path / "dtd.docx")
    expect_error(path, "DOCTYPE")


def test_too_many_pdf_pages(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "long.pdf", ["Texte. " * 400] * 2)
    expect_error(path, "pages", Limits(max_pdf_pages=1))


def _demo_docx_with_body(demo_dir: Path, path: Path,
                         body: Callable[[bytes], bytes]) -> Path:
    """The demo's .docx with its ``word/document.xml`` rewritten by ``body``."""
    source = demo_dir / "projet-de-service-asll.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, body(data) if item.filename == "word/document.xml" else data)
    return path


def test_docx_utf16_part_with_a_system_entity(tmp_path: Path, demo_dir: Path) -> None:
    """Issue 15 item 12: a UTF-16 part hides ``<!DOCTYPE`` from a byte scan."""
    def utf16_with_entity(data: bytes) -> bytes:
        text = data.decode("utf-8").split("?>", 1)[1]
        return ('<?xml version="1.0" encoding="UTF-16"?>'
                '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + text).encode("utf-16")

    path = _demo_docx_with_body(demo_dir, tmp_path / "utf16.docx", utf16_with_entity)
    expect_error(path, "DOCTYPE")


def test_docx_part_that_is_not_xml_is_refused(tmp_path: Path, demo_dir: Path) -> None:
    path = _demo_docx_with_body(demo_dir, tmp_path / "broken.docx",
                                lambda _: b"<w:document><oops")
    with pytest.raises(IngestError):
        load_document(path, LIMITS)
