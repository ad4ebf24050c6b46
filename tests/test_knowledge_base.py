"""Ingest, update, remove and re-index with the real model and Chroma on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.qa.retrieval import HybridSearcher, SearchFilters
from knowledge.base import KnowledgeBase, Overrides
from knowledge.errors import DocumentNotFound, EmbeddingModelMismatch
from knowledge.search.embeddings import E5Embeddings, SentenceTransformerEmbeddings, minilm_folder
from knowledge.search.keyword_index import KeywordIndex


def copy_demo(demo_dir: Path, target: Path) -> Path:
    shutil.copytree(demo_dir, target)
    return target


def test_ingest_folder_indexes_everything_consistently(
    kb: KnowledgeBase, demo_dir: Path, tmp_path: Path
) -> None:
    folder = copy_demo(demo_dir, tmp_path / "docs")
    report = kb.ingest([folder])
    assert report.counts == {"added": 4, "updated": 0, "unchanged": 0, "failed": 0}
    records = {r.source: r for r in kb.documents()}
    assert set(records) == {"projet-associatif.md", "projet-de-service-asll.docx",
                            "procedure-accueil.pdf", "livret-accueil.odt"}
    assert records["projet-de-service-asll.docx"].doc_type == "projet de service"
    assert records["projet-associatif.md"].organisation == "Toit Commun"
    assert records["projet-associatif.md"].year == 2024
    assert records["procedure-accueil.pdf"].pages == 1
    total = sum(r.chunk_count for r in records.values())
    assert kb.vectors.count() == total == len(kb.manifest.chunk_ids())
    assert kb.consistency_problems() == []
    assert all(r.embedding_model == kb.embeddings.model_id for r in records.values())
    for record in records.values():
        assert (kb.data_dir / (record.original or "missing")).exists()


def test_chunks_carry_title_and_section_and_respect_token_limit(
    kb: KnowledgeBase, demo_dir: Path
) -> None:
    kb.ingest([demo_dir / "projet-de-service-asll.docx"])
    chunks = kb.manifest.ready_chunks()
    assert any(c.section == "2. Les étapes de l'accompagnement > 2.2 Diagnostic partagé"
               and c.text.startswith("2.2 Diagnostic partagé\nDans les quinze jours")
               for c in chunks)
    for chunk in chunks:
        header = chunk.embed_text.split("\n", 1)[0]
        # its table gives 2022 and 2023 figures: written in 2023 at the earliest
        assert header.startswith("projet de service 2023 · Projet de service ASLL - Toit Commun")
        assert kb.embeddings.count_tokens(chunk.embed_text) <= kb.chunk_tokens + 8


def test_reingest_unchanged_is_a_no_op(kb: KnowledgeBase, demo_dir: Path, tmp_path: Path) -> None:
    folder = copy_demo(demo_dir, tmp_path / "docs")
    kb.ingest([folder])
    generation = kb.manifest.generation
    ids = kb.vectors.ids()
    report = kb.ingest([folder])
    assert report.counts == {"added": 0, "updated": 0, "unchanged": 4, "failed": 0}
    assert kb.manifest.generation == generation
    assert kb.vectors.ids() == ids


def test_changed_file_replaces_its_chunks(kb: KnowledgeBase, tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nLa laverie ouvre à 8 heures.\n\n"
                    + "".join(f"## Partie {i}\n\n{'Le bureau ferme tard. ' * 60}\n\n"
                              for i in range(3)), encoding="utf-8")
    kb.ingest([note])
    old_ids = set(kb.vectors.ids())
    note.write_text("# Note\n\nLa laverie ouvre désormais à 7 heures.\n", encoding="utf-8")
    report = kb.ingest([note])
    assert report.counts["updated"] == 1
    texts = [c.text for c in kb.manifest.ready_chunks()]
    assert texts == ["Note\nLa laverie ouvre désormais à 7 heures."]
    assert len(kb.vectors.ids()) == 1 and len(old_ids) > 3
    assert kb.consistency_problems() == []
    hits = HybridSearcher(kb).search("laverie heures", k=5)
    assert [h.text for h in hits] == ["Note\nLa laverie ouvre désormais à 7 heures."]


def test_identical_content_under_another_name_is_not_indexed_twice(
    kb: KnowledgeBase, demo_dir: Path, tmp_path: Path
) -> None:
    kb.ingest([demo_dir / "projet-associatif.md"])
    twin = tmp_path / "copie.md"
    shutil.copyfile(demo_dir / "projet-associatif.md", twin)
    report = kb.ingest([twin])
    assert report.counts["unchanged"] == 1
    assert "projet-associatif.md" in report.outcomes[0].message
    assert len(kb.documents()) == 1


def test_remove_deletes_from_every_store(kb: KnowledgeBase, demo_dir: Path, tmp_path: Path) -> None:
    folder = copy_demo(demo_dir, tmp_path / "docs")
    kb.ingest([folder])
    searcher = HybridSearcher(kb)
    assert any(p.source == "livret-accueil.odt" for p in searcher.search("laverie", k=3))
    record = kb.remove("livret-accueil.odt")
    assert record.source == "livret-accueil.odt"
    assert record.doc_id not in {r.doc_id for r in kb.documents()}
    assert not [i for i in kb.vectors.ids() if i.startswith(record.doc_id)]
    stored = KeywordIndex.load(kb.data_dir / "keyword")
    assert stored is not None and not [i for i in stored.ids if i.startswith(record.doc_id)]
    assert not (kb.data_dir / "originals" / record.doc_id).exists()
    assert all(p.source != "livret-accueil.odt" for p in searcher.search("laverie", k=10))
    assert kb.consistency_problems() == []
    with pytest.raises(DocumentNotFound):
        kb.remove("livret-accueil.odt")


def test_bad_file_does_not_stop_a_folder(kb: KnowledgeBase, demo_dir: Path,
                                         tmp_path: Path) -> None:
    folder = copy_demo(demo_dir, tmp_path / "docs")
    (folder / "vide.txt").write_bytes(b"")
    (folder / "faux.pdf").write_text("pas un pdf", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG")
    report = kb.ingest([folder, tmp_path / "absent.md"])
    assert report.counts["added"] == 4
    failed = {Path(o.path).name: o.message for o in report.by_status("failed")}
    assert set(failed) == {"vide.txt", "faux.pdf", "absent.md"}
    assert "vide" in failed["vide.txt"] and "introuvable" in failed["absent.md"]
    assert kb.consistency_problems() == []


def test_overrides_win_over_inference(kb: KnowledgeBase, demo_dir: Path) -> None:
    kb.ingest([demo_dir / "procedure-accueil.pdf"],
              Overrides(organisation="Toit Commun", doc_type="procédure", year=2023))
    record = kb.documents()[0]
    assert (record.organisation, record.doc_type, record.year) == ("Toit Commun", "procédure", 2023)
    hits = HybridSearcher(kb).search("dépôt de garantie", k=3,
                                     filters=SearchFilters(organisation="toit commun", year=2023))
    assert hits and hits[0].source == "procedure-accueil.pdf"
    assert HybridSearcher(kb).search("dépôt", k=3, filters=SearchFilters(year=1999)) == []


def test_other_embedding_model_is_refused_then_reindex_fixes_it(
    tmp_path: Path, demo_dir: Path, e5: E5Embeddings
) -> None:
    data = tmp_path / "data"
    first = KnowledgeBase(data, e5)
    first.ingest([demo_dir / "livret-accueil.odt"])
    first.close()
    minilm = SentenceTransformerEmbeddings(minilm_folder(), "all-MiniLM-L6-v2")
    second = KnowledgeBase(data, minilm)
    with pytest.raises(EmbeddingModelMismatch) as caught:
        HybridSearcher(second).search("laverie")
    assert "canevas reindex" in str(caught.value)
    with pytest.raises(EmbeddingModelMismatch):
        second.ingest([demo_dir / "projet-associatif.md"])
    report = second.reindex()
    assert report.counts["updated"] == 1
    assert second.documents()[0].embedding_model == minilm.model_id
    assert second.vectors.model_id == minilm.model_id
    assert HybridSearcher(second).search("laverie", k=1)[0].source == "livret-accueil.odt"
    assert second.consistency_problems() == []
    second.close()


def test_keyword_index_rebuilds_when_missing(kb: KnowledgeBase, demo_dir: Path) -> None:
    kb.ingest([demo_dir / "livret-accueil.odt"])
    shutil.rmtree(kb.data_dir / "keyword")
    fresh = KnowledgeBase(kb.data_dir, kb.embeddings)
    hits = fresh.keyword_index().search("laverie", 3)
    assert hits and hits[0][0].startswith(fresh.documents()[0].doc_id)
    fresh.close()


def test_a_line_announcing_a_list_stays_with_the_list(kb: KnowledgeBase, tmp_path: Path) -> None:
    note = tmp_path / "ateliers.md"
    filler = "Le projet a été préparé pendant dix-huit mois avec les équipes. " * 14
    note.write_text(f"# Démarche\n\n{filler}\n\nLes ateliers étaient composés ainsi :\n\n"
                    + "".join(f"- Atelier {i} : groupe numéro {i} de la démarche collective "
                              f"{'et des partenaires ' * 6}\n" for i in range(1, 4)),
                    encoding="utf-8")
    kb.ingest([note])
    chunks = kb.manifest.ready_chunks()
    assert len(chunks) >= 2
    holder = next(c for c in chunks if "composés ainsi :" in c.text)
    assert "Atelier 1" in holder.text
    assert not any(c.text.rstrip().endswith(":") for c in chunks)


def test_folders_skip_hidden_files_and_folders(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "notes.md").write_text("# Interne\n\nNe pas indexer.\n", encoding="utf-8")
    (folder / ".brouillon.md").write_text("# Brouillon\n\nNe pas indexer.\n", encoding="utf-8")
    (folder / "sous-dossier").mkdir()
    (folder / "sous-dossier" / "note.md").write_text("# Note\n\nÀ indexer.\n", encoding="utf-8")
    report = kb.ingest([folder])
    assert [Path(o.path).name for o in report.outcomes] == ["note.md"]


def test_corrected_metadata_survive_a_plain_reingest(kb: KnowledgeBase, tmp_path: Path) -> None:
    """`./run.sh DOSSIER` again must not put back the guessed values a person corrected."""
    note = tmp_path / "note.md"
    note.write_text("# Procédure d'accueil\n\nL'accueil se fait le lundi.\n", encoding="utf-8")
    kb.ingest([note])
    kb.set_metadata("note.md", "ALPA", "procédure", 2024)
    report = kb.ingest([note])
    assert report.outcomes[0].status == "unchanged"
    record = kb.resolve("note.md")
    assert (record.organisation, record.doc_type, record.year) == ("ALPA", "procédure", 2024)
    note.write_text("# Procédure d'accueil\n\nL'accueil se fait le mardi.\n", encoding="utf-8")
    kb.ingest([note])
    record = kb.resolve("note.md")
    assert (record.organisation, record.doc_type, record.year) == ("ALPA", "procédure", 2024)


def test_ingestion_writes_progress_lines_to_a_log_file(kb: KnowledgeBase, tmp_path: Path) -> None:
    import io

    folder = tmp_path / "dossier"
    folder.mkdir()
    for i in range(3):
        (folder / f"note-{i}.txt").write_text(
            f"Note {i}. Le comité de résidents se réunit chaque trimestre.", encoding="utf-8")
    echo = io.StringIO()
    kb.ingest([folder], log_echo=echo)
    log = (kb.data_dir / "logs" / "ingestion.log").read_text(encoding="utf-8").splitlines()
    assert "Indexation : 3 fichiers à traiter" in log[0]
    assert "terminé : 3/3 fichiers, 3 passages" in log[-1]
    assert "écoulées" in log[-1] and "note-" not in "\n".join(log)
    assert echo.getvalue().splitlines()[-1].startswith("terminé : 3/3 fichiers")


def test_progress_lines_come_every_few_seconds_with_the_time_left(tmp_path: Path) -> None:
    from knowledge.progress import ProgressLog

    now = [0.0]
    log = ProgressLog(tmp_path / "logs" / "ingestion.log", "Indexation", 10, every=10,
                      clock=lambda: now[0])
    for done in range(10):
        now[0] = done * 4.0  # 4 s a file
        log.step(done, done * 7)
    log.finish(10, 70)
    assert log.lines == [
        "Indexation : 10 fichiers à traiter",
        "3/10 fichiers, 21 passages, 12 s écoulées, reste environ 28 s",
        "6/10 fichiers, 42 passages, 24 s écoulées, reste environ 16 s",
        "9/10 fichiers, 63 passages, 36 s écoulées, reste environ 4 s",
        "terminé : 10/10 fichiers, 70 passages, 36 s écoulées",
    ]
    assert len((tmp_path / "logs" / "ingestion.log").read_text().splitlines()) == 5


def test_a_resumed_run_paces_the_time_left_on_the_files_it_really_ingests(
        tmp_path: Path) -> None:
    """Files already in the base pass in an instant: 80 of 100 skipped at once, then
    10 s a file, so 10 files left take about 100 s, not the 11 s an average would say."""
    from knowledge.progress import ProgressLog

    now = [0.0]
    log = ProgressLog(None, "Indexation", 100, every=10, clock=lambda: now[0])
    now[0] = 100.0
    log.step(90, 500, unchanged=80)
    assert log.lines[-1] == ("90/100 fichiers (80 déjà à jour), 500 passages, 1 min 40 s "
                             "écoulées, reste environ 1 min 40 s")
