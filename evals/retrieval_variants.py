"""Search variants measured against the default search, in the same run.

    python -m evals.retrieval_variants --set ../shared/evals/dev.jsonl \
        --corpus ../shared/corpus [--cache DATA_DIR/cache/embeddings.sqlite]

Answers the question "what would lift the first rank?" with numbers: the fusion
constant, the adjacent-chunk merge window, re-scoring the top passages with the
embedding model at sentence level (the best sentence's similarity to the question,
optionally plus its share of the question's rare words), alone or added to the
fused rank with several weights, a model-free proximity list (the passages' best
run of three sentences by the question's rare words) fused with the ranking, and
parent passages (each passage grown by its neighbouring chunks).
Every variant is scored with the same metric as ``canevas eval retrieval``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from assistant.app.container import Container
from assistant.app.settings import Settings
from assistant.qa.evidence import QuestionTerms
from assistant.qa.passages import Passage
from assistant.qa.retrieval import HybridSearcher
from evals.corpus import corpus_container
from evals.metrics import score
from evals.retrieval import load_jsonl
from knowledge.document import chunk_id_for
from knowledge.french import tokenize
from knowledge.search.embeddings import EmbeddingCache
from knowledge.sentences import split_sentences

Ranking = dict[str, list[Passage]]


def searched(searcher: HybridSearcher, rows: list[dict[str, Any]]) -> Ranking:
    return {row["id"]: searcher.search(row["question"], k=20) for row in rows}


def scored(rows: list[dict[str, Any]], ranking: Ranking) -> dict[str, Any]:
    results = {qid: [p.as_dict() for p in passages] for qid, passages in ranking.items()}
    metrics = score(rows, results)
    return {key: metrics[key] for key in ("span_recall@1", "span_recall@5", "full@5", "mrr",
                                          "span_recall@4k")}


def best_sentence(passage: Passage, query: np.ndarray, terms: QuestionTerms,
                  container: Container, cache: EmbeddingCache, coverage_weight: float) -> float:
    """The passage's best sentence: similarity to the question (+ rare-word share)."""
    sentences = [s.text for s in split_sentences(passage.text)] or [passage.text]
    vectors = np.asarray(cache.embed(container.embeddings, sentences), dtype=np.float32)
    return max(float(v @ query) + coverage_weight * terms.coverage(set(tokenize(s)))
               for v, s in zip(vectors, sentences, strict=True))


def sentence_rescored(container: Container, rows: list[dict[str, Any]], ranking: Ranking,
                      top: int, rank_weight: float, coverage_weight: float) -> Ranking:
    """Re-order the ``top`` passages by their best sentence (plus a rank prior)."""
    cache = EmbeddingCache(container.settings.data_dir / "cache" / "variants.sqlite")
    out: Ranking = {}
    for row in rows:
        passages = ranking[row["id"]]
        query = np.asarray(container.embeddings.embed_query(row["question"]), dtype=np.float32)
        terms = container.evidence_reader.terms(row["question"])
        head = passages[:top]
        values = [best_sentence(p, query, terms, container, cache, coverage_weight)
                  + rank_weight * 20 / (20 + i + 1) for i, p in enumerate(head)]
        order = sorted(range(len(head)), key=lambda i: values[i], reverse=True)
        out[row["id"]] = [head[i] for i in order] + passages[top:]
    cache.close()
    return out


def best_window(passage: Passage, terms: QuestionTerms, width: int = 1) -> float:
    """The passage's best run of sentences by the share of the question's rare words
    (section and title included): a proximity signal that needs no model."""
    sentences = [s.text for s in split_sentences(passage.text)] or [passage.text]
    context = set(tokenize(f"{passage.section} {passage.title}"))
    return max(terms.coverage(set(tokenize(" ".join(sentences[max(0, i - width): i + width + 1])))
                              | context) for i in range(len(sentences)))


def proximity_fused(container: Container, rows: list[dict[str, Any]], ranking: Ranking,
                    top: int, weight: float, rrf_k: int = 20) -> Ranking:
    """The ``top`` passages re-ordered by their fused rank plus a second ranked list:
    the same passages ordered by ``best_window``."""
    out: Ranking = {}
    for row in rows:
        passages = ranking[row["id"]]
        head = passages[:top]
        terms = container.evidence_reader.terms(row["question"])
        windows = [best_window(p, terms) for p in head]
        by_window = {i: rank for rank, i in enumerate(
            sorted(range(len(head)), key=lambda i: windows[i], reverse=True))}
        values = [1 / (rrf_k + i + 1) + weight / (rrf_k + by_window[i] + 1)
                  for i in range(len(head))]
        order = sorted(range(len(head)), key=lambda i: values[i], reverse=True)
        out[row["id"]] = [head[i] for i in order] + passages[top:]
    return out


def with_neighbours(container: Container, ranking: Ranking, max_chars: int) -> Ranking:
    """Parent passages: each passage grows by the chunks right after it in its document
    (then right before), up to ``max_chars``, leaving chunks another passage holds."""
    manifest = container.knowledge_base.manifest
    out: Ranking = {}
    for qid, passages in ranking.items():
        used = {cid for p in passages for cid in p.chunk_ids}
        grown: list[Passage] = []
        for passage in passages:
            chunks = list(manifest.chunks_by_ids(list(passage.chunk_ids)).values())
            size = len(passage.text)
            for step in (1, -1):
                ordinals = [c.ordinal for c in chunks]
                edge = max(ordinals) if step > 0 else min(ordinals)
                neighbour = manifest.chunks_by_ids([chunk_id_for(passage.doc_id, edge + step)])
                for chunk in neighbour.values():
                    if chunk.chunk_id not in used and size + len(chunk.text) <= max_chars:
                        chunks.append(chunk)
                        used.add(chunk.chunk_id)
                        size += len(chunk.text)
            chunks.sort(key=lambda c: c.ordinal)
            grown.append(replace(passage, text="\n".join(c.text for c in chunks),
                                 chunk_ids=tuple(c.chunk_id for c in chunks)))
        out[qid] = grown
    return out


SENTENCE_VARIANTS = (
    ("top 10 re-classé par la meilleure phrase (e5)", 0.0, 0.0),
    ("idem + mots rares", 0.0, 0.2),
    ("idem + rang de fusion", 1.0, 0.2),
    ("idem, rang de fusion pesant 0,5", 0.5, 0.2),
    ("idem, rang de fusion pesant 2", 2.0, 0.2),
    ("meilleure phrase + rang de fusion, sans mots rares", 1.0, 0.0),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", dest="set_path", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None,
                        help="Cache de vecteurs de passages à réutiliser.")
    args = parser.parse_args()
    rows = load_jsonl(args.set_path)
    with tempfile.TemporaryDirectory(prefix="canevas-variants-") as tmp:
        container, _ = corpus_container(Settings(embedding_cache=args.cache), args.corpus,
                                        Path(tmp))
        kb = container.knowledge_base
        default = searched(container.searcher, rows)
        variants: dict[str, Callable[[], Ranking]] = {
            "défaut (RRF k=20, fusion des voisins dans le top 10)": lambda: default,
            "RRF k=10": lambda: searched(HybridSearcher(kb, rrf_k=10), rows),
            "RRF k=60": lambda: searched(HybridSearcher(kb, rrf_k=60), rows),
            "voisins fusionnés dans le top 20": lambda: searched(
                HybridSearcher(kb, merge_window=20), rows),
            "top 10 + liste par mots rares réunis (3 phrases)": lambda: proximity_fused(
                container, rows, default, 10, 0.5),
            "passages parents (voisins ajoutés, 1 000 caractères au plus)": lambda:
                with_neighbours(container, default, 1000),
        }
        for name, rank_weight, words_weight in SENTENCE_VARIANTS:
            variants[name] = partial(sentence_rescored, container, rows, default, 10,
                                     rank_weight, words_weight)
        table = {name: scored(rows, make()) for name, make in variants.items()}
        container.close()
    print(json.dumps(table, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
