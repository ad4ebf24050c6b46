"""Turn a ranked list of chunks into the passages shown to people and models.

Two things happen here. Adjacent chunks of the same document that both rank well
are merged into one passage in reading order (evidence that spans a chunk boundary,
or a list split over two chunks, then reads as one). And a passage that nearly
repeats one already chosen (the same editorial printed twice) is dropped, so
duplicates never fill the top results.

Then ``make_whole`` grows a passage that a chunk boundary cut inside a list, a numbered
block, a table or a paragraph: the rest of that unit is read from the neighbouring
chunk (small-to-big), within the context budget left after the passages already in it,
so no passage is pushed out of the budget. A passage carries every section it spans.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from knowledge.calibration import tuned
from knowledge.document import chunk_id_for, ordinal_of
from knowledge.french import points_back
from knowledge.manifest import StoredChunk
from knowledge.near_duplicates import near_duplicate, shingles

__all__ = ["Passage", "assemble", "continues", "goes_on", "make_whole",
           "opens_mid_sentence", "shingles"]


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
    sections: tuple[tuple[int, str], ...] = ()
    """(offset in ``text``, section) where each section the passage spans starts."""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["chunk_ids"] = list(self.chunk_ids)
        data["sections"] = [list(s) for s in self.sections]
        return data

    def section_at(self, quote: str) -> str:
        """The section where ``quote`` is written: a passage merged from chunks of
        several sections is cited under the section of the quoted sentence."""
        where = self.text.find(quote) if quote else -1
        if where < 0 or not self.sections:
            return self.section
        return next((s for start, s in reversed(self.sections) if start <= where),
                    self.section)


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
        sections: list[tuple[int, str]] = []
        offset = 0
        for chunk in ordered:
            if not sections or sections[-1][1] != chunk.section:
                sections.append((offset, chunk.section))
            offset += len(chunk.text) + 1
        # A sentence a chunk boundary cut is joined back with a space: read as two lines,
        # its halves were two fragments (« …à la Pension de Famille » / « « Les
        # Pléiades » afin que… »).
        text = ordered[0].text
        for before, chunk in itertools.pairwise(ordered):
            text += (" " if goes_on(before.text, chunk.text) else "\n") + chunk.text
        return Passage(
            chunk_id=self.best.chunk_id,
            text=text,
            source=first.source, title=first.title, section=first.section,
            page=next((c.page for c in ordered if c.page is not None), None),
            score=round(self.score, 6), doc_id=first.doc_id,
            organisation=first.organisation, doc_type=first.doc_type, year=first.year,
            chunk_ids=tuple(c.chunk_id for c in ordered), sections=tuple(sections),
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


Chunks = Callable[[list[str]], dict[str, StoredChunk]]

_ITEM = re.compile(r"^\s*(?:[•\-–*]|\d{1,2}\s?[.)°]|[a-z][.)])\s")
_ROW = re.compile(r" \| | — [^:]{1,60} : ")
_ENDS = re.compile(r"[.!?…»)\"'”;]\s*$")


def _is_unit(line: str) -> bool:
    """A list item, a numbered line or a table row (rows keep their header)."""
    return bool(_ITEM.match(line) or _ROW.search(line))


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _rest_after(text: str, following: str) -> str:
    """What of ``following`` (the next chunk) finishes the unit ``text`` ends in: the
    rest of a list, numbered block or table, or of a cut paragraph; "" when whole."""
    last, nxt = _lines(text), _lines(following)
    if not last or not nxt:
        return ""
    end = last[-1].rstrip()
    taken: list[str] = []
    if _is_unit(end) or end.endswith(":"):
        if end.endswith(":") and not _is_unit(nxt[0]):
            taken.append(nxt[0])
        for line in nxt[len(taken):]:
            if not _is_unit(line):
                break
            taken.append(line)
    elif not _ENDS.search(end) and nxt[0][:1].islower():
        taken.append(nxt[0])
    return "\n".join(taken)


def items_after(text: str, sentence: str) -> list[str]:
    """The items of the list that ``sentence`` (a line ending with « : », or it and the
    list's first item) announces in ``text``, in order, each with its wrapped lines;
    [] when no list follows it there."""
    end = " ".join(sentence.split())[-40:]
    lines = _lines(text)
    start = next((i for i, line in enumerate(lines) if " ".join(line.split()).endswith(end)),
                 None)
    if start is None:
        return []
    items: list[str] = []
    for line in lines[start + 1:]:
        stripped = line.strip()
        if _ITEM.match(line):
            items.append(stripped)
        elif items and (stripped[:1].islower() or stripped[:1] == "("):
            items[-1] = f"{items[-1]} {stripped}"
        else:
            break
    return items


def continues(text: str, following: str) -> bool:
    """Whether ``following`` (the next chunk) goes on with what ``text`` was saying: the
    rest of a list, block, table or paragraph it cut (``text`` ends on a line left open),
    or a sentence pointing back at it (« Ces contraintes… »)."""
    last = _lines(text)
    return (bool(_rest_after(text, following)) or points_back(following)
            or bool(last and not _ENDS.search(last[-1])))


def opens_mid_sentence(passage: Passage, chunks: Chunks) -> bool:
    """``passage`` starts inside a sentence its previous chunk began (« « Les Pléiades »
    afin que les ménages… » after « …une permanence à la Pension de Famille »): its
    first sentence is a fragment."""
    ordinals = _ordinals(passage.chunk_ids or (passage.chunk_id,))
    if not ordinals or min(ordinals) == 0:
        return False
    before = chunks([chunk_id_for(passage.doc_id, min(ordinals) - 1)])
    return any(goes_on(c.text, passage.text) for c in before.values())


def goes_on(text: str, following: str) -> bool:
    """``following`` starts inside the sentence ``text`` ends in: ``text`` ends on a line
    of running text left open (not a heading: short, or in capitals), and ``following``
    starts with a small letter, a bracket, or a quoted name then a small letter."""
    lines, first = _lines(text), _lines(following)
    if not lines or not first or not _GOES_ON.match(first[0]):
        return False
    last = lines[-1].strip()
    return (not _ENDS.search(last) and not last.endswith(":") and len(last.split()) >= 5
            and not last.isupper() and not _HEADING_LIKE.match(last))


# How a line that goes on with a sentence starts: a small letter, a bracket, a name in
# quotation marks followed by a small letter (« « Les Pléiades » afin que… »).
_GOES_ON = re.compile(r"^\s*(?:[a-zà-ÿ(,;]|«[^»]{1,60}»\s*[a-zà-ÿ])")
# A line that opens a block of its own: a heading or a numbered title.
_HEADING_LIKE = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s|[A-ZÀ-Ý][A-ZÀ-Ý\s'’-]{6,}$)")


def _head_before(text: str, preceding: str) -> str:
    """What of ``preceding`` (the chunk before) opens the list or table ``text`` starts
    inside: its items from the line that announces it; "" when whole."""
    first, before = _lines(text), _lines(preceding)
    if not first or not before or not _is_unit(first[0]):
        return ""
    start = len(before)
    while start > 0 and _is_unit(before[start - 1]):
        start -= 1
    if start == len(before):
        return ""
    if start > 0 and before[start - 1].rstrip().endswith(":"):
        start -= 1
    return "\n".join(before[start:])


def _ordinals(chunk_ids: Iterable[str]) -> list[int]:
    return [n for n in map(ordinal_of, chunk_ids) if n is not None]


def _neighbours(passages: list[Passage], chunks: Chunks) -> dict[str, StoredChunk]:
    ids: list[str] = []
    for passage in passages:
        ordinals = _ordinals(passage.chunk_ids)
        if ordinals:
            if min(ordinals) > 0:
                ids.append(chunk_id_for(passage.doc_id, min(ordinals) - 1))
            ids.append(chunk_id_for(passage.doc_id, max(ordinals) + 1))
    return chunks(ids)


def _grown(passage: Passage, near: dict[str, StoredChunk]) -> Passage:
    """``passage`` with the rest of the units cut at its two ends."""
    ordinals = _ordinals(passage.chunk_ids)
    if not ordinals:
        return passage
    text, sections = passage.text, list(passage.sections or ((0, passage.section),))
    before = near.get(chunk_id_for(passage.doc_id, min(ordinals) - 1))
    after = near.get(chunk_id_for(passage.doc_id, max(ordinals) + 1))
    if after is not None and (rest := _rest_after(text, after.text)):
        if sections[-1][1] != after.section:
            sections.append((len(text) + 1, after.section))
        text = f"{text}\n{rest}"
    if before is not None and (head := _head_before(text, before.text)):
        shift = len(head) + 1
        sections = [(0, before.section)] + [
            (start + shift, s) for start, s in sections if s != before.section or start]
        text = f"{head}\n{text}"
    if text == passage.text:
        return passage
    return replace(passage, text=text, sections=tuple(sections))


def make_whole(passages: list[Passage], chunks: Chunks,
               budget: int | None = None) -> list[Passage]:
    """Passages grown to the end of the list, block, table or paragraph a chunk
    boundary cut (``chunks`` fetches chunks by id). The passages that fit in the
    context budget (``passages.context_chars``) are grown, best first, only while they
    all still fit: growth never pushes a passage out; later passages are grown within
    the budget on their own."""
    budget = budget or tuned("passages.context_chars")
    if not passages:
        return passages
    near = _neighbours(passages, chunks)
    fitting, used = 0, 0
    for passage in passages:
        if fitting and used + len(passage.text) > budget:
            break
        fitting, used = fitting + 1, used + len(passage.text)
    out: list[Passage] = []
    for rank, passage in enumerate(passages):
        grown = _grown(passage, near)
        extra = len(grown.text) - len(passage.text)
        if rank < fitting:
            if extra and used + extra <= budget:
                used += extra
                passage = grown
        elif len(grown.text) <= budget:
            passage = grown
        out.append(passage)
    return out
