"""Chunk packing: headings never end up alone, chunks stay within the token budget."""

from __future__ import annotations

from knowledge.chunking import Chunker
from knowledge.document import Block


def words(text: str) -> int:
    return len(text.split())


def test_heading_before_an_oversized_block_stays_with_its_first_piece() -> None:
    long_paragraph = " ".join(f"Phrase numéro {i} du rapport." for i in range(60))
    blocks = [Block("Introduction courte du document.", "paragraph"),
              Block("CADA", "heading", level=2),
              Block(long_paragraph, "paragraph")]
    chunker = Chunker(words, max_tokens=60)
    chunks = chunker.split("doc", "Rapport", blocks)
    texts = [c.text for c in chunks]
    assert "CADA" not in texts
    assert any(t.startswith("Introduction courte du document.\nCADA\nPhrase numéro 0")
               for t in texts)
    assert all(words(c.embed_text) <= 60 for c in chunks)
    assert "".join(texts).count("Phrase numéro") == 60


def test_full_chunk_is_closed_before_an_oversized_block() -> None:
    filler = " ".join(f"mot{i}" for i in range(40))
    long_paragraph = " ".join(f"Phrase numéro {i} du rapport." for i in range(60))
    chunks = Chunker(words, max_tokens=60).split(
        "doc", "Rapport", [Block(filler, "paragraph"), Block(long_paragraph, "paragraph")])
    assert chunks[0].text == filler
    assert all(words(c.embed_text) <= 60 for c in chunks)
