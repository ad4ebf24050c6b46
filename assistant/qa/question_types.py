"""What kind of answer a French question expects.

One classifier for two uses. ``expected_answer`` names the form an answer takes
(person, amount, frequency, duration, rate, phone, hours, date, number: "Qui
dirige…", "Combien coûte…", "Tous les combien…", "En quelle année…");
``has_answer_form`` tells whether a text holds it. Retrieval (``answer_filter``)
gives passages holding the form an extra ranked list in the fusion, nothing is
filtered out; answers require it of a sentence, and the refusal decision relies on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.french import fold_accents
from knowledge.pii.recognizers import name_spans

_WANTS_DATE = re.compile(
    r"\b(?:en quelle annee|quelle annee|quand|depuis quand|a quelle date|quelle date|"
    r"date de creation|la date d|la date de|cree[es]? en)\b"
)
_WANTS_NUMBER = re.compile(
    r"\b(?:combien|quel nombre|nombre de|quel taux|taux d|quel pourcentage|quelle part|"
    r"quelle capacite|capacite d|quel montant|montant d|quel budget|quelle duree|"
    r"quel effectif)\b"
)
_A_YEAR = r"(?:1[89]\d\d|20\d\d)"
_YEAR = re.compile(rf"\b{_A_YEAR}\b")
_NUMBER = re.compile(r"\d")
_DATING_YEAR = re.compile(
    r"(?:\b(?:en|depuis|entre|et|au|fin|debut|annee|exercice|jusqu en|avant|apres)\s+|/)"
    rf"{_A_YEAR}\b|\b{_A_YEAR}\s*-\s*{_A_YEAR}\b")


_WANTS_MONEY = re.compile(
    r"\b(?:combien coute|coute combien|(?:cout|prix|tarif|montant|budget|loyer|redevance)s?"
    r" (?:d|de|du|des|mensuel|annuel|total|global|previsionnel)"
    r"|quel (?:cout|prix|tarif|montant|budget|loyer)|en euros"
    # « c'est combien le loyer », « le loyer à Viala, c'est combien »: a price in chat.
    r"|combien (?:le|la|les|l) (?:cout|prix|tarif|montant|budget|loyer|redevance)s?"
    r"|(?:cout|prix|tarif|montant|budget|loyer|redevance)s?\b[^?]{0,40}\bc est combien)\b"
)
_WANTS_RATE = re.compile(r"\b(?:quel taux|taux d|taux de|quel pourcentage|quelle part|"
                         r"quelle proportion|pourcentage d)\b")
_WANTS_DURATION = re.compile(
    r"\b(?:combien de temps|quelle duree|duree d|duree maximale|duree minimale|pendant combien)\b"
)
_WANTS_FREQUENCY = re.compile(
    r"\b(?:tous les combien|toutes les combien|a quelle frequence|quelle frequence|"
    r"quelle periodicite|a quel rythme|combien de fois)\b"
)
_ROLES = (r"(?:president|presidente|directeur|directrice|dg|responsable|chef|coordinateur|"
          r"coordinatrice|referent|referente|tresorier|tresoriere|secretaire)")
_WANTS_PERSON = re.compile(
    rf"\bqui (?:dirige|preside|est (?:(?:le|la|l) )?{_ROLES}|sont (?:les )?(?:dirigeants|"
    rf"responsables|administrateurs))\b|\b(?:nom|noms) (?:du|de la|des) {_ROLES}"
)
_WANTS_PHONE = re.compile(r"\b(?:telephone|numero d appel)\b")
_WANTS_HOURS = re.compile(r"\b(?:horaires?|heures? d ouverture|a quelle heure|quelles heures)\b")
_NUMBER_WORDS = (r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|"
                 r"trente|quarante|cinquante|cent|quelques|plusieurs)")
# An amount in euros, or in months of rent as housing texts write a deposit (« égal à
# un mois de redevance », « deux mois de loyer »).
_MONEY = re.compile(r"\d[\d\s .,]*\s?(?:€|euros?\b|k€|m€|eur\b)|€\s?\d"
                    rf"|\b(?:\d+|{_NUMBER_WORDS})\s+mois\s+de\s+(?:loyer|redevance)s?\b", re.I)
_DURATION = re.compile(
    rf"(?:\d+|{_NUMBER_WORDS})\s*(?:[a-z-]+\s)?(?:ans?|annees?|mois|semaines?|jours?|heures?)\b"
)
_PERIOD = r"(?:jours?|semaines?|mois|ans?|annees?|trimestres?|semestres?)"
_FREQUENCY = re.compile(
    rf"\b(?:tous|toutes) les (?:(?:\d+|{_NUMBER_WORDS}) )?{_PERIOD}\b|"
    r"\bchaque (?:jour|semaine|mois|annee|trimestre|semestre)\b|\bfois par\b|"
    r"\b(?:quotidien|hebdomadaire|mensuel|bimestriel|trimestriel|semestriel|annuel)(?:le)?s?\b"
)
_PERSON = re.compile(r"\[Personne \d+\]|(?<!\w)(?:M\.|Mme|Monsieur|Madame)\s+[A-ZÀ-Ý]")
_PHONE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.]?\d\d){4}")
_RATE = re.compile(r"\d\s?%|\bpour ?cent\b|\bsur (?:\d+|dix|cent)\b|\bmoitie|\btiers|\bquart")
_NOT_QUANTITIES = re.compile(
    r"(?:\+33\s?|\b0)[1-9](?:[\s.]?\d\d){4}|\b\d{5}\b|\S+@\S+|\bwww\.\S+|"
    r"\b\d+,? (?:rue|bd|boulevard|avenue|av|chemin|route|place|impasse|allee)\b"
)
# « 14h », « 14 h 30 », « 18 heures », « 9:30 », « midi »: a time of day.
_HOURS = re.compile(r"\b\d{1,2}\s?(?:h|heures?)(?:\s?\d\d)?\b|\b\d{1,2}:\d\d\b|\b(?:midi|minuit)\b",
                    re.I)

@dataclass(frozen=True)
class AnswerForm:
    """One form of answer: how a question asks for it, how a text holds it, its name."""

    kind: str
    asked: re.Pattern[str]
    held: re.Pattern[str] | None
    label: str


# The one table of answer forms, in the order questions are tested against them.
ANSWER_FORMS: tuple[AnswerForm, ...] = (
    AnswerForm("personne", _WANTS_PERSON, None, "un nom de personne"),
    AnswerForm("argent", _WANTS_MONEY, _MONEY, "un montant"),
    AnswerForm("fréquence", _WANTS_FREQUENCY, _FREQUENCY, "une fréquence"),
    AnswerForm("durée", _WANTS_DURATION, _DURATION, "une durée"),
    AnswerForm("taux", _WANTS_RATE, _RATE, "un taux ou un pourcentage"),
    AnswerForm("téléphone", _WANTS_PHONE, _PHONE, "un numéro de téléphone"),
    AnswerForm("horaires", _WANTS_HOURS, _HOURS, "des horaires"),
    AnswerForm("date", _WANTS_DATE, _YEAR, "une date"),
    AnswerForm("nombre", _WANTS_NUMBER, _NUMBER, "un nombre"),
)
_BY_KIND = {form.kind: form for form in ANSWER_FORMS}


def form_label(kind: str | None) -> str:
    """What an answer of ``kind`` gives, for messages (« un montant »)."""
    form = _BY_KIND.get(kind or "")
    return form.label if form else "de réponse"


# « quand » inside a sentence and before a subject is « lorsque » (« le protocole
# d'Alotra quand un logement est infesté », « parle-t-elle de santé mentale quand elle
# décrit… »), not « à quelle date »; « Quand l'ALPA… », « depuis quand », « c'est quand »,
# « pour quand », « à partir de quand », « prévu quand » and « se termine quand, » still
# ask for a date.
_WHEN_CONJUNCTION = re.compile(
    r"(?<=[\w,] )(?<!depuis )(?<!jusqu a )(?<!c est )(?<!pour )(?<!de )(?<!prevu )"
    r"(?<!prevue )(?<!prevus )(?<!prevues )quand(?= (?:il|ils|elle|elles|on|un|"
    r"une|le|la|les|l|je|j|nous|vous|ce|c|ca|sa|son|ses|leur|leurs|mon|ma|mes|notre|nos|"
    r"des|du)\b)")


def expected_answer(question: str) -> str | None:
    """The form an answer must take to count as one: "argent", "durée", "date"…"""
    folded = re.sub(r"['’]", " ", fold_accents(question.lower()))
    folded = _WHEN_CONJUNCTION.sub("lorsque", folded)
    for form in ANSWER_FORMS:
        if form.asked.search(folded):
            return form.kind
    return None


def answer_filter(question: str) -> Callable[[str], bool] | None:
    """A test that a passage holds the form of answer the question asks for (None when
    the question asks for no particular form)."""
    kind = expected_answer(question)
    if kind is None:
        return None
    return lambda text: has_answer_form(kind, text)


def has_answer_form(kind: str | None, text: str) -> bool:
    """``text`` contains something of the form ``kind`` (always true without a kind)."""
    if kind is None:
        return True
    if kind == "personne":
        return bool(_PERSON.search(text) or name_spans(text))
    folded = fold_accents(text.lower())
    pattern = _BY_KIND[kind].held
    assert pattern is not None
    if not pattern.search(folded):
        return False
    if kind not in ("téléphone", "horaires"):
        folded = _NOT_QUANTITIES.sub(" ", folded)
    if kind == "durée":
        # « tous les 5 ans », « chaque année » say how often, not how long: « renouvelé
        # tous les 5 ans » gives no duration of what it renews.
        folded = _FREQUENCY.sub(" ", folded)
    if kind == "nombre":
        # A year dates a count, it is not one: « entre 2021 et 2022 » counts nothing
        # (« 1950 repas » does: only a year in a dating phrase is left out).
        folded = _DATING_YEAR.sub(" ", folded)
    return bool(pattern.search(folded))
