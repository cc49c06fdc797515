"""API tokens: sign-in, refresh, revoke, expiry, and every way a token can be wrong."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt as pyjwt
import pytest
import time_machine

from prepdeck.accounts.models import RevokedToken, User
from prepdeck.accounts.services import change_password
from prepdeck.core.models import utcnow
from prepdeck.extensions import db
from tests.api_client import API, ApiClient, error_code
from tests.factories import PASSWORD


@pytest.fixture
def api(client, user):
    return ApiClient(client).sign_in(user.email)


def test_token_gives_access_to_me(api, user):
    response = api.get("me")
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email
    assert "password_hash" not in response.get_json()


def test_wrong_password_is_401_json(client, user):
    response = client.post(f"{API}/auth/token", json={"email": user.email, "password": "nope"})
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_sign_in_is_throttled_like_the_form(client, user):
    wrong = {"email": user.email, "password": "wrong password"}
    statuses = [client.post(f"{API}/auth/token", json=wrong).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    refused = client.post(f"{API}/auth/token", json={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429
    assert error_code(refused) == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0


def test_disabled_account_cannot_get_or_use_a_token(app, api, user):
    with app.app_context():
        db.session.get(User, user.id).is_disabled = True
        db.session.commit()
    assert api.get("me").status_code == 401
    response = api.client.post(
        f"{API}/auth/token", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 403


def test_missing_token(client):
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert error_code(response) == "token_missing"


def _revocation_app(app_factory, request, store: str):
    if store == "redis":
        return app_factory(REDIS_URL=request.getfixturevalue("redis_url"))
    return app_factory(REDIS_URL=None)


@pytest.mark.parametrize("store", ["database", pytest.param("redis", marks=pytest.mark.redis)])
def test_revoked_access_token_is_refused(app_factory, request, user, store):
    app = _revocation_app(app_factory, request, store)
    api = ApiClient(app.test_client()).sign_in(user.email)
    assert api.post("auth/revoke").get_json() == {"revoked": True}
    response = api.get("me")
    assert response.status_code == 401
    assert error_code(response) == "token_revoked"
    assert api.post("auth/revoke").status_code == 401  # revoking twice: already refused
    with app.app_context():
        assert db.session.query(RevokedToken).count() == (1 if store == "database" else 0)
    if store == "redis":
        import redis

        keys = redis.Redis.from_url(app.config["REDIS_URL"]).keys("prepdeck:revoked-token:*")
        assert len(keys) == 1
        assert 0 < redis.Redis.from_url(app.config["REDIS_URL"]).ttl(keys[0]) <= 15 * 60


def test_revoked_refresh_token_cannot_refresh(api):
    assert api.post("auth/revoke", token=api.refresh_token).status_code == 200
    response = api.post("auth/refresh", token=api.refresh_token)
    assert response.status_code == 401
    assert error_code(response) == "token_revoked"
    assert api.get("me").status_code == 200  # the access token was not the one revoked


def test_expired_revocations_are_pruned(app_factory, user):
    from prepdeck.accounts.tasks import prune_revoked_tokens

    app = app_factory(REDIS_URL=None)
    api = ApiClient(app.test_client()).sign_in(user.email)
    api.post("auth/revoke")
    with app.app_context():
        assert prune_revoked_tokens() == 0  # still unexpired: kept
        with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
            assert prune_revoked_tokens() == 1
        assert db.session.query(RevokedToken).count() == 0


def test_access_token_expires_after_15_minutes_and_refresh_works(api):
    with time_machine.travel(utcnow() + timedelta(minutes=14), tick=False):
        assert api.get("me").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
        expired = api.get("me")
        assert expired.status_code == 401
        assert error_code(expired) == "token_expired"
        refreshed = api.post("auth/refresh", token=api.refresh_token)
        assert refreshed.status_code == 200
        assert api.get("me", token=refreshed.get_json()["access_token"]).status_code == 200


def test_refresh_token_expires_after_30_days(api):
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        assert error_code(api.post("auth/refresh", token=api.refresh_token)) == "token_expired"


def test_each_token_only_where_it_is_due(api):
    as_access = api.get("me", token=api.refresh_token)
    assert as_access.status_code == 401
    assert error_code(as_access) == "token_invalid"
    assert api.post("auth/refresh").status_code == 401  # an access token cannot refresh


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _segment(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_tampered_foreign_and_unsigned_tokens_are_refused(api):
    claims = _claims(api.token)
    header, payload, signature = api.token.split(".")
    raised = dict(claims, sub=str(int(claims["sub"]) + 1))
    forged = [
        f"{header}.{_segment(raised)}.{signature}",  # someone else's id, old signature
        pyjwt.encode(claims, "another-key-of-thirty-two-characters!", algorithm="HS256"),
        f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        pyjwt.encode(claims, "another-key-" * 6, algorithm="HS512"),
        "not-a-token",
    ]
    for token in forged:
        response = api.get("me", token=token)
        assert response.status_code == 401, token
        assert error_code(response) == "token_invalid"
    # A bad token is refused even where no token is needed.
    assert api.get("decks", token=forged[0]).status_code == 401


def test_password_change_ends_every_token(app, api, user):
    with app.app_context():
        change_password(db.session.get(User, user.id), PASSWORD, "a brand new passphrase")
    assert api.get("me").status_code == 401
    assert api.post("auth/refresh", token=api.refresh_token).status_code == 401
