"""What a draft may quote, round s28: old descriptions checked rather than dropped, the
structure's contact block, sentences on the subject by the answer's words (no model)."""

from __future__ import annotations

from typing import Any

from assistant.qa.passages import Passage
from generators.answering import answer_questions
from generators.draft import Section


def _section(question: dict[str, Any], texts: list[str], year: int) -> Section:
    quotes = [{"text": t, "passage": 0, "score": 1.1 - n / 100, "query": 0, "position": n}
              for n, t in enumerate(texts)]
    passage = {"chunk_id": "d#0", "source": "projet.md", "title": "Projet", "section": "",
               "page": 1, "year": year, "text": " ".join(texts), "quotes": quotes}
    return Section(id="t", title="Territoire", purpose="p", requirement="recommandé",
                   source="s", target_words=80, spec={"questions": [question]},
                   evidence=[passage])


def test_an_old_description_said_as_current_is_quoted_with_a_check_not_dropped() -> None:
    """« Le territoire … reste aujourd'hui … » in a 2017 projet associatif still tells an
    update where the association works: quoted, « à vérifier » on it. A count said as
    current (« comprend aujourd'hui 15 projets ») or a subject dated (« date de 2006 »)
    is today's figure to give, and stays asked."""
    territory = ("Le territoire du Val de Loue reste aujourd'hui le territoire privilégié "
                 "de l'action de l'association.")
    section = _section({"text": "Territoire d'intervention", "terms": ["territoire"]},
                       [territory], 2017)
    text = answer_questions(section, "", {}, "", 2026).text
    assert "Val de Loue" in text and "à vérifier" in text
    from generators.answering import out_of_date

    assert not out_of_date(territory, 2026, 2017)
    assert out_of_date("Le panel d'actions comprend aujourd'hui 15 projets mis en œuvre.",
                       2026, 2017)
    assert out_of_date("La dernière mise à jour du projet associatif date de 2006.", 2026, 2017)
    counted = _section({"text": "Actions menées", "terms": ["actions"]},
                       ["Le panel d'actions comprend aujourd'hui 15 projets mis en œuvre."], 2017)
    assert "À compléter" in answer_questions(counted, "", {}, "", 2026).text


def test_the_structures_contact_block_answers_its_address() -> None:
    """A report lists its structures' contacts one short line each (name, street,
    postcode and town, telephone, e-mail): no sentence reading scores such lines, so
    « Coordonnées » stayed « À compléter » though the base gives them (round s28, CADA
    livret, résidence Viala). The block is quoted whole with the name above it; one
    with no name is not, and a sentence is not an address."""
    from generators.answering import satisfies
    from generators.section_evidence import contacts

    text = ("Nos structures\nmail.a@horizon.example\nCentre LES TILLEULS\n12, Rue des Lilas\n\n"
            "25000 Besançon\n\nTél. 03 81 00 00 00\nlilas@horizon.example\n"
            "Siège : 4, Avenue Foch 25000 Besançon Tél. 03 81 11 11 11")
    assert contacts(text) == [
        "Centre LES TILLEULS 12, Rue des Lilas 25000 Besançon Tél. 03 81 00 00 00 "
        "lilas@horizon.example"]
    assert satisfies(contacts(text)[0], [], "adresse")
    # A street with no number (« Route de … ») is an address too (round s35).
    assert contacts("lilas@horizon.example\nRésidences LES PINS/LES CHÊNES \nRoute du Moulin\n"
                    "25000 Besançon\nTél. 03 81 22 22 22\n") == [
        "Résidences LES PINS/LES CHÊNES Route du Moulin 25000 Besançon Tél. 03 81 22 22 22"]
    assert not satisfies("La résidence est située rue des Lilas, près du tramway.", [],
                         "adresse")


def _passage(text: str) -> Passage:
    return Passage(chunk_id="d1-00001", text=text, source="rapport.txt", title="Rapport 2025",
                   section="", page=None, score=1.0, doc_id="d1", organisation="Le Toit",
                   doc_type="rapport d'activité", year=2025)


class _LowCoverageReader:
    """Finds two sentences that share few of the question's words: one written with the
    answer's vocabulary, one not."""

    def read(self, question: str, retrieval_query: str | None = None,
             filters: Any = None, **_: Any) -> Any:
        from assistant.qa.evidence import Evidence, ScoredSentence
        from knowledge.sentences import Sentence

        texts = ["Le centre a organisé diverses sorties et activités tout au long de l'année.",
                 "Le centre a connu une année riche en changements pour toute son équipe.",
                 "Le centre a ouvert ses portes à cent cinquante personnes cette année."]
        passages = [_passage(" ".join(texts))]
        sentences = [ScoredSentence(passage=0, sentence=Sentence(t, i, False), dense=0.85,
                                    coverage=0.1, has_form=True, in_scope=True)
                     for i, t in enumerate(texts)]
        return Evidence(question, passages, sentences, None)


def test_a_sentence_written_with_the_answers_vocabulary_is_on_the_subject() -> None:
    """« Activités proposées »: « … diverses sorties et activités … » lacks « proposées »,
    too few of the question's words for the reader's coverage bar, but holds the
    words a template gives for the answer (round s28, CADA livret). Two different
    words of it, not one: « a ouvert ses portes » holds « ouvert » but is no opening
    hours."""
    from assistant.qa.retrieval import SearchFilters
    from generators.section_evidence import gather

    found = gather(_LowCoverageReader(), ["Activités proposées"],  # type: ignore[arg-type]
                   SearchFilters(), support=0.7,
                   vocabulary=[["sortie", "activité", "atelier", "ouvert", "horaire"]])
    assert [q.text for q in found.quotes] == [
        "Le centre a organisé diverses sorties et activités tout au long de l'année."]
    without = gather(_LowCoverageReader(), ["Activités proposées"],  # type: ignore[arg-type]
                     SearchFilters(), support=0.7)
    assert without.quotes == []


def test_a_sentence_another_question_found_answers_only_with_two_words_of_this_one() -> None:
    """« … l'impact de ce partenariat … » found for the funders' question is not an
    answer to « Partenariats santé (conventions) » for its one word « partenariat »: the
    gap stays asked (round s28, Saint-Éloi projet social)."""
    best = "La maison a bénéficié du soutien de l'État et d'un financement de la fondation."
    funders = "Un soutien financier a été apporté par la fondation, grâce à ce partenariat."
    quotes = [{"text": t, "passage": 0, "score": score, "query": 0, "position": n}
              for n, (t, score) in enumerate(((best, 1.0), (funders, 0.7)))]
    passage = {"chunk_id": "d#0", "source": "r.md", "title": "R", "section": "", "page": 1,
               "year": 2025, "text": f"{best} {funders}", "quotes": quotes}
    questions = [{"text": "Partenaires financeurs", "terms": ["soutien", "financ", "fondation"]},
                 {"text": "Partenariats santé (conventions)",
                  "terms": ["convention", "santé", "partenariat"]}]
    section = Section(id="p", title="Partenariats", purpose="p", requirement="obligatoire",
                      source="s", target_words=80, spec={"questions": questions},
                      evidence=[passage])
    text = answer_questions(section, "", {}, "", 2026).text
    assert "À compléter : Partenariats santé" in text


def test_the_lead_no_longer_asks_for_an_address_the_base_gives() -> None:
    """« Adresse : [À compléter : …]. » above the address the base gives would contradict
    it: the lead's sentence goes when a question on that fact is answered by a quote;
    it stays when the question is left open."""
    from generators.draft import placeholder

    gap = placeholder("Adresse et moyens d'accès")
    lead = f"Adresse : {gap}. Téléphone : 04 00 00 00 00."
    question = {"text": "Coordonnées et moyens d'accès", "needs": "adresse",
                "terms": ["adresse", "rue", "bd"], "facts": ["adresse", "telephone"]}
    found = _section(question, ["CADA 29, Bd des Lices 13004 Marseille Tél. 04 91 00 00 00"], 2024)
    text = answer_questions(found, lead, {}, "", 2026, {"adresse": gap}).text
    assert gap not in text and "Téléphone : 04 00 00 00 00." in text, text
    assert "29, Bd des Lices" in text, text
    empty = _section(question, ["Le CADA accueille des familles."], 2024)
    text = answer_questions(empty, lead, {}, "", 2026, {"adresse": gap}).text
    # Left open, the question's own line asks for it: the lead does not ask it again
    # (round s30: the Pléiades livret asked for its address twice).
    assert gap not in text and "À compléter : Coordonnées et moyens d'accès" in text, text
    assert "Téléphone : 04 00 00 00 00." in text, text
    welcome = (f"Bienvenue à la maison Les Tilleuls. Adresse : {gap}. Autres informations : "
               "20 logements.")
    text = answer_questions(empty, welcome, {}, "", 2026, {"adresse": gap}).text
    assert text.startswith("Bienvenue à la maison Les Tilleuls. Autres informations : 20 "
                           "logements."), text
