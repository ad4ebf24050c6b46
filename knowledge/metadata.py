"""Infer title, organisation, document type and year from a parsed document."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from knowledge.document import DocumentInfo, ParsedDocument

DOC_TYPES: dict[str, tuple[str, ...]] = {
    "projet associatif": ("projet associatif",),
    "projet de service": ("projet de service",),
    "projet d'établissement": ("projet d'établissement", "projet d'etablissement"),
    "projet social": ("projet social", "projets sociaux"),
    "rapport d'activité": ("rapport d'activité", "rapport d'activite", "rapport annuel"),
    "livret d'accueil": ("livret d'accueil",),
    "règlement": ("règlement intérieur", "règlement de fonctionnement"),
    "procédure": ("procédure", "procedure", "protocole"),
    "compte rendu": ("compte rendu", "compte-rendu", "procès-verbal"),
    "appel à projets": ("appel à projets", "cahier des charges"),
    "présentation": ("séance publique", "diaporama"),
}
LEGAL_TEXT = "texte juridique"
# A legal text names itself by its own first heading: an article of a code (« Article
# L313-36 », « Article Annexe 3-8-2 »), or a division of a code (« Chapitre Ier : … »)
# whose text is nothing but a list of its divisions and articles (a table of contents),
# one at least an article of a code: an association's annex cover page or rules in
# chapters list no « Article L… ».
_ARTICLE = r"Article\s+(?:[LRDA]\*?\.?\s?\d|Annexe\b)"
_DIVISION = (r"(?:Partie\s+(?:législative|réglementaire)|(?:Livre|Titre|Chapitre|Section|"
             r"Sous-section|Paragraphe|Sous-paragraphe)\s+(?:[IVXL]+|Ier|Ire|\d+|unique|"
             r"préliminaire)\b|Annexe\b)")
_ARTICLE_TITLE = re.compile(_ARTICLE)
_DIVISION_TITLE = re.compile(_DIVISION)
_CONTENTS_LINE = re.compile(rf"\s*[-*•]?\s*\[?(?:{_ARTICLE}|{_DIVISION})")
_ARTICLE_LINE = re.compile(rf"\s*[-*•]?\s*\[?{_ARTICLE}")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_INTRODUCED = re.compile(
    r"\b[Aa]ssociation\s+((?:[A-ZÀ-Ý][\wÀ-ÿ'-]+)(?:\s+[A-ZÀ-Ý][\wÀ-ÿ'-]+){0,2})"
)
_NAME = re.compile(r"\b([A-Z][A-Za-zÀ-ÿ]{2,}|[A-ZÀ-Ý]{3,})\b")
_NOT_ORGS = frozenset(
    """CAF CCAS CHRS FSL ASLL AVDL PDALHPD DALO GLA SIAO IML MOI PLAI FJT FTM RS PF RA CILPI
    DIHAL AGLS GLS CVS CER AHI ESSMS RGPD APL ALT CESF CESU ETP CDD CDI RSA DDCS DDETS DREETS
    ARS HAS CNIL ONU ANAH OPAH PACA TAS MDPH SAVS SAMSAH CMU CPAM EPCI ANCT QPV DIAN SCOP SAS
    DG CA AG LE LA LES DES DU DE ET EN UN UNE NOS NOTRE POUR PAR SUR AVEC DANS AUX QUI QUE
    Les Le La Des Du De Et En Un Une Nos Notre Pour Par Sur Avec Dans Aux Qui Que Ce Cette Ces
    Il Elle Ils Elles Nous Vous On Son Sa Ses Leur Leurs Au Depuis Lors Ainsi Enfin Afin Mais
    Dans Après Avant Entre Chaque Tous Toutes Plus Pour Bien Comme Une Sont Est Ont Projet
    Association Service Rapport Accompagnement Logement Conseil Direction Président Présidente
    Département Région France Marseille Paris Aix Provence Amiens Lyon Janvier Février Mars
    Avril Mai Juin Juillet Août Septembre Octobre Novembre Décembre Madame Monsieur""".split()
)


def _first_type_phrase(haystack: str) -> tuple[str, int] | None:
    hits = [
        (doc_type, m.end())
        for doc_type, phrases in DOC_TYPES.items()
        for phrase in phrases
        if (m := re.search(re.escape(phrase), haystack))
    ]
    return min(hits, key=lambda hit: hit[1]) if hits else None


def is_legal_text(title: str, text: str) -> bool:
    """An article of a code, or a division of one, by its own first heading."""
    if _ARTICLE_TITLE.match(title):
        return True
    if not _DIVISION_TITLE.match(title):
        return False
    lines = [line for line in text[:4000].splitlines()[1:] if line.strip()]
    return (lines != [] and all(_CONTENTS_LINE.match(line) for line in lines)
            and any(_ARTICLE_LINE.match(line) for line in lines))


def is_legal_type(doc_type: str | None) -> bool:
    """``doc_type`` is the legal-text type, however the user typed it."""
    return (doc_type or "").strip().casefold() == LEGAL_TEXT


def infer_doc_type(title: str, text: str) -> str:
    """A legal text's type; else the earliest known document-type phrase, in the title
    first, then in the text."""
    if is_legal_text(title, text):
        return LEGAL_TEXT
    for haystack in (title.lower(), text[:4000].lower()):
        hit = _first_type_phrase(haystack)
        if hit:
            return hit[0]
    return "autre"


def infer_year(title: str, text: str) -> int | None:
    """A year in the title, or right after the document-type phrase, else the commonest one."""
    in_title = _YEAR.findall(title)
    if in_title:
        return int(in_title[0])
    start = text[:6000]
    hit = _first_type_phrase(start.lower())
    if hit:
        near = _YEAR.search(start[hit[1] : hit[1] + 12])
        if near:
            return int(near.group(1))
    years = Counter(_YEAR.findall(start))
    return int(years.most_common(1)[0][0]) if years else None


def infer_organisation(text: str) -> str | None:
    """The most frequent capitalised name that is not a sector acronym or a common word.

    A name the text introduces as "l'association X" counts double: that is how
    documents name their own organisation.
    """
    names = Counter(m for m in _NAME.findall(text) if m not in _NOT_ORGS)
    for m in _INTRODUCED.finditer(text[:20000]):
        name = m.group(1).strip()
        if name.split()[0] not in _NOT_ORGS:
            names[name] += 2 * max(1, text.count(name))
    if not names:
        return None
    name, count = names.most_common(1)[0]
    return name if count >= 4 else None


def infer_title(parsed: ParsedDocument, path: Path) -> str:
    """The file's own title if any, else its first heading, else a readable file name."""
    if parsed.title and len(parsed.title) > 3:
        return parsed.title[:200]
    headings = [b.text for b in parsed.blocks[:25] if b.kind == "heading"]
    first = next((h for h in headings if len(h.split()) >= 3), None)
    if first:
        return first[:200]
    return path.stem.replace("_", " ").replace("-", " ").strip() or path.name


def infer_info(
    parsed: ParsedDocument,
    path: Path,
    organisation: str | None = None,
    doc_type: str | None = None,
    year: int | None = None,
) -> DocumentInfo:
    """Inferred metadata, with anything given at ingestion taking precedence."""
    title = infer_title(parsed, path)
    text = parsed.text
    # A code's article is nobody's document: its most frequent capitalised word
    # (« Article », « Etat ») is no organisation.
    legal = is_legal_text(title, text)
    return DocumentInfo(
        title=title,
        organisation=organisation or (None if legal else infer_organisation(text)),
        doc_type=doc_type or infer_doc_type(title, text),
        year=year or infer_year(title, text),
    )
