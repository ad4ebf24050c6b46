"""Draft a document as resumable stages, section by section.

inputs (template, facts, the call's criteria) → evidence per section → text with
citations → completeness check → review. Each stage saves the section it finished, so
``run`` after a crash resumes where it stopped, and ``regenerate`` redoes one section
without touching the others.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.qa.evidence import EvidenceReader
from assistant.qa.llm_settings import LLMSettings
from assistant.qa.retrieval import SearchFilters
from generators import changes as change_log
from generators import voice
from generators.answering import (
    answer_questions,
    asked_with_facts,
    question_terms,
    question_text,
)
from generators.call import Call, criterion_questions, read_call
from generators.completeness import check_section
from generators.compose import extractive, fill_lead, generative, slots_of
from generators.draft import STAGES, Draft, Flag, Section, placeholder
from generators.facts import (
    frame_slots,
    other_facts,
    stated_facts,
    structure_name,
    with_template_keys,
)
from generators.placement import claimed_elsewhere
from generators.scope import Scope
from generators.section_evidence import (
    SectionEvidence,
    favour,
    gather,
    mentions,
    merge,
    scoped,
)
from generators.store import DraftStore, Event, now
from generators.template import Question, SectionSpec, Template, get_template, load_templates
from knowledge.calibration import tuned
from knowledge.document import doc_id_of
from knowledge.errors import CanevasError
from knowledge.french import fold_accents
from knowledge.limits import Limits
from knowledge.manifest import DocumentRecord
from knowledge.metadata import is_legal_type
from knowledge.structures import KINDS, kind_of, mine_structures

Progress = Callable[[Section, int, int], None]
_NEWER_BONUS = tuned("drafting.newer_bonus")
# What a person has rather than the base: asked in a call response's Cerfa sections.
_FIGURES = frozenset({"nombre", "montant", "date", "nom", "annexe"})


def _unscoped_questions(section: Section) -> frozenset[int]:
    """The questions of ``section`` that the bare question's search may answer when no
    structure scopes the draft: every question of a section about the association (its
    documents are all about it). Not a call's criterion: searched without the project's
    title, it brings national context, key-figure tables and other actions' facts, and
    answers items whose gap must stay asked (dev drafting set, s26)."""
    questions = section.spec.get("questions") or []
    if section.spec.get("scope") == "association":
        return frozenset(range(len(questions)))
    return frozenset()


def searched_bare(section: Section, scope: Scope, unscoped: frozenset[int]) -> bool:
    """Whether the questions are searched alone as well, to find the paragraphs under the
    structure's heading that do not repeat its name (section_evidence.gather).
    ``scoped`` keeps those quotes where the structure's name precedes them, or — for a
    structure known by its kind only (« terrains familiaux ») — where the sentence names
    the kind; not in a call's criterion, whose items any passage of the kind would
    answer. Without a structure, only for the questions of ``unscoped``."""
    return (bool(scope.own) or bool(unscoped)
            or (scope.kind is not None and not section.criterion))


class DraftingError(CanevasError):
    """The draft cannot be started as asked; the message says what to change."""


def _fold(text: str) -> str:
    return fold_accents(" ".join(text.split()).casefold())


class Drafter:
    """Creates drafts from templates and the knowledge base, and (re)writes sections."""

    def __init__(self, reader: EvidenceReader, store: DraftStore,
                 chat_model: BaseChatModel | None = None,
                 llm_settings: LLMSettings | None = None, limits: Limits | None = None) -> None:
        self.reader = reader
        self.kb = reader.kb
        self.store = store
        self.chat_model = chat_model
        self.llm_settings = llm_settings or LLMSettings()
        self.limits = limits or Limits()
        self._previous_texts: dict[tuple[str, int], str] = {}
        self._mined: dict[tuple[str, int], set[str]] = {}
        self._texts: dict[tuple[str, int], dict[str, str]] = {}
        self._titles: dict[tuple[str, int], dict[str, str]] = {}
        # Called with each section's title, its evidence as found and as kept by the
        # scope: how ``python -m evals.drafting_misses`` tells where a span is lost.
        self.trace: Callable[[str, SectionEvidence, SectionEvidence], None] | None = None

    @staticmethod
    def types() -> list[Template]:
        return list(load_templates().values())

    def create(self, type_id: str, facts: dict[str, str], call_path: Path | None = None,
               owner: str = "") -> Draft:
        """Check the inputs and save the planned draft (no drafting yet: see ``run``)."""
        template = get_template(type_id)
        facts = self._checked_facts(template, facts)
        organisation = self.resolve_organisation(facts["association"])
        call: Call | None = None
        if call_path is not None:
            if template.mode != "call":
                raise DraftingError(f"Le type « {type_id} » ne prend pas de cahier des charges : "
                                    "utilisez demande_subvention.")
            call = read_call(call_path, self.limits)
        structure = facts.get(template.structure_fact or "") or kind_of(
            " ".join(facts.values())) or None
        stamp = now()
        draft = Draft(id="", type_id=type_id, title=self._title(template, facts, call),
                      facts=facts, owner=owner, created_at=stamp, updated_at=stamp,
                      structure=structure, organisation=organisation,
                      annexes=[a.model_dump() for a in template.annexes],
                      call=call.as_dict() if call else {})
        if template.mode == "update":
            draft.previous = self._previous(organisation, facts.get("precedent"))
        draft.sections = self._plan(template, structure, call)
        for section in draft.sections:
            if section.spec.get("questions"):
                section.spec["questions"] = asked_with_facts(section.spec["questions"], facts)
        return self.store.create(draft)

    def _checked_facts(self, template: Template, facts: dict[str, str]) -> dict[str, str]:
        """The user's facts, with the template's names where a synonym was typed
        (« montant_demande » → « montant »); facts the template does not name are kept
        (shown as « autres informations » and used to answer questions)."""
        known = {f.key: f for f in template.facts}
        facts = with_template_keys({k.strip(): v for k, v in facts.items() if k.strip()},
                                   set(known))
        if not facts.get("association", "").strip():
            raise DraftingError("Indiquez l'association (--set association=NOM) : elle choisit "
                                "les documents de la base à utiliser.")
        checked: dict[str, str] = {}
        for key, value in facts.items():
            value = " ".join(str(value).split())
            choices = known[key].choices if key in known else None
            if choices and value:
                match = next((label for k, label in choices.items()
                              if _fold(value) in (_fold(k), _fold(label))), None)
                if match is None:
                    raise DraftingError(f"Valeur inconnue pour {key} : « {value} ». Choix : "
                                        f"{', '.join(choices)}.")
                value = next(k for k, label in choices.items() if label == match)
            checked[key] = value
        return checked

    def organisations(self) -> list[str]:
        """The associations the base holds documents of, as it spells them."""
        return sorted({r.organisation for r in self.kb.ready_documents() if r.organisation})

    def resolve_organisation(self, name: str) -> str:
        """The organisation as the base spells it; an error lists the known ones."""
        organisations = self.organisations()
        wanted = _fold(name)
        for organisation in organisations:
            if _fold(organisation) == wanted:
                return organisation
        close = [o for o in organisations if wanted in _fold(o) or _fold(o) in wanted]
        if len(close) == 1:
            return close[0]
        known = ", ".join(organisations) or "aucune (la base est vide)"
        raise DraftingError(f"Aucun document de l'association « {name} » dans la base. "
                            f"Associations connues : {known}. Ajoutez ses documents avec "
                            "`canevas ingest --org NOM FICHIER`.")

    def _previous(self, organisation: str, wanted: str | None) -> dict[str, str | int | None]:
        """The previous version of the document: the named file, else the oldest
        projet associatif of the organisation. When there is none, or nothing newer, the
        update is drafted from what exists and ``missing`` says what the base lacks."""
        documents = [r for r in self.kb.ready_documents() if r.organisation == organisation]
        if wanted:
            found = [r for r in documents if wanted in (r.source, r.doc_id, r.title)]
        else:
            found = sorted((r for r in documents if r.doc_type == "projet associatif"),
                           key=lambda r: (r.year or 0, r.created_at))
        if not found:
            return {"doc_id": "", "source": "", "title": "", "year": None,
                    "missing": "Projet associatif précédent absent de la base"
                               + (f" (« {wanted} »)" if wanted else "")
                               + " : ajoutez-le pour que la mise à jour le compare."}
        record: DocumentRecord = found[0]
        others = [r for r in documents if r.doc_id != record.doc_id]
        missing = "" if others else (
            f"Aucun document plus récent que « {record.title} » dans la base : ajoutez les "
            "rapports d'activité ou bilans parus depuis ; en attendant, chaque section dit ce "
            "qui est à mettre à jour.")
        return {"doc_id": record.doc_id, "source": record.source, "title": record.title,
                "year": record.year, "missing": missing}

    @staticmethod
    def _title(template: Template, facts: dict[str, str], call: Call | None) -> str:
        subject = (facts.get("residence") or facts.get("etablissement") or facts.get("projet")
                   or facts["association"])
        if call is not None:
            name = re.sub(r"^appel à projets\s*[:—–-]?\s*", "", call.title, flags=re.IGNORECASE)
            return f"Réponse à l'appel à projets {name} — {subject}"
        return f"{template.title.split(' (')[0]} — {subject}"

    @staticmethod
    def _plan(template: Template, structure: str | None, call: Call | None) -> list[Section]:
        """The template's sections; with a call, the kept ones, one per criterion, then
        the Cerfa's figures no criterion asks for (facts and gaps only)."""
        specs: list[tuple[SectionSpec, str, dict[str, object]]] = []
        asked: list[tuple[SectionSpec, str, dict[str, object]]] = []
        criteria = call.criteria if call else []
        extra: dict[int, list[Question]] = {}
        for spec in template.sections:
            applied, note = spec.for_structure(structure)
            if call is None or spec.keep_with_call:
                specs.append((applied, note, {}))
            elif spec.asked_with_call:
                figures = [q for q in applied.questions if q.needs in _FIGURES]
                named = next((c.number for c in criteria
                              if mentions(c.title, spec.asked_with_call)), None)
                if named is not None:
                    extra.setdefault(named, []).extend(figures)
                else:
                    asked.append((applied.model_copy(update={"facts_only": True,
                                                             "questions": figures}), note, {}))
        shared = len(specs) + len(asked)
        share = (call.max_chars // max(1, shared + len(criteria))
                 if call is not None and call.max_chars else None)
        for criterion in criteria:
            assert call is not None
            weight = f" ({criterion.points})" if criterion.points else ""
            limits = [x for x in (criterion.max_chars, share) if x]
            spec = SectionSpec(
                id=f"critere_{criterion.number}",
                title=f"Critère {criterion.number} — {criterion.title}{weight}",
                purpose=criterion.text, queries=[criterion.text, criterion.title],
                requirement="obligatoire",
                source=f"Appel à projets « {call.title} », critère {criterion.number}{weight}",
                target_words=criterion.target_words, max_chars=min(limits) if limits else None,
                questions=[Question(**q) for q in criterion_questions(criterion)]
                + extra.get(criterion.number, []))
            specs.append((spec, "", criterion.as_dict()))
        specs += asked
        if share:
            specs = [(s.model_copy(update={"max_chars": min(s.max_chars or share, share)})
                      if not c else s, n, c) for s, n, c in specs]
        return [Section(id=s.id, title=s.title, purpose=" ".join(s.purpose.split()),
                        requirement=s.requirement, source=s.source,
                        target_words=s.target_words, spec=s.model_dump(), note=note,
                        criterion=criterion)
                for s, note, criterion in specs]

    def run(self, draft_id: str, owner: str | None = None,
            progress: Progress | None = None) -> Draft:
        """Take every section to the last stage, saving after each stage."""
        draft = self.store.get(draft_id, owner)
        started = time.perf_counter()
        total = len(draft.sections)
        for section in draft.sections:
            # Every section's evidence first, so that each sentence can go to the
            # section that answers it best (generators/placement.py).
            if section.stage == STAGES[0]:
                self._advance(draft, section)
                self.store.save_section(draft, section, owner=owner)
        for number, section in enumerate(draft.sections, start=1):
            while section.stage != STAGES[-1]:
                self._advance(draft, section)
                self.store.save_section(draft, section, owner=owner)
            if progress:
                progress(section, number, total)
        draft.timings["draft_seconds"] = round(
            draft.timings.get("draft_seconds", 0.0) + time.perf_counter() - started, 2)
        self.store.save_header(draft, owner=owner)
        return draft

    def regenerate(self, draft_id: str, section_id: str, by: str,
                   owner: str | None = None) -> Section:
        """Redo one section from its evidence onwards; the previous text stays in the
        journal and the section goes back to « brouillon »."""
        draft = self.store.get(draft_id, owner)
        section = draft.section(section_id)
        previous = section.text
        section.stage = STAGES[0]
        section.status = "brouillon"
        section.edited_by = ""
        while section.stage != STAGES[-1]:
            self._advance(draft, section)
        self.store.save_section(draft, section, Event(now(), by, section.id, "régénération",
                                                      "", previous), owner)
        return section

    def _advance(self, draft: Draft, section: Section) -> None:
        stage = STAGES.index(section.stage)
        if stage == 0:
            self._gather(draft, section)
        elif stage == 1:
            self._compose(draft, section)
        else:
            check_section(section, draft.year)
            if draft.previous and draft.previous.get("doc_id"):
                section.changes = change_log.compare(section, self._previous_text(draft),
                                                     str(draft.previous["doc_id"]))
        section.stage = STAGES[stage + 1]

    def _documents(self, organisation: str, partners: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The association's documents, those whose organisation is unknown (used when
        their text fits) and those of the ``partners`` the user named; other
        associations' documents never, nor code articles: a draft describes the
        structure, and the law it must meet comes with its template, not from articles
        of unknown date."""
        return tuple(r.doc_id for r in self.kb.ready_documents()
                     if (r.organisation in (organisation, *partners) or not r.organisation)
                     and not is_legal_type(r.doc_type))

    def _partners(self, draft: Draft) -> tuple[str, ...]:
        """Other organisations of the base that the user's facts name (« partenaire :
        Compagnons Bâtisseurs Provence »): the project is theirs too, so are its facts."""
        named = " ".join(_fold(v) for k, v in draft.facts.items() if k != "association")
        return tuple(sorted({r.organisation for r in self.kb.ready_documents()
                             if r.organisation and r.organisation != draft.organisation
                             and re.search(rf"(?<!\w){re.escape(_fold(r.organisation))}(?!\w)",
                                           named)}))

    def _scope(self, draft: Draft, section: Section) -> Scope:
        """Who the section may speak of: the structure drafted (structure sections),
        anything of the association (association sections)."""
        if section.spec.get("scope", "structure") == "association":
            return Scope()
        name = structure_name(draft.facts)
        kind = draft.structure if draft.structure in KINDS else None
        if not name and kind is None:
            return Scope()
        key = (draft.organisation, self.kb.manifest.generation)
        if key not in self._mined:
            ids = [c for c in self.kb.manifest.chunk_ids()
                   if doc_id_of(c) in set(self._documents(draft.organisation))]
            texts: dict[str, str] = {}
            for chunk_id, chunk in self.kb.manifest.chunks_by_ids(ids).items():
                texts[doc_id_of(chunk_id)] = texts.get(doc_id_of(chunk_id), "") + " " + chunk.text
            self._texts[key] = texts
            self._mined[key] = mine_structures(texts.values(), draft.organisation)
        described = " ".join(v for k, v in draft.facts.items() if k != "association")
        scope = Scope.of(name, kind or kind_of(" ".join(draft.facts.values())),
                         self._mined[key], draft.organisation, described,
                         draft.facts.get("projet", ""))
        if key not in self._titles:  # every document's, read once per base state
            self._titles[key] = {r.doc_id: r.title for r in self.kb.ready_documents()}
        return scope.with_documents(self._texts[key]).with_titles(self._titles[key])

    def _queries(self, draft: Draft, section: Section) -> tuple[list[str], list[str] | None]:
        """One question per question of the section (else the section's queries), and the
        search queries: each question with what the document is about — the structure's
        name, the project's title — so that its passages come first."""
        questions = section.spec.get("questions") or []
        if not questions:
            return list(section.spec["queries"]), None
        texts = [question_text(_read_as(q), draft.facts) for q in questions]
        if section.spec.get("scope") == "association":
            # The association's name and the section's title, as its documents head the
            # part about it (« L'historique de l'ALPA »); the bare question is searched too.
            return texts, [f"{section.title} : {t} {draft.organisation}" for t in texts]
        about = " ".join(p for p in (draft.facts.get("projet", ""),
                                     structure_name(draft.facts)) if p)
        return texts, [f"{t} {about}".strip() for t in texts]

    def _gather(self, draft: Draft, section: Section) -> None:
        if section.spec.get("facts_only"):
            section.evidence = []
            return
        organisation = draft.organisation
        partners = self._partners(draft)
        queries, retrieval = self._queries(draft, section)
        scope = self._scope(draft, section)
        unscoped = _unscoped_questions(section)
        broad = searched_bare(section, scope, unscoped)
        previous = str(draft.previous.get("doc_id") or "") if draft.previous else ""
        support = (tuned("drafting.question_support") if section.spec.get("questions")
                   else tuned("drafting.support"))
        questions = section.spec.get("questions") or []
        vocabulary = [[] if q.get("asked_words") else question_terms(q, draft.facts)
                      for q in questions] or None
        addresses = frozenset(i for i, q in enumerate(questions) if q.get("needs") == "adresse")
        # A partner the person names runs the project: its documents first, new or old.
        bonus = tuned("drafting.own_structure_bonus")
        if not previous:
            found = gather(self.reader, queries,
                           SearchFilters(documents=self._documents(organisation, partners)),
                           support=support, retrieval=retrieval, broad=broad,
                           vocabulary=vocabulary, addresses=addresses)
            self._keep(section, favour(found, partners, bonus), scope, unscoped)
            return
        newer = tuple(d for d in self._documents(organisation, partners) if d != previous)
        recent = gather(self.reader, queries, SearchFilters(documents=newer), _NEWER_BONUS,
                        support, retrieval, broad=broad, vocabulary=vocabulary,
                        addresses=addresses)
        earlier = gather(self.reader, queries, SearchFilters(documents=(previous,)),
                         support=support, retrieval=retrieval, broad=broad,
                         vocabulary=vocabulary, addresses=addresses)
        self._keep(section, favour(merge(recent, earlier), partners, bonus), scope, unscoped)
        section.previous_evidence = earlier.as_list()

    def _keep(self, section: Section, found: SectionEvidence, scope: Scope,
              unscoped: frozenset[int]) -> None:
        kept = scoped(found, scope, unscoped)
        if self.trace is not None:
            self.trace(section.title, found, kept)
        section.evidence = kept.as_list()

    def _compose(self, draft: Draft, section: Section) -> None:
        template = get_template(draft.type_id)
        known = {f.key: f for f in template.facts}
        facts = {k: (known[k].choices or {}).get(v, v) if k in known else v
                 for k, v in draft.facts.items()}
        slots = {**facts, **frame_slots(facts)}
        lead = fill_lead(section.spec.get("lead", ""), slots, known)
        if section is draft.sections[0]:
            stated = stated_facts(s.spec for s in draft.sections)
            lead = " ".join(p for p in (lead, other_facts(facts, known, stated)) if p)
            missing = str((draft.previous or {}).get("missing") or "")
            if missing:
                lead = "\n\n".join(p for p in (lead, placeholder(missing)) if p)
        elsewhere = "\n".join([s.text for s in draft.sections if s.id != section.id]
                              + sorted(claimed_elsewhere(section, draft.sections, facts)))
        gaps = {k: placeholder(known[k].label) for k in slots_of(section.spec.get("lead", ""))
                if k in known and not slots.get(k)}
        offline = (answer_questions(section, lead, facts, elsewhere, draft.year, gaps)
                   if section.spec.get("questions") else None)
        if self.chat_model is None:
            composed = offline or extractive(section, lead, elsewhere)
        else:
            given = [f"{known[k].label if k in known else k} : {v}" for k, v in facts.items()
                     if v]
            composed = generative(section, lead, given, self.chat_model, self.llm_settings,
                                  elsewhere, offline)
        section.text = composed.text
        section.generated_text = composed.text
        section.citations = composed.citations
        section.mode = composed.mode
        section.flags = [f for f in section.flags if f.kind == "relecture"] + [
            Flag(s, "Phrase sans source : à vérifier", kind="modèle")
            for s in composed.unsupported] + composed.flags
        if template.for_residents:
            section.flags += [Flag(s, voice.REASON, kind="voix")
                              for s in voice.written_for_the_team(composed.text)]

    def _previous_text(self, draft: Draft) -> str:
        """The previous version's whole text, read once per document and base state (every
        section of an update compares against it)."""
        doc = str(draft.previous["doc_id"])
        key = (doc, self.kb.manifest.generation)
        if key not in self._previous_texts:
            ids = [c for c in self.kb.manifest.chunk_ids() if doc_id_of(c) == doc]
            self._previous_texts[key] = " ".join(
                c.text for c in self.kb.manifest.chunks_by_ids(ids).values())
        return self._previous_texts[key]


# How a call grades a criterion (« Qualité du partenariat », « Caractère participatif »,
# « Faisabilité du projet »): words of the grid, not of the subject an answer speaks of
# (« capacité », « niveau » are often the subject: « capacité d'accueil »). With its
# article before and its « du », « de la », « d' » or « et » after.
_GRADING = re.compile(
    r"(?:\b(?:le|la|les)\s+|\bl['’])?\b(?:adéquation|qualité|caractère|faisabilité|"
    r"réalisme|pertinence|cohérence|compréhension|clarté|précision|solidité|degré|"
    r"modalités|appréciation)\b"
    r"(?:\s+(?:de\s+la|du|des|de)\b|\s+(?:de\s+)?l['’]|\s+d['’])?(?:\s+et\b)?\s*",
    re.IGNORECASE)


def _read_as(question: dict[str, Any]) -> str:
    """The words a question's sentences are read against: a call's criterion without the
    words that grade it (its subject is what a sentence of the base can speak of)."""
    text = str(question["text"])
    if not question.get("asked_words"):
        return text
    subject = _GRADING.sub("", text).strip(" ,;:")
    return subject if len(subject.split()) >= 2 else text

