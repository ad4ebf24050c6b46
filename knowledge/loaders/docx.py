"""DOCX loader (python-docx): real heading styles, paragraphs and table rows in order."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from knowledge.cleanup import normalize_chars, strip_bullet
from knowledge.document import Block, ParsedDocument
from knowledge.limits import Limits
from knowledge.loaders.safety import check_office_archive
from knowledge.tables import TableRows

_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)", re.I)


def _heading_level(paragraph: Paragraph) -> int | None:
    name = paragraph.style.name if paragraph.style is not None else ""
    if name and name.lower() in ("title", "titre"):
        return 0
    m = _HEADING_STYLE.match(name or "")
    return int(m.group(1)) if m else None


def _is_list(paragraph: Paragraph) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    props = paragraph._p.pPr
    return "list" in name.lower() or "liste" in name.lower() or (
        props is not None and props.numPr is not None
    )


def _iter_blocks(document: DocxDocument) -> list[Block]:
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = normalize_chars(item.text).strip()
            if not text:
                continue
            level = _heading_level(item)
            if level is not None:
                blocks.append(Block(text=text, kind="heading", level=max(1, level)))
            elif _is_list(item):
                blocks.append(Block(text=strip_bullet(text)[0], kind="list_item"))
            else:
                blocks.append(Block(text=text))
        elif isinstance(item, Table):
            blocks.extend(_table_rows(item))
    return blocks


def _table_rows(table: Table) -> list[Block]:
    rows: list[Block] = []
    tables = TableRows()
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = normalize_chars(" ".join(cell.text.split()))
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(tables.block(0, cells))
    return rows


def load_docx(path: Path, limits: Limits) -> ParsedDocument:
    """Check the archive first (python-docx has no zip-bomb limit), then read it."""
    check_office_archive(path, limits)
    document = docx.Document(str(path))
    title = (document.core_properties.title or "").strip() or None
    blocks = _iter_blocks(document)
    if title is None:
        title = next((b.text for b in blocks if b.kind == "heading"), None)
    return ParsedDocument(blocks=blocks, title=title)
