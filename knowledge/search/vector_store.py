"""Chroma vector store: on-disk ``PersistentClient`` or a ``chroma run`` server.

Vectors are computed by Canevas and passed explicitly; the collection is given an
embedding function of ours that refuses to run, so Chroma never falls back to its
default model (which would try to download weights).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from knowledge.errors import CanevasError

COLLECTION = "canevas-chunks"
_PAGE = 5000
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 256, "max_neighbors": 32}
"""A wide search beam: the graph is built by several threads, and a narrow beam made
results differ from one build to the next. Measured cost: see evals/bench_search.py."""
logging.getLogger("chromadb").setLevel(logging.ERROR)


class ExplicitVectorsOnly(EmbeddingFunction[Documents]):
    """Chroma embedding function that makes sure vectors always come from Canevas."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise CanevasError("Canevas fournit lui-même les vecteurs à Chroma.")

    @staticmethod
    def name() -> str:
        return "canevas-explicit"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ExplicitVectorsOnly:
        return ExplicitVectorsOnly()


def connect(path: Path, url: str | None) -> ClientAPI:
    """A client for the on-disk store, or for the server at ``url`` when one is set."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if not parsed.hostname:
            raise CanevasError(f"Adresse du serveur Chroma invalide : « {url} ».")
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
        try:
            client = chromadb.HttpClient(
                host=parsed.hostname, port=port, ssl=parsed.scheme == "https", settings=settings
            )
            client.heartbeat()
        except Exception as exc:
            raise CanevasError(
                f"Le serveur Chroma ({url}) ne répond pas : vérifiez qu'il est démarré."
            ) from exc
        return client
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorStore:
    """The chunk collection, with cosine distance and the model id in its metadata."""

    def __init__(self, client: ClientAPI, name: str = COLLECTION) -> None:
        self._client = client
        self._name = name
        self._collection = self._open()
        self._count: int | None = None

    def _open(self) -> Any:
        embedding_function: Any = ExplicitVectorsOnly()
        configuration: Any = {"hnsw": HNSW}
        return self._client.get_or_create_collection(
            self._name, configuration=configuration, embedding_function=embedding_function
        )

    @property
    def model_id(self) -> str | None:
        value = (self._collection.metadata or {}).get("embedding_model")
        return str(value) if value else None

    def set_model_id(self, model_id: str) -> None:
        if self.model_id != model_id:
            self._collection.modify(metadata={"embedding_model": model_id})

    def count(self) -> int:
        """Number of vectors; cached between writes (a reader reopens after others write)."""
        if self._count is None:
            self._count = int(self._collection.count())
        return self._count

    def add(
        self,
        ids: Sequence[str],
        vectors: Sequence[Sequence[float]] | np.ndarray,
        metadatas: Sequence[dict[str, str | int | float | bool]],
    ) -> None:
        self._count = None
        self._collection.upsert(
            ids=list(ids),
            embeddings=np.asarray(vectors, dtype=np.float32),
            metadatas=list(metadatas),
        )

    def delete_document(self, doc_id: str) -> None:
        self._count = None
        self._collection.delete(where={"doc_id": doc_id})

    def delete_ids(self, ids: list[str]) -> None:
        self._count = None
        for start in range(0, len(ids), 1000):
            self._collection.delete(ids=ids[start : start + 1000])

    def _pages(self, where: Any, include: Any) -> Iterator[Any]:
        """``get`` in pages: one call for a large collection exceeds SQLite's variable limit."""
        offset = 0
        while True:
            page = self._collection.get(where=where, include=include, limit=_PAGE, offset=offset)
            yield page
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE

    def ids(self, doc_id: str | None = None) -> list[str]:
        where: Any = {"doc_id": doc_id} if doc_id else None
        return sorted(i for page in self._pages(where, []) for i in page["ids"])

    def doc_ids(self) -> set[str]:
        return {
            str(m["doc_id"])
            for page in self._pages(None, ["metadatas"])
            for m in page["metadatas"] or []
            if m and "doc_id" in m
        }

    def query(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, cosine similarity) pairs."""
        total = self.count()
        if total == 0 or k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=min(k, total),
            where=where or None,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result["distances"] or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def close(self) -> None:
        """Release the client, so that a new one reads what other processes wrote."""
        close = getattr(self._client, "close", None)
        if callable(close):
            close()

    def reset(self) -> None:
        """Drop and recreate the collection (used by a full re-index)."""
        self._client.delete_collection(self._name)
        self._collection = self._open()
        self._count = None
