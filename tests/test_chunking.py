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


def test_a_list_cut_by_the_chunk_size_keeps_its_announcing_line_in_what_is_indexed() -> None:
    """A question on what a list is about (« ce que l'adhésion apporte ») must reach
    its last items too, which sit in the next chunk without the line announcing them."""
    items = [Block(f"Avantage numéro {i} pour les résidents du foyer.", "list_item")
             for i in range(12)]
    blocks = [Block("Le foyer a rejoint la fédération régionale en 2019.", "paragraph"),
              Block("Cette adhésion à la fédération apporte au foyer :", "paragraph"),
              *items,
              Block("Un autre sujet sans rapport.", "paragraph")]
    chunks = Chunker(words, max_tokens=60).split("doc", "Rapport", blocks)
    assert len(chunks) >= 2
    later = [c for c in chunks[1:] if c.text.startswith("• Avantage")]
    assert later
    for chunk in later:
        assert "Cette adhésion à la fédération apporte au foyer :" in chunk.embed_text
        assert "adhésion" not in chunk.text  # shown as read: the line is only indexed
    assert "Un autre sujet" in chunks[-1].text
    assert all("adhésion" not in c.embed_text for c in chunks
               if c.text.startswith("Un autre sujet"))


def test_a_sub_list_cut_by_the_chunk_size_keeps_the_outer_announcing_line() -> None:
    """« Elle s'articule autour des orientations suivantes : • … • Travailler sur des
    problématiques spécifiques : • les 18-25 ans… »: an item announcing a sub-list is
    carried into the next chunk as its intro, but what the whole list is about is the
    outer line — without it the next chunk never says « orientations »."""
    blocks = [Block("Le foyer prépare son projet pour cinq ans.", "paragraph"),
              Block("Elle s'articule autour des orientations suivantes :", "paragraph"),
              *[Block(f"Développer le partenariat numéro {i} avec les acteurs.", "list_item")
                for i in range(5)],
              Block("Travailler sur des problématiques spécifiques :", "list_item"),
              *[Block(f"le public numéro {i} du territoire,", "list_item") for i in range(6)]]
    chunks = Chunker(words, max_tokens=60).split("doc", "Rapport", blocks)
    later = [c for c in chunks if c.text.startswith(("• Travailler", "• le public"))]
    assert later
    for chunk in later:
        assert "orientations suivantes" in chunk.embed_text
        assert "Travailler sur des problématiques spécifiques :" in chunk.embed_text
        assert "orientations" not in chunk.text
