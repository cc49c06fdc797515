"""The API's request budget belongs to the account, not to one token: refreshing or signing in
again brings no fresh budget, and a token that no longer works spends only its sender's."""

from __future__ import annotations

import pytest

from tests.api_client import API, ApiClient, error_code
from tests.conftest import make_person
from tests.factories import PASSWORD

ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def limited_app(app_factory):
    return app_factory(API_RATE_LIMIT="4 per minute", LOGIN_LIMIT_IP="100 per minute")


def test_refreshing_or_signing_in_again_brings_no_fresh_budget(limited_app, user):
    client = limited_app.test_client()
    ada = ApiClient(client).sign_in(user.email)  # the sign-in counts against the address
    assert [ada.get("me").status_code for _ in range(5)] == [200] * 4 + [429]

    # The attacker's request as the review made it: a refresh for a new access token...
    refreshed = client.post(
        f"{API}/auth/refresh", headers={"Authorization": f"Bearer {ada.refresh_token}"}
    )
    assert refreshed.status_code == 429 and error_code(refreshed) == "rate_limited"

    # ...and a new sign-in, from another address, whose fresh tokens still share the budget.
    other = limited_app.test_client()
    other.environ_base.update(ELSEWHERE)
    signed_in = other.post(f"{API}/auth/token", json={"email": user.email, "password": PASSWORD})
    assert signed_in.status_code == 200
    fresh = ApiClient(other, token=signed_in.get_json()["access_token"])
    limited = fresh.get("me")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


def test_another_account_keeps_its_own_budget(limited_app, user):
    grace = make_person(limited_app, email="grace@example.com")
    client = limited_app.test_client()
    ada = ApiClient(client).sign_in(user.email)
    assert [ada.get("me").status_code for _ in range(5)][-1] == 429
    other = limited_app.test_client()
    other.environ_base.update(ELSEWHERE)
    assert ApiClient(other).sign_in(grace.email).get("me").status_code == 200


def test_addresses_of_one_ipv6_network_share_the_anonymous_budget(limited_app):
    # One host usually holds a whole /64: each of its addresses is not a new caller.
    statuses = []
    for host in range(5):
        client = limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"2001:db8:1:2::{host + 1:x}"
        statuses.append(client.get(f"{API}/decks").status_code)
    assert statuses == [200] * 4 + [429]
    elsewhere = limited_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "2001:db8:1:3::1"
    assert elsewhere.get(f"{API}/decks").status_code == 200
