"""Who is asking: helpers for entry points (views, API, socket handlers)."""

from __future__ import annotations

from functools import wraps

from flask import abort, session
from flask_login import current_user, login_required, login_user

from prepdeck.accounts.models import User


def current_account() -> User:
    """The signed-in User itself: services get the object, never the `current_user` proxy
    (handing the proxy on, e.g. to login_user, makes it point at itself)."""
    return current_user._get_current_object()


def admin_required(view):
    """Anonymous visitors go to sign-in; signed-in people who are not admins get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def start_session(user: User, remember: bool) -> None:
    """Sign a person in (password or provider) on a fresh session: nothing from before
    sign-in, including the CSRF token, carries over."""
    session.clear()
    login_user(user, remember=remember, fresh=True)
    # Unticked "keep me signed in": the cookie ends with the browser session.
    session.permanent = remember
