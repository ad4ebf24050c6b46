"""Typed settings read from the environment (prefix ``CANEVAS_``) and the CLI."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Per-user data directory, following the XDG convention."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "canevas"


class Limits(BaseSettings):
    """Input limits: every file is checked against them before it is parsed."""

    model_config = SettingsConfigDict(env_prefix="CANEVAS_LIMIT_")

    max_file_bytes: int = 50 * 1024 * 1024
    max_pdf_pages: int = 3000
    max_zip_uncompressed_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: float = 100.0
    max_zip_entries: int = 5000
    max_text_chars: int = 20_000_000


class LLMSettings(BaseSettings):
    """The optional language model; the key is read from the environment only."""

    model_config = SettingsConfigDict(env_prefix="CANEVAS_LLM_")

    provider: str = "aucun"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    gguf_path: Path | None = None
    temperature: float = 0.1
    max_tokens: int = 400
    timeout: float = 120.0


class Settings(BaseSettings):
    """Everything the composition root needs to build the services."""

    model_config = SettingsConfigDict(env_prefix="CANEVAS_")

    data_dir: Path = Field(default_factory=default_data_dir)
    embedding_model: str = "e5-small"
    chroma_url: str | None = None
    chunk_tokens: int = 200
    embedding_cache: Path | None = None
    limits: Limits = Field(default_factory=Limits)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    answer_passages: int = 6
    pii_policy: str | None = None
    conversation_retention_days: int = 180
    draft_retention_days: int = 730
