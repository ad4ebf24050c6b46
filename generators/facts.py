"""The facts a person gives, whatever keys they use, and the phrases a frame needs.

People type the facts they have (« montant_demande », « duree », « site »…), not the
template's names. Synonyms are mapped to the template's keys; any other fact is kept,
shown under « Autres informations » and used to answer the questions it matches.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from generators.frame import agree, by, capitalise, gender, of, the, to
from generators.template import Fact

# Template key → keys people use for it.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "montant": ("montant_demande", "montant_sollicite", "subvention", "somme"),
    # The Cerfa n°12156 names the project « action » (« Intitulé de l'action »).
    "projet": ("action", "intitule", "intitule_action", "intitule_projet", "titre_projet",
               "nom_projet"),
    "dates": ("duree", "periode", "calendrier", "date", "annee"),
    "residence": ("structure", "pension", "foyer", "residence_sociale"),
    "etablissement": ("structure", "service", "centre"),
    "adresse": ("coordonnees",),
    "directeur": ("directrice", "direction", "responsable"),
    "responsable": ("directeur", "directrice", "hote", "hotes"),
    "territoire": ("perimetre", "commune"),
    "capacite": ("nombre_logements", "logements", "places"),
}
STRUCTURE_KEYS = ("residence", "etablissement", "site", "structure", "service")
def with_template_keys(facts: Mapping[str, str], known: set[str]) -> dict[str, str]:
    """``facts`` with a synonym renamed to the template's key when that key is absent."""
    result = dict(facts)
    for target, names in SYNONYMS.items():
        if target not in known or result.get(target):
            continue
        for name in names:
            if result.get(name) and name not in known:
                # A structure's name stays under its own key too: it scopes the draft.
                result[target] = result[name] if name in STRUCTURE_KEYS else result.pop(name)
                break
    return result


def structure_name(facts: Mapping[str, str]) -> str:
    """The name of the structure drafted (résidence, établissement, site) — not a
    service, which spans its association's documents and names no place."""
    for key in STRUCTURE_KEYS[:-1]:
        if facts.get(key):
            return re.sub(r"\s*\([^)]*\)\s*$", "", facts[key]).strip() or facts[key]
    return ""


def money(value: str) -> str:
    """An amount as a French reader writes it: « 180000 » → « 180 000 € » (no-break
    spaces), decimals after a comma; any other text (« 38 k€ sur 3 ans ») as typed."""
    typed = value.strip()
    if not re.fullmatch(r"\d[\d \u00a0\u202f.]*(?:,\d+)?", typed):
        return value
    whole, _, cents = typed.partition(",")
    digits = re.sub(r"\D", "", whole)
    grouped = f"{int(digits):,}".replace(",", "\u00a0")
    return f"{grouped},{cents}\u00a0€" if cents else f"{grouped}\u00a0€"


def frame_slots(facts: Mapping[str, str]) -> dict[str, str]:
    """Phrases built from the facts with their articles: « la pension de famille
    Saint-Éloi », « gérée », « l'ALPA », « le Département de la Somme »…"""
    slots: dict[str, str] = {}
    name = next((facts[k] for k in STRUCTURE_KEYS if facts.get(k)), "")
    if name:
        slots.update(la_structure=the(name), La_structure=capitalise(the(name)),
                     a_la_structure=to(name), de_la_structure=of(name),
                     gere=agree("géré", name), situee=agree("situé", name),
                     est="sont" if gender(name).endswith("p") else "est")
    if facts.get("association"):
        association = facts["association"]
        slots.update(l_association=the(association),
                     L_association=capitalise(the(association)),
                     par_l_association=by(association), de_l_association=of(association))
    if facts.get("financeur"):
        slots.update(le_financeur=the(facts["financeur"]), au_financeur=to(facts["financeur"]))
    if facts.get("montant"):
        slots["montant_affiche"] = money(facts["montant"])
    return slots


# Words of fact keys typed without accents (« periode »), as a reader expects them.
_ACCENTED = {"periode": "période", "duree": "durée", "annee": "année", "demande": "demandé",
             "sollicite": "sollicité", "capacite": "capacité", "modalites": "modalités",
             "activite": "activité", "activites": "activités", "beneficiaires":
             "bénéficiaires", "equipe": "équipe", "etablissement": "établissement",
             "resident": "résident", "residents": "résidents", "residence": "résidence",
             "telephone": "téléphone", "hote": "hôte",
             "hotes": "hôtes", "reseau": "réseau", "precedent": "précédent"}


def readable_key(key: str) -> str:
    """A fact's key as a label: « periode » → « Période », « montant_demande » →
    « Montant demandé »."""
    words = [_ACCENTED.get(w, w) for w in re.split(r"[_\s-]+", key.strip().casefold()) if w]
    label = " ".join(words)
    return label[:1].upper() + label[1:]


def other_facts(facts: Mapping[str, str], known: Mapping[str, Fact],
                answered: Collection[str] = ()) -> str:
    """The facts the template does not name, as one sentence of « autres informations »;
    not those a section's question states (``answered``: « Adresse : … » is its answer
    there, and said twice in the first section otherwise)."""
    extra = [f"{readable_key(k)} : {v}" for k, v in facts.items()
             if k not in known and v and k not in STRUCTURE_KEYS and k not in answered]
    return ("Autres informations : " + " ; ".join(extra) + ".") if extra else ""


def stated_facts(specs: Iterable[Mapping[str, Any]]) -> set[str]:
    """The facts that a question of these sections states when given (its ``facts``)."""
    return {k for spec in specs for q in spec.get("questions") or [] for k in q.get("facts") or []}
