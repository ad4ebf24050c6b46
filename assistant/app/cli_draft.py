"""``canevas draft …``: draft a document, review it section by section, export it to Word."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from pathlib import Path

import click

from assistant.app.cli_support import container_of, user_errors
from generators.changes import summary
from generators.completeness import report
from generators.draft import Draft, Section
from generators.service import DraftingService
from generators.sources import number_sources

_STATUS_MARK = {"brouillon": "○", "relu": "◐", "validé": "●"}


def _service(ctx: click.Context) -> DraftingService:
    return container_of(ctx).drafting


def _facts(pairs: tuple[str, ...]) -> dict[str, str]:
    facts: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"--set attend clé=valeur, pas « {pair} ».")
        facts[key.strip()] = value.strip()
    return facts


def _progress(section: Section, done: int, total: int) -> None:
    found = len(section.citations)
    state = f"{found} source(s)" if found else "à compléter"
    click.echo(f"  [{done}/{total}] {section.title} — {state}", err=True)


@click.group(name="draft")
def draft_group() -> None:
    """Rédiger un document à partir de la base, le relire, l'exporter en Word."""


@draft_group.command(name="types")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.pass_context
def draft_types(ctx: click.Context, as_json: bool) -> None:
    """Lister les types de documents et les informations à fournir."""
    types = _service(ctx).types()
    if as_json:
        click.echo(json.dumps([t.model_dump() for t in types], ensure_ascii=False, indent=2))
        return
    for template in types:
        click.echo(f"{template.id} — {template.title}")
        click.echo(textwrap.fill(template.description, 88, initial_indent="    ",
                                 subsequent_indent="    "))
        for fact in template.facts:
            choices = f" ({' | '.join(fact.choices)})" if fact.choices else ""
            need = "" if fact.required else " [facultatif]"
            click.echo(f"    --set {fact.key}=…  {fact.label}{choices}{need}")
        mandatory = sum(s.requirement == "obligatoire" for s in template.sections)
        click.echo(f"    {len(template.sections)} sections dont {mandatory} obligatoires"
                   + (" ; --call FICHIER : une section par critère de l'appel"
                      if template.mode == "call" else ""))
        click.echo()


@draft_group.command(name="new")
@click.argument("type_id")
@click.option("--set", "pairs", multiple=True, metavar="CLÉ=VALEUR",
              help="Une information (voir `canevas draft types`) ; toute autre clé est "
                   "gardée comme « autres informations » et utilisée.")
@click.option("--call", "call", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="Cahier des charges de l'appel à projets (PDF, DOCX, texte).")
@click.pass_context
def draft_new(ctx: click.Context, type_id: str, pairs: tuple[str, ...], call: Path | None) -> None:
    """Rédiger un nouveau brouillon ; affiche son identifiant."""
    with user_errors():
        service = _service(ctx)
        click.echo("Rédaction section par section…", err=True)
        draft = service.new(type_id, _facts(pairs), call, progress=_progress)
        covered = report(draft)
        click.echo(f"Brouillon prêt en {draft.timings.get('total_seconds', 0):.1f} s : "
                   f"{covered.summary(len(draft.pending))}. "
                   f"Relisez-le avec `canevas draft show {draft.id}`.", err=True)
        click.echo(draft.id)


@draft_group.command(name="resume")
@click.argument("draft_id")
@click.pass_context
def draft_resume(ctx: click.Context, draft_id: str) -> None:
    """Reprendre une rédaction interrompue là où elle s'est arrêtée."""
    with user_errors():
        draft = _service(ctx).resume(draft_id, progress=_progress)
        click.echo(f"Brouillon {draft.id} complet ({len(draft.sections)} sections).")


@draft_group.command(name="list")
@click.pass_context
def draft_list(ctx: click.Context) -> None:
    """Lister les brouillons."""
    with user_errors():
        drafts = _service(ctx).summaries()
        if not drafts:
            click.echo("Aucun brouillon : commencez avec `canevas draft new TYPE`.")
        for d in drafts:
            click.echo(f"{d.id}  {d.title}  ({d.validated}/{d.sections} sections validées, "
                       f"modifié le {d.updated_at[:10]})")


def _print_draft(draft: Draft, compare: bool) -> None:
    numbering = number_sources(draft)
    click.echo(f"{draft.title}  [{draft.id}]")
    click.echo(f"Type : {draft.type_id} — association : {draft.facts.get('association')} — "
               f"version exportée : {draft.version or 'aucune'}")
    for section in draft.sections:
        click.echo()
        click.echo(f"{_STATUS_MARK[section.status]} {section.id} — {section.title} "
                   f"[{section.status}] ({section.requirement} : {section.source})")
        if section.note:
            click.echo(f"   Note : {section.note}")
        for block in numbering.text(section).split("\n\n"):
            click.echo(textwrap.fill(block, 92, initial_indent="   ", subsequent_indent="   "))
        for item in section.missing:
            click.echo(f"   ⚠ À compléter : {item}")
        for flag in section.flags:
            about = f" : « {flag.excerpt} »" if flag.text else ""
            click.echo(f"   ⚑ {flag.reason}{about} ({flag.by})")
        for comment in section.comments:
            click.echo(f"   💬 {comment.by} ({comment.at[:16]}) : {comment.text}")
        if section.changes:
            click.echo(textwrap.fill(summary(section.changes), 92, initial_indent="   Δ ",
                                     subsequent_indent="     "))
        if compare and draft.previous:
            old = " ".join(section.changes.get("precedent", [])) or "—"
            click.echo("   ── Version précédente :")
            click.echo(textwrap.fill(old, 92, initial_indent="   | ", subsequent_indent="   | "))
    click.echo()
    click.echo("Sources :")
    for source in numbering.sources:
        click.echo(f"  [{source.n}] {source.label()}")
    covered = report(draft)
    click.echo()
    click.echo(f"Complétude : {covered.summary(len(draft.pending))}.")
    if draft.call:
        click.echo("Critères de l'appel :")
        for row in covered.sections:
            if row.id.startswith("critere_"):
                length = f"{row.chars}/{row.max_chars} car." if row.max_chars else ""
                click.echo(f"  {row.title} : {row.coverage}, {row.citations} source(s) "
                           f"{length}")
    for annex in draft.annexes:
        click.echo(f"Annexe à joindre ({annex['requirement']}) : {annex['title']}")


@draft_group.command(name="show")
@click.argument("draft_id")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.option("--compare", is_flag=True, help="Montrer la version précédente (mise à jour).")
@click.option("--journal", is_flag=True, help="Montrer l'historique des modifications.")
@click.pass_context
def draft_show(ctx: click.Context, draft_id: str, as_json: bool, compare: bool,
               journal: bool) -> None:
    """Afficher un brouillon : sections, sources, éléments à compléter, statut."""
    with user_errors():
        service = _service(ctx)
        draft = service.get(draft_id)
        events = service.journal(draft_id) if journal or as_json else []
        if as_json:
            numbering = number_sources(draft)
            data = {**draft.header(), "sections": [s.as_dict() for s in draft.sections],
                    "completeness": report(draft).as_dict(),
                    "sources": [{"n": s.n, **asdict(s.ref)} for s in numbering.sources],
                    "journal": [asdict(e) for e in events]}
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        _print_draft(draft, compare)
        if journal:
            click.echo("Historique :")
            for event in events:
                where = f" {event.section}" if event.section else ""
                click.echo(f"  {event.at}  {event.by} : {event.action}{where} {event.detail}")


@draft_group.command(name="edit")
@click.argument("draft_id")
@click.argument("section_id")
@click.option("--text-file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              required=True, help="Fichier texte du nouveau contenu (- pour l'entrée standard).")
@click.option("--by", required=True, help="Qui modifie.")
@click.pass_context
def draft_edit(ctx: click.Context, draft_id: str, section_id: str, text_file: Path,
               by: str) -> None:
    """Remplacer le texte d'une section (les numéros [n] de la section restent valables)."""
    with user_errors():
        section = _service(ctx).edit(draft_id, section_id, text_file.read_text(encoding="utf-8"),
                                     by)
        click.echo(f"Section {section.id} modifiée par {by} : statut {section.status}.")


@draft_group.command(name="comment")
@click.argument("draft_id")
@click.argument("section_id")
@click.option("--text", required=True, help="Le commentaire.")
@click.option("--by", required=True, help="Qui commente.")
@click.option("--verifier", is_flag=True, help="Marquer la section « à vérifier ».")
@click.pass_context
def draft_comment(ctx: click.Context, draft_id: str, section_id: str, text: str, by: str,
                  verifier: bool) -> None:
    """Ajouter un commentaire de relecture (ou un point à vérifier) à une section."""
    with user_errors():
        _service(ctx).comment(draft_id, section_id, text, by, verifier)
        click.echo(f"Commentaire ajouté à {section_id}.")


@draft_group.command(name="regenerate")
@click.argument("draft_id")
@click.argument("section_id")
@click.option("--by", default="Canevas", help="Qui demande la régénération.")
@click.pass_context
def draft_regenerate(ctx: click.Context, draft_id: str, section_id: str, by: str) -> None:
    """Réécrire une section à partir de la base (l'ancien texte reste dans l'historique)."""
    with user_errors():
        section = _service(ctx).regenerate(draft_id, section_id, by)
        click.echo(f"Section {section.id} régénérée ({len(section.citations)} source(s)) : "
                   "statut brouillon.")


def _mark(ctx: click.Context, draft_id: str, section: tuple[str, ...], all_sections: bool,
          by: str, status: str, accept_gaps: bool = False) -> None:
    if bool(section) == all_sections:
        raise click.UsageError("Donnez --section SECTION (une ou plusieurs) ou --all.")
    with user_errors():
        done = _service(ctx).mark(draft_id, None if all_sections else list(section), status, by,
                                  accept_gaps=accept_gaps)
        click.echo(f"{len(done)} section(s) « {status} » par {by}.")


@draft_group.command(name="review")
@click.argument("draft_id")
@click.option("--section", multiple=True, help="Section relue (répétable).")
@click.option("--all", "all_sections", is_flag=True, help="Toutes les sections.")
@click.option("--by", required=True, help="Qui a relu.")
@click.pass_context
def draft_review(ctx: click.Context, draft_id: str, section: tuple[str, ...],
                 all_sections: bool, by: str) -> None:
    """Marquer des sections « relu »."""
    _mark(ctx, draft_id, section, all_sections, by, "relu")


@draft_group.command(name="approve")
@click.argument("draft_id")
@click.option("--section", multiple=True, help="Section validée (répétable).")
@click.option("--all", "all_sections", is_flag=True, help="Toutes les sections.")
@click.option("--by", required=True, help="Qui valide.")
@click.option("--avec-lacunes", "accept_gaps", is_flag=True,
              help="Valider aussi les sections qui contiennent encore « À compléter ».")
@click.pass_context
def draft_approve(ctx: click.Context, draft_id: str, section: tuple[str, ...],
                  all_sections: bool, by: str, accept_gaps: bool) -> None:
    """Valider des sections (nécessaire avant l'export final) ; refusé pour une section
    qui contient encore « À compléter », sauf --avec-lacunes."""
    _mark(ctx, draft_id, section, all_sections, by, "validé", accept_gaps)


@draft_group.command(name="export")
@click.argument("draft_id")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Fichier .docx à écrire.")
@click.option("--brouillon", is_flag=True,
              help="Exporter même si des sections ne sont pas validées (« BROUILLON » sur "
                   "chaque page).")
@click.option("--template", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Document Word de l'association dont reprendre les styles.")
@click.option("--by", default="", help="Qui exporte (pour l'historique).")
@click.option("--avec-lacunes", "accept_gaps", is_flag=True,
              help="Export final même si des « À compléter » restent (surlignés).")
@click.pass_context
def draft_export(ctx: click.Context, draft_id: str, output: Path, brouillon: bool,
                 template: Path | None, by: str, accept_gaps: bool) -> None:
    """Exporter en Word (.docx) ; refusé tant que des sections ne sont pas validées, ou
    qu'il reste des « À compléter » (sauf --avec-lacunes)."""
    if output.suffix.lower() != ".docx":
        raise click.UsageError("Le fichier de sortie doit se terminer par .docx.")
    with user_errors():
        path = _service(ctx).export(draft_id, output, brouillon, template, by,
                                    accept_gaps=accept_gaps)
        click.echo(f"Document écrit : {path}" + (" (BROUILLON)" if brouillon else ""))


@draft_group.command(name="delete")
@click.argument("draft_id")
@click.confirmation_option(prompt="Supprimer définitivement ce brouillon ?")
@click.pass_context
def draft_delete(ctx: click.Context, draft_id: str) -> None:
    """Supprimer un brouillon et son historique."""
    with user_errors():
        _service(ctx).delete(draft_id)
        click.echo(f"Brouillon {draft_id} supprimé.")
