"""A temporary base holding an evaluation corpus, built with the user's settings.

Evaluations score the search a user gets, so the temporary base takes the user's
settings; only its folder changes, and it reuses the user's passage-vector cache so
that a second run embeds nothing.
"""

from __future__ import annotations

from pathlib import Path

from assistant.app.container import Container
from assistant.app.settings import Settings
from knowledge.base import IngestReport, Progress


def corpus_files(corpus: Path) -> list[Path]:
    """The corpus's documents and folders, its README aside."""
    return sorted(p for p in corpus.iterdir() if not p.name.startswith("README"))


def corpus_container(
    settings: Settings, corpus: Path, folder: Path,
    progress: Progress | None = None,
) -> tuple[Container, IngestReport]:
    """A container over a new base in ``folder`` with every file of ``corpus`` ingested."""
    cache = settings.embedding_cache or settings.data_dir / "cache" / "embeddings.sqlite"
    container = Container(settings.model_copy(update={"data_dir": folder,
                                                      "embedding_cache": cache}))
    kb = container.knowledge_base
    files = corpus_files(corpus)
    return container, kb.ingest(files, progress=progress) if progress else kb.ingest(files)
