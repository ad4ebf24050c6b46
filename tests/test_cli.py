"""The ``canevas`` command surface, driven with click's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.app.cli import cli


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> Path:
    data = tmp_path_factory.mktemp("cli") / "data"
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(demo_dir)])
    assert result.exit_code == 0, result.output
    assert "4 ajoutés" in result.output
    return data


def run(data: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--data-dir", str(data), *args])
    return result.exit_code, result.output


def test_documents_json(base: Path) -> None:
    code, out = run(base, "documents", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {r["source"] for r in rows} >= {"livret-accueil.odt", "procedure-accueil.pdf"}
    assert {"doc_id", "title", "organisation", "doc_type", "year", "chunk_count",
            "content_hash", "embedding_model", "created_at"} <= set(rows[0])


def test_documents_text(base: Path) -> None:
    code, out = run(base, "documents")
    assert code == 0 and "4 document(s)." in out


def test_search_text_and_json(base: Path) -> None:
    code, out = run(base, "search", "Qui valide une mesure ASLL ?", "-k", "2")
    assert code == 0 and "[1]" in out and "projet-de-service-asll.docx" in out
    code, out = run(base, "search", "dépôt de garantie", "--json", "-k", "3")
    passages = json.loads(out)
    assert passages[0]["source"] == "procedure-accueil.pdf"
    assert passages[0]["page"] == 1


def test_search_filters(base: Path) -> None:
    _code, out = run(base, "search", "accueil", "--json", "--source", "livret-accueil.odt")
    assert {p["source"] for p in json.loads(out)} == {"livret-accueil.odt"}
    _code, out = run(base, "search", "accueil", "--json", "--type", "projet associatif")
    assert {p["doc_type"] for p in json.loads(out)} == {"projet associatif"}


def test_search_batch_format(base: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": "a", "question": "Combien de logements compte la résidence Les Tilleuls ?"}\n'
        '\n{"id": 7, "question": "Qui préside l\'association ?"}\n', encoding="utf-8")
    code, out = run(base, "search", "--batch", str(questions), "-k", "4")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [row["id"] for row in lines] == ["a", 7]
    for row in lines:
        assert len(row["passages"]) == 4
        for passage in row["passages"]:
            assert set(passage) == {"chunk_id", "text", "source", "title", "section", "page",
                                    "score"}
        scores = [p["score"] for p in row["passages"]]
        assert scores == sorted(scores, reverse=True)
    assert "42 logements" in lines[0]["passages"][0]["text"]


def test_search_batch_bad_line(base: Path, tmp_path: Path) -> None:
    questions = tmp_path / "bad.jsonl"
    questions.write_text('{"id": 1}\n', encoding="utf-8")
    code, out = run(base, "search", "--batch", str(questions))
    assert code == 1 and "Ligne 1" in out


def test_remove_unknown_is_a_clear_error(base: Path) -> None:
    code, out = run(base, "remove", "inexistant.pdf")
    assert code == 1 and "Aucun document ne correspond" in out and "Traceback" not in out


def test_ingest_reports_failures_and_exit_code(tmp_path: Path, demo_dir: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(demo_dir, folder)
    (folder / "chiffré.pdf").write_bytes(b"%PDF-1.4 pas vraiment")
    data = tmp_path / "data"
    code, out = run(data, "ingest", str(folder), "--org", "Toit Commun")
    assert code == 1
    assert "4 ajoutés" in out and "1 en échec" in out and "chiffré.pdf" in out
    code, out = run(data, "remove", "livret-accueil.odt")
    assert code == 0 and "Document retiré" in out
    code, out = run(data, "reindex")
    assert code == 0 and "3 mis à jour" in out


def test_search_without_question(base: Path) -> None:
    code, out = run(base, "search")
    assert code == 2 and "question" in out


def test_ask_text_json_and_conversation(base: Path) -> None:
    code, out = run(base, "ask", "Qui valide une mesure ASLL ?")
    assert code == 0, out
    assert "[1]" in out and "Sources :" in out
    conversation = out.rsplit("--conversation ", 1)[1].split(")")[0]
    code, out = run(base, "ask", "Et combien de temps elle dure ?", "--json",
                    "--conversation", conversation)
    answer = json.loads(out.split("\n(conversation")[0])
    assert code == 0 and not answer["refused"] and "six mois" in answer["text"]
    assert answer["conversation_id"] == conversation
    code, out = run(base, "conversations", "--json")
    listed = json.loads(out)
    assert any(c["id"] == conversation and c["turns"] == 2 for c in listed)
    code, out = run(base, "conversations", conversation)
    assert code == 0 and "Et combien de temps elle dure ?" in out


def test_ask_batch_format(base: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": "a", "question": "Qui valide une mesure ASLL ?"}\n'
        '{"id": "b", "question": "Comment se prépare une tarte aux pommes ?"}\n',
        encoding="utf-8")
    code, out = run(base, "ask", "--batch", str(questions))
    assert code == 0, out
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert not rows[0]["refused"] and rows[1]["refused"]
    assert set(rows[0]["citations"][0]) == {"n", "chunk_id", "source", "section", "page", "text"}
    assert rows[1]["citations"] == []


def test_ask_with_unknown_provider_is_a_clear_error(base: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANEVAS_LLM_PROVIDER", "inconnu")
    code, out = run(base, "ask", "Qui valide une mesure ASLL ?")
    assert code == 1 and "Fournisseur de modèle inconnu" in out


def test_eval_retrieval_on_a_corpus_in_a_temporary_base(demo_dir: Path, tmp_path: Path) -> None:
    questions = tmp_path / "set.jsonl"
    questions.write_text(json.dumps({
        "id": "q1", "question": "Combien coûte le dépôt de garantie ?", "kind": "fact",
        "evidence": ["Le résident verse un dépôt de garantie égal à un mois de redevance"],
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    empty = tmp_path / "empty"
    code, out = run(empty, "eval", "retrieval", "--set", str(questions), "--corpus",
                    str(demo_dir), "--json")
    assert code == 0, out
    scores = json.loads(out.strip().splitlines()[-1])
    assert scores["span_recall@5"] == 1.0 and scores["questions"] == 1
    assert not (empty / "chroma").exists()
    assert (empty / "cache" / "embeddings.sqlite").exists()


def test_question_of_spaces_is_refused(base: Path) -> None:
    """Issue 15 item 8: the web page refused it, the CLI answered it."""
    for command in ("ask", "search"):
        code, out = run(base, command, "   \t ")
        assert code != 0 and "question est vide" in out, (command, out)
        assert "Traceback" not in out


def test_question_too_long_is_refused_at_once(base: Path) -> None:
    """Issue 15 item 8: 100,000 characters took 40 s and were stored; now refused at once."""
    import time

    question = "Quelle est la durée d'une mesure ASLL ? " * 2500
    started = time.monotonic()
    code, out = run(base, "ask", question)
    assert time.monotonic() - started < 3
    assert code != 0 and "trop longue" in out and "CANEVAS_LIMIT_MAX_QUESTION_CHARS" in out
    assert out.count("Quelle") == 0
    code, out = run(base, "conversations", "--json")
    assert all(len(c["title"]) < 1000 for c in json.loads(out))


def test_answer_service_refuses_an_empty_or_too_long_question(tmp_path: Path) -> None:
    from assistant.qa.answers import AnswerService
    from assistant.qa.conversations import ConversationStore
    from knowledge.errors import QuestionRejected
    from knowledge.limits import Limits

    service = AnswerService(None, ConversationStore(tmp_path / "c.sqlite"),  # type: ignore[arg-type]
                            limits=Limits(max_question_chars=50))
    with pytest.raises(QuestionRejected, match="vide"):
        service.ask("  \n ")
    with pytest.raises(QuestionRejected, match="au plus 50"):
        service.ask("x" * 51)


def test_user_mistakes_give_one_line_not_a_traceback(tmp_path: Path) -> None:
    """Issue 15 item 14 (CLI side): a missing name, a setting that is not a number."""
    data = tmp_path / "data"
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "pii", "allow", "  "])
    assert result.exit_code != 0 and "nom" in result.output.lower(), result.output
    assert not (data / "pii" / "allow.txt").exists()
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "documents"],
                                env={"CANEVAS_LIMIT_MAX_QUESTION_CHARS": "beaucoup"})
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "CANEVAS_LIMIT_MAX_QUESTION_CHARS" in lines[0], result.output
