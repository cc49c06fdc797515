"""Accounts: registration, confirmation, password resets, profile and password changes.

Signing in is in signin.py, a change of address in email_change.py, the signed-in sessions in
sessions.py and the emailed links in mailing.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from prepdeck.accounts import sessions
from prepdeck.accounts.mailing import make_token, read_token, send
from prepdeck.accounts.models import ROLES, User
from prepdeck.core.errors import Conflict, Forbidden, Invalid, NotFound
from prepdeck.core.models import utcnow
from prepdeck.core.urls import external_url
from prepdeck.extensions import bcrypt, db

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_BYTES = 72  # bcrypt ignores everything past 72 bytes
COMMON_PASSWORDS = {
    "password", "password1", "password12", "password123", "1234567890", "123456789",
    "qwertyuiop", "qwerty1234", "iloveyou12", "letmein123", "welcome123", "admin12345",
    "passw0rd123", "abc1234567", "0987654321", "1111111111", "prepdeck123",
}  # fmt: skip
DISABLED = "This account has been disabled. Contact the site administrator."


class Unconfirmed(Forbidden):
    code = "email_unconfirmed"


def require_may_sign_in(user: User) -> None:
    """Refuse, with the reason, an account that may not sign in (see `User.may_sign_in`):
    every way in calls this once the person has proved who they are."""
    if user.is_disabled:
        raise Forbidden(DISABLED)
    if not user.is_confirmed:
        raise Unconfirmed("Please confirm your email address first: we sent you a link.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def require_valid_email(email: str) -> None:
    """The same rule as the sign-in form's, so every account made can also sign in."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(f"{email} is not a usable email address: {error}") from None


def password_problems(password: str, *, email: str = "", display_name: str = "") -> list[str]:
    """What is wrong with a new password, in words a person can act on."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        problems.append(f"Use at most {MAX_PASSWORD_BYTES} bytes.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 5:
        problems.append("This password is too easy to guess.")
    local_part = normalise_email(email).split("@")[0]
    if len(local_part) >= 4 and local_part in lowered:
        problems.append("Do not use your email address in the password.")
    if display_name and len(display_name) >= 4 and display_name.lower() in lowered:
        problems.append("Do not use your name in the password.")
    return problems


def _fits_bcrypt(password: str) -> bool:
    return len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES


def password_matches(password_hash: str | None, password: str) -> bool:
    """bcrypt refuses (newer releases raise on) passwords over 72 bytes: those never match."""
    if not password_hash or not _fits_bcrypt(password):
        return False
    return bcrypt.check_password_hash(password_hash, password)


def hash_password(password: str) -> str:
    rounds = current_app.config["BCRYPT_LOG_ROUNDS"]  # per app, not the shared extension
    return bcrypt.generate_password_hash(password, rounds).decode("utf-8")


def _require_good_password(password: str, email: str, display_name: str) -> None:
    problems = password_problems(password, email=email, display_name=display_name)
    if problems:
        raise Invalid(" ".join(problems), details={"password": problems})


def require_known_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(f"Role must be one of {', '.join(ROLES)}.")


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: the account of a live session (see sessions.load)."""
    return sessions.load(session_id)


# Registration and confirmation -------------------------------------------------------


def register_user(email: str, display_name: str, password: str) -> User | None:
    """Create an account and send the confirmation email.

    An address that already has an account gets a notice instead, and the caller shows the
    same "check your email" message either way, so the form never tells who is registered.
    """
    email = normalise_email(email)
    display_name = display_name.strip()
    _require_good_password(password, email, display_name)
    # Hashed before the lookup, so a known address answers no faster than a new one.
    password_hash = hash_password(password)
    existing = find_by_email(email)
    if existing is not None:
        send_account_exists_notice(existing)
        return None
    user = User(email=email, display_name=display_name, password_hash=password_hash)
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # registered by a concurrent request a moment ago
        db.session.rollback()
        return None
    send_confirmation(user)
    return user


def create_user(
    email: str, password: str, *, display_name: str = "", role: str = "user", confirmed=True
) -> User:
    """Create an account directly (CLI, seed data). Raises Conflict if the email is taken."""
    email = normalise_email(email)
    require_valid_email(email)
    display_name = display_name.strip() or email.split("@")[0]
    require_known_role(role)
    _require_good_password(password, email, display_name)
    if find_by_email(email) is not None:
        raise Conflict(f"An account with the email {email} already exists.")
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def send_confirmation(user: User) -> None:
    token = make_token(user, "confirm")
    link = external_url("accounts.confirm_email", token=token)
    send(user.email, "Confirm your Prepdeck email", "confirm", sensitive=True, user=user, link=link)


def send_account_exists_notice(user: User) -> None:
    link = external_url("accounts.forgot_password")
    send(user.email, "You already have a Prepdeck account", "exists", user=user, link=link)


def resend_confirmation(email: str) -> None:
    user = find_by_email(email)
    if user is not None and not user.is_confirmed and not user.is_disabled:
        send_confirmation(user)


def confirm_email(token: str) -> User:
    user = read_token(token, "confirm")
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


# Password reset ------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Send a reset link if the account exists; say nothing either way."""
    user = find_by_email(email)
    if user is None or user.is_disabled:
        return
    token = make_token(user, "reset")
    link = external_url("accounts.reset_password", token=token)
    send(user.email, "Reset your Prepdeck password", "reset", sensitive=True, user=user, link=link)


def check_reset_token(token: str) -> User:
    return read_token(token, "reset")


def reset_password(token: str, new_password: str) -> User:
    user = check_reset_token(token)
    _require_good_password(new_password, user.email, user.display_name)
    _set_password(user, new_password)
    # Following the emailed link proves the address.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.commit()
    return user


# Settings ----------------------------------------------------------------------------


def check_current_password(user: User, password: str) -> None:
    if not password_matches(user.password_hash, password):
        raise Invalid("Your current password is incorrect.", details={"current_password": []})


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    # Ends every session, remember-me cookie and API token made before; the caller signs
    # this browser in again if it should carry on.
    user.session_version += 1
    sessions.end_all(user)


def update_profile(user: User, display_name: str) -> User:
    display_name = display_name.strip()
    if not display_name:
        raise Invalid("Enter a display name.", details={"display_name": []})
    user.display_name = display_name
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> User:
    check_current_password(user, current_password)
    _require_good_password(new_password, user.email, user.display_name)
    _set_password(user, new_password)
    db.session.commit()
    send(user.email, "Your Prepdeck password was changed", "password_changed", user=user)
    return user
