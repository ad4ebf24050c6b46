"""The keyword index's own top-k: best first, only matching chunks, filters applied."""

from __future__ import annotations

from knowledge.french import tokenize
from knowledge.search.keyword_index import KeywordIndex

TEXTS = {
    "doca-00000": "La laverie de la résidence ouvre le matin.",
    "doca-00001": "Le conseil de concertation se réunit chaque trimestre.",
    "doca-00002": "Laverie, laverie : la laverie est gratuite pour les résidents de la laverie.",
    "docb-00000": "La laverie du foyer ferme à vingt heures.",
    "docb-00001": "Les ateliers droits et devoirs ont lieu le jeudi.",
}


def index() -> KeywordIndex:
    return KeywordIndex.build(list(TEXTS), list(TEXTS.values()), generation=1)


def test_search_ranks_matching_chunks_only_best_first() -> None:
    hits = index().search("laverie", k=10)
    assert hits[0][0] == "doca-00002"
    assert {cid for cid, _ in hits} == {"doca-00000", "doca-00002", "docb-00000"}
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


def test_search_keeps_k_best_and_applies_the_document_filter() -> None:
    assert [cid for cid, _ in index().search("laverie", k=1)] == ["doca-00002"]
    only_b = index().search("laverie résidence", k=10, allowed_docs=["docb"])
    assert [cid for cid, _ in only_b] == ["docb-00000"]
    assert index().search("laverie", k=10, allowed_docs=["inconnu"]) == []


def test_equal_scores_come_in_index_order() -> None:
    texts = ["Atelier cuisine du mardi.", "Atelier cuisine du mardi.", "Autre chose."]
    tied = KeywordIndex.build(["d-00000", "d-00001", "d-00002"], texts, generation=1)
    assert [cid for cid, _ in tied.search("atelier cuisine", k=5)] == ["d-00000", "d-00001"]


def test_a_dotted_acronym_is_found_by_its_plain_form() -> None:
    """Documents write « A.D.M.I. », staff type « ADMI »: both must meet."""
    dotted = KeywordIndex.build(["doc-00000"], ["L'A.D.M.I. accueille les familles."], 1)
    assert [cid for cid, _ in dotted.search("Que fait l'ADMI ?", k=3)] == ["doc-00000"]
    assert dotted.idf(tokenize("ADMI"))["admi"] > 0


def test_a_word_typed_with_one_slip_finds_the_base_s_spelling() -> None:
    """« salaries » typed without its accent stems apart from « salariés »."""
    typed = KeywordIndex.build(["doc-00000"], ["Les salariés de la résidence."], 1)
    (stem,) = tokenize("salaries")
    assert typed.idf([stem])[stem] == 0
    assert typed.near_spelling(stem) == tokenize("salariés")[0]
    assert typed.near_spelling("xyzzyq") is None
    assert typed.near_spelling("cas") is None  # too short to correct


def test_chat_spellings_are_read_in_standard_french_but_not_acronyms() -> None:
    from knowledge.french import standard_french

    assert standard_french("c koi l'asll ?") == "c'est quoi l'asll ?"
    assert standard_french("elle sest lancee quand, l'asso ?") == (
        "elle s'est lancee quand, l'association ?")
    assert standard_french("Ya des ateliers ?") == "il y a des ateliers ?"
    assert standard_french("Le PR et la CB de l'ALPA") == "Le PR et la CB de l'ALPA"
    assert standard_french("C'est quoi l'ASLL ?") == "C'est quoi l'ASLL ?"


def test_adverbial_phrases_are_taken_out_whatever_their_accents() -> None:
    from knowledge.french import without_locutions

    assert without_locutions("Pour quel public au depart ?") == "Pour quel public ?"
    assert without_locutions("Étape par étape, par exemple ?") == ", ?"
    assert without_locutions("Le cœur du projet, en fait ?") == "Le cœur du projet, ?"
    assert without_locutions("Un exemple de partenariat ?") == "Un exemple de partenariat ?"


def test_holding_finds_the_chunks_with_every_word_within_the_documents_asked() -> None:
    """What a refusal reads to know a whole organisation's documents never write a
    word: every chunk with all the words, in the documents asked, none elsewhere."""
    laverie, residence = tokenize("laverie")[0], tokenize("résidence")[0]
    assert set(index().holding([laverie])) == {"doca-00000", "doca-00002", "docb-00000"}
    assert index().holding([laverie], ["docb"]) == ["docb-00000"]
    assert set(index().holding([laverie, residence])) == {"doca-00000", "doca-00002"}
    assert index().holding([laverie, "inconnu"]) == []
    assert index().holding([laverie], ["inconnu"]) == []


def test_words_of_one_family_are_told_from_words_that_only_start_alike() -> None:
    from knowledge.french import same_family

    def family(a: str, b: str) -> bool:
        return same_family(tokenize(a)[0], tokenize(b)[0])

    assert family("couverture", "couvert")
    assert family("territoriale", "territoire")
    assert family("accessibilité", "accès")
    assert not family("participation", "particulier")
    assert not family("partir", "partenaire")
    assert not same_family("75001", "750012")  # numbers are no family


def test_a_drafting_read_counts_a_question_word_written_in_another_form() -> None:
    from assistant.qa.evidence import QuestionTerms

    sentence = set(tokenize("Chaque Territoire d'Action Sociale est couvert par une équipe."))
    asked = dict.fromkeys(tokenize("couverture territoriale"), 1.0)
    assert QuestionTerms(asked, {}).coverage(sentence) == 0.0
    assert QuestionTerms(asked, {}, derived=True).coverage(sentence) == 1.0
