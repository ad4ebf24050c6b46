"""Question nouns with their adjective or « de » complement that the corpus never writes
together: ``python -m evals.noun_pairs [CORPUS]``.

Why: « convention collective » is in no document (devb-094, unanswerable) though both
words are; reading such a pair as one term would refuse it. This counts, per set and
kind, the questions holding a pair the corpus never writes, to see what such a rule
would also refuse.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

import click

from assistant.qa.nouns import noun_modifiers, question_nouns
from evals.measure import CORPUS, SETS
from evals.retrieval import load_jsonl
from knowledge.french import tokenize


@click.command()
@click.argument("corpus", type=click.Path(exists=True, path_type=Path), default=CORPUS)
def main(corpus: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    stems = tokenize(" ".join(texts))
    written = set(pairwise(stems))
    for set_path in SETS:
        counts: Counter[str] = Counter()
        for item in load_jsonl(set_path):
            text = item["question"]
            for noun in question_nouns(text):
                start = text.find(noun)
                if start < 0:
                    continue
                modifiers, end = noun_modifiers(text[start:])
                words = tokenize(text[start:start + end])
                if modifiers and any(p not in written for p in pairwise(words)):
                    counts["unanswerable" if item["kind"] == "unanswerable"
                           else "answerable"] += 1
                    click.echo(f"{item['id']} ({item['kind']}): {text[start:start + end]}")
                    break
        click.echo(f"{set_path.stem}: {dict(counts)}")


if __name__ == "__main__":
    main()
