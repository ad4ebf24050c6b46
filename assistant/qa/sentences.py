"""The project's sentence splitter lives in the knowledge layer (``knowledge/sentences.py``);
this name stays for the modules that import it from here."""

from knowledge.sentences import Sentence, split_sentences

__all__ = ["Sentence", "split_sentences"]
