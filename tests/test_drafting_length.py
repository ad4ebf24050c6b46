"""A section says as much as its length allows, round s29 (no model)."""

from __future__ import annotations

from typing import Any

from generators.answering import answer_questions
from generators.draft import Section


def _section(question: dict[str, Any], texts: list[str], target_words: int) -> Section:
    quotes = [{"text": t, "passage": n, "score": 1.05 - n / 100, "query": 0, "position": 0}
              for n, t in enumerate(texts)]
    evidence = [{"chunk_id": f"d#{n}", "source": "projet.md", "title": "Projet", "section": "",
                 "page": 1, "year": 2025, "text": t, "quotes": [quotes[n]]}
                for n, t in enumerate(texts)]
    return Section(id="valeurs", title="Valeurs", purpose="p", requirement="recommandé",
                   source="s", target_words=target_words, spec={"questions": [question]},
                   evidence=evidence)


# Sentences that say « valeurs » score as high as those that state one: the ones that
# state a value come last in the search's order (round s28, projet associatif « Valeurs »).
_ABOUT = [
    "Ce socle de valeurs partagées constitue le premier des référentiels du projet associatif.",
    "Les valeurs qui inspirent son ambition fondatrice guident le développement de son offre.",
    "Cette élaboration collective a permis de vérifier la cohérence entre valeurs et actions.",
    "Depuis, l'association a évolué et s'est développée en conservant ses valeurs fondatrices.",
]
_STATED = "Intégrité : respecter ses engagements et ses principes quelles que soient les pressions."


def test_a_section_with_room_quotes_more_than_its_few_best_sentences() -> None:
    """« Valeurs » asks one question and has room for 160 words: its four best
    sentences (about 55 words) only say that values exist; the fifth, which states one,
    is quoted too. A short section (40 words) stays with its best ones."""
    question = {"text": "Valeurs et finalités de l'association",
                "terms": ["valeur", "intégrité", "respect", "principe"]}
    wide = answer_questions(_section(question, [*_ABOUT, _STATED], 160), "", {}, "", 2026)
    assert "Intégrité" in wide.text
    short = answer_questions(_section(question, [*_ABOUT, _STATED], 40), "", {}, "", 2026)
    assert "Intégrité" not in short.text


def test_cells_run_together_are_not_quoted() -> None:
    """A slide's list of actions printed as one line, two cells glued (« Charte des
    résidentsAteliers participatifs »), was quoted as a sentence in a projet social
    (round s29, « Insertion par le logement »); a name written with an inner capital
    is prose."""
    from generators.section_evidence import _usable

    assert not _usable("Forum emploi Charte des résidentsAteliers participatifs Gens du "
                       "voyage Tiers Lieux Partenariat Maison partagée Habitat inclusif")
    assert _usable("L'association publie ses offres d'emploi sur LinkedIn et sur son site "
                   "depuis deux ans.")


def test_the_room_left_takes_sentences_in_the_answers_words() -> None:
    """The room left in a section goes to sentences written in the answer's words (two
    different words of the question's terms), whichever of the section's searches
    found them: « Partenariats » of a projet social quoted the Fondation's support only
    when its own search found it (round s29), and a sentence holding one term only
    (« partenariat » said of a public meeting) is not an answer."""
    partners = {"text": "Partenaires financeurs et institutionnels",
                "terms": ["fondation", "financ", "soutien", "partenariat", "État", "Ville"]}
    quarter = {"text": "Inscription dans le quartier", "terms": ["quartier", "voisinage"]}
    texts = ["La réalisation de la résidence a bénéficié du soutien de l'État et de la Ville.",
             "L'État finance la gestion locative sociale de la résidence chaque année.",
             "La Ville soutient l'animation de la salle commune depuis son ouverture.",
             "Le partenariat a été présenté en réunion publique aux habitants du secteur.",
             "Un soutien financier et méthodologique a été apporté par la Fondation du Doubs."]
    section = _section(partners, texts, 200)
    section.spec["questions"].append(quarter)
    section.evidence[4]["quotes"][0]["query"] = 1
    text = answer_questions(section, "", {}, "", 2026).text
    assert "Fondation du Doubs" in text
    assert "réunion publique" not in text


def test_a_fact_a_question_states_is_not_repeated_in_the_other_facts() -> None:
    """The Saint-Éloi projet social said its address twice in its first section
    (« Autres informations : Adresse : rue Saint-Éloi… » above « Adresse et coordonnées
    de la structure : rue Saint-Éloi… », round s28): a fact that a question of the
    draft states is said there only."""
    from generators.facts import other_facts, stated_facts
    from generators.template import get_template

    template = get_template("projet_social")
    facts = {"association": "Le Toit", "adresse": "12 rue des Lilas, 25000 Besançon",
             "ouverture": "2025"}
    stated = stated_facts(s.model_dump() for s in template.sections)
    assert "adresse" in stated
    text = other_facts(facts, {f.key: f for f in template.facts}, stated)
    assert "Lilas" not in text and "Ouverture : 2025" in text


def test_the_room_left_goes_first_to_the_sentences_holding_most_of_the_answer() -> None:
    """« Moyens mis en œuvre » of request 10 filled its room with « il y a lieu
    d'améliorer les points suivants : développer une communication… » (two of the
    question's words, scored higher) before « Elle mène des actions… Elle gère des aires
    d'accueil… dans une dimension d'insertion » (three): round s29."""
    question = {"text": "Actions et principes d'intervention",
                "terms": ["action", "accompagn", "intervention", "médiation", "gère",
                          "insertion"]}
    texts = ["Le service mène une action de médiation auprès des familles du terrain.",
             "Le service assure une médiation entre les familles et les écoles du secteur.",
             "Le service propose une action de soutien scolaire aux enfants du terrain.",
             "Il y a lieu d'améliorer l'accompagnement et de développer une action de "
             "communication.",
             "Elle gère les terrains et mène des actions d'insertion et de médiation "
             "auprès des familles."]
    section = _section(question, texts, 45)
    section.spec["questions"].append({"text": "Horaires", "terms": ["horaire"]})
    text = answer_questions(section, "", {}, "", 2026).text
    assert "Elle gère les terrains" in text
    assert "Il y a lieu" not in text


def test_a_sentence_joined_to_one_already_quoted_adds_only_its_new_part() -> None:
    """Request 10's « Moyens mis en œuvre » said « Elle mène des actions en faveur de la
    rénovation thermique… » twice (round s29): once as the last item of a quote, once
    joined to the next item « Elle gère des aires d'accueil… » in the room left. The
    second quote now adds its new item only."""
    question = {"text": "Actions et principes d'intervention",
                "terms": ["action", "accompagn", "intervention", "médiation", "gère",
                          "insertion"]}
    thermal = ("Elle mène des actions en faveur de la rénovation thermique auprès des "
               "ménages les plus exposés.")
    texts = ["Le service mène une action de médiation auprès des familles du terrain.",
             "Le service assure une médiation entre les familles et les écoles du secteur.",
             f"Certaines actions font l'objet d'un examen particulier : • {thermal}",
             f"{thermal} • Elle gère des terrains familiaux sous réserve que la dimension "
             "d'insertion des occupants soit prise en compte."]
    section = _section(question, texts, 80)
    section.spec["questions"].append({"text": "Horaires", "terms": ["horaire"]})
    text = answer_questions(section, "", {}, "", 2026).text
    assert "Elle gère des terrains familiaux" in text
    assert text.count("rénovation thermique") == 1
