"""Accounts at GitHub and Google: signing in with one, linking and unlinking them.

A provider account is known by the provider's stable user id. An email is trusted only when
the provider says it is verified: linking on an unverified address would hand the Prepdeck
account to whoever registered that address at the provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from prepdeck.accounts.models import OAuthLink, User
from prepdeck.accounts.services import (
    find_by_email,
    normalise_email,
    require_may_sign_in,
    require_valid_email,
)
from prepdeck.core.errors import Conflict, DomainError, NotFound
from prepdeck.core.models import utcnow
from prepdeck.extensions import db

LABELS = {"github": "GitHub", "google": "Google"}


@dataclass(frozen=True)
class ProviderProfile:
    provider: str
    user_id: str
    email: str | None
    email_verified: bool
    name: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.provider, self.provider)


class NeedsPassword(Conflict):
    """The provider's email matches an account, but is not verified there: the person must
    sign in with their password and link the provider from settings."""

    code = "needs_password"


def find_link(provider: str, provider_user_id: str) -> OAuthLink | None:
    return db.session.scalar(
        sa.select(OAuthLink).where(
            OAuthLink.provider == provider, OAuthLink.provider_user_id == provider_user_id
        )
    )


def linked_providers(user: User) -> list[OAuthLink]:
    query = sa.select(OAuthLink).where(OAuthLink.user_id == user.id).order_by(OAuthLink.provider)
    return list(db.session.scalars(query))


def sign_in_with_provider(profile: ProviderProfile, token: dict) -> User:
    """The account to sign in for this provider account: the linked one, else a confirmed one
    whose email the provider has verified (linked now), else a new one. Nothing is saved when
    it is refused."""
    link = find_link(profile.provider, profile.user_id)
    if link is not None:
        user = link.user
        link.token = token
    else:
        user = _account_for_email(profile)
        if user.id is not None and _link_of(user, profile.provider) is not None:
            raise Conflict(
                f"Your Prepdeck account is linked to a different {profile.label} account. "
                f"Sign in with that one, or unlink it in settings first."
            )
        db.session.add(
            OAuthLink(
                provider=profile.provider, provider_user_id=profile.user_id, user=user, token=token
            )
        )
    try:
        require_may_sign_in(user)  # the rule every way in applies
    except DomainError:
        db.session.rollback()
        raise
    user.last_login_at = utcnow()
    _commit(profile)
    return user


def _account_for_email(profile: ProviderProfile) -> User:
    email = normalise_email(profile.email or "")
    if not email or not profile.email_verified:
        # The same words whether or not an account has this address: nothing to learn here.
        raise NeedsPassword(
            f"{profile.label} has not verified your email address, so we cannot use it to "
            f"sign you in. Verify it at {profile.label}, or sign in with your password (or "
            f"create an account) and link {profile.label} in settings."
        )
    existing = find_by_email(email)
    if existing is None:
        require_valid_email(email)
        name = (profile.name or "").strip()[:80] or email.split("@")[0][:80]
        user = User(email=email, display_name=name, password_hash=None, email_confirmed_at=utcnow())
        db.session.add(user)
        return user
    if not existing.is_confirmed:
        # Whoever registered it never proved the address: it may not be the person who owns
        # it. Linking would hand them this provider sign-in.
        raise NeedsPassword(
            f"An account with your {profile.label} email address is waiting for that address "
            "to be confirmed. Confirm it with the link we sent (or ask for a new one on the "
            f"sign-in page), sign in, then link {profile.label} in settings."
        )
    return existing


def link_provider(user: User, profile: ProviderProfile, token: dict) -> OAuthLink:
    """Link a provider account to the signed-in person (from settings)."""
    link = find_link(profile.provider, profile.user_id)
    if link is not None and link.user_id != user.id:
        raise Conflict(f"That {profile.label} account is linked to another Prepdeck account.")
    if link is None:
        if _link_of(user, profile.provider) is not None:
            raise Conflict(
                f"You have linked another {profile.label} account already: unlink it first."
            )
        link = OAuthLink(provider=profile.provider, provider_user_id=profile.user_id, user=user)
        db.session.add(link)
    link.token = token
    _commit(profile)
    return link


def unlink_provider(user: User, provider: str) -> None:
    link = _link_of(user, provider)
    if link is None:
        raise NotFound(f"{LABELS.get(provider, provider)} is not linked to your account.")
    others = [other for other in linked_providers(user) if other.id != link.id]
    if not user.password_hash and not others:
        raise Conflict(
            f"{LABELS.get(provider, provider)} is your only way to sign in. Set a password first "
            "(“Forgot your password?” on the sign-in page sends you a link), or link another "
            "provider."
        )
    db.session.delete(link)
    db.session.commit()


def _link_of(user: User, provider: str) -> OAuthLink | None:
    return db.session.scalar(
        sa.select(OAuthLink).where(OAuthLink.user_id == user.id, OAuthLink.provider == provider)
    )


def _commit(profile: ProviderProfile) -> None:
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same provider account, linked a moment ago elsewhere
        db.session.rollback()
        raise Conflict(f"That {profile.label} account was just linked; try again.") from None
