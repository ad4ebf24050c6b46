"""Table rows that keep their header: « Ménages relogés — 2023 : 44 ; 2024 : 51 ».

Why: a row read alone (« Ménages relogés | 44 | 51 ») loses what its numbers are, so
« combien de ménages relogés en 2023 » finds nothing. The first row of a table is its
header; every later row with as many cells is written as its first cell, then each
other cell after its column's header. Other rows stay cells joined by « | ».
"""

from __future__ import annotations

from collections.abc import Hashable

from knowledge.document import Block


def row_text(cells: list[str], header: list[str] | None) -> str:
    """One row as text, with the header's column names when they line up."""
    kept = [c for c in cells if c]
    if not header or len(header) != len(cells) or len(cells) < 2 or header == cells:
        return " | ".join(kept)
    values = [f"{h} : {c}" if h else c for h, c in zip(header[1:], cells[1:], strict=True)
              if c]
    first = cells[0] or header[0]
    return f"{first} — {' ; '.join(values)}" if first else " ; ".join(values)


class TableRows:
    """Turns rows into blocks, remembering the header of each table (by a key that
    identifies the table: a node, an index)."""

    def __init__(self) -> None:
        self._headers: dict[Hashable, list[str]] = {}

    def block(self, table: Hashable, cells: list[str]) -> Block:
        header = self._headers.setdefault(table, cells)
        return Block(text=row_text(cells, None if header is cells else header),
                     kind="table_row", cells=tuple(cells))
