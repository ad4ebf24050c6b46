"""Ingestion throughput against the embedding model's raw encode speed, same chunks.

    python -m evals.bench_ingest ../shared/corpus [--model e5-small] [--pii off]
    python -m evals.bench_ingest ../shared/corpus-extra/codes-2020/\
code-de-l-action-sociale-et-des-familles/partie-legislative/livre-iv

Files are every supported file under the folder (sorted, as ``canevas ingest`` takes
them) but the READMEs that describe a corpus; ``--limit N`` keeps the first N.
Progress lines go to stderr and to the temporary base's ``logs/ingestion.log`` (its
last line is printed in the result).

The baseline is the model alone encoding the exact texts ingestion embedded; the
ratio says how much parsing, clean-up, personal-data detection, chunking and the two
stores cost on top. ``--pii off`` measures the same without personal-data detection;
the detector is loaded before timing (a one-off cost, like the model).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from knowledge.base import KnowledgeBase, expand_paths
from knowledge.pii.detector import detect
from knowledge.progress import LOG_NAME as PROGRESS_LOG
from knowledge.search.embeddings import make_embeddings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--pii", default=None, choices=["pseudonymise", "flag", "off"])
    parser.add_argument("--limit", type=int, default=None, help="first N files only")
    args = parser.parse_args()
    files = [p for p in expand_paths([args.corpus])
             if not p.name.startswith("README")][:args.limit]
    embeddings = make_embeddings(args.model)
    embeddings.embed_query("chargement du modèle")
    if args.pii != "off":
        detect("Chargement du détecteur : M. Dupont.")
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(Path(tmp), embeddings, pii_policy=args.pii)
        started = time.perf_counter()
        report = kb.ingest(files, log_echo=sys.stderr)
        ingest_s = time.perf_counter() - started
        texts = [c.embed_text for c in kb.manifest.ready_chunks()]
        log = (Path(tmp) / PROGRESS_LOG).read_text(encoding="utf-8").splitlines()
        kb.close()
    started = time.perf_counter()
    embeddings.embed_documents(texts)
    encode_s = time.perf_counter() - started
    print(json.dumps({
        "model": embeddings.model_id,
        "pii": args.pii or "par type de document",
        "files": len(files),
        "failed": report.counts["failed"],
        "chunks": len(texts),
        "ingest_seconds": round(ingest_s, 1),
        "ingest_chunks_per_s": round(len(texts) / ingest_s, 2),
        "raw_encode_seconds": round(encode_s, 1),
        "raw_encode_chunks_per_s": round(len(texts) / encode_s, 2),
        "ingest_over_raw_encode_time": round(ingest_s / encode_s, 3),
        "progress_log_lines": len(log),
        "progress_log_last": log[-1] if log else "",
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
