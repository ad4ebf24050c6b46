"""The nouns of a question, found by spaCy's small French model (shipped on PyPI).

Refusal asks whether the base talks about the things the question names: "le
télétravail", "une tarte", "le CADA de l'ALPA". Verbs and adverbs ("marche",
"exactement") are paraphrased freely by staff, so only nouns count. The small model
tags some verbs as nouns in questions (« l'ALPA a-t-elle portées », « ils ont paye », « ça
sert à quoi », « doit-elle refaire »): a word its own lemmatizer tables can read as a verb
form (« re- » taken off too), right after a subject pronoun or an auxiliary, is read as
the verb it is.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from knowledge.calibration import tuned
from knowledge.french import fold_accents

_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import spacy

    with _LOCK:
        return spacy.load("fr_core_news_sm", disable=["ner", "parser", "lemmatizer"])


def _lookups() -> Any:
    """The tables of the model's rule lemmatizer (loaded, not run)."""
    return dict(_tagger().components)["lemmatizer"].lookups


@lru_cache(maxsize=1)
def _verb_tables() -> tuple[dict[str, Any], list[tuple[str, str]], frozenset[str], frozenset[str]]:
    """From the model's rule lemmatizer (loaded, not run): irregular verb forms, the
    suffix rules that turn a verb form into its infinitive, the known infinitives (all
    accent-folded: staff type « paye », « coute »), and the pronoun and auxiliary forms
    that are not also determiners or prepositions (« les », « quelles », « a »; « dû »
    folded is « du »)."""
    lookups = _lookups()
    exceptions = lookups.get_table("lemma_exc")
    rules = [(fold_accents(old), fold_accents(new))
             for old, new in lookups.get_table("lemma_rules")["verb"]
             if "(" not in old and "(" not in new]
    infinitives = frozenset(fold_accents(v) for v in lookups.get_table("lemma_index")["verb"])
    verbs = {fold_accents(form): lemma for form, lemma in exceptions["verb"].items()}
    determiners = {fold_accents(w) for table in ("det", "adp") for w in exceptions[table]}
    subjects = frozenset(fold_accents(w) for table in ("pron", "aux")
                         for w in exceptions[table]) - determiners
    return verbs, rules, infinitives, subjects


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    """Every word the French model's lemmatizer knows (lemmas of every part of speech,
    and their inflected forms), accent-folded and lower-cased."""
    lookups = _lookups()
    index = lookups.get_table("lemma_index")
    words = {fold_accents(w.lower()) for table in index.values() for w in table}
    for lemma in lookups.get_table("lemma_lookup").values():
        words |= {fold_accents(w.lower()) for w in ([lemma] if isinstance(lemma, str) else lemma)}
    return frozenset(words)


def is_common_word(word: str) -> bool:
    """``word`` is an ordinary French word (« Article », « Etat », « LOGEMENT »,
    « Familles »), not a name of its own such as « Alotra » or « APRÉMIS »."""
    key = fold_accents(word.lower())
    return key in _lexicon() or word.lower() in _lookups().get_table("lemma_lookup")


# « a-t-elle », « peut-on »: a verb and its pronoun, not a compound word.
_INVERSION = re.compile(r"(?:-t)?-(?:je|tu|il|elle|on|nous|vous|ils|elles|ce|y|en|le|la|les|"
                        r"moi|toi|lui|leur|là|ci)$", re.I)
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?![\w'’])")


def uncommon_words(text: str) -> tuple[str, ...]:
    """Compound words of ``text`` that no French dictionary knows, in capitals or not:
    names typed in lower case (« l'avance loca-pass »). Single words are left out: the
    lemmatizer's tables miss invariable common words (« temps »), and short ones are
    chat spellings (« koi », « sest ») as often as names."""
    out: list[str] = []
    for match in _WORDS.finditer(text):
        word = _INVERSION.sub("", match.group(0))
        if "-" not in word or is_common_word(word):
            continue
        if all(is_common_word(part) for part in word.split("-")):
            continue
        out.append(word)
    return tuple(dict.fromkeys(out))


def can_be_verb(word: str) -> bool:
    """The lemmatizer's tables read ``word`` as a form of a known verb, or of one made
    with « re- », « ré- » (« refaire », « réécrire »: the tables list few of them)."""
    verbs, rules, infinitives, _ = _verb_tables()
    key = fold_accents(word.lower())
    keys = [key, key[2:]] if key.startswith("re") and len(key) > 4 else [key]
    lemmas = _irregular_infinitives()
    return any(k in verbs or k in lemmas or any(k.endswith(old) and k[: len(k) - len(old)]
                                                + new in infinitives for old, new in rules if old)
               for k in keys)


@lru_cache(maxsize=1)
def _irregular_infinitives() -> frozenset[str]:
    """Infinitives of the irregular verbs (« faire », « écrire »): the tables list
    their forms, not always the infinitive itself."""
    return frozenset(fold_accents(lemma) for lemmas in _verb_tables()[0].values()
                     for lemma in ([lemmas] if isinstance(lemmas, str) else lemmas))


def _is_noun(tokens: list[Any], i: int) -> bool:
    token = tokens[i]
    if token.pos_ not in ("NOUN", "PROPN"):
        return False
    if token.pos_ == "PROPN" or i == 0 or not can_be_verb(token.text):
        return True
    before = tokens[i - 1]
    # « Alotra bosse avec… »: right after a name of its own (the subject; the tagger
    # may read the name itself as a verb), a word that can be a verb form is the verb.
    named = (before.is_alpha and before.text[:1].isupper()
             and not is_common_word(before.text))
    verbal = (before.pos_ in ("PRON", "AUX") or named
              or fold_accents(before.text.lower()) in _verb_tables()[3])
    return not verbal


@lru_cache(maxsize=1024)
def question_nouns(question: str) -> tuple[str, ...]:
    """Common and proper nouns of ``question``, in order, without repeats."""
    tokens = list(_tagger()(question))
    words = [t.text for i, t in enumerate(tokens) if _is_noun(tokens, i)]
    return tuple(dict.fromkeys(w.strip("-«»\"'") for w in words if w.strip("-«»\"'")))


def noun_modifiers(phrase: str) -> tuple[list[str], int]:
    """What qualifies the first word of ``phrase`` (a noun): the lower-case adjectives
    right after it and « de » complements without a determiner (« logements
    temporaires », « conseils de concertation », not « salariés de l'ALPA »), with the
    end of the qualified phrase in ``phrase``."""
    tokens = list(_tagger()(phrase))
    words: list[str] = []
    end = len(tokens[0].text) if tokens else 0
    i = 1
    while i < len(tokens):
        token = tokens[i]
        if token.pos_ == "ADJ" and token.is_alpha and token.text.islower():
            step = 1
        elif (token.lower_ in ("de", "d'", "d’") and i + 1 < len(tokens)
              and tokens[i + 1].pos_ in ("NOUN", "ADJ") and tokens[i + 1].is_alpha
              and tokens[i + 1].text.islower()):
            step = 2
        else:
            break
        last = tokens[i + step - 1]
        words.append(last.text)
        end = last.idx + len(last.text)
        i += step
    return words, end


# « Quel est le protocole… », « Quelle convention… », « dans quel délai »: the singular
# interrogative asks to identify one thing; the plural (« quels partenaires ») asks for
# the members of a kind, which documents list without writing the kind's name.
_WHICH = frozenset({"quel", "quelle"})
_BEFORE_THING = frozenset({"est", "etait", "sera", "serait", "le", "la", "l'", "l’"})


def asked_thing(text: str) -> tuple[str, ...]:
    """The one thing a singular « quel(le) » question asks to identify: its noun, then
    the lower-case adjectives and « de » complements that qualify it (« convention
    collective », « procédure de signalement »: the tagger reads « signalement » as a
    verb; a word that can be a verb form, « utilise », is left out); () when the
    question asks no such thing or names it by a name of its own."""
    tokens = list(_tagger()(text))
    for i, token in enumerate(tokens):
        if fold_accents(token.lower_) not in _WHICH:
            continue
        j = i + 1
        while j < len(tokens) and fold_accents(tokens[j].lower_) in _BEFORE_THING:
            j += 1
        if (j + 1 < len(tokens) and tokens[j].pos_ == "ADJ"
                and tokens[j + 1].pos_ == "NOUN"):
            j += 1  # « quel grand projet »
        if j >= len(tokens) or tokens[j].pos_ not in ("NOUN", "ADJ"):
            return ()
        head = tokens[j]
        if not head.is_alpha or not head.text.islower():
            return ()
        words = [head.text]
        k = j + 1
        while k < len(tokens):
            token = tokens[k]
            if token.pos_ == "ADJ" and token.is_alpha and token.text.islower():
                step = 1
            elif (token.lower_ in ("de", "d'", "d’") and k + 1 < len(tokens)
                  and tokens[k + 1].is_alpha and tokens[k + 1].text.islower()
                  and (tokens[k + 1].pos_ in ("NOUN", "ADJ")
                       or not can_be_verb(tokens[k + 1].text))
                  and tokens[k + 1].pos_ not in ("DET", "PRON", "ADP")):
                step = 2
            else:
                break
            word = tokens[k + step - 1]
            if not (word.pos_ in ("ADJ", "VERB") and can_be_verb(word.text)):
                words.append(word.text)
            k += step
        return tuple(words)
    return ()


def _in_name(tokens: Any, i: int) -> bool:
    """Token ``i`` goes on a name of several words that an article, a preposition or a
    punctuation mark introduces (« par le Pôle Départemental Logement Habitat »): the
    name counts once. Capitalised items run together (« séniors Projet jardin
    Nutrition ») are a slide's, each counted."""
    start = i
    while start > 0 and tokens[start - 1].pos_ == "PROPN":
        start -= 1
    return (start < i and start > 0
            and tokens[start - 1].pos_ in ("DET", "ADP", "PUNCT", "CCONJ"))


@lru_cache(maxsize=1)
def _nouns_and_adjectives() -> frozenset[str]:
    """The noun and adjective lemmas the lemmatizer knows, accent-folded."""
    index = _lookups().get_table("lemma_index")
    return frozenset(fold_accents(w) for pos in ("noun", "adj") for w in index[pos])


def _plural_verb(word: str) -> bool:
    """A verb's « ils » form (« assurent », « conviennent »), which the small tagger often
    reads as a preposition or an adverb; not a noun or adjective in « -ent » (« président »,
    « différent »)."""
    key = fold_accents(word.lower())
    return (len(key) > 4 and key.endswith("ent") and not key.endswith("ment")
            and key not in _nouns_and_adjectives() and can_be_verb(key))


def finite_verb_end(text: str) -> int | None:
    """Where the first conjugated verb of ``text`` ends (« Le jury examinera| d'abord
    la capacité… »), or None for a run of noun phrases."""
    return next((t.idx + len(t.text) for t in _tagger()(text)
                 if "Fin" in t.morph.get("VerbForm")), None)


def is_prose(text: str) -> bool:
    """A real sentence, not a table row, a list of names or a run of figures.

    PDF extraction glues table cells and slide bullets into long "sentences" with no
    verb, or with a verb lost among names and numbers; quoting them reads as noise.
    """
    tokens = _tagger()(text)
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words:
        return False
    # A misread verb is written in small letters: « Florent », « Laurent » are names.
    verbs = sum(t.pos_ in ("VERB", "AUX") or (t.text[:1].islower() and _plural_verb(t.text))
                for t in words)
    odd = sum((t.pos_ in ("PROPN", "NUM", "X", "SYM") or t.like_num)
              and not _in_name(tokens, t.i) for t in words)
    return (verbs >= max(1, len(words) // tuned("prose.verbs_per_words"))
            and odd / len(words) < tuned("prose.max_odd_share"))
