"""Search latency and memory at 1k, 10k and 100k chunks.

    python -m evals.bench_search ../shared/corpus [--sizes 1000 10000 100000]

Embedding 100,000 passages would take hours on this machine, so the synthetic bases
are derived from the real corpus: each synthetic passage strings together real
sentences (realistic French lengths) and its vector mixes two real passage vectors
plus noise (a realistic neighbourhood structure). Queries are the dev questions,
embedded for real at every search (the model's cache of recent questions is off), so
latency includes the query encoder.
Figures are reported with their ratio to the smallest base of the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.qa.retrieval import HybridSearcher
from evals.retrieval import DEV_SET, latency, load_jsonl
from knowledge.base import KnowledgeBase
from knowledge.chunking import split_sentences
from knowledge.document import Chunk, chunk_id_for
from knowledge.manifest import PENDING, DocumentRecord, now
from knowledge.search.embeddings import E5Embeddings
from knowledge.search.keyword_index import KeywordIndex

CHUNKS_PER_DOC = 1000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def real_material(corpus: Path, work: Path) -> tuple[list[str], np.ndarray, E5Embeddings]:
    """Sentences and passage vectors of the real corpus (embedded once, then cached)."""
    embeddings = E5Embeddings()
    embeddings.query_cache_size = 0
    kb = KnowledgeBase(work / "real", embeddings, embedding_cache=work / "cache.sqlite")
    kb.ingest(sorted(p for p in corpus.iterdir() if p.suffix == ".txt"))
    chunks = kb.manifest.ready_chunks()
    vectors = np.asarray(kb.cache.embed(embeddings, [c.embed_text for c in chunks]),
                         dtype=np.float32)
    sentences = [s for c in chunks for s in split_sentences(c.text) if len(s) > 30]
    kb.close()
    return sentences, vectors, embeddings


def build_base(size: int, folder: Path, sentences: list[str], vectors: np.ndarray,
               embeddings: E5Embeddings, seed: int = 7) -> KnowledgeBase:
    """A base of ``size`` synthetic passages, written through the real stores."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    kb = KnowledgeBase(folder, embeddings)
    with kb.writing():
        kb.vectors.set_model_id(embeddings.model_id)
        kb.manifest.set_meta("embedding_model", embeddings.model_id)
        for first in range(0, size, CHUNKS_PER_DOC):
            count = min(CHUNKS_PER_DOC, size - first)
            doc_id = f"bench{first // CHUNKS_PER_DOC:011d}"
            record = DocumentRecord(
                doc_id=doc_id, path=f"/bench/{doc_id}.pdf", source=f"{doc_id}.pdf",
                title=f"Document {doc_id}", organisation=rng.choice(["ALPA", "Alotra", None]),
                doc_type="rapport d'activité", year=2020 + first % 5, content_hash=doc_id,
                size=0, pages=None, chunk_count=count, embedding_model=embeddings.model_id,
                status=PENDING, original=None, overrides="{}", created_at=now(),
                updated_at=now(),
            )
            chunks = []
            for i in range(count):
                text = " ".join(rng.sample(sentences, rng.randint(3, 6)))
                chunks.append(Chunk(chunk_id_for(doc_id, i), doc_id, i, text, "Section",
                                    None, None, f"{record.title}\n{text}"))
            a = vectors[nrng.integers(0, len(vectors), count)]
            b = vectors[nrng.integers(0, len(vectors), count)]
            mixed = 0.7 * a + 0.3 * b + nrng.normal(0, 0.02, a.shape).astype(np.float32)
            mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
            kb.manifest.mark(record)
            for start in range(0, count, 4000):
                part = chunks[start : start + 4000]
                kb.vectors.add([c.chunk_id for c in part], mixed[start : start + 4000],
                               [{"doc_id": doc_id, "source": record.source} for _ in part])
            kb.manifest.commit_chunks(record, chunks)
    return kb


class TimedEmbeddings:
    """Wraps the model's ``embed_query`` to time the query encoding inside each search."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.original = kb.embeddings.embed_query
        self.last_ms = 0.0

    def __call__(self, text: str) -> list[float]:
        started = time.perf_counter()
        vector = self.original(text)
        self.last_ms = (time.perf_counter() - started) * 1000
        return vector


def measure(kb: KnowledgeBase, questions: list[str], repeats: int) -> dict[str, Any]:
    """Search latency with and without the query encoding (which does not depend on size)."""
    searcher = HybridSearcher(kb)
    searcher.search("chauffe", k=10)
    timer = TimedEmbeddings(kb)
    kb.embeddings.embed_query = timer  # type: ignore[method-assign]
    latencies, encodes, rest = [], [], []
    for _ in range(repeats):
        for question in questions:
            started = time.perf_counter()
            searcher.search(question, k=10)
            total = (time.perf_counter() - started) * 1000
            latencies.append(total)
            encodes.append(timer.last_ms)
            rest.append(total - timer.last_ms)
    kb.embeddings.embed_query = timer.original  # type: ignore[method-assign]
    started = time.perf_counter()
    KeywordIndex.load(kb.data_dir / "keyword")
    load_ms = (time.perf_counter() - started) * 1000
    return {
        **latency("search_ms", latencies),
        **latency("encode_ms", encodes),
        **latency("without_encode_ms", rest),
        "keyword_index_load_ms": round(load_ms, 1),
        "rss_mb": round(rss_mb(), 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--questions", type=Path,
                        default=DEV_SET)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    questions = [r["question"] for r in load_jsonl(args.questions)]
    with tempfile.TemporaryDirectory(prefix="canevas-bench-") as tmp:
        work = Path(tmp)
        sentences, vectors, embeddings = real_material(args.corpus, work)
        started = time.perf_counter()
        embeddings.embed_query(questions[0])
        encode_ms = (time.perf_counter() - started) * 1000
        rows = []
        for size in args.sizes:
            started = time.perf_counter()
            kb = build_base(size, work / f"base-{size}", sentences, vectors, embeddings)
            build_s = time.perf_counter() - started
            row = {"chunks": size, "build_s": round(build_s, 1),
                   **measure(kb, questions, args.repeats)}
            kb.close()
            rows.append(row)
            print(json.dumps(row), flush=True)
        base = rows[0]
        for row in rows:
            row["p95_vs_smallest"] = round(row["search_ms_p95"] / base["search_ms_p95"], 2)
        print(json.dumps({"query_encode_ms_single": round(encode_ms, 1), "results": rows},
                         ensure_ascii=False))


if __name__ == "__main__":
    main()
