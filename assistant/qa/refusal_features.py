"""What the refusal model reads of the evidence: a few numbers per question.

Why: the fitted threshold reads one number (the best sentence less penalties); a model
fitted on labelled questions (``python -m evals.fit refusal-model``) may read several
the answerer already computes — closeness, word coverage, missing nouns, whether the
asked organisation's documents lead the passages — and tell better an answerable
question from one the base does not hold. The fit reads them here, beside the decision,
so that a model kept one day sees at answer time what it was fitted on (round s29's was
not kept: ``refusal.judge`` reads no model).
"""

from __future__ import annotations

from assistant.qa.evidence import Evidence

FEATURES: tuple[str, ...] = (
    "best_support",   # closeness of the best eligible sentence (0 when none)
    "best_in_scope",  # closeness of the best sentence of the asked organisation
    "best_coverage",  # share of the question's weighted words near the best sentence
    "missing",        # nouns of the question the passages never write
    "missing_share",  # the same, as a share of the asked nouns
    "unknown",        # nouns no document of the base writes
    "uncounted",      # counts asked that no passage writes next to a number
    "scope_share",    # share of the passages from the asked organisation's documents
    "top_in_scope",   # the first passage is one of them
    "form_asked",     # the question asks for a form (a date, an amount…)
    "form_found",     # some sentence in scope holds it
)


def features(evidence: Evidence) -> dict[str, float]:
    """The numbers of ``FEATURES`` for one question's evidence."""
    from assistant.qa.refusal import supporting

    support = supporting(evidence)
    scoped = [s for s in evidence.sentences if s.in_scope]
    asked = evidence.analysis.asked_nouns if evidence.analysis is not None else ()
    scope = evidence.analysis.asked_scope if evidence.analysis is not None else set()
    in_scope = [not scope or p.doc_id in scope for p in evidence.passages]
    return {
        "best_support": max((s.dense for s in support), default=0.0),
        "best_in_scope": max((s.dense for s in scoped), default=0.0),
        "best_coverage": max((s.coverage for s in scoped), default=0.0),
        "missing": float(len(evidence.missing_nouns)),
        "missing_share": len(evidence.missing_nouns) / max(1, len(asked)),
        "unknown": float(len(evidence.unknown_nouns)),
        "uncounted": float(len(evidence.uncounted)),
        "scope_share": sum(in_scope) / max(1, len(in_scope)),
        "top_in_scope": float(bool(in_scope and in_scope[0])),
        "form_asked": float(evidence.form is not None),
        "form_found": float(any(s.has_form for s in scoped)),
    }
