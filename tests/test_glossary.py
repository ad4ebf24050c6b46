"""Acronym definitions mined from text, checked by their initials, and query expansion."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from assistant.app.cli import cli
from knowledge.base import KnowledgeBase
from knowledge.glossary import Definition, Glossary, mine_definitions


def pairs(text: str) -> set[tuple[str, str]]:
    return {(d.acronym, d.expansion) for d in mine_definitions(text)}


def test_mines_the_ways_documents_define_acronyms() -> None:
    text = (
        "Le service ASTHA - Accompagnement Social et Technique pour un Habitat Adapté "
        "intervient. Le Fonds de Solidarité pour le Logement (FSL) finance. "
        "L'Action « Accompagnement Social et Psychosocial lié au Logement » - ASPL vise "
        "les ménages. Le Centre Communal d'Action Sociale (CCAS) oriente."
    )
    assert pairs(text) == {
        ("ASTHA", "Accompagnement Social et Technique pour un Habitat Adapté"),
        ("FSL", "Fonds de Solidarité pour le Logement"),
        ("ASPL", "Accompagnement Social et Psychosocial lié au Logement"),
        ("CCAS", "Centre Communal d'Action Sociale"),
    }


def test_rejects_dashes_and_parentheses_that_are_not_definitions() -> None:
    text = ("Réunion du CA - Compte rendu du mardi. Les résultats (CAF) sont bons. "
            "Le budget 2023 - 2024 est voté (PDF).")
    assert pairs(text) == set()


def test_lowercase_long_form() -> None:
    assert pairs("le Plan de traitement des foyers de travailleurs migrants (PTFTM)") == {
        ("PTFTM", "Plan de traitement des foyers de travailleurs migrants")}


def test_query_expansion_both_ways() -> None:
    glossary = Glossary([Definition("FSL", "fonds de solidarité pour le logement")])
    assert glossary.expand_query("Qui finance le FSL ?") == (
        "Qui finance le FSL ? (fonds de solidarité pour le logement)")
    assert glossary.expand_query("Le Fonds de solidarité pour le logement aide-t-il ?").endswith(
        "(FSL)")
    assert glossary.expand_query("Rien à voir") == "Rien à voir"


def test_glossary_command_lists_sources(tmp_path: Path, kb: KnowledgeBase) -> None:
    note = tmp_path / "note.md"
    note.write_text("# Dispositifs\n\nLe Service Logement Jeunes (SLJ) aide les moins de "
                    "25 ans.\n", encoding="utf-8")
    kb.ingest([note])
    result = CliRunner().invoke(cli, ["--data-dir", str(kb.data_dir), "glossary", "--json"])
    entries = json.loads(result.output)
    mined = [e for e in entries if e["sigle"] == "SLJ"]
    assert mined == [{"sigle": "SLJ", "definition": "Service Logement Jeunes",
                      "source": "note.md", "section": "", "page": None,
                      "chunk_id": mined[0]["chunk_id"]}]
    assert any(e["sigle"] == "FSL" and e["source"] == "lexique intégré" for e in entries)
    kb.remove("note.md")
    assert kb.manifest.definitions() == []


def test_defining_chunks_follow_the_acronym() -> None:
    glossary = Glossary([Definition("ASPL", "Accompagnement Social et Psychosocial lié au "
                                    "Logement", "doc", "doc-00007")])
    assert glossary.defining_chunks("C'est quoi l'ASPL ?") == ["doc-00007"]
    assert glossary.defining_chunks("C'est quoi l'accompagnement ?") == []


def test_a_question_typed_in_lower_case_still_uses_its_acronyms() -> None:
    """« c koi l'asll » is how new staff type: the acronym must still be expanded."""
    glossary = Glossary([Definition("ASLL", "accompagnement social lié au logement")])
    assert glossary.expand_query("c koi l'asll ?") == (
        "c koi l'asll ? (accompagnement social lié au logement)")
    # A question with capitals spells its acronyms itself: « sam » stays a word there.
    assert glossary.acronyms_in("Le sam est ici, et l'ASLL ?") == ["ASLL"]
