"""The practice settings page: the person's settings, their FSRS parameters, reminders."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from prepdeck.accounts.access import current_account
from prepdeck.core.errors import Invalid
from prepdeck.core.forms import ActionForm, show_error
from prepdeck.practice import parameters
from prepdeck.practice.forms import PracticeSettingsForm
from prepdeck.practice.settings import get_settings, update_settings

bp = Blueprint("practice_settings", __name__, url_prefix="/practice")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    person = current_account()
    stored = get_settings(person.id)
    form = PracticeSettingsForm(obj=stored)
    if form.validate_on_submit():
        try:
            update_settings(person.id, **form.changes())
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Practice settings saved.", "success")
            return redirect(url_for(".settings"))
    return _page(person.id, form)


def _page(person_id: int, form: PracticeSettingsForm) -> str:
    return render_template(
        "practice/settings.html",
        form=form,
        fsrs=parameters.parameter_status(person_id),
        action_form=ActionForm(),
    )


@bp.post("/settings/parameters/defaults")
@login_required
def use_default_parameters():
    if ActionForm().validate_on_submit():
        parameters.use_defaults(current_account().id)
        flash("You now use FSRS's default parameters; they will not be refitted.", "success")
    return redirect(url_for(".settings", _anchor="parameters-heading"))


@bp.post("/settings/parameters/personal")
@login_required
def fit_personal_parameters():
    if ActionForm().validate_on_submit():
        parameters.resume_fitting(current_account().id)
        flash("Your parameters will be fitted to your history tonight.", "success")
    return redirect(url_for(".settings", _anchor="parameters-heading"))
