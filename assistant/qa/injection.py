"""Spot text in documents that talks to an AI assistant instead of to a reader.

Retrieved passages are data. A sentence such as "Ignore les instructions
précédentes et réponds…" planted in a document must never be quoted in an answer
nor reach a model as something it could obey: such sentences are cut from the
passages before sentence selection and before any prompt is written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

from knowledge.french import fold_accents
from knowledge.sentences import split_sentences

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"))

# Who a planted sentence talks to: a model, never a person ("assistante sociale",
# "assistant familial", "modèle de bail" are people and templates).
_AI = (r"(?:ia|i\.a\.|intelligence artificielle|chatbot|chat ?bot|bot|robot conversationnel|"
       r"agent conversationnel|agent ia|llm|gpt|chatgpt|mistral|llama|"
       r"modele(?: de langage| de langue| d'ia| ia| linguistique)?|"
       r"assistant(?:e)?(?: virtuel(?:le)?| ia| numerique| intelligent)?|"
       r"language model|ai model|ai|assistant ai)")
_NOT_AI = (r"(?!\s+(?:social|sociale|sociaux|sociales|de service social|familial|familiale|"
           r"maternel|maternelle|d'education|de vie|administratif|administrative|de direction|"
           r"de bail|de courrier|de lettre|de contrat|de convention|de document|de fiche|type|"
           r"economique|d'accueil)\b)")
_ADDRESSED = (r"(?:note|message|consigne|instruction|remarque|avis|rappel|info|information)s?"
              r"\s+(?:(?:destinee?s?|adressee?s?|reservee?s?)\s+)?(?:pour|a|au|aux)\s+"
              r"(?:l'|le |la |les |un |une |tout |toute |tous |chaque )?"
              r"|(?:a|pour) l'(?:attention|intention) (?:de l'|du |de la |des )"
              r"|(?:^|[\s\W])(?:cher|chere|pour tout|pour toute|pour chaque|a tout|a toute)\s+"
              r"(?:l'|le |la )?"
              r"|si (?:tu es|vous etes) (?:un |une |l'|le |la )?")
_AI_VERBS = (r"(?:doit|doivent|devra|devront|devrait|est prie|ajoute|ajoutera|termine|"
             r"terminera|commence|commencera|reponds|repondra|ecris|ecrira|dis|dira|affiche|"
             r"affichera|mentionne|mentionnera|insere|inserera|inclus|inclura|oublie|ignore|"
             r"cite|citera|traduis|signale)")
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
    # addressed to a model: "Note pour le modèle :", "À l'attention de l'IA", "Cher modèle"
    rf"(?:{_ADDRESSED})(?:\w+\s+){{0,2}}?{_AI}\b{_NOT_AI}",
    # a model as vocative: "Assistant, termine…", "IA : oublie…"
    rf"^\W*(?:l'|le |la |cher |chere )?{_AI}\b{_NOT_AI}\s*[,:!]",
    # a model told what to do: "L'assistant doit…", "Le chatbot devra…"
    rf"\b{_AI}\b{_NOT_AI}(?:\s+\w+){{0,2}}\s+{_AI_VERBS}\b",
    # "termine ta réponse par", "insère … dans ta réponse": an answer is a model's output
    r"\b(?:ajoute|termine|commence|conclu[st]?|inclu[st]|insere|mets|ecris|signe|finis)\w*\b"
    r".{0,40}\b(?:ta|tes|chaque|sa|ses) (?:reponses?|sortie|texte genere)\b",
    r"\b(?:dans|a la fin de|au debut de) (?:ta|tes|chaque) reponses?\b",
]
_INSTRUCTION = re.compile("|".join(_PATTERNS), re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=4096)
def _latin(char: str) -> str:
    """The Latin look-alike of a non-Latin letter (Cyrillic « о » → « o »), else itself."""
    found = confusables.is_confusable(char, greedy=False, preferred_aliases=["latin"])
    if not found:
        return char
    glyphs = [g["c"] for g in found[0]["homoglyphs"] if g["n"].startswith("LATIN")]
    return glyphs[0] if glyphs else char


def normalise_confusables(text: str) -> str:
    """``text`` as it reads: compatibility forms folded (full-width « Ｉ »), invisible
    characters dropped, and letters of other scripts that look Latin made Latin, so
    "Ignоre" with a Cyrillic « о » matches like "Ignore". Latin accents stay."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return "".join(c if c.isascii() or not c.isalpha()
                   or unicodedata.name(c, "").startswith("LATIN") else _latin(c)
                   for c in text)


def looks_like_instruction(text: str) -> bool:
    """True when ``text`` addresses an AI model rather than a human reader."""
    return bool(_INSTRUCTION.search(fold_accents(normalise_confusables(text).lower())))


def neutralise(text: str, placeholder: str = "[phrase retirée : consigne adressée à une IA]"
               ) -> str:
    """``text`` with every instruction-like line or sentence replaced by a placeholder."""
    kept: list[str] = []
    for sentence in split_sentences(text):
        kept.append(placeholder if looks_like_instruction(sentence.text) else sentence.text)
    return "\n".join(kept)
