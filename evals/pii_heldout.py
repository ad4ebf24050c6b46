"""A held-out French personal-data set, written after the recognizers were last changed
and never used to change them: its score is the honest one (``evals/pii_hard.py`` was
used to fix the misses it found). Same inline marks as ``pii_hard``.
``python -m evals.pii_heldout evals/data/pii/heldout.jsonl`` rewrites the file;
``python -m evals.pii evals/data/pii/heldout.jsonl`` scores it.
"""

from __future__ import annotations

from evals.pii_hard import rows as hard_rows
from evals.pii_hard import write

TEXTS: list[tuple[str, str]] = [
    ("courriel", "Objet : TR: dossier ⟦PERSON|Ben Youssef⟧\nDe la part de ⟦PERSON|Maëlys "
                 "Le Corre⟧ (⟦FR_PHONE|06 70 80 90 10⟧)\nLa locataire habite ⟦FR_ADDRESS|"
                 "3 ter impasse Louis Pasteur, 35000 Rennes⟧.\n"),
    ("note", "Entretien avec ⟦PERSON|Jean-Luc Ould Cheikh⟧ et son épouse ⟦PERSON|Khadija⟧. "
             "Né le ⟦DATE_OF_BIRTH|2 octobre 1975⟧. Matricule CAF : ⟦FR_CAF_NUMBER|"
             "3344556⟧.\n"),
    ("compte rendu", "Étaient présents : ⟦PERSON|M. DE SOUSA Paulo⟧, ⟦PERSON|Mme Nguyen "
                     "Thi Lan⟧, le directeur du foyer Pierre Loti.\nLa salle Georges "
                     "Brassens est réservée le 4 juin.\n"),
    ("fiche", "Prénom : ⟦PERSON|Ibrahim⟧\nNom de famille : ⟦PERSON|El Khoury⟧\nAdresse : "
              "⟦FR_ADDRESS|27 rue Émile Zola, 59000 Lille⟧\nTél : ⟦FR_PHONE|+33 3 20 11 22 33⟧"
              "\nMail : ⟦EMAIL_ADDRESS|ibrahim.elkhoury@orange.fr⟧\n"),
    ("note", "⟦PERSON|Lou-Anne Van Hecke⟧ (DDN ⟦DATE_OF_BIRTH|09/09/2001⟧) a signé son bail "
             "le 1er septembre 2024 à la résidence Jean Moulin.\n"),
    ("courriel", "Coucou ⟦PERSON|Maïwenn⟧ !\nPeux-tu relancer ⟦PERSON|Mme Da Costa⟧ ? "
                 "Son IBAN ⟦IBAN_CODE|FR7630006000011234567890189⟧ est à vérifier.\n"
                 "Merci,\n⟦PERSON|Ronan⟧\n"),
]


def rows() -> list[dict[str, object]]:
    """The labelled rows of the held-out set."""
    return hard_rows(TEXTS, "heldout")


if __name__ == "__main__":
    write(rows(), "evals/data/pii/heldout.jsonl")
