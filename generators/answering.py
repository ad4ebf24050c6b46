"""Each question of a section answered from a quote of the base, or asked of the reader.

A section lists what it must answer (``questions`` in its template, or the items of a
call's criterion). For each, drafting keeps the best sentence that is about the
structure drafted, contains one of the question's terms and the kind of answer it
needs (an amount, a figure, a date); otherwise the draft asks « À compléter :
<question> ». A sentence that speaks of a past year in the future or conditional
(« En 2017, l'ALPA déposera… ») is kept only with « à vérifier » on it; one that states a
past situation as current with a figure or a date (« aujourd'hui 15 projets » in a 2017
document, « date de 2006 ») is not used: the question stays open, since the current
figure is what the reader needs; without one, it is kept with « à vérifier » on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from assistant.qa.question_types import has_answer_form
from generators.compose import Composed, _source, fit, quotes_of
from generators.draft import PLACEHOLDER, Flag, Section, SourceRef, placeholder
from generators.section_evidence import CONTACT, Quote, mentions, vocabulary_words
from knowledge.calibration import tuned
from knowledge.french import MONTH_PATTERN, fold_accents

_AMOUNT = re.compile(r"\d[\d  .,]*\s*(?:€|euros?|k€|M€)|\d+\s*%", re.IGNORECASE)
_FIGURE = re.compile(r"\d")
_DATE = re.compile(rf"\b(?:19|20)\d\d\b|\b(?:{MONTH_PATTERN})\b|\bmois\b", re.IGNORECASE)
_NAME = re.compile(r"\b(?:M\.|Mme|Madame|Monsieur)\s+[A-Z]|\b[A-Z][a-zé]+\s+[A-Z][A-Z]+\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_FUTURE = re.compile(r"\b\w+(?:era|eront|erai|eras|erons|erez|ira|iront|rait|raient|"
                     r"devrait|devraient)\b|\bva\s+\w+er\b|\bvont\s+\w+er\b|\bsera\b|"
                     r"\bseront\b|\baura\b|\bauront\b|\bprévu[es]*\b", re.IGNORECASE)
_DATES_FROM = re.compile(r"\bdat(?:e|ant)\s+de\s+(19|20)\d\d\b|\bau\s+\d\d/\d\d/(?:19|20)\d\d"
                         r"|\baujourd'hui\b|\bactuellement\b|\bà ce jour\b", re.IGNORECASE)


def satisfies(text: str, terms: list[str], needs: str) -> bool:
    """``text`` is an answer: one of ``terms`` (if any) and the kind of answer needed."""
    if terms and not mentions(text, terms):
        return False
    if needs == "montant":
        # Euros, a share, or months of rent (« égal à un mois de redevance »): the form
        # answers read an amount in, so that a draft and an answer agree.
        return _AMOUNT.search(text) is not None or has_answer_form("argent", text)
    if needs == "nombre":
        return _FIGURE.search(re.sub(r"\b(?:19|20)\d\d\b", "", text)) is not None
    if needs == "date":
        return _DATE.search(text) is not None
    if needs == "nom":
        return _NAME.search(text) is not None
    if needs == "adresse":
        return CONTACT.search(text) is not None
    return needs != "annexe"


def answer_terms(question: dict[str, Any], terms: list[str], own: bool) -> list[str]:
    """The terms a sentence must contain to answer ``question``: none for a sentence its
    own search found when the terms are only the question's words (a call's criterion
    item), which that search's coverage bar already required; ``terms`` otherwise."""
    return [] if own and question.get("asked_words") else terms


def question_terms(question: dict[str, Any], facts: Mapping[str, str]) -> list[str]:
    """The question's terms, « {association} » read as the association's name."""
    return [facts.get("association", "") if t == "{association}" else t
            for t in question.get("terms") or []]


def quotes_per_question(section: Section) -> int:
    """How many sentences one question of ``section`` may quote: enough for the section's
    minimum when it asks few questions."""
    asked = len(section.spec.get("questions") or []) or 1
    return max(int(tuned("drafting.quotes_per_question")),
               -(-int(tuned("drafting.section_min_quotes")) // asked))


# Where one sentence of a quote ends and the next begins (a quote joined to the sentence
# before it by ``with_antecedent`` holds two).
_SENTENCE_END = re.compile(r"(?<=[.!?»])\s+(?=[«A-ZÀÂÉÈÊÎÔ])|\s*•\s*")


def _pieces(text: str) -> list[str]:
    """The sentences of a quote, of three words or more: « M. » or « Oui. » alone, cut
    off by the split, would be found in many an unrelated quote."""
    return [s for s in _SENTENCE_END.split(text) if len(s.split()) >= 3]


def repeats(text: str, quoted: Iterable[str]) -> bool:
    """``text`` shares a sentence with a quote already chosen: a sentence quoted with the
    one before it (``with_antecedent``) and alone, or with the one after it, says it
    twice."""
    mine = _pieces(text)
    for other in quoted:
        theirs = _pieces(other)
        if any(a in other for a in mine) or any(b in text for b in theirs):
            return True
    return False


def new_part(text: str, quoted: Iterable[str]) -> str:
    """What ``text`` adds to the quotes already chosen: all of it when it shares no
    sentence with them, its end when only its first sentences or list items were quoted
    (a sentence joined to the one before it, « … énergétique. • Elle gère des aires
    d'accueil… », after that one was quoted); « » otherwise. The end is a contiguous
    piece of ``text``, so its citation still resolves."""
    quoted = list(quoted)
    if not repeats(text, quoted):
        return text
    pieces = _pieces(text)
    while pieces and any(pieces[0] in other for other in quoted):
        pieces.pop(0)
    if not pieces or len(text[text.find(pieces[0]):].split()) < tuned("drafting.min_words"):
        return ""
    tail = text[text.find(pieces[0]):]
    return tail if not repeats(tail, quoted) else ""


def kept_quotes(candidates: list[Quote], per_question: int) -> list[Quote]:
    """What a question quotes of its candidates, best first: the best, and the next ones
    up to ``per_question`` within ``drafting.second_quote_ratio`` of it, none repeating
    another."""
    ratio = float(tuned("drafting.second_quote_ratio"))
    kept = [candidates[0]]
    for quote in candidates[1:]:
        if len(kept) == per_question or quote.score < ratio * candidates[0].score:
            break
        if not repeats(quote.text, (q.text for q in kept)):
            kept.append(quote)
    return kept


def stale(text: str, draft_year: int, document_year: int | None) -> str:
    """Why ``text`` may be out of date (« » when it reads as current).

    A future or conditional about a year already past, a sentence dating the subject
    itself (« date de 2006 », « au 01/01/2017 ») or saying « aujourd'hui » in an old
    document.
    """
    years = [int(y) for y in _YEAR.findall(text)]
    past = [y for y in years if y < draft_year]
    if past and _FUTURE.search(text):
        return f"projet annoncé pour {max(past)}, année passée"
    old = tuned("drafting.old_after_years")
    if _DATES_FROM.search(text) and (
            (past and draft_year - max(past) > old)
            or (document_year is not None and draft_year - document_year > old)):
        return f"{OUTDATED} {max(past) if past else document_year}"
    return ""


OUTDATED = "situation décrite en"
# A figure other than a year or a date (« 15 projets », « 18 personnes », « 15,87 ETP »).
_COUNT = re.compile(r"(?<![\d/])\d+(?:[.,]\d+)?(?![\d/])")
_DATES_SUBJECT = re.compile(r"\bdat(?:e|ant)\s+de\s+(?:19|20)\d\d\b|\d\d/\d\d/(?:19|20)\d\d")


def out_of_date(text: str, draft_year: int, document_year: int | None) -> bool:
    """``text`` describes a past situation as current in a way no reader can use: a
    count (« comprend aujourd'hui 15 projets ») or a date of its subject (« date de
    2006 ») — the figure to give is today's. A description without a figure
    (« le territoire du Pays d'Aix reste aujourd'hui le territoire privilégié ») is
    usable, quoted with « à vérifier » on it."""
    if not stale(text, draft_year, document_year).startswith(OUTDATED):
        return False
    counts = [n for n in _COUNT.findall(text) if not _YEAR.fullmatch(n)]
    return bool(counts) or _DATES_SUBJECT.search(text) is not None


# A question on today's situation (« composition actuelle », « depuis le projet
# précédent », « aujourd'hui »): an old document can only tell what it was then.
_TODAY = re.compile(r"\bactuel(?:le)?s?\b|\baujourd'hui\b|\bdepuis\b", re.IGNORECASE)


def old_figure(question: str, needs: str, draft_year: int, document_year: int | None) -> str:
    """A figure or an amount, or the answer to a question on today's situation, from a
    document older than ``drafting.old_after_years``: the reader needs today's, so the
    line says which one to check (« » otherwise)."""
    figure = needs in ("nombre", "montant")
    if document_year is None or not (figure or _TODAY.search(question)):
        return ""
    if draft_year - document_year <= tuned("drafting.old_after_years"):
        return ""
    what = "chiffre" if figure else "situation"
    return f"{question[:1].lower()}{question[1:]}, {what} de {document_year}"




_SLOTS = {"la_structure": "la structure", "de_la_structure": "de la structure"}


_SLOT = re.compile(r"\{(\w+)\}")


def asked_with_facts(questions: list[dict[str, Any]], facts: Mapping[str, str]
                     ) -> list[dict[str, Any]]:
    """The questions that can be asked for these facts: one naming a fact the person did
    not give (« {projet} » without a project title) has nothing to ask about."""
    return [q for q in questions
            if all(slot in _SLOTS or facts.get(slot) for slot in _SLOT.findall(q["text"]))]


def question_text(text: str, facts: Mapping[str, str]) -> str:
    """The question with the kind of structure drafted in place of « {la_structure} »
    and a fact the person gave in place of its key (« {projet} »): a question about the
    project itself is searched and read with the project's own words."""
    from knowledge.structures import KINDS
    # Composing reads the facts by their labels (« pension de famille »), searching by
    # their keys (« pension_de_famille »): either names the kind.
    given = {fold_accents(" ".join(str(v).split()).casefold()) for v in facts.values()}
    kind = next((k for k, words in KINDS.items()
                 if k in given or given & set(words)), None)
    label = {"pension_de_famille": "pension de famille", "residence_sociale": "résidence",
             "residence_accueil": "résidence", "ftm": "résidence"}.get(kind or "")
    values = dict(_SLOTS)
    if label:
        values = {"la_structure": f"la {label}", "de_la_structure": f"de la {label}"}
    return _SLOT.sub(lambda m: values.get(m.group(1)) or facts.get(m.group(1)) or m.group(0),
                     text)


def answer_questions(section: Section, lead: str, facts: dict[str, str], elsewhere: str,
                     draft_year: int, lead_gaps: Mapping[str, str] | None = None) -> Composed:
    """The frame, then one cited bullet per question answered and one « À compléter »
    line per question left open, cut to the section's limit. ``lead_gaps``: the
    placeholder the lead shows for each missing fact; a lead sentence holding one is
    dropped when a question on that fact is answered from the base (« Adresse : [À
    compléter] » above the address the base gives would contradict it)."""
    quotes = quotes_of(section)
    per_question = quotes_per_question(section)
    numbers: dict[int, int] = {}
    citations: list[SourceRef] = []
    flags: list[Flag] = []
    used: set[str] = set()
    questions = section.spec.get("questions") or []
    lines: dict[int, str] = {}
    # Two passes: every question first takes the sentences found for it; only then may
    # a question still open take a sentence another question found (when it has terms).
    answers: dict[int, list[Quote]] = {}
    rest: dict[int, list[Quote]] = {}  # each answered question's other candidates
    for borrowing in (False, True):
        for index, question in enumerate(questions):
            if index in lines or index in answers:
                continue
            text = question_text(question["text"], facts)
            needs = question.get("needs", "")
            terms = question_terms(question, facts)
            given = [facts[k] for k in question.get("facts") or [] if facts.get(k)]
            if needs == "annexe":
                lines[index] = f"– {placeholder(text)}"
                continue
            if given:
                lines[index] = f"– {text} : {' ; '.join(given)}."
                continue
            def found(borrowed: bool, question: dict[str, Any] = question, index: int = index,
                      terms: list[str] = terms, needs: str = needs) -> list[Quote]:
                return [q for q in quotes if not repeats(q.text, used)
                        and q.text not in elsewhere
                        and (q.query != index) == borrowed
                        and satisfies(q.text, answer_terms(question, terms, q.query == index),
                                      needs)
                        and (not borrowed or question.get("asked_words")
                             or len(vocabulary_words(q.text, terms)) >= 2)
                        and not out_of_date(q.text, draft_year,
                                            section.evidence[q.passage].get("year"))]
            candidates = found(borrowing)
            if not candidates:
                if borrowing or not terms:
                    lines[index] = f"– {placeholder(text)}"
                continue
            answers[index] = kept_quotes(candidates, per_question)
            used.update(q.text for q in answers[index])
            others = [] if borrowing or question.get("asked_words") else found(True)
            held = {q.text: len(vocabulary_words(q.text, terms)) for q in candidates + others}
            rest[index] = sorted([q for q in candidates + others if q not in answers[index]
                                  and held[q.text] >= 2],
                                 key=lambda q: (held[q.text], q.score), reverse=True)
    _fill(answers, rest, used, section.target_words,
          {i: question_terms(questions[i], facts) for i in answers})
    for index, chosen in answers.items():
        text = question_text(questions[index]["text"], facts)
        needs = questions[index].get("needs", "")
        parts: list[str] = []
        shown: set[str] = set()  # what to check, said once per answer
        for quote in chosen:
            passage = section.evidence[quote.passage]
            if quote.passage not in numbers:
                numbers[quote.passage] = len(numbers) + 1
                citations.append(_source(numbers[quote.passage], passage, quote.text))
            sentence = quote.text.rstrip().rstrip(",;").rstrip()
            if sentence[-1:] not in ".!?»":
                sentence += "."
            why = (stale(sentence, draft_year, passage.get("year"))
                   or old_figure(text, needs, draft_year, passage.get("year")))
            mark = f" (à vérifier : {why})" if why and why not in shown else ""
            shown.add(why)
            if why:
                flags.append(Flag(sentence, f"À vérifier : {why}", kind="périmé"))
            parts.append(f"{sentence} [{numbers[quote.passage]}]{mark}")
        lines[index] = "– " + " ".join(parts)
    # A fact a question of the section asks is said once, by the question's line: the
    # quote that gives it (« Adresse : [À compléter] » above the address the base gives
    # would contradict it), the question's own « À compléter » (asked twice otherwise),
    # or the person's value (« Capacité : 22. » in the lead would say it a second time).
    for key in {k for i in lines for k in questions[i].get("facts") or []}:
        if lead_gaps and key in lead_gaps:
            # the lead's sentence that asks for it: « Adresse : [À compléter : …]. »
            lead = re.sub(rf"[ \t]*[^.!?\n]*{re.escape(lead_gaps[key])}[^.!?\n]*[.!?]?", "",
                          lead).strip()
        elif facts.get(key):
            # the lead's « Label : value. » sentence; a value in its prose stays
            lead = re.sub(rf"(?:^|(?<=[.!?]))\s*[A-ZÀ-Ý][^.:!?\n]{{0,60}} : "
                          rf"{re.escape(facts[key])}\.", "", lead).strip()
    ordered = [lines[i] for i in range(len(questions)) if i in lines]
    bullets = [line for line in ordered if not PLACEHOLDER.search(line)]
    gaps = [line for line in ordered if PLACEHOLDER.search(line)]
    text = _fitted([p for p in (lead, section.note) if p] + bullets, gaps,
                   section.spec.get("max_chars"))
    kept = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    return Composed(text, [c for c in citations if c.n in kept], flags=flags)


def _fill(answers: dict[int, list[Quote]], rest: dict[int, list[Quote]], used: set[str],
          target_words: int, terms: Mapping[int, list[str]]) -> None:
    """Up to the section's length (``target_words``), one more sentence for each
    answered question in turn, best first, from ``rest``: a section asking one question
    of an association's values has room for more than its few best sentences, which
    often say « valeurs » without stating one (« Ce socle de valeurs partagées… »).
    ``rest`` holds only sentences written in the answer's words (two of its terms),
    whichever of the section's searches found them, those holding the most of them
    first: a sentence holding one term is already the best of its question or no
    answer, and the search's order within the room left puts sentences that announce
    the subject (« il y a lieu d'améliorer les points suivants ») before those that
    state it (« Elle gère des aires d'accueil… », « mène des actions… »). A sentence
    joined to one already quoted adds its new part only (``new_part``), if that part
    too holds two of the terms (``terms``, per question)."""
    words = sum(len(q.text.split()) for chosen in answers.values() for q in chosen)
    ratio = float(tuned("drafting.second_quote_ratio"))
    while words < target_words:
        added = False
        for index, chosen in answers.items():
            pending = [(q, part) for q in rest.get(index, [])
                       if q.score >= ratio * chosen[0].score
                       and len(vocabulary_words(part := new_part(q.text, used),
                                                terms[index])) >= 2]
            if not pending or words >= target_words:
                continue
            rest[index].remove(pending[0][0])
            quote = replace(pending[0][0], text=pending[0][1])
            chosen.append(quote)
            used.add(quote.text)
            words += len(quote.text.split())
            added = True
        if not added:
            return


def _fitted(paragraphs: list[str], gaps: list[str], max_chars: int | None) -> str:
    """The text within ``max_chars``, cutting quotes before gap lines: what is still
    to write matters more to the reviewer than one more quote."""
    asked = "\n\n".join(gaps)
    if max_chars and asked and len(asked) + 2 < max_chars:
        body = fit("\n\n".join(paragraphs), max_chars - len(asked) - 2)
        return "\n\n".join(p for p in (body, asked) if p)
    return fit("\n\n".join(paragraphs + gaps), max_chars)
