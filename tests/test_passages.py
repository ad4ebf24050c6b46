"""Passage assembly: adjacent chunks merge in reading order, near-duplicates are dropped."""

from __future__ import annotations

from assistant.qa.passages import assemble
from knowledge.manifest import StoredChunk


def chunk(doc: str, ordinal: int, text: str) -> StoredChunk:
    return StoredChunk(
        chunk_id=f"{doc}-{ordinal:05d}", doc_id=doc, ordinal=ordinal, text=text,
        section=f"section {ordinal}", page=ordinal + 1, page_end=ordinal + 1, embed_text=text,
        source=f"{doc}.pdf", title=doc, organisation=None, doc_type="autre", year=None,
    )


def test_adjacent_chunks_merge_in_reading_order() -> None:
    ranked = [(chunk("a", 3, "Objectif 2."), 0.9), (chunk("b", 0, "Autre chose."), 0.8),
              (chunk("a", 2, "Objectif 1."), 0.7), (chunk("a", 4, "Objectif 3."), 0.6)]
    passages = assemble(ranked, k=5)
    assert [p.text for p in passages] == ["Objectif 1.\nObjectif 2.\nObjectif 3.",
                                          "Autre chose."]
    first = passages[0]
    assert first.chunk_id == "a-00003"
    assert first.chunk_ids == ("a-00002", "a-00003", "a-00004")
    assert (first.section, first.page, first.score) == ("section 2", 3, 0.9)


def test_merge_respects_size_and_rank_window() -> None:
    ranked = [(chunk("a", 1, " ".join(f"mot{i}" for i in range(300))), 0.9),
              (chunk("a", 2, " ".join(f"terme{i}" for i in range(300))), 0.8)]
    assert len(assemble(ranked, k=5, max_chars=1600)) == 2
    far = [(chunk("a", 1, "Début."), 0.9)] + [(chunk(f"d{i}", 0, f"Texte {i}."), 0.5)
                                             for i in range(3)] + [(chunk("a", 2, "Suite."), 0.1)]
    assert assemble(far, k=10, merge_window=3)[0].text == "Début."


def test_near_duplicates_do_not_fill_the_top() -> None:
    editorial = "2023, année du lien social ? Oui, bien sûr, et c'est ainsi depuis 69 ans. " * 3
    ranked = [(chunk("a", 1, editorial), 0.9), (chunk("a", 7, editorial + " Fin."), 0.8),
              (chunk("b", 1, "Un tout autre sujet, les aires d'accueil."), 0.7)]
    passages = assemble(ranked, k=2)
    assert [p.doc_id for p in passages] == ["a", "b"]
