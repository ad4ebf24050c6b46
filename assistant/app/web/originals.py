"""The original of a cited document, from the passage a citation opens.

Only documents of the base are served, looked up by their id in the manifest (never a
path from the request), from the copy the base keeps of each one: the file as it was
given, or — when personal data was replaced at indexing — its pseudonymised rendition
(the raw file is then not kept anywhere, so it cannot be offered). The file is streamed
from that copy: serving it leaves no other copy behind. The gate (``guard.Guard``)
checks Host, Origin and the session cookie before it asks for the file, and sends it as
an attachment that the browser never renders in the page (no HTML of a document runs on
the app's address).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from assistant.app.web.text import inert
from knowledge.base import RENDITION_SUFFIX, KnowledgeBase

ROUTE = "/canevas/original/"
_DOC_ID = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class Original:
    """A file to send: where the base keeps it and the name it is downloaded under."""

    path: Path
    name: str


class Originals:
    """What a citation can offer of its document, and the file the gate sends."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def find(self, doc_id: str) -> Original | None:
        """The kept copy of a document of the base, or None."""
        if not _DOC_ID.match(doc_id):
            return None
        found = self.kb.kept_copy(doc_id)
        if found is None:
            return None
        record, path = found
        if path is None:
            return None
        name = (record.source + RENDITION_SUFFIX if path.name.endswith(RENDITION_SUFFIX)
                else record.source)
        return Original(path, name)

    def offer(self, chunk_id: str) -> str:
        """The line under a cited passage: a link to the original, or why there is none
        (inline HTML built here from escaped text; the id is checked hexadecimal)."""
        doc_id = str(chunk_id).rsplit("-", 1)[0]
        found = self.kb.kept_copy(doc_id) if _DOC_ID.match(doc_id) else None
        if found is None:
            return ("<em>Ce document n'est plus dans la base : seul "
                    "le passage ci-dessus reste consultable.</em>")
        record, path = found
        if path is None:
            return ("<em>L'original de « " + inert(record.source)
                    + " » n'est pas gardé par Canevas : le passage ci-dessus est le texte "
                    "indexé.</em>")
        href = ROUTE + doc_id
        if path.name.endswith(RENDITION_SUFFIX):
            return (f"<a href=\"{href}\" download>Télécharger la "
                    f"copie pseudonymisée de « {inert(record.source)} »</a> — le fichier "
                    "d'origine n'est pas gardé : il contenait des données personnelles, "
                    "remplacées par des pseudonymes dans cette copie (texte).")
        return (f"<a href=\"{href}\" download>Télécharger le "
                f"document d'origine « {inert(record.source)} »</a>")


def attachment_headers(original: Original, size: int) -> list[tuple[bytes, bytes]]:
    """Headers that make the browser save the file, never display or run it."""
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", original.name) or "document"
    disposition = (f"attachment; filename=\"{ascii_name}\"; "
                   f"filename*=UTF-8''{quote(original.name, safe='')}")
    return [(b"content-type", b"application/octet-stream"),
            (b"content-disposition", disposition.encode("ascii")),
            (b"content-length", str(size).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"content-security-policy", b"sandbox; default-src 'none'"),
            (b"cache-control", b"no-store")]
