"""A section's question searched with and without the structure's name (no model)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.qa.evidence import Evidence, ScoredSentence
from assistant.qa.passages import Passage
from assistant.qa.retrieval import SearchFilters
from generators.scope import Scope
from generators.section_evidence import gather, scoped
from knowledge.sentences import Sentence

_NAMED = "La pension de famille Les Tilleuls compte vingt logements autonomes en centre-ville."
_UNDER_HEADING = ("Un hôte et une travailleuse sociale animent chaque semaine la vie "
                  "collective de la maison avec les résidents.")
_ELSEWHERE = ("Les logements temporaires sont proposés pour six mois renouvelables une fois "
              "aux ménages orientés par le service intégré.")
_REPORT = ("Rapport 2025. La résidence Viala héberge des travailleurs. " + _ELSEWHERE
           + " La pension de famille Les Tilleuls ouvre ses portes. " + _NAMED + " "
           + _UNDER_HEADING)


def _passage(number: int, text: str) -> Passage:
    return Passage(chunk_id=f"d1-{number:05d}", text=text, source="rapport.txt",
                   title="Rapport 2025", section="", page=None, score=1.0, doc_id="d1",
                   organisation="Le Toit", doc_type="rapport d'activité", year=2025)


@dataclass
class _Reader:
    """Answers a search with the structure's name by the passage that names it, and the
    question alone by the two passages that do not; records what was searched."""

    searched: list[str | None] = field(default_factory=list)

    def read(self, question: str, retrieval_query: str | None = None,
             filters: SearchFilters | None = None, **_: Any) -> Evidence:
        self.searched.append(retrieval_query)
        texts = [_NAMED] if retrieval_query is not None else [_UNDER_HEADING, _ELSEWHERE]
        passages = [_passage(1 + [_NAMED, _UNDER_HEADING, _ELSEWHERE].index(t), t)
                    for t in texts]
        sentences = [ScoredSentence(passage=i, sentence=Sentence(t, 0, False), dense=0.9,
                                    coverage=0.5, has_form=True, in_scope=True)
                     for i, t in enumerate(texts)]
        return Evidence(question, passages, sentences, None)


def test_the_question_alone_is_searched_too_and_its_quotes_are_marked_broad() -> None:
    reader = _Reader()
    question = "Qui anime la vie collective de la maison ?"
    found = gather(reader, [question], SearchFilters(), support=0.7,  # type: ignore[arg-type]
                   retrieval=[f"{question} Les Tilleuls"], broad=True)
    assert reader.searched == [f"{question} Les Tilleuls", None]
    broad = {q.text: q.broad for q in found.quotes}
    assert broad == {_NAMED: False, _UNDER_HEADING: True, _ELSEWHERE: True}


def test_without_broad_only_the_search_with_the_name_is_made() -> None:
    reader = _Reader()
    found = gather(reader, ["Qui anime la vie collective ?"], SearchFilters(),  # type: ignore[arg-type]
                   support=0.7, retrieval=["Qui anime la vie collective ? Les Tilleuls"])
    assert reader.searched == ["Qui anime la vie collective ? Les Tilleuls"]
    assert [q.text for q in found.quotes] == [_NAMED]


def test_a_broad_quote_is_kept_only_where_its_document_is_about_the_structure() -> None:
    reader = _Reader()
    question = "Qui anime la vie collective de la maison ?"
    found = gather(reader, [question], SearchFilters(), support=0.7,  # type: ignore[arg-type]
                   retrieval=[f"{question} Les Tilleuls"], broad=True)
    scope = Scope.of("Pension de famille Les Tilleuls", "pension_de_famille",
                     {"viala", "tilleuls"}, "Le Toit").with_documents({"d1": _REPORT})
    kept = {q.text for q in scoped(found, scope).quotes}
    # Under the structure's heading: kept; after another structure's name: not.
    assert kept == {_NAMED, _UNDER_HEADING}


def test_broad_quotes_are_dropped_when_no_structure_scopes_the_draft() -> None:
    reader = _Reader()
    question = "Qui anime la vie collective de la maison ?"
    found = gather(reader, [question], SearchFilters(), support=0.7,  # type: ignore[arg-type]
                   retrieval=[f"{question} Les Tilleuls"], broad=True)
    assert [q.text for q in scoped(found, Scope()).quotes] == [_NAMED]


def test_without_a_structure_broad_quotes_answer_only_the_questions_allowed() -> None:
    reader = _Reader()
    questions = ["Qui anime la vie collective de la maison ?", "Combien de logements ?"]
    found = gather(reader, questions, SearchFilters(), support=0.7,  # type: ignore[arg-type]
                   retrieval=[f"{q} Les Tilleuls" for q in questions], broad=True)
    kept = {(q.text, q.query) for q in scoped(found, Scope(), frozenset({0})).quotes}
    assert (_UNDER_HEADING, 0) in kept and (_UNDER_HEADING, 1) not in kept


def _section(**spec: Any) -> Any:
    from generators.draft import Section

    questions = spec.pop("questions")
    criterion = spec.pop("criterion", {})
    return Section(id="s", title="S", purpose="p", requirement="obligatoire", source="s",
                   target_words=100, spec={"questions": questions, **spec},
                   criterion=criterion)


def test_only_an_association_section_may_be_searched_bare() -> None:
    from generators.drafter import _unscoped_questions

    items = [{"text": "Partenariats", "asked_words": True, "needs": ""},
             {"text": "Associer les habitants au bilan", "asked_words": True, "needs": ""},
             {"text": "Budget prévisionnel", "needs": "montant"}]
    call = _section(questions=items, criterion={"number": 1, "title": "Partenariats"})
    assert _unscoped_questions(call) == frozenset()
    assert _unscoped_questions(_section(questions=items)) == frozenset()
    assert _unscoped_questions(_section(questions=items, scope="association")) == frozenset(
        {0, 1, 2})


def test_an_association_section_is_searched_with_its_title_and_the_association() -> None:
    from types import SimpleNamespace

    from generators.draft import Draft
    from generators.drafter import Drafter
    from generators.store import now

    drafter = Drafter(SimpleNamespace(kb=None), None)  # type: ignore[arg-type]
    stamp = now()
    draft = Draft(id="", type_id="projet_associatif", title="T", owner="",
                  facts={"association": "ALPA"}, created_at=stamp, updated_at=stamp,
                  organisation="ALPA")
    section = _section(questions=[{"text": "Création et étapes clés"}], scope="association")
    section.title = "Histoire de l'association"
    texts, retrieval = drafter._queries(draft, section)
    assert texts == ["Création et étapes clés"]
    assert retrieval == ["Histoire de l'association : Création et étapes clés ALPA"]


def test_a_structure_known_by_its_kind_only_is_searched_bare_outside_call_criteria() -> None:
    from generators.drafter import searched_bare

    kind_only = Scope(kind="aire_accueil")
    plain = _section(questions=[{"text": "Objectifs du projet"}])
    criterion = _section(questions=[{"text": "Partenariats"}], criterion={"number": 1})
    assert searched_bare(plain, kind_only, frozenset())
    assert not searched_bare(criterion, kind_only, frozenset())
    assert not searched_bare(plain, Scope(), frozenset())


def test_with_a_kind_only_a_broad_quote_is_kept_where_it_or_the_text_before_names_the_kind(
        ) -> None:
    """As a sentence after the structure's name is about the structure, a sentence
    after one naming the kind is about it (round s27: « parcours résidentiel », said
    just after « les gens du voyage », was dropped); a sentence nothing before names
    it for is not kept."""
    from generators.section_evidence import Quote, SectionEvidence

    naming = "Notre intervention auprès des gens du voyage vise le parcours résidentiel."
    silent = "Cette démarche vise surtout le parcours résidentiel des familles suivies."
    passage = _passage(1, f"{naming} {silent}")
    quotes = [Quote(naming, 0, 1.0, 0, 0, broad=True), Quote(silent, 0, 1.0, 0, 1, broad=True)]
    kept = scoped(SectionEvidence([passage], quotes), Scope(kind="aire_accueil")).quotes
    assert [q.text for q in kept] == [naming, silent]
    alone = _passage(1, silent)
    kept = scoped(SectionEvidence([alone], [Quote(silent, 0, 1.0, 0, 0, broad=True)]),
                  Scope(kind="aire_accueil")).quotes
    assert kept == []
