"""« Base documentaire »: upload files or a folder, list, remove, re-index, glossary."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app.web.session import folder_of, owner_of
from knowledge.base import KnowledgeBase
from knowledge.errors import CanevasError

_STATUS_FR = {"added": "ajouté", "updated": "mis à jour", "unchanged": "inchangé",
              "failed": "en échec"}
_SAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """A file name without any directory part or odd character: uploads stay where we
    put them."""
    base = _SAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return base[:150] or "document"


class LibraryPage:
    """Builds the document-base tab; the base is shared by the association's staff."""

    def __init__(self, kb: KnowledgeBase, uploads_dir: Path) -> None:
        self.kb = kb
        self.uploads_dir = uploads_dir

    def build(self, browser_id: gr.BrowserState) -> None:
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                files = gr.File(label="Fichiers à ajouter (PDF, Word, ODT, texte, HTML)",
                                file_count="multiple", elem_id="upload")
                folder = gr.File(label="Ou un dossier entier", file_count="directory",
                                 elem_id="upload-folder")
                ingest = gr.Button("Ajouter à la base", variant="primary", elem_id="ingest")
                outcome = gr.Dataframe(headers=["Fichier", "Résultat", "Détail"],
                                       label="Résultat de l'ajout", elem_id="ingest-results",
                                       interactive=False)
            with gr.Column(scale=2):
                counts = gr.Markdown(elem_id="counts")
                documents = gr.Dataframe(
                    headers=["Identifiant", "Fichier", "Titre", "Organisation", "Type", "Année",
                             "Passages"], label="Documents", elem_id="documents",
                    interactive=False)
                with gr.Row():
                    chosen = gr.Dropdown(label="Document", choices=[], elem_id="remove-choice")
                    remove = gr.Button("Retirer de la base", variant="stop", elem_id="remove")
                    reindex = gr.Button("Réindexer toute la base", elem_id="reindex")
                with gr.Accordion("Glossaire des sigles", open=False):
                    glossary = gr.Dataframe(headers=["Sigle", "Signification", "Source"],
                                            elem_id="glossary", interactive=False)
        listing = [counts, documents, chosen, glossary]
        ingest.click(self.ingest, [files, folder, browser_id], [outcome, *listing, files, folder])
        remove.click(self.remove, chosen, listing)
        reindex.click(self.reindex, None, [outcome, *listing])
        self.refresh_inputs: list[Any] = []
        self.refresh_outputs = listing

    def listing(self) -> tuple[Any, ...]:
        records = self.kb.documents()
        rows = [[r.doc_id, r.source, r.title, r.organisation or "?", r.doc_type, r.year or "",
                 r.chunk_count] for r in records]
        chunks = sum(r.chunk_count for r in records)
        entries = [[e["sigle"], e["definition"], e["source"]] for e in self.kb.glossary_entries()]
        counts = (f"**{len(records)} document(s)**, {chunks} passages indexés, "
                  f"{len(entries)} sigle(s) au glossaire.")
        choices = [(f"{r.source} — {r.title}", r.doc_id) for r in records]
        return counts, rows, gr.update(choices=choices, value=None), entries

    def ingest(self, files: list[str] | None, folder: list[str] | None, browser_id: str,
               request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Copy the uploads under the data directory, then ingest them with progress."""
        uploads = [*(files or []), *(folder or [])]
        if not uploads:
            raise gr.Error("Choisissez d'abord des fichiers ou un dossier.")
        owner = owner_of(request, browser_id)
        target = self.uploads_dir / folder_of(owner)
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target))
        copies: list[Path] = []
        for upload in uploads:
            source = Path(upload)
            copy = staging / safe_name(source.name)
            while copy.exists():
                copy = copy.with_name(f"_{copy.name}")
            shutil.copyfile(source, copy)
            copies.append(copy)

        def show(name: str, done: int, total: int) -> None:
            progress((done, total), desc=f"{name}")

        try:
            report = self.kb.ingest(copies, progress=show)
        except CanevasError as exc:
            raise gr.Error(str(exc)) from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        rows = [[Path(o.path).name, _STATUS_FR[o.status], o.message or ""]
                for o in report.outcomes]
        return (rows, *self.listing(), None, None)

    def remove(self, doc_id: str | None) -> tuple[Any, ...]:
        if not doc_id:
            raise gr.Error("Choisissez le document à retirer.")
        try:
            self.kb.remove(doc_id)
        except CanevasError as exc:
            raise gr.Error(str(exc)) from exc
        return self.listing()

    def reindex(self, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        def show(name: str, done: int, total: int) -> None:
            progress((done, total), desc=name)

        try:
            report = self.kb.reindex(progress=show)
        except CanevasError as exc:
            raise gr.Error(str(exc)) from exc
        rows = [[Path(o.path).name, _STATUS_FR[o.status], o.message or ""]
                for o in report.outcomes]
        return (rows, *self.listing())
