"""Pages for registering, signing in and out, email links and settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from prepdeck.accounts import linking, services
from prepdeck.accounts.access import current_account, start_session
from prepdeck.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from prepdeck.core.errors import Conflict, Forbidden, Invalid, NotFound
from prepdeck.core.forms import ActionForm, show_error
from prepdeck.core.urls import safe_redirect_target
from prepdeck.extensions import limiter

bp = Blueprint("accounts", __name__)
mail_limit = limiter.limit(lambda: current_app.config["MAIL_LIMIT"], methods=["POST"])


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
    unconfirmed = False
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        except Invalid as error:
            form.password.errors = [error.message]
        except Forbidden as error:
            unconfirmed = isinstance(error, services.Unconfirmed)
            flash(error.message, "warning")
        else:
            start_session(user, remember=form.remember.data)
            services.record_login(user)
            flash(f"Welcome back, {user.display_name}.", "success")
            target = request.args.get("next")
            return redirect(safe_redirect_target(target, url_for("main.home")))
    return render_template(
        "accounts/login.html", form=form, unconfirmed=unconfirmed, resend_form=EmailOnlyForm()
    )


@bp.post("/logout")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        session.clear()
        logout_user()  # after clear(): it leaves the mark that deletes the remember-me cookie
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
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        flash("If that address has an unconfirmed account, a new link is on its way.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/resend.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@mail_limit
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash("If that address has an account, a reset link is on its way.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


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
            logout_user()
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


def _settings_page(**forms):
    forms.setdefault("profile_form", ProfileForm(obj=current_user, formdata=None))
    forms.setdefault("email_form", ChangeEmailForm(formdata=None))
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    status = 422 if any(f.errors for f in forms.values()) else 200
    linked = {link.provider for link in linking.linked_providers(current_account())}
    return render_template(
        "accounts/settings.html", linked=linked, unlink_form=ActionForm(), **forms
    ), status


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
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.change_email(current_account(), form.email.data, form.current_password.data)
        except (Invalid, Conflict) as error:
            show_error(form, error)
        else:
            flash("Email changed. Confirm the new address with the link we sent.", "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(email_form=form)


@bp.post("/account/settings/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(
                current_account(), form.current_password.data, form.password.data
            )
        except Invalid as error:
            show_error(form, error)
        else:
            # Other sessions end with the old session version; this one carries on.
            start_session(user, remember=False)
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
