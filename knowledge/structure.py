"""Detect headings in plain text and keep track of the section path.

Extracted PDF text has no styles: headings are recognised by their numbering
("3.1. Les publics"), capitals ("NOS VALEURS"), slide numbering glued to the title
("01Qui sommes nous") or by being a short title line between two sentences.

Numbered headings take the level of their numbering (1 to 4). Unnumbered ones sit
below whatever numbered section they appear in: capitals at level 5, short title
lines at level 6, so "OBJECTIF 2" inside "6.1." stays inside it.
"""

from __future__ import annotations

import re

from knowledge.calibration import tuned
from knowledge.document import Block

CAPITALS_LEVEL = 5
SHORT_TITLE_LEVEL = 6

_NUMBERED = re.compile(
    r"^(?P<num>(?:\d{1,2}\.){1,3}\d{0,2}|\d{1,2}[)°]|[IVX]{1,4}[.)\-–]|[A-H][.)])\s+"
    r"(?P<title>[A-ZÀ-ÖØ-Ý«\"].{1,100})$"
)
_GLUED = re.compile(r"^(?P<num>0\d)\s*(?P<title>[A-ZÀ-ÖØ-Ý].{1,80})$")
_ENDS_SENTENCE = re.compile(r"[.,;:!]\s*$")
_LINK_WORDS = (r"(?:de|du|des|la|le|les|l'|d'|et|ou|à|au|aux|en|pour|par|sur|avec|dans|un|une|"
               r"qui|que|dont|est|sont|a|ont|ce|cette|ses|son|sa|leur|leurs|notre|nos|plus|très)")
_ENDS_WITH_LINK_WORD = re.compile(rf"\b{_LINK_WORDS}$", re.I)
_ONLY_LINK_WORD = re.compile(rf"^{_LINK_WORDS}$", re.I)
_UPPER_START = re.compile(r"^[A-ZÀ-ÖØ-Ý]")
_LETTERS = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")


class HeadingDetector:
    """Decide whether a line is a heading, and at which level."""

    def level(self, line: str, previous: str, following: str) -> int | None:
        """Heading level of ``line`` given its neighbours, or None for body text."""
        text = line.strip()
        if (not text or len(text) > tuned("structure.heading_max_chars")
                or len(text.split()) > tuned("structure.heading_max_words")):
            return None
        if _ENDS_SENTENCE.search(text) and not text.endswith("?"):
            return None
        if _ONLY_LINK_WORD.match(text):
            return None
        m = _NUMBERED.match(text)
        if m and not _ENDS_WITH_LINK_WORD.search(text):
            num = m.group("num")
            return max(1, min(4, num.rstrip(".").count(".") + 1)) if "." in num else 1
        if _GLUED.match(text):
            return 1
        if is_capitals(text):
            return CAPITALS_LEVEL
        return self._short_title(text, previous, following)

    @staticmethod
    def _short_title(text: str, previous: str, following: str) -> int | None:
        if (len(text) > tuned("structure.short_title_max_chars")
                or len(text.split()) > tuned("structure.short_title_max_words")
                or not _UPPER_START.match(text)):
            return None
        if " : " in text or text.endswith(")"):
            return None
        if _ENDS_WITH_LINK_WORD.search(text) or text.endswith(("-", "(", "'")):
            return None
        previous_closed = not previous or bool(re.search(r"[.!?:»\"]\s*$", previous))
        following_opens = bool(following) and bool(re.match(r"^[A-ZÀ-ÖØ-Ý«\"•\-–]", following))
        return SHORT_TITLE_LEVEL if previous_closed and following_opens else None

    @staticmethod
    def title(line: str) -> str:
        """The heading text as shown in section paths (glued slide numbers separated)."""
        text = " ".join(line.split())
        m = _GLUED.match(text)
        return f"{m.group('num')} {m.group('title')}" if m else text


def is_capitals(text: str) -> bool:
    """Mostly upper-case letters, as in "NOS VALEURS" or "DE DÉVELOPPEMENT"."""
    letters = _LETTERS.findall(text)
    return len(letters) >= 2 and (sum(c.isupper() for c in letters) / len(letters)
                                 > tuned("structure.capitals_share"))


def continues_heading(heading: str, line: str) -> bool:
    """Whether ``line`` is the second line of a heading wrapped by the layout.

    "6. LES PERSPECTIVES" + "DE DÉVELOPPEMENT", "6.1. Les orientations" + "stratégiques".
    """
    text = line.strip()
    if (not text or len(text) > tuned("structure.continuation_max_chars")
            or _ENDS_SENTENCE.search(text)
            or len(heading) > tuned("structure.wrapped_heading_max_chars")):
        return False
    if is_capitals(heading) and is_capitals(text):
        return bool(_CONTINUATION_WORD.match(text)) or bool(_ENDS_WITH_LINK_WORD.search(heading))
    return text[0].islower() and len(text.split()) <= tuned("structure.continuation_max_words")


_CONTINUATION_WORD = re.compile(r"^(?:DE|DU|DES|D'|ET|OU|À|A|AU|AUX|EN|POUR|PAR|SUR|DANS)\b")


class SectionTracker:
    """Maintain the path of headings above the current block."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []

    def update(self, block: Block) -> None:
        if block.kind != "heading":
            return
        self._stack = [(lvl, t) for lvl, t in self._stack if lvl < block.level]
        self._stack.append((block.level, block.text))

    @property
    def path(self) -> str:
        return " > ".join(t for _, t in self._stack)
