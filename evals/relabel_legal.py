"""Re-infer which documents of an existing base are code articles, in place:
``python -m evals.relabel_legal DATA_DIR``.

Why: measuring the seed corpus with ``../shared/corpus-extra/codes-2020`` beside it needs
a base of 5,282 files; ingesting it again to get the « texte juridique » type and the
empty organisation that ingestion now infers re-embeds 11,667 passages (their context
line names the type and organisation): about two hours on two busy cores. This applies
the same inference (``knowledge.metadata.is_legal_text`` on the stored title and first
passages) to the stored records and leaves everything else as it was: the vectors and
keyword index (whose context lines still name the old type and organisation), and the
text of documents pseudonymised before legal texts were typed public (a code's chapter
heading « [Personne N] : … » stays so, and is then not recognised as a legal text). A
document whose type the user set is left alone. A measurement tool, not a user command:
a user's base gets its types at ingestion.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from knowledge.manifest import Manifest
from knowledge.metadata import LEGAL_TEXT, is_legal_text


@click.command()
@click.argument("data", type=click.Path(exists=True, file_okay=False, path_type=Path))
def main(data: Path) -> None:
    manifest = Manifest(data / "manifest.sqlite")
    changed = 0
    for record in manifest.documents():
        if record.doc_type == LEGAL_TEXT or "doc_type" in json.loads(record.overrides or "{}"):
            continue
        chunks = sorted(manifest.chunks_of([record.doc_id]), key=lambda c: c.ordinal)[:5]
        text = "\n".join([record.title, *(c.text for c in chunks)])
        if is_legal_text(record.title, text):
            manifest.set_metadata(record.doc_id, None, LEGAL_TEXT, record.year,
                                  record.overrides or "{}")
            changed += 1
    manifest.close()
    click.echo(f"{changed} documents typed « {LEGAL_TEXT} »")


if __name__ == "__main__":
    main()
