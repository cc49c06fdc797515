"""The loopback OAuth 2 provider really is an authorization-code server that oauthlib accepts."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oauthlib.oauth2 import AccessDeniedError, InvalidClientError, ServerError
from requests_oauthlib import OAuth2Session

from tests.oauth_provider import OAuthProvider

# Never contacted: the provider only redirects there, and these tests don't follow redirects.
CALLBACK = "http://127.0.0.1:9/github/authorized"
OTHER_CALLBACK = "http://127.0.0.1:9/google/authorized"


@pytest.fixture(autouse=True)
def insecure_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # oauthlib refuses http:// otherwise


@pytest.fixture
def provider() -> Iterator[OAuthProvider]:
    with OAuthProvider(redirect_uris=[CALLBACK, OTHER_CALLBACK]) as provider:
        provider.sign_in_as(id=42, login="ada", name="Ada Lovelace", email="ada@example.com")
        yield provider


def authorize(provider: OAuthProvider, redirect_uri: str = CALLBACK, **params: str) -> dict:
    query = {"response_type": "code", "client_id": "test-client", "redirect_uri": redirect_uri}
    response = requests.get(
        provider.authorize_url, params=query | params, allow_redirects=False, timeout=5
    )
    assert response.status_code == 302, response.text
    assert response.headers["Location"].startswith(redirect_uri + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def exchange(provider: OAuthProvider, code: str, **form: str) -> requests.Response:
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    body |= {"client_id": "test-client", "client_secret": "test-secret"}
    return requests.post(provider.token_url, data=body | form, timeout=5)


@pytest.mark.parametrize("secret_in_body", [False, True], ids=["basic-auth", "secret-in-body"])
def test_full_code_flow_with_requests_oauthlib(provider: OAuthProvider, secret_in_body: bool):
    client = OAuth2Session("test-client", redirect_uri=CALLBACK, scope=["read:user", "user:email"])
    url, state = client.authorization_url(provider.authorize_url)
    consent = requests.get(url, allow_redirects=False, timeout=5)
    assert consent.status_code == 302
    callback = consent.headers["Location"]
    assert parse_qs(urlsplit(callback).query)["state"] == [state]

    token = client.fetch_token(
        provider.token_url,
        authorization_response=callback,  # oauthlib checks state and takes the code from here
        client_secret="test-secret",
        include_client_id=secret_in_body or None,  # None is Flask-Dance's default: Basic auth
    )
    assert token["scope"] == ["read:user", "user:email"]

    assert client.get(provider.api_base_url + "user").json() == {
        "id": 42,
        "login": "ada",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
    }
    emails = client.get(provider.api_base_url + "user/emails").json()
    assert emails == [{"email": "ada@example.com", "primary": True, "verified": True}]
    google = requests.get(
        provider.url + "/oauth2/v2/userinfo",
        headers={"Authorization": f"token {token['access_token']}"},
        timeout=5,
    )
    assert google.json() == {
        "id": "42",
        "email": "ada@example.com",
        "verified_email": True,
        "name": "Ada Lovelace",
    }
    assert provider.requests[:3] == [
        "GET /login/oauth/authorize",
        "POST /login/oauth/access_token",
        "GET /api/user",
    ]


def test_denied_consent_redirects_back_with_the_error_and_state(provider: OAuthProvider):
    provider.deny_next = True
    client = OAuth2Session("test-client", redirect_uri=CALLBACK)
    url, state = client.authorization_url(provider.authorize_url)
    callback = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    params = parse_qs(urlsplit(callback).query)
    assert params["error"] == ["access_denied"] and params["state"] == [state]
    assert "code" not in params
    with pytest.raises(AccessDeniedError):
        client.fetch_token(provider.token_url, authorization_response=callback, client_secret="x")
    assert "code" in authorize(provider, state="again")  # only the next consent is refused


def test_wrong_secret_is_refused(provider: OAuthProvider):
    code = authorize(provider)["code"]
    response = exchange(provider, code, client_secret="wrong")
    assert response.status_code == 400 and response.json() == {"error": "invalid_client"}
    basic = requests.post(
        provider.token_url,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        auth=("test-client", "wrong"),
        timeout=5,
    )
    assert basic.status_code == 401 and basic.json()["error"] == "invalid_client"
    client = OAuth2Session("test-client", redirect_uri=CALLBACK)
    with pytest.raises(InvalidClientError):
        client.fetch_token(provider.token_url, code=code, client_secret="wrong")


def test_a_code_works_once_and_reuse_revokes_its_token(provider: OAuthProvider):
    code = authorize(provider)["code"]
    first = exchange(provider, code)
    assert first.status_code == 200 and first.json()["token_type"] == "bearer"
    bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert requests.get(provider.api_base_url + "user", headers=bearer, timeout=5).ok

    again = exchange(provider, code)
    assert again.status_code == 400 and again.json() == {"error": "invalid_grant"}
    revoked = requests.get(provider.api_base_url + "user", headers=bearer, timeout=5)
    assert revoked.status_code == 401
    assert requests.get(provider.api_base_url + "user", timeout=5).status_code == 401


def test_expired_code_and_mismatched_redirect_uri_are_invalid_grants(provider: OAuthProvider):
    provider.code_ttl = 0
    assert exchange(provider, authorize(provider)["code"]).json()["error"] == "invalid_grant"
    provider.code_ttl = 60
    code = authorize(provider, redirect_uri=OTHER_CALLBACK)["code"]
    mismatched = exchange(provider, code, redirect_uri=CALLBACK)
    assert mismatched.status_code == 400 and mismatched.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("client_id", "redirect_uri"),
    [("test-client", "http://127.0.0.1:9/evil"), ("someone-else", CALLBACK)],
    ids=["unregistered-redirect-uri", "unknown-client"],
)
def test_authorize_refuses_without_redirecting(
    provider: OAuthProvider, client_id: str, redirect_uri: str
):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri}
    response = requests.get(provider.authorize_url, params=params, allow_redirects=False, timeout=5)
    assert response.status_code == 400 and "Location" not in response.headers


def test_failed_token_exchange_is_a_provider_error(provider: OAuthProvider):
    provider.fail_token_exchange_next = True
    code = authorize(provider)["code"]
    client = OAuth2Session("test-client", redirect_uri=CALLBACK)
    with pytest.raises(ServerError):
        client.fetch_token(provider.token_url, code=code, client_secret="test-secret")
    assert exchange(provider, code).status_code == 200  # only that one request failed


def test_after_stop_connections_are_refused():
    provider = OAuthProvider().start()
    assert requests.get(provider.url + "/nowhere", timeout=5).status_code == 404
    provider.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(provider.url + "/nowhere", timeout=5)
