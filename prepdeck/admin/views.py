"""The /admin area: dashboard, users, background jobs and the mail outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from prepdeck.accounts.access import admin_required, current_account
from prepdeck.accounts.models import ROLES
from prepdeck.admin import services
from prepdeck.core import jobs, mail
from prepdeck.core.errors import DomainError
from prepdeck.core.forms import ActionForm
from prepdeck.core.pagination import page_number
from prepdeck.core.urls import safe_redirect_target

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@admin_required
def index():
    return redirect(url_for("admin.dashboard"))


@bp.get("/dashboard")
@admin_required
def dashboard():
    return render_template(
        "admin/dashboard.html",
        counts=services.user_counts(),
        signups=services.recent_signups(),
        job_counts=jobs.job_counts(),
        jobs=jobs.recent_jobs(10),
        messages=mail.recent_messages(10),
    )


@bp.get("/users")
@admin_required
def users():
    page = page_number(request.args.get("page"))
    search = request.args.get("q", "", type=str)[:100]
    return render_template(
        "admin/users.html",
        page=services.list_users(page, search),
        search=search,
        roles=ROLES,
        action_form=ActionForm(),
    )


@bp.post("/users/<id:user_id>/disable")
@admin_required
def disable_user(user_id: int):
    return _user_action(lambda: services.set_disabled(current_account(), user_id, True), "disabled")


@bp.post("/users/<id:user_id>/enable")
@admin_required
def enable_user(user_id: int):
    return _user_action(lambda: services.set_disabled(current_account(), user_id, False), "enabled")


@bp.post("/users/<id:user_id>/confirm")
@admin_required
def confirm_user(user_id: int):
    return _user_action(lambda: services.confirm_address(user_id), "confirmed")


@bp.post("/users/<id:user_id>/role")
@admin_required
def change_role(user_id: int):
    role = request.form.get("role", "")
    return _user_action(lambda: services.set_role(current_account(), user_id, role), f"now {role}")


def _user_action(action, done: str):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        user = action()
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "danger")
    else:
        flash(f"{user.email} is {done}.", "success")
    back = request.form.get("next")
    return redirect(safe_redirect_target(back, url_for("admin.users")))


@bp.get("/jobs")
@admin_required
def job_list():
    return render_template(
        "admin/jobs.html", jobs=jobs.recent_jobs(100), job_counts=jobs.job_counts()
    )


@bp.get("/outbox")
@admin_required
def outbox():
    return render_template("admin/outbox.html", messages=mail.recent_messages(100))


@bp.get("/outbox/<id:message_id>")
@admin_required
def outbox_message(message_id: int):
    message = mail.get_message(message_id)
    if message is None:
        abort(404)
    return render_template("admin/message.html", message=message, body=mail.shown_body(message))
