"""A process SIGKILLed mid-ingestion leaves the stores consistent; re-running finishes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.qa.retrieval import HybridSearcher
from knowledge.base import FAULT_ENV, KnowledgeBase
from knowledge.search.embeddings import E5Embeddings
from knowledge.search.keyword_index import KeywordIndex
from tests.forked_cli import run_cli, start_cli

pytestmark = pytest.mark.slow
CACHE_ENV = "CANEVAS_EMBEDDING_CACHE"


@pytest.fixture(scope="module", autouse=True)
def _vectors_computed_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The demo's passage vectors are computed once for the module's fifty runs: the
    points of failure are in the stores, not in the model."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("vectors") / "embeddings.sqlite"))
        yield


def canevas(data: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    if fault:
        env[FAULT_ENV] = fault
    return run_cli(["--data-dir", str(data), *args], env)


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


@pytest.mark.parametrize("delay", [0.5, 2.0, 4.0])
def test_kill_at_arbitrary_moments(delay: float, tmp_path: Path, demo_dir: Path,
                                   e5: E5Embeddings) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != CACHE_ENV}  # a run as long as a user's
    process = start_cli(["--data-dir", str(data), "ingest", str(demo_dir)], env,
                        tmp_path / "out", tmp_path / "err")
    deadline = time.monotonic() + 240
    while not (data / "manifest.sqlite").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the kill lands after the first write, never before any
    time.sleep(delay)
    process.kill()
    process.join(timeout=30)
    assert (data / "manifest.sqlite").exists()
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


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> Path:
    """The demo base, ingested once; each test works on its own copy."""
    data = tmp_path_factory.mktemp("ingested") / "data"
    done = canevas(data, "ingest", str(demo_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    return data


def copy_of(ingested: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ingested, data)
    return data


@pytest.mark.parametrize("point", ["after_pending", "during_vector_add", "before_commit"])
def test_kill_during_reindex(point: str, tmp_path: Path, ingested: Path,
                             e5: E5Embeddings) -> None:
    """Issue 15 item 10: a killed reindex left every document pending (the base emptied
    by recovery); now at most the document being redone is missing, and the rest stays
    searchable."""
    data = copy_of(ingested, tmp_path)
    killed = canevas(data, "reindex", fault=point)
    assert killed.returncode == -signal.SIGKILL
    kb = assert_consistent_after_recovery(data, e5)
    ready = [r for r in kb.documents() if r.status == "ready"]
    assert len(ready) >= 3, [(r.source, r.status) for r in kb.documents()]
    hits = HybridSearcher(kb).search("laverie horaires", k=5)
    assert hits and set(kb.vectors.ids()) >= {h.chunk_id for h in hits}
    kb.close()
    finished = canevas(data, "reindex")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert_complete(data, e5, expected_docs=4)


FORGET_POINTS = ["forget_after_journal", "forget_after_cache", "forget_after_vectors",
                 "forget_before_commit", "forget_after_commit"]


@pytest.mark.parametrize("point", FORGET_POINTS)
def test_kill_during_forget(point: str, tmp_path: Path, ingested: Path,
                            e5: E5Embeddings) -> None:
    """Issue 15 item 10: forget marked nothing; a kill left stray vectors or a manifest
    pointing at a deleted copy. The next writer finishes the erasure."""
    data = copy_of(ingested, tmp_path)
    killed = canevas(data, "forget", "laverie", fault=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    kb = assert_consistent_after_recovery(data, e5)
    assert kb.consistency_problems() == []
    assert all(r.original and (data / r.original).is_file() for r in kb.documents())
    assert kb.manifest.get_meta("forget_journal") is None
    assert not [c for c in kb.manifest.ready_chunks() if "laverie" in c.text.lower()]
    kb.close()
    for path in data.rglob("*"):
        if path.is_file() and "originals" in path.parts:
            assert "laverie" not in path.read_text(encoding="utf-8", errors="ignore").lower()


@pytest.mark.parametrize("damage", ["cut", "header"])
def test_damaged_manifest_is_said_and_rebuilt(damage: str, tmp_path: Path, ingested: Path,
                                              e5: E5Embeddings) -> None:
    """Issue 15 item 9: a traceback for every command; now a French message and one
    command that rebuilds the base from the kept copies and their metadata."""
    data = copy_of(ingested, tmp_path)
    before = KnowledgeBase(data, e5)
    expected = {(r.source, r.title, r.doc_type, r.organisation) for r in before.documents()}
    before.close()
    manifest = data / "manifest.sqlite"
    for suffix in ("-wal", "-shm"):
        manifest.with_name(manifest.name + suffix).unlink(missing_ok=True)
    raw = manifest.read_bytes()
    manifest.write_bytes(raw[: len(raw) // 2] if damage == "cut" else b"\x00" * 100 + raw[100:])
    for args in (["documents"], ["search", "laverie"], ["reindex"], ["ingest", str(data)]):
        done = canevas(data, *args)
        assert done.returncode == 1, (args, done.stderr)
        assert "endommagé" in done.stderr and "canevas rebuild" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    rebuilt = canevas(data, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    kb = KnowledgeBase(data, e5)
    assert {(r.source, r.title, r.doc_type, r.organisation) for r in kb.documents()} == expected
    assert HybridSearcher(kb).search("laverie horaires", k=3)
    kb.close()
    assert_complete(data, e5, expected_docs=4)


def test_emptied_manifest_reindex_restores_the_kept_copies(tmp_path: Path, ingested: Path,
                                                           e5: E5Embeddings) -> None:
    data = copy_of(ingested, tmp_path)
    for suffix in ("", "-wal", "-shm"):
        (data / f"manifest.sqlite{suffix}").unlink(missing_ok=True)
    (data / "manifest.sqlite").write_bytes(b"")
    done = canevas(data, "reindex")
    assert done.returncode == 0, done.stdout + done.stderr
    assert_complete(data, e5, expected_docs=4)


def test_kill_after_pseudonymisation_leaves_no_mapping(tmp_path: Path, e5: E5Embeddings) -> None:
    """Issue 15 item 10: ``_prepare`` commits pseudonym mappings before the document is
    marked pending; the next writer drops the mappings no passage refers to."""
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nMénage suivi : Ousmane Keita, téléphone 06 11 22 33 44.\n",
                    encoding="utf-8")
    data = tmp_path / "data"
    killed = canevas(data, "ingest", str(note), "--type", "note de suivi", fault="after_prepare")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    kb = KnowledgeBase(data, e5)
    assert kb.vault.mapping()  # the window: mapped, not yet pending
    with kb.writing():
        pass
    assert kb.vault.mapping() == []
    kb.close()
    for path in data.rglob("*"):
        if path.is_file():
            assert b"Keita" not in path.read_bytes(), path
