"""`flask decks import`, `flask decks check` and `flask decks export`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from prepdeck.accounts.models import User
from prepdeck.accounts.services import find_by_email
from prepdeck.core.cli import domain_errors_as_click
from prepdeck.decks import corpus_check, reimport, services, transfer
from prepdeck.decks.importer import ParsedDocument, parse_document
from prepdeck.extensions import db

decks_cli = AppGroup("decks", help="Import and export decks.")
MAX_FILE = 20 * 1024 * 1024


def _owner(email: str | None) -> User:
    if email:
        user = find_by_email(email)
        if user is None:
            raise click.ClickException(f"no account with the email {email}")
        return user
    first_admin = db.session.scalar(
        sa.select(User).where(User.role == "admin").order_by(User.id).limit(1)
    )
    if first_admin is None:
        raise click.ClickException("no administrator to own the deck: pass --owner EMAIL")
    return first_admin


def _report(parsed: ParsedDocument) -> None:
    counts = parsed.counts_by_level()
    click.echo(f"{len(parsed.questions)} questions: " + ", ".join(
        f"{level} {count}" for level, count in counts.items()
    ))  # fmt: skip
    for warning in parsed.warnings:
        click.echo(f"warning: {warning}")


@decks_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--deck", "deck_slug",
    help="Update this deck from the document (a newer version of the one it came from).",
)  # fmt: skip
@click.option("--append", is_flag=True, help="With --deck: add every question after its own.")
@click.option("--prune", is_flag=True, help="With --deck: remove its questions not in the file.")
@click.option("--title", default="", help="Title of the new deck (default: the document's).")
@click.option("--owner", "owner_email", help="Owner's email (default: the first admin).")
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@domain_errors_as_click
def import_command(
    file: Path, deck_slug, append: bool, prune: bool, title: str, owner_email, dry_run: bool
) -> None:
    """Import a Markdown or text question document.

    With --deck, questions are matched to the deck's by their prompt: changed answers and
    levels are updated in place (ids stay), new questions are added at their place, and
    questions gone from the document are kept unless --prune is given."""
    if deck_slug and title:
        raise click.UsageError("use --deck or --title, not both")
    if (append or prune) and not deck_slug:
        raise click.UsageError("--append and --prune need --deck")
    if append and prune:
        raise click.UsageError("use --append or --prune, not both")
    if file.stat().st_size > MAX_FILE:
        raise click.ClickException(f"{file} is larger than {MAX_FILE // 1048576} MB")
    parsed = parse_document(file.read_bytes())
    deck = services.find_deck(deck_slug) if deck_slug else None
    if deck is not None:
        owner = _owner(owner_email) if owner_email else deck.owner
        services.require_editor(deck, owner)
    mode = "append" if append else "update"
    if dry_run:
        _dry_run(parsed, deck if mode == "update" else None, prune)
        return
    if deck is None:
        owner = _owner(owner_email)
    with click.progressbar(length=1, label="Importing", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        outcome = reimport.import_questions(
            owner, parsed, title=title, deck=deck, mode=mode, prune=prune, progress=progress
        )
    _report(parsed)
    where = f"“{outcome.deck.title}” ({outcome.deck.slug})"
    if deck is None or mode == "append":
        click.echo(f"Imported {outcome.added} questions into {where}.")
    elif outcome.nothing_changed:
        click.echo(f"Nothing changed: {where} already matches the document.")
        _echo_gone(outcome.gone, outcome.removed)
    else:
        click.echo(f"Updated {where}: {_counts(outcome.as_dict())}.")
        _echo_gone(outcome.gone, outcome.removed)


def _dry_run(parsed: ParsedDocument, deck, prune: bool) -> None:
    if deck is None:
        for number, item in enumerate(parsed.questions, 1):
            click.echo(f"{number:>4}. [{item.level or '-'}] {item.prompt[:100]}")
    else:
        plan = reimport.plan_reimport(reimport.deck_contents(deck), parsed.questions)
        for index in plan.added:
            click.echo(f"added     {index + 1:>4}. {plan.questions[index].prompt[:100]}")
        for index, fields in plan.changed.items():
            what = ", ".join(fields)
            click.echo(f"changed   {index + 1:>4}. {plan.questions[index].prompt[:100]} ({what})")
        for item in plan.gone:
            click.echo(f"gone            {item.prompt[:100]}")
        click.echo(f"Plan for “{deck.title}” ({deck.slug}): {_counts(plan.counts())}.")
        if plan.reordered:
            click.echo("The deck's questions would be put in the document's order.")
        _echo_gone(len(plan.gone), len(plan.gone) if prune else 0, would=True)
    _report(parsed)
    click.echo("Dry run: nothing was saved.")


def _counts(counts: dict) -> str:
    names = ("added", "changed", "unchanged", "gone")
    return ", ".join(f"{counts[name]} {name}" for name in names)


def _echo_gone(gone: int, removed: int, would: bool = False) -> None:
    """Say what happens to the deck's questions that are gone from the document."""
    if not gone:
        return
    subject = "1 question" if gone == 1 else f"{gone} questions"
    verb = "would be" if would else "was" if gone == 1 else "were"
    fate = "removed" if removed else "kept (--prune removes them)"
    click.echo(f"{subject} of the deck not in the document {verb} {fate}.")


@decks_cli.command("check")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@domain_errors_as_click
def check_command(folder: Path) -> None:
    """Read every document named in FOLDER/expected.json and compare with what it expects.

    Nothing is written. Exits non-zero when a document is read wrongly.
    """
    rows = corpus_check.check_folder(folder)
    click.echo(corpus_check.table(rows))
    right = sum(row.right for row in rows)
    click.echo(f"{right}/{len(rows)} documents read right.")
    if right < len(rows):
        raise click.ClickException(f"{len(rows) - right} of {len(rows)} documents are read wrongly")


@decks_cli.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(sorted(transfer.FORMATS)), default="md")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@domain_errors_as_click
def export_command(slug: str, fmt: str, output: Path) -> None:
    """Export a deck to Markdown, JSON or an Anki package."""
    deck = services.find_deck(slug)
    content, _mimetype, _name = transfer.export_deck(deck, fmt)
    output.write_bytes(content)
    click.echo(f"Wrote {deck.question_count} questions to {output}.")
