"""Signing in with a password, and with a link sent by email.

Failed passwords are counted three ways: per address (LOGIN_LIMIT_IP, over every account), per
account and address, and per account over every address (both LOGIN_LIMIT_ACCOUNT). The last
stops guessing spread over many addresses, but would let anyone lock the owner out with a few
wrong passwords; so while an account is locked, an address that has not itself been failing
for it still gets its try, and the right password gets the owner in. Those tries are capped
too (LOGIN_LIMIT_SPREAD): past the cap only an emailed sign-in link gets in, which proves the
address without any password and is never locked.

An IPv6 network (/64) counts as one address (see core/addresses.py).
"""

from __future__ import annotations

from flask import current_app

from prepdeck.accounts import services
from prepdeck.accounts.mailing import make_token, read_token, send
from prepdeck.accounts.models import User
from prepdeck.core import throttle
from prepdeck.core.addresses import address_key
from prepdeck.core.errors import Invalid, RateLimited
from prepdeck.core.models import utcnow
from prepdeck.core.urls import external_url
from prepdeck.extensions import db

LOGIN_FAILED = "Email or password is incorrect."
LOCKED = "Too many failed sign-in attempts. Wait a minute and try again."
SPREAD = (
    "Too many failed sign-in attempts for this account, from many places. "
    "Use a sign-in link sent to your email address instead."
)

_DUMMY_HASH: str | None = None


def _spend_hash_time(password: str) -> None:
    """Check against a throwaway hash so unknown emails take as long as known ones."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = services.hash_password("placeholder-password-for-timing")
    services.password_matches(_DUMMY_HASH, password)


class _Counters:
    """The failure counters that one sign-in attempt reads and adds to."""

    def __init__(self, email: str, remote_addr: str | None) -> None:
        config = current_app.config
        address = address_key(remote_addr)
        self.address = (config["LOGIN_LIMIT_IP"], "login-ip", address)
        self.here = (config["LOGIN_LIMIT_ACCOUNT"], "login-account-address", email, address)
        self.account = (config["LOGIN_LIMIT_ACCOUNT"], "login-account", email)
        self.spread = (config["LOGIN_LIMIT_SPREAD"], "login-account-spread", email)
        self.while_locked = False

    def check(self) -> None:
        """Raise RateLimited unless this attempt may go ahead."""
        for limit, *key in (self.address, self.here):
            throttle.check(limit, *key, message=LOCKED)
        limit, *key = self.account
        try:
            throttle.check(limit, *key, message=LOCKED)
        except RateLimited:
            # Locked by failures from anywhere: an address failing for this account itself
            # waits it out (even with a right guess); another one may try, within the cap.
            if throttle.used(*self.here) > 0:
                raise
            limit, *key = self.spread
            throttle.check(limit, *key, message=SPREAD)
            self.while_locked = True

    def failed(self) -> None:
        for limit, *key in (self.address, self.here, self.account):
            throttle.hit(limit, *key)
        if self.while_locked:
            throttle.hit(*self.spread)

    def succeeded(self) -> None:
        # Clears this address's failures only: the lock others caused stays until it expires,
        # unless every failure counted on it came from here.
        if throttle.used(*self.here) >= throttle.used(*self.account):
            throttle.clear(*self.account)
        throttle.clear(*self.here)


def authenticate(email: str, password: str, remote_addr: str | None) -> User:
    """The account for these credentials, for the sign-in form and the API token alike.

    Raises RateLimited (see the module's note), Invalid for a wrong email or password (one
    message for both), then Forbidden if the account may not sign in (User.may_sign_in).
    """
    email = services.normalise_email(email)
    counters = _Counters(email, remote_addr)
    counters.check()
    user = services.find_by_email(email)
    if user is None or not user.password_hash:
        _spend_hash_time(password)
        ok = False
    else:
        ok = services.password_matches(user.password_hash, password)
    if not ok:
        counters.failed()
        raise Invalid(LOGIN_FAILED)
    services.require_may_sign_in(user)
    counters.succeeded()
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.commit()


def send_sign_in_link(email: str) -> None:
    """Email a sign-in link if the address has an account that may sign in; say nothing
    either way. A never-confirmed account gets none: whoever registered it (and chose its
    password) may not be the person who holds the address."""
    user = services.find_by_email(email)
    if user is None or not user.may_sign_in:
        return
    link = external_url("accounts.sign_in_with_link", token=make_token(user, "sign-in"))
    send(
        user.email, "Your Prepdeck sign-in link", "sign_in_link", sensitive=True, user=user,
        link=link,
    )  # fmt: skip


def check_sign_in_link(token: str) -> User:
    return read_token(token, "sign-in")


def sign_in_with_link(token: str) -> User:
    """The account of a sign-in link, which is used up by this (any sign-in moves
    last_login_at, which the link is bound to). No failure counter applies: the link is the
    proof, and it is what a locked-out owner is offered."""
    user = check_sign_in_link(token)
    services.require_may_sign_in(user)
    record_login(user)
    return user
