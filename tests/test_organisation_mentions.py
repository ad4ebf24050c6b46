"""Which organisations a question names: the base's own names, not ordinary words that a
document's metadata took for one (law articles inferred as « Article », « Etat »)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assistant.qa.retrieval import HybridSearcher
from knowledge.glossary import Glossary, seed_definitions


def _searcher(organisations: list[str]) -> HybridSearcher:
    records = [SimpleNamespace(organisation=o, doc_id=f"d{i}")
               for i, o in enumerate(organisations)]
    kb: Any = SimpleNamespace(manifest=SimpleNamespace(generation=1),
                              ready_documents=lambda: records,
                              glossary=lambda: Glossary(list(seed_definitions())),
                              structures=set)
    return HybridSearcher(kb)


def test_ordinary_words_taken_for_organisations_name_nothing() -> None:
    searcher = _searcher(["Alotra", "Article", "Etat", "LOGEMENT", "Familles", "CAF"])
    named = [name for name, _ in searcher.mentioned_organisations(
        "Quels logements l'État finance-t-il pour les familles, d'après l'article d'Alotra "
        "et la CAF ?")]
    assert named == ["Alotra", "CAF"]


def test_a_name_inside_a_hyphenated_place_is_not_named() -> None:
    searcher = _searcher(["Rhône", "ALPA"])
    named = [name for name, _ in searcher.mentioned_organisations(
        "La CAF des Bouches-du-Rhône travaille-t-elle avec l'alpa ?")]
    assert named == ["ALPA"]


def test_an_organisation_named_to_compare_is_not_the_one_asked() -> None:
    """« L'APREMIS a-t-elle signé, comme Alotra, un accord… » asks about the APREMIS:
    Alotra's accord does not answer it. « Des associations comme l'ALPA et Alotra… »
    gives examples: both are asked."""
    searcher = _searcher(["Alotra", "APREMIS", "ALPA"])
    asked = searcher.analyse("L'APREMIS a-t-elle signé, comme Alotra, un accord "
                             "d'aménagement du temps de travail ?")
    assert [o.name for o in asked.organisations] == ["Alotra", "APREMIS"]
    assert [o.name for o in asked.asked_organisations] == ["APREMIS"]
    assert asked.asked_scope == {"d1"}
    for question in ("Des associations comme l'ALPA et Alotra ont-elles des valeurs ?",
                     "Quelles valeurs l'ALPA et Alotra partagent-elles ?",
                     "Comme Alotra, que fait-on pour les gens du voyage ?"):
        analysis = searcher.analyse(question)
        assert analysis.asked_organisations == analysis.organisations, question
