"""Input limits: every file is checked against them before it is parsed."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.errors import QuestionRejected


class Limits(BaseSettings):
    """Input limits: every file is checked against them before it is parsed."""

    model_config = SettingsConfigDict(env_prefix="CANEVAS_LIMIT_")

    max_file_bytes: int = 50 * 1024 * 1024
    max_pdf_pages: int = 3000
    max_zip_uncompressed_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: float = 100.0
    max_zip_entries: int = 5000
    max_text_chars: int = 20_000_000
    max_question_chars: int = 2000


def check_question(question: str, limits: Limits) -> str:
    """The question without its outer spaces, or a French refusal before any work: an
    empty question has nothing to search, and a 100,000-character one took 40 s and was
    stored whole in the conversation."""
    question = question.strip()
    if not question:
        raise QuestionRejected("La question est vide : écrivez une question.")
    if len(question) > limits.max_question_chars:
        raise QuestionRejected(
            f"La question est trop longue ({len(question)} caractères ; au plus "
            f"{limits.max_question_chars}). Raccourcissez-la, ou changez la limite avec "
            "la variable CANEVAS_LIMIT_MAX_QUESTION_CHARS.")
    return question
