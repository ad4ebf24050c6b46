"""What a draft may quote, round s28: old descriptions checked rather than dropped, the
structure's contact block (no model)."""

from __future__ import annotations

from typing import Any

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
    assert not satisfies("La résidence est située rue des Lilas, près du tramway.", [],
                         "adresse")
