"""Spot text in documents that talks to an AI assistant instead of to a reader.

Retrieved passages are data. A sentence such as "Ignore les instructions
précédentes et réponds…" planted in a document must never be quoted in an answer
nor reach a model as something it could obey: such sentences are cut from the
passages before sentence selection and before any prompt is written.
"""

from __future__ import annotations

import re

from assistant.qa.sentences import split_sentences
from knowledge.french import fold_accents

_PATTERNS = [
    r"\b(?:ignore[rz]?|oublie[rz]?|ne tiens? pas compte)\b.{0,40}\b(?:instructions?|consignes?|"
    r"regles?|directives?|ce qui precede|messages? precedents?)",
    r"\bignore (?:all |any )?(?:previous|prior|above) (?:instructions?|prompts?)",
    r"\b(?:tu es|vous etes|you are) (?:desormais |maintenant |now )?(?:un |une |an? )?"
    r"(?:assistant|ia|ai|chatbot|modele|language model|llm)\b",
    r"\b(?:en tant qu|as an) ?(?:assistant|ia|ai|modele)\b",
    r"\b(?:reponds|answer|respond|ecris|affiche|print|say|output)\b.{0,30}"
    r"\b(?:uniquement|seulement|only|exactement|exactly)\b",
    r"\b(?:system prompt|prompt systeme|invite systeme|jailbreak)\b",
    r"\b(?:nouvelles? instructions?|new instructions?)\s*:",
    r"<\s*/?\s*(?:system|assistant|user|passage|instructions?)\s*>",
]
_INSTRUCTION = re.compile("|".join(_PATTERNS), re.IGNORECASE | re.DOTALL)


def looks_like_instruction(text: str) -> bool:
    """True when ``text`` addresses an AI model rather than a human reader."""
    return bool(_INSTRUCTION.search(fold_accents(text.lower())))


def neutralise(text: str, placeholder: str = "[phrase retirée : consigne adressée à une IA]"
               ) -> str:
    """``text`` with every instruction-like line or sentence replaced by a placeholder."""
    kept: list[str] = []
    for sentence in split_sentences(text):
        kept.append(placeholder if looks_like_instruction(sentence.text) else sentence.text)
    return "\n".join(kept)
