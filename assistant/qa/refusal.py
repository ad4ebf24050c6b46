"""Decide whether the base answers, before any model writes a word.

Three outcomes: an answer; « Je ne suis pas sûr », with the closest passages shown as
uncertain; a refusal, only on strong evidence. Calibrated on the dev sets' unanswerable
questions plus our own (``evals/data/refusal_fr.jsonl``). The rules, in order:
1. refused: a name or acronym of the question appears nowhere in the base ("Visale");
2. refused: a name the question uses is absent from every passage of the asked
   organisation ("le CADA de l'ALPA" when only Alotra has one);
   refused: a count is asked (« combien de bénévoles ») that no document of the asked
   organisation, read whole, writes next to a number;
   refused: a count asked of a named thing (« combien de familles … à Roquefure »)
   that no chunk of the base naming it writes next to a number;
   refused: a count asked for a year (« accueillies en 2021 ») that no document of the
   asked organisation writes in a passage of that year (the year in it, in its
   section or title, or its document's year);
   refused: the one thing a singular « quel(le) » asks to identify (« Quel est le
   protocole d'Alotra… », « Quelle convention collective… ») is written, its words
   together in one passage, by no document of the asked organisation (of the base):
   it has no document on it (a kind asked in the plural, « quels partenaires », is
   listed without its name: no reason);
3. refused: no sentence of the asked organisation's documents has the asked form (no
   amount for "Combien coûte…", no duration for "Combien de temps…");
4. otherwise the best such sentence must be close enough in meaning, less a penalty
   for each noun of the question the passages never mention ("télétravail") and for
   each noun whose count is asked that no passage writes next to a number. Below that
   bar the question is refused when one of its nouns is in no document of the base
   (the thing asked about exists nowhere); else the answer is « pas sûr »: an ordinary
   word missing from the passages is a doubt, never a reason to refuse.
The asked organisation is one the question names, less one named only to compare
(« l'APREMIS a-t-elle, comme Alotra, un accord… » asks about the APREMIS); a count of a
named thing (« combien de familles … à Roquefure ») is written by a passage naming it:
when the passages found miss it, a doubt; when no chunk of the base naming it does, a
refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.qa.evidence import Evidence, ScoredSentence
from assistant.qa.question_types import form_label
from knowledge.calibration import tuned


@dataclass(frozen=True)
class Verdict:
    """Whether to answer, the support measured, and the reason shown to the user.
    ``unsure``: not refused, but below the bar: the closest passages are shown as such."""

    refused: bool
    support: float
    reason: str = ""
    closest: list[str] = field(default_factory=list)
    unsure: bool = False


def closest_documents(evidence: Evidence, limit: int | None = None) -> list[str]:
    """Titles of the documents nearest to the question, so the user can look there."""
    names: list[str] = []
    for passage in evidence.passages:
        label = f"{passage.title} ({passage.source})"
        if label not in names:
            names.append(label)
    return names[: limit or tuned("refusal.closest_documents")]


def _quoted(words: list[str]) -> str:
    return ", ".join(f"« {w} »" for w in words)


def strong_reason(evidence: Evidence) -> str | None:
    """Why the base cannot hold the answer whatever the scores say, or None: nothing
    found, a name it never uses, a name the asked organisation never uses, a count
    asked that no document of the asked organisation (of the base) writes."""
    if not evidence.passages or not evidence.sentences:
        return "la base ne contient aucun passage proche de la question"
    if evidence.unknown_names:
        return f"{_quoted(evidence.unknown_names)} n'apparaît dans aucun document de la base"
    if evidence.missing_names:
        where = (f"les documents ({', '.join(evidence.organisations)})"
                 if evidence.organisations else "les passages trouvés")
        return f"{where} ne mentionnent pas {_quoted(evidence.missing_names)}"
    where = (f"aucun document ({', '.join(evidence.organisations)})"
             if evidence.organisations else "aucun document de la base")
    if evidence.never_counted:
        return f"{where} ne donne de nombre pour {_quoted(evidence.never_counted)}"
    if evidence.never_counted_named:
        named = ", ".join(evidence.counted_things)
        return (f"aucun passage de la base qui nomme {named} ne donne de nombre pour "
                f"{_quoted(evidence.never_counted_named)}")
    if evidence.never_counted_then:
        years = ", ".join(evidence.years)
        return (f"{where} ne donne de nombre pour {_quoted(evidence.never_counted_then)} "
                f"en {years}")
    if evidence.unwritten_thing:
        documents = (f"les documents ({', '.join(evidence.organisations)})"
                     if evidence.organisations else "les documents de la base")
        return f"{documents} ne parlent nulle part de {_quoted(evidence.unwritten_thing)}"
    return None


def supporting(evidence: Evidence) -> list[ScoredSentence]:
    """The sentences whose closeness decides: the eligible ones (in scope, of the asked
    form, sharing enough of the question's words). When the question asks for no
    particular form, any sentence of the asked organisation: a colloquial or situated
    question (« on refait nos formulaires… ») shares few words with its answer, and
    missing words are no proof that the base lacks it — a form absent everywhere is."""
    eligible = evidence.eligible()
    if eligible or evidence.form is not None:
        return eligible
    return [s for s in evidence.sentences if s.in_scope]


def support_of(best: float, missing: int, unknown: int, missing_penalty: float,
               unknown_penalty: float, uncounted: int = 0,
               uncounted_penalty: float = 0.0) -> float:
    """The best eligible sentence's closeness less a penalty per noun of the question the
    passages (``missing``) or the base (``unknown``) never use, and per noun whose count
    is asked but written next to no number (``uncounted``); the fit
    (``python -m evals.fit refusal``) scores its grid with this same formula."""
    return (best - missing_penalty * missing - unknown_penalty * unknown
            - uncounted_penalty * uncounted)


def judge(evidence: Evidence) -> Verdict:
    """Refuse unless the passages support an answer to the question."""
    closest = closest_documents(evidence)
    strong = strong_reason(evidence)
    if strong is not None:
        return Verdict(True, 0.0, strong, closest)
    sentences = supporting(evidence)
    if not sentences and evidence.counted:
        # No sentence close to the question gives a number, but the passages or the
        # organisation's documents, read whole, write the count asked: the base holds
        # it, the sentences found do not say it plainly — a doubt, not a refusal.
        return Verdict(False, 0.0, "aucune phrase proche de la question ne donne le nombre "
                       f"de {_quoted(evidence.counted)}", closest, unsure=True)
    if not sentences:
        where = (f"aucun passage des documents ({', '.join(evidence.organisations)})"
                 if evidence.organisations else "aucun des passages trouvés")
        what = form_label(evidence.form)
        return Verdict(True, 0.0, f"{where} ne donne {what} sur ce sujet", closest)
    support = support_of(max(s.dense for s in sentences), len(evidence.missing_nouns),
                         len(evidence.unknown_nouns), tuned("refusal.missing_noun_penalty"),
                         tuned("refusal.unknown_noun_penalty"), len(evidence.uncounted),
                         tuned("refusal.uncounted_penalty"))
    if support < tuned("refusal.threshold"):
        absent = evidence.unknown_nouns + evidence.missing_nouns
        reason = (f"les passages trouvés ne parlent pas de {_quoted(absent)}" if absent
                  else f"les passages trouvés ne donnent pas le nombre de "
                       f"{_quoted(evidence.uncounted)}" if evidence.uncounted
                  else "les passages trouvés sont trop éloignés de la question")
        if evidence.unknown_nouns:
            verb = "n'apparaissent" if len(evidence.unknown_nouns) > 1 else "n'apparaît"
            return Verdict(True, support, f"{_quoted(evidence.unknown_nouns)} {verb} dans "
                           "aucun document de la base", closest)
        return Verdict(False, support, reason, closest, unsure=True)
    return Verdict(False, support, "", closest)
