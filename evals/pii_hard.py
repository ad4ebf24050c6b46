"""A harder French personal-data set, written against the recognizers rather than from them.

Each text marks its identifiers inline as ``⟦TYPE|value⟧``; ``build`` removes the marks
and records the spans, so no offset is typed by hand. The formats were chosen to be the
ones a first version does not think of: particles (Le, De La, Van der, Ben, El, Ould),
hyphenated and compound first names, names in capitals, streets named after people,
phone numbers without separators or with ``(0)``, NIR without spaces, IBAN in lower case,
dates of birth written out, "n° alloc.", and look-alikes that are not personal data
(schools and streets named after people without a number, residences, organisations).
``python -m evals.pii_hard evals/data/pii/hard.jsonl`` rewrites the file;
``python -m evals.pii evals/data/pii/hard.jsonl`` scores it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_MARK = re.compile(r"⟦(?P<entity>[A-Z_]+)\|(?P<value>[^⟧]+)⟧")

TEXTS: list[tuple[str, str]] = [
    ("note", "Ménage suivi : ⟦PERSON|Soizic Le Goff⟧, ⟦FR_ADDRESS|7 avenue Jean Jaurès, "
             "69007 Lyon⟧.\nBonjour ⟦PERSON|Soizic⟧, voici le compte rendu.\n"),
    ("note", "Soizic Le Goff a appelé le service.".replace(
        "Soizic Le Goff", "⟦PERSON|Soizic Le Goff⟧") + " Elle sera reçue par la CESF.\n"),
    ("compte rendu", "Présents : ⟦PERSON|Jean-Baptiste Van der Berg⟧, ⟦PERSON|Marie-Claire "
                     "Ben Salah⟧, ⟦PERSON|Karim El Amrani⟧ et ⟦PERSON|Fatima Ould Ahmed⟧.\n"
                     "Excusée : ⟦PERSON|Anne-Sophie de La Tour⟧.\n"),
    ("courriel", "De : ⟦PERSON|LE GOFF Soizic⟧ <⟦EMAIL_ADDRESS|Soizic.LeGoff@Mairie-Brest."
                 "fr⟧>\nObjet : dossier\nMadame ⟦PERSON|Van Damme⟧, je vous rappelle au "
                 "⟦FR_PHONE|0612345678⟧ ou au ⟦FR_PHONE|+33 (0)6 98 76 54 32⟧.\n"),
    ("note", "Domicile : ⟦FR_ADDRESS|22 rue Jean Moulin 37000 Tours⟧. Le fils est scolarisé "
             "au collège Jean Moulin et la famille fréquente le centre social Victor Hugo.\n"),
    ("fiche", "Nom : ⟦PERSON|N'Diaye⟧\nPrénom : ⟦PERSON|Aminata⟧\nDate de naissance : "
              "⟦DATE_OF_BIRTH|03.04.1985⟧\nNIR : ⟦FR_NIR|285047511100344⟧\n"
              "N° alloc. CAF ⟦FR_CAF_NUMBER|2345678⟧\n"),
    ("note", "M. ⟦PERSON|Mohamed Ben Ali⟧, né le ⟦DATE_OF_BIRTH|1er mars 1962⟧, réside "
             "⟦FR_ADDRESS|12 bis boulevard Charles de Gaulle, 13001 Marseille⟧. "
             "Tél. ⟦FR_PHONE|04.91.22.33.44⟧.\n"),
    ("virement", "Coordonnées bancaires de ⟦PERSON|Jean-Pierre Du Pont⟧ : "
                 "⟦IBAN_CODE|fr76 3000 6000 0112 3456 7890 189⟧.\n"
                 "Le versement de 450 € est prévu le 12/06/2024 (facture 2024-0456).\n"),
    ("commission", "Dossier ⟦PERSON|Yann Le Bihan⟧ : la commission du 3 avril 2024 "
                   "accorde 1 200 €. Dossier ⟦PERSON|Aïcha Ould Brahim⟧ : ajourné.\n"
                   "Résidence Le Phare, 14 logements, ouverte en 2019.\n"),
    ("courriel", "Bonjour ⟦PERSON|Gwenaëlle⟧,\nJe te transmets la situation de "
                 "Mme ⟦PERSON|Marie de La Fontaine⟧ (⟦EMAIL_ADDRESS|m.delafontaine@gmail.com⟧)."
                 "\nBien à toi,\n⟦PERSON|Thibault⟧\n"),
    ("tableau", "| Nom | Téléphone | Allocataire |\n| ⟦PERSON|VAN DER BERG Jean⟧ | "
                "⟦FR_PHONE|06-45-12-78-90⟧ | ⟦FR_CAF_NUMBER|9876543⟧ |\n| ⟦PERSON|EL AMRANI "
                "Karim⟧ | ⟦FR_PHONE|07 11 22 33 44⟧ | ⟦FR_CAF_NUMBER|1122334⟧ |\n"),
    ("note", "La famille ⟦PERSON|Da Silva⟧ a quitté le ⟦FR_ADDRESS|5 place Victor Hugo, "
             "38000 Grenoble⟧ pour ⟦FR_ADDRESS|18 allée Simone Veil, 38100 Grenoble⟧.\n"
             "Article L. 441-2 du CCH ; convention n° 2023-118.\n"),
    ("note", "Situation de ⟦PERSON|Marie Claire Dupuis⟧, née le ⟦DATE_OF_BIRTH|"
             "14/02/1990⟧ à Nantes. Numéro de sécurité sociale : ⟦FR_NIR|2 90 02 44 109 "
             "087 95⟧.\nLe dossier est suivi par l'ADIL et le CCAS de Nantes.\n"),
    ("projet", "L'association Toit Commun, rue Pasteur, accueille des jeunes de 18 à 25 "
               "ans. Le foyer Saint-Exupéry et la pension de famille Les Tilleuls "
               "complètent l'offre. Appelez le 3919 ou le 115.\n"),
    ("courriel", "Salut ⟦PERSON|Jean-Marc⟧, peux-tu rappeler ⟦PERSON|Mme Dos Santos⟧ au "
                 "⟦FR_PHONE|06 12 34 56 78⟧ ? Son fils ⟦PERSON|Enzo⟧ a 8 ans.\n"),
]


def build(text: str) -> tuple[str, list[dict[str, object]]]:
    """The text without marks, and the labelled spans."""
    out, labels, cursor = "", [], 0
    for match in _MARK.finditer(text):
        out += text[cursor:match.start()]
        value = match.group("value")
        entity = match.group("entity")
        if entity == "PERSON" and value.startswith(("Mme ", "M. ")):
            civility, value = value.split(" ", 1)
            out += civility + " "
        labels.append({"entity": entity, "start": len(out), "end": len(out) + len(value),
                       "text": value})
        out += value
        cursor = match.end()
    return out + text[cursor:], labels


def rows(texts: list[tuple[str, str]] | None = None, prefix: str = "hard",
         ) -> list[dict[str, object]]:
    """The labelled rows of a marked set (this one by default)."""
    built: list[dict[str, object]] = []
    for number, (kind, marked) in enumerate(TEXTS if texts is None else texts):
        text, labels = build(marked)
        built.append({"id": f"{prefix}-{number}", "kind": kind, "text": text, "labels": labels})
    return built


def write(rows_: list[dict[str, object]], default: str) -> None:
    """Write the set where the command line says, else at ``default``."""
    target = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows_),
                      encoding="utf-8")
    print(f"{len(rows_)} textes écrits dans {target}")


if __name__ == "__main__":
    write(rows(), "evals/data/pii/hard.jsonl")
