"""ODT loader (odfpy): headings with their outline level, paragraphs, lists, table rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from odf import teletype
from odf.namespaces import TABLENS, TEXTNS
from odf.opendocument import load

from knowledge.cleanup import normalize_chars
from knowledge.document import Block, ParsedDocument
from knowledge.limits import Limits
from knowledge.loaders.safety import check_office_archive
from knowledge.tables import TableRows


def _text(node: Any) -> str:
    return normalize_chars(" ".join(teletype.extractText(node).split()))


def _walk(node: Any, blocks: list[Block], in_list: bool = False,
          tables: TableRows | None = None) -> None:
    tables = tables or TableRows()
    for child in node.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (TEXTNS, "h"):
            level = int(child.getAttribute("outlinelevel") or 1)
            if text := _text(child):
                blocks.append(Block(text=text, kind="heading", level=level))
        elif qname == (TEXTNS, "p"):
            if text := _text(child):
                blocks.append(Block(text=text, kind="list_item" if in_list else "paragraph"))
        elif qname == (TEXTNS, "list"):
            _walk(child, blocks, in_list=True, tables=tables)
        elif qname == (TABLENS, "table-row"):
            cells = [_text(c) for c in child.childNodes
                     if getattr(c, "qname", None) == (TABLENS, "table-cell")]
            if any(cells):
                blocks.append(tables.block(id(_table_of(child)), cells))
        elif getattr(child, "childNodes", None):
            _walk(child, blocks, in_list, tables)


def _table_of(row: Any) -> Any:
    """The table a row belongs to (through its header-rows group, if any)."""
    node = row.parentNode
    while node is not None and getattr(node, "qname", None) != (TABLENS, "table"):
        node = node.parentNode
    return node


def load_odt(path: Path, limits: Limits) -> ParsedDocument:
    """Check the archive first, then walk the document body in order."""
    check_office_archive(path, limits)
    document = load(str(path))
    blocks: list[Block] = []
    _walk(document.text, blocks)
    title = next((b.text for b in blocks if b.kind == "heading"), None)
    return ParsedDocument(blocks=blocks, title=title)
