"""API tokens: a short access token and a long refresh token per sign-in, refreshed and
revoked here. A token names its account and the account's session version, so a password
change or a disabled account ends every token as it ends every session."""

from __future__ import annotations

from datetime import UTC, datetime

import redis
import sqlalchemy as sa
from flask import current_app, g
from flask_jwt_extended import create_access_token, create_refresh_token

from prepdeck.accounts.models import RevokedToken, User
from prepdeck.core.errors import Unavailable
from prepdeck.core.models import utcnow
from prepdeck.extensions import db

REVOKED_KEY = "prepdeck:revoked-token:"


def _claims(user: User) -> dict:
    return {"sv": user.session_version}


def access_token(user: User) -> dict:
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return {
        "access_token": create_access_token(str(user.id), additional_claims=_claims(user)),
        "token_type": "Bearer",
        "expires_in": int(lifetime.total_seconds()),
    }


def token_pair(user: User) -> dict:
    pair = access_token(user)
    pair["refresh_token"] = create_refresh_token(str(user.id), additional_claims=_claims(user))
    return pair


def token_user(payload: dict) -> User | None:
    """The account a verified token speaks for; None once it is gone, may no longer sign in
    (User.may_sign_in), or its password has changed since the token was made."""
    try:
        user = db.session.get(User, int(payload["sub"]))
    except (KeyError, TypeError, ValueError):
        return None
    if user is None or not user.may_sign_in or payload.get("sv") != user.session_version:
        return None
    return user


def _redis() -> redis.Redis | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients = current_app.extensions.setdefault("token_redis", {})
    if url not in clients:
        clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return clients[url]


def revoke(payload: dict) -> None:
    """Put the token on the revocation list until it would have expired anyway."""
    jti, expires = payload["jti"], int(payload["exp"])
    g.setdefault("revoked_tokens", {})[jti] = True
    store = _redis()
    if store is not None:
        try:
            store.set(REVOKED_KEY + jti, "1", exat=max(expires, int(utcnow().timestamp()) + 1))
        except redis.RedisError:
            raise Unavailable("Tokens cannot be revoked right now; try again shortly.") from None
        return
    if db.session.get(RevokedToken, jti) is None:
        db.session.add(
            RevokedToken(
                jti=jti,
                user_id=int(payload["sub"]),
                expires_at=datetime.fromtimestamp(expires, UTC),
            )
        )
        try:
            db.session.commit()
        except sa.exc.IntegrityError:  # revoked at the same moment by another request
            db.session.rollback()


def is_revoked(payload: dict) -> bool:
    # Asked twice per API request (the rate limit's key, then the view): once is enough.
    known = g.setdefault("revoked_tokens", {})
    if payload["jti"] not in known:
        known[payload["jti"]] = _lookup_revoked(payload)
    return known[payload["jti"]]


def _lookup_revoked(payload: dict) -> bool:
    store = _redis()
    if store is None:
        return db.session.get(RevokedToken, payload["jti"]) is not None
    try:
        return bool(store.exists(REVOKED_KEY + payload["jti"]))
    except redis.RedisError:
        # Unknown is not "not revoked": refuse the request rather than trust a revoked token.
        raise Unavailable("Tokens cannot be checked right now; try again shortly.") from None


def prune_revoked() -> int:
    """Forget revocations of tokens that have expired since (the database list only)."""
    result = db.session.execute(sa.delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    db.session.commit()
    return result.rowcount or 0
