"""Checks run on every file before a parser touches it: size, type by content, zip bombs."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as DefusedET

from knowledge.errors import IngestError
from knowledge.limits import Limits

FORMATS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
ACCEPTED = "PDF, DOCX, ODT, TXT, Markdown, HTML"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} Mo"


def detect_format(path: Path, limits: Limits) -> str:
    """Return the format name after checking size and that content matches the extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise IngestError(
            f"Type de fichier non pris en charge ({path.suffix or 'sans extension'}). "
            f"Formats acceptés : {ACCEPTED}."
        )
    size = path.stat().st_size
    if size == 0:
        raise IngestError("Le fichier est vide.")
    if size > limits.max_file_bytes:
        raise IngestError(
            f"Le fichier fait {_megabytes(size)}, au-delà de la limite de "
            f"{_megabytes(limits.max_file_bytes)} : découpez-le ou augmentez "
            "CANEVAS_LIMIT_MAX_FILE_BYTES."
        )
    with path.open("rb") as f:
        head = f.read(1024)
    if fmt == "pdf" and b"%PDF-" not in head:
        raise IngestError("Le fichier porte l'extension .pdf mais n'est pas un PDF.")
    if fmt in ("docx", "odt") and not head.startswith(b"PK"):
        raise IngestError(
            f"Le fichier porte l'extension .{fmt} mais n'est pas un document {fmt.upper()} valide "
            "(fichier endommagé ou mal renommé)."
        )
    if fmt in ("text", "markdown", "html") and b"\x00" in head:
        raise IngestError("Le fichier contient des données binaires : ce n'est pas un texte.")
    return fmt


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse archives whose uncompressed size or compression ratio betray a zip bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError("Le document est endommagé : l'archive interne est illisible.") from exc
    if len(infos) > limits.max_zip_entries:
        raise IngestError("Le document contient un nombre anormal de fichiers internes : refusé.")
    total = sum(i.file_size for i in infos)
    compressed = max(1, sum(i.compress_size for i in infos))
    if total > limits.max_zip_uncompressed_bytes or total / compressed > limits.max_zip_ratio:
        raise IngestError(
            "Le document est anormalement compressé (possible « bombe zip ») : "
            "refusé par sécurité."
        )


def check_office_archive(path: Path, limits: Limits) -> None:
    """DOCX and ODT are zip archives of XML parts: check the archive, then every part."""
    check_zip(path, limits)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                check_xml(archive.read(name))


def check_xml(data: bytes) -> None:
    """Parse every XML part with ``defusedxml``, DTDs forbidden: entity expansion and
    external entities are attack vectors, and a byte scan misses a UTF-16 ``<!DOCTYPE``."""
    try:
        DefusedET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                             forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise IngestError(
            "Le document contient une déclaration XML DOCTYPE ou ENTITY, refusée par sécurité."
        ) from exc
    except ET.ParseError as exc:
        raise IngestError(
            "Une partie XML du document est illisible (fichier endommagé) : "
            "ouvrez-le et enregistrez-le de nouveau."
        ) from exc
