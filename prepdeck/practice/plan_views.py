"""The interview plan page: set a date and its decks, see what that date asks of you."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from prepdeck.accounts.access import current_account
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.core.forms import ActionForm, show_error
from prepdeck.practice import plans
from prepdeck.practice.plan_forms import PlanForm

bp = Blueprint("plan", __name__, url_prefix="/practice/plan")


@bp.route("", methods=["GET", "POST"])
@login_required
def plan_page():
    person = current_account()
    status = _status(person)
    form = PlanForm()
    form.deck_ids.choices = plans.deck_choices(person)
    if status is not None and not form.is_submitted():
        form.interview_date.data = status.interview_date
        form.deck_ids.data = [deck.id for deck in status.decks]
    if form.validate_on_submit():
        try:
            plans.set_plan(person, form.interview_date.data, form.deck_ids.data)
        except (Invalid, Conflict, NotFound) as error:
            show_error(form, error)
        else:
            flash("Plan saved. Your review queue follows it until the interview.", "success")
            return redirect(url_for("plan.plan_page"))
    return render_template("practice/plan.html", status=status, form=form, delete_form=ActionForm())


@bp.post("/delete")
@login_required
def delete_plan():
    form = ActionForm()
    if form.validate_on_submit():
        plans.delete_plan(current_account())
        flash("Plan removed. Your queue keeps your own daily limits again.", "info")
    return redirect(url_for("plan.plan_page"))


def _status(person) -> plans.PlanStatus | None:
    try:
        return plans.plan_status(person)
    except NotFound:
        return None
