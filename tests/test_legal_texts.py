"""Code articles added beside an association's documents (issue 16, item 7): they are
typed « texte juridique » from their own first heading, belong to no organisation, and
do not crowd the association's passages out of a question that names nobody."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.qa.retrieval import HybridSearcher
from knowledge.base import KnowledgeBase
from knowledge.limits import Limits
from knowledge.loaders import load_document
from knowledge.metadata import LEGAL_TEXT, infer_info
from knowledge.search.embeddings import E5Embeddings


def _info(text: str, tmp_path: Path) -> tuple[str, str | None]:
    path = tmp_path / "document.md"
    path.write_text(text, encoding="utf-8")
    info = infer_info(load_document(path, Limits()), path)
    return info.doc_type, info.organisation


def test_an_article_and_a_table_of_contents_of_a_code_are_legal_texts(tmp_path: Path) -> None:
    article = ("# Article L313-36\n\nLes modalités d'application du présent chapitre sont "
               "fixées par décret en Conseil d'Etat. Article Article Etat Etat Etat.\n")
    assert _info(article, tmp_path) == (LEGAL_TEXT, None)
    contents = ("# Chapitre VI : Action sociale et médico-sociale\n\n"
                "- [Article L116-1](article-l116-1.md)\n- [Article L116-2](article-l116-2.md)\n")
    assert _info(contents, tmp_path)[0] == LEGAL_TEXT


def test_an_association_document_with_chapters_is_not_a_legal_text(tmp_path: Path) -> None:
    text = ("# Chapitre 1 : Notre histoire\n\nL'association Toit Commun est née en 1989. "
            "Toit Commun loge des familles. Toit Commun accompagne. Toit Commun grandit.\n")
    doc_type, organisation = _info(text, tmp_path)
    assert doc_type != LEGAL_TEXT and organisation == "Toit Commun"


def test_an_association_s_rules_in_chapters_and_articles_are_not_a_legal_text(
        tmp_path: Path) -> None:
    text = ("# Chapitre 1 : Dispositions générales\n\n## Article 1 : Objet\n\nLe présent "
            "règlement intérieur de l'association Toit Commun fixe les règles de vie.\n"
            "## Article 2 : Visites\n\nToit Commun accueille les visites. Toit Commun. "
            "Toit Commun.\n")
    doc_type, organisation = _info(text, tmp_path)
    assert doc_type != LEGAL_TEXT and organisation == "Toit Commun"


_ASSOCIATION = """# Projet social de la résidence Les Tilleuls

## Notre histoire

L'association Toit Commun gère la résidence Les Tilleuls depuis 1998, à Tours.

## Admission

Aux Tilleuls, un ménage est admis après l'avis de la commission du SIAO, puis un
entretien avec la responsable de résidence qui présente le règlement intérieur.

## Vie collective

Les résidents se retrouvent chaque mois au conseil de concertation.
"""


def _article(n: int) -> str:
    return (f"# Article R441-{n}\n\nL'admission d'un ménage dans une résidence sociale "
            f"est prononcée par le gestionnaire après avis de la commission, dans les "
            f"conditions du {n}° de l'article L441-2.\n")


def _base_with_articles(tmp_path: Path, e5: E5Embeddings, articles: int) -> KnowledgeBase:
    """The association's projet social beside ``articles`` code articles, ingested."""
    (tmp_path / "tilleuls.md").write_text(_ASSOCIATION, encoding="utf-8")
    for n in range(1, articles + 1):
        (tmp_path / f"article-r441-{n}.md").write_text(_article(n), encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "data", e5)
    assert kb.ingest(sorted(tmp_path.glob("*.md"))).counts["failed"] == 0
    return kb


def test_the_association_s_passage_is_not_crowded_out_by_code_articles(
        tmp_path: Path, e5: E5Embeddings, monkeypatch: Any) -> None:
    kb = _base_with_articles(tmp_path, e5, 40)
    try:
        types = {r.doc_type for r in kb.ready_documents()}
        assert types == {LEGAL_TEXT, "projet social"}, types
        searcher = HybridSearcher(kb)
        question = "Comment se passe l'admission d'un ménage dans la résidence ?"
        found = [p.source for p in searcher.search(question, k=3)]
        assert "tilleuls.md" in found, found
        monkeypatch.setattr(HybridSearcher, "_own_documents", lambda self: None)
        assert "tilleuls.md" not in [p.source for p in searcher.search(question, k=3)]
    finally:
        kb.close()


def test_code_articles_never_feed_a_draft() -> None:
    """A draft's evidence comes from the association's documents and from documents of
    unknown organisation, never from code articles (old law, of unknown date)."""
    from types import SimpleNamespace

    from generators.drafter import Drafter

    records = [SimpleNamespace(doc_id="own", organisation="Toit Commun", doc_type="projet social"),
               SimpleNamespace(doc_id="unknown", organisation=None, doc_type="procédure"),
               SimpleNamespace(doc_id="code", organisation=None, doc_type=LEGAL_TEXT),
               SimpleNamespace(doc_id="other", organisation="Alotra", doc_type="projet social")]
    drafter = Drafter.__new__(Drafter)
    drafter.kb = SimpleNamespace(ready_documents=lambda: records)  # type: ignore[assignment]
    assert drafter._documents("Toit Commun") == ("own", "unknown")


def test_an_annex_cover_or_rules_in_titles_and_chapters_are_not_legal_texts(
        tmp_path: Path) -> None:
    """Only a list naming at least one code article is a code's table of contents."""
    cover = ("# Annexe\n\n- Annexe 1 : Statuts de l'association\n"
             "- Annexe 2 : Budget prévisionnel 2024\n")
    rules = ("# Titre I : Dispositions générales\n\n- Chapitre 1 : Admission\n"
             "- Chapitre 2 : Séjour\n- Section 1 : Visites\n")
    for text in (cover, rules):
        assert _info(text, tmp_path)[0] != LEGAL_TEXT, text


def test_a_question_about_the_law_gets_no_list_of_the_association_s_own() -> None:
    from assistant.qa.retrieval import _ASKS_THE_LAW

    assert _ASKS_THE_LAW.search("Que prévoit l'article R441-1 sur l'admission ?")
    assert _ASKS_THE_LAW.search("Que dit la loi sur les résidences sociales ?")
    assert not _ASKS_THE_LAW.search("Comment se passe l'admission d'un ménage ?")


def test_the_ranking_knows_the_association_s_own_passages_unless_the_law_is_asked(
        tmp_path: Path, e5: E5Embeddings) -> None:
    """The learned ranking's « own » feature: 1 for an association's passage, 0 for a
    code article, and 0 for every passage when the question asks the law itself."""
    kb = _base_with_articles(tmp_path, e5, 3)
    try:
        searcher = HybridSearcher(kb)
        pool = searcher.pool("Comment se passe l'admission d'un ménage ?", 5)
        assert pool is not None
        own = {pool.chunks[c].source: pool.features[c]["own"] for c in pool.fused_order}
        assert own["tilleuls.md"] == 1.0 and own["article-r441-1.md"] == 0.0, own
        law = searcher.pool("Que prévoit l'article R441-1 sur l'admission ?", 5)
        assert law is not None
        assert {law.features[c]["own"] for c in law.fused_order} == {0.0}
    finally:
        kb.close()
