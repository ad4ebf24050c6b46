"""Drafting parts without the knowledge base: templates, calls, store, review, Word export."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import RGBColor

from generators.call import CallError, read_call
from generators.docx_export import DRAFT_MARK, ExportError, export_docx, french_date
from generators.draft import Draft, Section, SourceRef
from generators.review import ExportRefused, Reviewer, ReviewError, check_exportable
from generators.store import DraftNotFound, DraftStore, now
from generators.template import TemplateError, get_template, load_templates, parse_template
from knowledge.limits import Limits
from tests.conftest import soffice

CALL = Path(__file__).resolve().parents[1] / "evals" / "data" / "drafting" / (
    "appel_a_projets_lien_social_2027.md")


def test_every_template_loads_with_sources_and_queries() -> None:
    templates = load_templates()
    assert {"projet_social", "livret_accueil_essms", "livret_accueil_logement_foyer",
            "demande_subvention", "projet_associatif"} <= set(templates)
    for template in templates.values():
        for section in template.sections:
            assert section.queries and section.source and section.purpose
    social = templates["projet_social"]
    assert sum(s.mandatory for s in social.sections) >= 10
    duree = next(s for s in social.sections if s.id == "duree")
    _, note = duree.for_structure("pension_de_famille")
    assert "L633-1" in note
    essms = templates["livret_accueil_essms"]
    assert [a.requirement for a in essms.annexes] == ["obligatoire", "obligatoire"]
    assert any("Charte des droits" in a.title for a in essms.annexes)


def test_the_residence_phone_never_answers_the_emergency_numbers() -> None:
    """A blind read found « Numéros d'urgence et astreinte : 04 91 00 00 00 », the
    reception number the person gave: a resident must not call it for an emergency."""
    for template in load_templates().values():
        for section in template.sections:
            for question in section.questions:
                if "urgence" in question.text.lower():
                    assert "telephone" not in question.facts, (template.id, question.text)


def test_broken_template_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "mauvais.yaml"
    path.write_text("id: mauvais\ntitle: T\ndescription: D\nfacts:\n  - key: association\n"
                    "    label: A\nsections:\n  - id: s\n    title: S\n    purpose: P\n"
                    "    queries: [q]\n    requirement: obligatoire\n    source: X\n"
                    "    target_words: 100\n    lead: '{capacite} places'\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"mauvais\.yaml.*capacite"):
        parse_template(path)
    path.write_text("id: x\ntitle: [", encoding="utf-8")
    with pytest.raises(TemplateError, match="mal formé"):
        parse_template(path)


def test_call_criteria_with_limits_and_weights() -> None:
    call = read_call(CALL, Limits())
    assert len(call.criteria) == 7
    first = call.criteria[0]
    assert first.title == "Présentation du porteur"
    assert first.max_chars == 1500 and first.points == "15 points"
    assert "caractères" not in first.text and "points" not in first.text
    assert [c.max_chars for c in call.criteria] == [1500, 2000, 1000, 2500, 1500, 1500, 1000]


def test_call_from_a_word_file_and_a_call_without_criteria(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("Appel à projets Jeunes et logement", level=1)
    document.add_paragraph("Le département finance des actions pour les jeunes.")
    document.add_heading("Questions auxquelles répondre", level=2)
    for question in ("Quel est le public visé par le projet ? (500 mots maximum)",
                     "Quels partenaires sont associés au projet ?",
                     "Comment le projet sera-t-il évalué ? (1 page maximum)"):
        document.add_paragraph(question, style="List Number")
    path = tmp_path / "appel.docx"
    document.save(str(path))
    call = read_call(path, Limits())
    assert [c.number for c in call.criteria] == [1, 2, 3]
    assert call.criteria[0].max_chars == int(500 * 6.5)
    assert call.criteria[2].max_chars == 3000
    empty = tmp_path / "vide.md"
    empty.write_text("# Appel\n\nUn texte sans aucune question ni critère.\n", encoding="utf-8")
    with pytest.raises(CallError, match="Aucun critère"):
        read_call(empty, Limits())
    broken = tmp_path / "casse.docx"
    broken.write_bytes(b"PK\x03\x04 pas un vrai docx")
    with pytest.raises(CallError, match="illisible"):
        read_call(broken, Limits())


def _section(section_id: str, text: str, requirement: str = "obligatoire") -> Section:
    return Section(
        id=section_id, title=f"Section {section_id}", purpose="Dire ce qui est fait.",
        requirement=requirement, source="CCH L633-4", target_words=80,
        spec={"queries": ["q"], "elements": []}, stage="vérifié", text=text,
        citations=[SourceRef(1, ["doc-1"], "rapport.pdf", "Rapport 2023", "Actions", 4, 2023,
                             "Les résidents se réunissent chaque mois."),
                   SourceRef(2, ["doc-2"], "projet.pdf", "Projet", "Valeurs", None, 2015,
                             "Nous gérons 120 logements.")])


def _draft(store: DraftStore, owner: str = "") -> Draft:
    stamp = now()
    draft = Draft(id="", type_id="projet_social", title="Projet social — Les Tilleuls",
                  facts={"association": "Toit Commun"}, owner=owner, created_at=stamp,
                  updated_at=stamp, organisation="Toit Commun",
                  annexes=[{"title": "Règlement intérieur", "requirement": "obligatoire",
                            "source": "CCH R633-9"}],
                  sections=[
                      _section("participation", "Les résidents se réunissent chaque mois. [1]"),
                      _section("bati", "Nous gérons 120 logements. [2]\n\n"
                               "[À compléter : nombre de places]"),
                  ])
    return store.create(draft)


def test_review_rules_and_journal(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite")
    reviewer = Reviewer(store)
    draft = _draft(store)
    with pytest.raises(ReviewError, match="bati"):
        reviewer.set_status(draft.id, None, "validé", "Claire Martin")
    reviewer.set_status(draft.id, None, "validé", "Claire Martin", accept_gaps=True)
    edited = reviewer.edit(draft.id, "participation",
                           "Les résidents se réunissent chaque mois en comité. [1]", "Paul")
    assert edited.status == "relu"
    with pytest.raises(ReviewError, match=r"\[7\]"):
        reviewer.edit(draft.id, "participation", "Texte [7].", "Paul")
    with pytest.raises(ReviewError, match="vide"):
        reviewer.edit(draft.id, "participation", "   ", "Paul")
    with pytest.raises(ReviewError, match="--by"):
        reviewer.edit(draft.id, "participation", "Texte.", " ")
    kept = store.get(draft.id)
    assert kept.section("participation").text.endswith("en comité. [1]")
    with pytest.raises(ExportRefused, match="participation"):
        check_exportable(kept, brouillon=False)
    check_exportable(kept, brouillon=True)
    journal = store.journal(draft.id)
    assert [e.action for e in journal] == ["validation", "validation", "modification"]
    assert journal[-1].previous_text == "Les résidents se réunissent chaque mois. [1]"
    assert journal[-1].by == "Paul"


def test_drafts_are_private_forgotten_and_purged(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite")
    mine = _draft(store, owner="alice")
    other = _draft(store, owner="bob")
    with pytest.raises(DraftNotFound):
        store.get(mine.id, owner="bob")
    assert [d.id for d in store.list(owner="alice")] == [mine.id]
    Reviewer(store).comment(other.id, "bati", "Voir avec Ousmane Keita", "Claire", owner="bob")
    assert store.forget(["ousmane keita"]) == 1
    assert [d.id for d in store.list()] == [mine.id]
    raw = (tmp_path / "drafts.sqlite").read_bytes()
    assert b"Ousmane Keita" not in raw
    assert store.purge(older_than_days=-1) == 1
    assert store.list() == []


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_export_structure_reopened_with_python_docx(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft = _draft(store)
    reviewer = Reviewer(store)
    reviewer.comment(draft.id, "participation", "Préciser la fréquence.", "Claire Martin")
    reviewer.comment(draft.id, "bati", "chiffre de 2015", "Paul Roux", verify=True)
    reviewer.set_status(draft.id, None, "validé", "Claire Martin", accept_gaps=True)
    path = export_docx(store.get(draft.id), tmp_path / "final.docx", final=True)
    document = Document(str(path))
    styles = [(p.style.name if p.style else None, p.text) for p in document.paragraphs]
    assert ("Title", "Projet social — Les Tilleuls") in styles
    assert ("Heading 1", "Section participation") in styles
    assert ("Heading 1", "Sources") in styles and ("Heading 1", "Annexes") in styles
    text = _docx_text(path)
    assert "Association : Toit Commun" in text and "Version : 1" in text
    assert "[1] « Rapport 2023 » (rapport.pdf), section « Actions », page 4." in text
    highlighted = [r for p in document.paragraphs for r in p.runs
                   if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert [r.text for r in highlighted] == ["[À compléter : nombre de places]"]
    assert "statut" not in text and "CCH L633-4" not in text and not list(document.comments)
    review = Document(str(export_docx(store.get(draft.id), tmp_path / "relecture.docx",
                                      final=False)))
    comments = {c.text: c.author for c in review.comments}
    assert comments == {"Préciser la fréquence.": "Claire Martin",
                        "À vérifier : chiffre de 2015": "Paul Roux"}
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode()
        settings = archive.read("word/settings.xml").decode()
    assert "TOC \\o" in body and "updateFields" in settings
    assert all(DRAFT_MARK not in s.header.paragraphs[0].text for s in document.sections)


def test_the_cover_writes_the_amount_asked_as_an_amount(tmp_path: Path) -> None:
    """« Montant demandé : 180000 » (a blind read, as a funder): the cover writes it
    with its thousands apart and its currency."""
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft = store.get(_draft(store).id)
    draft.facts["montant"] = "180000"
    text = _docx_text(export_docx(draft, tmp_path / "relecture.docx", final=False))
    assert "Montant demandé : 180\u00a0000\u00a0€" in text, text[:400]


def test_the_criteria_table_gives_the_criterion_its_room(tmp_path: Path) -> None:
    """Five equal columns cut « Compréhension » mid-word on the page (a blind read): the
    criterion's column is the widest, in the grid LibreOffice reads and in each cell."""
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft = store.get(_draft(store).id)
    draft.call = {"title": "Appel lien social 2027", "source": "appel.md"}
    criterion = _section("critere_1", "Nous connaissons le territoire. [1]")
    criterion.title = "Compréhension des besoins et du contexte territorial"
    criterion.criterion = {"points": "25 points"}
    draft.sections.append(criterion)
    document = Document(str(export_docx(draft, tmp_path / "relecture.docx", final=False)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Critère")
    widths = [column.width or 0 for column in table.columns]
    assert widths[0] > 1.5 * max(widths[1:]), widths
    assert all(cell.width == widths[0] for cell in table.columns[0].cells)


def test_draft_export_marks_every_page_and_converts(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft = _draft(store)
    path = export_docx(store.get(draft.id), tmp_path / "brouillon.docx", final=False)
    document = Document(str(path))
    assert all(s.header.paragraphs[0].text == DRAFT_MARK for s in document.sections)
    assert "BROUILLON — version de relecture" in _docx_text(path)
    command = soffice()
    profile = tmp_path / "lo-profile"
    subprocess.run([command, "--headless", "--norestore",
                    f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True,
                   timeout=180)
    pdf = tmp_path / "brouillon.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    assert all("BROUILLON" in page for page in pages)


def test_styles_come_from_the_association_template(tmp_path: Path) -> None:
    template = Document()
    template.styles["Heading 1"].font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    template.add_paragraph("Texte d'exemple du modèle, à ne pas reprendre.")
    template_path = tmp_path / "charte.docx"
    template.save(str(template_path))
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft = _draft(store)
    path = export_docx(store.get(draft.id), tmp_path / "out.docx", final=False,
                       template=template_path)
    document = Document(str(path))
    assert document.styles["Heading 1"].font.color.rgb == RGBColor(0x12, 0x34, 0x56)
    assert "Texte d'exemple" not in _docx_text(path)
    not_docx = tmp_path / "faux.docx"
    not_docx.write_text("pas un document Word", encoding="utf-8")
    with pytest.raises(ExportError, match="Modèle Word refusé"):
        export_docx(store.get(draft.id), tmp_path / "x.docx", final=False, template=not_docx)


def test_a_livret_for_residents_reads_without_citation_marks_in_its_final_export(
        tmp_path: Path) -> None:
    """A livret d'accueil is handed to the people accommodated: « [1] » after each
    sentence and a list of source documents are the team's, not theirs (blind read,
    round s30). Its final export has neither; the review export keeps both, and a
    projet social keeps them in its final export too."""
    store = DraftStore(tmp_path / "drafts.sqlite")
    stamp = now()
    livret = store.create(Draft(
        id="", type_id="livret_accueil_logement_foyer", title="Livret d'accueil — Les Tilleuls",
        facts={"association": "Toit Commun"}, owner="", created_at=stamp, updated_at=stamp,
        organisation="Toit Commun",
        sections=[_section("vie", "Les résidents se réunissent chaque mois. [1] "
                                  "Nous gérons 120 logements. [2] Règlement [2019].")]))
    Reviewer(store).set_status(livret.id, None, "validé", "Claire Martin")
    final = _docx_text(export_docx(store.get(livret.id), tmp_path / "final.docx", final=True))
    assert "Les résidents se réunissent chaque mois. Nous gérons 120 logements." in final
    assert "[1]" not in final and "[2]" not in final and "Sources" not in final
    assert "source" not in final and "Règlement [2019]." in final
    review = _docx_text(export_docx(store.get(livret.id), tmp_path / "relecture.docx",
                                    final=False))
    assert "chaque mois. [1]" in review and "Sources" in review
    social = _draft(store)
    Reviewer(store).set_status(social.id, None, "validé", "Claire Martin", accept_gaps=True)
    kept = _docx_text(export_docx(store.get(social.id), tmp_path / "social.docx", final=True))
    assert "chaque mois. [1]" in kept and "Sources" in kept


def test_completeness_is_told_in_counts_not_a_share(tmp_path: Path) -> None:
    """« 100 % des sections obligatoires sourcées » was shown for a livret whose sections
    are all « recommandé » while two of them said only « À compléter » (newcomer run,
    round s31): the line now counts sections with sources, open items and sections to
    validate."""
    from generators.completeness import report
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft = _draft(store)
    draft.sections[1].citations = []
    draft.sections[1].missing = ["nombre de places"]
    for section in draft.sections:
        section.requirement = "recommandé"
    line = report(draft).summary(len(draft.pending))
    assert line == ("1 section(s) sur 2 avec des sources ; 1 élément(s) à compléter ; "
                    "2 section(s) à valider"), line


def test_a_reopened_draft_shows_a_choice_by_its_label_not_its_code() -> None:
    """The form stores « residence_sociale » for « résidence sociale »; a reopened draft
    showed the code (newcomer run, round s31). The label is shown, and drafting reads
    it back as the same choice."""
    from assistant.app.web.draft_page import DraftPage
    from generators.template import get_template
    template = get_template("livret_accueil_logement_foyer")
    index = next(i for i, f in enumerate(template.facts) if f.key == "type_structure")
    shown = DraftPage._fields(template, {"type_structure": "residence_sociale"})[index]
    assert shown["value"] == "résidence sociale", shown
    # The association is suggested among the base's, not by the template's example.
    first = DraftPage._fields(template, {}, ["Toit Commun"])[0]
    assert first["placeholder"] == "Dans votre base : Toit Commun", first


def test_a_rule_the_law_settles_for_a_kind_is_not_searched_in_the_base() -> None:
    """The Pléiades livret (a pension de famille) gave « Sa durée peut varier de 6 à 18
    mois », another scheme's, under its own note « le séjour n'est pas limité dans le
    temps »: for a pension de famille the note answers the duration question."""
    contrat = next(s for s in get_template("livret_accueil_logement_foyer").sections
                   if s.id == "contrat")
    asked = [q.text for q in contrat.for_structure("pension_de_famille")[0].questions]
    assert not any("durée" in q for q in asked) and asked
    kept = [q.text for q in contrat.for_structure("residence_sociale")[0].questions]
    assert any("durée" in q for q in kept)


def test_the_first_of_the_month_is_written_as_french_writes_it() -> None:
    """A board member reading a livret's cover saw « 1 décembre 2026 » (round s35)."""
    from datetime import date

    assert french_date(date(2026, 12, 1)) == "1er décembre 2026"
    assert french_date(date(2026, 12, 2)) == "2 décembre 2026"
