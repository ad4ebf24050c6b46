"""Input limits: every file is checked against them before it is parsed."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Limits(BaseSettings):
    """Input limits: every file is checked against them before it is parsed."""

    model_config = SettingsConfigDict(env_prefix="CANEVAS_LIMIT_")

    max_file_bytes: int = 50 * 1024 * 1024
    max_pdf_pages: int = 3000
    max_zip_uncompressed_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: float = 100.0
    max_zip_entries: int = 5000
    max_text_chars: int = 20_000_000
