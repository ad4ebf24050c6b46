"""Write a section's text from its saved evidence: facts, quoted sentences, citations.

By default the text is assembled from the evidence (each quoted sentence followed by
``[n]``); with a language model it is rewritten into prose and its citations checked as
answers' are. Nothing is invented: what the evidence lacks becomes a visible
« À compléter » placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.qa.citations import (
    check_citations,
    cited_sentences,
    unsourced_details,
    without_repeats,
)
from assistant.qa.injection import neutralise
from assistant.qa.llm import explain_failure
from assistant.qa.llm_settings import LLMSettings
from assistant.qa.prompts import render
from generators.draft import PLACEHOLDER, Flag, Section, SourceRef, placeholder
from generators.section_evidence import Quote, select
from generators.template import Fact
from knowledge.calibration import tuned
from knowledge.sentences import split_sentences

_SLOT = re.compile(r"\{([A-Za-z_]+)\}")
_PROMPT_PASSAGES = tuned("drafting.prompt_passages")
_PROMPT_CHARS = tuned("drafting.prompt_chars")


@dataclass
class Composed:
    text: str
    citations: list[SourceRef]
    mode: str = "extractif"
    unsupported: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


def slots_of(lead: str) -> list[str]:
    """The facts a lead names (« {adresse} »)."""
    return _SLOT.findall(lead)


def fill_lead(lead: str, facts: Mapping[str, str], known: Mapping[str, Fact]) -> str:
    """The lead with the user's facts; a missing required fact becomes a placeholder and a
    sentence that needs a missing optional fact is left out."""
    sentences: list[str] = []
    for sentence in (s.text for s in split_sentences(" ".join(lead.split()))):
        slots = _SLOT.findall(sentence)
        optional_missing = [s for s in slots if not facts.get(s)
                            and (s not in known or not known[s].required)]
        if sentence and not optional_missing:
            sentences.append(_SLOT.sub(
                lambda m: facts.get(m.group(1)) or placeholder(known[m.group(1)].label),
                sentence))
    return " ".join(sentences)


def quotes_of(section: Section) -> list[Quote]:
    """The saved evidence's quotes, best first."""
    quotes = [Quote(**q) for p in section.evidence for q in p.get("quotes", [])]
    return sorted(quotes, key=lambda q: q.score, reverse=True)


def _source(n: int, passage: Mapping[str, Any], quote: str) -> SourceRef:
    return SourceRef(n=n, chunk_ids=list(passage.get("chunk_ids") or [passage["chunk_id"]]),
                     source=passage["source"], title=passage["title"],
                     section=passage["section"], page=passage["page"], year=passage["year"],
                     quote=quote)


def extractive(section: Section, lead: str, elsewhere: str = "") -> Composed:
    """Lead, structure note, then the chosen quotes grouped by passage, each cited.

    Sentences already quoted in another section (``elsewhere``) are left out unless
    nothing else supports this one: a document should not say the same thing twice.
    """
    spec_elements = [e["terms"] for e in section.spec.get("elements", [])]
    available = quotes_of(section)
    fresh = [q for q in available if q.text not in elsewhere]
    quotes = select(fresh or available, section.target_words, len(section.spec["queries"]),
                    spec_elements)
    quotes.sort(key=lambda q: (q.passage, q.position))
    numbers: dict[int, int] = {}
    citations: list[SourceRef] = []
    groups: dict[int, list[str]] = {}
    for quote in quotes:
        if quote.passage not in numbers:
            numbers[quote.passage] = len(numbers) + 1
            citations.append(_source(numbers[quote.passage], section.evidence[quote.passage],
                                     quote.text))
        groups.setdefault(quote.passage, []).append(f"{quote.text} [{numbers[quote.passage]}]")
    paragraphs = [p for p in (lead, section.note) if p]
    paragraphs += [" ".join(g) for g in groups.values()]
    if not groups:
        paragraphs.append(placeholder(section.purpose))
    text = fit("\n\n".join(paragraphs), section.spec.get("max_chars"))
    kept = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    return Composed(text, [c for c in citations if c.n in kept])


def fit(text: str, max_chars: int | None) -> str:
    """The text cut to a call's limit at the last place that ends a cited quote (its mark
    and the check that follows it), a paragraph or a sentence; unchanged when it fits."""
    if not max_chars or len(text) <= max_chars:
        return text
    ends = [m.end() for m in _CITED_END.finditer(text)]
    ends += [m.start() for m in re.finditer(r"\n\n", text)]
    ends += [m.start() + 1 for m in re.finditer(r"[.!?»] ", text)]
    fitting = [e for e in ends if 0 < e <= max_chars]
    text = text[: max(fitting) if fitting else max_chars].rstrip()
    # A cut may leave a bullet whose citation was in the part cut off: a quote without
    # its source is not kept…
    paragraphs = text.split("\n\n")
    while paragraphs and paragraphs[-1].startswith("–") and not re.search(
            r"\[\d+\]", paragraphs[-1]) and not PLACEHOLDER.search(paragraphs[-1]):
        paragraphs.pop()
    if paragraphs and paragraphs[-1].startswith("–") and not PLACEHOLDER.search(paragraphs[-1]):
        # …nor the sentences after the last mark of the bullet it cut.
        marks = list(_CITED_END.finditer(paragraphs[-1]))
        if marks:
            paragraphs[-1] = paragraphs[-1][: marks[-1].end()]
    return "\n\n".join(paragraphs)


# The end of a cited quote: its mark, and the check that may follow it (« (à vérifier :
# nombre de logements (T1 et T2), chiffre de 2017) »), which ends the line or comes
# before the next sentence.
_CITED_END = re.compile(r"\[\d+\](?:\s*\(à vérifier[^\n]*?\)(?=\s+[«A-ZÀ-Ý–]|\s*$))?",
                        re.MULTILINE)


def generative(section: Section, lead: str, facts: list[str], model: BaseChatModel,
               settings: LLMSettings, elsewhere: str = "",
               fallback: Composed | None = None) -> Composed:
    """The section rewritten by the model from its evidence; the assembled text when the
    model cites nothing valid. ``fallback``: the offline text (its cited sentences feed
    the prompt; its « À compléter » lines are kept after the prose)."""
    fallback = fallback or extractive(section, lead, elsewhere)
    if not fallback.citations:
        return fallback
    passages = []
    for ref in fallback.citations[:_PROMPT_PASSAGES]:
        index = next(i for i, p in enumerate(section.evidence)
                     if (p.get("chunk_ids") or [p["chunk_id"]]) == ref.chunk_ids)
        passage = section.evidence[index]
        passages.append({"n": ref.n, "title": passage["title"], "section": passage["section"],
                         "page": passage["page"],
                         "text": re.sub(r"</?\s*extrait", "extrait",
                                        neutralise(passage["text"])[:_PROMPT_CHARS], flags=re.I)})
    messages = [SystemMessage(render("draft_system")),
                HumanMessage(render("draft_user", title=section.title, purpose=section.purpose,
                                    target_words=section.target_words,
                                    max_chars=section.spec.get("max_chars"), facts=facts,
                                    passages=passages))]
    try:
        raw = str(model.invoke(messages).content).strip()
    except Exception as exc:
        raise explain_failure(exc, settings) from exc
    checked = check_citations(without_repeats(raw), len(passages))
    if not checked.cited:
        fallback.mode = "extractif (le modèle n'a cité aucune source)"
        return fallback
    by_number = {c.n: c for c in fallback.citations[:_PROMPT_PASSAGES]}
    renumber = {old: new for new, old in enumerate(checked.cited, start=1)}
    body = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber[int(m.group(1))]}]", checked.text)
    citations = [SourceRef(**{**by_number[old].__dict__, "n": new})
                 for old, new in renumber.items()]
    shown = {renumber[p["n"]]: p["text"] for p in passages if p["n"] in renumber}
    gaps = [p for p in fallback.text.split("\n\n") if PLACEHOLDER.search(p)
            and p not in lead]
    paragraphs = [p for p in (lead, section.note, body, *gaps) if p]
    return Composed(fit("\n\n".join(paragraphs), section.spec.get("max_chars")), citations,
                    "génératif", checked.unsupported,
                    fallback.flags + _unsourced(body, shown, [lead, *facts]))


def _unsourced(body: str, shown: dict[int, str], given: list[str]) -> list[Flag]:
    """A flag on each cited sentence of ``body`` holding a number or a name that neither
    its cited passages (``shown``, by their number in ``body``) nor the facts given hold:
    the mark alone does not make it sourced."""
    flags = []
    for sentence, numbers in cited_sentences(body):
        details = unsourced_details(sentence, [shown[n] for n in numbers if n in shown] + given)
        if details:
            flags.append(Flag(sentence, "Absent des sources citées : " + ", ".join(details)
                              + " — à vérifier", kind="modèle"))
    return flags
