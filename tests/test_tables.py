"""Table rows keep their header in every loader that reads tables."""

from __future__ import annotations

from pathlib import Path

from knowledge.limits import Limits
from knowledge.loaders.html import load_html
from knowledge.loaders.text import load_markdown
from knowledge.tables import row_text


def test_a_row_is_written_under_its_columns() -> None:
    header = ["Indicateur", "2023", "2024"]
    assert row_text(["Ménages relogés", "44", "51"], header) == (
        "Ménages relogés — 2023 : 44 ; 2024 : 51")
    assert row_text(["a", "b"], header) == "a | b"


def test_markdown_and_html_tables_keep_their_header(tmp_path: Path) -> None:
    md = tmp_path / "bilan.md"
    md.write_text("| Indicateur | 2023 |\n| --- | --- |\n| Ménages relogés | 44 |\n\n"
                  "Texte.\n\n| Année | Places |\n| --- | --- |\n| 2024 | 12 |\n",
                  encoding="utf-8")
    rows = [b.text for b in load_markdown(md, Limits()).blocks if b.kind == "table_row"]
    assert rows == ["Indicateur | 2023", "Ménages relogés — 2023 : 44", "Année | Places",
                    "2024 — Places : 12"]
    page = tmp_path / "bilan.html"
    page.write_text("<table><tr><th>Indicateur</th><th>2023</th></tr>"
                    "<tr><td>Ménages relogés</td><td>44</td></tr></table>", encoding="utf-8")
    rows = [b.text for b in load_html(page, Limits()).blocks if b.kind == "table_row"]
    assert rows == ["Indicateur | 2023", "Ménages relogés — 2023 : 44"]


def test_odt_table_keeps_its_header(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    from knowledge.loaders.odt import load_odt

    document = OpenDocumentText()
    table = Table(name="Bilan")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for cells in (["Indicateur", "2023"], ["Ménages relogés", "44"]):
        row = TableRow()
        for text in cells:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    path = tmp_path / "bilan.odt"
    document.save(str(path))
    rows = [b.text for b in load_odt(path, Limits()).blocks if b.kind == "table_row"]
    assert rows == ["Indicateur | 2023", "Ménages relogés — 2023 : 44"]
