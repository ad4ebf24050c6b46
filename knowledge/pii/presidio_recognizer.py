"""Our French patterns as one Presidio recognizer.

Kept apart from ``recognizers.py`` so that importing the patterns (the knowledge base
does, at start-up) does not import Presidio, which takes seconds: only the detector's
engine, built on first use, imports this module.
"""

from __future__ import annotations

from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from knowledge.pii.recognizers import PATTERNS, _nir_valid, iban_valid, name_spans


class FrenchIdentifiers(EntityRecognizer):
    """All French patterns in one recognizer (one pass of each regex over the text)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=sorted({p.entity for p in PATTERNS}),
                         name="FrenchIdentifiers", supported_language="fr")

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None
                ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for pattern in PATTERNS:
            if entities and pattern.entity not in entities:
                continue
            for match in pattern.regex.finditer(text):
                value = match.group("value").rstrip(" .-")
                if pattern.entity == "FR_NIR" and not _nir_valid(value):
                    continue
                if pattern.entity == "IBAN_CODE" and not iban_valid(value):
                    continue
                start = match.start("value")
                results.append(RecognizerResult(pattern.entity, start, start + len(value),
                                                pattern.score))
        if not entities or "PERSON" in entities:
            results += [RecognizerResult("PERSON", start, end, 0.9)
                        for start, end in name_spans(text)]
        return results
