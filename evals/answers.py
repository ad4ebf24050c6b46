"""Run an eval set through the answer service and score refusals, evidence and citations.

- the three outcomes (answer, « pas sûr », refusal) on unanswerable and on answerable
  questions: ``refusal_rate_unanswerable`` and ``false_refusal_rate`` count refusals
  only; ``not_answered_unanswerable`` counts refusals and « pas sûr » (both tell the
  user the base may not hold it); ``unsure_rate_*`` count « pas sûr » alone;
- evidence coverage: share of evidence spans found (same shingle matching as
  ../shared/evals/score.py) in the answer text or one of its cited passages;
- what the answer text itself quotes, on the answerable questions it answers: the
  evidence spans it holds (``evidence_in_answer``), the share of its quoted text that
  is evidence (``answer_precision``, by shingles: a sentence with nothing of a span is
  padding), and how many lines (``quoted_lines``); a model's prose is read the same way;
- citation validity: share of ``[n]`` in answers that resolve to a listed citation whose
  chunk is in the base, and share of answers with every sentence cited;
- latency p50/p95 (the first, model-loading question excluded).
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from typing import Any

from assistant.qa.answers import FALLBACK_NOTE, Answer, AnswerService
from evals.metrics import answer_quality, found, quoted_lines, shingles, strip
from evals.retrieval import latency, load_jsonl
from knowledge.sentences import split_sentences

_MARK = re.compile(r"\[(\d+)\]")


def citation_problems(answer: Answer, known_chunks: set[str]) -> tuple[int, int]:
    """(marks in the text, marks that do not resolve to a citation of a known chunk)."""
    by_number = {c.n: c for c in answer.citations}
    marks = [int(n) for n in _MARK.findall(answer.text)]
    bad = sum(1 for n in marks if n not in by_number or by_number[n].chunk_id not in known_chunks)
    return len(marks), bad


def answer_fully_cited(answer: Answer, known_chunks: set[str]) -> bool:
    """Every sentence of the answer carries a ``[n]`` that resolves to a cited passage of
    the base (the fallback's note excepted). Checked on the text itself: the
    ``unsupported`` list is only filled in generative mode."""
    text = answer.text.replace(FALLBACK_NOTE, "")
    if answer.uncertain:
        text = text.split("\n", 1)[-1]
    sentences = [s.text for s in split_sentences(text) if len(s.text.split()) >= 2]
    by_number = {c.n: c for c in answer.citations}
    if answer.refused or not sentences:
        return False
    for sentence in sentences:
        marks = [int(n) for n in _MARK.findall(sentence)]
        if not marks or any(n not in by_number or by_number[n].chunk_id not in known_chunks
                            for n in marks):
            return False
    return True


def run_answer_eval(service: AnswerService, set_path: Path,
                    details: Path | None = None) -> dict[str, Any]:
    """Score every question of ``set_path``."""
    rows = load_jsonl(set_path)
    service.ask("Échauffement : c'est quoi le projet associatif ?", save=False)
    known = set(service.reader.kb.manifest.chunk_ids())
    answers: list[tuple[dict[str, Any], Answer]] = []
    for row in rows:
        answers.append((row, service.ask(row["question"], save=False)))
    unanswerable = [(r, a) for r, a in answers if r["kind"] == "unanswerable"]
    answerable = [(r, a) for r, a in answers if r["kind"] != "unanswerable"]
    coverage: list[float] = []
    for row, answer in answerable:
        texts = [strip(answer.text)] + [strip(c.text) for c in answer.citations]
        spans = [shingles(e) for e in row["evidence"]]
        coverage.append(sum(found(s, texts) for s in spans) / len(spans) if spans else 0.0)
    # The answerable questions given an answer (neither refused nor « pas sûr »).
    answered_at = [i for i, (_, a) in enumerate(answerable) if not a.refused and not a.uncertain]
    answered = [answerable[i] for i in answered_at]
    # The note above a fallback (« Le modèle n'a cité aucun passage… ») is no quote.
    quoted = [(r, a.text.replace(FALLBACK_NOTE, "")) for r, a in answered]
    quality = [answer_quality(text, r["evidence"]) for r, text in quoted]
    marks = bad = 0
    fully_cited = 0
    for _, answer in answers:
        m, b = citation_problems(answer, known)
        marks, bad = marks + m, bad + b
        fully_cited += answer_fully_cited(answer, known)
    given = sum(1 for _, a in answers if not a.refused)
    latencies = [a.latency_ms for _, a in answers]
    if details is not None:
        with details.open("w", encoding="utf-8") as out:
            for row, answer in answers:
                out.write(json.dumps({"id": row["id"], "kind": row["kind"], **answer.as_dict()},
                                     ensure_ascii=False) + "\n")
    return {
        "mode": service.mode,
        "questions": len(rows),
        "refusal_rate_unanswerable": _ratio(sum(a.refused for _, a in unanswerable),
                                            len(unanswerable)),
        "false_refusal_rate": _ratio(sum(a.refused for _, a in answerable), len(answerable)),
        "not_answered_unanswerable": _ratio(
            sum(a.refused or a.uncertain for _, a in unanswerable), len(unanswerable)),
        "unsure_rate_unanswerable": _ratio(sum(a.uncertain for _, a in unanswerable),
                                           len(unanswerable)),
        "unsure_rate_answerable": _ratio(sum(a.uncertain for _, a in answerable),
                                         len(answerable)),
        "evidence_coverage": round(statistics.fmean(coverage), 3) if coverage else 0.0,
        "evidence_coverage_answered": round(statistics.fmean(
            [coverage[i] for i in answered_at] or [0.0]), 3),
        # What the answer text itself quotes, on the questions it answers: the evidence
        # it holds, the share of its text that is evidence, and how many lines (None
        # when it answers none).
        "evidence_in_answer": _mean([q[0] for q in quality]),
        "answer_precision": _mean([q[1] for q in quality]),
        "quoted_lines": _mean([float(len(quoted_lines(text))) for _, text in quoted]),
        "citations_resolving": _ratio(marks - bad, marks) if marks else None,
        "answers_fully_cited": _ratio(fully_cited, given),
        "answers_without_fallback": _ratio(
            sum(1 for _, a in answers if not a.refused and not a.fallback), given),
        **latency("latency_ms", latencies),
    }


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0
