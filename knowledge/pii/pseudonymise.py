"""Apply a personal-data policy to a document's text before it is chunked and indexed.

Policies (``--pii``):
- ``pseudonymise``: every detected person or identifier becomes its placeholder;
- ``flag``: people and contact details stay (a public projet associatif names its
  president), but identifiers that are never public (NIR, IBAN, CAF number, date of
  birth) are still replaced; everything is counted for ``canevas pii report``;
- ``off``: nothing is detected.
Default by document type: public institutional documents → ``flag``; everything else
(procedures, minutes, notes, case files, e-mails, unknown types) → ``pseudonymise``.
Names on the user's allow-list (the association's officials) are always kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from knowledge.metadata import LEGAL_TEXT
from knowledge.pii.detector import Finding, detect_many
from knowledge.pii.vault import PLACEHOLDER, PseudonymVault, entity_of_label, normalise

POLICIES = ("pseudonymise", "flag", "off")
NEVER_PUBLIC = ("FR_NIR", "IBAN_CODE", "FR_CAF_NUMBER", "DATE_OF_BIRTH")
PUBLIC_TYPES = frozenset({
    "projet associatif", "rapport d'activité", "projet de service", "projet social",
    "livret d'accueil", "présentation", "projet d'établissement", "appel à projets",
    LEGAL_TEXT,
})


def default_policy(doc_type: str) -> str:
    """The policy a document type gets unless the user chose one."""
    return "flag" if doc_type.casefold() in PUBLIC_TYPES else "pseudonymise"


@dataclass
class PiiResult:
    """The texts after the policy, and what was detected (counts only)."""

    texts: list[str]
    counts: Counter[str] = field(default_factory=Counter)
    replaced: int = 0


_PARTICLES = frozenset({"de", "du", "des", "la", "le", "van", "von", "der", "den", "ben", "el",
                        "al", "ould", "da", "dos", "di", "del"})


def propagate_names(texts: list[str], detected: list[list[Finding]],
                    allowed: frozenset[str] = frozenset()) -> list[list[Finding]]:
    """A name detected once in a document is a name everywhere in it.

    "Bonjour Soizic" found and "Soizic" left in clear three lines below re-identifies
    her: every other occurrence of a detected name, of its first name and of its surname
    (whole words, same case) becomes a finding too. Names on the allow-list are left.
    """
    names: set[str] = set()
    for found in detected:
        for f in found:
            if f.entity != "PERSON":
                continue
            words = f.text.split()
            names.add(f.text)
            if len(words) > 1:
                names.add(words[0])
                names.add(" ".join(words[1:]).lstrip())
    kept_words = {w for a in allowed for w in a.split()}
    names = {n for n in names if len(n) >= 3 and n.casefold() not in _PARTICLES
             and normalise("PERSON", n) not in kept_words | allowed and n[:1].isupper()}
    if not names:
        return detected
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
        re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
    out: list[list[Finding]] = []
    for text, found in zip(texts, detected, strict=True):
        extra = [Finding("PERSON", m.start(), m.end(), m.group(0), 0.8)
                 for m in pattern.finditer(text)
                 if all(m.end() <= f.start or m.start() >= f.end for f in found)]
        out.append(sorted([*found, *extra], key=lambda f: f.start) if extra else found)
    return out


class Pseudonymiser:
    """Detects and replaces personal data consistently across the base."""

    def __init__(self, vault: PseudonymVault, allowed: frozenset[str] = frozenset(),
                 not_names: frozenset[str] = frozenset()) -> None:
        self.vault = vault
        self.allowed = frozenset(normalise("PERSON", a) for a in allowed)
        self.not_names = not_names

    def apply(self, texts: list[str], policy: str) -> PiiResult:
        """``texts`` (the blocks of one document) with ``policy`` applied."""
        if policy == "off":
            return PiiResult(list(texts))
        result = PiiResult([])
        surnames: dict[str, str] = {}
        detected = detect_many(list(texts), not_names=self.not_names)
        detected = [[f for f in found if normalise(f.entity, f.text) not in self.allowed]
                    for found in detected]
        detected = propagate_names(list(texts), detected, self.allowed)
        if policy == "pseudonymise":  # full names first: "Soizic" alone then takes hers
            for found in detected:
                for f in found:
                    if f.entity == "PERSON" and len(f.text.split()) > 1:
                        self._placeholder(f, surnames)
        for text, findings in zip(texts, detected, strict=True):
            result.counts.update(f.entity for f in findings)
            replace = findings if policy == "pseudonymise" else [
                f for f in findings if f.entity in NEVER_PUBLIC]
            result.texts.append(self._replace(text, replace, surnames))
            result.replaced += len(replace)
        return result

    def _replace(self, text: str, findings: list[Finding], surnames: dict[str, str]) -> str:
        out: list[str] = []
        cursor = 0
        for finding in findings:
            out.append(text[cursor:finding.start])
            out.append(self._placeholder(finding, surnames))
            cursor = finding.end
        out.append(text[cursor:])
        return "".join(out)

    def _placeholder(self, finding: Finding, surnames: dict[str, str]) -> str:
        """A lone surname ("Mme Roux") takes the placeholder of the full name seen before."""
        if finding.entity == "PERSON":
            words = normalise("PERSON", finding.text).split()
            key = " ".join(words)
            if key in surnames:
                return surnames[key]
            placeholder = self.vault.placeholder("PERSON", finding.text)
            surnames[key] = placeholder
            if len(words) > 1:
                surnames.setdefault(words[-1], placeholder)
                surnames.setdefault(words[0], placeholder)
                surnames.setdefault(" ".join(words[1:]), placeholder)
            return placeholder
        return self.vault.placeholder(finding.entity, finding.text)


def placeholder_occurrences(text: str) -> list[tuple[str, int]]:
    """(entity, number) of each placeholder in ``text``, in order, repeats kept."""
    return [(entity_of_label(m.group(1)), int(m.group(2))) for m in PLACEHOLDER.finditer(text)]


def recount(texts: list[str], policy: str) -> dict[str, int]:
    """Detection counts of what remains of a document after ``forget``: its placeholders,
    plus, under ``flag``, the names and contact details it keeps in clear."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(entity for entity, _ in placeholder_occurrences(text))
    if policy == "flag" and texts:
        counts.update(f.entity for found in detect_many(texts) for f in found
                      if f.entity not in NEVER_PUBLIC)
    return dict(counts)
