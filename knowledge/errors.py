"""Errors raised to users, with a French message they can act on."""

from __future__ import annotations


class CanevasError(Exception):
    """Base of every error whose message is shown as is to the user (in French)."""


class IngestError(CanevasError):
    """A file could not be ingested; the message says why and what to do."""


class EmbeddingModelMismatch(CanevasError):
    """The index was built with another embedding model than the configured one."""

    def __init__(self, index_model: str, configured: str) -> None:
        super().__init__(
            f"La base a été indexée avec le modèle d'embeddings « {index_model} », "
            f"mais le modèle configuré est « {configured} ». "
            "Lancez `canevas reindex` pour réindexer la base avec le modèle configuré."
        )
        self.index_model = index_model
        self.configured = configured


class DocumentNotFound(CanevasError):
    """No document matches what the user named."""


class BaseLocked(CanevasError):
    """Another process is writing to the same knowledge base."""


class QuestionRejected(CanevasError):
    """A question refused before any search: empty, or longer than the setting allows."""


class ManifestDamaged(CanevasError):
    """``manifest.sqlite`` fails SQLite's integrity check: the base must be rebuilt."""

    def __init__(self, path: object, detail: str) -> None:
        super().__init__(
            f"Le fichier {path} (le registre de la base) est endommagé ({detail}). "
            "Les copies des documents sont gardées dans le dossier originals/ : lancez "
            "`canevas rebuild` pour reconstruire la base à partir d'elles."
        )
