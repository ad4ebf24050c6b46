"""Typed settings read from the environment (prefix ``CANEVAS_``) and the CLI."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.qa.llm_settings import LLMSettings
from knowledge.limits import Limits


def default_data_dir() -> Path:
    """Per-user data directory, following the XDG convention."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "canevas"


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


__all__ = ["LLMSettings", "Limits", "Settings", "default_data_dir"]
