"""Read the retrieved passages sentence by sentence against a question.

Extractive answers quote these sentences and the refusal decision reads the same
scores, so both see the evidence the same way. Each sentence gets:
- ``dense``: meaning, question vs sentence with the embedding model;
- ``coverage``: share of the question's words (weighted by rarity in the base, acronyms
  matching their long form) found in the sentence, its neighbours and its section;
- ``has_form``: the sentence or a neighbour holds what the question asks for (an
  amount for "Combien coûte…", a year for "Quand…");
- ``in_scope``: it comes from a document of the organisation the question names.
Sentences that address an AI model (planted instructions) are never scored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.qa.injection import looks_like_instruction
from assistant.qa.nouns import noun_modifiers, uncommon_words
from assistant.qa.passages import Passage, make_whole
from assistant.qa.question import Question
from assistant.qa.question_types import expected_answer, has_answer_form
from assistant.qa.retrieval import HybridSearcher, SearchFilters
from knowledge.calibration import tuned
from knowledge.french import fold_accents, same_family, tokenize
from knowledge.search.embeddings import EmbeddingCache
from knowledge.sentences import Sentence, split_sentences

# Read once at start-up for generators/section_evidence.py, which imports it.
MIN_COVERAGE: float = tuned("evidence.min_coverage")
# A year the question names is a name of a period: passages that never mention it
# cannot tell what happened then (« accueillies en 2019 » when the report covers 2023).
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# « Combien de bénévoles… », « le nombre de places… »: the noun counted.
_COUNTED = re.compile(r"\b(?:combien|nombre)\s+(?:de\s+|d['’]\s*)([^\W\d_]+)", re.I)
# A count the question asks for (« combien de… », « quel est le nombre de… »), not one it
# speaks of (« réduire le nombre d'expulsions », « un grand nombre de familles »).
_ASKS_COUNT = re.compile(r"(?:\bcombien|\bquel(?:le)?s?\s+(?:est\s+|sont\s+|était\s+)?"
                         r"(?:le\s+|l['’]\s*)?nombre)\s+(?:de\s+|d['’]\s*)$", re.I)
_BATCH = 256  # chunks read at a time when a whole organisation's documents are checked
# Forms whose value belongs to a period: a count, an amount, a rate, a duration.
_QUANTITIES = frozenset({"nombre", "argent", "taux", "durée"})
# « 26/10/2015 », « le 3/11 », « 29 juin »: a date next to a noun counts nothing.
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}(?:er)?\s+(?:janvier|février|"
                   r"fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
                   r"novembre|décembre|decembre)\b", re.I)
# A count written in words (« une quinzaine de salariés », « trois bénévoles »); « un »
# and « une » are articles as often as numbers, so they never count.
_SPELLED_NUMBERS = frozenset(
    "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
    "vingt trente quarante cinquante soixante cent cents mille dizaine dizaines douzaine "
    "douzaines quinzaine quinzaines vingtaine vingtaines trentaine trentaines quarantaine "
    "cinquantaine soixantaine centaine centaines millier milliers zero aucun aucune"
    .split())
_FORM_NOUNS = frozenset({"temps", "date", "nombre", "montant", "duree", "taux", "annee", "argent",
                         "quantite", "pourcentage", "chiffre", "combien", "part"})

# Nouns naming an aspect of something, a quantity or the kind of answer (« quel est le
# rôle de… », « le délai de préavis », « le coût de… », « le nom… »): the passage
# answering them need not write them (« un préavis d'un mois », « 10 euros »), so the
# one thing asked is their « de » complement (« préavis »), or none.
_ASPECT_NOUNS = frozenset(
    "nom titre intitule numero adresse type genre sorte forme nature role but objectif "
    "interet sens raison place avantage difference lien principe fonctionnement "
    "particularite enjeu definition signification origine contenu resultat moyen facon "
    "maniere idee point critere condition cout prix tarif capacite effectif superficie "
    "surface age frequence periodicite delai distance".split())
# A stance or a way of acting (« la politique de ressources humaines », « la règle de
# confidentialité », « la démarche de… »): documents tell it in their own words (« veille
# à recruter du personnel qualifié », « n'est pas divulgué »), so neither the noun nor
# its complement is a thing they must write.
_STANCE_NOUNS = frozenset(
    "politique regle strategie approche demarche philosophie vision position "
    "positionnement conception orientation pratique posture attitude ligne".split())
_COMPLEMENT = re.compile(r"\s*d(?:e\s|['’])")


def _form_noun(noun: str) -> bool:
    """« chiffres », « dates », « montant »: the kind of answer asked (singular or
    plural), not a subject the passages must write."""
    return _among(fold_accents(noun.lower()), _FORM_NOUNS)


def _among(key: str, words: frozenset[str]) -> bool:
    """``key`` (folded) is one of ``words``, singular or plural."""
    return key in words or (key.endswith("s") and key[:-1] in words)


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence of ``passages[passage]``, with what the answer and refusal need."""

    passage: int
    sentence: Sentence
    dense: float
    coverage: float
    has_form: bool
    in_scope: bool

    @property
    def score(self) -> float:
        """Ranking used to pick the quoted sentences."""
        return (self.dense + tuned("evidence.coverage_weight") * self.coverage
                + tuned("evidence.form_weight") * self.has_form)


@dataclass(frozen=True)
class CountAsked:
    """A count the question asks: its words (« logements temporaires »), the counted
    noun's stem and the stems of the kind asked."""

    phrase: str
    stem: str
    kind: frozenset[str]
    asked: bool = True


@dataclass(frozen=True)
class QuestionTerms:
    """The question's content words, each with its rarity in the base."""

    weights: dict[str, float]
    long_forms: dict[str, tuple[frozenset[str], ...]]
    derived: bool = False

    def present(self, token: str, tokens: set[str]) -> bool:
        """``token`` is in ``tokens``, or it is an acronym whose long form mostly is.
        With ``derived``, a word of the same family counts too (``same_family``)."""
        if token in tokens or (self.derived and any(same_family(token, t) for t in tokens)):
            return True
        share = tuned("evidence.long_form_share")
        return any(len(form & tokens) >= max(1, round(len(form) * share))
                   for form in self.long_forms.get(token, ()))

    def coverage(self, tokens: set[str]) -> float:
        """Share of the question's weight found among ``tokens``."""
        total = sum(self.weights.values())
        if total <= 0:
            return 0.0
        return sum(w for t, w in self.weights.items() if self.present(t, tokens)) / total


@dataclass
class Evidence:
    """Everything retrieval and sentence scoring found for one question."""

    question: str
    passages: list[Passage]
    sentences: list[ScoredSentence]
    form: str | None
    unknown_names: list[str] = field(default_factory=list)
    unknown_nouns: list[str] = field(default_factory=list)
    missing_nouns: list[str] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)
    uncounted: list[str] = field(default_factory=list)
    never_counted: list[str] = field(default_factory=list)
    never_counted_then: list[str] = field(default_factory=list)
    never_counted_named: list[str] = field(default_factory=list)
    counted_things: list[str] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)
    unwritten_thing: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    analysis: Question | None = None

    @property
    def years(self) -> list[str]:
        """The years the question names (« accueillies en 2021 »)."""
        return list(dict.fromkeys(_YEAR.findall(self.question)))

    def eligible(self) -> list[ScoredSentence]:
        """Sentences that could answer: in scope, of the asked form, on the asked subject."""
        return [s for s in self.sentences
                if s.in_scope and s.has_form
                and s.coverage >= tuned("evidence.min_coverage")]


class EvidenceReader:
    """Retrieves passages for a question and scores their sentences."""

    def __init__(self, searcher: HybridSearcher, passages: int | None = None,
                 per_passage: int | None = None) -> None:
        self.searcher = searcher
        self.kb = searcher.kb
        self.passages: int = passages or tuned("evidence.passages")
        self.per_passage: int = per_passage or tuned("evidence.per_passage")
        self._cache: EmbeddingCache | None = None

    @property
    def cache(self) -> EmbeddingCache:
        """Sentence vectors, kept apart from passage vectors (and purged with them)."""
        if self._cache is None:
            self._cache = EmbeddingCache(self.kb.data_dir / "cache" / "sentences.sqlite")
        return self._cache

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def terms(self, question: str | Question) -> QuestionTerms:
        """The question's words weighted by rarity; acronyms with their long forms."""
        if not isinstance(question, Question):
            question = self.searcher.analyse(question)
        tokens = list(question.tokens)
        weights = self.kb.keyword_index().idf(tokens)
        long_forms: dict[str, tuple[frozenset[str], ...]] = {}
        for word in question.acronyms:
            forms = tuple(frozenset(tokenize(e)) for e in question.expansions.get(word, ()))
            for stem in tokenize(word):
                long_forms[stem] = forms
        for token in tokens:
            if weights.get(token, 0.0) == 0.0:
                weights[token] = 1.0
        return QuestionTerms(weights, long_forms)

    def read(self, question: str, retrieval_query: str | None = None,
             filters: SearchFilters | None = None, *, sentences_for_question: bool = False,
             every_sentence: bool = False, word_families: bool = False) -> Evidence:
        """Passages for ``retrieval_query`` (default: the question), read for ``question``.

        Sentences are scored against the retrieval query (a follow-up's condensed form
        says what the bare follow-up leaves out); with ``sentences_for_question``, their
        coverage counts the question's words alone: drafting searches a section's
        question with the project's and structure's names, whose rare words would
        otherwise outweigh the question's own. With ``every_sentence``, every sentence of
        the passages is scored, not only the ``per_passage`` that share most words with
        the question: drafting needs each sentence that answers a section, worded its own
        way, not one answer's best few. With ``word_families``, a sentence's coverage
        counts a word of the family of a question's word (« couvert » for « couverture »):
        drafting asks it for a query with no vocabulary of its answer (a call's item, in
        the call's words; a template question that only names its subject).
        """
        query = retrieval_query or question
        analysis = self.searcher.analyse(query)
        passages = make_whole(self.searcher.search(analysis, k=self.passages, filters=filters),
                              self.kb.manifest.chunks_by_ids)
        terms = self.terms(analysis)
        # Searched in every organisation named, read in those asked: « l'APREMIS a-t-elle,
        # comme Alotra, un accord… » is not answered by Alotra's accord.
        scope = analysis.asked_scope
        organisations = [o.name for o in analysis.asked_organisations]
        organisation_keys = analysis.organisation_keys
        form = analysis.form if query == question else expected_answer(question)
        evidence = Evidence(question, passages, [], form, organisations=organisations,
                            analysis=analysis)
        idf = self.kb.keyword_index().idf
        named = analysis.other_names
        evidence.unknown_names = [n for n in named if not _known(n, analysis, idf)]
        evidence.unknown_names += self._unknown_words(analysis, idf)
        in_scope = [not scope or p.doc_id in scope for p in passages]
        # Each passage's words, with its section and title, read once for every check.
        words_of = [set(tokenize(f"{p.text} {p.section} {p.title}")) for p in passages]
        scoped_tokens: set[str] = set().union(
            *(w for w, keep in zip(words_of, in_scope, strict=True) if keep))
        evidence.missing_names = [
            n for n in named if n not in evidence.unknown_names
            and not all(terms.present(t, scoped_tokens) for t in tokenize(n))
        ] + [year for year in dict.fromkeys(_YEAR.findall(question))
             if year not in scoped_tokens]
        for noun in analysis.asked_nouns:
            stems = tokenize(noun)
            key = fold_accents(noun.lower())
            if not stems or _form_noun(noun) or key in organisation_keys:
                continue
            stems = [self._spelled(t, idf) for t in stems]
            if any(v == 0 for v in idf(stems).values()) and not _known(noun, analysis, idf):
                evidence.unknown_nouns.append(noun)
            elif not all(terms.present(t, scoped_tokens) for t in stems):
                evidence.missing_nouns.append(noun)
        evidence.unwritten_thing = self._unwritten_thing(analysis, scope, idf)
        counts = self._counts_asked(analysis.text, idf)
        scoped = [(p, w) for p, w, keep in zip(passages, words_of, in_scope, strict=True)
                  if keep]
        window = tuned("evidence.count_window")
        # A count asked of a named thing (« combien de familles … à Roquefure ») is given
        # by a passage that names it: a number next to « famille » in another document
        # counts other families. Only a doubt (a penalty), never a refusal.
        names = [n for n in named if n not in evidence.unknown_names]
        name_stems = [tokenize(n) for n in names]
        naming = [p for p, words in scoped
                  if any(all(terms.present(t, words) for t in stems)
                         and _names_alone(p.text, f"{p.section} {p.title}", stems)
                         for stems in name_stems)]
        unfound = [c for c in counts
                   if not any(_counts(p.text, c.stem, window, c.kind)
                              for p in (naming if names else [p for p, _ in scoped]))]
        evidence.uncounted = [c.phrase for c in unfound]
        evidence.never_counted = [c.phrase for c in unfound
                                  if c.asked and not self._counted_anywhere(c, scope)]
        # Read whole, no chunk naming the thing counts it either: the base cannot say.
        # Only names the base writes as typed (an acronym found by its long form alone
        # is no posting to read).
        held = [n for n in names if all(v > 0 for v in idf(tokenize(n)).values())]
        if held and len(held) == len(names):
            evidence.counted_things = held
            evidence.never_counted_named = [
                c.phrase for c in unfound if c.asked and c.phrase not in evidence.never_counted
                and not any(self._counted_anywhere(c, scope, naming=tuple(tokenize(n)))
                            for n in held)]
        evidence.counted = [c.phrase for c in counts if c.asked
                            and c.phrase not in evidence.never_counted]
        asked_years = frozenset(evidence.years)
        if asked_years:
            evidence.never_counted_then = [
                c.phrase for c in counts if c.phrase in evidence.counted
                and not self._counted_anywhere(c, scope, asked_years)]
        words = self.terms(question) if sentences_for_question and query != question else terms
        if word_families:
            words = replace(words, derived=True)
        years = frozenset(_YEAR.findall(question)) if form in _QUANTITIES else frozenset()
        evidence.sentences = self._score(query, words, passages, in_scope, form,
                                         None if every_sentence else self.per_passage, years)
        return evidence

    def _unwritten_thing(self, analysis: Question, scope: set[str],
                         idf: Callable[[Collection[str]], dict[str, float]]) -> list[str]:
        """The one thing a singular « quel(le) » asks to identify (« Quel est le protocole
        d'Alotra… », « Quelle convention collective… ») when no chunk of the asked
        organisation's documents (of the base, when none is named), read whole through
        the keyword postings, holds its words together: the organisation has no document
        on it. Its noun is read as typed and one edit away, its qualifiers in the base's
        spelling. A kind of answer, a quantity or an aspect (« le nom », « le rôle
        de… », « le délai de préavis ») is no thing: its « de » complement is; a stance
        (« la politique de ressources humaines ») is none."""
        thing = analysis.asked_thing
        if not thing:
            return []
        text = analysis.text
        key = fold_accents(thing[0].lower())
        if _among(key, _STANCE_NOUNS):
            return []
        if _form_noun(thing[0]) or key in _ASPECT_NOUNS:
            follows = text[text.find(thing[0]) + len(thing[0]):]
            if len(thing) < 2 or not _COMPLEMENT.match(follows):
                return []
            thing = thing[1:]  # « le délai de préavis »: the thing is « préavis »
            key = fold_accents(thing[0].lower())
        if key in analysis.organisation_keys:
            return []
        stems = tokenize(thing[0])
        if len(stems) != 1:
            return []
        index = self.kb.keyword_index()
        others = [self._spelled(t, idf) for word in thing[1:] for t in tokenize(word)]
        for stem in (stems[0], *index.near_spellings(stems[0])):
            if index.holding([stem, *others], scope or None):
                return []
        start = text.find(thing[0])
        end = text.find(thing[-1], start) + len(thing[-1]) if start >= 0 else -1
        return [text[start:end] if 0 <= start < end else " ".join(thing)]

    def _counts_asked(self, question: str,
                      idf: Callable[[Collection[str]], dict[str, float]]) -> list[CountAsked]:
        """The nouns the question asks a count of (« combien de bénévoles »), with the
        kind asked (« logements temporaires »: « temporaires »). A count is found where
        a number (not a year) is written next to the noun (« 112 personnes »,
        « Ménages relogés — 2023 : 44 ») in a sentence that also says the kind."""
        out: list[CountAsked] = []
        for match in _COUNTED.finditer(question):
            noun = match.group(1)
            stems = tokenize(noun)
            if not stems or _form_noun(noun):
                continue
            words, end = noun_modifiers(question[match.start(1):])
            kind = frozenset(self._spelled(t, idf) for w in words for t in tokenize(w))
            out.append(CountAsked(question[match.start(1): match.start(1) + end],
                                  self._spelled(stems[0], idf), kind,
                                  bool(_ASKS_COUNT.search(question[:match.start(1)]))))
        return out

    def _counted_anywhere(self, count: CountAsked, scope: set[str],
                          years: frozenset[str] = frozenset(),
                          naming: tuple[str, ...] = ()) -> bool:
        """Some chunk of the asked organisation's documents (of the base, when the
        question names none) writes the count: the passages retrieved may have missed
        it, the whole documents cannot. The noun is read as typed and in every spelling
        one edit away (« salaries » is stemmed apart from « salariés », and another
        document may write it as typed). With ``years``, the chunk must also speak of
        one of them: the year written in it, its section or title (« Chiffres clés
        2022 »), or the year of its document (« accueillies en 2023 » in the 2023 report).
        With ``naming`` (a name's stems), the chunk must also name it: « combien de
        familles … à Roquefure » is counted by a chunk on Roquefure, title included."""
        index = self.kb.keyword_index()
        where = scope or None
        window = tuned("evidence.count_window")
        for stem in (count.stem, *index.near_spellings(count.stem)):
            ids = index.holding([stem, *count.kind, *naming], where)
            for start in range(0, len(ids), _BATCH):  # a big base holds thousands: stop early
                chunks = self.kb.manifest.chunks_by_ids(ids[start:start + _BATCH]).values()
                # A table cell on the line below its header (« Bénévoles\n12 ») counts.
                if any(_counts(chunk.text, stem, window, count.kind, rows=True)
                       and (not naming or _names_alone(chunk.text,
                                                       f"{chunk.section} {chunk.title}", naming))
                       and (not years or str(chunk.year) in years or years & frozenset(
                           _YEAR.findall(f"{chunk.text} {chunk.section} {chunk.title}")))
                       for chunk in chunks):
                    return True
        return False

    def _unknown_words(self, analysis: Question,
                       idf: Callable[[Collection[str]], dict[str, float]]) -> list[str]:
        """Names typed in lower case (words no dictionary knows) that no document uses,
        even allowing one slip of the keyboard: « l'avance loca-pass »."""
        named = {fold_accents(n.lower()) for n in analysis.names}

        def unknown(word: str) -> bool:
            stems = [self._spelled(t, idf) for t in tokenize(word)]
            return bool(stems) and any(v == 0 for v in idf(stems).values())

        # « co-construction » is known where the base writes « coconstruction ».
        return [w for w in uncommon_words(analysis.text)
                if fold_accents(w.lower()) not in named
                and unknown(w) and unknown(w.replace("-", ""))]

    def _spelled(self, stem: str, idf: Callable[[Collection[str]], dict[str, float]]) -> str:
        """The base's spelling of a question word typed with one slip (« salaries »),
        so that a typo is never read as a thing the base does not know."""
        if idf([stem]).get(stem, 0.0) > 0:
            return stem
        return self.kb.keyword_index().near_spelling(stem) or stem

    def _score(self, query: str, terms: QuestionTerms, passages: list[Passage],
               in_scope: list[bool], form: str | None, per_passage: int | None,
               years: frozenset[str] = frozenset()) -> list[ScoredSentence]:
        """Score the most promising sentences of each passage.

        A quantity asked for a year (``years``) is not given by a sentence dated by
        other years only: « En 2023, … 154 individus » does not say how many in 2021.

        Encoding every sentence costs about 20 ms each on two cores; the words and the
        form of a sentence are cheap, so only the ``per_passage`` best of each passage
        by those are encoded (all of them when ``per_passage`` is None).
        """
        candidates: list[tuple[int, Sentence, float, float, bool]] = []
        for index, passage in enumerate(passages):
            sentences = [s for s in split_sentences(passage.text)
                         if not looks_like_instruction(s.text)]
            context = f"{passage.section} {passage.title}"
            # A passage of the asked year's report or section speaks of that year.
            period = (frozenset() if str(passage.year) in years
                      or years & frozenset(_YEAR.findall(context)) else years)
            local: list[tuple[int, Sentence, float, float, bool]] = []
            title = passage.title.casefold()
            for sentence in sentences:
                if sentence.heading or (
                    title and title in sentence.text.casefold()
                    and len(sentence.text) < len(passage.title) * 2 + 40
                ):
                    continue
                near = [s for s in sentences if abs(s.position - sentence.position) <= 1]
                window = " ".join(s.text for s in near)
                coverage = terms.coverage(set(tokenize(f"{window} {context}")))
                own = terms.coverage(set(tokenize(sentence.text)))
                in_period = " ".join(s.text for s in near if not _other_period(s.text, period))
                local.append((index, sentence, coverage, coverage + own,
                              not _other_period(sentence.text, period)
                              and has_answer_form(form, in_period)))
            local.sort(key=lambda c: (c[4], c[3]), reverse=True)
            candidates += local[:per_passage]
        if not candidates:
            return []
        vector = np.asarray(self.kb.embeddings.embed_query(query), dtype=np.float32)
        vectors = np.asarray(
            self.cache.embed(self.kb.embeddings, [c[1].text for c in candidates]),
            dtype=np.float32,
        )
        dense = vectors @ vector / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(vector)
                                    + 1e-9)
        scored: list[ScoredSentence] = []
        for (index, sentence, coverage, _, form_found), similarity in zip(
            candidates, dense.tolist(), strict=True
        ):
            scored.append(ScoredSentence(
                passage=index, sentence=sentence, dense=similarity, coverage=coverage,
                has_form=form_found, in_scope=in_scope[index],
            ))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored


# A year named to compare or to date a start (« contre 98 en 2022 », « depuis 2019 »,
# « ouverte en 2015 ») does not date the sentence's own figure.
_REFERENCE_YEAR = re.compile(
    r"\b(?:(?:contre|qu['’]|par rapport à|comparé à)\s+(?:\S+\s+){0,3}?|depuis\s+|"
    r"(?:ouvert|créé|fondé|né)e?s?\s+(?:en\s+)?)(?:(?:l['’]année|fin|début)\s+)?"
    r"(?:en\s+)?(?:19|20)\d\d\b", re.I)


def _known(name: str, analysis: Question,
           idf: Callable[[Collection[str]], dict[str, float]]) -> bool:
    """Every word of ``name`` is in the base, or ``name`` is an acronym one of whose
    long forms is (« RH » where the documents write « ressources humaines »)."""
    forms = [name, *analysis.expansions.get(name, analysis.expansions.get(name.upper(), ()))]
    return any(tokenize(f) and all(v > 0 for v in idf(tokenize(f)).values()) for f in forms)


def _other_period(text: str, years: frozenset[str]) -> bool:
    """``text`` is dated by years, none of them asked (always false when none is)."""
    dated = frozenset(_YEAR.findall(_REFERENCE_YEAR.sub(" ", text)))
    return bool(years and dated and not dated & years)


# A sentence naming several places one after the other, « / » between them (« Résidences
# Balthazar Blanc / Banon Casanova / Les Chartreux »): the figures beside it count them
# together. A date (« 12/03 ») or a path has no space beside its slash; a slash in
# brackets (« 45 logements (T1 / T1 bis) ») lists no places.
_GROUP_LINE = re.compile(r"\s/|/\s")
_BRACKETS = re.compile(r"\([^()]*\)")


def _names_alone(text: str, heading: str, stems: Collection[str]) -> bool:
    """The name (its ``stems``) is in a sentence of ``heading`` or ``text`` of its own,
    not only as one of a group of names: a count beside a group is not one member's."""
    sentences = [s for block in (heading, text) for line in block.splitlines()
                 for s in re.split(r"(?<=[.!?;])\s+", _BRACKETS.sub(" ", line))]
    return any(set(stems) <= set(tokenize(s)) and not _GROUP_LINE.search(s)
               for s in sentences)


def _counts(text: str, stem: str, window: int, kind: Collection[str] = (),
            rows: bool = False) -> bool:
    """``text`` writes a number (not a year; in digits or in words) within ``window``
    words of the word ``stem``, in a sentence that holds every stem of ``kind`` (with
    ``rows``, a line break does not end a sentence: a cell under its header)."""
    for sentence in re.split(r"[.!?;]\s" if rows else r"[.!?;]\s|\n", text):
        words = re.findall(r"\d[\d.,]*|[^\W\d_]+", _DATE.sub(" ", sentence))
        if not set(kind) <= set(tokenize(sentence)):
            continue
        for i, word in enumerate(words):
            if tokenize(word)[:1] != [stem]:
                continue
            near = words[max(0, i - window): i + window + 1]
            if any((w[0].isdigit() and not _YEAR.fullmatch(w.rstrip(".,")))
                   or fold_accents(w.lower()) in _SPELLED_NUMBERS for w in near):
                return True
    return False
