"""Human review of a draft: edit, comment, mark reviewed, validate, with who and when.

Status goes brouillon → relu → validé. Editing a validated section sends it back to
« relu »: what was validated is no longer what is written. The final export is refused
until every section is validated.
"""

from __future__ import annotations

from dataclasses import dataclass

from generators.completeness import check_section
from generators.draft import CITATION, Comment, Draft, Flag, Section
from generators.store import DraftStore, Event, now
from knowledge.errors import CanevasError

MAX_TEXT_CHARS = 100_000


class ReviewError(CanevasError):
    """A review action was refused; the message says why."""


class ExportRefused(CanevasError):
    """Final export asked for while some sections are not validated."""

    def __init__(self, pending: list[Section]) -> None:
        listing = "; ".join(f"{s.id} ({s.title}) : {s.status}" for s in pending)
        super().__init__(
            f"Export refusé : {len(pending)} section(s) pas encore validée(s) — {listing}. "
            "Validez-les (bouton « Valider », ou `canevas draft approve`) ou exportez un "
            "brouillon (« Exporter un brouillon », ou --brouillon).")
        self.pending = pending


class GapsRemain(ReviewError):
    """Validation or final export asked for while sections still hold « À compléter »."""

    def __init__(self, sections: list[Section], action: str, option: str) -> None:
        listing = "; ".join(f"{s.id} ({len(s.placeholders)} à compléter)" for s in sections)
        super().__init__(
            f"{action} : {len(sections)} section(s) contiennent encore « À compléter » — "
            f"{listing}. Complétez-les (`canevas draft edit`), ou confirmez avec {option} "
            "pour les garder signalées.")
        self.sections = sections


@dataclass
class Reviewer:
    """Review actions on the drafts of the store, journalled."""

    store: DraftStore

    @staticmethod
    def _name(by: str) -> str:
        name = " ".join(by.split())
        if not name:
            raise ReviewError("Indiquez qui fait la relecture (--by NOM).")
        return name[:80]

    def edit(self, draft_id: str, section_id: str, text: str, by: str,
             owner: str | None = None) -> Section:
        """Replace a section's text; citations must name this section's sources."""
        by = self._name(by)
        text = text.replace("\r\n", "\n").strip()
        if not text:
            raise ReviewError("Le texte est vide : rien n'a été modifié. Pour refaire la section "
                              "à partir de la base, utilisez `canevas draft regenerate`.")
        if len(text) > MAX_TEXT_CHARS:
            raise ReviewError(f"Texte trop long ({len(text)} caractères, "
                              f"{MAX_TEXT_CHARS} au plus) : rien n'a été modifié.")
        draft = self.store.get(draft_id, owner)
        section = draft.section(section_id)
        known = {c.n for c in section.citations}
        unknown = sorted({int(n) for n in CITATION.findall(text)} - known)
        if unknown:
            listing = ", ".join(f"[{n}]" for n in sorted(known)) or "aucune"
            raise ReviewError(
                f"Citation(s) {', '.join(f'[{n}]' for n in unknown)} inconnue(s) dans la section "
                f"« {section_id} » (sources disponibles : {listing}) : rien n'a été modifié.")
        previous = section.text
        section.text = text
        section.edited_by = by
        if section.status == "validé":
            section.status = "relu"
        check_section(section, draft.year, add_placeholders=False)
        self.store.save_section(draft, section, Event(now(), by, section_id, "modification",
                                                      "", previous), owner)
        return section

    def comment(self, draft_id: str, section_id: str, text: str, by: str,
                verify: bool = False, owner: str | None = None) -> Section:
        """A reviewer's comment; ``verify`` makes it an « à vérifier » flag on the section."""
        by = self._name(by)
        text = " ".join(text.split())
        if not text:
            raise ReviewError("Le commentaire est vide.")
        draft = self.store.get(draft_id, owner)
        section = draft.section(section_id)
        if verify:
            section.flags.append(Flag(section.text[:80], f"À vérifier : {text}", by))
        else:
            section.comments.append(Comment(text, by, now()))
        self.store.save_section(draft, section, Event(
            now(), by, section_id, "à vérifier" if verify else "commentaire", text, ""), owner)
        return section

    def set_status(self, draft_id: str, sections: list[str] | None, status: str, by: str,
                   owner: str | None = None, accept_gaps: bool = False) -> list[Section]:
        """Mark sections (all when ``sections`` is None) « relu » or « validé ».

        Validating a section that still says « À compléter » is refused unless
        ``accept_gaps``: « Tout valider » must not hide what nobody has written."""
        by = self._name(by)
        if status not in ("relu", "validé"):
            raise ReviewError(f"Statut inconnu : {status}.")
        draft = self.store.get(draft_id, owner)
        if not draft.complete:
            raise ReviewError("La rédaction de ce brouillon n'est pas terminée : relancez "
                              f"`canevas draft resume {draft_id}` avant de le valider.")
        chosen = draft.sections if sections is None else [draft.section(s) for s in sections]
        gaps = [s for s in chosen if s.placeholders]
        if status == "validé" and gaps and not accept_gaps:
            raise GapsRemain(gaps, "Validation refusée", "--avec-lacunes")
        for section in chosen:
            section.status = status
            self.store.save_section(draft, section, Event(
                now(), by, section.id, "validation" if status == "validé" else "relecture",
                "", ""), owner)
        return chosen


def check_exportable(draft: Draft, brouillon: bool, accept_gaps: bool = False) -> None:
    """The final export needs every section validated, and no « À compléter » left
    unless ``accept_gaps`` (the person knows and keeps them highlighted)."""
    if brouillon:
        return
    if draft.pending:
        raise ExportRefused(draft.pending)
    gaps = [s for s in draft.sections if s.placeholders]
    if gaps and not accept_gaps:
        raise GapsRemain(gaps, "Export final refusé", "--avec-lacunes")
