"""Structure-aware chunking sized in the embedding model's tokens.

Chunks follow sections: a heading closes the current chunk unless it is still small
(slides and short sections are merged rather than indexed as one-line passages).
Headings stay in the passage text too, so a passage reads as it does in the document.
Every chunk carries its document title and section path into what is embedded and
what is keyword-indexed, so a passage that never names its subject can still be found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from knowledge.calibration import tuned
from knowledge.document import Block, Chunk, chunk_id_for
from knowledge.structure import SectionTracker

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Ý«\"(0-9])")


def split_sentences(text: str) -> list[str]:
    """Split French prose into sentences (good enough for packing and selection)."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def document_label(
    title: str, organisation: str | None, doc_type: str, year: int | None
) -> str:
    """Who wrote the document and what it is: "ALPA · projet associatif 2017 · <title>".

    Passages rarely name their organisation; questions usually do.
    """
    kind = f"{doc_type} {year}" if year and doc_type != "autre" else doc_type
    parts = [organisation or "", "" if kind == "autre" else kind, title]
    return " · ".join(p for p in parts if p)


def context_header(label: str, section: str) -> str:
    """The line prepended to a passage for embedding and keyword indexing."""
    return f"{label} — {section}" if section and section != label else label


@dataclass
class _Draft:
    section: str
    parts: list[str] = field(default_factory=list)
    tokens: int = 0
    page: int | None = None
    page_end: int | None = None
    has_body: bool = False
    lead: tuple[str, str] = ("", "")
    """The line announcing the list this chunk continues, as read and as kept for the
    embedded text (not shown): a list cut by the chunk size keeps what it is about."""
    _tokens: list[int] = field(default_factory=list)

    def pop_intro(self) -> tuple[str, int, int | None] | None:
        """Take back a last line that announces what follows ("… comme suit :").

        It belongs with the list it introduces, in the next chunk.
        """
        if len(self.parts) < 2 or not self.parts[-1].rstrip().endswith(":"):
            return None
        text = self.parts.pop()
        tokens = self._tokens.pop()
        self.tokens -= tokens
        return text, tokens, self.page_end

    def add(self, text: str, tokens: int, page: int | None, body: bool = True) -> None:
        self.has_body = self.has_body or body
        self.parts.append(text)
        self._tokens.append(tokens)
        self.tokens += tokens
        if page is not None:
            self.page = self.page if self.page is not None else page
            self.page_end = page


class Chunker:
    """Pack blocks into chunks of at most ``max_tokens`` tokens, header included."""

    def __init__(self, count_tokens: Callable[[str], int], max_tokens: int) -> None:
        self._count = count_tokens
        self.max_tokens = max_tokens
        self.min_tokens = max_tokens // tuned("chunking.min_divisor")

    def split(
        self, doc_id: str, label: str, blocks: Iterable[Block], title: str | None = None
    ) -> list[Chunk]:
        """Chunks of ``blocks``; ``label`` heads each one, ``title`` is left out of sections."""
        title = title or label
        tracker = SectionTracker()
        drafts: list[_Draft] = []
        current = _Draft(section="")
        announced = ("", "")  # the announcing line of the list being read, while it runs

        def flush() -> None:
            nonlocal current
            if current.parts:
                drafts.append(current)
            current = _Draft(section=tracker.path, lead=announced)

        for block in blocks:
            if block.kind not in ("list_item", "table_row"):
                announced = ("", "")
            if block.kind == "heading":
                if current.tokens >= self.min_tokens:
                    flush()
                tracker.update(block)
                if not current.has_body:
                    current.section = tracker.path
                current.add(block.text, self._count(block.text), block.page, body=False)
                continue
            text = f"• {block.text}" if block.kind == "list_item" else block.text
            budget = self._budget(label, current.section or tracker.path)
            tokens = self._count(text)
            if tokens > budget:
                if current.tokens > budget // 2:
                    flush()
                for piece in self._pieces(text, budget - current.tokens):
                    current.add(piece, self._count(piece), block.page)
                    flush()
            elif current.tokens + tokens > budget:
                intros: list[tuple[str, int, int | None]] = []
                while (intro := current.pop_intro()) is not None:
                    intros.insert(0, intro)
                flush()
                for intro in intros:
                    current.add(*intro)
                current.add(text, tokens, block.page)
            else:
                current.add(text, tokens, block.page)
            if text.rstrip().endswith(":"):
                # An item announcing a sub-list keeps the line announcing the whole list.
                outer = announced[1] if block.kind == "list_item" and announced[1] else ""
                announced = (text, "\n".join(p for p in (outer, self._lead(text)) if p))
        flush()
        return [self._chunk(doc_id, label, title, i, d) for i, d in enumerate(drafts)]

    def _lead(self, intro: str) -> str:
        """An announcing line, cut to its last sentences within a small chunk's size."""
        kept: list[str] = []
        for sentence in reversed(split_sentences(intro)):
            if kept and self._count(" ".join([sentence, *kept])) > self.min_tokens:
                break
            kept.insert(0, sentence)
        return " ".join(kept)

    def _budget(self, label: str, section: str) -> int:
        header = self._count(context_header(label, section))
        return max(tuned("chunking.min_budget"), self.max_tokens - header - 4)

    def _pieces(self, text: str, budget: int) -> list[str]:
        """Split an oversized block by sentences, then by words for run-on text."""
        pieces: list[str] = []
        current: list[str] = []
        used = 0
        units: list[str] = []
        for sentence in split_sentences(text):
            if self._count(sentence) <= budget:
                units.append(sentence)
            else:
                words = sentence.split()
                step = max(tuned("chunking.run_on_words"),
                           len(words) * budget // (self._count(sentence) + 1))
                units.extend(" ".join(words[i : i + step]) for i in range(0, len(words), step))
        for unit in units:
            tokens = self._count(unit)
            if current and used + tokens > budget:
                pieces.append(" ".join(current))
                current, used = [], 0
            current.append(unit)
            used += tokens
        if current:
            pieces.append(" ".join(current))
        return pieces

    @staticmethod
    def _chunk(doc_id: str, label: str, title: str, ordinal: int, draft: _Draft) -> Chunk:
        body = "\n".join(draft.parts)
        section = draft.section
        if section == title or section.startswith(f"{title} > "):
            section = section[len(title) + 3 :]
        header = context_header(label, section)
        lead = [line for line in draft.lead[1].split("\n") if line and line not in draft.parts]
        if lead:
            header = "\n".join([header, *lead])
        return Chunk(
            chunk_id=chunk_id_for(doc_id, ordinal),
            doc_id=doc_id,
            ordinal=ordinal,
            text=body,
            section=section,
            page=draft.page,
            page_end=draft.page_end,
            embed_text=f"{header}\n{body}",
        )
