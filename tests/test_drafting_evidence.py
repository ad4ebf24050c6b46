"""Drafting evidence read from a small base: what a section's question finds."""

from __future__ import annotations

from pathlib import Path

from assistant.qa.retrieval import SearchFilters
from generators.section_evidence import gather
from knowledge.search.embeddings import E5Embeddings
from tests.test_answers import one_document_service

_REPORT = (
    "# Rapport d'activité 2025 de l'association Le Toit Partagé\n\n"
    "## La résidence des Glycines\n\n"
    "Le conseil de maison réunit chaque mois les résidents et l'équipe pour décider "
    "ensemble des règles de vie collective.\n"
    "Les résidents proposent eux-mêmes les sorties et les ateliers du trimestre suivant.\n"
    "La résidence compte trente logements autonomes répartis sur trois étages.\n"
)


def test_a_sentence_is_read_against_the_question_not_the_project_name(
        tmp_path: Path, e5: E5Embeddings) -> None:
    """A section's question is searched with the project's name, but a sentence answers
    the question: the name's rare words must not drown the question's in coverage."""
    question = "Comment les résidents participent-ils aux décisions du conseil de maison ?"
    about = ("Glycines ensemble : concertation trimestrielle, parrainage intergénérationnel "
             "et jardins partagés 2026-2028")
    with one_document_service(tmp_path, e5, "rapport.md", _REPORT) as service:
        found = gather(service.reader, [question], SearchFilters(), support=0.7,
                       retrieval=[f"{question} {about}"])
        assert any(q.text.startswith("Le conseil de maison réunit") for q in found.quotes), \
            found.quotes


_PARTICIPATION = (
    "# Rapport d'activité 2025 de l'association Le Toit Partagé\n\n"
    "## La vie à la résidence des Glycines\n\n"
    "Les résidents participent à la vie de la résidence par le conseil de maison.\n"
    "La participation des résidents à la vie de la résidence est encouragée par l'équipe.\n"
    "Les résidents participent aussi à la vie de la résidence lors des fêtes de quartier.\n"
    "Chaque mois, ils choisissent ensemble les sorties et préparent un repas partagé.\n"
)


def test_every_sentence_of_a_passage_is_read_not_only_those_with_the_questions_words(
        tmp_path: Path, e5: E5Embeddings) -> None:
    """Answers read only the few sentences of a passage that share most words with the
    question; a section needs every sentence that answers it, also one worded its own
    way after three that repeat the question's words."""
    question = "Comment les résidents participent-ils à la vie de la résidence ?"
    with one_document_service(tmp_path, e5, "rapport.md", _PARTICIPATION) as service:
        found = gather(service.reader, [question], SearchFilters(), support=0.7)
        assert any(q.text.startswith("Chaque mois, ils choisissent") for q in found.quotes), \
            [q.text for q in found.quotes]


def test_a_sentence_naming_a_service_of_several_capitalised_words_is_quotable() -> None:
    """« Pôle Départemental Logement Habitat » is one name, not four: the sentence was
    read as a table dump (round s27, dev drafting set, request 04). Capitalised items
    run together on a slide stay out."""
    from generators.section_evidence import _usable

    named = ("Suite au mandatement par le Pôle Départemental Logement Habitat et à la "
             "validation du Territoire d'Action Sociale, un Intervenant Social est désigné "
             "afin de contractualiser l'accompagnement avec le ménage concerné via un "
             "Contrat d'Accompagnement Social Individualisé.")
    listed = ("Chaque Territoire d'Action Sociale est couvert par une équipe "
              "pluridisciplinaire : Travailleurs Sociaux, Médiatrices-Prospectrices, "
              "Intervenants Techniques et Social, et Chargée d'Opération Habitat Adapté.")
    slide = ("Typologie des revenus Quelques éléments d'évaluation Maintien dans les lieux "
             "Lien social appropriation du logement Prévention des risques Budget Cohésion "
             "familiale Valorisation responsabilisation autonomie Accès aux droits Effets "
             "produits par l'Atelier de Quartier Grille d'évaluation financière 3 0.")
    assert _usable(named)
    assert _usable(listed)
    assert not _usable(slide)
