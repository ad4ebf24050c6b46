"""Write a draft as a Word document a committee can hand to a funder (python-docx).

Cover page, table of contents field (Word fills it on opening; its entries are
pre-written so other readers show them too), real heading styles, numbered citations
with a « Sources » section, highlighted « À compléter » placeholders, reviewer comments
and « à vérifier » flags as Word comments, annexes, and « BROUILLON » on every page of
a draft export. Styles can come from the association's own .docx template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from generators.changes import summary
from generators.completeness import report
from generators.draft import PLACEHOLDER, Draft
from generators.facts import money
from generators.sources import Numbering, number_sources
from generators.template import TemplateError, get_template
from knowledge.errors import CanevasError
from knowledge.french import MONTHS
from knowledge.limits import Limits
from knowledge.loaders.safety import check_office_archive

_TOKENS = re.compile(rf"({PLACEHOLDER.pattern}|\[\d+\])")
DRAFT_MARK = "BROUILLON — version de relecture"
_REQUIREMENT = {"obligatoire": "Obligatoire", "recommandé": "Recommandé",
                "à confirmer": "À confirmer"}


class ExportError(CanevasError):
    """The document could not be written (template unusable, destination not writable)."""


def french_date(day: date) -> str:
    """« 1er décembre 2026 », « 2 décembre 2026 »: the first of the month is ordinal."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def _open(template: Path | None, limits: Limits) -> DocxDocument:
    if template is None:
        return Document()
    if not template.is_file():
        raise ExportError(f"Modèle Word introuvable : {template}")
    try:
        check_office_archive(template, limits)
        document = Document(str(template))
    except CanevasError as exc:
        raise ExportError(f"Modèle Word refusé ({template.name}) : {exc}") from exc
    except Exception as exc:
        raise ExportError(f"Le modèle Word {template.name} est illisible ({type(exc).__name__}) "
                          ": ouvrez-le et réenregistrez-le au format .docx.") from exc
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _ensure_styles(document: DocxDocument) -> None:
    """Heading styles must exist (with outline levels) for the table of contents."""
    names = {s.name for s in document.styles}
    for level in (1, 2):
        name = f"Heading {level}"
        if name not in names:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
            style.font.bold = True
            style.font.size = Pt(16 if level == 1 else 13)
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            style.element.get_or_add_pPr().append(outline)
    if "Title" not in names:
        style = document.styles.add_style("Title", WD_STYLE_TYPE.PARAGRAPH)
        style.font.size = Pt(26)
        style.font.bold = True


def _field(paragraph: Paragraph, instruction: str, result: str = "") -> None:
    """A Word field (page number, table of contents) Word computes when it opens."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None),
                       ("text", result), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)
        elif kind == "text":
            run.text = text or ""
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                char.set(qn("w:dirty"), "true")
            run._r.append(char)


def _update_fields_on_open(document: DocxDocument) -> None:
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


# Facts a funder or a board reads on the cover, when the person gave them.
_COVER_FACTS = (("residence", "Structure"), ("etablissement", "Établissement"),
                ("projet", "Projet"), ("financeur", "Financeur sollicité"),
                ("montant", "Montant demandé"), ("dates", "Période"), ("periode", "Période"))


def _cover(document: DocxDocument, draft: Draft, final: bool, version: int,
           today: date, cited: bool = True) -> None:
    document.add_paragraph(draft.title, style="Title")
    lines = [("Association", draft.facts.get("association", ""))]
    lines += [(label, money(draft.facts[key]) if key == "montant" else draft.facts[key])
              for key, label in _COVER_FACTS if draft.facts.get(key)]
    lines += [("Date", french_date(today)), ("Version", str(version))]
    if not final:
        lines.append(("Statut", "BROUILLON — version de relecture, pas le document final"))
    if draft.call:
        lines.insert(1, ("Appel à projets", f"{draft.call['title']} ({draft.call['source']})"))
    if draft.previous and draft.previous.get("doc_id"):
        lines.insert(1, ("Version précédente", f"{draft.previous['title']} "
                                               f"({draft.previous['source']})"))
    for label, value in lines:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label} : ").bold = True
        paragraph.add_run(value)
    paragraph = document.add_paragraph()
    paragraph.add_run("Rédigé avec Canevas à partir de la base documentaire de l'association"
                      + (" ; chaque passage repris est numéroté et sa source est listée à la "
                         "fin." if cited else ".")).italic = True
    paragraph.add_run().add_break(WD_BREAK.PAGE)


def _contents(document: DocxDocument, headings: Sequence[str]) -> None:
    title = document.add_paragraph()
    title.add_run("Sommaire").bold = True
    title.runs[0].font.size = Pt(16)
    paragraph = document.add_paragraph()
    _field(paragraph, 'TOC \\o "1-2" \\h \\z \\u', headings[0] if headings else "")
    for heading in headings[1:]:
        document.add_paragraph(heading)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _header_footer(document: DocxDocument, draft: Draft, final: bool) -> None:
    for section in document.sections:
        header = section.header.paragraphs[0] if section.header.paragraphs else (
            section.header.add_paragraph())
        header.text = ""
        run = header.add_run(draft.title if final else DRAFT_MARK)
        if not final:
            run.bold = True
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
            run.font.size = Pt(14)
        header.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        footer = section.footer.paragraphs[0] if section.footer.paragraphs else (
            section.footer.add_paragraph())
        footer.text = ""
        footer.add_run("Page ")
        _field(footer, "PAGE", "1")
        footer.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER


def _write_text(paragraph: Paragraph, text: str) -> list[Run]:
    runs = []
    for token in _TOKENS.split(text):
        if not token:
            continue
        run = paragraph.add_run(token)
        if PLACEHOLDER.fullmatch(token):
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        runs.append(run)
    return runs


def _set_widths(document: DocxDocument, table: Table, shares: Sequence[float]) -> None:
    """Columns as shares of the text width: equal columns (python-docx's default) cut a
    criterion's title mid-word (« Compréhensi-on ») while « Barème » holds a number.
    Both the grid (LibreOffice reads it) and each cell (Word reads it) are set."""
    section = document.sections[-1]
    usable = (section.page_width or Cm(21)) - (section.left_margin or 0) - (
        section.right_margin or 0)
    table.autofit = False
    for column, share in zip(table.columns, shares, strict=True):
        width = Emu(int(usable * share / sum(shares)))
        column.width = width
        for cell in column.cells:
            cell.width = width


def _coverage_table(document: DocxDocument, draft: Draft) -> None:
    document.add_heading("Correspondance avec les critères de l'appel", level=1)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid" if "Table Grid" in {s.name for s in document.styles} else None
    for cell, label in zip(table.rows[0].cells, ("Critère", "Sources citées", "Couverture",
                                                 "Longueur", "Barème"), strict=True):
        cell.text = label
    for item in report(draft).sections:
        if not item.id.startswith("critere_"):
            continue
        length = f"{item.chars} / {item.max_chars}" if item.max_chars else str(item.chars)
        for cell, value in zip(table.add_row().cells,
                               (item.title, str(item.citations), item.coverage, length,
                                item.points or ""), strict=True):
            cell.text = value
    _set_widths(document, table, (3.6, 1.3, 1.8, 1.6, 1.5))


def _comparison(document: DocxDocument, draft: Draft, numbering: Numbering) -> None:
    document.add_heading("Comparaison avec le projet précédent", level=1)
    document.add_paragraph(f"Version précédente : {draft.previous['title']} "
                           f"({draft.previous['source']}).")
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid" if "Table Grid" in {s.name for s in document.styles} else None
    for cell, label in zip(table.rows[0].cells, ("Section", "Version précédente",
                                                 "Nouvelle version"), strict=True):
        cell.text = label
    for section in draft.sections:
        cells = table.add_row().cells
        cells[0].text = section.title
        cells[1].text = " ".join(section.changes.get("precedent", [])) or "—"
        cells[2].text = numbering.text(section)
    _set_widths(document, table, (1, 2, 2))


def export_docx(draft: Draft, destination: Path, final: bool, template: Path | None = None,
                limits: Limits | None = None, today: date | None = None) -> Path:
    """Write ``draft`` to ``destination``; ``final`` only once every section is validated
    (checked by the caller, see ``review.check_exportable``)."""
    today = today or date.today()
    document = _open(template, limits or Limits())
    _ensure_styles(document)
    numbering = number_sources(draft)
    version = draft.version + 1
    document.core_properties.title = draft.title
    document.core_properties.author = draft.facts.get("association", "Canevas")
    document.core_properties.comments = f"Version {version}" + ("" if final else " (brouillon)")
    cited = not final or _final_sources(draft.type_id)
    _cover(document, draft, final, version, today, cited)
    # Only the citation marks: « [2019] » written by the reviewer is no citation.
    marks = re.compile(r"\s?\[(?:" + "|".join(str(n.n) for n in numbering.sources) + r")\]"
                       ) if numbering.sources else None
    headings = [s.title for s in draft.sections] + ["Annexes"] + (["Sources"] if cited else [])
    if draft.call and not final:
        headings.insert(0, "Correspondance avec les critères de l'appel")
    if draft.previous and draft.previous.get("doc_id") and not final:
        headings.insert(-2, "Comparaison avec le projet précédent")
    _contents(document, headings)
    if draft.call and not final:
        _coverage_table(document, draft)
    for section in draft.sections:
        heading = document.add_heading(section.title, level=1)
        if not final:
            meta = document.add_paragraph()
            mark = meta.add_run(f"{_REQUIREMENT.get(section.requirement, section.requirement)}"
                                f" — {section.source} — statut : {section.status}")
            mark.italic = True
            mark.font.size = Pt(9)
        anchors: list[tuple[str, list[Run]]] = []
        for block in numbering.text(section).split("\n\n"):
            if not cited and marks is not None:
                block = marks.sub("", block)
            paragraph = document.add_paragraph()
            anchors.append((block, _write_text(paragraph, block)))
        if final:
            continue
        if draft.previous and section.changes:
            changed = document.add_paragraph()
            changed.add_run(summary(section.changes)).italic = True
        for comment in section.comments:
            document.add_comment(heading.runs, comment.text, comment.by, _initials(comment.by))
        for flag in section.flags:
            runs = next((r for block, r in anchors if flag.text[:40] in block), heading.runs)
            document.add_comment(runs, flag.reason, flag.by, _initials(flag.by))
    if draft.previous and draft.previous.get("doc_id") and not final:
        _comparison(document, draft, numbering)
    document.add_heading("Annexes", level=1)
    if not draft.annexes:
        document.add_paragraph("Aucune annexe requise pour ce type de document.")
    for annex in draft.annexes:
        paragraph = document.add_paragraph(style="List Bullet" if "List Bullet" in {
            s.name for s in document.styles} else None)
        paragraph.add_run(annex["title"]).bold = True
        paragraph.add_run(f" — {_REQUIREMENT.get(annex['requirement'], annex['requirement'])} "
                          f"({annex['source']}) : à joindre.")
    if cited:
        _sources(document, numbering)
    _header_footer(document, draft, final)
    _update_fields_on_open(document)
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        document.save(str(destination))
    except OSError as exc:
        raise ExportError(f"Impossible d'écrire {destination} : {exc.strerror}.") from exc
    return destination


def _final_sources(type_id: str) -> bool:
    """Whether the final document of this type keeps its citations (yes when the type's
    template is gone: a saved draft outlives its template)."""
    try:
        return get_template(type_id).final_sources
    except TemplateError:
        return True


def _sources(document: DocxDocument, numbering: Numbering) -> None:
    """The « Sources » section: each number with its document, section, page and quote."""
    document.add_heading("Sources", level=1)
    if not numbering.sources:
        document.add_paragraph("Aucune source citée.")
    for source in numbering.sources:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"[{source.n}] ").bold = True
        paragraph.add_run(f"{source.label()}. ")
        paragraph.add_run(f"« {source.ref.quote} »").italic = True


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:3]).upper() or "C"
