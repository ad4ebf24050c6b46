"""French BM25 keyword index (bm25s), persisted beside Chroma with the same chunk ids.

The index is derived from the manifest: it records the manifest generation it was
built from, and is rebuilt whenever the two disagree, so it can never serve chunks
that the manifest no longer holds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Sequence
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from knowledge.calibration import tuned
from knowledge.document import doc_id_of
from knowledge.french import tokenize

_STATE = "canevas.json"


class KeywordIndex:
    """BM25 over chunk texts, searchable with an optional allow-list of chunk ids."""

    def __init__(self, ids: list[str], model: bm25s.BM25 | None, generation: int) -> None:
        self.ids = ids
        self.generation = generation
        self._model = model
        self._positions: dict[str, int] | None = None
        self._vocabulary: list[str] | None = None
        by_doc: dict[str, list[int]] = {}
        for i, cid in enumerate(ids):
            by_doc.setdefault(doc_id_of(cid), []).append(i)
        self._doc_positions = {d: np.asarray(p, dtype=np.int64) for d, p in by_doc.items()}

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], generation: int) -> KeywordIndex:
        if not ids:
            return cls([], None, generation)
        model = bm25s.BM25(k1=1.2, b=0.75)
        model.index([tokenize(t) or ["_"] for t in texts], show_progress=False)
        return cls(list(ids), model, generation)

    def save(self, directory: Path) -> None:
        """Write to a temporary folder, then swap it in: a crash never leaves half an index."""
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._model is not None:
            self._model.save(str(tmp), show_progress=False)
        (tmp / _STATE).write_text(
            json.dumps({"generation": self.generation, "ids": self.ids}), encoding="utf-8"
        )
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        state_file = directory / _STATE
        if not state_file.exists():
            return None
        state = json.loads(state_file.read_text(encoding="utf-8"))
        ids = list(state["ids"])
        model = bm25s.BM25.load(str(directory), show_progress=False) if ids else None
        return cls(ids, model, int(state["generation"]))

    def idf(self, tokens: Collection[str]) -> dict[str, float]:
        """Inverse document frequency of each token (0 for tokens the base never uses).

        Answers weigh question words by it: "ASTHA" matters, "accompagnement" less.
        """
        if self._model is None:
            return {t: 0.0 for t in tokens}
        vocab = self._model.vocab_dict
        indptr = self._model.scores["indptr"]
        total = len(self.ids)
        weights: dict[str, float] = {}
        for token in tokens:
            if token not in vocab:
                weights[token] = 0.0
                continue
            position = vocab[token]
            frequency = int(indptr[position + 1] - indptr[position])
            weights[token] = float(np.log(1 + (total - frequency + 0.5) / (frequency + 0.5)))
        return weights

    def _words(self) -> list[str]:
        """The base's words (no digits), read once for the spelling look-ups."""
        if self._vocabulary is None:
            assert self._model is not None
            self._vocabulary = [w for w in self._model.vocab_dict if w.isalpha()]
        return self._vocabulary

    def near_spelling(self, token: str) -> str | None:
        """A word of the base one edit away from ``token`` (« salaries » → « salari »),
        for question words the base never uses as typed; None when there is none.

        rapidfuzz does the edit distance in C over the whole vocabulary; short words are
        left alone (one edit turns « cas » into « car »)."""
        if self._model is None or len(token) < tuned("spelling.min_chars"):
            return None
        found = process.extractOne(token, self._words(), scorer=Levenshtein.distance,
                                   score_cutoff=1)
        return None if found is None else str(found[0])

    def near_spellings(self, token: str) -> list[str]:
        """Every word of the base one edit away from ``token``, nearest first: which of
        them a part of the base writes is for the caller to check (« salar » where the
        base writes « salari », and a law article « salar »)."""
        if self._model is None or len(token) < tuned("spelling.min_chars"):
            return []
        found = process.extract(token, self._words(), scorer=Levenshtein.distance,
                                score_cutoff=1, limit=None)
        return [str(word) for word, _, _ in sorted(found, key=lambda f: f[1]) if word != token]

    def containing(self, tokens: Collection[str], among: Sequence[str]) -> set[str]:
        """Those of the chunks ``among`` that hold every one of ``tokens`` (read from the
        postings, so a frequent word costs no more than a rare one)."""
        if self._model is None or not tokens or not among:
            return set()
        if self._positions is None:
            self._positions = {cid: i for i, cid in enumerate(self.ids)}
        known = [cid for cid in among if cid in self._positions]
        positions = np.asarray([self._positions[cid] for cid in known], dtype=np.int64)
        keep = np.ones(len(known), dtype=bool)
        vocab = self._model.vocab_dict
        indptr = self._model.scores["indptr"]
        indices = self._model.scores["indices"]
        for token in tokens:
            if token not in vocab:
                return set()
            position = vocab[token]
            keep &= np.isin(positions, indices[indptr[position]:indptr[position + 1]])
        return {cid for cid, kept in zip(known, keep.tolist(), strict=True) if kept}

    def holding(self, tokens: Collection[str], docs: Collection[str] | None = None) -> list[str]:
        """Chunks holding every one of ``tokens``, within the documents ``docs`` (all when
        None): a question can then be checked against a whole organisation's documents,
        not only the passages retrieved, at the cost of a few postings."""
        if self._model is None or not tokens:
            return []
        vocab = self._model.vocab_dict
        indptr = self._model.scores["indptr"]
        indices = self._model.scores["indices"]
        kept: np.ndarray | None = None
        for token in tokens:
            if token not in vocab:
                return []
            position = vocab[token]
            posting = np.asarray(indices[indptr[position]:indptr[position + 1]], dtype=np.int64)
            kept = posting if kept is None else np.intersect1d(kept, posting)
        if kept is None:
            return []
        if docs is not None:
            allowed = [self._doc_positions[d] for d in docs if d in self._doc_positions]
            if not allowed:
                return []
            kept = np.intersect1d(kept, np.concatenate(allowed))
        return [self.ids[int(i)] for i in kept]

    def search(
        self, query: str, k: int, allowed_docs: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, BM25 score) pairs, restricted to chunks of ``allowed_docs``."""
        if self._model is None or k <= 0:
            return []
        vocab = self._model.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return []
        mask = None
        if allowed_docs is not None:
            mask = np.zeros(len(self.ids), dtype=np.float32)
            positions = [self._doc_positions[d] for d in allowed_docs if d in self._doc_positions]
            if not positions:
                return []
            mask[np.concatenate(positions)] = 1.0
        scores = np.asarray(self._model.get_scores(tokens, weight_mask=mask))
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.lexsort((hits, -scores[hits]))]
        return [(self.ids[int(i)], float(scores[i])) for i in hits]
