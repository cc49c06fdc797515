"""`flask practice fit`: the nightly fit of personal FSRS parameters, run by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from prepdeck.accounts.services import find_by_email
from prepdeck.core.cli import domain_errors_as_click
from prepdeck.practice import parameters, services

practice_cli = AppGroup("practice", help="Spaced-repetition practice.")

RESULTS = {
    parameters.ADOPTED: "fitted parameters adopted",
    parameters.NOT_BETTER: "fitted parameters predicted no better; the current ones stay",
    parameters.TOO_LITTLE: f"too little history (fewer than {parameters.MIN_REVIEWS} reviews)",
    parameters.DEFAULTS_CHOSEN: "keeps FSRS's defaults by choice",
}


@practice_cli.command("fit")
@click.option("--email", help="Only this person (default: everyone with enough history).")
@domain_errors_as_click
def fit(email: str | None) -> None:
    """Fit FSRS parameters to each person's review history, as the nightly job does."""
    now = services.clock()
    if email is None:
        tally = parameters.fit_everyone(now)
        click.echo(", ".join(f"{result}: {n}" for result, n in sorted(tally.items())) or "nobody")
        return
    person = find_by_email(email)
    if person is None:
        raise click.ClickException(f"no account with the email {email}")
    outcome = parameters.fit_parameters(person.id, now)
    click.echo(f"{person.email}: {RESULTS[outcome.result]} ({outcome.reviews} reviews)")
    if outcome.fitted_log_loss is not None:
        click.echo(
            f"log loss: fitted {outcome.fitted_log_loss:.4f}, "
            f"in use {outcome.current_log_loss:.4f}, defaults {outcome.default_log_loss:.4f}"
        )
