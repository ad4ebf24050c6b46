"""The demo knowledge base: a fictional association's documents, written for Canevas.

Sources are Markdown files beside this module; the builder renders some of them to
DOCX, PDF and ODT so the demo exercises every loader a real association needs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
from fpdf import FPDF
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TextProperties
from odf.text import H, List, ListItem, P

from knowledge.document import Block
from knowledge.limits import Limits
from knowledge.loaders.text import load_markdown

SOURCES = Path(__file__).parent
TARGETS = {
    "projet-associatif.md": ".md",
    "projet-de-service-asll.md": ".docx",
    "procedure-accueil.md": ".pdf",
    "livret-accueil.md": ".odt",
}


def _blocks(source: Path) -> list[Block]:
    return load_markdown(source, Limits()).blocks


def write_docx(blocks: list[Block], target: Path, title: str) -> None:
    """Real heading styles, list paragraphs and a real table, as Word would save them."""
    document = docx.Document()
    document.core_properties.title = title
    table_rows: list[list[str]] = []

    def flush_table() -> None:
        if table_rows:
            table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
            for r, cells in enumerate(table_rows):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
            table_rows.clear()

    for block in blocks:
        if block.kind != "table_row":
            flush_table()
        if block.kind == "heading":
            document.add_heading(block.text, level=min(block.level, 3) - (block.level == 1))
        elif block.kind == "list_item":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "table_row":
            table_rows.append(block.text.split(" | "))
        else:
            document.add_paragraph(block.text)
    flush_table()
    document.save(str(target))


class _DemoPdf(FPDF):
    def __init__(self, running_title: str) -> None:
        super().__init__()
        self.running_title = running_title

    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 8, self.running_title, align="R")
        self.ln(12)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 10, f"Page {self.page_no()}", align="C")


def write_pdf(blocks: list[Block], target: Path, title: str) -> None:
    """A text-layer PDF with a running header and page numbers, like office exports."""
    pdf = _DemoPdf(f"Toit Commun - {title}")
    pdf.set_title(title)
    pdf.add_page()
    for block in blocks:
        if block.kind == "heading":
            pdf.set_font("Helvetica", "B", 16 if block.level == 1 else 13)
            pdf.multi_cell(0, 8, block.text)
            pdf.ln(2)
        else:
            pdf.set_font("Helvetica", "", 11)
            text = f"- {block.text}" if block.kind == "list_item" else block.text
            pdf.multi_cell(0, 6, text)
            pdf.ln(2)
    pdf.output(str(target))


def write_odt(blocks: list[Block], target: Path, title: str) -> None:
    """An OpenDocument text with outline-level headings and lists."""
    document = OpenDocumentText()
    heading_style = Style(name="Heading", family="paragraph")
    heading_style.addElement(TextProperties(fontsize="14pt", fontweight="bold"))
    heading_style.addElement(ParagraphProperties(margintop="0.3cm"))
    document.styles.addElement(heading_style)
    current_list: List | None = None
    for block in blocks:
        if block.kind == "list_item":
            if current_list is None:
                current_list = List()
                document.text.addElement(current_list)
            item = ListItem()
            item.addElement(P(text=block.text))
            current_list.addElement(item)
            continue
        current_list = None
        if block.kind == "heading":
            document.text.addElement(
                H(outlinelevel=block.level, stylename=heading_style, text=block.text)
            )
        else:
            document.text.addElement(P(text=block.text))
    document.save(str(target))


def build_demo(target_dir: Path) -> Path:
    """Write the demo documents into ``target_dir`` (idempotent) and return the folder."""
    target_dir.mkdir(parents=True, exist_ok=True)
    writers = {".docx": write_docx, ".pdf": write_pdf, ".odt": write_odt}
    for name, suffix in TARGETS.items():
        source = SOURCES / name
        target = target_dir / (source.stem + suffix)
        if target.exists():
            continue
        if suffix == ".md":
            shutil.copyfile(source, target)
            continue
        blocks = _blocks(source)
        title = next(b.text for b in blocks if b.kind == "heading")
        writers[suffix](blocks, target, title)
    return target_dir
