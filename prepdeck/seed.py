"""`flask seed demo`: demo accounts and the built-in Flask deck, for a first look."""

from __future__ import annotations

from importlib import resources

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from prepdeck.accounts import services as accounts
from prepdeck.accounts.models import User
from prepdeck.core.cli import domain_errors_as_click
from prepdeck.decks import services as decks
from prepdeck.decks.importer import parse_document
from prepdeck.decks.models import Deck
from prepdeck.decks.transfer import ImportResult, import_document
from prepdeck.extensions import db
from prepdeck.practice.demo import DemoHistory, simulate_history

seed_cli = AppGroup("seed", help="Load demonstration data.")

DEMO_USERS = (
    ("admin@example.com", "Demo Admin", "admin", "practice-makes-perfect"),
    ("demo@example.com", "Demo Candidate", "user", "ready-for-interviews"),
)
FLASK_DECK_SLUG = "flask-interview-questions"


def seed_demo() -> list[str]:
    """Create whichever demo accounts are missing; returns what was created."""
    created = []
    for email, name, role, password in DEMO_USERS:
        if accounts.find_by_email(email) is None:
            accounts.create_user(email, password, display_name=name, role=role)
            created.append(email)
    return created


def flask_deck_document() -> bytes:
    return resources.files("prepdeck.decks").joinpath("data/flask.md").read_bytes()


def load_flask_deck(owner: User) -> ImportResult | None:
    """The built-in Flask deck as a public deck of `owner`, unless it is there already."""
    if db.session.scalar(sa.select(Deck.id).where(Deck.slug == FLASK_DECK_SLUG)) is not None:
        return None
    parsed = parse_document(flask_deck_document())
    deck = decks.create_deck(
        owner, parsed.title, parsed.description, "public", slug=FLASK_DECK_SLUG
    )
    try:
        return import_document(owner, parsed, deck=deck)
    except Exception:
        # An empty deck left behind would make the next run skip the import.
        db.session.rollback()
        decks.delete_deck(deck, owner)
        raise


def practise_flask_deck(person: User) -> DemoHistory | None:
    """The demo candidate follows the Flask deck with weeks of reviews behind them, unless
    they have a review history already."""
    deck = db.session.scalar(sa.select(Deck).where(Deck.slug == FLASK_DECK_SLUG))
    return simulate_history(person, deck)


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no users yet.")
@click.option("--force", is_flag=True, help="Allow seeding with the production settings.")
@domain_errors_as_click
def demo(if_empty: bool, force: bool) -> None:
    """Load demo users and data (safe to run twice)."""
    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException("refusing to load demo accounts in production (use --force)")
    if if_empty and db.session.scalar(sa.select(sa.func.count(User.id))):
        click.echo("Database already has users; demo data not loaded.")
        return
    created = seed_demo()
    for email, _name, role, password in DEMO_USERS:
        if email in created:
            click.echo(f"Created {role} {email} with password {password}")
    loaded = load_flask_deck(accounts.find_by_email(DEMO_USERS[0][0]))
    if loaded is not None:
        counts = ", ".join(f"{level} {n}" for level, n in loaded.parsed.counts_by_level().items())
        click.echo(
            f"Loaded the Flask deck: {loaded.added} questions ({counts}) "
            f"at /decks/{loaded.deck.slug}"
        )
    history = practise_flask_deck(accounts.find_by_email(DEMO_USERS[1][0]))
    if history is not None:
        click.echo(
            f"Gave {DEMO_USERS[1][0]} {history.reviews} reviews of {history.cards} questions "
            f"over the last {history.days} days"
        )
    if not created and loaded is None and history is None:
        click.echo("Demo data already present.")
