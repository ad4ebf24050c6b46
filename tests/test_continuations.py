"""A chunk that goes on with a well-ranked one (the rest of its list or paragraph, a
sentence pointing back at it) is found with it, though it shares no word with the
question; a chunk that starts something new is not pulled up."""

from __future__ import annotations

from pathlib import Path

from assistant.qa.passages import continues
from assistant.qa.retrieval import HybridSearcher
from knowledge.base import KnowledgeBase, Overrides
from knowledge.french import points_back

QUESTION = "Comment fonctionne le jardin partagé de la résidence des Lilas ?"
CONTINUATION = ("Ces parcelles sont entretenues à tour de rôle par six familles, qui se "
                "relaient chaque samedi matin.")


def _report(tmp_path: Path, follower: str) -> Path:
    intro = ("Le jardin partagé de la résidence des Lilas fonctionne depuis le printemps "
             "dernier. Le jardin partagé occupe la cour arrière de la résidence des Lilas, "
             "où les résidents des Lilas ont installé douze bacs de culture surélevés. ")
    rest = (f"{follower} Les outils sont rangés dans un abri fermé dont la clé est confiée "
            "au gardien. Une réunion mensuelle fixe les plantations et répartit les récoltes "
            "entre les foyers volontaires, et un panneau affiche le planning des arrosages. ")
    sections = [f"## Activités du printemps\n\n{intro * 2}\n\n{rest * 2}\n"]
    places = ["des Acacias", "des Tilleuls", "du Moulin", "des Cèdres", "des Peupliers",
              "des Chênes", "des Érables", "des Saules", "des Platanes", "des Bouleaux",
              "des Ormes", "des Frênes", "des Pins", "des Mimosas", "des Oliviers",
              "des Figuiers", "des Cyprès", "des Magnolias", "des Noyers", "des Charmes"]
    # more than the ten best chunks (passages.merge_window) speak of gardens and residences
    for i, place in enumerate(places):
        sections.append(
            f"## Résidence {place}\n\nÀ la résidence {place}, le jardin de la résidence "
            f"est entretenu par un prestataire ; les résidents {place} n'y cultivent rien. "
            f"La résidence {place} compte {20 + i} logements et un local commun où se "
            "tiennent les permanences du travailleur social chaque mardi et jeudi.\n")
    path = tmp_path / "rapport.md"
    path.write_text("# Rapport d'activité\n\n" + "\n".join(sections), encoding="utf-8")
    return path


def _rank_of(searcher: HybridSearcher, text: str) -> int | None:
    passages = searcher.search(QUESTION, k=5)
    return next((i for i, p in enumerate(passages) if text in p.text), None)


def test_the_chunk_that_goes_on_with_a_well_ranked_one_comes_with_it(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    kb.ingest([_report(tmp_path, CONTINUATION)], Overrides(organisation="Horizon Logis"))
    chunks = kb.manifest.ready_chunks()
    following = next(c for c in chunks if c.text.startswith(CONTINUATION))
    before = next(c for c in chunks if c.ordinal == following.ordinal - 1)
    assert before.section == following.section  # the section goes on in another chunk
    searcher = HybridSearcher(kb)
    rank = _rank_of(searcher, CONTINUATION)
    assert rank is not None and rank <= 2
    # never above what it continues
    assert rank >= _rank_of(searcher, "douze bacs de culture surélevés")


def test_continuation_is_read_from_the_text_not_the_position() -> None:
    assert points_back(CONTINUATION)
    assert points_back("• Ce type d'activité a des effets positifs")
    assert points_back("En effet, la demande a doublé.")
    assert not points_back("Centre social : ouvert le mardi.")
    assert not points_back("C'est une nouvelle action.")
    closed = "La résidence compte vingt logements."
    assert continues(closed, CONTINUATION)
    assert continues("Plusieurs facteurs ont contribué à son succès :", "1. La confiance.")
    assert continues("• accueillir\n• orienter", "• accompagner\n• loger")
    assert not continues(closed, "Les permanences ont lieu le mardi.")


def test_a_chunk_ending_on_a_line_left_open_is_continued() -> None:
    # a paragraph cut before a name, a page break inside a sentence
    assert continues("Les ménages sont orientés vers la pension de famille par le",
                     "Service intégré d'accueil et d'orientation (SIAO) du département.")
    assert continues("Ménages relogés en 2023", "Quarante-quatre, dont douze familles.")
