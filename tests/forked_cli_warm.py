"""What the fork server imports once for every command line run (see ``forked_cli``).

The French tokenizer rules, Presidio and the model libraries take most of a run's start,
and so does reading the French pipeline from disk; the embedding weights are loaded by each
run, after the fork, so that no thread pool is forked.
"""

import chromadb  # noqa: F401
import presidio_analyzer  # noqa: F401
import sentence_transformers  # noqa: F401
import spacy.lang.fr  # noqa: F401
import torch  # noqa: F401
import transformers  # noqa: F401

import assistant.app.cli
import assistant.app.erasure  # noqa: F401
import knowledge.base  # noqa: F401
from knowledge.pii.detector import _analyzer

_analyzer()  # the French pipeline read from disk once: building it runs no model
