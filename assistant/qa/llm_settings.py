"""Settings of the optional language model (environment prefix ``CANEVAS_LLM_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
