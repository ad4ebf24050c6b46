"""« Base documentaire »: upload files or a folder, list, remove, re-index, glossary.

An upload is ingested under the person's own file name (``uploads/NAME``), so a second
upload of the same name replaces the document; Gradio's temporary copy and that staging
copy are deleted as soon as the file is ingested: only what the base keeps (the
pseudonymised rendition when personal data was found) stays in the data directory.
"""

from __future__ import annotations

import hashlib
import queue
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app.web.errors import failure, user_error
from assistant.app.web.session import Sessions
from assistant.app.web.text import inert, plain
from knowledge.base import FileOutcome, IngestReport, KnowledgeBase, Overrides
from knowledge.errors import CanevasError
from knowledge.metadata import DOC_TYPES, LEGAL_TEXT

_STATUS_FR = {"added": "✔ ajouté", "updated": "↻ mis à jour (remplace l'ancienne version)",
              "unchanged": "= inchangé", "failed": "✖ en échec"}
_SAFE = re.compile(r"[^\w.\- ]+")
_HEADERS = ["Fichier", "Titre", "Organisation", "Type", "Année", "Passages", "Ajouté le"]


def safe_name(name: str) -> str:
    """A file name without any directory part or odd character: uploads stay where we
    put them."""
    base = _SAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return base[:150] or "document"


def _date(stamp: str) -> str:
    """``2026-11-28T20:31:05…`` as ``28/11/2026``."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", stamp or "")
    return f"{match[3]}/{match[2]}/{match[1]}" if match else ""


class LibraryPage:
    """Builds the document-base tab; the base is shared by the association's staff."""

    def __init__(self, kb: KnowledgeBase, uploads_dir: Path, sessions: Sessions,
                 temp_dir: Path) -> None:
        self.kb = kb
        self.uploads_dir = uploads_dir
        self.temp_dir = temp_dir
        self.sessions = sessions
        self._lock = threading.Lock()

    def build(self) -> None:
        private: dict[str, Any] = {"api_visibility": "private"}
        with gr.Row():
            with gr.Column(scale=1, min_width=280):
                files = gr.File(label="Fichiers à ajouter (PDF, Word, ODT, texte, Markdown, "
                                "HTML)", file_count="multiple", elem_id="upload")
                folder = gr.File(label="Ou un dossier entier", file_count="directory",
                                 elem_id="upload-folder")
                with gr.Accordion("Organisation, type et année (facultatif)", open=False):
                    gr.Markdown("Laissés vides, Canevas les devine à partir du document. "
                                "Pour corriger un document déjà ajouté, ajoutez-le à "
                                "nouveau avec les bonnes valeurs : il est remplacé.")
                    organisation = gr.Textbox(label="Organisation", elem_id="upload-org")
                    kind = gr.Dropdown(label="Type de document",
                                       choices=["", *DOC_TYPES, LEGAL_TEXT], value="",
                                       elem_id="upload-type")
                    year = gr.Textbox(label="Année (AAAA)", elem_id="upload-year")
                ingest = gr.Button("Ajouter à la base", variant="primary", elem_id="ingest")
                status = gr.Markdown(elem_id="ingest-status")
                outcome = gr.Dataframe(headers=["Fichier", "Résultat", "Détail"],
                                       datatype=["str", "str", "str"], wrap=True,
                                       label="Résultat (ajout ou réindexation)",
                                       elem_id="ingest-results",
                                       interactive=False, column_widths=["32%", "26%", "42%"])
            with gr.Column(scale=2):
                counts = gr.Markdown(elem_id="counts")
                documents = gr.Dataframe(headers=_HEADERS, datatype=["str"] * 7, wrap=True,
                                         label="Documents de la base", elem_id="documents",
                                         interactive=False,
                                         column_widths=["16%", "21%", "16%", "13%", "8%",
                                                        "11%", "15%"])
                chosen = gr.Dropdown(label="Choisir un document pour le corriger ou le retirer",
                                     choices=[], elem_id="remove-choice")
                with gr.Row():
                    edit_org = gr.Textbox(label="Organisation", elem_id="edit-org")
                    edit_type = gr.Dropdown(label="Type", choices=[*DOC_TYPES, LEGAL_TEXT],
                                            allow_custom_value=True, elem_id="edit-type")
                    edit_year = gr.Textbox(label="Année", elem_id="edit-year")
                with gr.Row():
                    save_meta = gr.Button("Enregistrer organisation, type et année",
                                          elem_id="save-metadata")
                    remove = gr.Button("Retirer de la base", variant="stop", elem_id="remove")
                    reindex = gr.Button("Réindexer toute la base", elem_id="reindex")
                edited = gr.Markdown(elem_id="metadata-saved")
                with gr.Accordion("Glossaire des sigles", open=False):
                    glossary = gr.Dataframe(headers=["Sigle", "Signification", "Source"],
                                            datatype=["str"] * 3, wrap=True,
                                            elem_id="glossary", interactive=False)
        listing = [counts, documents, chosen, glossary]
        ingest.click(self.ingest, [files, folder, organisation, kind, year],
                     [status, outcome, *listing, files, folder], show_progress="hidden",
                     **private)
        remove.click(self.remove, chosen, listing, **private)
        chosen.change(self.details, chosen, [edit_org, edit_type, edit_year],
                      show_progress="hidden", **private)
        save_meta.click(self.save_metadata, [chosen, edit_org, edit_type, edit_year],
                        [edited, *listing], **private)
        reindex.click(self.reindex, None, [status, outcome, *listing],
                      show_progress="hidden", **private)
        self.refresh_outputs = listing

    def listing(self) -> tuple[Any, ...]:
        records = self.kb.documents()
        rows = [[plain(r.source), plain(r.title), plain(r.organisation or "non renseignée"),
                 r.doc_type, str(r.year or ""), str(r.chunk_count), _date(r.created_at)]
                for r in records]
        chunks = sum(r.chunk_count for r in records)
        entries = [[plain(e["sigle"]), plain(e["definition"]), plain(e["source"])]
                   for e in self.kb.glossary_entries()]
        counts = (f"**{len(records)} document(s)**, {chunks} passages indexés, "
                  f"{len(entries)} sigle(s) au glossaire.")
        choices = [(plain(f"{r.source} — {r.title}"), r.doc_id) for r in records]
        return counts, rows, gr.update(choices=choices, value=None), entries

    @staticmethod
    def _overrides(organisation: str, kind: str, year: str) -> Overrides:
        year = (year or "").strip()
        if year and not re.fullmatch(r"(19|20)\d\d", year):
            raise user_error(f"Année « {year} » : écrivez-la sur quatre chiffres, par "
                             "exemple 2024.")
        return Overrides(organisation=(organisation or "").strip() or None,
                         doc_type=kind or None, year=int(year) if year else None)

    def ingest(self, files: list[str] | None, folder: list[str] | None, organisation: str,
               kind: str, year: str, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Ingest each upload under its own name, saying in French where it is, then
        delete every temporary copy."""
        uploads = [Path(u) for u in [*(files or []), *(folder or [])]]
        # Read now, before the first progress message: Gradio may drop its temporary
        # copy while the page is updated (seen in the browser tests), and a file read
        # here is never lost to that.
        received = {u: _read(u) for u in uploads}
        prints = {u: _fingerprint(d) for u, d in received.items()}
        keep = [gr.update()] * 6
        lines: list[str] = []
        try:
            self.sessions.owner(request)
            if not uploads:
                raise user_error("Choisissez d'abord des fichiers ou un dossier.")
            overrides = self._overrides(organisation, kind, year)
            self.uploads_dir.mkdir(parents=True, exist_ok=True)
            report = IngestReport()
            with self._lock:
                for done, upload in enumerate(uploads):
                    name = safe_name(upload.name)
                    yield ("\n".join([*lines, f"- ◌ {inert(name)} : lecture, recherche des "
                                       f"données personnelles et indexation… ({done + 1} sur "
                                       f"{len(uploads)})"]), gr.update(), *keep)
                    staged = self.uploads_dir / name
                    data = received[upload]
                    if data is None:
                        outcomes = [FileOutcome(name, "failed", "le fichier n'a pas été reçu "
                                                "en entier : envoyez-le à nouveau")]
                    else:
                        outcomes = self._ingest_one(data, staged, overrides)
                    report.outcomes += outcomes
                    lines += [f"- {_STATUS_FR[o.status]} : {inert(name)}"
                              + (f" — {inert(o.message)}" if o.message else "")
                              for o in outcomes]
                    _discard(upload)
        except CanevasError as exc:
            raise failure(exc) from exc
        finally:
            for upload in uploads:
                _discard(upload)
            _discard_copies(self.temp_dir, prints)
        counts = report.counts
        summary = (f"**Terminé** : {counts['added']} ajouté(s), {counts['updated']} mis à "
                   f"jour, {counts['unchanged']} inchangé(s), {counts['failed']} en échec.")
        rows = [[plain(Path(o.path).name), _STATUS_FR[o.status], plain(o.message or "")]
                for o in report.outcomes]
        yield ("\n".join([summary, "", *lines]), rows, *self.listing(), None, None)

    def _ingest_one(self, data: bytes, staged: Path, overrides: Overrides) -> list[FileOutcome]:
        """Ingest one upload under its own name; its staging copy never outlives this."""
        try:
            staged.write_bytes(data)
            return self.kb.ingest([staged], overrides).outcomes
        finally:
            staged.unlink(missing_ok=True)

    def details(self, doc_id: str | None) -> tuple[Any, Any, Any]:
        record = next((r for r in self.kb.documents() if r.doc_id == doc_id), None)
        if record is None:
            return "", None, ""
        return record.organisation or "", record.doc_type, str(record.year or "")

    def save_metadata(self, doc_id: str | None, organisation: str, kind: str, year: str,
                      request: gr.Request) -> tuple[Any, ...]:
        try:
            self.sessions.owner(request)
            if not doc_id:
                raise user_error("Choisissez d'abord le document à corriger.")
            overrides = self._overrides(organisation, kind, year)
            record = self.kb.set_metadata(doc_id, overrides.organisation,
                                          overrides.doc_type or "", overrides.year)
        except CanevasError as exc:
            raise failure(exc) from exc
        saved = (f"✔ Enregistré pour « {inert(record.source)} » : organisation "
                 f"« {inert(record.organisation or 'non renseignée')} », type "
                 f"« {inert(record.doc_type)} », année {record.year or 'non renseignée'}.")
        counts, rows, _, glossary = self.listing()
        return saved, counts, rows, gr.update(), glossary

    def remove(self, doc_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        try:
            self.sessions.owner(request)
            if not doc_id:
                raise user_error("Choisissez le document à retirer.")
            self.kb.remove(doc_id)
        except CanevasError as exc:
            raise failure(exc) from exc
        gr.Info("Document retiré de la base.")
        return self.listing()

    def reindex(self, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Re-read every document from its kept copy, saying in French which one is
        being read (Gradio's own progress bar is not shown: it speaks English)."""
        try:
            self.sessions.owner(request)
        except CanevasError as exc:
            raise failure(exc) from exc
        keep = [gr.update()] * 5
        events: queue.Queue[tuple[str, int, int] | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                with self._lock:
                    outcome["report"] = self.kb.reindex(
                        progress=lambda name, done, total: events.put((name, done, total)))
            except Exception as exc:
                outcome["error"] = exc
            finally:
                events.put(None)

        threading.Thread(target=work, name="canevas-reindex", daemon=True).start()
        yield ("◌ Réindexation : préparation…", *keep)
        while (event := events.get()) is not None:
            name, done, total = event
            if name:
                yield (f"◌ Réindexation de « {inert(name)} » ({done + 1} sur {total})…",
                       *keep)
        if "error" in outcome:
            raise failure(outcome["error"])
        report = outcome["report"]
        counts = report.counts
        said = {**_STATUS_FR, "updated": "↻ réindexé"}
        rows = [[plain(Path(o.path).name), said[o.status], plain(o.message or "")]
                for o in report.outcomes]
        summary = (f"**Réindexation terminée** : {len(report.outcomes)} document(s) relu(s), "
                   f"{counts['failed']} en échec.")
        yield (summary, rows, *self.listing())


def _discard(upload: Path) -> None:
    """Delete Gradio's temporary copy of an upload and its folder when empty."""
    try:
        upload.unlink(missing_ok=True)
        upload.parent.rmdir()
    except OSError:
        pass



def _read(path: Path) -> bytes | None:
    """The upload's bytes (None: Gradio's copy is already gone)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _fingerprint(data: bytes | None) -> tuple[int, str] | None:
    return None if data is None else (len(data), hashlib.sha256(data).hexdigest())


def _discard_copies(temp_dir: Path, uploads: dict[Path, tuple[int, str] | None]) -> None:
    """Gradio keeps the file it received and the copy it hands the function in two
    folders of its temporary directory: delete every file there with the same name and
    content as an upload (never the exports folder)."""
    names = {u.name for u in uploads}
    prints = {p for p in uploads.values() if p is not None}
    if not prints or not temp_dir.is_dir():
        return
    for candidate in temp_dir.glob("*/*"):
        if (candidate.name in names and candidate.parent.name != "exports"
                and _fingerprint(_read(candidate)) in prints):
            _discard(candidate)
