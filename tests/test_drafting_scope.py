"""What a sentence is about when it names no structure: the text before it."""

from __future__ import annotations

from generators.scope import Scope
from knowledge.structures import mine_structures

_REPORT = (
    "Le site Roubaud compte 40 villas. Le site Roubaud a rejoint le quartier "
    "Bellevue-Roubaud, classé Quartier Prioritaire de la Ville. Le quartier Bellevue "
    "accueille un marché. La résidence Lavande accueille 30 personnes âgées. "
    "La résidence Lavande a ouvert en 2012. Le Quartier Prioritaire reçoit des crédits."
)
_BEFORE = ("L'année 2026 marquera l'intégration du site Roubaud au quartier "
           "Bellevue-Roubaud, classé Quartier Prioritaire de la Ville (QPV).")
_AFTER = "Cette initiative vise à aborder la mobilité résidentielle avec les bailleurs."


def test_a_place_the_person_gives_for_the_structure_is_not_another_structure() -> None:
    """« Ruisseau Mirabeau (112 villas, quartier Consolat-Mirabeau) »: the quartier the
    person names is where the site is; a sentence following it is still about the site
    (it was read as about another structure, « Consolat », and dropped)."""
    mined = mine_structures([_REPORT], "Le Toit Partagé")
    assert {"roubaud", "bellevue", "lavande"} <= mined
    scope = Scope.of("Site Roubaud", None, mined, "Le Toit Partagé",
                     described="Site Roubaud (40 villas, quartier Bellevue-Roubaud)")
    assert scope.verdict(_AFTER, _BEFORE) == "own"
    assert scope.verdict(_AFTER, "La résidence Lavande a ouvert en 2012.") == "other"


def test_a_quartier_prioritaire_is_a_category_not_a_structure() -> None:
    """« Quartier Prioritaire de la Ville » names what a quartier is, not one of the
    association's structures: written after the structure drafted, it does not make the
    next sentence about another one."""
    mined = mine_structures([_REPORT], "Le Toit Partagé")
    assert "prioritaire" not in mined
    scope = Scope.of("Site Roubaud", None, mined, "Le Toit Partagé")
    assert scope.verdict(_AFTER, "Le site Roubaud est classé Quartier Prioritaire.") == "own"


def test_a_structure_known_by_its_kind_is_named_by_its_kind_in_the_text_before() -> None:
    """A draft for the « terrains familiaux » of a town (no name): the sentence after
    one about the gens du voyage is about them, as a sentence after the structure's name
    is about the structure; after another structure's name it is not."""
    scope = Scope(kind="aire_accueil", others={"lavande"})
    sentence = ("C'est la dimension de parcours résidentiel que nous souhaitons voir "
                "prise en compte.")
    before = ("A travers notre intervention auprès des gens du voyage, notre objectif est "
              "de répondre aux besoins des familles.")
    assert scope.verdict(sentence, before) == "own"
    assert scope.verdict(sentence, before + " La résidence Lavande a ouvert en 2012.") == "other"
    assert scope.verdict(sentence, "Le conseil d'administration s'est réuni.") == "neutral"


def test_a_run_in_label_opens_another_subject_than_the_structure_named_above() -> None:
    """A projet associatif lists its schemes one paragraph each, each opened by a label
    (« Les logements temporaires : Ce dispositif comprend 14 logements… »): read after
    « la pension de famille Les Tilleuls » named above, the temporary flats were quoted
    as the pension de famille's own in its livret (round s30, Pléiades livret), and so
    was « L'accès à l'information : Le « Point Information Logement »… ». After the
    label, a sentence is about the structure only when the label or what follows names
    it."""
    scope = Scope.of("Pension de famille Les Tilleuls", "pension_de_famille", {"tilleuls"},
                     "Le Toit Partagé")
    named = "La pension de famille Les Tilleuls a ouvert en 2014 avec 20 logements."
    scheme = "Les logements temporaires : Ce dispositif est agréé par l'État."
    sentence = "Il propose un hébergement meublé pour une durée de six mois."
    assert scope.verdict(sentence, named) == "own"
    assert scope.verdict(sentence, f"{named} {scheme}") == "neutral"
    assert scope.verdict("L'accès à l'information : Le « Point Logement » est un espace "
                         "d'accueil.", named) == "neutral"
    assert scope.verdict(sentence, f"{scheme} Les Tilleuls : La maison est ouverte.") == "own"


def test_a_document_about_another_scheme_speaks_of_it_where_it_names_none() -> None:
    """The demo livret of a résidence quoted the ASLL service's « La commission FSL
    valide la mesure pour une durée de six mois » under « Votre contrat » (newcomer run,
    round s31): a sentence of a document titled by another scheme or structure is about
    that one, unless it names the structure drafted."""
    scope = Scope.of("Résidence sociale Les Tilleuls", "residence_sociale", set(),
                     "Toit Commun").with_titles({
                         "asll": "Projet de service ASLL - Toit Commun",
                         "iml": "Intermédiation locative : le guide du sous-locataire",
                         "own": "Procédure d'accueil - Résidence Les Tilleuls",
                         "all": "Projet associatif 2024-2028 de Toit Commun"})
    assert scope.other_documents == {"asll", "iml"}
    assert scope.verdict("Le suivi ASLL dure six mois.", "") == "other"


def test_a_scheme_named_above_a_sentence_speaks_for_it() -> None:
    """« La location sous location (ou Intermédiation locative) avec glissement de bail :
    … Le cas échéant, une prolongation du contrat peut être envisagée. » was quoted in a
    pension de famille's livret (blind read, round s32)."""
    scope = Scope.of("Pension de famille Les Pléiades", "pension_de_famille", {"pleiades"},
                     "ALPA")
    before = ("La location sous location (ou Intermédiation locative) avec glissement de "
              "bail : les ménages sont sous-locataires.")
    assert scope.verdict("Une prolongation du contrat peut être envisagée.", before) == "other"
    assert scope.verdict("Une prolongation du contrat peut être envisagée.",
                         "La pension de famille Les Pléiades a ouvert en 2014.") == "own"


def test_a_named_partners_documents_come_first() -> None:
    """The dev Caf request names its partner (« partenaire : Compagnons Bâtisseurs
    Provence »), whose slides describe the shared workshop; the association's long
    projet associatif filled every criterion first and the partner's « La famille
    continue seule le chantier avec le soutien des Compagnons Bâtisseurs » was never
    quoted (round s35). The partner's quotes get the structure's bonus."""
    from assistant.qa.passages import Passage
    from generators.section_evidence import Quote, SectionEvidence, favour

    def passage(org: str) -> Passage:
        return Passage(chunk_id=f"{org}-0", text="…", source=org, title=org, section="",
                       page=None, score=1.0, doc_id=org, organisation=org, doc_type="",
                       year=None)

    evidence = SectionEvidence([passage("ALPA"), passage("Bâtisseurs")],
                               [Quote("L'ALPA accompagne.", 0, 1.0, 0, 0),
                                Quote("Les Compagnons aident la famille.", 1, 0.95, 0, 0)])
    assert [q.text for q in favour(evidence, ("Bâtisseurs",), 0.1).quotes] == [
        "Les Compagnons aident la famille.", "L'ALPA accompagne."]
    assert favour(evidence, (), 0.1) is evidence


def test_a_sentence_naming_the_project_is_about_it() -> None:
    """Held-out s36: a call for a project run in every résidence sociale (« Forum emploi à
    360°, 2e édition ») dropped « Le Toit Partagé a piloté un forum emploi à 360° » as
    about the association as a whole; the project's name makes it the project's."""
    from generators.scope import project_names

    assert project_names("Forum emploi à 360°, 2e édition : préparation") == {
        "forum emploi a 360°"}
    assert project_names("ASTHA (lot 1) et ASPL (lot 2) pour 2026") == {"astha", "aspl"}
    assert project_names("Repérage, visites à domicile") == set()
    scope = Scope.of("", "residence_sociale", {"lavande"}, "Le Toit Partagé",
                     project="Forum emploi à 360°, 2e édition : préparation")
    named = "Un forum emploi à 360° : Le Toit Partagé a piloté un forum d'un genre nouveau."
    assert scope.verdict(named, "") == "own"
    assert scope.verdict("Le Toit Partagé a piloté un atelier cuisine.", "") == "neutral"
    assert scope.verdict("La résidence Lavande a accueilli un forum santé.", "") == "other"
