"""« Rédiger un document »: a guided flow — type, its fields, drafting with progress,
review of each section, export of a Word file named after the document.

Mistakes are explained in place in plain French (never CLI syntax); the review and
export controls appear once a draft exists; every text from the base is shown inert.
"""

from __future__ import annotations

import queue
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app.web.errors import failure, log
from assistant.app.web.guard import Downloads
from assistant.app.web.session import Sessions, display_name, folder_of
from assistant.app.web.text import inert
from generators.changes import summary
from generators.completeness import report
from generators.draft import Draft, Section
from generators.service import DraftingService
from generators.template import Template
from knowledge.errors import CanevasError

MAX_FACTS = 8
_NEEDED = frozenset({"association"})
_STATUS = {"brouillon": "○ brouillon", "relu": "◐ relu", "validé": "● validé"}
_CLI = re.compile(r"`?--?\w[\w-]*(?:[ =][^\s`»)]+)?`?|`canevas[^`]*`")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def plain_french(exc: Exception) -> str:
    """A service error as a person reads it: no command-line syntax."""
    if not isinstance(exc, CanevasError):
        log.error("échec inattendu : %s: %s", type(exc).__name__, exc, exc_info=exc)
        return (f"L'opération a échoué ({type(exc).__name__}). Réessayez ; si cela se "
                "reproduit, signalez-le à la personne qui installe Canevas.")
    message = str(exc)
    log.info("refusé : %s", " ".join(message.split())[:300])
    if "--set" in message or "--" in message or "`" in message:
        message = _CLI.sub("", message).replace("()", "").strip(" :;,.")
        message += " — remplissez les champs marqués d'un astérisque (*) puis recommencez."
    return message


def file_name(draft: Draft, brouillon: bool) -> str:
    """« Projet social — Pension de famille Saint-Éloi — brouillon.docx »."""
    title = " ".join(_UNSAFE_NAME.sub(" ", draft.title).split())[:150] or "Document"
    return f"{title} — brouillon.docx" if brouillon else f"{title}.docx"


@dataclass(frozen=True)
class _Form:
    """The drafting form's inputs, read back by ``DraftPage.start``."""

    kind: gr.Radio
    call: gr.File
    facts: list[gr.Textbox]


class DraftPage:
    """Builds the drafting tab and wires it to the drafting service."""

    def __init__(self, drafting: DraftingService, exports_dir: Path, sessions: Sessions,
                 downloads: Downloads) -> None:
        self.drafting = drafting
        self.exports_dir = exports_dir
        self.sessions = sessions
        self.downloads = downloads
        self.templates = {t.id: t for t in drafting.types()}

    def build(self) -> None:
        private: dict[str, Any] = {"api_visibility": "private"}
        current = gr.State(None)
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                gr.Markdown("**1. Choisissez le type de document**")
                # A list, not a dropdown: the five names are long and a narrow menu cut them.
                kind = gr.Radio([(t.title, t.id) for t in self.templates.values()],
                                label="Type de document", elem_id="draft-type", value=None)
                fields_help = gr.Markdown("", elem_id="draft-fields-help")
                facts = [gr.Textbox(visible=False, elem_id=f"fact-{i}") for i in range(MAX_FACTS)]
                call = gr.File(label="Cahier des charges de l'appel (facultatif)", visible=False,
                               file_types=[".pdf", ".docx", ".odt", ".txt", ".md"],
                               elem_id="call-file")
                start = gr.Button("Rédiger", variant="primary", elem_id="draft-start",
                                  interactive=False)
                progress = gr.Markdown(elem_id="draft-progress")
                mine = gr.Radio(label="Mes brouillons (cliquez pour rouvrir)", choices=[],
                                elem_id="my-drafts")
            with gr.Column(scale=3):
                title = gr.Markdown("Choisissez un type de document, remplissez les champs, "
                                    "puis « Rédiger ». La relecture et l'export apparaîtront "
                                    "ici une fois le brouillon écrit.", elem_id="draft-title")
                with gr.Column(visible=False, elem_id="draft-editor") as editor:
                    section = gr.Dropdown(label="Section", choices=[], elem_id="section")
                    state = gr.Markdown(elem_id="section-status")
                    text = gr.Textbox(label="Texte de la section ([n] renvoie aux sources "
                                      "ci-dessous)", lines=12, elem_id="section-text")
                    with gr.Accordion("Sources de la section", open=True):
                        evidence = gr.Markdown(elem_id="section-evidence")
                    reviewer = gr.Textbox(label="Votre nom (signe la relecture)",
                                          elem_id="reviewer")
                    notice = gr.Markdown(elem_id="draft-notice")
                    with gr.Row():
                        save = gr.Button("Enregistrer le texte", elem_id="save-text")
                        regenerate = gr.Button("Régénérer", elem_id="regenerate")
                        reviewed = gr.Button("Marquer relu", elem_id="mark-reviewed")
                        validate = gr.Button("Valider", variant="primary", elem_id="validate")
                        validate_all = gr.Button("Tout valider", elem_id="validate-all")
                    comment = gr.Textbox(label="Commentaire de relecture", elem_id="comment")
                    with gr.Row():
                        add_comment = gr.Button("Ajouter le commentaire", elem_id="add-comment")
                        flag = gr.Button("Marquer « à vérifier »", elem_id="flag")
                    completeness = gr.Markdown(elem_id="completeness")
                    keep_gaps = gr.Checkbox(
                        label="Garder les lacunes : la version finale peut garder des "
                        "sections « À compléter » (validées telles quelles, signalées dans "
                        "le document)", value=False, elem_id="keep-gaps")
                    with gr.Row():
                        final = gr.Button("Exporter en Word (version finale)",
                                          elem_id="export-final")
                        draft_export = gr.Button("Exporter un brouillon", elem_id="export-draft")
                    exported = gr.Markdown(elem_id="export-notice")
                    download = gr.File(label="Document Word", elem_id="download",
                                       interactive=False)
        view = [title, section, state, text, evidence, completeness, editor]
        self._form = _Form(kind, call, facts)
        kind.input(self.form, kind, [*facts, call, fields_help, start], **private)
        # One listener for every box, one check at a time, the last one kept: a listener
        # per box answered out of order when boxes were filled quickly, and a check made
        # with a box still empty could come back last (« Encore vides : Type de
        # structure » under a filled form; newcomer run, round s31).
        gr.on([box.change for box in facts], self.check, [kind, *facts], [start, fields_help],
              show_progress="hidden", trigger_mode="always_last", concurrency_limit=1,
              **private)
        start.click(self.start, {kind, call, *facts}, [progress, current, mine, *view],
                    **private)
        mine.select(self.open, mine, [current, *view, kind, *facts, notice], **private)
        section.change(self.show, [current, section], view, **private)
        act = [current, section, reviewer]
        reviewing = [
            save.click(self.edit, [current, section, text, reviewer], [*view, notice],
                       **private),
            regenerate.click(self.regenerate, act, [*view, notice], **private),
            reviewed.click(self.mark("relu", False), act, [*view, notice], **private),
            validate.click(self.mark("validé", False), act, [*view, notice], **private),
            validate_all.click(self.mark("validé", True), act, [*view, notice], **private),
            add_comment.click(self.comment(False), [*act, comment],
                              [*view, notice, comment], **private),
            flag.click(self.comment(True), [*act, comment], [*view, notice, comment],
                       **private)]
        for event in reviewing:  # an export message no longer true once the draft changed
            event.then(lambda: "", None, exported, show_progress="hidden", **private)
        final.click(self.export(False), [current, reviewer, keep_gaps, section],
                    [download, exported, notice, mine, *view], **private)
        draft_export.click(self.export(True), [current, reviewer, keep_gaps, section],
                           [download, exported, notice, mine, *view], **private)
        self.refresh_outputs = [mine]

    def drafts(self, request: gr.Request) -> tuple[Any]:
        owner = self.sessions.owner(request)
        return (gr.update(choices=[(f"{d.title} ({d.validated}/{d.sections} validées)", d.id)
                                   for d in self.drafting.summaries(owner)]),)

    @staticmethod
    def _missing(template: Template | None, values: list[str],
                 blocking: bool) -> list[str]:
        """Labels of the empty required fields: those drafting cannot do without
        (``blocking``: the association, which chooses the documents), or the others."""
        if template is None:
            return []
        return [f.label for f, v in zip(template.facts, values, strict=False)
                if f.required and not str(v or "").strip()
                and (f.key in _NEEDED) == blocking]

    def _help(self, template: Template | None, values: list[str]) -> tuple[Any, Any]:
        if template is None:
            return gr.update(interactive=False), ""
        needed = self._missing(template, values, True)
        wanted = self._missing(template, values, False)
        text = (f"**2. Remplissez les champs** du document « {inert(template.title)} » "
                "(obligatoires marqués d'un astérisque *).")
        if needed:
            text += ("\n\nPour pouvoir rédiger, remplissez d'abord : "
                     + ", ".join(f"« {m} »" for m in needed) + ".")
        else:
            if wanted:
                text += ("\n\nEncore vides : " + ", ".join(f"« {m} »" for m in wanted)
                         + ". Vous pouvez rédiger quand même : ces passages seront marqués "
                         "« À compléter ».")
            text += "\n\n**3. Cliquez sur « Rédiger ».** Comptez une à quelques minutes."
        return gr.update(interactive=not needed), text

    @staticmethod
    def _fields(template: Template | None, values: dict[str, str],
                organisations: list[str] | None = None) -> list[Any]:
        """The form's boxes for a type: label (required ones marked), example as the
        placeholder, value; the same for a new form and a reopened draft. The association
        is suggested among those of the base (``organisations``), not by the template's
        example, which may be an association the base does not hold."""
        updates: list[Any] = []
        for index in range(MAX_FACTS):
            if template is None or index >= len(template.facts):
                updates.append(gr.update(visible=False, value=""))
                continue
            fact = template.facts[index]
            hint = ("Au choix : " + " / ".join(fact.choices.values()) if fact.choices
                    else (f"Par exemple : {fact.example}" if fact.example else ""))
            if fact.key == "association" and organisations:
                hint = "Dans votre base : " + " / ".join(organisations[:5])
            label = fact.label + (" *" if fact.required else " (facultatif)")
            value = values.get(fact.key, "")
            # A choice is stored by its code (« residence_sociale »), shown by its label.
            value = (fact.choices or {}).get(value, value)
            updates.append(gr.update(visible=True, label=label, placeholder=hint, value=value))
        return updates

    def form(self, type_id: str | None) -> list[Any]:
        template = self.templates.get(type_id or "")
        updates = self._fields(template, {}, self.drafting.organisations())
        updates.append(gr.update(visible=template is not None and template.mode == "call"))
        start, text = self._help(template, [""] * MAX_FACTS)
        return [*updates, text, start]

    def check(self, type_id: str | None, *values: str) -> tuple[Any, Any]:
        return self._help(self.templates.get(type_id or ""), list(values))

    def start(self, values: dict[Any, Any], request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Draft section by section, showing each finished one (``values``: the form's
        components and what they hold, as Gradio passes a set of inputs)."""
        form = self._form
        type_id, call = values[form.kind], values[form.call]
        texts = [values[box] for box in form.facts]
        template = self.templates.get(type_id or "")
        blank = [gr.update()] * 7
        if template is None:
            yield ("⚠️ Choisissez d'abord un type de document.", None, gr.update(), *blank)
            return
        missing = self._missing(template, texts, True)
        if missing:
            yield ("⚠️ À remplir avant de rédiger : " + ", ".join(f"« {m} »" for m in missing),
                   None, gr.update(), *blank)
            return
        owner = self.sessions.owner(request)
        facts = {f.key: str(v).strip() for f, v in zip(template.facts, texts, strict=False)
                 if str(v or "").strip()}
        call_path = Path(call) if call else None
        lines: list[str] = []
        events: queue.Queue[str | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def progress(section: Section, done: int, total: int) -> None:
            found = f"{len(section.citations)} source(s)" if section.citations else "à compléter"
            events.put(f"{done}/{total} — {inert(section.title)} : {found}")

        def work() -> None:
            try:
                outcome["draft"] = self.drafting.new(type_id or "", facts, call_path, owner,
                                                     progress)
            except Exception as exc:
                outcome["error"] = exc
            finally:
                events.put(None)

        threading.Thread(target=work, daemon=True).start()
        yield ("◌ Rédaction en cours : recherche des passages pour chaque section…", None,
               gr.update(), *blank)
        while (line := events.get()) is not None:
            lines.append(f"- {line}")
            yield ("◌ Rédaction en cours…\n\n" + "\n".join(lines), None, gr.update(), *blank)
        if "error" in outcome:
            yield ("⚠️ " + plain_french(outcome["error"]), None, gr.update(), *blank)
            return
        draft: Draft = outcome["draft"]
        done = (f"✔ Brouillon prêt en {draft.timings.get('total_seconds', 0):.0f} s "
                f"({len(draft.sections)} sections). Relisez chaque section à droite.\n\n"
                + "\n".join(lines))
        yield (done, draft.id, *self.drafts(request), *self._view(draft, draft.sections[0].id))

    def open(self, draft_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        keep = [gr.update()] * (MAX_FACTS + 1)
        if not draft_id:
            return (None, *[gr.update()] * 7, *keep, "")
        try:
            draft = self.drafting.get(draft_id, self.sessions.owner(request))
        except CanevasError as exc:
            return (None, *[gr.update()] * 7, *keep, "⚠️ " + plain_french(exc))
        facts = self._fields(self.templates.get(draft.type_id), draft.facts,
                             self.drafting.organisations())
        return (draft.id, *self._view(draft, draft.sections[0].id),
                gr.update(value=draft.type_id), *facts, "")

    def show(self, draft_id: str | None, section_id: str | None,
             request: gr.Request) -> tuple[Any, ...]:
        if not draft_id or not section_id:
            return tuple(gr.update() for _ in range(7))
        try:
            draft = self.drafting.get(draft_id, self.sessions.owner(request))
        except CanevasError as exc:
            raise failure(exc) from exc
        return self._view(draft, section_id)

    def _view(self, draft: Draft, section_id: str) -> tuple[Any, ...]:
        section = draft.section(section_id)
        choices = [(f"{_STATUS[s.status]} — {s.title}", s.id) for s in draft.sections]
        status = [f"**{_STATUS[section.status]}** · {inert(section.requirement)} · "
                  f"{inert(section.source)}"]
        if section.note:
            status.append(f"Note : {inert(section.note)}")
        status += [f"- ⚠️ À compléter : {inert(m)}" for m in section.missing]
        status += [f"- ⚑ {inert(f.reason)}"
                   + (f" : « {inert(f.excerpt)} »" if f.text else "")
                   + f" ({inert(f.by)})" for f in section.flags]
        status += [f"- 💬 {inert(c.by)} : {inert(c.text)}" for c in section.comments]
        if section.changes:
            status.append(inert(summary(section.changes)))
        sources = [f"**\\[{c.n}\\] {inert(c.title)}** ({inert(c.source)})"
                   + (f", section « {inert(c.section)} »" if c.section else "")
                   + (f", p. {c.page}" if c.page else "") + f"\n\n> {inert(c.quote)}"
                   for c in section.citations]
        return (f"### {inert(draft.title)}", gr.update(choices=choices, value=section.id),
                "\n\n".join(status), section.text,
                "\n\n".join(sources) or "Aucune source pour cette section.",
                self._completeness(draft), gr.update(visible=True))

    @staticmethod
    def _completeness(draft: Draft) -> str:
        covered = report(draft)
        lines = [f"**Complétude** : {covered.summary(len(draft.pending))}", "",
                 "| Section | Exigence | Sources | Couverture | Statut |",
                 "| --- | --- | --- | --- | --- |"]
        for row in covered.sections:
            length = f" ({row.chars}/{row.max_chars} car.)" if row.max_chars else ""
            lines.append(f"| {inert(row.title)} | {inert(row.requirement)} | {row.citations} | "
                         f"{inert(row.coverage)}{length} | {inert(row.status)} |")
        lines += [f"\nAnnexe à joindre ({inert(a['requirement'])}) : {inert(a['title'])}"
                  for a in draft.annexes]
        return "\n".join(lines)

    def _act(self, draft_id: str | None, section_id: str | None, request: gr.Request,
             action: Any, done: str) -> tuple[Any, ...]:
        if not draft_id or not section_id:
            return (*[gr.update()] * 7, "⚠️ Ouvrez d'abord un brouillon.")
        try:
            owner = self.sessions.owner(request)
            action(owner)
            draft = self.drafting.get(draft_id, owner)
        except CanevasError as exc:
            return (*[gr.update()] * 7, "⚠️ " + plain_french(exc))
        return (*self._view(draft, section_id), done)

    def edit(self, draft_id: str | None, section_id: str | None, text: str, reviewer: str,
             request: gr.Request) -> tuple[Any, ...]:
        return self._act(draft_id, section_id, request, lambda owner: (
            self.drafting.edit(draft_id or "", section_id or "", text,
                               display_name(request, reviewer), owner)),
            "✔ Texte enregistré.")

    def regenerate(self, draft_id: str | None, section_id: str | None, reviewer: str,
                   request: gr.Request) -> tuple[Any, ...]:
        return self._act(draft_id, section_id, request, lambda owner: (
            self.drafting.regenerate(draft_id or "", section_id or "",
                                     display_name(request, reviewer), owner)),
            "✔ Section réécrite à partir des documents.")

    def mark(self, status: str, everything: bool) -> Any:
        said = {"relu": "marquée relue", "validé": "validée"}[status]

        def handler(draft_id: str | None, section_id: str | None, reviewer: str,
                    request: gr.Request) -> tuple[Any, ...]:
            skipped: list[str] = []

            def act(owner: str) -> None:
                chosen = [section_id or ""]
                if everything:
                    draft = self.drafting.get(draft_id or "", owner)
                    chosen = [s.id for s in draft.sections if not s.missing]
                    skipped.extend(s.title for s in draft.sections if s.missing)
                if chosen:
                    self.drafting.mark(draft_id or "", chosen, status,
                                       display_name(request, reviewer), owner)

            view = self._act(draft_id, section_id, request, act, f"✔ Section {said}.")
            if not everything or view[-1].startswith("⚠️"):
                return view
            done = f"✔ Toutes les sections complètes ont été {said}s."
            if skipped:
                done = (f"✔ Sections complètes {said}s. Restent « À compléter » (complétez "
                        "le texte, enregistrez, puis validez-les une à une) :\n\n"
                        + "\n".join(f"- [ ] {inert(t)}" for t in skipped))
            return (*view[:-1], done)
        return handler

    def comment(self, verify: bool) -> Any:
        def handler(draft_id: str | None, section_id: str | None, reviewer: str, text: str,
                    request: gr.Request) -> tuple[Any, ...]:
            if not (text or "").strip():
                return (*[gr.update()] * 7, "⚠️ Écrivez d'abord le commentaire.", text)
            view = self._act(draft_id, section_id, request, lambda owner: (
                self.drafting.comment(draft_id or "", section_id or "", text,
                                      display_name(request, reviewer), verify, owner)),
                "✔ Commentaire ajouté.")
            return (*view, "")
        return handler

    @staticmethod
    def _refusal(draft: Draft, keep_gaps: bool) -> str:
        """Why the final export cannot be written yet, as a checklist; empty when it
        can. A section still « À compléter » blocks unless the person keeps the gaps."""
        left = [s for s in draft.sections
                if (s.placeholders and not keep_gaps) or (s.status != "validé"
                                                          and not s.placeholders)]
        if not left:
            return ""
        log.info("refusé : export final avec %d section(s) à valider ou à compléter",
                 len(left))
        lines = [f"- [ ] {inert(s.title)} — "
                 + ("contient « À compléter »" if s.placeholders else "à valider")
                 for s in left]
        text = ("**Export refusé** : la version finale demande que chaque section soit "
                "validée et complète. Reste :\n\n" + "\n".join(lines))
        if any(s.placeholders for s in left):
            text += ("\n\nPour exporter quand même la version finale avec ces lacunes "
                     "signalées, cochez « Garder les lacunes » puis recommencez.")
        return text + "\n\nOu choisissez « Exporter un brouillon »."

    def export(self, brouillon: bool) -> Any:
        def handler(draft_id: str | None, reviewer: str, keep_gaps: bool,
                    section_id: str | None, request: gr.Request) -> tuple[Any, ...]:
            """The file and what was done; the review view again when gap sections were
            validated by « Garder les lacunes »."""
            same: list[Any] = [gr.update()] * 9  # the notice, my drafts, the review view
            if not draft_id:
                return gr.update(), "⚠️ Ouvrez d'abord un brouillon.", *same
            keep = bool(keep_gaps) and not brouillon
            view = same
            try:
                owner = self.sessions.owner(request)
                draft = self.drafting.get(draft_id, owner)
                refusal = "" if brouillon else self._refusal(draft, keep)
                if refusal:
                    return gr.update(value=None), refusal, *same
                gaps = [s.id for s in draft.pending if s.placeholders]
                if keep and gaps:  # the person chose to keep them: validated as they are
                    self.drafting.mark(draft_id, gaps, "validé",
                                       display_name(request, reviewer), owner,
                                       accept_gaps=True)
                    draft = self.drafting.get(draft_id, owner)
                    view = ["", *self.drafts(request),
                            *self._view(draft, section_id or draft.sections[0].id)]
                folder = self.exports_dir / folder_of(owner)
                folder.mkdir(parents=True, exist_ok=True)
                target = Path(tempfile.mkdtemp(dir=folder)) / file_name(draft, brouillon)
                path = self.drafting.export(draft_id, target, brouillon,
                                            by=getattr(request, "username", None)
                                            or reviewer or "", owner=owner,
                                            accept_gaps=keep)
            except CanevasError as exc:
                return gr.update(value=None), "⚠️ " + plain_french(exc), *same
            self.downloads.add(Path(path))
            return (str(path), f"✔ Document Word prêt : « {inert(Path(path).name)} ».",
                    *view)
        return handler
