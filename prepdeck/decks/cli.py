"""`flask decks import` and `flask decks export`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from prepdeck.accounts.models import User
from prepdeck.accounts.services import find_by_email
from prepdeck.core.cli import domain_errors_as_click
from prepdeck.decks import corpus_check, services, transfer
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
@click.option("--deck", "deck_slug", help="Add to this existing deck instead of a new one.")
@click.option("--title", default="", help="Title of the new deck (default: the document's).")
@click.option("--owner", "owner_email", help="Owner's email (default: the first admin).")
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@domain_errors_as_click
def import_command(file: Path, deck_slug, title: str, owner_email, dry_run: bool) -> None:
    """Import a Markdown or text question document."""
    if deck_slug and title:
        raise click.UsageError("use --deck or --title, not both")
    if file.stat().st_size > MAX_FILE:
        raise click.ClickException(f"{file} is larger than {MAX_FILE // 1048576} MB")
    parsed = parse_document(file.read_bytes())
    if dry_run:
        for number, item in enumerate(parsed.questions, 1):
            click.echo(f"{number:>4}. [{item.level or '-'}] {item.prompt[:100]}")
        _report(parsed)
        click.echo("Dry run: nothing was saved.")
        return
    deck = services.find_deck(deck_slug) if deck_slug else None
    owner = deck.owner if deck is not None else _owner(owner_email)
    with click.progressbar(length=1, label="Importing", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        result = transfer.import_document(owner, parsed, title=title, deck=deck, progress=progress)
    _report(parsed)
    click.echo(
        f"Imported {result.added} questions into “{result.deck.title}” ({result.deck.slug})."
    )


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
