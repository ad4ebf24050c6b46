"""The shape of a draft: sections with their evidence, text, citations and review state.

A draft is self-contained: each section keeps the part of its template it was built
from, so a saved draft can be regenerated and exported even after templates change.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.errors import CanevasError

STAGES = ("prévu", "preuves", "rédigé", "vérifié")
STATUSES = ("brouillon", "relu", "validé")
PLACEHOLDER = re.compile(r"\[À compléter : [^\]]+\]")
CITATION = re.compile(r"\[(\d+)\]")


def placeholder(what: str) -> str:
    """The visible mark for something the base could not supply."""
    return f"[À compléter : {what.strip().rstrip('.')}]"


@dataclass
class SourceRef:
    """A numbered source of one section: the passage and the sentence quoted from it."""

    n: int
    chunk_ids: list[str]
    source: str
    title: str
    section: str
    page: int | None
    year: int | None
    quote: str


@dataclass
class Flag:
    """A sentence to check before the document leaves the association."""

    text: str
    reason: str
    by: str = "Canevas"
    kind: str = "relecture"

    @property
    def excerpt(self) -> str:
        """The sentence's start, as a reviewer's list shows it (« » without a sentence)."""
        return f"{self.text[:70]}{'…' if len(self.text) > 70 else ''}"


@dataclass
class Comment:
    text: str
    by: str
    at: str


@dataclass
class Section:
    """One section of a draft, at some stage of drafting and some status of review."""

    id: str
    title: str
    purpose: str
    requirement: str
    source: str
    target_words: int
    spec: dict[str, Any]
    note: str = ""
    stage: str = "prévu"
    status: str = "brouillon"
    text: str = ""
    generated_text: str = ""
    citations: list[SourceRef] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    previous_evidence: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    elements: list[dict[str, Any]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)
    criterion: dict[str, Any] = field(default_factory=dict)
    mode: str = "extractif"
    edited_by: str = ""

    @property
    def mandatory(self) -> bool:
        return self.requirement == "obligatoire"

    @property
    def supported(self) -> bool:
        """At least one citation in the text resolves to a source of this section."""
        numbers = {c.n for c in self.citations}
        return any(int(n) in numbers for n in CITATION.findall(self.text))

    @property
    def placeholders(self) -> list[str]:
        return PLACEHOLDER.findall(self.text)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        data = dict(data)
        data["citations"] = [SourceRef(**c) for c in data.get("citations", [])]
        data["flags"] = [Flag(**f) for f in data.get("flags", [])]
        data["comments"] = [Comment(**c) for c in data.get("comments", [])]
        return cls(**data)


@dataclass
class Draft:
    """A document being written: its type, the user's facts, and its sections."""

    id: str
    type_id: str
    title: str
    facts: dict[str, str]
    owner: str
    created_at: str
    updated_at: str
    sections: list[Section] = field(default_factory=list)
    annexes: list[dict[str, str]] = field(default_factory=list)
    structure: str | None = None
    organisation: str = ""
    call: dict[str, Any] = field(default_factory=dict)
    previous: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise CanevasError(f"Section inconnue : « {section_id} ». Sections de ce brouillon : "
                           f"{', '.join(s.id for s in self.sections)}.")

    @property
    def year(self) -> int:
        """The year the draft was started: what « old figures » are measured against."""
        return int(self.created_at[:4])

    @property
    def pending(self) -> list[Section]:
        """Sections not yet validated: what blocks the final export."""
        return [s for s in self.sections if s.status != "validé"]

    @property
    def complete(self) -> bool:
        return all(s.stage == STAGES[-1] for s in self.sections)

    def header(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("sections")
        return data
