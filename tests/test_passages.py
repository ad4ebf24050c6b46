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


def _fetch(*stored: StoredChunk):  # type: ignore[no-untyped-def]
    by_id = {c.chunk_id: c for c in stored}
    return lambda ids: {i: by_id[i] for i in ids if i in by_id}


def test_a_list_cut_by_a_chunk_boundary_is_shown_whole() -> None:
    from assistant.qa.passages import make_whole

    cut = chunk("a", 1, "Le projet.\nCela suppose de :\n• Désigner des référents")
    rest = chunk("a", 2, "• Mettre en place un comité de pilotage\n• Évaluer chaque année\n"
                          "Le budget est voté en juin.")
    other = chunk("b", 0, "Autre chose.")
    passages = assemble([(cut, 0.9), (other, 0.5)], k=5)
    whole = make_whole(passages, _fetch(cut, rest, other))
    assert whole[0].text == ("Le projet.\nCela suppose de :\n• Désigner des référents\n"
                             "• Mettre en place un comité de pilotage\n• Évaluer chaque année")
    assert whole[0].section_at("• Évaluer chaque année") == "section 2"
    assert whole[0].section_at("Cela suppose de :") == "section 1"
    assert whole[1].text == "Autre chose."
    # a passage that starts inside the list gets its beginning and the line announcing it
    alone = make_whole(assemble([(rest, 0.9)], k=5), _fetch(cut, rest))[0]
    assert alone.text.startswith("Cela suppose de :\n• Désigner des référents\n• Mettre")
    assert alone.section_at("Le budget est voté en juin.") == "section 2"


def test_growth_never_pushes_a_passage_out_of_the_budget() -> None:
    from assistant.qa.passages import make_whole

    cut = chunk("a", 1, "Les étapes :\n• Une")
    rest = chunk("a", 2, "• Deux " + "x" * 60)
    second = chunk("b", 0, "y" * 30)
    passages = assemble([(cut, 0.9), (second, 0.5)], k=5)
    assert make_whole(passages, _fetch(cut, rest, second), budget=60)[0].text == cut.text
    assert make_whole(passages, _fetch(cut, rest, second), budget=200)[0].text.endswith("x")


def test_a_merged_passage_cites_the_section_of_the_quoted_sentence() -> None:
    passage = assemble([(chunk("a", 3, "Objectif 2."), 0.9), (chunk("a", 2, "Objectif 1."),
                                                              0.7)], k=5)[0]
    assert passage.section == "section 2"
    assert passage.section_at("Objectif 2.") == "section 3"


def test_a_sentence_two_merged_chunks_cut_reads_as_one_line() -> None:
    """« …une permanence à la Pension de Famille » + « « Les Pléiades » afin que… » were
    two lines, two fragments to the sentence splitter (round s32)."""
    cut = "Le service tient chaque semaine une permanence à la Pension de Famille"
    rest = "« Les Pléiades » afin que les ménages viennent s'informer."
    passages = assemble([(chunk("a", 1, rest), 0.9), (chunk("a", 0, cut), 0.8)], k=5)
    assert passages[0].text == f"{cut} {rest}"
    closed = "Le service tient une permanence chaque semaine."
    passages = assemble([(chunk("a", 1, rest), 0.9), (chunk("a", 0, closed), 0.8)], k=5)
    assert passages[0].text == f"{closed}\n{rest}"
