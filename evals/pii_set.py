"""Generate the synthetic French PII test set: case notes, minutes, e-mails, tables.

The first names include eight that are not in Canevas' own list of first names
(``knowledge/pii/data/prenoms.txt``), so the score is not only that list's recall.
Every planted identifier is labelled with its type and character span. Identifiers are
invented but well formed (valid NIR keys and IBAN checksums), and the texts carry
look-alikes that are not personal data (meeting dates, amounts, article numbers,
postcodes of public offices, organisations) to measure precision.
``python -m evals.pii_set evals/data/pii/set.jsonl`` rewrites the file (seeded).
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

FIRST = ["Fatima", "Jean-Pierre", "Aïcha", "Kevin", "Marie-Claude", "Mamadou", "Sophie",
         "Nicolas", "Yasmina", "Thierry", "Océane", "Karim", "Brigitte", "Ibrahima", "Léa",
         "Rachid", "Chantal", "Dylan", "Nadia", "Gérard", "Samira", "Loïc", "Hélène", "Moussa",
         "Ousmane", "Bérénice", "Gwenaëlle", "Tiphaine", "Anatole", "Soizic", "Wassim", "Ilona"]
LAST = ["Benali", "Martin", "Diallo", "Lefèvre", "Nguyen", "Bernard", "Haddad", "Moreau",
        "Traoré", "Girard", "Rousseau", "Mansouri", "Fontaine", "Camara", "Dubois", "Petit",
        "Roux", "Bouaziz", "Garnier", "Lambert", "Kone", "Mercier", "Chevalier", "Aubert"]
STREETS = ["rue des Lilas", "avenue Jean Jaurès", "boulevard de la Libération", "chemin du Roy",
           "allée des Tilleuls", "rue Pasteur", "impasse des Mimosas", "avenue de la Gare"]
CITIES = [("13003", "Marseille"), ("13090", "Aix-en-Provence"), ("37000", "Tours"),
          ("80000", "Amiens"), ("84000", "Avignon"), ("13200", "Arles")]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]


class Doc:
    """Text built piece by piece, remembering where each identifier was planted."""

    def __init__(self, doc_id: str, kind: str) -> None:
        self.doc_id, self.kind = doc_id, kind
        self.text = ""
        self.labels: list[dict[str, object]] = []

    def add(self, text: str) -> Doc:
        self.text += text
        return self

    def pii(self, entity: str, value: str) -> Doc:
        self.labels.append({"entity": entity, "start": len(self.text),
                            "end": len(self.text) + len(value), "text": value})
        self.text += value
        return self


def nir(rng: random.Random, sex: int, year: int, month: int) -> str:
    dept = rng.choice(["13", "37", "80", "84", "2A", "75"])
    commune, order = rng.randint(1, 999), rng.randint(1, 999)
    body = f"{sex}{year % 100:02d}{month:02d}{dept}{commune:03d}{order:03d}"
    key = 97 - int(body.replace("2A", "19").replace("2B", "18")) % 97
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"


def iban(rng: random.Random) -> str:
    bank, branch = rng.randint(10000, 99999), rng.randint(10000, 99999)
    account, key = rng.randint(10**10, 10**11 - 1), rng.randint(10, 99)
    bban = f"{bank}{branch}{account}{key}"
    numeric = int(bban + "1527" + "00")
    check = 98 - numeric % 97
    raw = f"FR{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def phone(rng: random.Random, international: bool = False) -> str:
    digits = [str(rng.choice([1, 4, 6, 7, 9]))] + [f"{rng.randint(0, 99):02d}" for _ in range(4)]
    if international:
        return f"+33 {digits[0]} " + " ".join(digits[1:])
    return f"0{digits[0]} " + " ".join(digits[1:])


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


def email(first: str, last: str, rng: random.Random) -> str:
    import unicodedata

    def ascii_(s: str) -> str:
        folded = unicodedata.normalize("NFKD", s.lower())
        return "".join(c for c in folded if c.isalnum() or c == "-")
    return f"{ascii_(first)}.{ascii_(last)}@{rng.choice(['exemple.fr', 'courriel.fr', 'mail.fr'])}"


def case_note(rng: random.Random, n: int) -> Doc:
    first, last = person(rng)
    year, month, day = rng.randint(1955, 2003), rng.randint(1, 12), rng.randint(1, 28)
    city = rng.choice(CITIES)
    d = Doc(f"note-{n}", "note de suivi")
    d.add(f"Note de suivi ASLL du {rng.randint(1, 28)}/{rng.randint(1, 12):02d}/2024\n\n")
    d.add("Ménage suivi : ").pii("PERSON", f"{first} {last}").add(", née le ")
    d.pii("DATE_OF_BIRTH", f"{day:02d}/{month:02d}/{year}").add(".\nAdresse : ")
    d.pii("FR_ADDRESS", f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {city[0]} {city[1]}")
    d.add(".\nTéléphone : ").pii("FR_PHONE", phone(rng)).add(". Courriel : ")
    d.pii("EMAIL_ADDRESS", email(first, last, rng)).add(".\n")
    d.add("Numéro de sécurité sociale : ").pii("FR_NIR", nir(rng, 2, year, month)).add(".\n")
    d.add("Numéro d'allocataire CAF : ").pii("FR_CAF_NUMBER", str(rng.randint(1000000, 9999999)))
    d.add(".\n\nSituation : Mme ").pii("PERSON", last)
    d.add(" vit seule avec deux enfants. Son loyer est de 540 € par mois, l'APL de 212 €. "
          "Une dette locative de 1 830 € a été constatée le 3 mars 2024. Le bailleur, "
          "13 Habitat, a saisi la CCAPEX. Le travailleur social, ")
    w1, w2 = person(rng)
    d.pii("PERSON", f"{w1} {w2}").add(", a proposé un plan d'apurement de 60 € par mois "
                                       "conformément à l'article L. 412-4.\n")
    d.add("Santé : suivi au CMP depuis 2022, à mentionner avec accord de l'intéressée.\n")
    d.add("Prochain rendez-vous le 15 avril 2024 à 10 h à la permanence du CCAS.\n")
    d.add("Prochain contact prévu par téléphone au ").pii("FR_PHONE", phone(rng, True)).add(".\n")
    return d


def minutes(rng: random.Random, n: int) -> Doc:
    d = Doc(f"cr-{n}", "compte rendu")
    d.add(f"Compte rendu de la commission d'attribution du {rng.randint(1, 28)} "
          f"{rng.choice(MONTHS)} 2024\n\nPrésents : ")
    for i in range(3):
        f, l_ = person(rng)
        d.pii("PERSON", f"{f} {l_}").add(" (Toit Commun), " if i < 2 else " (CAF 13).\n\n")
    d.add("Dossiers examinés :\n")
    for k in range(3):
        f, l_ = person(rng)
        year, month = rng.randint(1960, 2000), rng.randint(1, 12)
        d.add(f"{k + 1}. M. ").pii("PERSON", f"{f} {l_}").add(", né le ")
        d.pii("DATE_OF_BIRTH", f"{rng.randint(1, 28)} {MONTHS[month - 1]} {year}")
        d.add(", allocataire n° ").pii("FR_CAF_NUMBER", str(rng.randint(1000000, 9999999)))
        d.add(f", revenus de {rng.randint(600, 1400)} € par mois. Avis favorable pour un T"
              f"{rng.randint(1, 4)} à la résidence Les Tilleuls, bâtiment B.\n")
    d.add("\nLa prochaine commission se tiendra le 12/06/2024 à 14 h 30, salle 2.\n")
    return d


def emails(rng: random.Random, n: int) -> Doc:
    f1, l1 = person(rng)
    f2, l2 = person(rng)
    d = Doc(f"mail-{n}", "courriel")
    d.add("De : ").pii("EMAIL_ADDRESS", email(f1, l1, rng)).add("\nÀ : ")
    d.pii("EMAIL_ADDRESS", email(f2, l2, rng)).add("\nObjet : situation de M. ")
    f3, l3 = person(rng)
    d.pii("PERSON", l3).add("\n\nBonjour ").pii("PERSON", f2).add(",\n\nJe te transmets le RIB de ")
    d.pii("PERSON", f"{f3} {l3}").add(" pour le versement de l'aide du FSL : ")
    d.pii("IBAN_CODE", iban(rng)).add(". Il a changé de numéro : ").pii("FR_PHONE", phone(rng))
    d.add(".\nSon dossier est complet depuis le 2 février 2024 (réf. dossier 2024-118).\n\n"
          "Bien à toi,\n").pii("PERSON", f"{f1} {l1}").add("\nConseillère ESF\n\n")
    d.add("> Le 1 févr. 2024, ").pii("PERSON", f"{f2} {l2}").add(" a écrit :\n> Peux-tu "
          "m'envoyer les coordonnées bancaires ? Merci.\n")
    return d


def table(rng: random.Random, n: int) -> Doc:
    d = Doc(f"tableau-{n}", "tableau")
    d.add("| Nom | Date de naissance | N° allocataire CAF | Téléphone | NIR |\n"
          "| --- | --- | --- | --- | --- |\n")
    for _ in range(5):
        f, l_ = person(rng)
        year, month = rng.randint(1950, 2004), rng.randint(1, 12)
        d.add("| ").pii("PERSON", f"{l_.upper()} {f}").add(" | né le ")
        d.pii("DATE_OF_BIRTH", f"{rng.randint(1, 28):02d}/{month:02d}/{year}").add(" | CAF ")
        d.pii("FR_CAF_NUMBER", str(rng.randint(1000000, 9999999))).add(" | ")
        d.pii("FR_PHONE", phone(rng)).add(" | ")
        d.pii("FR_NIR", nir(rng, rng.choice([1, 2]), year, month))
        d.add(" |\n")
    d.add("\nTotal : 5 ménages, 12 personnes, montant FSL accordé 4 250 €.\n")
    return d


BUILDERS: list[Callable[[random.Random, int], Doc]] = [case_note, minutes, emails, table]


def build(seed: int = 20261122, per_kind: int = 3) -> list[Doc]:
    rng = random.Random(seed)
    return [builder(rng, i) for builder in BUILDERS for i in range(per_kind)]


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "evals/data/pii/set.jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for doc in build():
            f.write(json.dumps({"id": doc.doc_id, "kind": doc.kind, "text": doc.text,
                                "labels": doc.labels}, ensure_ascii=False) + "\n")
    print(out)
