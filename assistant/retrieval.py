"""Hybrid retrieval: dense (Chroma) and French keyword (BM25) lists, fused by rank."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from knowledge.base import KnowledgeBase
from knowledge.french import fold_accents
from knowledge.glossary import Glossary
from knowledge.manifest import StoredChunk


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search to some organisations, document types, years or files."""

    organisation: str | None = None
    doc_type: str | None = None
    year: int | None = None
    source: str | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in asdict(self).values())


@dataclass(frozen=True)
class Passage:
    """A retrieved passage with everything needed to cite it."""

    chunk_id: str
    text: str
    source: str
    title: str
    section: str
    page: int | None
    score: float
    doc_id: str
    organisation: str | None
    doc_type: str
    year: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _matches(value: str | None, wanted: str | None) -> bool:
    return wanted is None or (value or "").casefold() == wanted.casefold()


class HybridSearcher:
    """Reciprocal rank fusion of dense and keyword candidates."""

    def __init__(
        self,
        kb: KnowledgeBase,
        candidates: int = 50,
        rrf_k: int = 60,
        expand_keyword: bool = True,
        expand_dense: bool = False,
        scope_by_organisation: bool = True,
    ) -> None:
        self.kb = kb
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.expand_keyword = expand_keyword
        self.expand_dense = expand_dense
        self.scope_by_organisation = scope_by_organisation
        self._glossary: tuple[int, Glossary] | None = None

    def glossary(self) -> Glossary:
        """The base's glossary, rebuilt when the base changes."""
        generation = self.kb.manifest.generation
        if self._glossary is None or self._glossary[0] != generation:
            self._glossary = (generation, self.kb.glossary())
        return self._glossary[1]

    def _allowed_docs(self, filters: SearchFilters) -> list[str] | None:
        if not filters.active:
            return None
        return [
            d.doc_id
            for d in self.kb.manifest.documents()
            if _matches(d.organisation, filters.organisation)
            and _matches(d.doc_type, filters.doc_type)
            and (filters.year is None or d.year == filters.year)
            and _matches(d.source, filters.source)
        ]

    def mentioned_documents(self, query: str) -> list[str]:
        """Documents of the organisations a question names ("le taux d'impayés d'Alotra")."""
        folded = f" {fold_accents(query.lower())} "
        docs: list[str] = []
        for record in self.kb.manifest.documents():
            name = fold_accents((record.organisation or "").lower())
            if name and re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", folded):
                docs.append(record.doc_id)
        return docs

    def _rankings(
        self, query: str, docs: list[str] | None
    ) -> list[list[tuple[str, float]]]:
        """Dense and keyword candidate lists, restricted to ``docs`` when given."""
        where = {"doc_id": {"$in": docs}} if docs is not None else None
        expanded = self.glossary().expand_query(query)
        dense_query = expanded if self.expand_dense else query
        dense = self.kb.vectors.query(
            self.kb.embeddings.embed_query(dense_query), self.candidates, where
        )
        keyword_index = self.kb.keyword_index()
        allowed_chunks = None
        if docs is not None:
            wanted = set(docs)
            allowed_chunks = {c for c in keyword_index.ids if c.rsplit("-", 1)[0] in wanted}
        keyword_query = expanded if self.expand_keyword else query
        keyword = keyword_index.search(keyword_query, self.candidates, allowed_chunks)
        return [dense, keyword]

    def search(
        self, query: str, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Passage]:
        """The ``k`` best passages for ``query``, best first."""
        self.kb.check_model()
        filters = filters or SearchFilters()
        allowed_docs = self._allowed_docs(filters)
        if allowed_docs is not None and not allowed_docs:
            return []
        rankings = self._rankings(query, allowed_docs)
        if self.scope_by_organisation:
            mentioned = self.mentioned_documents(query)
            if allowed_docs is not None:
                mentioned = [d for d in mentioned if d in set(allowed_docs)]
            if mentioned and mentioned != allowed_docs:
                rankings += self._rankings(query, mentioned)
        fused: dict[str, float] = {}
        for ranking in rankings:
            for rank, (cid, _) in enumerate(ranking):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank + 1)
        ordered = sorted(fused, key=lambda c: fused[c], reverse=True)
        chunks = self.kb.manifest.chunks_by_ids(ordered[: k * 2])
        return [_passage(chunks[c], fused[c]) for c in ordered if c in chunks][:k]


def _passage(chunk: StoredChunk, score: float) -> Passage:
    return Passage(
        chunk_id=chunk.chunk_id, text=chunk.text, source=chunk.source, title=chunk.title,
        section=chunk.section, page=chunk.page, score=round(score, 6), doc_id=chunk.doc_id,
        organisation=chunk.organisation, doc_type=chunk.doc_type, year=chunk.year,
    )


class CanevasRetriever(BaseRetriever):
    """The hybrid searcher as a LangChain retriever (passages become Documents)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 5
    filters: SearchFilters = SearchFilters()

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            Document(page_content=p.text, metadata={k: v for k, v in p.as_dict().items()
                                                    if k != "text"})
            for p in self.searcher.search(query, self.k, self.filters)
        ]
