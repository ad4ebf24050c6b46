"""Turn a ranked list of chunks into the passages shown to people and models.

Two things happen here. Adjacent chunks of the same document that both rank well
are merged into one passage in reading order (evidence that spans a chunk boundary,
or a list split over two chunks, then reads as one). And a passage that nearly
repeats one already chosen (the same editorial printed twice) is dropped, so
duplicates never fill the top results.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.calibration import tuned
from knowledge.manifest import StoredChunk
from knowledge.near_duplicates import near_duplicate, shingles

__all__ = ["Passage", "assemble", "shingles"]


@dataclass(frozen=True)
class Passage:
    """A retrieved passage with everything needed to cite it."""

    chunk_id: str
    text: str
    source: str
    title: str
    section: str
    page: int | None
    score: float
    doc_id: str
    organisation: str | None
    doc_type: str
    year: int | None
    chunk_ids: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["chunk_ids"] = list(self.chunk_ids)
        return data


@dataclass
class _Group:
    best: StoredChunk
    score: float
    chunks: list[StoredChunk] = field(default_factory=list)
    shingles: set[str] = field(default_factory=set)

    @property
    def chars(self) -> int:
        return sum(len(c.text) for c in self.chunks)

    def touches(self, chunk: StoredChunk) -> bool:
        ordinals = [c.ordinal for c in self.chunks]
        return chunk.doc_id == self.best.doc_id and chunk.ordinal in (
            min(ordinals) - 1, max(ordinals) + 1
        )

    def passage(self) -> Passage:
        ordered = sorted(self.chunks, key=lambda c: c.ordinal)
        first = ordered[0]
        return Passage(
            chunk_id=self.best.chunk_id,
            text="\n".join(c.text for c in ordered),
            source=first.source, title=first.title, section=first.section,
            page=next((c.page for c in ordered if c.page is not None), None),
            score=round(self.score, 6), doc_id=first.doc_id,
            organisation=first.organisation, doc_type=first.doc_type, year=first.year,
            chunk_ids=tuple(c.chunk_id for c in ordered),
        )


def assemble(
    ranked: list[tuple[StoredChunk, float]],
    k: int,
    max_chars: int | None = None,
    merge_window: int | None = None,
) -> list[Passage]:
    """The ``k`` best passages from chunks ranked best first, merged and deduplicated."""
    max_chars = max_chars or tuned("passages.max_chars")
    merge_window = merge_window or tuned("passages.merge_window")
    groups: list[_Group] = []
    for rank, (chunk, score) in enumerate(ranked):
        if rank < merge_window:
            target = next(
                (g for g in groups
                 if g.touches(chunk) and g.chars + len(chunk.text) <= max_chars),
                None,
            )
            if target is not None:
                target.chunks.append(chunk)
                target.shingles |= shingles(chunk.text)
                continue
        if len(groups) >= k:
            if rank >= merge_window:
                break
            continue
        own = shingles(chunk.text)
        if any(near_duplicate(own, g.shingles) for g in groups):
            continue
        groups.append(_Group(best=chunk, score=score, chunks=[chunk], shingles=own))
    return [g.passage() for g in groups]
