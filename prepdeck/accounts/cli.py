"""`flask users ...` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from prepdeck.accounts import services
from prepdeck.core.cli import domain_errors_as_click

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--password", help="Password for the account; prompted for when left out.")
@click.option(
    "--name", "display_name", default="", help="Display name (defaults to the email's name part)."
)
@domain_errors_as_click
def create_admin(email: str, password: str | None, display_name: str) -> None:
    """Create an administrator account with a confirmed email."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = services.create_user(email, password, display_name=display_name, role="admin")
    click.echo(f"Created administrator {user.email} (id {user.id}).")
