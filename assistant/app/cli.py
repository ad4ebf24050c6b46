"""The ``canevas`` command line: a thin layer over the services of the container."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from pydantic import ValidationError

from assistant.app.cli_draft import draft_group
from assistant.app.cli_support import container_of, setting_problem, user_errors
from assistant.app.container import Container
from assistant.app.settings import Settings
from assistant.qa.answers import Answer
from assistant.qa.passages import Passage, make_whole
from assistant.qa.retrieval import SearchFilters
from knowledge.base import IngestReport, Overrides
from knowledge.errors import CanevasError, QuestionRejected
from knowledge.limits import Limits, check_question

F = TypeVar("F", bound=Callable[..., Any])
_STATUS_FR = {"added": "ajoutés", "updated": "mis à jour", "unchanged": "inchangés",
              "failed": "en échec"}


def progress_printer() -> Callable[[str, int, int], None]:
    started = time.monotonic()

    def show(name: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return  # the knowledge base writes progress lines instead (log_echo)
        width = 30
        filled = width * done // max(total, 1)
        bar = "█" * filled + "·" * (width - filled)
        elapsed = time.monotonic() - started
        line = f"\r[{bar}] {done}/{total} fichiers, {elapsed:.0f} s  {name[:40]:<40}"
        click.echo(line, err=True, nl=done == total)

    return show


def log_echo() -> TextIO | None:
    """Where progress lines are echoed: stderr when it is not a terminal (a terminal
    has the redrawn bar); the log file under the base folder gets them either way."""
    return None if sys.stderr.isatty() else sys.stderr


def print_report(report: IngestReport, elapsed: float) -> None:
    counts = report.counts
    summary = ", ".join(f"{n} {_STATUS_FR[k]}" for k, n in counts.items())
    chunks = sum(o.chunks for o in report.outcomes if o.status in ("added", "updated"))
    click.echo(f"Résumé : {summary} ({chunks} passages indexés en {elapsed:.1f} s).")
    for outcome in report.outcomes:
        if outcome.status == "failed":
            click.echo(f"  ✗ {Path(outcome.path).name} : {outcome.message}")
        elif outcome.message:
            click.echo(f"  = {Path(outcome.path).name} : {outcome.message}")


class PluginGroup(click.Group):
    """The root group, completed by commands of higher layers found by entry point.

    ``canevas eval …`` lives in ``evals`` and registers itself under the
    ``canevas.commands`` entry point group: the shell never imports ``evals``, so the
    layer contract holds, and the command still appears in ``canevas --help``.
    """

    def _plugins(self) -> dict[str, EntryPoint]:
        return {e.name: e for e in entry_points(group="canevas.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugins()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self._plugins():
            command = self._plugins()[cmd_name].load()
        return command


@click.group(cls=PluginGroup)
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Dossier des données (par défaut : CANEVAS_DATA_DIR ou ~/.local/share/canevas).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """Canevas : la base documentaire de votre association, interrogée et sourcée."""
    try:
        settings = Settings(data_dir=data_dir) if data_dir else Settings()
    except ValidationError as exc:
        click.echo(f"Erreur : {setting_problem(exc)}", err=True)
        sys.exit(1)
    ctx.obj = Container(settings)
    ctx.call_on_close(ctx.obj.close)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--org", default=None, help="Organisation (sinon déduite du texte).")
@click.option("--type", "doc_type", default=None, help="Type de document (sinon déduit).")
@click.option("--year", type=int, default=None, help="Année (sinon déduite).")
@click.option("--title", default=None, help="Titre (sinon déduit).")
@click.option("--pii", type=click.Choice(["pseudonymise", "flag", "off"]), default=None,
              help="Données personnelles : pseudonymiser, signaler seulement, ou ignorer "
                   "(par défaut : selon le type de document).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], org: str | None,
           doc_type: str | None, year: int | None, title: str | None, pii: str | None) -> None:
    """Ajouter ou mettre à jour des fichiers ou des dossiers dans la base."""
    with user_errors():
        started = time.monotonic()
        report = container_of(ctx).knowledge_base.ingest(
            list(paths), Overrides(org, doc_type, year, title, pii), progress=progress_printer(),
            log_echo=log_echo(),
        )
        print_report(report, time.monotonic() - started)
        if report.counts["failed"]:
            sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.pass_context
def documents(ctx: click.Context, as_json: bool) -> None:
    """Lister les documents de la base."""
    with user_errors():
        records = container_of(ctx).knowledge_base.documents()
        if as_json:
            click.echo(json.dumps([r.as_dict() for r in records], ensure_ascii=False, indent=2))
            return
        if not records:
            click.echo("La base est vide : ajoutez des documents avec `canevas ingest`.")
            return
        for r in records:
            state = "" if r.status == "ready" else "  (interrompu : relancez l'ajout)"
            click.echo(
                f"{r.doc_id}  {r.source}  — {r.title} | {r.organisation or '?'} | "
                f"{r.doc_type} | {r.year or '?'} | {r.chunk_count} passages{state}"
            )
        click.echo(f"{len(records)} document(s).")


@cli.command()
@click.argument("name_or_id")
@click.pass_context
def remove(ctx: click.Context, name_or_id: str) -> None:
    """Retirer un document de la base (tous les index)."""
    with user_errors():
        record = container_of(ctx).knowledge_base.remove(name_or_id)
        click.echo(f"Document retiré : {record.source} ({record.chunk_count} passages).")


@cli.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Réindexer toute la base avec le modèle configuré."""
    with user_errors():
        started = time.monotonic()
        report = container_of(ctx).knowledge_base.reindex(
            progress=progress_printer(), log_echo=log_echo())
        print_report(report, time.monotonic() - started)


@cli.command()
@click.pass_context
def rebuild(ctx: click.Context) -> None:
    """Reconstruire la base (registre, vecteurs, index) à partir des copies gardées."""
    from knowledge.base import KnowledgeBase
    from knowledge.errors import ManifestDamaged
    from knowledge.manifest import Manifest

    with user_errors():
        container = container_of(ctx)
        try:
            Manifest(container.settings.data_dir / "manifest.sqlite").close()
        except ManifestDamaged:
            KnowledgeBase.discard_indexes(container.settings.data_dir)
            click.echo("Registre endommagé supprimé ; reconstruction depuis originals/.",
                       err=True)
        started = time.monotonic()
        report = container.knowledge_base.reindex(
            progress=progress_printer(), log_echo=log_echo())
        print_report(report, time.monotonic() - started)
        if report.counts["failed"]:
            sys.exit(1)


def _filters(org: str | None, doc_type: str | None, year: int | None,
             source: str | None) -> SearchFilters:
    return SearchFilters(organisation=org, doc_type=doc_type, year=year, source=source)


def filter_options(func: F) -> F:
    for option in (
        click.option("--source", default=None, help="Limiter à un fichier."),
        click.option("--year", type=int, default=None, help="Limiter à une année."),
        click.option("--type", "doc_type", default=None, help="Limiter à un type de document."),
        click.option("--org", default=None, help="Limiter à une organisation."),
    ):
        func = option(func)
    return func


@cli.command()
@click.argument("question", required=False)
@click.option("-k", "k", default=10, show_default=True, help="Nombre de passages.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.option("--batch", type=click.Path(exists=True, path_type=Path), default=None,
              help="Fichier JSONL de questions {id, question}.")
@filter_options
@click.pass_context
def search(ctx: click.Context, question: str | None, k: int, as_json: bool, batch: Path | None,
           org: str | None, doc_type: str | None, year: int | None, source: str | None) -> None:
    """Chercher les passages qui répondent à une question."""
    with user_errors():
        searcher = container_of(ctx).searcher

        def whole_search(text: str, k: int, filters: SearchFilters) -> list[Passage]:
            return make_whole(searcher.search(text, k, filters),
                              searcher.kb.manifest.chunks_by_ids)

        filters = _filters(org, doc_type, year, source)
        if batch is not None:
            _search_batch(whole_search, batch, k, filters)
            return
        if question is None:
            raise click.UsageError("Donnez une question, ou --batch FICHIER.jsonl.")
        question = check_question(question, container_of(ctx).settings.limits)
        passages = whole_search(question, k, filters)
        if as_json:
            click.echo(json.dumps([p.as_dict() for p in passages], ensure_ascii=False, indent=2))
            return
        if not passages:
            click.echo("Aucun passage trouvé.")
        for rank, p in enumerate(passages, start=1):
            where = f"{p.source}" + (f", p. {p.page}" if p.page else "")
            click.echo(f"\n[{rank}] {p.title} — {p.section or '(début)'}  ({where})")
            click.echo(f"    {p.text[:400]}{'…' if len(p.text) > 400 else ''}")


_BATCH_FIELDS = ("chunk_id", "text", "source", "title", "section", "page", "score")


def _read_batch(batch: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """Rows of a JSONL file of questions, checked one by one with a French message."""
    for number, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = str(row["question"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CanevasError(
                f"Ligne {number} de {batch.name} invalide : il faut {{\"id\", \"question\"}}."
            ) from exc
        yield row, question


def _search_batch(search_fn: Callable[..., Any], batch: Path, k: int,
                  filters: SearchFilters) -> None:
    for row, question in _read_batch(batch):
        try:
            question = check_question(question, Limits())
        except QuestionRejected as exc:
            click.echo(json.dumps({"id": row.get("id"), "error": str(exc)}, ensure_ascii=False))
            continue
        passages = search_fn(question, k, filters)
        out = {"id": row.get("id"),
               "passages": [{f: p.as_dict()[f] for f in _BATCH_FIELDS} for p in passages]}
        click.echo(json.dumps(out, ensure_ascii=False))


_CITATION_FIELDS = ("n", "chunk_id", "source", "section", "page", "text")


def _print_answer(answer: Answer, streamed: bool) -> None:
    if not streamed:
        click.echo(answer.text)
    else:
        click.echo()
    for sentence in answer.unsupported:
        click.echo(f"  ⚠ Phrase sans source vérifiable : « {sentence} »")
    for check in answer.unsourced:
        click.echo(f"  ⚠ {check}")
    if answer.citations:
        click.echo("\nSources :")
    for c in answer.citations:
        where = c.source + (f", p. {c.page}" if c.page else "")
        click.echo(f"  [{c.n}] {c.title} — {c.section or '(début)'} ({where})")
    click.echo(f"\n(conversation {answer.conversation_id} — reprendre avec "
               f"--conversation {answer.conversation_id})", err=True)


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.option("--conversation", "conversation_id", default=None,
              help="Poursuivre une conversation (identifiant affiché après chaque réponse).")
@click.option("--batch", type=click.Path(exists=True, path_type=Path), default=None,
              help="Fichier JSONL de questions {id, question} ; une ligne JSON par réponse.")
@click.pass_context
def ask(ctx: click.Context, question: str | None, as_json: bool, conversation_id: str | None,
        batch: Path | None) -> None:
    """Poser une question : réponse sourcée [n], ou refus si la base ne la contient pas."""
    with user_errors():
        service = container_of(ctx).answers
        if batch is not None:
            for row, text in _read_batch(batch):
                try:
                    answer = service.ask(text, save=False)
                except QuestionRejected as exc:
                    click.echo(json.dumps({"id": row.get("id"), "error": str(exc)},
                                          ensure_ascii=False))
                    continue
                click.echo(json.dumps({
                    "id": row.get("id"), "answer": answer.text, "refused": answer.refused,
                    "uncertain": answer.uncertain,
                    "citations": [{f: getattr(c, f) for f in _CITATION_FIELDS}
                                  for c in answer.citations],
                }, ensure_ascii=False))
            return
        if question is None:
            raise click.UsageError("Donnez une question, ou --batch FICHIER.jsonl.")
        stream = not as_json and service.chat_model is not None
        answer = service.ask(question, conversation_id,
                             on_token=(lambda t: click.echo(t, nl=False)) if stream else None)
        if as_json:
            click.echo(json.dumps(answer.as_dict(), ensure_ascii=False, indent=2))
            return
        _print_answer(answer, stream)


@cli.command()
@click.argument("conversation_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.pass_context
def conversations(ctx: click.Context, conversation_id: str | None, as_json: bool) -> None:
    """Lister les conversations enregistrées, ou en afficher une."""
    with user_errors():
        store = container_of(ctx).conversations
        if conversation_id is None:
            items = store.list()
            if as_json:
                click.echo(json.dumps([vars(i) for i in items], ensure_ascii=False, indent=2))
                return
            for item in items:
                day = time.strftime("%d/%m/%Y %H:%M", time.localtime(item.updated))
                click.echo(f"{item.id}  {day}  {item.turns} échange(s)  {item.title}")
            if not items:
                click.echo("Aucune conversation enregistrée.")
            return
        turns = store.turns(conversation_id)
        if as_json:
            click.echo(json.dumps([vars(t) for t in turns], ensure_ascii=False, indent=2))
            return
        for turn in turns:
            click.echo(f"\n» {turn.question}\n{turn.answer.get('text', '')}")


@cli.command()
@click.option("--question", default="Comment se passe l'accueil d'un nouveau résident ?",
              show_default=True)
@click.pass_context
def demo(ctx: click.Context, question: str) -> None:
    """Construire la base de démonstration et y poser une question (réponse sourcée)."""
    from knowledge.demo import build_demo

    with user_errors():
        container = container_of(ctx)
        folder = build_demo(container.settings.data_dir / "demo-documents")
        started = time.monotonic()
        report = container.knowledge_base.ingest(
            [folder], progress=progress_printer(), log_echo=log_echo())
        print_report(report, time.monotonic() - started)
        click.echo(f"\n» {question}")
        ctx.invoke(ask, question=question)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.pass_context
def glossary(ctx: click.Context, as_json: bool) -> None:
    """Lister les sigles définis dans la base, avec la source de chaque définition."""
    with user_errors():
        entries = container_of(ctx).knowledge_base.glossary_entries()
        if as_json:
            click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
            return
        for e in entries:
            where = str(e["source"]) + (f" — {e['section']}" if e["section"] else "")
            click.echo(f"{e['sigle']:<10} {e['definition']}  [{where}]")


@cli.command()
@click.argument("text")
@click.pass_context
def forget(ctx: click.Context, text: str) -> None:
    """Effacer une personne ou un identifiant de toute la base (droit à l'effacement)."""
    from assistant.app.erasure import forget_everywhere

    with user_errors():
        try:
            report = forget_everywhere(container_of(ctx), text)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"Effacé : {report.chunks} passage(s) dans {len(report.documents)} "
                   f"document(s), {len(report.pseudonyms)} pseudonyme(s), "
                   f"{report.conversation_turns} échange(s) de conversation, "
                   f"{report.drafts} brouillon(s).")
        for source in report.documents:
            click.echo(f"  - {source} (la copie gardée ne contient plus que le reste du texte)")


@cli.group(name="pii")
def pii_group() -> None:
    """Données personnelles : rapport, liste d'autorisation, table de correspondance."""


_ENTITY_FR = {"PERSON": "personnes", "EMAIL_ADDRESS": "courriels", "FR_PHONE": "téléphones",
              "FR_NIR": "NIR", "IBAN_CODE": "IBAN", "FR_CAF_NUMBER": "n° allocataire",
              "FR_ADDRESS": "adresses", "DATE_OF_BIRTH": "dates de naissance"}


@pii_group.command(name="report")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.pass_context
def pii_report(ctx: click.Context, as_json: bool) -> None:
    """Ce qui a été détecté par document (types et nombres, jamais les valeurs)."""
    with user_errors():
        kb = container_of(ctx).knowledge_base
        detections = kb.vault.detections()
        rows: list[dict[str, Any]] = []
        for d in kb.documents():
            policy, counts = detections.get(d.doc_id, ("off", {}))
            rows.append({"source": d.source, "doc_id": d.doc_id, "policy": policy,
                         "counts": counts})
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            found = ", ".join(f"{n} {_ENTITY_FR.get(e, e)}" for e, n in row["counts"].items())
            click.echo(f"{row['source']}  [{row['policy']}]  {found or 'rien de détecté'}")


@pii_group.command(name="allow")
@click.argument("name")
@click.pass_context
def pii_allow(ctx: click.Context, name: str) -> None:
    """Garder un nom en clair (responsable de l'association) lors des prochains ajouts."""
    if len(name.strip()) < 2:
        raise click.UsageError("Donnez le nom à garder en clair (au moins deux caractères).")
    kb = container_of(ctx).knowledge_base
    path = kb.data_dir / "pii" / "allow.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(name.strip() + "\n")
    click.echo(f"« {name} » sera gardé en clair. Réindexez (`canevas reindex`) pour "
               "l'appliquer aux documents déjà présents.")


@pii_group.command(name="mapping")
@click.option("--reveal", is_flag=True, help="Confirmer l'affichage des valeurs d'origine.")
@click.pass_context
def pii_mapping(ctx: click.Context, reveal: bool) -> None:
    """Afficher la table pseudonyme → valeur d'origine (données sensibles)."""
    if not reveal:
        raise click.UsageError("Cette table contient des données personnelles : "
                               "ajoutez --reveal pour l'afficher.")
    for placeholder, original in container_of(ctx).knowledge_base.vault.mapping():
        click.echo(f"{placeholder}\t{original}")


cli.add_command(draft_group)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse d'écoute ; au-delà de 127.0.0.1 une connexion est exigée.")
@click.option("--port", type=int, default=7860, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Ouvrir le navigateur.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, open_browser: bool) -> None:
    """Ouvrir l'application web (questions, rédaction, base documentaire)."""
    from assistant.app.web.app import serve as serve_app

    with user_errors():
        click.echo(f"Canevas : http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port} "
                   "(Ctrl+C pour arrêter)", err=True)
        serve_app(container_of(ctx), host, port, open_browser)


@cli.group(name="users")
def users_group() -> None:
    """Comptes de l'application web (obligatoires hors de 127.0.0.1)."""


@users_group.command(name="add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
@click.pass_context
def users_add(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Créer un compte ou changer son mot de passe."""
    from assistant.app.users import UserStore

    password = (sys.stdin.readline().rstrip("\n") if password_stdin else
                click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True))
    with user_errors():
        UserStore(container_of(ctx).settings.data_dir).add(name, password)
        click.echo(f"Compte « {name} » enregistré.")


@users_group.command(name="remove")
@click.argument("name")
@click.pass_context
def users_remove(ctx: click.Context, name: str) -> None:
    """Supprimer un compte."""
    from assistant.app.users import UserStore

    with user_errors():
        UserStore(container_of(ctx).settings.data_dir).remove(name)
        click.echo(f"Compte « {name} » supprimé.")


@users_group.command(name="list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """Lister les comptes."""
    from assistant.app.users import UserStore

    with user_errors():
        for name in UserStore(container_of(ctx).settings.data_dir).names():
            click.echo(name)


def main() -> None:
    cli(prog_name="canevas")


if __name__ == "__main__":
    main()
