"""HTML loader (BeautifulSoup + lxml): headings, paragraphs, list items, table rows."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

from knowledge.cleanup import normalize_chars
from knowledge.document import Block, ParsedDocument
from knowledge.limits import Limits
from knowledge.loaders.text import read_text
from knowledge.tables import TableRows

_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "blockquote", "pre", "dt", "dd"]


def _clean(text: str) -> str:
    return normalize_chars(" ".join(text.split()))


def load_html(path: Path, limits: Limits) -> ParsedDocument:
    """Scripts, styles and navigation are dropped; block elements kept in order."""
    soup = BeautifulSoup(read_text(path), "lxml")
    for tag in soup(["script", "style", "nav", "noscript", "template", "svg"]):
        tag.decompose()
    blocks: list[Block] = []
    tables = TableRows()
    for element in soup.find_all(_TAGS):
        if not isinstance(element, Tag) or element.find_parent(_TAGS[6:]) is not None:
            continue
        name = element.name
        if name == "tr":
            cells = [_clean(c.get_text(" ")) for c in element.find_all(["td", "th"])]
            if any(cells):
                blocks.append(tables.block(id(element.find_parent("table")), cells))
            continue
        text = _clean(element.get_text(" "))
        if not text:
            continue
        if name.startswith("h"):
            blocks.append(Block(text=text, kind="heading", level=int(name[1])))
        else:
            blocks.append(Block(text=text, kind="list_item" if name == "li" else "paragraph"))
    title_tag = soup.find("title")
    title = _clean(title_tag.get_text()) if title_tag else None
    return ParsedDocument(blocks=blocks, title=title or None)
