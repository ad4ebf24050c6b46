"""Plain text and Markdown loaders."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.cleanup import clean_plain_text, normalize_chars
from knowledge.document import Block, ParsedDocument
from knowledge.limits import Limits
from knowledge.tables import TableRows


def read_text(path: Path) -> str:
    """Decode as UTF-8, falling back to Windows-1252 (common for files saved on Windows)."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def load_text(path: Path, limits: Limits) -> ParsedDocument:
    """Text files are often PDF extractions: run the full clean-up on them."""
    blocks = clean_plain_text(read_text(path))
    return ParsedDocument(blocks=blocks)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def _plain_markdown(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def load_markdown(path: Path, limits: Limits) -> ParsedDocument:
    """Markdown keeps its own structure: # headings, list items, tables as rows."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    tables = TableRows()
    table, in_table = 0, False

    def flush() -> None:
        if paragraph:
            blocks.append(Block(text=_plain_markdown(" ".join(paragraph))))
            paragraph.clear()

    for raw in normalize_chars(read_text(path)).splitlines():
        line = raw.rstrip()
        table, in_table = (table if in_table else table + 1), line.lstrip().startswith("|")
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            text = _plain_markdown(heading.group(2))
            blocks.append(Block(text=text, kind="heading", level=len(heading.group(1))))
        elif not line.strip():
            flush()
        elif _MD_ITEM.match(line):
            flush()
            blocks.append(Block(text=_plain_markdown(_MD_ITEM.sub("", line)), kind="list_item"))
        elif line.lstrip().startswith("|"):
            flush()
            if not _MD_TABLE_RULE.match(line):
                cells = [_plain_markdown(c.strip())
                         for c in line.strip().strip("|").split("|")]
                blocks.append(tables.block(table, cells))
        elif blocks and blocks[-1].kind == "list_item" and raw.startswith(("  ", "\t")):
            last = blocks.pop()
            blocks.append(Block(text=f"{last.text} {_plain_markdown(line)}", kind="list_item"))
        else:
            paragraph.append(line.strip())
    flush()
    title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return ParsedDocument(blocks=[b for b in blocks if b.text], title=title)
