"""Each question of a plain-text file (one per line) read and judged as the answer
service would — answered, « pas sûr » or refused, with the reason — to see what a
refusal rule changes on questions it was not built from: ``python -m
evals.refusal_probe evals/data/reviewer_questions.txt --data COPY_OF_A_BASE --out FILE``
(run it before and after a change on copies of the same base, then ``diff`` the two
files). ``reviewer_questions.txt``: round s27's reviewer's 104 questions in staff's
words, 57 of them answerable, never used to build a rule."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.app.settings import Settings
from assistant.qa.refusal import judge
from evals.corpus import corpus_container


@click.command()
@click.argument("questions", type=click.Path(exists=True, path_type=Path))
@click.option("--data", type=click.Path(path_type=Path), required=True,
              help="Base folder (a copy: the corpus is ingested into it when it is empty).")
@click.option("--corpus", type=click.Path(exists=True, path_type=Path),
              default=Path("../shared/corpus"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def main(questions: Path, data: Path, corpus: Path, out: Path) -> None:
    """One line per question: outcome, reason, question (tab-separated)."""
    container, _ = corpus_container(Settings(), corpus, data)
    reader = container.evidence_reader
    try:
        with out.open("w", encoding="utf-8") as f:
            for line in questions.read_text(encoding="utf-8").splitlines():
                question = line.strip()
                if not question:
                    continue
                verdict = judge(reader.read(question))
                outcome = ("refusé" if verdict.refused
                           else "pas sûr" if verdict.unsure else "répondu")
                f.write(f"{outcome}\t{verdict.reason[:110]}\t{question}\n")
    finally:
        container.close()


if __name__ == "__main__":
    main()
