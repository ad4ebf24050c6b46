"""A document's title and year come from its own first page, not from an editorial's
heading or the oldest year its history mentions (issue 17: « LE MOT DU DG », 1990)."""

from __future__ import annotations

from pathlib import Path

from knowledge.limits import Limits
from knowledge.loaders import load_document
from knowledge.metadata import infer_info


def _info(tmp_path: Path, name: str, text: str) -> tuple[str, int | None]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    info = infer_info(load_document(path, Limits()), path)
    return info.title, info.year


def test_an_editorial_heading_is_no_title(tmp_path: Path) -> None:
    text = ("# Édito\n\nNotre rapport d'activité 2024 raconte une année de travail.\n\n"
            "# Le mot de la présidente\n\nMerci à toutes les équipes pour cette année.\n\n"
            "# Les résidences\n\nLa résidence compte quarante logements.\n")
    title, year = _info(tmp_path, "ra.md", text)
    assert title == "Rapport d'activité 2024"
    assert year == 2024


def test_a_title_that_only_names_the_type_takes_its_subtitle(tmp_path: Path) -> None:
    text = ("# PROJET DE SERVICE\n\n# HÉBERGEMENT ET INSERTION\n\n"
            "Le service a été créé en 1991 par l'association, puis réorganisé en 2004 "
            "et en 2016. Il accueille des familles.\n")
    title, _ = _info(tmp_path, "ps.md", text)
    assert title == "PROJET DE SERVICE — HÉBERGEMENT ET INSERTION"


def test_the_year_is_the_latest_past_one_not_the_founding_year(tmp_path: Path) -> None:
    text = ("# Projet de service\n\n# Accueil de jour\n\n"
            "L'association a été fondée en 1991. Le service ouvre en 2004, déménage en "
            "2016 et prépare son projet pour 2040.\n")
    assert _info(tmp_path, "ps.md", text)[1] == 2016


def test_a_dated_first_page_gives_the_year(tmp_path: Path) -> None:
    text = ("Séance du conseil\n\nBilan du dispositif lancé en 2008\n\n12 mars 2019\n\n"
            "Depuis 2008, le dispositif a accueilli cent familles ; il sera évalué en 2021.\n")
    assert _info(tmp_path, "seance.txt", text)[1] == 2019


def test_edge_cases_found_by_a_blind_review(tmp_path: Path) -> None:
    # a law's date is not the document's; a period counts by its start
    assert _info(tmp_path, "p.md", "# Projet\n\nConformément à la loi 2002-2 du 2 janvier "
                 "2002, le présent projet, adopté en 2019, dit.\n")[1] == 2019
    assert _info(tmp_path, "n.md", "# Notes de travail\n\nPériode 2022-2026.\n")[1] == 2022
    # a two-word type is a title; a subtitle is the heading right under it only
    assert _info(tmp_path, "l.md", "# Livret d'accueil\n\nTexte.\n")[0] == "Livret d'accueil"
    assert _info(tmp_path, "s.md", "# Projet de service\n\nUn paragraphe.\n\n"
                 "# Les missions du service\n\nTexte.\n")[0] == "Projet de service"
    # a préambule is no letter: the first heading that names the document stays its title
    title = _info(tmp_path, "a.md", "# Préambule\n\nTexte.\n\n# ALPA 2017-2022 : état des "
                  "lieux\n\nCe projet associatif 2017 dit.\n")[0]
    assert title == "ALPA 2017-2022 : état des lieux"
