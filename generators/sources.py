"""One numbering of sources for a whole document, and the check that each resolves.

Sections number their sources locally ([1], [2]… per section, so a section can be
edited or regenerated alone); shown and exported documents renumber them once for the
whole document, the same passage keeping the same number everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generators.draft import CITATION, Draft, Section, SourceRef
from knowledge.manifest import Manifest


@dataclass(frozen=True)
class NumberedSource:
    n: int
    ref: SourceRef

    def label(self) -> str:
        where = [f"« {self.ref.title} » ({self.ref.source})"]
        if self.ref.section:
            where.append(f"section « {self.ref.section} »")
        if self.ref.page:
            where.append(f"page {self.ref.page}")
        return ", ".join(where)


@dataclass
class Numbering:
    sources: list[NumberedSource]
    by_section: dict[str, dict[int, int]]

    def text(self, section: Section) -> str:
        """The section's text with document-wide numbers."""
        mapping = self.by_section.get(section.id, {})
        return CITATION.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]",
                            section.text)


def number_sources(draft: Draft) -> Numbering:
    keys: dict[tuple[str, ...], int] = {}
    sources: list[NumberedSource] = []
    by_section: dict[str, dict[int, int]] = {}
    for section in draft.sections:
        refs = {c.n: c for c in section.citations}
        mapping: dict[int, int] = {}
        for n in (int(x) for x in CITATION.findall(section.text)):
            if n in mapping or n not in refs:
                continue
            key = tuple(refs[n].chunk_ids)
            if key not in keys:
                keys[key] = len(keys) + 1
                sources.append(NumberedSource(keys[key], refs[n]))
            mapping[n] = keys[key]
        by_section[section.id] = mapping
    return Numbering(sources, by_section)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def resolves(ref: SourceRef, manifest: Manifest) -> bool:
    """The cited passage is still in the base and holds the quoted sentence."""
    chunks = manifest.chunks_by_ids(ref.chunk_ids)
    if len(chunks) != len(ref.chunk_ids):
        return False
    text = _squash(" ".join(chunks[c].text for c in ref.chunk_ids))
    quote = _squash(ref.quote)
    return bool(quote) and (quote in text or quote[1:] in text)
