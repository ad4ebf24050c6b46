"""Infer title, organisation, document type and year from a parsed document."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from knowledge.document import DocumentInfo, ParsedDocument
from knowledge.french import MONTH_PATTERN

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


# A day's date on the first page (« 29 juin 2004 »): the day the document was presented.
_DATED = re.compile(rf"\b\d{{1,2}}(?:er)?\s+(?:{MONTH_PATTERN})\s+(19[5-9]\d|20[0-4]\d)\b",
                    re.IGNORECASE)


def infer_year(title: str, text: str, today: int | None = None) -> int | None:
    """A year in the title, or right after the document-type phrase, or the date of the
    first page; else the latest year the first pages mention that is not yet to come.

    A document is at least as recent as the latest past year it speaks of: its history
    starts with the founding year (« créée en 1990 »), which dates nothing; the years
    of a plan (« horizon 2040 ») are not past yet.
    """
    in_title = _YEAR.findall(title)
    if in_title:
        return int(in_title[0])
    start = text[:6000]
    hit = _first_type_phrase(start.lower())
    if hit:
        near = _YEAR.search(start[hit[1] : hit[1] + 12])
        if near:
            return int(near.group(1))
    for dated in _DATED.finditer(text[:1500]):
        # « la loi 2002-2 du 2 janvier 2002 », « depuis le 1er janvier 2021 »: the date
        # of something else
        if not _NOT_ITS_DATE.search(text[max(0, dated.start() - 40): dated.start()]):
            return int(dated.group(1))
    this_year = today or date.today().year
    # A period counts by its start (« 2022-2026 »): its end is still to come.
    spoken = _RANGE_END.sub(" ", start)
    years = [int(y) for y in _YEAR.findall(spoken) if int(y) <= this_year]
    return max(years) if years else None


_NOT_ITS_DATE = re.compile(r"\b(?:loi|décret|decret|arrêté|arrete|ordonnance|circulaire|"
                           r"depuis|créée?s?|fondée?s?|née?)\b[^.]*$", re.IGNORECASE)
_RANGE_END = re.compile(r"(?<=\d{4})\s*(?:-|–|à|/)\s*(?:19[5-9]\d|20[0-4]\d)\b")


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


# Front matter that heads a document without naming it: an editorial, a foreword, a
# table of contents (« Édito », « LE MOT DU DG », « Le mot de la présidente »).
_EDITORIAL = (r"[ée]dito(?:rial)?(?:\s+d(?:[eu]s?|['’]).*)?|"
              r"(?:le )?mots? d(?:[eu]s?|['’])(?!\s*passe\b).*")
_FRONT_MATTER = re.compile(
    rf"^(?:{_EDITORIAL}|pr[ée]ambule|avant[- ]propos|introduction|sommaire|"
    r"table des mati[èe]res)\W*$", re.IGNORECASE)
# A letter that opens a report: its first real heading is often a section's (« Les
# chiffres clés 2022 »), the report being named in the letter (« notre rapport
# d'activité 2023 »).
_OPENS_ON_LETTER = re.compile(rf"^(?:{_EDITORIAL})\W*$", re.IGNORECASE)


def first_heading(parsed: ParsedDocument, path: Path) -> str:
    """The file's own title if any, else its first heading of three words or more, else
    a readable file name: the document's own words, which head its passages."""
    if parsed.title and len(parsed.title) > 3:
        return parsed.title[:200]
    headings = [b.text for b in parsed.blocks[:25] if b.kind == "heading"]
    first = next((h for h in headings if len(h.split()) >= 3), None)
    if first:
        return first[:200]
    return path.stem.replace("_", " ").replace("-", " ").strip() or path.name


def infer_title(parsed: ParsedDocument, path: Path) -> str:
    """The file's own title if any, else its first heading that names it (not an
    editorial's or a table of contents'), with its subtitle when the heading is only the
    document's type and the next block is a short heading (« PROJET DE SERVICE —
    ACCOMPAGNEMENT ET MEDIATION »); a document that opens on its editorial is named by
    its type and year as its first page writes them (« rapport d'activité 2023 »);
    else a readable file name."""
    if (parsed.title and len(parsed.title) > 3 and not _FRONT_MATTER.match(parsed.title)
            and not _only_a_type(parsed.title)):
        return parsed.title[:200]
    blocks = parsed.blocks[:25]
    front = bool(parsed.title and _OPENS_ON_LETTER.match(parsed.title))
    for index, block in enumerate(blocks):
        heading = block.text.strip()
        if block.kind != "heading":
            continue
        if _FRONT_MATTER.match(heading):
            front = front or bool(_OPENS_ON_LETTER.match(heading))
            continue
        if not (_only_a_type(heading) or len(heading.split()) >= 3):
            continue
        named = _TYPE_AND_YEAR.search(parsed.text[:3000]) if front else None
        if named:
            break
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        if (_only_a_type(heading) and after is not None and after.kind == "heading"
                and 2 <= len(after.text.split()) <= 8
                and not re.search(r"^\d|\.{3,}|\d\s*$", after.text.strip())):
            heading = f"{heading} — {after.text.strip()}"
        return heading[:200]
    named = _TYPE_AND_YEAR.search(parsed.text[:3000])
    if named:
        return named.group(0)[:1].upper() + named.group(0)[1:]
    if parsed.title and len(parsed.title) > 3:
        return parsed.title[:200]
    return path.stem.replace("_", " ").replace("-", " ").strip() or path.name


def _only_a_type(heading: str) -> bool:
    """``heading`` is a document type and nothing else (« PROJET DE SERVICE »)."""
    folded = heading.casefold().strip(" .:")
    return any(folded == phrase for phrases in DOC_TYPES.values() for phrase in phrases)


_TYPE_AND_YEAR = re.compile(
    "(?:" + "|".join(re.escape(p) for phrases in DOC_TYPES.values() for p in phrases
                     if p not in ("procédure", "procedure", "protocole"))
    + r")\s+(?:19[5-9]\d|20[0-4]\d)\b", re.IGNORECASE)


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
        heading=first_heading(parsed, path),
    )
