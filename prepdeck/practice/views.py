"""Practice pages: following a deck, and the review page (prompt, answer, the four buttons
with their intervals, undo), usable without JavaScript; review.js adds the keys."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from prepdeck.accounts.access import current_account
from prepdeck.core.errors import DomainError
from prepdeck.decks.models import LEVELS
from prepdeck.practice import days, reviewing, services, undo
from prepdeck.practice.forms import AnswerForm, UndoForm
from prepdeck.practice.queue import NO_FILTER

bp = Blueprint("practice", __name__)

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


@bp.app_template_filter("their_clock")
def their_clock(moment: datetime) -> str:
    """A moment as the signed-in person reads it: on their clock, in their practice time zone."""
    local = moment.astimezone(days.zone(services.get_settings(current_account().id).time_zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


@bp.post("/decks/<slug>/follow")
@login_required
def follow(slug: str):
    services.follow(current_account(), slug)
    flash("You follow this deck: its questions are in your practice queue.", "success")
    return redirect(url_for("decks.deck", slug=slug))


@bp.post("/decks/<slug>/unfollow")
@login_required
def unfollow(slug: str):
    services.unfollow(current_account(), slug)
    flash("You no longer follow this deck: it has left your practice queue.", "info")
    return redirect(url_for("decks.deck", slug=slug))


@bp.get("/practice")
@login_required
def review():
    person = current_account()
    try:
        narrowing = reviewing.narrowing(person, request.args)
        screen = reviewing.review_screen(
            person, narrowing.filter, request.args.get("reveal", type=int)
        )
    except DomainError as error:  # a bad narrowing: said on the page, with a way out
        screen = reviewing.review_screen(person, NO_FILTER)
        narrowing = reviewing.Narrowing(NO_FILTER, {})
        return _page(screen, narrowing, error=error.message), error.status
    return _page(screen, narrowing)


def _page(screen: reviewing.ReviewScreen, narrowing: reviewing.Narrowing, error: str = ""):
    card = screen.card
    revealed = bool(card) and request.args.get("reveal", type=int) == card.question.id
    shown = request.args.get("shown", type=int) if revealed else None
    form = AnswerForm(
        formdata=None,
        question_id=card.question.id if card else None,
        idempotency_key=card.answer_key if card else "",
        shown_at=shown or reviewing.shown_at(),
    )
    return render_template(
        "practice/review.html", screen=screen, card=card, revealed=revealed, form=form,
        undo_form=UndoForm(formdata=None, answer_id=getattr(screen.last_answer, "id", None)),
        narrowing=narrowing, args=narrowing.args, levels=LEVELS, ratings=RATING_NAMES,
        error=error,
    )  # fmt: skip


@bp.post("/practice/answer")
@login_required
def answer():
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "danger")
        return _back()
    try:
        reviewing.answer_from_page(
            current_account(), form.question_id.data, form.rating.data,
            form.shown_at.data, form.idempotency_key.data,
        )  # fmt: skip
    except DomainError as error:  # e.g. the question was deleted while it was shown
        flash(error.message, "warning")
    return _back()


@bp.post("/practice/undo")
@login_required
def undo_answer():
    form = UndoForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "danger")
        return _back()
    try:
        undone = undo.undo_last(current_account(), form.answer_id.data)
    except DomainError as error:
        flash(error.message, "warning")
    else:
        flash(f"Undone: your {RATING_NAMES[undone.rating]} answer is taken back.", "info")
    return _back()


def _back():
    """To the review page, narrowed as it was (see Other / 303: a reload does not resend)."""
    args = {name: request.args[name] for name in reviewing.NARROW_ARGS if request.args.get(name)}
    return redirect(url_for("practice.review", **args), code=303)


def _first_error(form) -> str:
    """The rating's own message; the hidden fields are only wrong when the form was altered."""
    rating = getattr(form, "rating", None)
    if rating is not None and rating.errors:
        return rating.errors[0]
    return "This form could not be read. Reload the page and try again."
