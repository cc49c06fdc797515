"""Email the accounts feature sends, and the signed links in it.

A link carries the account's id and a fingerprint of the state it acts on; once the action is
done that state has changed, so the link works once, and it expires after its purpose's age.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from prepdeck.accounts.models import User
from prepdeck.core import mail
from prepdeck.core.errors import Invalid
from prepdeck.extensions import db

NOT_VALID = "This link is not valid. Check that you copied all of it."


@dataclass(frozen=True)
class LinkPurpose:
    salt: str
    used_message: str
    max_age_setting: str


PURPOSES = {
    "confirm": LinkPurpose(
        "prepdeck.confirm-email",
        "This email address is already confirmed.",
        "CONFIRM_TOKEN_MAX_AGE",
    ),
    "reset": LinkPurpose(
        "prepdeck.reset-password",
        "This reset link has already been used. Ask for a new one.",
        "RESET_TOKEN_MAX_AGE",
    ),
    "change-email": LinkPurpose(
        "prepdeck.change-email",
        "This link has already been used, or a newer change replaced it.",
        "CONFIRM_TOKEN_MAX_AGE",
    ),
    "sign-in": LinkPurpose(
        "prepdeck.sign-in",
        "This sign-in link has already been used. Ask for a new one.",
        "SIGN_IN_LINK_MAX_AGE",
    ),
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PURPOSES[purpose].salt)


def _fingerprint(user: User, purpose: str) -> str:
    """What a link is bound to. Every one names the current address, so a link sent before
    an email change no longer works after it."""
    if purpose == "confirm":
        state = f"{user.email}|{user.email_confirmed_at is not None}"
    elif purpose == "change-email":
        state = f"{user.email}|{user.pending_email}"
    elif purpose == "sign-in":
        # Any sign-in moves last_login_at: the link works once, and not after another way in.
        state = f"{user.email}|{user.password_hash}|{user.session_version}|{user.last_login_at}"
    else:
        state = f"{user.email}|{user.password_hash}|{user.session_version}"
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"uid": user.id, "fp": _fingerprint(user, purpose)})


def read_token(token: str, purpose: str) -> User:
    """The account a link is for; Invalid, with words a person can act on, otherwise."""
    max_age = current_app.config[PURPOSES[purpose].max_age_setting]
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise Invalid("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise Invalid(NOT_VALID) from None
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or user.is_disabled:
        raise Invalid(NOT_VALID)
    if payload.get("fp") != _fingerprint(user, purpose):
        raise Invalid(PURPOSES[purpose].used_message)
    return user


def send(recipient: str, subject: str, template: str, sensitive=False, **context) -> None:
    text = render_template(f"emails/{template}.txt", **context)
    mail.queue_email(recipient, subject, text, sensitive=sensitive)
