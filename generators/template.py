"""Document templates: one YAML file per document type, validated when loaded.

A template lists the facts the user supplies and, for each section, what it must say,
the retrieval queries that feed it, whether it is mandatory (with its legal or funder
source), a target length, and the items the evidence must cover. Marks can depend on
the kind of structure (a pension de famille has no maximum length of stay).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from knowledge.errors import CanevasError

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
Requirement = Literal["obligatoire", "recommandé", "à confirmer"]
_SLOT = re.compile(r"\{([A-Za-z_]+)\}")
_KEY = r"^[a-z][a-z0-9_]*$"
# Phrases built from the facts that a lead may use (generators/facts.py builds them).
_DERIVED = frozenset("""la_structure La_structure a_la_structure de_la_structure gere situee est
    l_association L_association par_l_association de_l_association le_financeur
    au_financeur montant_affiche""".split())


class TemplateError(CanevasError):
    """A template file is missing or does not follow the schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(_Strict):
    """Something only the user knows: the résidence's name, its capacity, the dates."""

    key: str = Field(pattern=_KEY)
    label: str
    required: bool = True
    example: str = ""
    choices: dict[str, str] | None = None


class Element(_Strict):
    """An item the section must cover; any of ``terms`` in the cited evidence covers it."""

    label: str
    terms: list[str] = Field(min_length=1)


class Question(_Strict):
    """Something the section must answer, with the text that asks for it.

    Drafting searches for each question and quotes the best sentence that answers it,
    or writes « À compléter : <text> ». ``terms``: an answer must contain one of them
    (accents ignored, word starts); ``needs``: the kind of answer (« annexe »: a document
    to attach, always asked; « montant » wants an
    amount, « nombre » a figure, « date » a year or date, « nom » a proper name,
    « adresse » a contact block: street, postcode and town, telephone);
    ``facts``: the user's facts that answer it when given; ``source``: the legal or
    funder text that asks for it. ``asked_words``: the terms are the question's own words
    (a call's criterion item), not an answer's vocabulary; its search already requires
    them of the sentences it finds (coverage), so they bar only sentences that another
    question found.
    """

    text: str
    queries: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)
    asked_words: bool = False
    needs: Literal["", "montant", "nombre", "date", "nom", "annexe", "adresse"] = ""
    facts: list[str] = Field(default_factory=list)
    source: str = ""


class Variant(_Strict):
    """How a section's mark changes for one kind of structure."""

    requirement: Requirement
    note: str = ""
    # Questions the note settles for this kind (« le séjour n'est pas limité dans le
    # temps » answers « durée et renouvellement »): not searched, so that another
    # scheme's « six à dix-huit mois » is never given as this structure's rule.
    settles: list[str] = Field(default_factory=list)


class SectionSpec(_Strict):
    """One section of a document type."""

    id: str = Field(pattern=_KEY)
    title: str
    purpose: str
    queries: list[str] = Field(min_length=1)
    requirement: Requirement
    source: str
    target_words: int = Field(ge=30, le=3000)
    lead: str = ""
    facts: list[str] = Field(default_factory=list)
    elements: list[Element] = Field(default_factory=list)
    by_structure: dict[str, Variant] = Field(default_factory=dict)
    keep_with_call: bool = False
    # With a call: kept, from the facts only (its gaps asked), unless a criterion's title
    # names one of these words — a funder needs dates, budget, indicators even when the
    # call's criteria do not ask for them.
    asked_with_call: list[str] = Field(default_factory=list)
    facts_only: bool = False
    max_chars: int | None = None
    questions: list[Question] = Field(default_factory=list)
    scope: Literal["structure", "association"] = "structure"

    @property
    def mandatory(self) -> bool:
        return self.requirement == "obligatoire"

    def for_structure(self, structure: str | None) -> tuple[SectionSpec, str]:
        """This section as it applies to ``structure``, and the note to show with it."""
        variant = self.by_structure.get(structure or "")
        if variant is None:
            return self, ""
        questions = [q for q in self.questions if q.text not in variant.settles]
        return self.model_copy(update={"requirement": variant.requirement,
                                       "questions": questions}), variant.note


class Annex(_Strict):
    """A document that must (or should) be attached."""

    title: str
    requirement: Requirement
    source: str


class Template(_Strict):
    """A document type."""

    id: str = Field(pattern=_KEY)
    title: str
    description: str
    mode: Literal["standard", "call", "update"] = "standard"
    # The final document keeps its citation marks and its list of sources; a document
    # handed to the people accommodated (a livret d'accueil) reads without them, and the
    # review export keeps them for the team.
    final_sources: bool = True
    # Addressed to the people accommodated (« vous »): a quote speaking of them in the
    # third person (a procedure's « Le résident est reçu… ») is flagged for the reviewer.
    for_residents: bool = False
    structure_fact: str | None = None
    facts: list[Fact] = Field(default_factory=list)
    sections: list[SectionSpec] = Field(min_length=1)
    annexes: list[Annex] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        keys = [f.key for f in self.facts]
        ids = [s.id for s in self.sections]
        for name, values in (("faits", keys), ("sections", ids)):
            doubles = sorted({v for v in values if values.count(v) > 1})
            if doubles:
                raise ValueError(f"{name} en double : {', '.join(doubles)}")
        if "association" not in keys:
            raise ValueError("le fait « association » est obligatoire (il choisit les documents)")
        structures: set[str] = set()
        if self.structure_fact is not None:
            fact = next((f for f in self.facts if f.key == self.structure_fact), None)
            if fact is None or not fact.choices:
                raise ValueError(f"structure_fact « {self.structure_fact} » doit être un fait "
                                 "à choix")
            structures = set(fact.choices)
        for section in self.sections:
            used = set(section.facts) | set(_SLOT.findall(section.lead))
            unknown = used - set(keys) - _DERIVED
            if unknown:
                raise ValueError(f"section « {section.id} » : faits inconnus {sorted(unknown)}")
            odd = set(section.by_structure) - structures
            if odd:
                raise ValueError(f"section « {section.id} » : structures inconnues {sorted(odd)}")
            asked = {q.text for q in section.questions}
            for kind, variant in section.by_structure.items():
                settled = set(variant.settles) - asked
                if settled:
                    raise ValueError(f"section « {section.id} », {kind} : « settles » nomme "
                                     f"des questions absentes {sorted(settled)}")
        return self

    def fact(self, key: str) -> Fact:
        return next(f for f in self.facts if f.key == key)


def parse_template(path: Path) -> Template:
    """Read and validate one template file; errors name the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Template.model_validate(data)
    except OSError as exc:
        raise TemplateError(f"Modèle de document illisible : {path} ({exc}).") from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"Modèle de document mal formé : {path} ({exc}).") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'modèle'} : {e['msg']}" for e in exc.errors()
        )
        raise TemplateError(f"Modèle de document invalide : {path.name} — {problems}") from exc


@lru_cache(maxsize=4)
def load_templates(directory: Path = TEMPLATES_DIR) -> dict[str, Template]:
    """Every template of ``directory``, by id."""
    templates: dict[str, Template] = {}
    for path in sorted(directory.glob("*.yaml")):
        template = parse_template(path)
        if template.id != path.stem:
            raise TemplateError(f"Modèle {path.name} : l'identifiant « {template.id} » doit être "
                                f"le nom du fichier.")
        templates[template.id] = template
    return templates


def get_template(type_id: str, directory: Path = TEMPLATES_DIR) -> Template:
    templates = load_templates(directory)
    if type_id not in templates:
        raise TemplateError(f"Type de document inconnu : « {type_id} ». Types disponibles : "
                            f"{', '.join(sorted(templates))}.")
    return templates[type_id]
