"""Who is asking: helpers for entry points (views, API, socket handlers)."""

from __future__ import annotations

from functools import wraps

from flask import abort, request, session
from flask_login import current_user, login_required, login_user, logout_user

from prepdeck.accounts import sessions
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
    """Sign a person in (password, provider or emailed link) on a fresh session: nothing
    from before sign-in, including the CSRF token, carries over, and a session this browser
    had before is ended on the server."""
    if current_user.is_authenticated:
        sessions.end(current_account())
    session.clear()
    sessions.start(user, remember, request.user_agent.string)
    login_user(user, remember=remember, fresh=True)
    # Unticked "keep me signed in": the cookie ends with the browser session.
    session.permanent = remember


def end_session() -> None:
    """Sign out this browser: its session record goes, so copies of its cookies stop
    working too; the person's other devices stay signed in."""
    if current_user.is_authenticated:
        sessions.end(current_account())
    session.clear()
    logout_user()  # after clear(): it leaves the mark that deletes the remember-me cookie
