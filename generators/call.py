"""Read a call for projects (cahier des charges) and list the criteria to answer.

A call states its criteria as a numbered or bulleted list, usually under a heading
such as « Critères de sélection », « Contenu du dossier » or « Questions », often with a
length limit (« 2 000 caractères maximum ») and a weight (« 20 points »). Each criterion
becomes a section of the response, so that every one is answered, in the call's order.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from assistant.qa.nouns import finite_verb_end
from knowledge.calibration import tuned
from knowledge.document import Block, ParsedDocument
from knowledge.errors import CanevasError
from knowledge.french import fold_accents
from knowledge.limits import Limits
from knowledge.loaders import load_document
from knowledge.structure import is_capitals

_NOT_CRITERIA = re.compile(r"pièces?|annexes?|calendrier|contacts?|modalités de dépôt|"
                           r"date limite", re.IGNORECASE)
_ITEM_WORD = (r"(?:crit[èe]re|axe|question|rubrique|th[èe]me|Q)\s*(?:n\s*°\s*)?"
              r"(?:\d+|[IVX]{1,4}\b|(?-i:[A-H])(?![\w'’]))")
_NUMBERED = re.compile(rf"^\s*(?:{_ITEM_WORD}\s*[:.–—-]?|\d{{1,2}}\s*[.)–-]|"
                       r"[a-h]\s*\)|(?-i:[IVX]{1,4}|[A-H])\s*[.)–—-]\s|[•▪●◦\-–*])\s*",
                       re.IGNORECASE)
# A length: its amount and its unit (the two groups every limit pattern reads).
_LENGTH = r"(\d[\d  .]*)\s*(caractères|signes|mots|pages?|lignes)"
# « maximum 2 000 caractères », « 2 000 caractères maximum », « ne doit pas dépasser
# 2 000 caractères » (groups 5 and 6: the whole response's limit is written that way).
_LIMIT = re.compile(
    r"(?:(?:maximum|max\.?|au plus|limité(?:e)? à|dans la limite de|limite\s*:)\s*(?:de\s*)?"
    rf"{_LENGTH}(?:\s*\(?espaces\s+(?:non\s+)?compris\)?)?|"
    rf"{_LENGTH}(?:\s+espaces\s+(?:non\s+)?compris)?\s*(?:maximum|max\.?|au plus)|"
    rf"(?:dépasser|excéder|dépassera|excédera|dépasse|excède)\s+(?:pas\s+)?{_LENGTH})",
    re.IGNORECASE)
_POINTS = re.compile(r"[—–-]?\s*\(?\s*(?:(\d{1,3})\s*(points?|pts|%)|(?<![\w/])/\s*(\d{1,3})\b"
                     r"|sur\s*(\d{1,3})(?=\s*(?:\)|$|[—–-]))|(?:coefficient|coef\.)\s*(\d{1,2})\b)"
                     r"\s*\)?", re.IGNORECASE)
_LEADER_POINTS = re.compile(r"\s*\.{3,}\s*/\s*(\d{1,3})\b")  # « Diagnostic ........ /20 »
_SCALE = re.compile(r"\b(?:barème|notation|note|pondération)\s*:\s*(?:sur\s*)?(\d{1,3})\s*"
                    r"(points?|pts|%)?(?!\s*(?:pages?|caractères|signes|mots|lignes))",
                    re.IGNORECASE)


_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
_RULE = re.compile(r"^[-=_*~]{3,}\s*|\s*[-=_*~]{3,}$")  # a text file's underlines
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_PAGE_CHARS = tuned("drafting.page_chars")
_WORD_CHARS = tuned("drafting.word_chars")
_LINE_CHARS = tuned("drafting.line_chars")


def _weight(match: re.Match[str]) -> str:
    """« 20 points », « 15 % », « / 20 » → « 20 points », « coefficient 3 »."""
    if match.group(1):
        return f"{match.group(1)} {match.group(2)}"
    if match.group(3) or match.group(4):
        return f"{match.group(3) or match.group(4)} points"
    return f"coefficient {match.group(5)}"


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
            return int(tuned("drafting.criterion_words"))
        return max(int(tuned("drafting.min_criterion_words")),
                   int(self.max_chars / _WORD_CHARS * tuned("drafting.fill_share")))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Call:
    title: str
    source: str
    criteria: list[Criterion]
    max_chars: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "source": self.source, "max_chars": self.max_chars,
                "criteria": [c.as_dict() for c in self.criteria]}


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


def _limit(text: str) -> int | None:
    match = _LIMIT.search(text)
    if not match:
        return None
    amount = _number(match.group(1) or match.group(3) or match.group(5))
    return _in_chars(amount, match.group(2) or match.group(4) or match.group(6))


def _clean(text: str) -> tuple[str, str | None]:
    """The criterion without its limit and weight, and the weight: the last one, when
    no more than what is left of a limit sentence follows it (« (20 points) Réponse
    limitée à 2 000 caractères »)."""
    points = None
    text = _LIMIT.sub("", text)
    text = re.sub(r"\s*[–—,;-]\s*\)", ")", text).rstrip(" —–-,;")
    text = re.sub(r"\s*\.{3,}\s*(?=\d|/|$)", " ", text)
    leader = _LEADER_POINTS.search(text)
    if leader:
        points = f"{leader.group(1)} points"
        text = text[: leader.start()] + text[leader.end():]
    weight = list(_POINTS.finditer(text))
    if not points and weight and len(_WORD.findall(text[weight[-1].end():])) <= 1:
        points = _weight(weight[-1])
        text = text[: weight[-1].start()]
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([.,])", r"\1", re.sub(r"\s{2,}", " ", text))
    return text.strip(" —–-,;"), points


def _title(text: str) -> str:
    head = re.split(r"\s*[:?]\s+|\?$", text, maxsplit=1)[0].strip()
    if len(head) > 90:
        head = head[:87].rsplit(" ", 1)[0] + "…"
    return head[:1].upper() + head[1:]


_STRONG = re.compile(r"crit[èe]res?|grille|bar[èe]me|notation|regarder|[ée]valuation des "
                     r"(?:projets|dossiers|candidatures|propositions)|[ée]valuerons|"
                     r"analyse des (?:projets|dossiers|candidatures)|"
                     r"(?:projets?|dossiers?|candidatures?)\b[^.?!]{0,20}\b(?:s[ée]lectionn|choisi)|"
                     r"(?:s[ée]lectionn|choisi)\w*\s+(?:les?|des)\s+(?:projets?|dossiers?|candidat)|"
                     r"questions? (?:à|auxquelles)", re.IGNORECASE)
# « Critères d'éligibilité » are conditions to apply, not what the answer is graded on.
_CONDITIONS = re.compile(r"[ée]ligibilit[ée]|recevabilit[ée]|admissibilit[ée]", re.IGNORECASE)
_WEAK = re.compile(r"attendus|th[ée]matiques|recevabilit[ée]|[ée]ligibilit[ée]|"
                   r"contenu (?:du|de la) (?:dossier|réponse|candidature)|rubriques|questions?",
                   re.IGNORECASE)
_ITEM_HEADING = re.compile(
    rf"^\s*(?:{_ITEM_WORD}|\d{{1,2}}\s*\)|[a-h]\s*\)|(?-i:[A-H])\s*[.)–—-]\s)", re.IGNORECASE)
_PREFIX = re.compile(rf"^\s*(?:{_ITEM_WORD}\s*[:.–—-]?|\d{{1,2}}\.\d{{1,2}}\.?|\d{{1,2}}\s*[.)–—-]|"
                     r"[a-h]\s*\)|(?-i:[ivx]{1,4})\)|"
                     r"(?-i:[IVX]{1,4}|[A-H])\s*[.)–—-](?:\s*[–—-])?\s)\s*", re.IGNORECASE)
# Several criteria run together in one paragraph of a text file (« Critère n°1 – … /20
# Critère n°2 – … »): cut before each.
_INLINE_CRITERION = re.compile(rf"\s+(?=(?-i:[A-ZÀ-Ý]))(?={_ITEM_WORD}\s*[:.–—-])",
                                re.IGNORECASE)  # « Critère 2 – », not « du critère 4 – »
_WORD_NUMBERS = {"une": 1, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
                 "dix": 10}
_HALF_PAGES = re.compile(r"(?:(\d+)|(une?|deux|trois))\s+pages?\s+et\s+demie|½\s*page|"
                         r"demi-page", re.IGNORECASE)
_PAGES = re.compile(r"(\d+|une|un|deux|trois|quatre|cinq|six|dix)\s+pages?\b", re.IGNORECASE)
_SHARED = re.compile(r"par (?:rubrique|critère|question|réponse|axe)|\bchacun(?:e)?\b|"
                     r"\bchaque (?:rubrique|critère|question|réponse|axe|partie)\b",
                     re.IGNORECASE)
_INLINE_ITEM = re.compile(r"\s+(?=(?:[a-h]|(?-i:[ivx]{1,4})|\d{1,2})\)\s)")


_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_SECTION_TITLE = re.compile(r"^\d{1,2}\s*[–—-]\s+[A-ZÀ-Ý][^.;:]{2,100}$")


def _is_heading(block: Block) -> bool:
    if (block.kind == "paragraph" and _SECTION_TITLE.match(block.text.strip())
            and len(block.text.split()) <= 12 and not _POINTS.search(block.text)):
        return True  # « 5 – Sur quoi porte l'analyse » in a text file
    return block.kind == "heading" or (len(block.text) < 80 and block.kind != "table_row"
                                       and not _NUMBERED.match(block.text)
                                       and not block.text.rstrip().endswith((".", "?", ";", ":"))
                                       and block.text.upper() == block.text
                                       and any(c.isalpha() for c in block.text))


_BARE_LABEL = re.compile(r"^\s*(?:[A-H]|\d{1,2}|[IVX]{1,4})\s*$")
_LAST = re.compile(r"dossier de candidature", re.IGNORECASE)  # may list documents to supply
_LETTERED = re.compile(r"^\s*[A-H]\s*[.)–—-]\s")


def _same_style(head: str, later: str) -> bool:
    """A call whose chapters are lettered (« F- Critères ») has no lettered criteria
    under them: « G- Contenu de la réponse » is the next chapter."""
    return bool(_LETTERED.match(head) and _LETTERED.match(later))


def _zone_at(blocks: list[Block], index: int) -> list[Block]:
    """The blocks under heading ``index``, criteria-like sub-headings included."""
    head = blocks[index]
    number = re.search(r"\d+", head.text)
    # « ARTICLE 8 – CRITÈRES » holds « 8.1 Pertinence… », « 8.2 … »
    own = re.compile(rf"^\s*{number.group(0)}\.\d") if number else None
    zone: list[Block] = []
    for later in blocks[index + 1:]:
        seen_items = any(b.kind == "heading" and _ITEM_HEADING.match(b.text) for b in zone)
        inside = ((_ITEM_HEADING.match(later.text) and not _same_style(head.text, later.text))
                  or (own and own.match(later.text)))
        if _is_heading(later) and not inside and (
                head.kind != "heading" or later.kind != "heading" or seen_items
                or later.level <= head.level):
            break
        zone.append(later)
    return zone


def _zone(blocks: list[Block]) -> list[Block]:
    """The blocks under the criteria heading (« Critères de sélection », « grille »…);
    « attendus », « thématiques », « recevabilité » only when no such heading exists;
    the whole call if it has neither."""
    for pattern in (_STRONG, _WEAK, _LAST):
        for index, block in enumerate(blocks):
            if (_is_heading(block) and pattern.search(block.text)
                    and not _NOT_CRITERIA.search(block.text)
                    and not (pattern is _STRONG and _CONDITIONS.search(block.text))
                    and not (_ITEM_HEADING.match(block.text)
                             and not _LETTERED.match(block.text))):
                zone = _zone_at(blocks, index)
                if _items(zone):
                    return zone
    return blocks


def _cells(row: str) -> list[str]:
    return [c.strip(" *") for c in row.strip().strip("|").split("|")]


def _title_column(header: list[str]) -> int | None:
    """The column naming the criteria (« Critère », « Axe », not « Sous-critères »)."""
    return next((i for i, c in enumerate(header)
                 if re.search(r"\baxe|crit|intitul|rubrique|question|theme", c)
                 and not c.startswith("sous")), None)


def _from_table(rows: list[str]) -> list[tuple[str, str, str | None, str]]:
    """(title, text, points, limit text) from a scoring table with a header row."""
    header = [fold_accents(c.lower()) for c in _cells(rows[0])]
    title_col = _title_column(header)
    if title_col is None:
        return []
    points_col = next((i for i, c in enumerate(header)
                       if re.search(r"point|note|ponder|poids|bareme|%", c)), None)
    limit_col = next((i for i, c in enumerate(header)
                      if re.search(r"format|longueur|limite|taille|volume", c)), None)
    found = []
    for row in rows[1:]:
        cells = _cells(row)
        if len(cells) <= title_col or set("".join(cells)) <= set("-: "):
            continue
        title = cells[title_col]
        if not title or re.match(r"^total\b", fold_accents(title.lower())):
            continue
        points = None
        if points_col is not None and points_col < len(cells):
            number = re.search(r"\d+\s*%?", cells[points_col])
            if number:
                value = number.group(0).replace(" ", "")
                points = f"{value[:-1]} %" if value.endswith("%") else f"{value} points"
        limit = cells[limit_col] if limit_col is not None and limit_col < len(cells) else ""
        found.append((title, title, points, limit))
    return found


_BORDER = re.compile(r"^\s*\+(?:[-=]+\+){2,}\s*$")


def _ascii_table(lines: list[str], skip: int = 0) -> list[tuple[str, ...]]:
    """The rows of the first table drawn with ``+---+`` borders and ``|`` in a text file
    from line ``skip``, cut at the border's ``+`` columns; a line whose first cell is
    empty goes on with the row above (a title wrapped over two lines)."""
    start = next((i for i, line in enumerate(lines) if i >= skip and _BORDER.match(line)),
                 None)
    if start is None:
        return []
    columns = [i for i, char in enumerate(lines[start]) if char == "+"]
    rows: list[list[str]] = []
    for line in lines[start + 1:]:
        if _BORDER.match(line):
            continue
        if not line.strip().startswith("|"):
            break
        cells = [line[a + 1:b].strip(" |") for a, b in pairwise(columns)]
        if rows and not cells[0] and any(cells):
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells, strict=False)]
        else:
            rows.append(cells)
    return [tuple(row) for row in rows if any(row)]


def _tab_table(lines: list[str], skip: int = 0) -> list[tuple[str, ...]]:
    """The rows of the first table written with tabs between its cells from line
    ``skip`` (three rows at least, the first its header)."""
    rows: list[tuple[str, ...]] = []
    for line in lines[skip:]:
        if "\t" in line and line.strip():
            rows.append(tuple(cell.strip() for cell in line.split("\t")))
        elif len(rows) >= 3:
            break
        else:
            rows = []
    return rows if len(rows) >= 3 and len(rows[0]) >= 2 else []


def _fold_space(text: str) -> str:
    return " ".join(text.split())


def _with_table(blocks: list[Block], text: str) -> list[Block]:
    """The loader reads a table drawn with ``+---+`` or written with tabs as paragraphs
    (or as headings): put its rows in their place."""
    lines = text.splitlines()
    rows: list[tuple[str, ...]] = []
    starts = [i for i, line in enumerate(lines) if _BORDER.match(line)
              or ("\t" in line and (i == 0 or "\t" not in lines[i - 1]))]
    for skip in starts:  # the first table whose header names the criteria
        found = _ascii_table(lines, skip) or _tab_table(lines, skip)
        if len(found) >= 2 and _title_column([fold_accents(c.lower()) for c in found[0]]) \
                is not None:
            rows = found
            break
    if not rows:
        return blocks
    keys = (_fold_space(" | ".join(rows[0])), _fold_space(" ".join(rows[0])))
    last = _fold_space(rows[-1][0])
    start = next((i for i, b in enumerate(blocks)
                  if any(k in _fold_space(b.text) for k in keys)), None)
    if start is None:
        return blocks
    end = next((i for i in range(start, len(blocks))
                if last and last in _fold_space(blocks[i].text)), start)
    head = _fold_space(blocks[start].text)
    key = next(k for k in keys if k in head)
    before = head.split(key, 1)[0].rstrip(" |+-")
    table = [Block(text=" | ".join(row), kind="table_row", cells=row) for row in rows]
    return [*blocks[:start], *([Block(text=before.strip())] if before.strip() else []),
            *table, *blocks[end + 1:]]


_Item = tuple[str, str, str | None, str]


def _items(zone: list[Block]) -> list[_Item]:
    """(title, text, points, limit text) of each criterion in ``zone``: a scoring table,
    else one heading per criterion (with the paragraphs under it), else list items or
    numbered paragraphs, else prose paragraphs whose first sentence is the criterion."""
    rows = [" | ".join(b.cells) if b.cells else b.text for b in zone
            if b.kind == "table_row"]
    if len(rows) >= 2:
        table = _from_table(rows)
        if table and not all(_BARE_LABEL.match(t) for t, *_ in table):
            return table  # a table of bare « A », « B » rows is a barème (_separate_scale)
    headed = [i for i, b in enumerate(zone) if _is_heading(b) or (
        b.kind == "heading" and _ITEM_HEADING.match(b.text))]
    if headed and all(_ITEM_HEADING.match(zone[i].text) for i in headed):
        found: list[_Item] = []
        for n, i in enumerate(headed):
            end = headed[n + 1] if n + 1 < len(headed) else len(zone)
            body = " ".join(b.text for b in zone[i + 1:end] if b.kind != "heading")
            found.append((zone[i].text, f"{zone[i].text}. {body}".strip(), None, ""))
        return found
    listed = _listed(zone)
    if listed:
        return listed
    weighted = _weighted_paragraphs(zone)
    if len(weighted) >= 2:
        return weighted
    prose: list[_Item] = []
    for block in zone:
        if block.kind != "paragraph":
            continue
        first = re.split(r"(?<=[.?!])\s+", block.text.strip(), maxsplit=1)
        if len(first) == 2 and 2 <= len(first[0].split()) <= 12:
            prose.append((first[0].rstrip(". "), block.text, None, ""))
    if len(prose) >= 2:
        return prose
    questions = [b.text for b in zone if b.text.rstrip().endswith("?")]
    return [(t, t, None, "") for t in questions]


def _listed(zone: list[Block]) -> list[_Item]:
    """List items or numbered paragraphs (several run together in one paragraph are cut
    apart), each with the paragraphs that only complete it: its limit in parentheses,
    its lettered sub-criteria (« a. Conventionnement… ; b. … »). When some items carry
    points and the others do not, the others are the sub-criteria of the one above."""
    found: list[list[str]] = []
    kinds: list[str] = []
    under_heading = False
    for block in zone:
        if block.kind == "table_row":
            continue  # a barème's rows (« A — Note maximale : 15 »)
        pieces = [p for piece in _split_outside_parentheses(_INLINE_ITEM, block.text)
                  for p in _INLINE_CRITERION.split(piece) if p.strip()]
        for n, piece in enumerate(pieces):
            starts = n > 0 or block.kind == "list_item" or _NUMBERED.match(piece)
            if block.kind == "heading" and is_capitals(_PREFIX.sub("", piece)):
                continue  # « II. CRITÈRES DE SÉLECTION » is a chapter, not a criterion
            only_limit = len(_WORD.findall(_LIMIT.sub("", piece))) < 2  # « → 20 lignes maximum »
            if starts and found and only_limit:
                found[-1][1] = _joined(found[-1][1], piece)
            elif starts and not (under_heading and block.kind == "list_item"):
                found.append([piece, piece])
                kinds.append(block.kind if piece[:1].isupper() else "lower")
                # « Rubrique 1 – … » heads the paragraphs that follow, as a heading does
                under_heading = block.kind == "heading" or (block.kind == "paragraph" and bool(
                    re.match(rf"\s*{_ITEM_WORD}\s*[:.–—-]", piece, re.IGNORECASE)))
            elif under_heading and _ABOUT_ALL.search(piece):
                under_heading = False  # « L'ensemble de la réponse… », « Notation sur 100 »
            elif found and (under_heading or (block.kind == "paragraph"
                            and _COMPLETES.match(piece))):
                found[-1][1] = _joined(found[-1][1], piece)
    weighted = [_weight_in_title(text) is not None for _, text in found]
    if any(weighted) and not all(weighted) and weighted[0]:
        # Sub-criteria are written apart from their axis (list items under numbered
        # paragraphs, small letters); a criterion « non noté » among the others is not one.
        parent_kinds = {k for k, w in zip(kinds, weighted, strict=True) if w}
        parents: list[list[str]] = []
        for (title, text), weight, kind in zip(found, weighted, kinds, strict=True):
            if weight or kind in parent_kinds:
                parents.append([title, text])
            else:
                parents[-1][1] += f" ; {text}"
        found = parents
    items: list[_Item] = []
    for title, text in found:
        cut = _weight_in_title(title)
        items.append((title[:cut] if cut else title, text, None, ""))
    return items


def _weight_in_title(text: str) -> int | None:
    """Where the criterion's points end, when its first words carry them (« Contenu de
    l'accompagnement — 30 points Diagnostic, … », « Qualité du projet ..... 45 points »)."""
    head = _LIMIT.sub("", text)
    dotted = re.search(r"\.{4,}\s*\d{1,3}\s*(?:%|points?|pts)", head)  # « ..... 20 % »
    if dotted and len(head[: dotted.start()].split()) <= 25:
        return text.find(dotted.group(0)) + len(dotted.group(0))
    for match in _POINTS.finditer(head):
        percent = (match.group(2) or "") == "%"
        if (not percent or "(" in match.group(0)) and len(head[: match.start()].split()) <= 25:
            return text.find(match.group(0).strip()) + len(match.group(0).strip())
    leader = _LEADER_POINTS.search(head)
    return text.find(leader.group(0).strip()) + len(leader.group(0).strip()) if leader else None


def _joined(text: str, more: str) -> str:
    """A line that completes an item, kept a sentence of its own (« … ? » then « 15
    lignes maximum », then the next paragraph)."""
    end = "" if text.rstrip().endswith((".", "!", "?", ";", ":", ")")) else "."
    return f"{text.rstrip()}{end} {more}"


def _split_outside_parentheses(pattern: re.Pattern[str], text: str) -> list[str]:
    """Cut ``text`` where ``pattern`` matches, not inside parentheses: « (annexe 2) »
    ends a parenthesis, it does not start an item « 2) »."""
    parts, start = [], 0
    for match in pattern.finditer(text):
        before = text[start:match.start()]
        if text[:match.start()].count("(") <= text[:match.start()].count(")") and before:
            parts.append(before)
            start = match.end()
    return [*parts, text[start:]]


_ABOUT_ALL = re.compile(r"\b(?:l['’]ensemble|total|sur 100|réponse complète|dossier complet)\b",
                        re.IGNORECASE)
_COMPLETES = re.compile(r"^\s*(?:\(|[a-h]\s*[.)]\s)")


def _weighted_paragraphs(zone: list[Block]) -> list[_Item]:
    """Criteria written as prose, one per paragraph, each with its points in parentheses
    (« Le jury examinera d'abord la capacité de captation… (30 points) : … »): the
    criterion is what the sentence names before its points, after its verb."""
    found: list[_Item] = []
    for block in zone:
        weights = [m for m in _POINTS.finditer(block.text) if "(" in m.group(0)]
        if block.kind != "paragraph" or len(weights) != 1:
            continue
        before = re.split(r"(?<=[.?!:;])\s+", block.text[: weights[0].start()])[-1]
        title = _after_verb(before)
        if len(title.split()) >= 2:
            found.append((title, block.text, _weight(weights[0]), ""))
    return found


def _after_verb(clause: str) -> str:
    """« Le jury examinera d'abord la capacité de captation » → « capacité de
    captation »: the words from the first determiner after the clause's verb."""
    end = finite_verb_end(clause)
    if end is None:
        return clause.strip()
    rest = clause[end:]
    start = _DETERMINER.search(rest)
    return rest[start.end():].strip() if start else rest.strip()


_DETERMINER = re.compile(r"(?:^|\s)(?:la|le|les|leur|leurs|sa|son|ses)\s+|(?:^|\s)l['’]",
                         re.IGNORECASE)


def _bare_limit(text: str) -> int | None:
    """A length alone, as in a table's « Longueur » column (« 400 mots »)."""
    match = re.search(_LENGTH, text, re.IGNORECASE)
    return _in_chars(_number(match.group(1)), match.group(2)) if match else None


def _in_chars(amount: float, unit: str) -> int:
    unit = unit.lower()
    if unit.startswith("page"):
        return int(amount * _PAGE_CHARS)
    if unit == "mots":
        return int(amount * _WORD_CHARS)
    if unit.startswith("ligne"):
        return int(amount * _LINE_CHARS)
    return int(amount)


def _limit_of(text: str) -> int | None:
    """A length limit in ``text``: characters, words or pages (« deux pages »)."""
    half = _HALF_PAGES.search(text)
    if half and re.search(r"max|au plus|limit", text, re.IGNORECASE):
        whole = half.group(1) or half.group(2) or "0"
        pages_before = int(whole) if whole.isdigit() else _WORD_NUMBERS[whole.lower()]
        return int((pages_before + 0.5) * _PAGE_CHARS)
    found = _limit(text)
    if found is not None:
        return found
    pages = _PAGES.search(text)
    if pages and re.search(r"max|au plus|limit|pages?\s*$", text, re.IGNORECASE):
        amount = pages.group(1).lower()
        return (int(amount) if amount.isdigit() else _WORD_NUMBERS[amount]) * _PAGE_CHARS
    return None


def _sentence_limit(text: str) -> int | None:
    """The first limit a criterion's own sentences give (« Maximum 4 000 caractères »),
    not one about its annexes (« Les annexes sont limitées à 20 pages »)."""
    for sentence in re.split(r"(?<=[.!?])\s+|(?<=\))\s+(?=[A-ZÀ-Ý(])", text):
        if re.search(r"\bannexes?\b[^.]{0,120}(?:limit|max|dépass|excéd)", sentence,
                     re.IGNORECASE):
            continue
        limit = _limit_of(sentence)
        if limit:
            return limit
    return None


def _shared_limit(zone: list[Block]) -> int | None:
    """A limit the call gives for every criterion at once (« par rubrique »)."""
    for block in zone:
        for sentence in _SENTENCE_END.split(block.text):
            if _SHARED.search(sentence):
                limit = _limit_of(sentence)
                if limit:
                    return limit
    return None


def global_limit(blocks: list[Block], criteria: list[Criterion] | None = None) -> int | None:
    """The limit of the whole response (« une note de 2 pages maximum », « le mémoire
    ne devra pas excéder 12 pages », « ne doit pas dépasser 15 000 caractères »), if the
    call gives one; a length in characters or words only when the sentence is not
    one of a criterion's (« Réponse limitée à 2 000 caractères »)."""
    described = " ".join(" ".join(c.text.split()) for c in criteria or [])
    for block in blocks:
        if block.kind == "table_row":
            continue
        for part in re.split(r"(?<=[.!?])\s+|[;•]", block.text):
            if _SHARED.search(part) or not re.search(
                    r"\b(?:note|mémoire|dossier technique|réponse|dossier|ensemble)\b", part,
                    re.IGNORECASE) or re.search(r"annexe financi", part, re.I):
                continue
            exceed = next((m for m in _LIMIT.finditer(part) if m.group(5)), None)
            limit = (_in_chars(_number(exceed.group(5)), exceed.group(6)) if exceed
                     else _limit_of(part))
            own = " ".join(part.split())[:60] in described
            if limit and not own and (_PAGES.search(part) or exceed):
                return limit
    return None


_SCALE_ENTRY = re.compile(rf"(?<![\w-])({_ITEM_WORD})\s*:\s*(\d{{1,3}})\s*(points?|pts|%)",
                          re.IGNORECASE)


def _label(item: str) -> str:
    """« Rubrique 1 », « rubrique n°1 » → « RUBRIQUE 1 »: how a barème names a criterion."""
    folded = fold_accents(" ".join(item.split())).upper()
    return re.sub(r"\s*N\s*°\s*", " ", folded)


def _separate_scale(blocks: list[Block]) -> dict[str, str]:
    """Points a separate barème gives by number (« rubrique 1 : 15 points ; rubrique 2 :
    20 points »)."""
    found: dict[str, str] = {}
    for block in blocks:
        numbers = [re.search(r"\d{1,3}", c) for c in block.cells[1:]]
        if block.cells and _BARE_LABEL.match(block.cells[0]) and any(numbers):
            value = next(n for n in numbers if n).group(0)
            found.setdefault(block.cells[0].strip().upper(), f"{value} points")
            continue
        for sentence in _SENTENCE_END.split(block.text):
            if _CONDITIONS.search(sentence):
                continue
            for match in _SCALE_ENTRY.finditer(sentence):
                found.setdefault(_label(match.group(1)), f"{match.group(2)} {match.group(3)}")
    return found


def extract_criteria(parsed: ParsedDocument) -> list[Criterion]:
    """The call's criteria in order, with their limits and points."""
    blocks = [replace(b, text=_RULE.sub("", b.text)) for b in parsed.blocks]
    zone = _zone([b for b in blocks if b.text.strip()])
    shared = _shared_limit(zone)
    scale_by_label = _separate_scale(blocks)
    criteria: list[Criterion] = []
    for title, raw, points, limit_text in _items(zone):
        label = (re.match(rf"\s*{_ITEM_WORD}", title, re.IGNORECASE)
                 or re.match(r"\s*(?:[A-H]|\d{1,2})(?=\s*[.)–—-]\s)", title))
        text = _PREFIX.sub("", raw, count=1)
        head = _PREFIX.sub("", title, count=1)
        limit = (_limit_of(limit_text) or _bare_limit(limit_text)) if limit_text else None
        limit = limit or _limit_of(head) or _sentence_limit(text) or shared
        cleaned, found_points = _clean(head)
        scale = _SCALE.search(text)
        points = (points or found_points or _clean(text.split(". ")[0])[1]
                  or (scale_by_label.get(_label(label.group(0))) if label else None)
                  or (f"{scale.group(1)} {scale.group(2) or 'points'}"
                      if scale and int(scale.group(1)) < 100 else None))  # 100: the total
        description, _ = _clean(text)
        if len(cleaned.split()) < 2 and len(cleaned) < 5:
            continue
        criteria.append(Criterion(len(criteria) + 1, _title(cleaned), description, limit,
                                  points))
    return criteria


def read_call(path: Path, limits: Limits) -> Call:
    """Parse the call file with the same safety checks as ingestion, then its criteria."""
    try:
        parsed = load_document(path, limits)
    except CanevasError as exc:
        raise CallError(f"Cahier des charges illisible ({path.name}) : {exc}") from exc
    if path.suffix.lower() in (".txt", ".md"):
        text = path.read_text(encoding="utf-8", errors="replace")
        parsed = replace(parsed, blocks=_with_table(parsed.blocks, text))
    parsed = replace(parsed, blocks=[replace(b, text=_EMPHASIS.sub("", b.text))
                                     for b in parsed.blocks])
    criteria = extract_criteria(parsed)
    if not criteria:
        raise CallError(
            f"Aucun critère ni question repéré dans {path.name} : le cahier des charges doit "
            "lister ses critères (liste numérotée ou à puces, ou questions). Vous pouvez aussi "
            "rédiger une demande sans appel (sans --call)."
        )
    title = next((b.text for b in parsed.blocks if re.search(r"appel à projets", b.text,
                                                              re.IGNORECASE)), "")
    title = title or parsed.title or next((b.text for b in parsed.blocks if b.text.strip()),
                                          path.stem)
    return Call(title=title[:150], source=path.name, criteria=criteria,
                max_chars=global_limit(parsed.blocks, criteria))


_NEEDS = (("nombre", re.compile(r"\bETP\b|effectif|nombre|chiffr|indicateur|cible|valeurs? de",
                                re.IGNORECASE)),
          ("montant", re.compile(r"budget|coût|montant|co-?financ", re.IGNORECASE)),
          ("date", re.compile(r"calendrier|\bdates?\b|délai", re.IGNORECASE)))
_STOP = frozenset("""dans avec pour leur leurs votre vous nous sont comment quel quels quelle
    quelles elles ainsi entre chaque toute toutes tous projet dites indiquez précisez
    expliquez montrez décrivez""".split())


def _split_items(text: str) -> list[str]:
    """The items a criterion's description asks for: its sentences, and the parts of an
    enumeration (commas and semicolons outside parentheses)."""
    items: list[str] = []
    for sentence in re.split(r"(?<=[.?!])\s+", text):
        depth, part, parts = 0, "", []
        for char in sentence:
            depth += (char == "(") - (char == ")")
            if char in ",;:" and depth == 0:
                parts.append(part)
                part = ""
            else:
                part += char
        parts.append(part)
        items += [p.strip(" .?!") for p in parts if len(p.split()) >= 1 and len(p.strip()) > 6]
    return items


def criterion_questions(criterion: Criterion, limit: int = 6) -> list[dict[str, Any]]:
    """What a criterion section must answer: its title, then each item its description
    asks for, with the kind of answer the item needs (a figure, an amount, a date)."""
    body = criterion.text
    if body.startswith(criterion.title):
        body = body[len(criterion.title):].lstrip(" .")
    body = re.sub(r"^\(\s*\d+\s*(?:points?|pts|%)\s*\)\s*\.?\s*", "", body)
    title_words = [w for w in re.findall(r"[\wÀ-ÿ'-]{5,}", criterion.title)
                   if w.lower() not in _STOP]
    questions: list[dict[str, Any]] = [{"text": criterion.title, "needs": "",
                                        "terms": [w[:6].lower() for w in title_words],
                                        "asked_words": True}]
    for item in _split_items(body)[: limit - 1]:
        needs = next((kind for kind, pattern in _NEEDS if pattern.search(item)), "")
        words = [w for w in re.findall(r"[\wÀ-ÿ'-]{5,}", item) if w.lower() not in _STOP]
        terms = [w[:6].lower() for w in words]
        questions.append({"text": item[:1].upper() + item[1:], "terms": terms, "needs": needs,
                          "asked_words": True})
    return questions
