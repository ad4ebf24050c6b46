"""Sentences written for the team, quoted in a text addressed to the people accommodated.

A livret d'accueil speaks to the resident (« vous »); the base's procedures speak of him
(« Le résident est reçu par le responsable… »). Offline, a quote is never reworded (its
citation must still resolve): the reviewer is asked to say it to the reader instead.
"""

from __future__ import annotations

import re

# A sentence whose subject is the person accommodated, named in the third person.
_ABOUT_THE_READER = re.compile(
    r"(?:^|(?<=[.!?»\]])\s+|(?<=–)\s*)((?:Le|La|Les|Chaque|Tout|Toute)\s+"
    r"(?:nouvel(?:le)?s?\s+|nouveaux\s+|futur(?:e)?s?\s+)?"
    r"(?:résident(?:e)?s?|personnes?\s+accueillies?|personnes?\s+hébergées?|ménages?|"
    r"demandeurs?|usagers?|bénéficiaires?|locataires?|entrants?)\b[^.!?\[]*[.!?])",
    re.MULTILINE)

REASON = "Écrit pour l'équipe, à dire au lecteur du livret (« vous »)"


def written_for_the_team(text: str) -> list[str]:
    """The sentences of ``text`` that speak of the reader in the third person."""
    return [m.group(1) for m in _ABOUT_THE_READER.finditer(text)]
