"""Read a call for projects (cahier des charges) and list the criteria to answer.

A call states its criteria as a numbered or bulleted list, usually under a heading
such as « Critères de sélection », « Contenu du dossier » or « Questions », often with a
length limit (« 2 000 caractères maximum ») and a weight (« 20 points »). Each criterion
becomes a section of the response, so that every one is answered, in the call's order.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from knowledge.document import Block, ParsedDocument
from knowledge.errors import CanevasError
from knowledge.limits import Limits
from knowledge.loaders import load_document

_ZONE = re.compile(r"crit[èe]res?|questions?|grille|attendus|contenu (?:du|de la) "
                   r"(?:dossier|réponse|candidature)|éléments? (?:de réponse|à fournir)|"
                   r"rubriques", re.IGNORECASE)
_NOT_CRITERIA = re.compile(r"pièces?|annexes?|calendrier|contacts?|modalités de dépôt|"
                           r"date limite", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:(?:crit[èe]re|question)\s*(?:n°\s*)?\d+\s*[:.–-]?|\d{1,2}\s*[.)–-]|"
                       r"[a-h]\s*\)|[•▪●◦\-–*])\s*", re.IGNORECASE)
_LIMIT = re.compile(
    r"(?:(?:maximum|max\.?|au plus|limité(?:e)? à|dans la limite de)\s*(?:de\s*)?"
    r"(\d[\d  .]*)\s*(caractères|signes|mots|pages?)|"
    r"(\d[\d  .]*)\s*(caractères|signes|mots|pages?)\s*(?:maximum|max\.?|au plus))",
    re.IGNORECASE)
_POINTS = re.compile(r"[—–-]?\s*\(?\s*(\d{1,3})\s*(points?|pts|%)\s*\)?", re.IGNORECASE)
_PAGE_CHARS = 3000
_WORD_CHARS = 6.5


class CallError(CanevasError):
    """The call file cannot be read or holds no criterion."""


@dataclass(frozen=True)
class Criterion:
    """One question or criterion of the call, with its length limit and weight."""

    number: int
    title: str
    text: str
    max_chars: int | None = None
    points: str | None = None

    @property
    def target_words(self) -> int:
        if self.max_chars is None:
            return 200
        return max(40, int(self.max_chars / _WORD_CHARS * 0.9))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Call:
    title: str
    source: str
    criteria: list[Criterion]

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "source": self.source,
                "criteria": [c.as_dict() for c in self.criteria]}


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


def _limit(text: str) -> int | None:
    match = _LIMIT.search(text)
    if not match:
        return None
    amount = _number(match.group(1) or match.group(3))
    unit = (match.group(2) or match.group(4)).lower()
    if unit.startswith("page"):
        return amount * _PAGE_CHARS
    if unit == "mots":
        return int(amount * _WORD_CHARS)
    return amount


def _clean(text: str) -> tuple[str, str | None]:
    """The criterion without its limit and weight, and the weight."""
    points = None
    weight = list(_POINTS.finditer(text))
    if weight and weight[-1].end() >= len(text.rstrip(" .)")) - 1:
        points = f"{weight[-1].group(1)} {weight[-1].group(2)}"
        text = text[: weight[-1].start()]
    text = _LIMIT.sub("", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([.,])", r"\1", re.sub(r"\s{2,}", " ", text))
    return text.strip(" —–-,;"), points


def _title(text: str) -> str:
    head = re.split(r"\s*[:?]\s+|\?$", text, maxsplit=1)[0].strip()
    if len(head) > 90:
        head = head[:87].rsplit(" ", 1)[0] + "…"
    return head[:1].upper() + head[1:]


def _zone(blocks: list[Block]) -> list[Block]:
    """The blocks under the criteria heading, or the whole call if it has none."""
    for index, block in enumerate(blocks):
        heading = block.kind == "heading" or (len(block.text) < 80 and not _NUMBERED.match(
            block.text) and not block.text.rstrip().endswith((".", "?")))
        if heading and _ZONE.search(block.text) and not _NOT_CRITERIA.search(block.text):
            zone: list[Block] = []
            for later in blocks[index + 1:]:
                if later.kind == "heading" and (block.kind != "heading"
                                                or later.level <= block.level):
                    break
                zone.append(later)
            if zone:
                return zone
    return blocks


def extract_criteria(parsed: ParsedDocument) -> list[Criterion]:
    """The call's criteria in order: list items, numbered paragraphs, or questions."""
    zone = _zone(parsed.blocks)
    items = [b.text for b in zone if b.kind == "list_item" or _NUMBERED.match(b.text)]
    if not items:
        items = [b.text for b in zone if b.text.rstrip().endswith("?")]
    criteria: list[Criterion] = []
    for raw in items:
        text = _NUMBERED.sub("", raw, count=1) if _NUMBERED.match(raw) else raw
        limit = _limit(text)
        cleaned, points = _clean(text)
        if len(cleaned.split()) < 3:
            continue
        criteria.append(Criterion(len(criteria) + 1, _title(cleaned), cleaned, limit, points))
    return criteria


def read_call(path: Path, limits: Limits) -> Call:
    """Parse the call file with the same safety checks as ingestion, then its criteria."""
    try:
        parsed = load_document(path, limits)
    except CanevasError as exc:
        raise CallError(f"Cahier des charges illisible ({path.name}) : {exc}") from exc
    criteria = extract_criteria(parsed)
    if not criteria:
        raise CallError(
            f"Aucun critère ni question repéré dans {path.name} : le cahier des charges doit "
            "lister ses critères (liste numérotée ou à puces, ou questions). Vous pouvez aussi "
            "rédiger une demande sans appel (sans --call)."
        )
    title = parsed.title or next((b.text for b in parsed.blocks if b.text.strip()), path.stem)
    return Call(title=title[:150], source=path.name, criteria=criteria)
