"""Changing the email address of an account.

The new address waits in `pending_email` until the link sent to it is followed; until then the
account keeps its confirmed address for signing in, password resets, provider linking and
everything else, and its sessions and tokens are untouched. Following the link swaps the new
address in, if no other account has taken it meanwhile.
"""

from __future__ import annotations

import sqlalchemy as sa

from prepdeck.accounts import services
from prepdeck.accounts.mailing import make_token, read_token, send
from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict, Invalid
from prepdeck.core.models import utcnow
from prepdeck.core.urls import external_url
from prepdeck.extensions import db

IN_USE = "That email address is already in use."


def request_change(user: User, new_email: str, current_password: str) -> User:
    """Ask for a new address: a link goes to it, and a notice to the current one."""
    services.check_current_password(user, current_password)
    new_email = services.normalise_email(new_email)
    try:
        services.require_valid_email(new_email)
    except Invalid as error:
        raise Invalid(error.message, details={"email": []}) from None
    if new_email == user.email:
        raise Invalid("That is already your email address.", details={"email": []})
    if services.find_by_email(new_email) is not None:
        raise Conflict(IN_USE, details={"email": []})
    user.pending_email = new_email
    db.session.commit()
    _send_link(user)
    send(user.email, "Your Prepdeck email is about to change", "email_change_requested", user=user)
    return user


def resend_link(user: User) -> bool:
    """Send the link for the pending address again; False when nothing is pending."""
    if not user.pending_email:
        return False
    _send_link(user)
    return True


def cancel_change(user: User) -> None:
    """Forget the pending address; links already sent for it stop working."""
    user.pending_email = None
    db.session.commit()


def confirm_change(token: str) -> User:
    """Follow the link: the pending address becomes the account's, confirmed."""
    user = read_token(token, "change-email")
    new_email, old_email = user.pending_email, user.email
    if new_email is None:  # the link's fingerprint names the address, so never here
        raise Invalid("There is no change of address waiting.")
    if services.find_by_email(new_email) is not None:
        _taken(user, new_email)
    user.email, user.pending_email, user.email_confirmed_at = new_email, None, utcnow()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # taken by a concurrent request a moment ago
        db.session.rollback()
        _taken(user, new_email)
    send(old_email, "Your Prepdeck email was changed", "email_changed", user=user)
    return user


def _taken(user: User, new_email: str) -> None:
    user.pending_email = None
    db.session.commit()
    raise Conflict(
        f"{new_email} now belongs to another account, so your address stays {user.email}. "
        "You can ask for a different one in settings."
    )


def _send_link(user: User) -> None:
    link = external_url("accounts.confirm_email_change", token=make_token(user, "change-email"))
    send(
        user.pending_email, "Confirm your new Prepdeck email", "confirm_change", sensitive=True,
        user=user, link=link,
    )  # fmt: skip
