"""PDF clean-up: a golden file of our own, and properties checked on the real corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.cleanup import clean_plain_text, normalize_chars, strip_running_lines
from knowledge.document import Block
from knowledge.structure import HeadingDetector
from tests.conftest import corpus_files

GOLDEN = Path(__file__).parent / "golden"


def dump(blocks: list[Block]) -> str:
    return "".join(f"[{b.kind} {b.level} p{b.page}] {b.text}\n" for b in blocks)


def test_golden_pdf_defects(update_golden: bool) -> None:
    source = GOLDEN / "pdf_defects.txt"
    expected = GOLDEN / "pdf_defects.expected"
    got = dump(clean_plain_text(source.read_text(encoding="utf-8")))
    if update_golden or not expected.exists():
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")


def test_golden_has_the_repairs_we_promise() -> None:
    text = dump(clean_plain_text((GOLDEN / "pdf_defects.txt").read_text(encoding="utf-8")))
    assert "accompagnement social a suivi 112 ménages dans les Bouches-du-Rhône" in text
    assert "Saint-Martin-de-Crau" in text
    assert "auto-évaluation" in text and "autoévaluation" not in text
    assert "Association Les Amis du Quai - Rapport 2024" not in text
    assert not re.search(r"^\[\w+ \d p\d\] \d+$", text, re.M)
    assert "[list_item 0 p1] Accueil inconditionnel" in text
    assert "[list_item 0 p1] Permanences juridiques" in text
    assert "[list_item 0 p1] Lien avec les bailleurs" in text
    assert "financement est assuré par le département et la CAF." in text
    assert "de 9 h à 12 h 30 au siège" in text
    assert "[heading 1 p2] 1. NOS ACTIONS" in text
    assert "[heading 2 p3] 2.1. Les partenaires" in text
    assert "d'accompagnement" in text and "’" not in text


def test_running_lines_need_repetition() -> None:
    bodies = ["Le conseil se réunit.", "Les comptes sont validés.", "Un bilan est fait.",
              "La séance est levée."]
    pages = [["Titre courant", body, f"Page {i} sur 4"] for i, body in enumerate(bodies, 1)]
    cleaned = strip_running_lines(pages)
    assert cleaned == [[body] for body in bodies]
    short = strip_running_lines([["Titre", "Texte"], ["Titre", "Autre"]])
    assert short == [["Titre", "Texte"], ["Titre", "Autre"]]


def test_normalize_chars() -> None:
    assert normalize_chars("l’aide\u00a0sociale\u2009: ﬁn\u00ad") == "l'aide sociale : fin"


@pytest.fixture(scope="module")
def corpus_text() -> dict[str, str]:
    files = corpus_files()
    return {p.name: dump(clean_plain_text(p.read_text(encoding="utf-8"))) for p in files}


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("000_76e66e8c2761b0d9.txt", "tout en étant sécurisés, l'ensemble de leurs devoirs"),
        ("000_76e66e8c2761b0d9.txt", "(appropriation et aménagement du logement"),
        ("000_76e66e8c2761b0d9.txt", "Social Lié au Logement (ASELL)"),
        ("000_76e66e8c2761b0d9.txt", "surendettement ou d'expulsion."),
        ("000_76e66e8c2761b0d9.txt", "située à Aix-en-Provence."),
        ("000_76e66e8c2761b0d9.txt", "des logiques qui les sous-tendent"),
        ("001_78458b5e8fd56282.txt", "région Provence-Alpes-Côte d'Azur"),
        ("001_78458b5e8fd56282.txt", "Bouc-Bel-Air"),
        ("004_ec35b2bc50025504.txt", "Les Bouches-du-Rhône"),
        ("004_ec35b2bc50025504.txt", "d'accompagnement des"),
    ],
)
def test_real_corpus_repairs(corpus_text: dict[str, str], file: str, expected: str) -> None:
    assert expected in corpus_text[file]


def test_real_corpus_has_no_glyph_debris(corpus_text: dict[str, str]) -> None:
    for name, text in corpus_text.items():
        assert "\ufffd" not in text, name
        assert not re.search(r"[\ue000-\uf8ff\u00a0\u202f\u2009]", text), name
        assert not re.search(r"\] [•✓] ", text), name


def test_real_corpus_headings(corpus_text: dict[str, str]) -> None:
    alpa = corpus_text["000_76e66e8c2761b0d9.txt"]
    assert "[heading 2 pNone] 2.2. Les valeurs" in alpa
    assert "[heading 3 pNone] 3.2.1. Les principes structurants de la pratique" in alpa
    alotra = corpus_text["001_78458b5e8fd56282.txt"]
    assert "[heading 1 pNone] 01 Qui sommes nous" in alotra


def test_a_lone_connector_between_diagram_boxes_is_not_a_heading() -> None:
    detector = HeadingDetector()
    assert detector.level("OU", "Bonne tenue de logement", "1er avertissement") is None
    assert detector.level("ET", "Relogement", "Accompagnement") is None
    assert detector.level("CADA", "Fin du paragraphe.", "Le centre accueille") == 5
    assert detector.level("NOS VALEURS", "", "Solidarité") == 5


def test_a_table_of_contents_is_not_read_as_headings_nor_indexed() -> None:
    """« 3.3.2. L'habitat social 14 » on a contents page would put every passage under
    the last heading of the contents, and rank as a passage that answers nothing."""
    contents = ["SOMMAIRE", "1. LE PROJET 4", "1.1. UN CONTEXTE EN MOUVEMENT 4",
                "1.2. LES PRINCIPES DU PROJET 5", "2. LES PUBLICS ACCUEILLIS 6",
                "2.1. LES FAMILLES LOGÉES 7", ""]
    body = ["1. Le projet", "1.1. Un contexte", "en mouvement",
            "Le foyer accueille des familles depuis vingt ans.",
            "1.2. Les principes du projet", "La personne est au centre de l'accompagnement.",
            "2. Les publics accueillis", "2.1. Les familles logées",
            "Quarante familles sont logées chaque année."]
    blocks = clean_plain_text("\n".join(contents + body))
    texts = [b.text for b in blocks]
    assert not any(t.endswith((" 4", " 5", " 6", " 7")) for t in texts), texts
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert headings[-2:] == ["2. Les publics accueillis", "2.1. Les familles logées"]


def test_a_list_of_criteria_with_their_points_is_not_a_table_of_contents() -> None:
    call = ["Critères de sélection", "1. Pertinence du projet 30", "2. Partenariats 30",
            "3. Budget et cofinancements 20", "4. Évaluation 20",
            "Le dossier est à déposer avant le 15 mars."]
    texts = " ".join(b.text for b in clean_plain_text("\n".join(call)))
    assert "Pertinence du projet 30" in texts and "Évaluation 20" in texts
