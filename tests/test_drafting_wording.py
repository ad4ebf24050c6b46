"""What a manager reads in a draft, round s30: the structure named by its kind in the
questions asked, a fact asked once, no fragment of a wrapped line (no model)."""

from __future__ import annotations

from generators.answering import question_text
from generators.section_evidence import _usable


def test_a_question_names_the_kind_of_structure_given_by_its_label() -> None:
    """Composing reads the facts with their labels (« pension de famille », not
    « pension_de_famille »): the question still names the kind drafted, so the gap
    asks « Adresse complète de la pension de famille », not « … de la structure »."""
    for facts in ({"type_structure": "pension_de_famille"},
                  {"type_structure": "pension de famille"}):
        assert question_text("Adresse complète {de_la_structure}", facts) == (
            "Adresse complète de la pension de famille")
    assert question_text("Présentation {de_la_structure}",
                         {"type_structure": "résidence sociale"}) == (
        "Présentation de la résidence")
    assert question_text("Présentation {de_la_structure}", {"commune": "Aix"}) == (
        "Présentation de la structure")


def test_the_end_of_a_wrapped_line_is_no_sentence() -> None:
    """« (réunions d'équipe et supervision…). » is the end of a sentence the PDF cut
    at a line: quoted alone it says nothing (round s30, Pléiades livret)."""
    assert not _usable("(réunions d'équipe et supervision dédiées à l'accompagnement, "
                       "les temps de synthèse associant les personnes).")
    assert _usable("Les réunions d'équipe (hebdomadaires) associent les hôtes et le "
                   "travailleur social.")


def test_a_speakers_name_in_brackets_before_a_sentence_is_left_out_not_the_sentence() -> None:
    """« (Nadia X, responsable du CADA) L'équipe s'est impliquée… » is who said the
    quotation before, glued to the next sentence: the sentence is quoted without it."""
    from generators.section_evidence import _clean

    text = _clean("(Jeanne Durand, responsable du centre) L'équipe a organisé des ateliers "
                  "de français deux fois par semaine.")
    assert text == "L'équipe a organisé des ateliers de français deux fois par semaine."
    assert _usable(text)
