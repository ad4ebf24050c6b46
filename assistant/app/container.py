"""Composition root: builds every service from the settings, once, lazily."""

from __future__ import annotations

from functools import cached_property

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.app.settings import Settings
from assistant.qa.answers import AnswerService
from assistant.qa.conversations import ConversationStore
from assistant.qa.evidence import EvidenceReader
from assistant.qa.llm import make_chat_model
from assistant.qa.retrieval import HybridSearcher
from generators.drafter import Drafter
from generators.review import Reviewer
from generators.service import DraftingService
from generators.store import DraftStore
from knowledge.base import KnowledgeBase
from knowledge.search.embeddings import CanevasEmbeddings, make_embeddings


class Container:
    """What the CLI and the web app ask for; nothing else constructs services."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def embeddings(self) -> CanevasEmbeddings:
        return make_embeddings(self.settings.embedding_model)

    @cached_property
    def knowledge_base(self) -> KnowledgeBase:
        return KnowledgeBase(
            self.settings.data_dir,
            self.embeddings,
            limits=self.settings.limits,
            chroma_url=self.settings.chroma_url,
            chunk_tokens=self.settings.chunk_tokens,
            embedding_cache=self.settings.embedding_cache,
            pii_policy=self.settings.pii_policy,
        )

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.knowledge_base)

    @cached_property
    def conversations(self) -> ConversationStore:
        """The conversation store, purged of conversations past the retention period."""
        store = ConversationStore(self.settings.data_dir / "conversations.sqlite")
        store.purge(self.settings.conversation_retention_days)
        return store

    @cached_property
    def chat_model(self) -> BaseChatModel | None:
        return make_chat_model(self.settings.llm)

    @cached_property
    def evidence_reader(self) -> EvidenceReader:
        return EvidenceReader(self.searcher, self.settings.answer_passages)

    @cached_property
    def answers(self) -> AnswerService:
        return AnswerService(self.evidence_reader, self.conversations, self.chat_model,
                             self.settings.llm)

    @cached_property
    def draft_store(self) -> DraftStore:
        """The draft store, purged of drafts untouched past the retention period."""
        store = DraftStore(self.settings.data_dir / "drafts.sqlite")
        store.purge(self.settings.draft_retention_days)
        return store

    @cached_property
    def drafting(self) -> DraftingService:
        drafter = Drafter(self.evidence_reader, self.draft_store, self.chat_model,
                          self.settings.llm, self.settings.limits)
        return DraftingService(drafter, Reviewer(self.draft_store), self.draft_store,
                               self.settings.limits)

    def close(self) -> None:
        if "knowledge_base" in self.__dict__:
            self.knowledge_base.close()
        if "evidence_reader" in self.__dict__:
            self.evidence_reader.close()
        if "conversations" in self.__dict__:
            self.conversations.close()
        if "draft_store" in self.__dict__:
            self.draft_store.close()
