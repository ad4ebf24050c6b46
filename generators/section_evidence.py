"""Evidence for one section: the passages its queries retrieve and the sentences to quote.

Sentences are read the way answers read them (``assistant/qa/evidence.py``): meaning
against the query, share of the query's words, no planted instructions. A sentence is
evidence only above a support threshold: a section with none gets an « À compléter »
placeholder rather than loosely related text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from assistant.qa.evidence import MIN_COVERAGE, Evidence, EvidenceReader
from assistant.qa.nouns import is_prose
from assistant.qa.passages import Passage, opens_mid_sentence
from assistant.qa.retrieval import SearchFilters
from generators.scope import Scope
from knowledge.calibration import tuned
from knowledge.french import fold_accents
from knowledge.near_duplicates import near_duplicate, shingles
from knowledge.sentences import Sentence, split_sentences

SUPPORT = tuned("drafting.support")
_MIN_WORDS = tuned("drafting.min_words")
_MAX_WORDS = tuned("drafting.max_words")
_BULLET = re.compile(r"^[•\-–*·▪●◦]\s*")
# Web pages printed to PDF: share buttons, quizzes, links.
_RESIDUE = re.compile(r"\.{4,}|…{2,}|Partager cette page|Cliquez|Testez vos connaissances|"
                      r"En savoir plus|Lire la suite")
# Who said a quotation, glued to the next sentence by the layout: « …avertissements. »
# E LABOUESSE gestionnaire locatif social Le Comité… (a name and a job title, no verb).
_SPEAKER = re.compile(r"(?<=»)\s+(?:[A-Z]\.?\s+)?[A-ZÉÈ]{2,}(?:[\s-][A-ZÉÈ]{2,})*"
                      r"(?:\s+[a-zéèêàç'’-]+){1,5}\s+(?=[A-ZÉÈ«])")


@dataclass(frozen=True)
class Quote:
    """A sentence that supports the section, from ``passages[passage]``."""

    text: str
    passage: int
    score: float
    query: int
    position: int
    # Found by the question searched alone, without the structure's or the project's
    # name: usable only where it is about the structure drafted (``scoped``).
    broad: bool = False


@dataclass
class SectionEvidence:
    passages: list[Passage]
    quotes: list[Quote]

    def as_list(self) -> list[dict[str, Any]]:
        """Passages with their quotes, as saved with the section and shown to reviewers."""
        saved = []
        for index, passage in enumerate(self.passages):
            data = passage.as_dict()
            data["quotes"] = [asdict(q) for q in self.quotes if q.passage == index]
            saved.append(data)
        return saved


# Words after which a capitalised word begins a name in running text.
_NAME_OPENERS = frozenset("le la les l un une des du de d au aux par pour avec en et à sur "
                          "dans via".split())


def _in_name(words: list[str], i: int) -> bool:
    """Word ``i`` goes on a capitalised name that an article, a preposition or a
    punctuation mark introduces (« par le Pôle Départemental Logement Habitat »), which
    counts once; capitalised items run together (« séniors Projet jardin Nutrition »)
    are a slide's, each counted."""
    start = i
    while start > 0 and words[start - 1][:1].isupper() and words[start - 1][-1:].isalnum():
        start -= 1
    if start == i or start == 0:
        return False
    before = words[start - 1]
    return (not before[-1:].isalnum()
            or re.split(r"['’]", before.casefold())[-1] in _NAME_OPENERS
            or before.casefold() in _NAME_OPENERS)


def _dump(words: list[str]) -> bool:
    """A table, a page of headings or a TOC run together by the PDF: many capitalised
    words or figures for a sentence's length (prose has few)."""
    marked = sum(w[:1].isdigit() or (w[:1].isupper() and not _in_name(words, i))
                 for i, w in enumerate(words) if i)
    return len(words) > 25 and marked > 0.3 * len(words)


# « je », « j' » outside quotation marks: a letter or an editorial (« le mot du
# président »), whose voice is one person's, not the institution's a document speaks in.
_FIRST_PERSON = re.compile(r"(?<!\w)(?:je(?!\w)|j['’])", re.IGNORECASE)
_QUOTED = re.compile(r"«[^»]*»")


def _first_person(text: str) -> bool:
    """``text`` speaks as « je » in its own voice (not inside a quoted testimony)."""
    return _FIRST_PERSON.search(_QUOTED.sub(" ", text)) is not None


# Two cells of a table or a slide run together by the PDF, the second's capital glued
# to the first's last letter (« Charte des résidentsAteliers participatifs »); a name
# written so (« LinkedIn », « InfoÉnergie ») begins with a capital.
_GLUED = re.compile(r"[a-zà-ÿ][A-ZÀ-ÖØ-Ý][a-zà-ÿ]")


def _glued(words: list[str]) -> bool:
    """One of ``words`` is two cells glued together."""
    return any(w[:1].islower() and _GLUED.search(w) for w in words)


def _usable(text: str) -> bool:
    words = text.split()
    return (_MIN_WORDS <= len(words) <= _MAX_WORDS and not text.rstrip().endswith(":")
            and not text.startswith("(")
            and is_prose(text) and not _dump(words) and not _glued(words)
            and not _RESIDUE.search(text) and not _NUMBERED.match(text)
            and not _first_person(text))


# A numbered heading (« 4.4. Coopérer avec les personnes accueillies ») run into the
# sentence that follows it: cut before the sentence's first word.
_NUMBERED = re.compile(r"^\d+(?:\.\d+)+\.?\s")
# A footnote number glued to the start of the sentence after it (« 3 La Présidente… »):
# a figure before an article is a call mark, not a quantity (« 24 logements »).
_FOOTNOTE = re.compile(r"^\d{1,2}\s+(?=(?:Le|La|Les|L['’]|Un|Une|Des|Ce|Cette|Ces)\s?)")
_RUN_IN = re.compile(r"^\d+(?:\.\d+)+\.?\s.*?[a-zé]\s+(?=(?:Le|La|Les|L['’]|Un|Une|Des|Il|"
                     r"Elle|Ils|Elles|Nous|Ce|Cette|Ces|En|Dans|Pour|Avec)\s)")


# Who said the quotation before, in brackets, glued to the next sentence by the layout:
# « (Nadia X, responsable du CADA) L'équipe s'est… ». A bracket that ends a sentence
# (« (réunions d'équipe…). ») is the tail of a line the PDF cut: no sentence (``_usable``).
_BRACKETED = re.compile(r"^\([^()]{3,120}\)\s+(?=[«A-ZÀÂÉÈÊÎÔ])")


def _clean(text: str) -> str:
    text = _BRACKETED.sub("", _BULLET.sub("", " ".join(text.split())))
    speaker = _SPEAKER.search(text)
    if speaker:
        # The sentence after the speaker, not a splice of both sides: a quote must stay
        # a contiguous piece of its passage, or its citation no longer resolves.
        text = text[speaker.end():]
    text = _FOOTNOTE.sub("", _RUN_IN.sub("", text))
    return text[:1].upper() + text[1:]


# A sentence that opens on a pronoun or a demonstrative standing for something named
# before (« Elle s'articule… », « Celle des partenaires… », « Ce dernier… ») reads as a
# fragment once quoted alone; impersonal « il » (« Il faut », « Il s'agit ») does not.
_ANAPHOR = re.compile(r"^(?:(?:Il|Ils|Elle|Elles)\s(?!(?:y a|faut|s['’]agit|convient|existe|"
                      r"est (?:\w+ )?(?:de|d['’]|que|qu['’])))|Celui|Celle|Celles|Ceux|"
                      r"Cela\b|Ceci\b|Ces derni|Ce dernier|Cette derni)")


def with_antecedent(text: str, sentence: Sentence, passage_text: str) -> str:
    """``text`` (the cleaned ``sentence``) with the sentence before it in its passage when
    it opens on a pronoun standing for something said there, so that the quote names
    what it speaks of; the two are contiguous, so the citation still resolves. Unchanged
    when the sentence opens its passage or follows a heading, or the two would be too
    long to quote."""
    if not _ANAPHOR.match(text) or sentence.position == 0:
        return text
    before = split_sentences(passage_text)[sentence.position - 1]
    joined = _clean(f"{before.text} {sentence.text}")
    return joined if not before.heading and _usable(joined) else text


# A structure's contact block as reports print it, one item a line (« CADA / 29, Bd
# Maréchal Juin / 13004 Marseille / Tél. 04 91 21 64 84 / mail »): a street address
# with its postcode and town (a number before the street when it has one: « Route de
# Saint Pierre 13500 Martigues » has none), then a telephone number and maybe an e-mail
# address.
_STREET = (r"(?:bd|boulevard|rue|avenue|av\.|chemin|place|allée|impasse|cours|route|quai|"
           r"traverse|montée)")
CONTACT = re.compile(
    rf"(?:\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+)?\b{_STREET}\s[^.;:@]{{2,60}}?\s\d{{5}}\s+"
    r"[A-ZÉÈ][\w'’-]+(?:\s+\d{1,2}(?:e|ème))?\s+T[ée]l\.?\s*:?\s*0\d(?:[\s.]?\d\d){4}"
    r"(?:\s+[\w.-]+@[\w.-]+\.[a-z]{2,})?", re.IGNORECASE)
# What ends the name before a contact block: the previous block's number or address.
_NOT_NAME = re.compile(r"[\d@]|[.:;]$")


def contacts(text: str) -> list[str]:
    """The contact blocks of ``text``, each with the name printed above it (« CADA 29, Bd
    Maréchal Juin 13004 Marseille Tél. 04 91 21 64 84 »): a contiguous piece of the
    whitespace-collapsed text, so that its citation resolves; a block with no name
    before it is not kept (whose address it is cannot be told)."""
    text = " ".join(text.split())
    found: list[str] = []
    for match in CONTACT.finditer(text):
        words = text[: match.start()].split()[-5:]
        while words and any(_NOT_NAME.search(w) for w in words):
            words = words[next(i for i in range(len(words) - 1, -1, -1)
                               if _NOT_NAME.search(words[i])) + 1:]
        if words:
            found.append(f"{' '.join(words)} {match.group(0)}")
    return found


def gather(reader: EvidenceReader, queries: list[str], filters: SearchFilters,
           bonus: float = 0.0, support: float = SUPPORT,
           retrieval: list[str] | None = None, broad: bool = False,
           vocabulary: list[list[str]] | None = None,
           addresses: frozenset[int] = frozenset()) -> SectionEvidence:
    """Run every query, keep the passages, and the supporting sentences best first.

    ``bonus`` is added to every sentence's score (newer documents, when updating a
    document, so that they come first). ``retrieval``: one search query per query, when
    the passages should be searched with more words (the structure's or the project's
    name) than the sentences are read against. With ``broad``, the query alone is
    searched as well: with those words, every question of a draft finds the same few
    passages that name the structure or the project, and the paragraph that answers the
    question under the structure's heading without repeating its name is never read.
    Those quotes are marked ``broad``: ``scoped`` keeps them only where their passage
    is about the structure drafted.

    ``vocabulary``: per query, the words an answer to it is written with (a template
    question's ``terms``: « atelier », « sortie » for « Activités proposées »). A
    sentence holding one is on the subject even when it shares too few of the
    question's own words (« Le CADA a organisé diverses sorties et activités… » has
    « activités » but not « proposées »; « partenariats » is not « partenaires »), when
    it holds two different words of it: one alone may be another sense (« a ouvert ses
    portes » is no opening hours, « sorties » may be outings, not leaving).
    ``addresses``: the queries that ask for an address; the contact blocks of their
    passages are quotes (a list of short lines, which no sentence reading scores).
    """
    passages: list[Passage] = []
    index: dict[tuple[str, ...], int] = {}
    quotes: list[Quote] = []
    for number, query in enumerate(queries):
        searched = retrieval[number] if retrieval else None
        words = vocabulary[number] if vocabulary else []
        evidence = reader.read(query, searched, filters=filters, sentences_for_question=True,
                               every_sentence=True, word_families=not words)
        _drop_fragments(evidence, reader)
        named = _supported(evidence, number, passages, index, bonus, support, words)
        if number in addresses:
            named += _contact_quotes(evidence, number, passages, index, support + bonus)
        quotes += named
        if broad and searched is not None and searched != query:
            evidence = reader.read(query, None, filters=filters, sentences_for_question=True,
                                   every_sentence=True, word_families=not words)
            _drop_fragments(evidence, reader)
            found = {q.text for q in named}
            quotes += [replace(q, broad=q.text not in found)
                       for q in _supported(evidence, number, passages, index, bonus, support,
                                           words)]
    return SectionEvidence(passages, _distinct(quotes))


def _drop_fragments(evidence: Evidence, reader: EvidenceReader) -> None:
    """Not the first sentence of a passage that starts inside a sentence of the chunk
    before it: quoted, it reads as a fragment (« « Les Pléiades » afin que… »)."""
    kb = getattr(reader, "kb", None)  # a reader without a base (a test's) has no chunks
    if kb is None:
        return
    cut = {i for i, p in enumerate(evidence.passages)
           if opens_mid_sentence(p, kb.manifest.chunks_by_ids)}
    if cut:
        evidence.sentences = [s for s in evidence.sentences
                              if not (s.passage in cut and s.sentence.position == 0)]


def _contact_quotes(evidence: Evidence, number: int, passages: list[Passage],
                    index: dict[tuple[str, ...], int], score: float) -> list[Quote]:
    """The contact blocks of the passages read for query ``number``, as its quotes."""
    quotes: list[Quote] = []
    for passage in evidence.passages:
        key = passage.chunk_ids or (passage.chunk_id,)
        for position, block in enumerate(contacts(passage.text)):
            if key not in index:
                index[key] = len(passages)
                passages.append(passage)
            quotes.append(Quote(block, index[key], score, number, position))
    return quotes


def _supported(evidence: Evidence, number: int, passages: list[Passage],
               index: dict[tuple[str, ...], int], bonus: float, support: float,
               vocabulary: list[str] | None = None) -> list[Quote]:
    """The quotes one read of query ``number`` supports; its passages are added to
    ``passages`` (``index``: a passage's chunks → its number there) once each. A
    sentence is on the subject by the query's words or by one of ``vocabulary``."""
    quotes: list[Quote] = []
    for scored in evidence.sentences:
        passage = evidence.passages[scored.passage]
        key = passage.chunk_ids or (passage.chunk_id,)
        if key not in index:
            index[key] = len(passages)
            passages.append(passage)
        if scored.dense < support or (
                scored.coverage < MIN_COVERAGE
                and len(vocabulary_words(scored.sentence.text, vocabulary or [])) < 2):
            continue
        text = with_antecedent(_clean(scored.sentence.text), scored.sentence, passage.text)
        if not _usable(text):
            continue
        quotes.append(Quote(text, index[key], scored.score + bonus, number,
                            scored.sentence.position))
    return quotes


def scoped(evidence: SectionEvidence, scope: Scope,
           unscoped: frozenset[int] = frozenset()) -> SectionEvidence:
    """The quotes that may be used for the structure drafted: none about another
    structure, a bonus for those about this one, and — in a structure's section — none
    about the association as a whole. A ``broad`` quote (found without the structure's
    name) only when it is about the structure drafted: it, its passage or the part of
    its document it follows names it; when no structure scopes the draft, only for the
    questions numbered in ``unscoped``."""
    if not scope.active:
        return SectionEvidence(evidence.passages, [q for q in evidence.quotes
                                                   if not q.broad or q.query in unscoped])
    bonus = tuned("drafting.own_structure_bonus")
    kept: list[Quote] = []
    for quote in evidence.quotes:
        passage = evidence.passages[quote.passage]
        text = " ".join(passage.text.split())
        start = text.find(quote.text[1:40])
        verdict = scope.verdict(quote.text, text[:start] if start > 0 else "")
        if verdict == "neutral" and passage.doc_id in scope.own_documents:
            # What the passage does not say, its document does: the last structure named
            # before the sentence (a chunk may begin just after that name).
            verdict = scope.verdict(quote.text, scope.before_in_document(passage.doc_id,
                                                                         quote.text))
        if quote.broad and verdict != "own":
            continue
        if verdict == "neutral" and (
                scope.association_wide(quote.text)
                or passage.doc_id in scope.own_documents
                or passage.doc_id in scope.other_documents):
            verdict = "other"
        if verdict == "other":
            continue
        kept.append(replace(quote, score=quote.score + (bonus if verdict == "own" else 0.0)))
    return SectionEvidence(evidence.passages, kept)


def favour(evidence: SectionEvidence, organisations: tuple[str, ...],
           bonus: float) -> SectionEvidence:
    """``bonus`` added to the quotes of ``organisations``' documents, best first again: a
    partner the person names (« partenaire : Compagnons Bâtisseurs Provence ») runs the
    project with the association, and its documents describe the shared action, where
    the association's speak of everything else it does."""
    if not organisations:
        return evidence
    quotes = [replace(q, score=q.score + bonus)
              if evidence.passages[q.passage].organisation in organisations else q
              for q in evidence.quotes]
    return SectionEvidence(evidence.passages, sorted(quotes, key=lambda q: q.score,
                                                     reverse=True))


def merge(first: SectionEvidence, second: SectionEvidence) -> SectionEvidence:
    """Both evidence sets as one (passage numbers of ``second`` shifted)."""
    offset = len(first.passages)
    shifted = [replace(q, passage=q.passage + offset) for q in second.quotes]
    return SectionEvidence(first.passages + second.passages,
                           _distinct(first.quotes + shifted))


def _distinct(quotes: list[Quote]) -> list[Quote]:
    """Best first, without near-duplicates (the same sentence found by two queries or
    printed twice in the documents)."""
    kept: list[tuple[Quote, set[str]]] = []
    for quote in sorted(quotes, key=lambda q: q.score, reverse=True):
        marks = shingles(quote.text)
        if any(near_duplicate(marks, other) for _, other in kept):
            continue
        kept.append((quote, marks))
    return [q for q, _ in kept]


def vocabulary_words(text: str, terms: list[str]) -> set[str]:
    """The different words of ``text`` that one of ``terms`` starts (accents and case
    ignored; a term of several words counts as its first word)."""
    folded = fold_accents(text.casefold())
    found: set[str] = set()
    for term in terms:
        wanted = fold_accents(term.casefold())
        for match in re.finditer(rf"(?<!\w){re.escape(wanted)}", folded):
            found.add(re.match(r"\w*", folded[match.start():]).group(0)  # type: ignore[union-attr]
                      or wanted)
    return found


def mentions(text: str, terms: list[str]) -> bool:
    """``text`` contains one of ``terms`` as a word or a word start (accents ignored)."""
    folded = fold_accents(text.casefold())
    return any(re.search(rf"(?<!\w){re.escape(fold_accents(t.casefold()))}", folded)
               for t in terms)


def select(quotes: list[Quote], target_words: int, queries: int,
           must_cover: list[list[str]] | None = None) -> list[Quote]:
    """Quotes for a text of about ``target_words``: the best of each query in turn, so
    every aspect the queries ask about is represented, then a quote for each item of
    ``must_cover`` still missing, if one exists."""
    by_query = [[q for q in quotes if q.query == n] for n in range(queries)]
    chosen: list[Quote] = []
    words = 0
    while words < target_words and any(by_query):
        for pending in by_query:
            if pending and words < target_words:
                quote = pending.pop(0)
                chosen.append(quote)
                words += len(quote.text.split())
    for terms in must_cover or []:
        if any(mentions(q.text, terms) for q in chosen):
            continue
        extra = next((q for q in quotes if q not in chosen and mentions(q.text, terms)), None)
        if extra is not None:
            chosen.append(extra)
    return chosen
