"""« Rédiger un document »: facts, drafting progress, review of each section, export."""

from __future__ import annotations

import queue
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app.web.session import display_name, folder_of, owner_of
from generators.changes import summary
from generators.completeness import report
from generators.draft import Draft, Section
from generators.service import DraftingService
from generators.sources import number_sources
from knowledge.errors import CanevasError

MAX_FACTS = 8
_STATUS = {"brouillon": "○ brouillon", "relu": "◐ relu", "validé": "● validé"}


def _fail(exc: Exception) -> gr.Error:
    if isinstance(exc, CanevasError):
        return gr.Error(str(exc))
    return gr.Error(f"L'opération a échoué ({type(exc).__name__}). Réessayez.")


@dataclass(frozen=True)
class _Form:
    """The drafting form's inputs, read back by ``DraftPage.start``."""

    kind: gr.Dropdown
    call: gr.File
    browser_id: gr.BrowserState
    facts: list[gr.Textbox]


class DraftPage:
    """Builds the drafting tab and wires it to the drafting service."""

    def __init__(self, drafting: DraftingService, exports_dir: Path) -> None:
        self.drafting = drafting
        self.exports_dir = exports_dir
        self.templates = {t.id: t for t in drafting.types()}

    def build(self, browser_id: gr.BrowserState) -> None:
        current = gr.State(None)
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                kind = gr.Dropdown([(t.title, t.id) for t in self.templates.values()],
                                   label="Type de document", elem_id="draft-type")
                facts = [gr.Textbox(visible=False, elem_id=f"fact-{i}") for i in range(MAX_FACTS)]
                call = gr.File(label="Cahier des charges de l'appel (facultatif)", visible=False,
                               file_types=[".pdf", ".docx", ".odt", ".txt", ".md"],
                               elem_id="call-file")
                start = gr.Button("Rédiger", variant="primary", elem_id="draft-start")
                progress = gr.Markdown(elem_id="draft-progress")
                mine = gr.Dropdown(label="Mes brouillons", choices=[], elem_id="my-drafts")
            with gr.Column(scale=3):
                title = gr.Markdown("Choisissez un type de document, remplissez ce que vous "
                                    "savez, puis « Rédiger ».", elem_id="draft-title")
                section = gr.Dropdown(label="Section", choices=[], elem_id="section")
                state = gr.Markdown(elem_id="section-status")
                text = gr.Textbox(label="Texte de la section ([n] renvoie aux sources)",
                                  lines=12, elem_id="section-text")
                with gr.Accordion("Sources et passages de la section", open=False):
                    evidence = gr.Markdown(elem_id="section-evidence")
                reviewer = gr.Textbox(label="Votre nom (signe la relecture)",
                                      elem_id="reviewer")
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
                with gr.Row():
                    final = gr.Button("Exporter en Word (version finale)", elem_id="export-final")
                    draft_export = gr.Button("Exporter un brouillon", elem_id="export-draft")
                download = gr.File(label="Document Word", elem_id="download", interactive=False)
        view = [title, section, state, text, evidence, completeness]
        self._form = _Form(kind, call, browser_id, facts)
        kind.change(self.form, kind, [*facts, call])
        start.click(self.start, {kind, call, browser_id, *facts},
                    [progress, current, mine, *view])
        mine.select(self.open, [mine, browser_id], [current, *view])
        section.change(self.show, [current, section, browser_id], view)
        save.click(self.edit, [current, section, text, reviewer, browser_id], view)
        regenerate.click(self.regenerate, [current, section, reviewer, browser_id], view)
        reviewed.click(self.mark("relu", False), [current, section, reviewer, browser_id], view)
        validate.click(self.mark("validé", False), [current, section, reviewer, browser_id],
                       view)
        validate_all.click(self.mark("validé", True), [current, section, reviewer, browser_id],
                           view)
        add_comment.click(self.comment(False), [current, section, comment, reviewer, browser_id],
                          [*view, comment])
        flag.click(self.comment(True), [current, section, comment, reviewer, browser_id],
                   [*view, comment])
        final.click(self.export(False), [current, reviewer, browser_id], download)
        draft_export.click(self.export(True), [current, reviewer, browser_id], download)
        self.refresh_inputs = [browser_id]
        self.refresh_outputs = [mine]

    def drafts(self, browser_id: str, request: gr.Request) -> Any:
        owner = owner_of(request, browser_id)
        return gr.update(choices=[(f"{d.title} ({d.validated}/{d.sections} validées)", d.id)
                                  for d in self.drafting.summaries(owner)])

    def form(self, type_id: str | None) -> list[Any]:
        template = self.templates.get(type_id or "")
        updates: list[Any] = []
        for index in range(MAX_FACTS):
            if template is None or index >= len(template.facts):
                updates.append(gr.update(visible=False, value=""))
                continue
            fact = template.facts[index]
            hint = (" / ".join(fact.choices.values()) if fact.choices else fact.example)
            label = fact.label + ("" if fact.required else " (facultatif)")
            updates.append(gr.update(visible=True, label=label, value="", placeholder=hint))
        updates.append(gr.update(visible=template is not None and template.mode == "call"))
        return updates

    def start(self, values: dict[Any, Any], request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """Draft section by section, showing each finished one (``values``: the form's
        components and what they hold, as Gradio passes a set of inputs)."""
        form = self._form
        type_id, call, browser_id = (values[form.kind], values[form.call],
                                     values[form.browser_id])
        texts = [values[box] for box in form.facts]
        template = self.templates.get(type_id or "")
        if template is None:
            raise gr.Error("Choisissez un type de document.")
        owner = owner_of(request, browser_id)
        facts = {f.key: str(v).strip() for f, v in zip(template.facts, texts, strict=False)
                 if str(v or "").strip()}
        call_path = Path(call) if call else None
        lines: list[str] = []
        events: queue.Queue[str | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def progress(section: Section, done: int, total: int) -> None:
            found = f"{len(section.citations)} source(s)" if section.citations else "à compléter"
            events.put(f"{done}/{total} — {section.title} : {found}")

        def work() -> None:
            try:
                outcome["draft"] = self.drafting.new(type_id or "", facts, call_path, owner,
                                                     progress)
            except Exception as exc:
                outcome["error"] = exc
            finally:
                events.put(None)

        threading.Thread(target=work, daemon=True).start()
        blank = [gr.update()] * 6
        yield ("Rédaction en cours…", None, gr.update(), *blank)
        while (line := events.get()) is not None:
            lines.append(f"- {line}")
            yield ("Rédaction en cours…\n\n" + "\n".join(lines), None, gr.update(), *blank)
        if "error" in outcome:
            raise _fail(outcome["error"])
        draft: Draft = outcome["draft"]
        done = (f"Brouillon prêt en {draft.timings.get('total_seconds', 0):.0f} s "
                f"({len(draft.sections)} sections).\n\n" + "\n".join(lines))
        yield (done, draft.id, self.drafts(browser_id, request),
               *self._view(draft, draft.sections[0].id))

    def open(self, draft_id: str | None, browser_id: str, request: gr.Request) -> tuple[Any, ...]:
        if not draft_id:
            return (None, *[gr.update()] * 6)
        draft = self._get(draft_id, browser_id, request)
        return (draft.id, *self._view(draft, draft.sections[0].id))

    def show(self, draft_id: str | None, section_id: str | None, browser_id: str,
             request: gr.Request) -> tuple[Any, ...]:
        if not draft_id or not section_id:
            return tuple(gr.update() for _ in range(6))
        return self._view(self._get(draft_id, browser_id, request), section_id)

    def _get(self, draft_id: str, browser_id: str, request: gr.Request) -> Draft:
        try:
            return self.drafting.get(draft_id, owner_of(request, browser_id))
        except CanevasError as exc:
            raise _fail(exc) from exc

    def _view(self, draft: Draft, section_id: str) -> tuple[Any, ...]:
        section = draft.section(section_id)
        numbering = number_sources(draft)
        choices = [(f"{_STATUS[s.status]} — {s.title}", s.id) for s in draft.sections]
        status = [f"**{_STATUS[section.status]}** · {section.requirement} · {section.source}"]
        if section.note:
            status.append(f"Note : {section.note}")
        status += [f"- ⚠️ À compléter : {m}" for m in section.missing]
        status += [f"- ⚑ {f.reason} ({f.by})" for f in section.flags]
        status += [f"- 💬 {c.by} : {c.text}" for c in section.comments]
        if section.changes:
            status.append(summary(section.changes))
        mapping = numbering.by_section.get(section.id, {})
        sources = [f"**[{mapping.get(c.n, c.n)}] {c.title}** ({c.source})"
                   + (f", section « {c.section} »" if c.section else "")
                   + (f", p. {c.page}" if c.page else "") + f"\n\n> {c.quote}"
                   for c in section.citations]
        return (f"### {draft.title}", gr.update(choices=choices, value=section.id),
                "\n\n".join(status), section.text,
                "\n\n".join(sources) or "Aucune source pour cette section.",
                self._completeness(draft))

    @staticmethod
    def _completeness(draft: Draft) -> str:
        covered = report(draft)
        lines = [f"**Complétude** : {covered.mandatory_supported:.0%} des sections "
                 f"obligatoires sourcées · {len(draft.pending)} section(s) à valider", "",
                 "| Section | Exigence | Sources | Couverture | Statut |",
                 "| --- | --- | --- | --- | --- |"]
        for row in covered.sections:
            length = f" ({row.chars}/{row.max_chars} car.)" if row.max_chars else ""
            lines.append(f"| {row.title} | {row.requirement} | {row.citations} | "
                         f"{row.coverage}{length} | {row.status} |")
        lines += [f"\nAnnexe à joindre ({a['requirement']}) : {a['title']}"
                  for a in draft.annexes]
        return "\n".join(lines)

    def _act(self, draft_id: str | None, section_id: str | None, browser_id: str,
             request: gr.Request, action: Any) -> tuple[Any, ...]:
        if not draft_id or not section_id:
            raise gr.Error("Ouvrez d'abord un brouillon.")
        owner = owner_of(request, browser_id)
        try:
            action(owner)
        except CanevasError as exc:
            raise _fail(exc) from exc
        return self._view(self.drafting.get(draft_id, owner), section_id)

    def edit(self, draft_id: str | None, section_id: str | None, text: str, reviewer: str,
             browser_id: str, request: gr.Request) -> tuple[Any, ...]:
        return self._act(draft_id, section_id, browser_id, request, lambda owner: (
            self.drafting.edit(draft_id or "", section_id or "", text,
                               display_name(request, reviewer), owner)))

    def regenerate(self, draft_id: str | None, section_id: str | None, reviewer: str,
                   browser_id: str, request: gr.Request) -> tuple[Any, ...]:
        return self._act(draft_id, section_id, browser_id, request, lambda owner: (
            self.drafting.regenerate(draft_id or "", section_id or "",
                                     display_name(request, reviewer), owner)))

    def mark(self, status: str, everything: bool) -> Any:
        def handler(draft_id: str | None, section_id: str | None, reviewer: str,
                    browser_id: str, request: gr.Request) -> tuple[Any, ...]:
            return self._act(draft_id, section_id, browser_id, request, lambda owner: (
                self.drafting.mark(draft_id or "", None if everything else [section_id or ""],
                                   status, display_name(request, reviewer), owner)))
        return handler

    def comment(self, verify: bool) -> Any:
        def handler(draft_id: str | None, section_id: str | None, text: str, reviewer: str,
                    browser_id: str, request: gr.Request) -> tuple[Any, ...]:
            view = self._act(draft_id, section_id, browser_id, request, lambda owner: (
                self.drafting.comment(draft_id or "", section_id or "", text,
                                      display_name(request, reviewer), verify, owner)))
            return (*view, "")
        return handler

    def export(self, brouillon: bool) -> Any:
        def handler(draft_id: str | None, reviewer: str, browser_id: str,
                    request: gr.Request) -> str:
            if not draft_id:
                raise gr.Error("Ouvrez d'abord un brouillon.")
            owner = owner_of(request, browser_id)
            folder = self.exports_dir / folder_of(owner)
            folder.mkdir(parents=True, exist_ok=True)
            target = Path(tempfile.mkdtemp(dir=folder)) / (
                f"{draft_id}{'-brouillon' if brouillon else ''}.docx")
            try:
                path = self.drafting.export(draft_id, target, brouillon,
                                            by=getattr(request, "username", None)
                                            or reviewer or "", owner=owner)
            except CanevasError as exc:
                raise _fail(exc) from exc
            return str(path)
        return handler
