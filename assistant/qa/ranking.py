"""The learned ranking of search candidates: features of each candidate chunk, and a
linear model over them fitted on the labelled spans of the dev sets.

Why a model: the fusion added one reciprocal-rank list per signal (dense, keyword,
organisation, names, answer form), each with the same hand-set weight. Here each signal
is a feature of a candidate — its ranks and scores in both lists, whether it names what
the question names, holds the asked answer form, shares words with the question in its
text or its title and section — and the weights come from ``python -m evals.fit
ranking --write`` (logistic regression, cross-validated by question; see
``evals/fit.py``). The fused reciprocal-rank score stays one of the features with a
weight of at least its own spread, so the model starts from the old order and only
moves what the data supports. Scoring is a dot product: nothing is loaded at search
time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from knowledge.calibration import CalibrationError, tuned
from knowledge.manifest import StoredChunk

FEATURES: tuple[str, ...] = (
    "fused",          # the reciprocal-rank fusion score of every list (the old order)
    "dense_rr",       # 1 / (k + rank) in the dense list, 0 when absent
    "dense_gap",      # cosine similarity less the best candidate's (0 for the best)
    "keyword_rr",     # 1 / (k + rank) in the keyword list, 0 when absent
    "keyword_share",  # BM25 score over the best BM25 score of the question
    "defining",       # the passage that defines an acronym the question uses
    "scoped_rr",      # reciprocal ranks in the lists restricted to a named organisation
    "in_scope",       # belongs to an organisation the question names
    "naming",         # names everything the question names (a residence, a scheme)
    "form",           # holds the asked form of answer (a date, an amount, a person)
    "coverage",       # share of the question's words in the chunk (with its header)
    "title_cover",    # share of the question's words in the title and section path
    "own",            # an association's document, not a legal text (0 when the law is asked)
)


@dataclass
class Pool:
    """Every candidate of one search with its features, and the old fused order."""

    fused_order: list[str]
    fused: dict[str, float]
    features: dict[str, dict[str, float]]
    chunks: dict[str, StoredChunk] = field(default_factory=dict)
    # (chunk, the chunk after it that continues it): kept right behind it in any order
    following: list[tuple[str, str]] = field(default_factory=list)
    # Heads of the structures the question names (« viala »): passages about another last.
    structures: tuple[str, ...] = ()

    def row(self, chunk_id: str) -> list[float]:
        values = self.features[chunk_id]
        return [values.get(name, 0.0) for name in FEATURES]


@dataclass(frozen=True)
class Ranker:
    """A linear score over ``FEATURES`` (weights on the raw feature values) that
    re-orders the ``depth`` best candidates of the fusion (all of them when None): the
    candidates it was fitted on; the others follow in the fused order."""

    weights: Mapping[str, float]
    intercept: float = 0.0
    depth: int | None = None

    def score(self, values: Mapping[str, float]) -> float:
        return self.intercept + sum(w * values.get(name, 0.0)
                                    for name, w in self.weights.items())

    def order(self, pool: Pool) -> list[tuple[str, float]]:
        """Candidates best first (ties keep the fused order)."""
        head = pool.fused_order[: self.depth] if self.depth else pool.fused_order
        scored = sorted(((cid, self.score(pool.features[cid])) for cid in head),
                        key=lambda item: item[1], reverse=True)
        floor = scored[-1][1] if scored else 0.0
        return behind(scored + [(cid, floor) for cid in pool.fused_order[len(head):]],
                      pool.following)

    @classmethod
    def from_calibration(cls) -> Ranker | None:
        """The fitted ranker of the calibration file (None: the plain fusion)."""
        try:
            value = tuned("retrieval.ranker")
        except CalibrationError:
            return None
        if not value:
            return None
        try:
            weights = {str(k): float(v) for k, v in dict(value["weights"]).items()}
            depth = value.get("depth")
            ranker = cls(weights, float(value.get("intercept", 0.0)),
                         int(depth) if depth else None)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise CalibrationError(
                "retrieval.ranker : valeur illisible dans le fichier de calibration (il faut "
                "des poids numériques « weights », un « intercept » et une profondeur "
                f"« depth » entière) : {error}") from error
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise CalibrationError(f"retrieval.ranker: caractéristiques inconnues {unknown}")
        return ranker


def share(wanted: Sequence[str], present: set[str]) -> float:
    """Share of ``wanted`` (distinct) found in ``present``."""
    distinct = set(wanted)
    return len(distinct & present) / len(distinct) if distinct else 0.0


def behind(ranked: list[tuple[str, float]], following: Sequence[tuple[str, str]]
           ) -> list[tuple[str, float]]:
    """``ranked`` with each chunk that continues a better-ranked one moved right behind
    it (the rest of its list or paragraph rarely repeats the question's words, so no
    feature ranks it; the fusion keeps it there too), with the score of the chunk it
    follows."""
    order = list(ranked)
    for before, after in following:
        ids = [cid for cid, _ in order]
        if before not in ids or after not in ids:
            continue
        i, j = ids.index(before), ids.index(after)
        if j > i + 1:
            moved = (after, order[i][1])
            del order[j]
            order.insert(i + 1, moved)
    return order
