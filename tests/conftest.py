"""Shared fixtures: the real embedding model, real files of every format, bad files."""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from knowledge.base import KnowledgeBase
from knowledge.demo import build_demo, write_pdf
from knowledge.document import Block
from knowledge.search.embeddings import E5Embeddings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
DEV_SET = SHARED / "evals" / "dev.jsonl"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the golden files from the current output.")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def e5() -> E5Embeddings:
    """One real multilingual-e5-small for the whole session."""
    return E5Embeddings()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture()
def kb(tmp_path: Path, e5: E5Embeddings) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase(tmp_path / "data", e5)
    yield base
    base.close()


def corpus_files() -> list[Path]:
    if not CORPUS.exists():
        pytest.skip(f"corpus partagé introuvable : {CORPUS}")
    return sorted(CORPUS.glob("*.txt"))


def make_pdf(path: Path, pages: list[str], title: str = "Rapport") -> Path:
    """A text PDF whose pages each carry the same running header and a page number."""
    blocks: list[Block] = []
    for text in pages:
        blocks.append(Block(text=text))
    write_pdf(blocks, path, title)
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF with a drawing but no text layer, as a scanner produces."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path


def make_encrypted_pdf(source: Path, path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as f:
        writer.write(f)
    return path


def make_zip_bomb_docx(path: Path) -> Path:
    """A .docx whose XML part expands to 300 MB of zeros (ratio far over the limit)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    return path


def make_doctype_docx(source: Path, path: Path) -> Path:
    """A copy of a real .docx whose document.xml declares a DOCTYPE with an entity."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(
                    b"?>", b'?><!DOCTYPE w [<!ENTITY x "boum">]>', 1
                )
            dst.writestr(item, data)
    return path


@pytest.fixture(scope="session")
def corpus_snapshot(tmp_path_factory: pytest.TempPathFactory, e5: E5Embeddings) -> Path:
    """The shared corpus ingested once per session; modules open their own copy."""
    data = tmp_path_factory.mktemp("corpus-snapshot") / "data"
    kb = KnowledgeBase(data, e5)
    report = kb.ingest(corpus_files())
    assert report.counts["added"] == 5 and report.counts["failed"] == 0
    kb.close()
    return data


def open_corpus_copy(snapshot: Path, destination: Path, e5: E5Embeddings) -> KnowledgeBase:
    """A writable copy of the ingested corpus (Chroma and the manifest are plain files)."""
    shutil.copytree(snapshot, destination)
    return KnowledgeBase(destination, e5)


def soffice() -> str:
    """LibreOffice's command, or skip with the reason (the test command installs it)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice absent : ./test.sh l'installe (apt-get install "
                    "libreoffice-writer-nogui poppler-utils) quand il tourne en root")
    return found


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Debian Chromium for every browser test (Playwright drives it; it
    never downloads a browser of its own)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium absent : ./test.sh l'installe (apt-get install chromium) en root")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
