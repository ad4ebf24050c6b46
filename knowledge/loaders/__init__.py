"""Loaders turn a file into blocks; every loader runs behind the same safety checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.document import ParsedDocument
from knowledge.errors import IngestError
from knowledge.limits import Limits
from knowledge.loaders.docx import load_docx
from knowledge.loaders.html import load_html
from knowledge.loaders.odt import load_odt
from knowledge.loaders.pdf import load_pdf
from knowledge.loaders.safety import FORMATS, detect_format
from knowledge.loaders.text import load_markdown, load_text

_LOADERS: dict[str, Callable[[Path, Limits], ParsedDocument]] = {
    "pdf": load_pdf,
    "docx": load_docx,
    "odt": load_odt,
    "text": load_text,
    "markdown": load_markdown,
    "html": load_html,
}

SUPPORTED_SUFFIXES = frozenset(FORMATS)


def load_document(path: Path, limits: Limits) -> ParsedDocument:
    """Parse any supported file, or raise IngestError with a French reason."""
    fmt = detect_format(path, limits)
    try:
        parsed = _LOADERS[fmt](path, limits)
    except IngestError:
        raise
    except RecursionError as exc:
        raise IngestError("Le document est trop profondément imbriqué : refusé.") from exc
    except Exception as exc:
        raise IngestError(
            f"Le fichier est illisible ou endommagé ({type(exc).__name__}) : "
            "ouvrez-le et réenregistrez-le, puis réessayez."
        ) from exc
    if not any(b.text.strip() for b in parsed.blocks):
        raise IngestError("Aucun texte exploitable dans ce document.")
    if len(parsed.text) > limits.max_text_chars:
        raise IngestError("Le document contient trop de texte pour être indexé en une fois.")
    return parsed
