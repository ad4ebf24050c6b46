"""Find personal data in French text with Presidio, spaCy's French model and our patterns."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from knowledge.pii.recognizers import after_place_word, is_first_name

ENTITY_LABELS = {
    "PERSON": "Personne", "EMAIL_ADDRESS": "Courriel", "FR_PHONE": "Téléphone",
    "FR_NIR": "NIR", "IBAN_CODE": "IBAN", "FR_CAF_NUMBER": "Allocataire",
    "FR_ADDRESS": "Adresse", "DATE_OF_BIRTH": "Naissance",
}
STRUCTURED = ("EMAIL_ADDRESS", "FR_PHONE", "FR_NIR", "IBAN_CODE", "FR_CAF_NUMBER")
SPACY_MODEL = os.environ.get("CANEVAS_PII_SPACY_MODEL", "fr_core_news_sm")
_MIN_SCORE = 0.5
_CIVILITY = re.compile(r"(?:M\.|Mme|Mlle|Monsieur|Madame|Dr)\s*$")
_LOCK = threading.Lock()
_GREETING_WORD = re.compile(r"(?i:bonjour|bonsoir|salut|chère|cher|merci|coucou)\s+")
# A Roman numeral or « Ier »/« Ire » after a word numbers a part of a text (« Titre Ier »).
_DIVISIONS = frozenset({"livre", "titre", "chapitre", "section", "sous-section", "partie",
                        "paragraphe", "tome", "annexe", "article"})
_ORDINAL = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})|I(?:er|re)")
_PARTICLE_WORDS = frozenset({"de", "du", "des", "la", "le", "van", "von", "der", "den", "ben",
                             "el", "al", "ould", "da", "dos", "di", "del", "della", "d'"})


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its type, where it is, and the text itself."""

    entity: str
    start: int
    end: int
    text: str
    score: float


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer,
        IbanRecognizer,
        SpacyRecognizer,
    )

    from knowledge.pii.presidio_recognizer import FrenchIdentifiers

    engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "fr", "model_name": SPACY_MODEL}],
    }).create_engine()
    registry = RecognizerRegistry(supported_languages=["fr"])
    registry.add_recognizer(SpacyRecognizer(supported_language="fr",
                                            supported_entities=["PERSON"]))
    registry.add_recognizer(EmailRecognizer(supported_language="fr"))
    registry.add_recognizer(IbanRecognizer(supported_language="fr"))
    registry.add_recognizer(FrenchIdentifiers())
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["fr"])


def _resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep the strongest (then longest) of overlapping findings."""
    ordered = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for finding in ordered:
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def detect(text: str, entities: tuple[str, ...] = tuple(ENTITY_LABELS),
           not_names: frozenset[str] = frozenset()) -> list[Finding]:
    """Personal data in ``text``, in order, without overlaps.

    ``not_names`` (case-folded) are never taken for people: the organisations of the
    base, and whatever the user allowed.
    """
    return detect_many([text], entities, not_names)[0]


def detect_many(texts: list[str], entities: tuple[str, ...] = tuple(ENTITY_LABELS),
                not_names: frozenset[str] = frozenset()) -> list[list[Finding]]:
    """``detect`` for many texts (a document's blocks): spaCy runs them in batches,
    about three times faster than one by one."""
    from presidio_analyzer import BatchAnalyzerEngine

    if not any(t.strip() for t in texts):
        return [[] for _ in texts]
    with _LOCK:
        batches = list(BatchAnalyzerEngine(_analyzer()).analyze_iterator(
            list(texts), language="fr", entities=list(entities), score_threshold=_MIN_SCORE,
            batch_size=64))
    out: list[list[Finding]] = []
    for text, results in zip(texts, batches, strict=True):
        tagged = [(_without_greeting(Finding(r.entity_type, r.start, r.end,
                                             text[r.start:r.end], r.score)), _ours(r))
                  for r in results or []]
        findings = [f for f, ours in tagged if f.entity != "PERSON"
                    or _plausible_name(f, text, not_names, ours)]
        addresses = [f for f in findings if f.entity == "FR_ADDRESS"]
        findings = [f for f in findings if f.entity != "PERSON" or not any(
            f.start < a.end and a.start < f.end for a in addresses)]
        out.append(_resolve_overlaps(findings))
    return out


def _without_greeting(finding: Finding) -> Finding:
    """spaCy tags "Bonjour Soizic" whole: the person is "Soizic"."""
    greeting = _GREETING_WORD.match(finding.text) if finding.entity == "PERSON" else None
    if greeting is None or greeting.end() >= len(finding.text):
        return finding
    start = finding.start + greeting.end()
    return Finding(finding.entity, start, finding.end, finding.text[greeting.end():],
                   finding.score)


def _ours(result: Any) -> bool:
    """Found by our French patterns (a civility, a greeting, a form label, a signature),
    which state their own context, rather than by spaCy's model."""
    metadata = getattr(result, "recognition_metadata", None) or {}
    return bool(metadata.get("recognizer_name") == "FrenchIdentifiers")


def _plausible_name(finding: Finding, text: str, not_names: frozenset[str],
                    ours: bool = False) -> bool:
    """spaCy's small model also tags labels ("Situation :"), organisations, "M.", and the
    people streets and schools are named after ("rue Jean Moulin")."""
    value = finding.text.strip()
    words = value.split()
    if not 1 <= len(words) <= 5 or any(c.isdigit() for c in value) or value.endswith("."):
        return False
    if not all(w[:1].isupper() or w.casefold() in _PARTICLE_WORDS for w in words[1:]):
        return False
    if not words[0][:1].isupper() or len(value) < 3:
        return False
    if value.casefold() in not_names or after_place_word(text, finding.start):
        return False
    if ours:
        return True
    if words[0].casefold() in _DIVISIONS and len(words) > 1 and _ORDINAL.fullmatch(words[1]):
        return False  # « Chapitre Ier », « Titre II »: a division of a text, not a person
    if len(words) == 1:
        before = text[max(0, finding.start - 12):finding.start]
        return is_first_name(value) or bool(_CIVILITY.search(before))
    return True
