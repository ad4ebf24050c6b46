"""The shapes that flow through ingestion: blocks, parsed documents, chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]


@dataclass(frozen=True)
class Block:
    """One structural unit of a document, in reading order."""

    text: str
    kind: BlockKind = "paragraph"
    level: int = 0
    page: int | None = None
    cells: tuple[str, ...] = ()
    """A table row's own cells, as read (its text names each value by its column)."""


@dataclass
class ParsedDocument:
    """What a loader returns: the blocks plus whatever metadata the file itself holds."""

    blocks: list[Block]
    title: str | None = None
    pages: int | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True)
class DocumentInfo:
    """Descriptive metadata of a document, inferred or given at ingestion."""

    title: str
    organisation: str | None
    doc_type: str
    year: int | None
    # The document's own first heading, as written (« LE MOT DU DG »): what heads its
    # passages for search, where the title shown to people is the cleaned one.
    heading: str = ""


def chunk_id_for(doc_id: str, ordinal: int) -> str:
    """Chunk ids are "<doc_id>-<ordinal>", so a chunk's document is known without a lookup."""
    return f"{doc_id}-{ordinal:05d}"


def doc_id_of(chunk_id: str) -> str:
    return chunk_id.rsplit("-", 1)[0]


def ordinal_of(chunk_id: str) -> int | None:
    """The chunk's place in its document (None for an id not made by ``chunk_id_for``)."""
    tail = chunk_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


@dataclass(frozen=True)
class Chunk:
    """A passage ready to be indexed: its text, where it sits, and what to embed."""

    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    section: str
    page: int | None
    page_end: int | None
    embed_text: str
