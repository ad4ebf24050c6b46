"""The drafting service the CLI and the web app call: draft, review, export."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generators.completeness import CompletenessReport, report
from generators.docx_export import export_docx
from generators.draft import Draft, Section
from generators.drafter import Drafter, Progress
from generators.review import Reviewer, check_exportable
from generators.store import DraftStore, DraftSummary, Event, now
from generators.template import Template
from knowledge.limits import Limits


@dataclass
class DraftingService:
    drafter: Drafter
    reviewer: Reviewer
    store: DraftStore
    limits: Limits

    def types(self) -> list[Template]:
        return self.drafter.types()

    def organisations(self) -> list[str]:
        """The associations whose documents the base holds (the form suggests them)."""
        return self.drafter.organisations()

    def new(self, type_id: str, facts: dict[str, str], call: Path | None = None,
            owner: str = "", progress: Progress | None = None) -> Draft:
        """Plan and draft a document; every section is saved as soon as it is written."""
        started = time.perf_counter()
        draft = self.drafter.create(type_id, facts, call, owner)
        draft = self.drafter.run(draft.id, owner, progress)
        draft.timings["total_seconds"] = round(time.perf_counter() - started, 2)
        self.store.save_header(draft, owner=owner)
        return draft

    def resume(self, draft_id: str, owner: str | None = None,
               progress: Progress | None = None) -> Draft:
        return self.drafter.run(draft_id, owner, progress)

    def get(self, draft_id: str, owner: str | None = None) -> Draft:
        return self.store.get(draft_id, owner)

    def summaries(self, owner: str | None = None) -> list[DraftSummary]:
        return self.store.list(owner)

    def journal(self, draft_id: str, owner: str | None = None) -> list[Event]:
        return self.store.journal(draft_id, owner)

    def completeness(self, draft_id: str, owner: str | None = None) -> CompletenessReport:
        return report(self.store.get(draft_id, owner))

    def edit(self, draft_id: str, section_id: str, text: str, by: str,
             owner: str | None = None) -> Section:
        return self.reviewer.edit(draft_id, section_id, text, by, owner)

    def comment(self, draft_id: str, section_id: str, text: str, by: str, verify: bool = False,
                owner: str | None = None) -> Section:
        return self.reviewer.comment(draft_id, section_id, text, by, verify, owner)

    def regenerate(self, draft_id: str, section_id: str, by: str,
                   owner: str | None = None) -> Section:
        return self.drafter.regenerate(draft_id, section_id, by, owner)

    def mark(self, draft_id: str, sections: list[str] | None, status: str, by: str,
             owner: str | None = None, accept_gaps: bool = False) -> list[Section]:
        """Set the status; validating « À compléter » needs ``accept_gaps`` (raises
        ``GapsRemain``, whose message lists the sections, otherwise)."""
        return self.reviewer.set_status(draft_id, sections, status, by, owner, accept_gaps)

    def export(self, draft_id: str, destination: Path, brouillon: bool = False,
               template: Path | None = None, by: str = "", owner: str | None = None,
               today: date | None = None, accept_gaps: bool = False) -> Path:
        """Write the .docx; refused unless every section is validated or ``brouillon``,
        and, when « À compléter » remain, unless ``accept_gaps``."""
        draft = self.store.get(draft_id, owner)
        check_exportable(draft, brouillon, accept_gaps)
        path = export_docx(draft, destination, final=not brouillon, template=template,
                           limits=self.limits, today=today)
        draft.version += 1
        self.store.save_header(draft, Event(now(), by or "Canevas", "", "export",
                                            f"version {draft.version}"
                                            + (" (brouillon)" if brouillon else ""), ""),
                               owner)
        return path

    def delete(self, draft_id: str, owner: str | None = None) -> None:
        self.store.delete(draft_id, owner)
