"""`flask seed demo`: demo accounts (and, as features land, their data) for a first look."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from prepdeck.accounts import services as accounts
from prepdeck.accounts.models import User
from prepdeck.core.cli import domain_errors_as_click
from prepdeck.extensions import db

seed_cli = AppGroup("seed", help="Load demonstration data.")

DEMO_USERS = (
    ("admin@prepdeck.local", "Demo Admin", "admin", "practice-makes-perfect"),
    ("demo@prepdeck.local", "Demo Candidate", "user", "ready-for-interviews"),
)


def seed_demo() -> list[str]:
    """Create whichever demo accounts are missing; returns what was created."""
    created = []
    for email, name, role, password in DEMO_USERS:
        if accounts.find_by_email(email) is None:
            accounts.create_user(email, password, display_name=name, role=role)
            created.append(email)
    return created


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
    if not created:
        click.echo("Demo data already present.")
