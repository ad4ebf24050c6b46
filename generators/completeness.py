"""What each section still lacks, and the document-level report reviewers read first.

A mandatory item the evidence does not cover becomes an « À compléter » placeholder in
the text (never invented text). Figures quoted from old documents are flagged « à
vérifier ». For a call for projects, each criterion's coverage and length are checked.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from generators.draft import Draft, Flag, Section, placeholder
from generators.section_evidence import mentions
from knowledge.calibration import tuned

_FIGURE = re.compile(r"(?<![\d/])(?!(?:19|20)\d\d(?!\d))\d+")
OLD_AFTER_YEARS = tuned("drafting.old_after_years")


def check_section(section: Section, draft_year: int, add_placeholders: bool = True) -> None:
    """Fill ``elements``, ``missing`` and ``flags``; add placeholders for uncovered items
    (not in text a person wrote: there the report lists them)."""
    section.elements = []
    additions: list[str] = []
    for element in section.spec.get("elements", []):
        covered = mentions(section.text, element["terms"])
        section.elements.append({"label": element["label"], "covered": covered})
        if not covered and section.supported and add_placeholders:
            additions.append(placeholder(element["label"]))
    if additions:
        section.text = f"{section.text}\n\n{' '.join(additions)}"
    section.missing = [m[len("[À compléter : "):-1] for m in section.placeholders]
    section.flags = [f for f in section.flags if f.kind not in ("chiffre", "longueur")]
    for ref in section.citations:
        if ref.year and draft_year - ref.year > OLD_AFTER_YEARS and _FIGURE.search(ref.quote):
            section.flags.append(Flag(ref.quote, f"Chiffre tiré d'un document de {ref.year} : "
                                      "à vérifier et mettre à jour", kind="chiffre"))
    limit = section.spec.get("max_chars")
    if limit and len(section.text) > limit:
        section.flags.append(Flag(section.text[:60], f"Texte trop long pour l'appel : "
                                  f"{len(section.text)} caractères pour {limit} autorisés",
                                  kind="longueur"))


@dataclass
class SectionReport:
    id: str
    title: str
    requirement: str
    source: str
    status: str
    citations: int
    supported: bool
    missing: list[str]
    flags: int
    chars: int
    max_chars: int | None = None
    points: str | None = None

    @property
    def coverage(self) -> str:
        """Couvert, partiel (placeholders left) or à compléter (no evidence at all)."""
        if not self.supported:
            return "à compléter"
        return "partiel" if self.missing else "couvert"


@dataclass
class CompletenessReport:
    sections: list[SectionReport] = field(default_factory=list)
    annexes: list[dict[str, str]] = field(default_factory=list)

    @property
    def mandatory_supported(self) -> float:
        """Share of mandatory sections with at least one supporting citation."""
        mandatory = [s for s in self.sections if s.requirement == "obligatoire"]
        return sum(s.supported for s in mandatory) / len(mandatory) if mandatory else 1.0

    def summary(self, pending: int) -> str:
        """Counts, not a share: « 100 % des sections obligatoires sourcées » read as done
        while whole sections of a livret (none of them mandatory) said « À compléter »."""
        supported = sum(s.supported for s in self.sections)
        text = f"{supported} section(s) sur {len(self.sections)} avec des sources"
        mandatory = [s for s in self.sections if s.requirement == "obligatoire"]
        if mandatory:
            text += (f" (obligatoires : {sum(s.supported for s in mandatory)} sur "
                     f"{len(mandatory)})")
        missing = sum(len(s.missing) for s in self.sections)
        return (f"{text} ; {missing} élément(s) à compléter ; {pending} section(s) "
                "à valider")

    @property
    def sections_supported(self) -> float:
        return sum(s.supported for s in self.sections) / max(1, len(self.sections))

    def as_dict(self) -> dict[str, Any]:
        return {"mandatory_supported": round(self.mandatory_supported, 3),
                "sections_supported": round(self.sections_supported, 3),
                "sections": [{**asdict(s), "coverage": s.coverage} for s in self.sections],
                "annexes": self.annexes}


def report(draft: Draft) -> CompletenessReport:
    sections = [
        SectionReport(s.id, s.title, s.requirement, s.source, s.status, len(s.citations),
                      s.supported, s.missing, len(s.flags), len(s.text),
                      s.spec.get("max_chars"), s.criterion.get("points"))
        for s in draft.sections
    ]
    return CompletenessReport(sections, draft.annexes)
