"""A process SIGKILLed mid-ingestion leaves the stores consistent; re-running finishes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.qa.retrieval import HybridSearcher
from knowledge.base import FAULT_ENV, KnowledgeBase
from knowledge.search.embeddings import E5Embeddings
from knowledge.search.keyword_index import KeywordIndex

pytestmark = pytest.mark.slow


def canevas(data: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run(
        [sys.executable, "-m", "assistant.app.cli", "--data-dir", str(data), *args],
        env=env, capture_output=True, text=True, timeout=300,
    )


def assert_consistent_after_recovery(data: Path, e5: E5Embeddings) -> KnowledgeBase:
    kb = KnowledgeBase(data, e5)
    HybridSearcher(kb).search("accueil", k=5)
    with kb.writing():
        pass
    manifest_ids = set(kb.manifest.chunk_ids())
    assert set(kb.vectors.ids()) == manifest_ids
    index = kb.keyword_index()
    assert set(index.ids) == manifest_ids
    for record in kb.documents():
        if record.status != "ready":
            assert not kb.vectors.ids(record.doc_id)
    return kb


def assert_complete(data: Path, e5: E5Embeddings, expected_docs: int) -> None:
    kb = KnowledgeBase(data, e5)
    assert kb.consistency_problems() == []
    assert len(kb.documents()) == expected_docs
    assert all(r.status == "ready" for r in kb.documents())
    stored = KeywordIndex.load(data / "keyword")
    assert stored is not None and set(stored.ids) == set(kb.manifest.chunk_ids())
    kb.close()


KILL_POINTS = ["after_pending", "after_vector_delete", "during_vector_add", "before_commit",
               "after_commit"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_during_first_ingestion(point: str, tmp_path: Path, demo_dir: Path,
                                     e5: E5Embeddings) -> None:
    data = tmp_path / "data"
    killed = canevas(data, "ingest", str(demo_dir), fault=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert_consistent_after_recovery(data, e5).close()
    finished = canevas(data, "ingest", str(demo_dir))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert_complete(data, e5, expected_docs=4)


@pytest.mark.parametrize("point", ["after_vector_delete", "before_commit"])
def test_kill_during_update_hides_half_written_document(
    point: str, tmp_path: Path, demo_dir: Path, e5: E5Embeddings
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(demo_dir, docs)
    data = tmp_path / "data"
    assert canevas(data, "ingest", str(docs)).returncode == 0
    note = docs / "projet-associatif.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n\nUn potager partagé ouvrira en 2025.\n",
                    encoding="utf-8")
    killed = canevas(data, "ingest", str(docs), fault=point)
    assert killed.returncode == -signal.SIGKILL
    reader = KnowledgeBase(data, e5)
    sources = {p.source for p in HybridSearcher(reader).search("projet associatif valeurs", 10)}
    assert "projet-associatif.md" not in sources
    reader.close()
    assert_consistent_after_recovery(data, e5).close()
    assert canevas(data, "ingest", str(docs)).returncode == 0
    assert_complete(data, e5, expected_docs=4)
    kb = KnowledgeBase(data, e5)
    assert HybridSearcher(kb).search("potager partagé", k=1)[0].source == "projet-associatif.md"
    kb.close()


def test_kill_during_remove(tmp_path: Path, demo_dir: Path, e5: E5Embeddings) -> None:
    data = tmp_path / "data"
    assert canevas(data, "ingest", str(demo_dir)).returncode == 0
    killed = canevas(data, "remove", "livret-accueil.odt", fault="remove_after_mark")
    assert killed.returncode == -signal.SIGKILL
    kb = assert_consistent_after_recovery(data, e5)
    assert "livret-accueil.odt" not in {r.source for r in kb.documents()}
    kb.close()
    assert_complete(data, e5, expected_docs=3)


@pytest.mark.parametrize("delay", [2.5, 4.0, 5.5])
def test_kill_at_arbitrary_moments(delay: float, tmp_path: Path, demo_dir: Path,
                                   e5: E5Embeddings) -> None:
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.app.cli", "--data-dir", str(data),
         "ingest", str(demo_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if data.exists() and (data / "manifest.sqlite").exists():
        assert_consistent_after_recovery(data, e5).close()
    assert canevas(data, "ingest", str(demo_dir)).returncode == 0
    assert_complete(data, e5, expected_docs=4)


def test_long_running_reader_sees_other_process_writes(
    tmp_path: Path, demo_dir: Path, e5: E5Embeddings
) -> None:
    data = tmp_path / "data"
    assert canevas(data, "ingest", str(demo_dir / "projet-associatif.md")).returncode == 0
    reader = KnowledgeBase(data, e5)
    searcher = HybridSearcher(reader)
    assert {p.source for p in searcher.search("laverie", k=10)} == {"projet-associatif.md"}
    assert canevas(data, "ingest", str(demo_dir / "livret-accueil.odt")).returncode == 0
    assert searcher.search("laverie", k=1)[0].source == "livret-accueil.odt"
    assert canevas(data, "remove", "livret-accueil.odt").returncode == 0
    assert {p.source for p in searcher.search("laverie", k=10)} == {"projet-associatif.md"}
    reader.close()


@pytest.mark.parametrize("point", ["reindex_after_mark", "during_vector_add"])
def test_kill_during_reindex(point: str, tmp_path: Path, demo_dir: Path,
                             e5: E5Embeddings) -> None:
    data = tmp_path / "data"
    assert canevas(data, "ingest", str(demo_dir)).returncode == 0
    killed = canevas(data, "reindex", fault=point)
    assert killed.returncode == -signal.SIGKILL
    reader = KnowledgeBase(data, e5)
    hits = HybridSearcher(reader).search("laverie", k=5)
    assert set(reader.vectors.ids()) >= {h.chunk_id for h in hits}
    reader.close()
    assert_consistent_after_recovery(data, e5).close()
    finished = canevas(data, "reindex")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert_complete(data, e5, expected_docs=4)
