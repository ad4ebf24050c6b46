"""Questions that ask for a date or a quantity favour passages that contain one."""

from __future__ import annotations

from assistant.qa.question_types import answer_filter, expected_answer, has_answer_form


def test_date_questions() -> None:
    wants = answer_filter("En quelle année l'association a-t-elle été créée ?")
    assert wants is not None
    assert wants("De cette initiative est née en 1989 l'association.")
    assert not wants("L'association est née d'un collectif.")


def test_quantity_questions() -> None:
    wants = answer_filter("Combien de logements gère la résidence ?")
    assert wants is not None and wants("Elle compte 42 logements.")
    assert not wants("Elle compte de nombreux logements.")
    assert answer_filter("Quel est le taux d'impayés ?") is not None


def test_other_questions_are_left_alone() -> None:
    assert answer_filter("C'est quoi l'ASTHA ?") is None
    assert answer_filter("Qui finance les actions du service ?") is None


def test_frequency_questions_want_a_period_not_just_a_number() -> None:
    wants = answer_filter("La commission, elle se réunit tous les combien ?")
    assert wants is not None
    assert wants("La commission se réunit tous les deux mois en sous-préfecture.")
    assert wants("Une réunion mensuelle rassemble les partenaires.")
    assert not wants("La commission réunit 12 partenaires.")


def test_retrieval_and_answers_read_questions_the_same_way() -> None:
    question = "Combien coûte l'adhésion pour une personne accompagnée ?"
    wants = answer_filter(question)
    assert expected_answer(question) == "argent" and wants is not None
    assert wants("L'adhésion coûte 2 € par an.")
    assert not wants("L'adhésion est proposée à 120 personnes.")


def test_who_leads_questions_want_a_person() -> None:
    wants = answer_filter("Qui dirige l'association : qui est président et qui est DG ?")
    assert wants is not None
    assert wants("Le rapport est signé par Pascal Gallard, Président.")
    assert wants("[Personne 4], directrice, a présenté le bilan.")
    assert not wants("Le conseil d'administration élit le président chaque année.")
    assert answer_filter("Qui finance les actions du service ?") is None


def test_a_verb_form_the_tagger_reads_as_a_noun_is_not_an_asked_noun() -> None:
    """spaCy's small model tags « portées », « paye », « sert » as nouns in these
    questions; a word the lemmatizer's tables can read as a verb form, right after a
    subject pronoun or an auxiliary, is the question's verb, not a thing the base must
    name. A noun after a determiner or a preposition stays a noun."""
    from assistant.qa.nouns import question_nouns

    nouns = question_nouns("Quelles coordinations de réseaux et quelles expérimentations "
                           "l'ALPA a-t-elle portées, et à quelles dates ?")
    assert "portées" not in nouns and "dates" in nouns, nouns
    nouns = question_nouns("medi seniors au clos des roses, ca a equipe combien de residents "
                           "et ils ont paye combien ?")
    assert "paye" not in nouns and "residents" in nouns, nouns
    nouns = question_nouns("la ccapex du pays d'aix, y a qui autour de la table et ca sert "
                           "a quoi ?")
    assert "sert" not in nouns, nouns
    nouns = question_nouns("l'aire de la malle et celle de la garenne, elles ont combien de "
                           "places caravanes ?")
    assert "places" in nouns, nouns


def test_a_verb_with_the_prefix_re_is_a_verb_too() -> None:
    """« refaire », « réécrire » are not in the lemmatizer's tables, and the tagger reads
    them as nouns; the base never writing « refaire » refused « Tous les combien
    l'APREMIS doit-elle refaire son projet de service ? » (answered: « tous les 5 ans »).
    A word that is a known verb once « re- », « ré- » is taken off is a verb."""
    from assistant.qa.nouns import can_be_verb, question_nouns

    assert can_be_verb("refaire") and can_be_verb("réécrire") and can_be_verb("redemande")
    assert not can_be_verb("repas") and not can_be_verb("réseau")
    nouns = question_nouns("Tous les combien l'APREMIS doit-elle refaire son projet de service ?")
    assert "refaire" not in nouns and "projet" in nouns, nouns
    nouns = question_nouns("L'ALPA doit-elle réécrire son projet ?")
    assert "réécrire" not in nouns, nouns


def test_a_verb_right_after_a_name_is_a_verb() -> None:
    """« Alotra bosse avec quel festival à Aix ? »: the tagger reads the name as a verb
    and « bosse » (« bosser », to work) as a noun, and the base never writing « bosse »
    refused the question. A word that can be a verb form right after a name of its own
    (the subject) is the verb; a noun after a determiner stays a noun."""
    from assistant.qa.nouns import question_nouns

    nouns = question_nouns("Alotra bosse avec quel festival à Aix ?")
    assert "bosse" not in nouns and "festival" in nouns, nouns
    nouns = question_nouns("L'ALPA taffe avec quels partenaires ?")
    assert "taffe" not in nouns and "partenaires" in nouns, nouns
    nouns = question_nouns("Quelle bosse Alotra a-t-elle réparée à Aix ?")
    assert "bosse" in nouns, nouns


def test_how_much_is_the_rent_asks_for_an_amount() -> None:
    """« c'est combien le loyer… », « le loyer c'est combien ? »: the chat way of asking
    a price asks for an amount, as « quel est le loyer » does; « combien de loyers
    impayés » still counts."""
    assert expected_answer("c'est combien le loyer au Clos des Roses chez alotra ?") == "argent"
    assert expected_answer("Le loyer à Viala, c'est combien ?") == "argent"
    assert expected_answer("combien la redevance pour un T1 ?") == "argent"
    assert expected_answer("Combien de loyers impayés Alotra a-t-elle ?") == "nombre"


def test_a_total_budget_is_an_amount() -> None:
    """« le budget total », « le coût global » ask for an amount, as « le budget de » does."""
    assert expected_answer("Quel était le budget total de la convention ?") == "argent"
    assert expected_answer("Quel est le coût global du projet ?") == "argent"



def test_a_year_dates_a_count_but_a_count_may_look_like_a_year() -> None:
    wants = answer_filter("Combien de repas l'association a-t-elle servis ?")
    assert wants is not None
    assert not wants("Le programme a couru entre 2021 et 2022 avec la commune.")
    assert wants("L'association a servi 1950 repas.")


def test_at_what_time_asks_for_hours() -> None:
    """« ouvert quels jours et à quelle heure » asks for opening hours, as « horaires »
    does: a sentence without a time (« 9 h ») does not answer it."""
    for question in ("le pil il est ouvert quels jours et a quelle heure ?",
                     "À quelle heure ouvre l'accueil de la résidence ?"):
        wants = answer_filter(question)
        assert expected_answer(question) == "horaires" and wants is not None, question
        assert wants("L'accueil est ouvert du lundi au vendredi de 9 h à 17 h.")
        assert not wants("L'accueil est ouvert à toutes les familles du quartier.")


def test_a_time_of_day_written_in_words_or_with_a_colon_answers_at_what_time() -> None:
    """« à quelle heure » is answered by « 18 heures », « 9:30 » or « midi » as well as
    by « 14h30 »."""
    question = "À quelle heure se réunit le conseil de vie sociale ?"
    for sentence in ("Le conseil se réunit à 18 heures.", "Accueil dès 9:30.",
                     "Le repas partagé a lieu à midi.", "Ouvert de 14h30 à 17h."):
        assert has_answer_form(expected_answer(question), sentence), sentence
    assert not has_answer_form(expected_answer(question), "Le conseil se réunit en 2023.")


def test_when_before_a_subject_inside_a_sentence_asks_for_no_date() -> None:
    """« le protocole … quand un logement est infesté », « parle-t-elle de … quand elle
    décrit … »: « quand » is « lorsque » there; refusing for want of a date would refuse
    on no evidence. « Quand … ? », « depuis quand », « c'est quand », « se termine
    quand, » still ask for one."""
    assert expected_answer("Quel est le protocole du foyer quand un logement est infesté ?") is None
    assert expected_answer("Le service parle-t-il de santé mentale quand il décrit ses "
                           "publics ?") is None
    for question in ("Quand l'association a-t-elle été créée ?",
                     "Depuis quand le foyer fait-il de l'intervention sociale ?",
                     "c'est quand la prochaine assemblée générale ?",
                     "Le projet se termine quand, et qu'est-ce qui est prévu après ?",
                     "La convention date de quand, et a-t-elle été renouvelée ?",
                     "C'est pour quand la prochaine assemblée générale ?",
                     "À partir de quand le loyer est-il dû ?",
                     "C'est prévu quand la signature du bail ?"):
        assert expected_answer(question) == "date", question


def test_how_often_is_no_duration() -> None:
    """« renouvelé tous les 5 ans », « chaque année » say how often, not how long: they
    do not answer « Combien de temps dure une mesure ? »; « pendant 5 ans » does."""
    assert expected_answer("Combien de temps dure une mesure ?") == "durée"
    assert not has_answer_form("durée", "La démarche doit se renouveler a minima tous les 5 ans.")
    assert not has_answer_form("durée", "Le projet est relu chaque année.")
    assert has_answer_form("durée", "La mesure dure six mois, renouvelable tous les ans.")
    assert has_answer_form("durée", "Elle a présidé l'association pendant 13 ans.")


def test_a_sentence_whose_plural_verb_the_tagger_misreads_is_prose() -> None:
    """« assurent » is read as a preposition by the small French tagger: the Pléiades
    team's sentence was no prose, never quoted under « L'équipe qui vous accompagne »."""
    from assistant.qa.nouns import is_prose

    assert is_prose("Un hôte et un travailleur social assurent la régulation et l'animation "
                    "du lieu de vie ainsi qu'un suivi individualisé.")
    assert is_prose("Avec le temps, nos partenariats se consolident.")
    # nouns and adjectives in « -ent » are no verbs: a list of names stays no prose
    assert not is_prose("Président, référent, résident, talent différent.")


def test_a_first_name_in_ent_is_no_verb() -> None:
    """« Florent » reads as a verb form in the lemmatizer's tables (blind review, s33): a
    staff list stays no prose."""
    from assistant.qa.nouns import is_prose

    assert not is_prose("Équipe éducative : Florent Dubois, éducateur spécialisé ; "
                        "Marie Leroy, conseillère en économie sociale et familiale.")
