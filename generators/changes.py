"""What changed since the previous version of a document (projet associatif update).

For each section: figures and names the new evidence gives that the previous document
never mentions, and new actions (sentences from newer documents unlike anything the
previous version said). The previous version's own sentences are kept for the
side-by-side comparison.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.qa.names import named_terms
from assistant.qa.passages import shingles
from generators.draft import Section
from generators.section_evidence import Quote
from knowledge.calibration import tuned
from knowledge.french import fold_accents

_FIGURE = re.compile(
    r"(?<![\w,./])(?!(?:19|20)\d\d(?!\d|[  ]\d{3}))\d[\d  ]*(?:[,.]\d+)?\s*(?:%|€|euros?|k€|M€|"
    r"[a-zéèêàûôîç'’-]{3,}(?:\s+(?:de|d['’]|des)\s*[a-zéèêàûôîç'’-]+)?)?", re.IGNORECASE)
_NEW_ACTION_OVERLAP = tuned("drafting.new_action_overlap")
_LIMIT = tuned("drafting.changes_shown")


def _fold(text: str) -> str:
    return fold_accents(" ".join(text.split()).casefold())


def compare(section: Section, previous_text: str, previous_doc: str) -> dict[str, Any]:
    """Changes between the previous document (``previous_text``) and the section."""
    folded_previous = _fold(previous_text)
    new_quotes = [q for q in _cited_quotes(section)
                  if section.evidence[q.passage]["doc_id"] != previous_doc]
    figures: list[str] = []
    names: list[str] = []
    for quote in new_quotes:
        for match in _FIGURE.finditer(quote.text):
            figure = match.group(0).strip(" ,.")
            number = re.match(r"[\d  ]+(?:[,.]\d+)?", figure)
            if (number and _fold(number.group(0)) not in folded_previous
                    and len(re.sub(r"\D", "", figure)) >= 2 and figure not in figures):
                figures.append(figure)
        for name in named_terms(quote.text):
            if _fold(name) not in folded_previous and name not in names:
                names.append(name)
    old_marks = [shingles(q["text"], 3) for p in section.previous_evidence
                 for q in p.get("quotes", [])]
    actions = []
    for quote in new_quotes:
        marks = shingles(quote.text, 3)
        if all(len(marks & old) / max(1, len(marks)) < _NEW_ACTION_OVERLAP for old in old_marks):
            actions.append(quote.text)
    previous = [q["text"] for p in section.previous_evidence for q in p.get("quotes", [])]
    return {"chiffres": figures[:_LIMIT * 2], "noms": names[:_LIMIT * 2],
            "actions": actions[:_LIMIT], "precedent": previous[:_LIMIT]}


def _cited_quotes(section: Section) -> list[Quote]:
    quoted = {c.quote for c in section.citations}
    return [Quote(**q) for p in section.evidence for q in p.get("quotes", [])
            if q["text"] in section.text or q["text"] in quoted]


def summary(changes: dict[str, Any]) -> str:
    """One French paragraph for reviewers: « Depuis la version précédente : … »."""
    parts = []
    if changes.get("chiffres"):
        parts.append("chiffres nouveaux : " + ", ".join(changes["chiffres"]))
    if changes.get("noms"):
        parts.append("noms nouveaux (partenaires, dispositifs) : " + ", ".join(changes["noms"]))
    if changes.get("actions"):
        parts.append(f"{len(changes['actions'])} action(s) ou fait(s) absents de la version "
                     "précédente")
    return ("Depuis la version précédente : " + " ; ".join(parts) + ".") if parts else (
        "Pas de changement repéré par rapport à la version précédente.")
