"""A section's text parts without the knowledge base: the lead and the quotes kept."""

from __future__ import annotations

from generators.compose import fill_lead
from generators.facts import other_facts
from generators.scope import Scope
from generators.section_evidence import Quote, _distinct, with_antecedent
from generators.template import Fact
from knowledge.sentences import split_sentences
from knowledge.structures import mine_structures


def test_lead_is_cut_by_the_shared_splitter_not_at_an_abbreviation() -> None:
    known = {"directeur": Fact(key="directeur", label="Directeur", required=False),
             "capacite": Fact(key="capacite", label="Capacité")}
    lead = "La résidence est dirigée par M. {directeur}. Capacité : {capacite}."
    assert fill_lead(lead, {"capacite": "24"}, known) == "Capacité : 24."
    assert fill_lead(lead, {"directeur": "Durand", "capacite": "24"}, known) == (
        "La résidence est dirigée par M. Durand. Capacité : 24.")


def test_the_same_sentence_found_twice_is_quoted_once() -> None:
    text = ("Les résidents participent chaque mois à un comité de résidents qui prépare "
            "les animations collectives de la résidence.")
    quotes = [Quote(text, 0, 0.9, 0, 1), Quote(text.upper().rstrip("."), 1, 0.8, 1, 2),
              Quote("Le conseil de concertation réunit les résidents deux fois par an.",
                    2, 0.7, 0, 3)]
    assert [q.passage for q in _distinct(quotes)] == [0, 2]


def test_a_sentence_is_about_the_structure_its_document_named_last() -> None:
    report = ("La résidence Viala accueille 40 personnes. Un concept de vie sociale : la "
              "pension de famille St-Eloi ouvre en 2025. Rencontres, repas partagés et "
              "animations sont prévus pour favoriser le lien entre les résidents.")
    scope = Scope.of("Pension de famille Saint-Éloi", "pension_de_famille",
                     {"viala", "st eloi"}, "Alotra").with_documents({"d1": report})
    sentence = "Rencontres, repas partagés et animations sont prévus pour favoriser le lien"
    # The passage may begin at the sentence: nothing before it names a structure there.
    assert scope.verdict(sentence, "") == "neutral"
    assert scope.verdict(sentence, scope.before_in_document("d1", sentence)) == "own"
    other = "La résidence Viala accueille 40 personnes."
    assert scope.verdict(other, scope.before_in_document("d1", other)) == "other"


def test_other_facts_show_readable_labels_not_raw_keys() -> None:
    text = other_facts({"association": "Alotra", "periode": "2025-2030",
                        "equipe_hotes": "2 ETP"}, {})
    assert "Période : 2025-2030" in text and "Équipe hôtes : 2 ETP" in text
    assert "periode" not in text and "_" not in text


def test_structure_names_are_capitalised_names_not_the_words_after_residence() -> None:
    text = ("La résidence Viala accueille 40 personnes. Une résidence pour les seniors, "
            "des résidences dans le quartier, les résidences sont pleines ; la pension de "
            "famille St-Eloi ouvre.")
    assert mine_structures([text], "Alotra") == {"viala", "st eloi"}


def test_a_speaker_glued_to_the_next_sentence_and_web_residue_are_not_quoted() -> None:
    from generators.section_evidence import _clean, _usable

    glued = ("autrement que par des avertissements. » E LABOUESSE gestionnaire locatif social "
             "Le Comité des résidents est la première organisation qui s'impose.")
    assert _clean(glued) == ("Le Comité des résidents est la première organisation qui "
                             "s'impose.")  # contiguous in its passage, so its citation resolves
    assert not _usable("Testez vos connaissances sur le Plan Logement d'Abord 2 La pension de "
                       "famille St-Éloi : un nouveau chapitre pour Alotra Nichée au cœur de la "
                       "ville, la pension incarne une vision novatrice du logement social.")


def test_a_sentence_goes_to_the_section_that_answers_it_best() -> None:
    from generators.draft import Section
    from generators.placement import claimed_elsewhere

    funding = "La pension a bénéficié du soutien de l'État et de la Ville."

    def section(id_: str, score: float, terms: list[str]) -> Section:
        quote = {"text": funding, "passage": 0, "score": score, "query": 0, "position": 0}
        return Section(id=id_, title=id_, purpose="p", requirement="obligatoire", source="s",
                       target_words=50, spec={"questions": [{"text": id_, "terms": terms}]},
                       evidence=[{"quotes": [quote]}])

    publics = section("publics", 0.9, ["pension"])
    partners = section("partenariats", 1.2, ["soutien", "financ"])
    unable = section("bati", 1.5, ["jardin"])
    assert claimed_elsewhere(publics, [publics, partners, unable], {}) == {funding}
    assert claimed_elsewhere(partners, [publics, partners, unable], {}) == set()


def test_a_numbered_heading_is_not_quoted_nor_run_into_a_sentence() -> None:
    from generators.section_evidence import _clean, _usable

    assert _clean("4.4. Coopérer avec les personnes accueillies et accompagnées Le respect de "
                  "la parole est une valeur essentielle de l'ALPA.") == (
        "Le respect de la parole est une valeur essentielle de l'ALPA.")
    heading = _clean("4.1. Bien connaître les problématiques des publics pour mieux "
                     "accompagner dans et vers le logement.")
    assert not _usable(heading)


def test_a_cut_never_leaves_a_quote_without_its_citation() -> None:
    from generators.compose import fit

    text = "Cadre.\n\n– Première phrase citée. Deuxième phrase citée, plus longue. [1]"
    assert fit(text, 40) == "Cadre."
    # a bullet keeps its first quotes; the sentence cut from its mark goes too
    text = ("– Une phrase citée. [1] Un mot de la suivante. Sa fin, plus longue encore, "
            "que la limite coupe. [2]")
    assert fit(text, 60) == "– Une phrase citée. [1]"
    text = "– Une phrase citée. [1] (à vérifier : chiffre de 2017) Une autre phrase. Fin. [2]"
    assert fit(text, 75) == "– Une phrase citée. [1] (à vérifier : chiffre de 2017)"
    # cut at the end of a quote's mark, not only before a full stop
    text = "– Une phrase citée. [1] Suite du texte sans marque, assez longue pour la couper. [2]"
    assert fit(text, 50) == "– Une phrase citée. [1]"
    # a text that fits is left as it is, brackets inside its check included
    text = "– Le foyer compte 40 logements. [1] (à vérifier : logements (T1, T2), chiffre de 2017)"
    assert fit(text, 10_000) == text


def test_a_criterion_item_takes_the_sentence_its_search_found_without_its_words() -> None:
    """A call's criterion item (« Présentation du site ») is answered by the sentence its
    own search found even when the sentence does not repeat the item's words; a
    template question keeps its answer vocabulary, and no question borrows a sentence
    another question found without its terms."""
    from generators.answering import answer_questions
    from generators.call import Criterion, criterion_questions
    from generators.draft import Section

    site = ("Le quartier regroupe quatre-vingts maisons construites en 1995 autour d'une "
            "place commune.")
    passage = {"chunk_id": "d#0", "source": "rapport.md", "title": "Rapport", "section": "",
               "page": 1, "year": 2025, "text": site,
               "quotes": [{"text": site, "passage": 0, "score": 1.1, "query": 0,
                           "position": 0}]}

    def drafted(questions: list[dict[str, object]]) -> str:
        section = Section(id="c", title="c", purpose="p", requirement="obligatoire",
                          source="s", target_words=50, spec={"questions": questions},
                          evidence=[passage])
        return answer_questions(section, "", {}, "", 2026).text

    criterion = Criterion(number=1, title="Présentation du site",
                          text="Présentation du site")
    asked = criterion_questions(criterion)
    assert asked[0]["terms"] == ["présen"]
    assert "quatre-vingts maisons" in drafted(asked)
    vocabulary = [{"text": "Présentation du site", "terms": ["présen"]}]
    assert "quatre-vingts maisons" not in drafted(vocabulary)
    borrowed = [{"text": "Jardins", "terms": ["jardin"]}, asked[0]]
    assert "quatre-vingts maisons" not in drafted(borrowed)


def test_a_sentence_is_left_only_to_a_section_that_would_quote_it() -> None:
    """A section that found the sentence with a higher score but keeps a much better
    one for its question would not quote it: the sentence stays where it was found."""
    from generators.draft import Section
    from generators.placement import claimed_elsewhere

    funding = "La pension a bénéficié du soutien de l'État et de la Ville."
    better = "La Ville et l'État financent l'accompagnement des résidents chaque année."

    def section(id_: str, quotes: list[tuple[str, float]]) -> Section:
        saved = [{"text": t, "passage": 0, "score": s, "query": 0, "position": n}
                 for n, (t, s) in enumerate(quotes)]
        return Section(id=id_, title=id_, purpose="p", requirement="obligatoire", source="s",
                       target_words=50, spec={"questions": [{"text": id_, "terms": []}]},
                       evidence=[{"quotes": saved}])

    publics = section("publics", [(funding, 0.9)])
    partners = section("partenariats", [(better, 2.0), (funding, 1.2)])
    assert claimed_elsewhere(publics, [publics, partners], {}) == set()
    close = section("partenariats", [(better, 1.3), (funding, 1.2)])
    assert claimed_elsewhere(publics, [publics, close], {}) == {funding}


def test_a_grant_request_asks_what_the_project_is_in_its_own_title() -> None:
    """The project's title words count for one question only, the one presenting the
    project (Cerfa fiche 6): a sentence on the project's subject answers it, while the
    other questions are still read for their own words. Without a title, no such
    question is asked."""
    from generators.answering import asked_with_facts, question_text
    from generators.template import get_template

    objectifs = next(s for s in get_template("demande_subvention").sections
                     if s.id == "objectifs")
    questions = [q.model_dump() for q in objectifs.questions]
    facts = {"association": "APREMIS",
             "projet": "Médiation sociale des familles des terrains familiaux"}
    asked = [question_text(q["text"], facts) for q in asked_with_facts(questions, facts)]
    assert any("terrains familiaux" in text for text in asked)
    bare = asked_with_facts(questions, {"association": "APREMIS"})
    assert len(bare) == len(questions) - 1
    assert all("{" not in question_text(q["text"], {}) for q in bare)


def test_a_letter_in_the_first_person_and_a_footnote_digit_are_not_quoted() -> None:
    """An institutional document does not speak as « je »: a president's letter is not
    a statement of the association's values (a testimony in quotation marks still is
    a quote); a footnote number glued to a sentence's start is not part of it."""
    from generators.section_evidence import _clean, _usable

    assert not _usable("Désireuse de répondre au mieux à cette situation j'ai, en effet, "
                       "souhaité engager dès 2016 un travail collectif approfondi.")
    assert _usable("« Je viens chaque semaine au jardin partagé », explique une résidente "
                   "de la pension de famille.")
    assert _clean("3 La Présidente ayant démissionné en décembre, un Président par intérim "
                  "a été désigné par le conseil.").startswith("La Présidente")
    assert _clean("24 logements individuels composent la pension de famille.").startswith("24")


def test_a_quote_cut_on_a_comma_ends_as_a_sentence() -> None:
    from generators.answering import answer_questions
    from generators.draft import Section

    cut = "Développer son offre de service à destination des publics en logements adaptés,"
    passage = {"chunk_id": "d#0", "source": "projet.md", "title": "Projet", "section": "",
               "page": 1, "year": 2025, "text": cut,
               "quotes": [{"text": cut, "passage": 0, "score": 1.1, "query": 0,
                           "position": 0}]}
    section = Section(id="m", title="m", purpose="p", requirement="obligatoire", source="s",
                      target_words=50, spec={"questions": [{"text": "Missions",
                                                            "terms": ["offre"]}]},
                      evidence=[passage])
    text = answer_questions(section, "", {}, "", 2026).text
    assert "logements adaptés. [1]" in text and ",." not in text


def test_a_sentence_opening_on_a_pronoun_is_quoted_with_the_sentence_it_refers_to() -> None:
    """Board reading of the projet associatif draft: « Elle s'articule… », « Celle des
    partenaires… » quoted alone did not say what they spoke of."""
    passage = ("Le comité de pilotage réunit chaque trimestre les partenaires du dispositif.\n"
               "Il valide le plan d'action annuel et suit les indicateurs de relogement.\n"
               "Il faut prévoir un temps d'accueil le soir pour les familles arrivantes.")
    sentences = split_sentences(passage)
    joined = with_antecedent(sentences[1].text, sentences[1], passage)
    assert joined.startswith("Le comité de pilotage") and joined.endswith("de relogement.")
    impersonal = sentences[2].text
    assert with_antecedent(impersonal, sentences[2], passage) == impersonal
    first = sentences[0].text
    assert with_antecedent(first, sentences[0], passage) == first


def test_a_fact_the_lead_states_is_not_stated_again_by_its_question() -> None:
    """« Capacité : 22. » in the lead, then « – Nombre et typologie des logements
    (capacité) : 22. » under it said the capacity twice (blind read, round s30). The
    question's line says it (its words cover what the section must name: « logements »);
    the lead's « Label : value. » sentence goes; a fact in the lead's prose stays."""
    from generators.answering import answer_questions
    from generators.draft import Section

    questions = [{"text": "Nombre et typologie des logements (capacité)", "needs": "nombre",
                  "facts": ["capacite", "typologie"]},
                 {"text": "Propriétaire des murs", "facts": ["proprietaire"]}]
    section = Section(id="type", title="Type", purpose="p", requirement="obligatoire",
                      source="s", target_words=50, spec={"questions": questions}, evidence=[])
    lead = ("La résidence Les Tilleuls, propriété de 13 Habitat, est gérée par le Toit "
            "Commun. Capacité : 22.")
    text = answer_questions(section, lead, {"capacite": "22", "proprietaire": "13 Habitat"},
                            "", 2026).text
    assert text.count("22") == 1, text
    assert "– Nombre et typologie des logements (capacité) : 22." in text, text
    assert "propriété de 13 Habitat, est gérée" in text, text


def test_a_deposit_in_months_of_rent_answers_an_amount_in_a_draft_too() -> None:
    """« égal à un mois de redevance » is how housing texts give a deposit: answers took
    it as an amount since round s29, drafting still wrote « À compléter : Dépôt de
    garantie » over it (newcomer run of the demo, round s31). Both read one form."""
    from generators.answering import satisfies
    deposit = "Le résident verse un dépôt de garantie égal à un mois de redevance."
    assert satisfies(deposit, ["dépôt"], "montant")
    assert satisfies("La redevance est de 420 € par mois.", [], "montant")
    assert satisfies("Le taux d'effort reste sous 30 %.", [], "montant")
    assert not satisfies("Le dépôt de garantie est rendu au départ.", ["dépôt"], "montant")


def test_a_criterion_is_read_without_the_words_that_grade_it() -> None:
    """« Caractère participatif du projet et implication des familles »: a sentence of
    the base speaks of participation and families, never of a « caractère » (the grading
    words diluted the share of the criterion's words a sentence holds)."""
    from generators.drafter import _read_as

    assert _read_as({"text": "Qualité du partenariat et complémentarité avec l'offre",
                     "asked_words": True}) == "partenariat et complémentarité avec l'offre"
    assert _read_as({"text": "Faisabilité du projet et réalisme du plan de financement",
                     "asked_words": True}) == "projet et plan de financement"
    # a grading word's article goes with it; a word it begins stays whole
    assert _read_as({"text": "La pertinence du projet au regard des besoins",
                     "asked_words": True}) == "projet au regard des besoins"
    assert _read_as({"text": "Caractère durable du projet",
                     "asked_words": True}) == "durable du projet"
    # a template's own question, and a criterion that is nothing but grading, unchanged
    assert _read_as({"text": "Qualité de l'accueil"}) == "Qualité de l'accueil"
    assert _read_as({"text": "Pertinence", "asked_words": True}) == "Pertinence"


def test_a_livret_asks_to_say_a_procedure_s_sentence_to_its_reader() -> None:
    """The demo livret quoted « Le résident est reçu par le responsable de résidence… »
    to a reader addressed as « vous » (newcomer run, round s31): the sentence is flagged
    for the reviewer, never reworded (its citation must still resolve)."""
    from generators.voice import written_for_the_team

    text = ("Bienvenue à la résidence. Vous pouvez nous appeler.\n\n– Le résident est reçu "
            "par le responsable de résidence. [1] Les nouveaux résidents reçoivent les clés. "
            "[2] Vous avez droit au respect de votre vie privée. [3]")
    assert written_for_the_team(text) == [
        "Le résident est reçu par le responsable de résidence.",
        "Les nouveaux résidents reçoivent les clés."]
    assert written_for_the_team("Le responsable prépare le logement. [1]") == []


def test_a_passage_that_starts_inside_a_sentence_does_not_quote_its_start() -> None:
    """The Pléiades livret quoted « « Les Pléiades » afin que les ménages… », the chunk
    before ending on « …une permanence à la Pension de Famille » (blind read, round
    s31): such a passage's first sentence is a fragment; a new sentence is not."""
    from assistant.qa.passages import Passage, opens_mid_sentence

    class Stored:
        def __init__(self, text: str) -> None:
            self.text = text

    before = {"d-00007": Stored("Dans ce cadre, l'ALPA a organisé une\n"
                                "permanence à la Pension de Famille")}

    def passage(text: str) -> Passage:
        return Passage("d-00008", text, "s", "t", "", None, 0.0, "d", None, "", None,
                       ("d-00008",))

    assert opens_mid_sentence(passage("« Les Pléiades » afin que les ménages viennent."),
                              lambda ids: before)
    assert opens_mid_sentence(passage("(DIHAL), aurait permis de loger des familles."),
                              lambda ids: before)
    assert not opens_mid_sentence(passage("« Les Pléiades » accueille 22 résidents."),
                                  lambda ids: {"d-00007": Stored("Fin de phrase.")})
    assert not opens_mid_sentence(passage("L'année 2023 a marqué un tournant."),
                                  lambda ids: before)
    # merged with the chunk before it, the two halves are one sentence again
    from assistant.qa.passages import goes_on
    assert goes_on(before["d-00007"].text, "« Les Pléiades » afin que les ménages viennent.")
    assert not goes_on("UN TITRE EN CAPITALES ET LONG", "« Les Pléiades » afin que tout.")
