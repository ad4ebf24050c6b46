"""Repair what PDF text extraction does to French prose.

PDF extraction gives visual lines, not paragraphs: words are hyphenated across line
ends, sentences are broken mid-way, headers and page numbers repeat on every page,
bullets come out as odd glyphs. Everything downstream (chunking, keyword search,
sentence selection) works on the paragraphs this module rebuilds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from knowledge.document import Block, BlockKind
from knowledge.structure import HeadingDetector, continues_heading

_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t]")
_ZERO_WIDTH = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "`": "'", "“": '"', "”": '"', "„": '"'})
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl"})
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_BULLET_GLYPHS = "•●○◦▪▫■□►▶▸➢➤➔→✓✔✗❖◆◇·\ufffd*"
_BULLET = re.compile(rf"^\s*(?:[{re.escape(_BULLET_GLYPHS)}]\s*)+|^\s*[-–—]\s+|^\s*[zqØ]\s+(?=\w)")
_FOOTNOTE = re.compile(r"(?<=[A-Za-zÀ-ÿ]{3})\d{1,2}(?=[\s,.;:)]|$)")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:/|sur)\s*\d{1,4})?\s*$", re.I)
_SENTENCE_END = re.compile(r"[.!?…:;»\"]\s*$")
_STARTS_NEW = re.compile(r"^[A-ZÀ-ÖØ-Ý0-9«\"(]")
_WORD = re.compile(r"[a-zà-öø-ÿœæ]+(?:-[a-zà-öø-ÿœæ]+)*", re.I)
_HYPHEN_END = re.compile(r"([A-Za-zÀ-ÖØ-öø-ÿœæ]+)-$")
_NEXT_WORD = re.compile(r"^([A-Za-zÀ-ÖØ-öø-ÿœæ]+)(-?)")
_KEEP_HYPHEN_SUFFIXES = frozenset(
    "du de des la le les sur en et sous lès saint sainte aux t il elle ils elles on ce ci là "
    "même mêmes ça dessus dessous être dire faire vous nous moi toi lui y".split()
)


def normalize_chars(text: str) -> str:
    """Unify spaces, apostrophes, ligatures and invisible characters."""
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text.translate(_QUOTES).translate(_LIGATURES))
    text = _SPACES.sub(" ", text)
    text = re.sub(r"(?m)^(\s*)\ufffd", r"\1• ", text).replace("\ufffd", "")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)


def strip_bullet(line: str) -> tuple[str, bool]:
    """Remove leading bullet glyphs; tell whether the line started a list item."""
    line = _PRIVATE_USE.sub("•", line)
    stripped = _BULLET.sub("", line, count=1)
    return stripped.strip(), stripped != line


def remove_footnote_digits(text: str) -> str:
    """Drop footnote calls glued to words ("logement2 " -> "logement ")."""
    return _FOOTNOTE.sub("", text)


def strip_running_lines(pages: Sequence[Sequence[str]]) -> list[list[str]]:
    """Remove headers, footers and page numbers that repeat at the top or bottom of pages."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.lower().split()))

    def edges(lines: Sequence[str]) -> list[int]:
        idx = [i for i, line in enumerate(lines) if line.strip()]
        return sorted(set(idx[:3] + idx[-3:]))

    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({key(lines[i]) for i in edges(lines)})
    threshold = max(3, len(pages) // 2)
    running = {k for k, n in counts.items() if n >= threshold and len(pages) >= 3}
    cleaned: list[list[str]] = []
    for lines in pages:
        drop = {i for i in edges(lines) if key(lines[i]) in running}
        drop |= {i for i in edges(lines)[:1] + edges(lines)[-1:] if _PAGE_NUMBER.match(lines[i])}
        cleaned.append([line for i, line in enumerate(lines) if i not in drop])
    return cleaned


_TOC_PAGE = re.compile(r"[\s.]*\d{1,3}\s*$")
_TOC_LINE = re.compile(
    r"^\s*(?:\d{1,2}\.){1,4}\d{0,2}\s+[A-ZÀ-ÖØ-Ý«\"'].{1,150}?[^\d\s]\s*\.*\s*\d{1,3}\s*$")


def _numbered(line: str) -> tuple[str, set[str]]:
    """A numbered line's numbering and its longer words (« 3.3. », {"intervention"…})."""
    number, _, title = line.strip().partition(" ")
    return number, {w for w in _WORD.findall(_TOC_PAGE.sub("", title).casefold()) if len(w) > 3}


def table_of_contents(lines: Sequence[str], gap: int = 4) -> set[int]:
    """Indexes of the lines of a table of contents: from the first to the last of three
    or more numbered headings ending with a page number (« 3.3.2. L'habitat social
    14 »), each within ``gap`` non-blank lines of the next (wrapped titles,
    « SOMMAIRE » and running lines between them go too), when most of these headings
    come again further on (a list of criteria with their points does not).

    A contents page repeats the document's headings: read as headings it puts every
    passage of the document under the wrong section, and searched it ranks as a
    passage that answers nothing. The headings themselves come again with their text.
    """
    filled = [i for i, line in enumerate(lines) if line.strip()]
    marked = [n for n, i in enumerate(filled) if _TOC_LINE.match(lines[i])]
    dropped: set[int] = set()
    run: list[int] = []
    for n in [*marked, len(filled) + gap + 1]:
        if run and n - run[-1] > gap:
            later: dict[str, set[str]] = {}
            for i in filled[run[-1] + 1:]:
                number, words = _numbered(lines[i])
                later.setdefault(number, set()).update(words)
            again = sum(bool(words & later.get(number, set()))
                        for number, words in (_numbered(lines[filled[m]]) for m in run))
            if len(run) >= 3 and again * 2 >= len(run):
                dropped.update(range(filled[run[0]], filled[run[-1]] + 1))
            run = []
        run.append(n)
    return dropped


class ParagraphBuilder:
    """Rebuild paragraphs, list items and headings from extracted visual lines."""

    def __init__(self, full_text: str) -> None:
        self._vocabulary = Counter(w.lower() for w in _WORD.findall(full_text))
        self._headings = HeadingDetector()

    def join_hyphenated(self, left: str, right: str) -> str:
        """Join two line fragments, undoing end-of-line hyphenation but not real compounds."""
        m, n = _HYPHEN_END.search(left), _NEXT_WORD.match(right)
        if not m or not n:
            return f"{left} {right}"
        head, tail = m.group(1), n.group(1)
        joined = (head + tail).lower()
        compound = f"{head}-{tail}".lower()
        keep = (
            tail[0].isupper()
            or n.group(2) == "-"
            or self._vocabulary[compound] > self._vocabulary[joined]
            or (tail.lower() in _KEEP_HYPHEN_SUFFIXES and not self._vocabulary[joined])
        )
        return f"{left}{right}" if keep else f"{left[:-1]}{right}"

    def build(self, lines: Iterable[tuple[str, int | None]]) -> list[Block]:
        """Turn (line, page) pairs into blocks in reading order."""
        items = [(normalize_chars(text).rstrip(), page) for text, page in lines]
        contents = table_of_contents([text for text, _ in items])
        items = [item for i, item in enumerate(items) if i not in contents]
        blocks: list[Block] = []
        current: list[str] = []
        kind: BlockKind = "paragraph"
        page_of_current: int | None = None

        def flush() -> None:
            nonlocal current
            if current:
                text = remove_footnote_digits(" ".join(" ".join(current).split()))
                if text:
                    blocks.append(Block(text=text, kind=kind, page=page_of_current))
            current = []

        previous_line = ""
        for i, (raw, page) in enumerate(items):
            if not raw.strip():
                continue
            line, is_item = strip_bullet(raw)
            if not line:
                continue
            following = next((t for t, _ in items[i + 1 :] if t.strip()), "")
            last = blocks[-1] if blocks and not current else None
            if (not is_item and last is not None and last.kind == "heading"
                    and continues_heading(last.text, line)):
                blocks[-1] = Block(text=f"{last.text} {line}", kind="heading", level=last.level,
                                   page=last.page)
                continue
            level = None if is_item else self._headings.level(line, previous_line, following)
            if level is not None:
                flush()
                blocks.append(
                    Block(text=self._headings.title(line), kind="heading", level=level, page=page)
                )
                previous_line = ""
                continue
            if is_item or not current or self._breaks(current[-1], line, kind):
                flush()
                kind = "list_item" if is_item else "paragraph"
                page_of_current = page
                current = [line]
            else:
                current[-1] = self.join_hyphenated(current[-1], line)
            previous_line = line
        flush()
        return blocks

    @staticmethod
    def _breaks(previous: str, line: str, kind: str) -> bool:
        """A new paragraph starts after a finished sentence, or after a list item's line."""
        starts_new = bool(_STARTS_NEW.match(line))
        return starts_new and (kind == "list_item" or bool(_SENTENCE_END.search(previous)))


def clean_pages(pages: Sequence[str]) -> list[Block]:
    """Clean the text of each PDF page and rebuild its blocks, keeping page numbers."""
    page_lines = strip_running_lines([p.splitlines() for p in pages])
    full = "\n".join("\n".join(lines) for lines in page_lines)
    builder = ParagraphBuilder(normalize_chars(full))
    return builder.build(
        (line, number) for number, lines in enumerate(page_lines, start=1) for line in lines
    )


def clean_plain_text(text: str) -> list[Block]:
    """Clean text that was extracted from a PDF elsewhere (or typed) and has no pages."""
    pages = text.split("\f")
    if len(pages) > 1:
        return clean_pages(pages)
    text = normalize_chars(text)
    return ParagraphBuilder(text).build((line, None) for line in text.splitlines())
