"""The real e5 model: question vectors, and the cache of recent questions."""

from __future__ import annotations

import numpy as np

from knowledge.search.embeddings import E5Embeddings


class CountingE5(E5Embeddings):
    """The real model, counting how many questions it actually encodes."""

    def __init__(self, cache_size: int) -> None:
        super().__init__()
        self.query_cache_size = cache_size
        self.encoded: list[str] = []

    def _encode_query(self, text: str) -> list[float]:
        self.encoded.append(text)
        return super()._encode_query(text)


def test_a_repeated_question_is_encoded_once_and_gets_the_same_vector() -> None:
    model = CountingE5(cache_size=2)
    first = model.embed_query("C'est quoi l'ASTHA ?")
    first[0] = 99.0
    again = model.embed_query("C'est quoi l'ASTHA ?")
    assert model.encoded == ["C'est quoi l'ASTHA ?"]
    assert again[0] != 99.0
    assert np.isclose(np.linalg.norm(again), 1.0, atol=1e-3)


def test_the_cache_forgets_the_oldest_question_and_can_be_turned_off() -> None:
    model = CountingE5(cache_size=2)
    for question in ("Qui finance le SAM ?", "C'est quoi l'ASPL ?", "Qui finance le SAM ?",
                     "Combien de logements ?", "C'est quoi l'ASPL ?"):
        model.embed_query(question)
    assert model.encoded == ["Qui finance le SAM ?", "C'est quoi l'ASPL ?",
                             "Combien de logements ?", "C'est quoi l'ASPL ?"]
    off = CountingE5(cache_size=0)
    off.embed_query("Qui finance le SAM ?")
    off.embed_query("Qui finance le SAM ?")
    assert len(off.encoded) == 2


def test_cached_vector_equals_a_fresh_encoding() -> None:
    question = "Qui finance le SAM ?"
    cached = CountingE5(cache_size=8)
    cached.embed_query(question)
    assert cached.embed_query(question) == E5Embeddings()._encode_query(question)
