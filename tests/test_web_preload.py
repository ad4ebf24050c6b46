"""The web app loads every model before the first question, the French tagger included."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assistant.app.web.app import Readiness
from assistant.qa import nouns


def test_preload_loads_the_tagger_the_refusal_rule_needs() -> None:
    nouns._tagger.cache_clear()
    nouns.question_nouns.cache_clear()
    quiet: Any = lambda *args, **kwargs: None  # noqa: E731
    container: Any = SimpleNamespace(
        embeddings=SimpleNamespace(embed_query=quiet),
        knowledge_base=SimpleNamespace(check_model=quiet),
        searcher=SimpleNamespace(search=quiet), answers=None)
    readiness = Readiness()
    readiness.load(container)
    assert readiness.ready.wait(300)
    assert readiness.error is None, readiness.error
    assert nouns._tagger.cache_info().currsize == 1
