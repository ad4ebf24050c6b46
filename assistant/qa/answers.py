"""Grounded answers: extractive by default, generative when a model is configured.

Both modes share retrieval, sentence scoring and the refusal decision
(``assistant/qa/refusal.py``), made before any model is called. Every answer sentence
carries ``[n]`` pointing to a passage listed in ``citations``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.qa.citations import check_citations, cited_sentences, unsourced_details
from assistant.qa.conversations import ConversationStore, Turn
from assistant.qa.evidence import Evidence, EvidenceReader, ScoredSentence
from assistant.qa.injection import neutralise
from assistant.qa.llm import explain_failure
from assistant.qa.llm_settings import LLMSettings
from assistant.qa.names import named_terms
from assistant.qa.nouns import question_nouns
from assistant.qa.passages import Passage, items_after
from assistant.qa.prompts import render
from assistant.qa.question_types import has_answer_form
from assistant.qa.refusal import Verdict, judge
from knowledge.calibration import tuned
from knowledge.limits import Limits, check_question

REFUSAL = "Je ne trouve pas cette information dans la base documentaire."
UNSURE = ("Je ne suis pas sûr que la base documentaire réponde à cette question ({reason}). "
          "Voici les passages les plus proches, à vérifier :")
FALLBACK_NOTE = ("(Le modèle n'a cité aucun passage : voici les phrases des documents "
                 "qui répondent.)")
_FOLLOW_UP = re.compile(
    r"^(?:et|mais|alors|du coup|aussi)\b|\b(?:ça|cela|celle-ci|celui-ci|celle-là|celui-là|"
    r"ceux-ci|elle|elles|il|ils|la|le|les|l'|lui|leur|y|en|son|sa|ses)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    """A numbered source: the passage given as evidence, and the sentence quoted from it."""

    n: int
    chunk_id: str
    source: str
    title: str
    section: str
    page: int | None
    text: str
    quote: str = ""


@dataclass
class Answer:
    """What the user sees, and what ``ask --json`` prints."""

    question: str
    text: str
    refused: bool
    citations: list[Citation]
    mode: str
    reason: str = ""
    closest: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    # « sentence » — the numbers and names its cited passages do not hold (model answers).
    unsourced: list[str] = field(default_factory=list)
    support: float = 0.0
    retrieval_query: str = ""
    conversation_id: str | None = None
    latency_ms: float = 0.0
    fallback: bool = False
    uncertain: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _citation(n: int, passage: Passage, quote: str = "") -> Citation:
    return Citation(n=n, chunk_id=passage.chunk_id, source=passage.source, title=passage.title,
                    section=passage.section_at(quote), page=passage.page, text=passage.text,
                    quote=quote)


def _clean_quote(text: str) -> str:
    return re.sub(r"^[•\-–*·]\s*", "", text.strip())


@dataclass(frozen=True)
class Selection:
    """How much an extractive answer quotes: four of the numbers of ``answers.*`` in the
    calibration file, gathered so that ``python -m evals.fit answers`` can try others on
    the same evidence."""

    selection_margin: float
    same_passage_margin: float
    max_sentences: int
    max_cited: int

    @classmethod
    def tuned(cls) -> Selection:
        """The numbers of the calibration file in force."""
        return cls(**{f.name: tuned(f"answers.{f.name}") for f in fields(cls)})


def select_sentences(evidence: Evidence,
                     selection: Selection | None = None) -> list[ScoredSentence]:
    """The best sentence of each passage that comes close to the best one overall.

    Quoting one sentence from each strong passage (not several from the first)
    spreads citations over the evidence, as a careful colleague would; a passage's
    other sentences join only when they score almost as high (the steps of a
    procedure). The result is in passage order, then reading order, except that the
    sentences holding the amount, date or number asked come first.
    """
    if selection is None:
        selection = Selection.tuned()
    pool = [s for s in evidence.sentences if s.in_scope] or evidence.sentences
    if not pool:
        return []
    best_by_passage: dict[int, ScoredSentence] = {}
    for sentence in pool:
        if sentence.passage not in best_by_passage:
            best_by_passage[sentence.passage] = sentence
    best = max(s.score for s in best_by_passage.values())
    max_cited = selection.max_cited
    chosen = [s for _, s in sorted(best_by_passage.items())
              if s.score >= best - selection.selection_margin][:max_cited]
    eligible = evidence.eligible()
    if eligible and not any(s.has_form for s in chosen):
        chosen = [*chosen[: max_cited - 1], eligible[0]]
    cited = {s.passage for s in chosen}
    extra = [s for s in pool if s.passage in cited and s not in chosen
             and s.score >= best - selection.same_passage_margin
             ][: selection.max_sentences - len(chosen)]
    ordered = sorted([*chosen, *extra], key=lambda s: (s.passage, s.sentence.position))
    if evidence.form is None:
        return ordered
    # The amount, date or number asked for comes first (the best such sentence first),
    # then the rest in reading order.
    form = evidence.form
    holding = sorted((s for s in ordered if s.in_scope and s.has_form
                      and has_answer_form(form, s.sentence.text)),
                     key=lambda s: s.score, reverse=True)
    return holding + [s for s in ordered if s not in holding]


# « … cohérents : • Les temps de réunion internes. » — a sentence that opens a list.
_OPENS_LIST = re.compile(r":\s*[•\-–*]\s")


def _quote(sentence: ScoredSentence, passage: Passage) -> list[str]:
    """The lines of the quote: a line announcing a list (« … permettent aux équipes : »)
    says nothing alone, nor with the first item the sentence splitter joins to it, so
    the list's items that follow it in the passage come with it, whole, in order and
    one per line (each line then carries its citation mark: every item is a claim)."""
    quote = _clean_quote(sentence.sentence.text)
    opens = _OPENS_LIST.search(quote)
    if not (quote.endswith(":") or opens):
        return [quote]
    items = items_after(passage.text, sentence.sentence.text)
    if not items:
        return [quote]
    head = [quote[: opens.start() + 1], quote[opens.start() + 1:].strip()] if opens else [quote]
    return [*head, *items]


def extractive_answer(evidence: Evidence, selection: Selection | None = None
                       ) -> tuple[str, list[Citation]]:
    """Quoted sentences in passage order, each followed by its citation number; a
    sentence already quoted (the same text in another passage, an item of a list given
    whole) is not written again. ``selection``: how much to quote (default: calibrated)."""
    numbers: dict[int, int] = {}
    parts: list[str] = []
    quoted: list[str] = []
    citations: list[Citation] = []
    for sentence in select_sentences(evidence, selection):
        if any(_clean_quote(sentence.sentence.text) in q for q in quoted):
            continue
        passage = evidence.passages[sentence.passage]
        lines = _quote(sentence, passage)
        if sentence.passage not in numbers:
            numbers[sentence.passage] = len(numbers) + 1
            citations.append(_citation(numbers[sentence.passage], passage,
                                       _clean_quote(sentence.sentence.text)))
        quoted.append(" ".join(lines))
        parts.extend(f"{line} [{numbers[sentence.passage]}]" for line in lines)
    return "\n".join(parts), citations


def is_follow_up(question: str) -> bool:
    """A question that leans on the previous one ("Et qui la finance ?")."""
    if named_terms(question):
        return False
    return (len(question.split()) <= tuned("answers.follow_up_max_words")
            and bool(_FOLLOW_UP.search(question)))


def subject_of(turn: Turn) -> str:
    """The names and nouns of the previous retrieval query: what we were talking about."""
    query = turn.retrieval_query or turn.question
    names = named_terms(query)
    words = names + [n for n in question_nouns(query) if n not in names]
    return " ".join(dict.fromkeys(words))


class AnswerService:
    """Answers questions from the knowledge base, remembering conversations."""

    def __init__(self, reader: EvidenceReader, conversations: ConversationStore,
                 chat_model: BaseChatModel | None = None,
                 llm_settings: LLMSettings | None = None, limits: Limits | None = None
                 ) -> None:
        self.reader = reader
        self.limits = limits or Limits()
        self.conversations = conversations
        self.chat_model = chat_model
        self.llm_settings = llm_settings or LLMSettings()

    @property
    def mode(self) -> str:
        return "génératif" if self.chat_model is not None else "extractif"

    def ask(self, question: str, conversation_id: str | None = None,
            on_token: Callable[[str], None] | None = None, owner: str | None = None,
            save: bool = True) -> Answer:
        """Answer ``question``; with ``conversation_id``, as a follow-up of that conversation."""
        started = time.perf_counter()
        question = check_question(question, self.limits)
        history = self.conversations.turns(conversation_id, owner) if conversation_id else []
        retrieval_query = self._retrieval_query(question, history)
        evidence = self.reader.read(question, retrieval_query)
        verdict = judge(evidence)
        if verdict.refused:
            answer = self._refusal(question, verdict)
        elif verdict.unsure:
            answer = self._unsure(question, evidence, verdict)
            if on_token:
                on_token(answer.text)
        elif self.chat_model is None:
            text, citations = extractive_answer(evidence)
            answer = Answer(question, text, False, citations, self.mode, support=verdict.support)
            if on_token:
                on_token(text)
        else:
            answer = self._generate(question, evidence, history, on_token)
            answer.support = verdict.support
        answer.retrieval_query = retrieval_query
        if save:
            if conversation_id is None:
                conversation_id = self.conversations.new(question, owner or "")
            self.conversations.add_turn(conversation_id, question, retrieval_query,
                                        answer.as_dict(), owner)
            answer.conversation_id = conversation_id
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        return answer

    def _retrieval_query(self, question: str, history: list[Turn]) -> str:
        if not history or not is_follow_up(question):
            return question
        if self.chat_model is not None:
            prompt = render("condense", question=question, history=[
                {"question": t.question, "answer": t.answer.get("text", "")} for t in history[-3:]
            ])
            try:
                rewritten = str(self.chat_model.invoke([HumanMessage(prompt)]).content).strip()
            except Exception as exc:
                raise explain_failure(exc, self.llm_settings) from exc
            rewritten = rewritten.splitlines()[0].strip() if rewritten else ""
            if 8 <= len(rewritten) <= 300:
                return rewritten
        return f"{question} {subject_of(history[-1])}".strip()

    def _refusal(self, question: str, verdict: Verdict) -> Answer:
        text = f"{REFUSAL} ({verdict.reason[:1].upper()}{verdict.reason[1:]}.)"
        if verdict.closest:
            text += "\nDocuments les plus proches : " + " ; ".join(verdict.closest) + "."
        return Answer(question, text, True, [], self.mode, reason=verdict.reason,
                      closest=verdict.closest, support=verdict.support)

    def _unsure(self, question: str, evidence: Evidence, verdict: Verdict) -> Answer:
        """The closest sentences, quoted and cited, under a plain warning; never given to
        a model, which would word a doubtful match as an answer."""
        text, citations = extractive_answer(evidence)
        header = UNSURE.format(reason=verdict.reason)
        return Answer(question, f"{header}\n{text}", False, citations, self.mode,
                      reason=verdict.reason, closest=verdict.closest, support=verdict.support,
                      uncertain=True)

    def _generate(self, question: str, evidence: Evidence, history: list[Turn],
                  on_token: Callable[[str], None] | None) -> Answer:
        assert self.chat_model is not None
        passages = evidence.passages
        prompt_passages = [
            {"n": i + 1, "title": p.title, "section": p.section, "page": p.page,
             "text": re.sub(r"</?\s*extrait", "extrait", neutralise(p.text), flags=re.I)}
            for i, p in enumerate(passages)
        ]
        messages = [
            SystemMessage(render("answer_system")),
            HumanMessage(render("answer_user", question=question, passages=prompt_passages,
                                history=[{"question": t.question,
                                          "answer": t.answer.get("text", "")}
                                         for t in history[-3:]])),
        ]
        pieces: list[str] = []
        try:
            for chunk in self.chat_model.stream(messages):
                piece = str(chunk.content)
                pieces.append(piece)
                if on_token and piece:
                    on_token(piece)
        except Exception as exc:
            raise explain_failure(exc, self.llm_settings) from exc
        raw = "".join(pieces).strip()
        if raw.lstrip("«» \"'").startswith(REFUSAL.rstrip(".")):
            return Answer(question, REFUSAL, True, [], self.mode,
                          reason="le modèle n'a pas trouvé la réponse dans les passages",
                          closest=[f"{p.title} ({p.source})" for p in passages[:3]])
        checked = check_citations(raw, len(passages))
        if not checked.cited:
            text, quoted = extractive_answer(evidence)
            if on_token:
                on_token(f"\n{FALLBACK_NOTE}\n{text}")
            return Answer(question, f"{FALLBACK_NOTE}\n{text}", False, quoted, self.mode,
                          reason="le modèle n'a cité aucun passage", fallback=True)
        citations = [_citation(n, passages[n - 1]) for n in checked.cited]
        renumber = {old.n: new for new, old in enumerate(citations, start=1)}
        text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber[int(m.group(1))]}]", checked.text)
        citations = [Citation(**{**asdict(c), "n": renumber[c.n]}) for c in citations]
        unsourced = []
        for sentence, numbers in cited_sentences(text):
            details = unsourced_details(sentence, [citations[n - 1].text for n in numbers]
                                        + [question])
            if details:
                unsourced.append(f"« {sentence} » — absent des sources citées : "
                                 + ", ".join(details))
        return Answer(question, text, False, citations, self.mode,
                      unsupported=checked.unsupported, unsourced=unsourced)
