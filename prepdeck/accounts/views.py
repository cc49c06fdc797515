"""Pages for registering, signing in and out, email links and settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from prepdeck.accounts import email_change, linking, services, sessions, signin
from prepdeck.accounts.access import current_account, end_session, start_session
from prepdeck.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from prepdeck.core.addresses import client_address
from prepdeck.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from prepdeck.core.forms import ActionForm, show_error
from prepdeck.core.urls import safe_redirect_target
from prepdeck.extensions import limiter

bp = Blueprint("accounts", __name__)


def _mail_limit() -> str:
    return current_app.config["MAIL_LIMIT"]


mail_limit = limiter.limit(_mail_limit, methods=["POST"])


def _account_or_address() -> str:
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return client_address()


def _email_change_limits(view):
    """Asking for a new address and resending its link share one MAIL_LIMIT budget, per
    address like registration and password resets, and per account across addresses."""
    per_address = limiter.shared_limit(_mail_limit, scope="email-change", methods=["POST"])
    per_account = limiter.shared_limit(
        _mail_limit, scope="email-change-account", key_func=_account_or_address, methods=["POST"]
    )
    return per_address(per_account(view))


@bp.route("/register", methods=["GET", "POST"])
@mail_limit
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_user(form.email.data, form.display_name.data, form.password.data)
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Check your email: we sent you a link to confirm your address.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    unconfirmed, locked = False, None
    if form.validate_on_submit():
        try:
            user = signin.authenticate(form.email.data, form.password.data, request.remote_addr)
        except Invalid as error:
            form.password.errors = [error.message]
        except RateLimited as error:
            locked = error  # the page offers a sign-in link by email
        except Forbidden as error:
            unconfirmed = isinstance(error, services.Unconfirmed)
            flash(error.message, "warning")
        else:
            start_session(user, remember=form.remember.data)
            signin.record_login(user)
            flash(f"Welcome back, {user.display_name}.", "success")
            target = request.args.get("next")
            return redirect(safe_redirect_target(target, url_for("main.home")))
    page = render_template(
        "accounts/login.html", form=form, unconfirmed=unconfirmed, locked=locked,
        email_form=EmailOnlyForm(formdata=None, email=form.email.data),
    )  # fmt: skip
    if locked is not None:
        return page, 429, {"Retry-After": str(locked.retry_after)}
    return page


@bp.route("/login/link", methods=["GET", "POST"])
@mail_limit
def request_sign_in_link():
    return _mail_request(
        signin.send_sign_in_link,
        "If that address has an account, a sign-in link is on its way.",
        "accounts/sign_in_link.html",
    )


def _mail_request(send, sent: str, template: str):
    """A form that asks for a link by email: the same answer whether or not the address has
    an account, so it tells nobody which addresses do."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        send(form.email.data)
        flash(sent, "info")
        return redirect(url_for("accounts.login"))
    return render_template(template, form=form)


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def sign_in_with_link(token: str):
    # Opening the link only shows a button: mail scanners that fetch links sign no one in.
    form = ActionForm()
    try:
        if form.validate_on_submit():
            user = signin.sign_in_with_link(token)
            start_session(user, remember=False)
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(url_for("main.home"))
        user = signin.check_sign_in_link(token)
    except (Invalid, Forbidden) as error:
        flash(error.message, "danger")
        return redirect(url_for("accounts.request_sign_in_link"))
    return render_template("accounts/use_sign_in_link.html", form=form, account=user)


@bp.post("/logout")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        end_session()
        flash("You are signed out.", "info")
    return redirect(url_for("main.home"))


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        services.confirm_email(token)
    except Invalid as error:
        flash(error.message, "danger")
        return redirect(url_for("accounts.resend_confirmation"))
    flash("Thanks, your email address is confirmed. You can sign in now.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@mail_limit
def resend_confirmation():
    return _mail_request(
        services.resend_confirmation,
        "If that address has an unconfirmed account, a new link is on its way.",
        "accounts/resend.html",
    )


@bp.route("/forgot-password", methods=["GET", "POST"])
@mail_limit
def forgot_password():
    return _mail_request(
        services.request_password_reset,
        "If that address has an account, a reset link is on its way.",
        "accounts/forgot.html",
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.check_reset_token(token)
    except Invalid as error:
        flash(error.message, "danger")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except Invalid as error:
            show_error(form, error)
        else:
            end_session()
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


def _settings_page(**forms):
    forms.setdefault("profile_form", ProfileForm(obj=current_user, formdata=None))
    forms.setdefault("email_form", ChangeEmailForm(formdata=None))
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    status = 422 if any(f.errors for f in forms.values()) else 200
    account = current_account()
    linked = {link.provider for link in linking.linked_providers(account)}
    return render_template(
        "accounts/settings.html", linked=linked, action_form=ActionForm(),
        devices=sessions.live_sessions(account), this_device=account.signed_in_session.id,
        **forms,
    ), status  # fmt: skip


@bp.get("/account/settings")
@login_required
def settings():
    return _settings_page()


@bp.post("/account/settings/profile")
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(current_account(), form.display_name.data)
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(profile_form=form)


@bp.post("/account/settings/email")
@login_required
@_email_change_limits
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            user = email_change.request_change(
                current_account(), form.email.data, form.current_password.data
            )
        except (Invalid, Conflict) as error:
            show_error(form, error)
        else:
            flash(
                f"We sent a link to {user.pending_email}: follow it to switch to that address. "
                f"Until then your account keeps {user.email}.",
                "success",
            )
            return redirect(url_for("accounts.settings"))
    return _settings_page(email_form=form)


@bp.post("/account/settings/email/resend")
@login_required
@_email_change_limits
def resend_email_change():
    if ActionForm().validate_on_submit() and email_change.resend_link(current_account()):
        flash(f"We sent the link to {current_account().pending_email} again.", "info")
    return redirect(url_for("accounts.settings"))


@bp.post("/account/settings/email/cancel")
@login_required
def cancel_email_change():
    if ActionForm().validate_on_submit():
        email_change.cancel_change(current_account())
        flash("The change of email address is cancelled.", "info")
    return redirect(url_for("accounts.settings"))


@bp.get("/account/confirm-email/<token>")
def confirm_email_change(token: str):
    try:
        user = email_change.confirm_change(token)
    except (Invalid, Conflict) as error:
        flash(error.message, "danger")
    else:
        flash(f"Your email address is now {user.email}.", "success")
    target = "accounts.settings" if current_user.is_authenticated else "accounts.login"
    return redirect(url_for(target))


@bp.post("/account/settings/sessions/<id:session_id>/end")
@login_required
def end_device_session(session_id: int):
    if ActionForm().validate_on_submit():
        sessions.end_one(current_account(), session_id)  # NotFound for another's: a 404 page
        flash("That device is signed out.", "info")
    return redirect(url_for("accounts.settings"))


@bp.post("/account/settings/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    remembered = current_account().signed_in_session.remember
    if form.validate_on_submit():
        try:
            user = services.change_password(
                current_account(), form.current_password.data, form.password.data
            )
        except Invalid as error:
            show_error(form, error)
        else:
            # Every session ended with the change; this browser carries on with a new one,
            # still remembered if it was.
            start_session(user, remember=remembered)
            flash("Password changed. You were signed out everywhere else.", "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(password_form=form)


@bp.post("/account/settings/providers/<provider>/unlink")
@login_required
def unlink_provider(provider: str):
    if ActionForm().validate_on_submit():
        try:
            linking.unlink_provider(current_account(), provider)
        except (Conflict, NotFound) as error:
            flash(error.message, "warning")
        else:
            flash(f"{linking.LABELS.get(provider, provider)} is no longer linked.", "info")
    return redirect(url_for("accounts.settings"))
