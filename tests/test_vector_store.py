"""The Chroma wrapper on a collection larger than one SQLite statement can address."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.search.vector_store import VectorStore, connect


def test_listing_a_large_collection(tmp_path: Path) -> None:
    store = VectorStore(connect(tmp_path / "chroma", None))
    total = 40_000
    vectors = np.random.default_rng(0).random((total, 4), dtype=np.float32)
    for start in range(0, total, 5000):
        ids = [f"doc{i // 1000:04d}-{i % 1000:05d}" for i in range(start, start + 5000)]
        store.add(ids, vectors[start : start + 5000],
                  [{"doc_id": i.split("-")[0]} for i in ids])
    assert len(store.ids()) == total == store.count()
    assert len(store.doc_ids()) == 40
    assert len(store.ids("doc0007")) == 1000
    store.close()
