"""The proper names and acronyms a question uses.

Search favours passages that name them; answers refuse when the base never does.
"""

from __future__ import annotations

import re

_NAMED = re.compile(r"(?<![\w'’-])([A-ZÀ-Ý][\w-]+(?:[ -][A-ZÀ-Ý][\w-]+)*)")
_ARTICLES = ("Le ", "La ", "Les ", "L'", "Un ", "Une ", "Des ", "Du ")


def named_terms(question: str) -> list[str]:
    """Proper names and acronyms the question uses ("CADA", "Compagnons Bâtisseurs").

    The first word of each sentence is capitalised anyway (« Je rédige… . Quels
    chiffres… ? »): it counts only as an acronym.
    """
    body = re.sub(r"\b[A-Za-zÀ-ÿ]{1,3}['’]", " ", question.strip())
    starts = {len(body) - len(body.lstrip())} | {
        m.end() for m in re.finditer(r"[.!?:;…]\s+[«\"(]?\s*", body)}
    names: list[str] = []
    for match in _NAMED.finditer(body):
        name = match.group(1)
        for article in _ARTICLES:
            if name.startswith(article):
                name = name[len(article):]
        if match.start() in starts and not name.split()[0].isupper():
            rest = name.split(maxsplit=1)
            if len(rest) < 2:
                continue
            name = rest[1]
        if len(name) >= 2:
            names.append(name)
    return names
