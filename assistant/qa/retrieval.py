"""Hybrid retrieval: dense (Chroma) and French keyword (BM25) lists, fused by rank."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.qa.nouns import is_common_word
from assistant.qa.passages import Passage, assemble, continues
from assistant.qa.question import Organisation, Question, analyse_text
from assistant.qa.question_types import has_answer_form
from assistant.qa.ranking import Pool, Ranker, share
from knowledge.base import KnowledgeBase
from knowledge.calibration import tuned
from knowledge.document import chunk_id_for, doc_id_of
from knowledge.french import fold_accents, tokenize
from knowledge.glossary import Glossary
from knowledge.metadata import is_legal_type
from knowledge.structures import about_another, named_in

# A question about the law itself (« que prévoit l'article R441-1 », « le code de
# l'action sociale », « la loi ») wants the legal texts: no list of the association's own.
_ASKS_THE_LAW = re.compile(r"\b(?:articles?\s+[LRDA]\.?\s?\d|code\s+(?:de|du)\s|"
                           r"lois?\b|décrets?\b|decrets?\b|arrêtés?\b|arretes?\b|"
                           r"législation|legislation|juridique)", re.I)


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search to some organisations, document types, years or files."""

    organisation: str | None = None
    doc_type: str | None = None
    year: int | None = None
    source: str | None = None
    documents: tuple[str, ...] | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in asdict(self).values())


def _matches(value: str | None, wanted: str | None) -> bool:
    return wanted is None or (value or "").casefold() == wanted.casefold()


class HybridSearcher:
    """Reciprocal rank fusion of dense and keyword candidates."""

    def __init__(
        self,
        kb: KnowledgeBase,
        candidates: int | None = None,
        rrf_k: int | None = None,
        merge_window: int | None = None,
        typed_window: int | None = None,
    ) -> None:
        self.kb = kb
        self.candidates: int = candidates or tuned("retrieval.candidates")
        self.rrf_k: int = rrf_k or tuned("retrieval.rrf_k")
        self.merge_window: int = merge_window or tuned("passages.merge_window")
        self.typed_window: int = typed_window or tuned("retrieval.typed_window")
        self.ranker: Ranker | None = Ranker.from_calibration()
        self._glossary: tuple[int, Glossary] | None = None
        self._structures: tuple[int, set[str]] | None = None
        self._own_index: tuple[int, list[str] | None] | None = None
        self._organisation_index: (
            tuple[int, list[tuple[re.Pattern[str], str, list[str]]]] | None) = None

    def glossary(self) -> Glossary:
        """The base's glossary, rebuilt when the base changes."""
        generation = self.kb.manifest.generation
        if self._glossary is None or self._glossary[0] != generation:
            self._glossary = (generation, self.kb.glossary())
        return self._glossary[1]

    def structures(self) -> set[str]:
        """The base's structure names (``KnowledgeBase.structures``), mined once per change."""
        generation = self.kb.manifest.generation
        if self._structures is None or self._structures[0] != generation:
            self._structures = (generation, self.kb.structures())
        return self._structures[1]

    def _allowed_docs(self, filters: SearchFilters) -> list[str] | None:
        if not filters.active:
            return None
        return [
            d.doc_id
            for d in self.kb.ready_documents()
            if _matches(d.organisation, filters.organisation)
            and _matches(d.doc_type, filters.doc_type)
            and (filters.year is None or d.year == filters.year)
            and _matches(d.source, filters.source)
            and (filters.documents is None or d.doc_id in filters.documents)
        ]

    def analyse(self, text: str) -> Question:
        """The question read once: words, names, acronyms and their long forms,
        organisations of the base it names, expected answer form; chat spellings
        (« c koi ») read in standard French first."""
        plain = analyse_text(text)
        text = plain.text  # in standard French
        glossary = self.glossary()
        expansions = {a: tuple(glossary.expansions(a)) for a in plain.acronyms}
        organisations = tuple(Organisation(name, tuple(docs))
                              for name, docs in self.mentioned_organisations(text))
        return Question(
            text=text, tokens=plain.tokens, names=plain.names, acronyms=plain.acronyms,
            expansions=expansions, organisations=organisations, form=plain.form,
            keyword_query=glossary.expand_query(text),
            defining_chunks=tuple(glossary.defining_chunks(text)),
            structures=tuple(sorted(named_in(text, self.structures()))),
        )

    def mentioned_organisations(self, query: str) -> list[tuple[str, list[str]]]:
        """The organisations the question names (as the base spells them), with their
        documents."""
        folded = f" {fold_accents(query.lower())} "
        return [(name, docs) for pattern, name, docs in self._organisations()
                if pattern.search(folded)]

    def _organisations(self) -> list[tuple[re.Pattern[str], str, list[str]]]:
        generation = self.kb.manifest.generation
        if self._organisation_index is None or self._organisation_index[0] != generation:
            by_name: dict[str, tuple[str, list[str]]] = {}
            glossary = self.glossary()
            for record in self.kb.ready_documents():
                spelled = record.organisation or ""
                name = fold_accents(spelled.lower())
                # An organisation inferred from a document's most frequent capitalised
                # word may be « Article », « Etat » or « LOGEMENT » (law articles): a
                # question using that word is not naming an organisation. An acronym
                # of the base's glossary (« CAF ») stays a name.
                if name and (not is_common_word(spelled) or glossary.expansions(spelled)):
                    by_name.setdefault(name, (spelled, []))[1].append(record.doc_id)
            # « Rhône » is not named by « Bouches-du-Rhône »: a hyphen joins words.
            patterns = [(re.compile(rf"(?<![\w-]){re.escape(n)}(?![\w-])"), spelled, docs)
                        for n, (spelled, docs) in by_name.items()]
            self._organisation_index = (generation, patterns)
        return self._organisation_index[1]

    def _own_documents(self) -> list[str] | None:
        """The documents that are not legal texts, when the base holds both kinds (None
        otherwise: one kind alone needs no list of its own)."""
        generation = self.kb.manifest.generation
        if self._own_index is None or self._own_index[0] != generation:
            records = self.kb.ready_documents()
            own = [r.doc_id for r in records if not is_legal_type(r.doc_type)]
            self._own_index = (generation, own if 0 < len(own) < len(records) else None)
        return self._own_index[1]

    def _keyword(self, query: str, docs: list[str] | None) -> list[tuple[str, float]]:
        return self.kb.keyword_index().search(query, self.candidates, docs)

    def search(
        self, query: str | Question, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Passage]:
        """The ``k`` best passages for ``query`` (a text, or a question analysed once),
        best first."""
        pool = self.pool(query, k, filters, features=self.ranker is not None)
        return [] if pool is None else self.rank(pool, k)

    def rank(self, pool: Pool, k: int, ranker: Ranker | bool | None = True,
             merge_window: int | None = None, max_chars: int | None = None) -> list[Passage]:
        """Passages from ``pool``: ordered by ``ranker`` (True: the fitted one of the
        calibration file, None or False: the reciprocal-rank fusion), neighbours merged
        from the ``merge_window`` best chunks up to ``max_chars`` (default: calibrated;
        ``python -m evals.fit passages`` tries others on the same pools)."""
        chosen = self.ranker if ranker is True else (ranker or None)
        merge_window = merge_window or self.merge_window
        if chosen is None:
            window = max(merge_window, self.typed_window)
            ranked = [(pool.chunks[c], pool.fused[c])
                      for c in pool.fused_order[: window + k * 3] if c in pool.chunks]
        else:
            ranked = [(pool.chunks[c], s) for c, s in chosen.order(pool) if c in pool.chunks]
        if not pool.structures:
            return assemble(ranked, k, max_chars=max_chars, merge_window=merge_window)
        # Asked about one résidence, a passage about another is no answer: it goes last
        # (a rule, not a weight: the dev sets hold too few such questions to fit one).
        known = self.structures()
        passages = assemble(ranked, 2 * k, max_chars=max_chars, merge_window=merge_window)
        elsewhere = [about_another(" ".join([p.section, *(s for _, s in p.sections), p.text]),
                                   pool.structures, known) for p in passages]
        return ([p for p, e in zip(passages, elsewhere, strict=True) if not e]
                + [p for p, e in zip(passages, elsewhere, strict=True) if e])[:k]

    def pool(
        self, query: str | Question, k: int = 10, filters: SearchFilters | None = None,
        features: bool = True,
    ) -> Pool | None:
        """Every candidate of the search with the fused order and, with ``features``,
        its ranking features (None: the filters leave no document)."""
        self.kb.check_model()
        question = query if isinstance(query, Question) else self.analyse(query)
        filters = filters or SearchFilters()
        allowed_docs = self._allowed_docs(filters)
        if allowed_docs is not None and not allowed_docs:
            return None
        vector = self.kb.embeddings.embed_query(question.text)
        keyword_query = question.keyword_query
        where = {"doc_id": {"$in": allowed_docs}} if allowed_docs is not None else None
        dense = self.kb.vectors.query(
            vector, self.candidates * tuned("retrieval.dense_overfetch"), where)
        keyword = self._keyword(keyword_query, allowed_docs)
        rankings = [dense[: self.candidates], keyword]
        allowed = set(allowed_docs) if allowed_docs is not None else None
        defining = [c for c in question.defining_chunks
                    if allowed is None or doc_id_of(c) in allowed]
        if defining:
            rankings.append([(c, 1.0) for c in defining])
        scoped_lists: list[list[str]] = []
        in_scope: set[str] = set()
        for organisation in question.organisations:
            docs = list(organisation.documents)
            if allowed is not None:
                docs = [d for d in docs if d in allowed]
            in_scope |= set(docs)
            if docs and docs != allowed_docs:
                more = self._lists_for(docs, dense, keyword_query)
                rankings += more
                scoped_lists += [[cid for cid, _ in r] for r in more]
        own = (self._own_documents()
               if not question.organisations and not _ASKS_THE_LAW.search(question.text)
               else None)
        if own is not None and allowed is None:
            # Staff ask about their own work: beside thousands of code articles, the
            # association's documents keep lists of their own, as a named organisation's do.
            rankings += self._lists_for(own, dense, keyword_query)
        fused: dict[str, float] = {}
        for ranking in rankings:
            self._add(fused, [cid for cid, _ in ranking])
        ordered = sorted(fused, key=lambda c: fused[c], reverse=True)
        naming = self._naming_chunks(question, ordered[: self.candidates])
        if naming is not None:
            self._add(fused, [c for c in ordered[: self.candidates] if c in naming])
            ordered = sorted(fused, key=lambda c: fused[c], reverse=True)
        following = self._continuations(ordered[: self.merge_window], allowed)
        if following:
            self._follow(fused, following)
            ordered = sorted(fused, key=lambda c: fused[c], reverse=True)
        # Without features only the head the fusion shows is read (as before the model).
        head = ordered if features else ordered[: max(self.merge_window, self.typed_window)
                                                 + k * 3]
        chunks = self.kb.manifest.chunks_by_ids(head)
        with_form: set[str] = set()
        if question.form is not None:
            with_form = {c for c in (head if features else head[: self.typed_window])
                         if c in chunks and has_answer_form(question.form, chunks[c].text)}
            self._add(fused, [c for c in ordered[: self.typed_window] if c in with_form])
            ordered = sorted(fused, key=lambda c: fused[c], reverse=True)
        pool = Pool(fused_order=ordered, fused=fused, features={}, chunks=chunks,
                    following=following, structures=question.structures)
        if features:
            self._features(pool, question, dense, keyword, scoped_lists, in_scope, naming,
                           with_form, set(defining))
        return pool

    def _lists_for(self, docs: list[str], dense: list[tuple[str, float]], keyword_query: str,
                   ) -> list[list[tuple[str, float]]]:
        """The dense list kept to some documents and a keyword search over them: a part
        of the base (a named organisation, the association's own documents) that the
        whole-base lists would drown gets two ranked lists of its own."""
        wanted = set(docs)
        return [[hit for hit in dense if doc_id_of(hit[0]) in wanted][: self.candidates],
                self._keyword(keyword_query, docs)]

    def _features(self, pool: Pool, question: Question, dense: list[tuple[str, float]],
                  keyword: list[tuple[str, float]], scoped_lists: list[list[str]],
                  in_scope: set[str], naming: set[str] | None, with_form: set[str],
                  defining: set[str]) -> None:
        """Fill ``pool.features`` (see ``assistant.qa.ranking.FEATURES``)."""
        k = self.rrf_k
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense[: self.candidates])}
        similarity = dict(dense)
        floor = dense[-1][1] if dense else 0.0
        best_similarity = dense[0][1] if dense else 0.0
        keyword_rank = {cid: r for r, (cid, _) in enumerate(keyword)}
        bm25 = dict(keyword)
        best_bm25 = keyword[0][1] if keyword and keyword[0][1] > 0 else 1.0
        scoped: dict[str, float] = {}
        for ranking in scoped_lists:
            for r, cid in enumerate(ranking):
                scoped[cid] = scoped.get(cid, 0.0) + 1.0 / (k + r + 1)
        words = list(question.tokens)
        asks_the_law = bool(_ASKS_THE_LAW.search(question.text))
        for cid in pool.fused_order:
            chunk = pool.chunks.get(cid)
            body: set[str] = set(tokenize(chunk.embed_text or chunk.text)) if chunk else set()
            heading = set(tokenize(f"{chunk.title} {chunk.section}")) if chunk else set()
            pool.features[cid] = {
                "fused": pool.fused[cid] * k,
                "dense_rr": k / (k + dense_rank[cid] + 1) if cid in dense_rank else 0.0,
                "dense_gap": similarity.get(cid, floor) - best_similarity,
                "keyword_rr": k / (k + keyword_rank[cid] + 1) if cid in keyword_rank else 0.0,
                "keyword_share": bm25.get(cid, 0.0) / best_bm25,
                "defining": float(cid in defining),
                "scoped_rr": scoped.get(cid, 0.0) * k,
                "in_scope": float(chunk is not None and chunk.doc_id in in_scope),
                "naming": float(naming is not None and cid in naming),
                "form": float(cid in with_form),
                "coverage": share(words, body),
                "title_cover": share(words, heading),
                "own": float(chunk is not None and not asks_the_law
                             and not is_legal_type(chunk.doc_type)),
            }

    def _add(self, fused: dict[str, float], ranking: list[str]) -> None:
        """Reciprocal rank fusion: each list adds 1 / (k + rank) to its chunks."""
        for rank, cid in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank + 1)

    def _follow(self, fused: dict[str, float], following: list[tuple[str, str]]) -> None:
        """One more ranked list of the chunks that follow well-ranked ones, each kept
        behind the chunk it follows (it continues it, it does not replace it)."""
        for rank, (before, cid) in enumerate(following):
            own = fused.get(cid, 0.0)
            raised = min(own + 1.0 / (self.rrf_k + rank + 1), math.nextafter(fused[before], 0.0))
            fused[cid] = max(own, raised)

    def _continuations(self, best: list[str], allowed: set[str] | None
                       ) -> list[tuple[str, str]]:
        """(chunk, the chunk after it) for each of the ``best`` chunks that the next one
        continues in the same section (the rest of a list or paragraph it cut, a
        sentence pointing back at it), in their order: what a well-ranked passage goes
        on to say rarely repeats the question's words, so neither list finds it."""
        ids = {c: chunk_id_for(doc_id_of(c), int(c.rsplit("-", 1)[1]) + 1) for c in best}
        chunks = self.kb.manifest.chunks_by_ids([*best, *ids.values()])
        following: list[tuple[str, str]] = []
        for cid in best:
            here, after = chunks.get(cid), chunks.get(ids[cid])
            if (here is not None and after is not None and after.section == here.section
                    and continues(here.text, after.text)
                    and (allowed is None or after.doc_id in allowed)
                    and after.chunk_id not in [c for _, c in following]):
                following.append((cid, after.chunk_id))
        return following

    def _naming_chunks(self, question: Question, candidates: list[str]) -> set[str] | None:
        """Chunks that name everything the question is about ("la résidence Viala", "le
        Réaltor"), organisations of the base apart (they are scoped): they get one more
        ranked list. None when the question names nothing else."""
        organisations = {fold_accents(name.lower()) for _, name, _ in self._organisations()}
        names = [n for n in question.names if fold_accents(n.lower()) not in organisations]
        if not names:
            return None
        tokens = [tokenize(name) for name in names]
        if not all(tokens):
            return set()
        return self.kb.keyword_index().containing(
            {token for name in tokens for token in name}, candidates)


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
