"""PDF loader (pypdf): text layer per page, page numbers kept, clean-up applied."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from knowledge.cleanup import clean_pages
from knowledge.document import ParsedDocument
from knowledge.errors import IngestError
from knowledge.limits import Limits

logging.getLogger("pypdf").setLevel(logging.ERROR)


def load_pdf(path: Path, limits: Limits) -> ParsedDocument:
    """Extract the text layer of each page; refuse encrypted, broken and scanned PDFs."""
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("password")
        pages = reader.pages
        if len(pages) > limits.max_pdf_pages:
            raise IngestError(
                f"Le PDF compte {len(pages)} pages, au-delà de la limite de "
                f"{limits.max_pdf_pages} : découpez-le avant de l'ajouter."
            )
        texts = [page.extract_text() or "" for page in pages]
        info = reader.metadata
        title = str(info.title).strip() if info and info.title else None
    except FileNotDecryptedError as exc:
        raise IngestError(
            "Le PDF est protégé par un mot de passe : enregistrez-en une copie non protégée, "
            "puis réessayez."
        ) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(
            "Le PDF est illisible ou endommagé : ouvrez-le et réenregistrez-le (ou exportez-le "
            "à nouveau en PDF), puis réessayez."
        ) from exc
    if sum(len(t.strip()) for t in texts) < 20:
        raise IngestError(
            "Le PDF ne contient pas de texte exploitable (document scanné ?) : il faut d'abord "
            "le passer à la reconnaissance de caractères (OCR), puis l'ajouter à nouveau."
        )
    return ParsedDocument(blocks=clean_pages(texts), title=title or None, pages=len(texts))
