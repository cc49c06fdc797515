"""Signed-in sessions, kept on the server.

Each sign-in makes a row with a random secret (stored only as its SHA-256). The session cookie
and the remember-me cookie both carry `user id:session version:secret` (User.get_id), and a
request is signed in only while that row exists and has not expired. Signing out deletes the
row, so copies of the cookies taken before stop working; the person's other devices have rows
of their own and carry on. A password change or a disabled account moves the session version,
which ends them all at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from prepdeck.accounts.models import SignedInSession, User, UserSession
from prepdeck.core.errors import NotFound
from prepdeck.core.models import utcnow
from prepdeck.extensions import db

# last_seen_at is for the device list only: writing it on every request would cost a write
# per page view for nothing.
TOUCH_EVERY = timedelta(minutes=5)
USER_AGENT_LENGTH = 200


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    """As long as the cookie that keeps the person signed in: the remember-me cookie's, or
    the session cookie's (which the browser may keep while it runs, or restore)."""
    name = "REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"
    value = current_app.config[name]
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def start(user: User, remember: bool, user_agent: str = "") -> SignedInSession:
    """Record a new signed-in session for `user` and mark the object with it, so that
    `user.get_id()` gives what the cookies must carry."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(
        secret_hash=_hash(secret),
        user_id=user.id,
        remember=remember,
        user_agent=(user_agent or "")[:USER_AGENT_LENGTH],
        created_at=now,
        last_seen_at=now,
        expires_at=now + _lifetime(remember),
    )
    db.session.add(record)
    db.session.commit()
    user.signed_in_session = SignedInSession(record.id, secret, remember)
    return user.signed_in_session


def _parse(session_id: str) -> tuple[int, int, str] | None:
    """`user id:session version:secret`; cookies from before sessions were kept (no secret)
    sign no one in."""
    parts = session_id.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or not parts[2]:
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def load(session_id: str) -> User | None:
    """The account of a live session, in one query (the user is loaded on each request
    anyway); None once it was signed out, expired, or the account may no longer sign in."""
    parsed = _parse(session_id)
    if parsed is None:
        return None
    user_id, version, secret = parsed
    # Only when nothing else is under way in this request's database session may it commit
    # the last-seen time (never someone else's half-done change).
    session = db.session()
    may_write = not session.in_transaction() and not (
        session.new or session.dirty or session.deleted
    )
    row = db.session.execute(
        sa.select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.secret_hash == _hash(secret), User.id == user_id)
    ).first()
    if row is None:
        return None
    user, record = row
    now = utcnow()
    if user.session_version != version or not user.may_sign_in or record.expires_at <= now:
        return None
    user.signed_in_session = SignedInSession(record.id, secret, record.remember)
    if may_write and now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
        db.session.commit()
    return user


def _delete(user: User, session_id: int) -> bool:
    result = db.session.execute(
        sa.delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
    db.session.commit()
    return bool(result.rowcount)


def end(user: User) -> None:
    """Sign out the session `user` was loaded for; the other devices carry on."""
    if user.signed_in_session is not None:
        _delete(user, user.signed_in_session.id)


def end_one(user: User, session_id: int) -> None:
    """Sign out one of the person's own sessions (a device listed in settings)."""
    if not _delete(user, session_id):
        raise NotFound("That device is not signed in (any more).")


def end_all(user: User) -> None:
    """Delete every session of the account; the caller commits."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))


def live_sessions(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def prune_expired() -> int:
    result = db.session.execute(sa.delete(UserSession).where(UserSession.expires_at <= utcnow()))
    db.session.commit()
    return result.rowcount or 0
