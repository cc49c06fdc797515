"""Every operation of the spec refuses a missing token (where one is needed) and an expired,
revoked or tampered one (everywhere, public reads included), as JSON 401s."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from prepdeck.core.models import utcnow
from tests.api_client import ApiClient, error_code

BODY_METHODS = {"post", "patch", "put"}


def operations(client) -> list[tuple[str, str, bool]]:
    spec = client.get("/api/v1/openapi.json").get_json()
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                needs_token = op.get("security") == [{"bearerAuth": []}]
                found.append((method.upper(), path, needs_token))
    return found


def send(api: ApiClient, method: str, path: str, token: str | None):
    # Ids (and addresses) that may or may not exist: the token is judged before anything else.
    url = re.sub(r"\{[^}]+\}", "1", path)
    body = {"json": {}} if method.lower() in BODY_METHODS else {}
    return api.request(method, url, token=token, **body)


@pytest.fixture
def api(client, user):
    return ApiClient(client).sign_in(user.email)


def test_operations_that_need_a_token_refuse_none(client):
    anonymous = ApiClient(client)
    needing = [(m, p) for m, p, needs in operations(client) if needs]
    assert len(needing) >= 15
    for method, path in needing:
        response = send(anonymous, method, path, None)
        assert response.status_code == 401, (method, path, response.status_code)
        assert error_code(response) == "token_missing", (method, path)


def test_every_operation_refuses_a_revoked_expired_or_tampered_token(app_factory, user):
    app = app_factory(REDIS_URL=None)
    api = ApiClient(app.test_client()).sign_in(user.email)
    revoked = ApiClient(app.test_client()).sign_in(user.email)
    revoked.post("auth/revoke")
    revoked.post("auth/revoke", token=revoked.refresh_token)
    tampered = api.token[:-4] + ("AAAA" if not api.token.endswith("AAAA") else "BBBB")
    every = [(m, p) for m, p, _ in operations(api.client) if not p.endswith("/auth/token")]
    for method, path in every:
        refresh = path.endswith("/auth/refresh")  # the one operation that takes a refresh token
        gone = revoked.refresh_token if refresh else revoked.token
        for token, code in ((gone, "token_revoked"), (tampered, "token_invalid")):
            response = send(api, method, path, token)
            assert response.status_code == 401, (method, path, code, response.status_code)
            assert error_code(response) == code, (method, path)
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
        for method, path in every:
            if path.endswith("/auth/refresh"):
                continue  # takes the refresh token, which lasts 30 days
            response = send(api, method, path, api.token)
            assert error_code(response) == "token_expired", (method, path)
