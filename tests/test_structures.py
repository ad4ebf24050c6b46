"""Structure names mined from the base and read in questions and passages."""

from __future__ import annotations

from knowledge.structures import about_another, mine_structures, named_in

_REPORT = ("La résidence Viala accueille des chibanis. La Pension de Famille St-Eloi a "
           "ouvert. Le site Internet présente la résidence Viala. Voir le site internet.")


def test_names_are_mined_and_read_in_a_question() -> None:
    known = mine_structures([_REPORT])
    assert known == {"viala", "st eloi"}
    assert named_in("Et à la pension de famille Saint-Éloi ?", known) == {"st eloi"}
    assert named_in("qu'est-ce qui se passe a viala ?", known) == {"viala"}
    # An aire d'accueil in a list of addresses, its name in capitals (round s35).
    assert mine_structures(["Aire RIVES BASSES Route du Moulin 26000 Valence"]) == {
        "rives"}


def test_a_passage_about_another_structure_only() -> None:
    known = {"viala", "st eloi", "clos"}
    assert about_another("Au Clos des Roses, 14 résidents équipés.", {"viala"}, known)
    assert not about_another("À Viala comme au Clos des Roses, un forum santé.",
                             {"viala"}, known)
    assert not about_another("Dans toutes nos résidences, une infirmière.", {"viala"}, known)
