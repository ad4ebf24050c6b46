"""The nouns of a question, found by spaCy's small French model (shipped on PyPI).

Refusal asks whether the base talks about the things the question names: "le
télétravail", "une tarte", "le CADA de l'ALPA". Verbs and adverbs ("marche",
"exactement") are paraphrased freely by staff, so only nouns count.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from knowledge.calibration import tuned

_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import spacy

    with _LOCK:
        return spacy.load("fr_core_news_sm", disable=["ner", "parser", "lemmatizer"])


@lru_cache(maxsize=1024)
def question_nouns(question: str) -> tuple[str, ...]:
    """Common and proper nouns of ``question``, in order, without repeats."""
    words = [t.text for t in _tagger()(question) if t.pos_ in ("NOUN", "PROPN")]
    return tuple(dict.fromkeys(w.strip("-«»\"'") for w in words if w.strip("-«»\"'")))


def is_prose(text: str) -> bool:
    """A real sentence, not a table row, a list of names or a run of figures.

    PDF extraction glues table cells and slide bullets into long "sentences" with no
    verb, or with a verb lost among names and numbers; quoting them reads as noise.
    """
    words = [t for t in _tagger()(text) if not t.is_punct and not t.is_space]
    if not words:
        return False
    verbs = sum(t.pos_ in ("VERB", "AUX") for t in words)
    odd = sum(t.pos_ in ("PROPN", "NUM", "X", "SYM") or t.like_num for t in words)
    return (verbs >= max(1, len(words) // tuned("prose.verbs_per_words"))
            and odd / len(words) < tuned("prose.max_odd_share"))
