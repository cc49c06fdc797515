"""People who use Prepdeck."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_dance.consumer.storage.sqla import OAuthConsumerMixin
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prepdeck.core.models import UTCDateTime, utcnow
from prepdeck.extensions import db

ROLES = ("user", "admin")


@dataclass(frozen=True)
class SignedInSession:
    """The live session a User object was signed in or loaded for (see accounts/sessions.py)."""

    id: int
    secret: str
    remember: bool


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("role IN ('user', 'admin')", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str | None] = mapped_column(sa.String(128))
    role: Mapped[str] = mapped_column(sa.String(20), default="user", server_default="user")
    is_disabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A new address asked for in settings: it replaces `email` only once its link is followed,
    # so until then the account signs in, resets and links providers with the proven one.
    pending_email: Mapped[str | None] = mapped_column(sa.String(320))
    # Bumped when a password changes or the account is disabled: every older session and
    # remember-me cookie carries the old number and stops working.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # A SignedInSession, set on the object of a signed-in request: a plain attribute (left
    # unannotated so that the mapper does not take it for a column).
    signed_in_session = None

    def get_id(self) -> str:
        """What the session and remember-me cookies carry. It signs no one in once its
        session record is gone (signed out, expired) or the session version has moved on."""
        secret = self.signed_in_session.secret if self.signed_in_session else ""
        return f"{self.id}:{self.session_version}:{secret}"

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def may_sign_in(self) -> bool:
        """The one rule for every way in (the sign-in form, an API token, GitHub or Google, an
        emailed sign-in link) and for every session and token already given out: the account
        is enabled and its address is confirmed. Registering leaves the address unconfirmed
        until its link is followed; changing it does not (the new one waits in
        `pending_email`), so an account never loses this by changing address."""
        return not self.is_disabled and self.is_confirmed

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RevokedToken(db.Model):
    """An API token given back before it expired. Kept until then (Redis keeps these instead
    when it is configured); the periodic prune removes the expired ones."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OAuthLink(OAuthConsumerMixin, db.Model):
    """A GitHub or Google account linked to a Prepdeck account, identified by the provider's
    stable user id (never the email). Flask-Dance's SQLAlchemy storage keeps `token` here."""

    __tablename__ = "oauth_links"
    __table_args__ = (
        sa.UniqueConstraint("provider", "provider_user_id", name="uq_oauth_links_provider_account"),
        sa.UniqueConstraint("user_id", "provider", name="uq_oauth_links_user_provider"),
    )

    provider_user_id: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One signed-in browser. Its cookies carry a random secret that is stored here only
    hashed; signing out deletes the row, so copies of those cookies stop working."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
