"""Sign in with GitHub and Google, the whole dance over real HTTP against an OAuth 2 provider
that the test starts on a loopback port (tests/oauth_provider.py).

The browser's side is the Flask test client: it follows the app's redirect to the provider with
a real HTTP request, and brings the provider's redirect (code and state) back to the app, which
then exchanges the code and fetches the profile from the provider over HTTP itself.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from prepdeck.accounts.models import OAuthLink, User
from prepdeck.extensions import db
from tests.conftest import login
from tests.factories import UserFactory
from tests.oauth_provider import OAuthProvider

APP = "http://localhost"


@pytest.fixture
def provider(monkeypatch):
    # oauthlib refuses plain http:// unless told that this is local development.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with OAuthProvider() as server:
        server.comma_scopes = True  # as GitHub answers
        for name in ("github", "google"):
            server.add_redirect_uri(f"{APP}/login/{name}/authorized")
        yield server


@pytest.fixture
def app(app_factory, provider):
    return app_factory(
        GITHUB_OAUTH_CLIENT_ID=provider.client_id,
        GITHUB_OAUTH_CLIENT_SECRET=provider.client_secret,
        GOOGLE_OAUTH_CLIENT_ID=provider.client_id,
        GOOGLE_OAUTH_CLIENT_SECRET=provider.client_secret,
        OAUTH_ENDPOINTS={
            name: {
                "authorization_url": provider.authorize_url,
                "token_url": provider.token_url,
                "base_url": provider.api_base_url if name == "github" else provider.url + "/",
            }
            for name in ("github", "google")
        },
    )


def start(client, name: str, provider: OAuthProvider) -> str:
    """Click "Sign in with ..." and consent at the provider: the callback URL it sends back."""
    begin = client.get(f"/login/{name}")
    assert begin.status_code == 302 and begin.location.startswith(provider.authorize_url)
    consent = requests.get(begin.location, allow_redirects=False, timeout=5)
    assert consent.status_code == 302, consent.text
    return consent.headers["Location"]


def finish(client, callback: str):
    """The browser follows the provider's redirect back; then the page it lands on."""
    back = client.get(callback.removeprefix(APP))
    assert back.status_code == 302, back.get_data(as_text=True)[:300]
    page = client.get(back.location)
    return back, page.get_data(as_text=True)


def dance(client, name: str, provider: OAuthProvider):
    return finish(client, start(client, name, provider))


def signed_in_as(client) -> str | None:
    page = client.get("/account/settings")
    if page.status_code != 200:
        return None
    return page.get_data(as_text=True).split("Now: ", 1)[1].split("<", 1)[0].strip()


def links(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.query(OAuthLink).order_by(OAuthLink.id)
        return [(r.provider, r.provider_user_id, r.user_id) for r in rows]


def users(app) -> int:
    with app.app_context():
        return db.session.query(User).count()


def test_a_new_person_signs_in_with_github(app, client, provider):
    provider.sign_in_as(id=101, login="ada", name="Ada L.", email="ada@example.com")
    back, page = dance(client, "github", provider)
    assert back.location == "/"
    assert "Welcome, Ada L." in page
    assert signed_in_as(client) == "ada@example.com"
    with app.app_context():
        user = db.session.query(User).one()
        assert user.is_confirmed and user.password_hash is None
        link = db.session.query(OAuthLink).one()
        assert (link.provider, link.provider_user_id, link.user_id) == ("github", "101", user.id)
        assert link.token["access_token"]
    assert "POST /login/oauth/access_token" in provider.requests
    assert provider.pkce_verified >= 1  # the code exchange proved the PKCE challenge
    # Signing in again finds the same account by GitHub's id, not by email.
    client.post("/logout", data={"csrf_token": _csrf(client)})
    provider.sign_in_as(id=101, login="ada", name="Ada L.", email="ada@new.example.com")
    dance(client, "github", provider)
    assert signed_in_as(client) == "ada@example.com" and users(app) == 1


def test_a_verified_matching_email_links_the_existing_account(app, client, provider):
    person = _person(app, "grace@example.com")
    provider.sign_in_as(id="g-7", login="grace", name="Grace", email="grace@example.com")
    dance(client, "google", provider)
    assert signed_in_as(client) == "grace@example.com"
    assert links(app) == [("google", "g-7", person)]


def test_an_unverified_matching_email_must_sign_in_with_the_password_first(app, client, provider):
    _person(app, "grace@example.com")
    provider.sign_in_as(
        id=7, login="grace", name="Grace", email="grace@example.com", email_verified=False
    )
    back, page = dance(client, "github", provider)
    assert back.location == "/login"
    assert "sign in with your password (or create an account) and link GitHub" in page
    assert signed_in_as(client) is None and links(app) == []


def test_an_unconfirmed_account_is_not_handed_to_a_provider(app, client, provider):
    # Someone registered this address (with a password of their own) and never confirmed it.
    with app.app_context():
        UserFactory(email="ada@example.com", email_confirmed_at=None)
    provider.sign_in_as(id=101, login="ada", name="Ada", email="ada@example.com")
    back, page = dance(client, "github", provider)
    assert back.location == "/login" and "waiting for that address to be confirmed" in page
    assert signed_in_as(client) is None and links(app) == []
    with app.app_context():
        assert db.session.query(User).one().email_confirmed_at is None


def test_a_second_account_of_the_same_provider_is_refused(app, client, provider):
    provider.sign_in_as(id=101, login="ada", name="Ada", email="ada@example.com")
    dance(client, "github", provider)
    client.post("/logout", data={"csrf_token": _csrf(client)})
    provider.sign_in_as(id=202, login="ada2", name="Ada", email="ada@example.com")
    _, page = dance(client, "github", provider)
    assert "linked to a different GitHub account" in page
    assert [uid for _, uid, _ in links(app)] == ["101"]


def test_no_verified_email_makes_no_account(app, client, provider):
    provider.sign_in_as(id=8, login="anon", name="", email=None)
    _, page = dance(client, "github", provider)
    assert "GitHub has not verified your email address" in page
    assert users(app) == 0 and links(app) == []


def test_link_a_second_provider_from_settings_and_unlink_it(app, client, provider):
    provider.sign_in_as(id=101, login="ada", name="Ada", email="ada@example.com")
    dance(client, "github", provider)  # an account with no password, signed in with GitHub
    settings = client.get("/account/settings").get_data(as_text=True)
    assert 'data-testid="unlink-github"' in settings and 'data-testid="link-google"' in settings
    provider.sign_in_as(id="g-1", login="ada", name="Ada", email="ada.other@example.com")
    back, page = dance(client, "google", provider)
    assert back.location == "/account/settings" and "Google is now linked" in page
    assert [(p, uid) for p, uid, _ in links(app)] == [("github", "101"), ("google", "g-1")]
    assert len({user for *_, user in links(app)}) == 1
    _unlink(client, "google")
    _, refused = _unlink(client, "github")
    assert "is your only way to sign in" in refused
    assert [p for p, *_ in links(app)] == ["github"]


def test_linking_a_provider_account_of_someone_else_is_refused(app, client, provider):
    provider.sign_in_as(id=101, login="ada", name="Ada", email="ada@example.com")
    dance(app.test_client(), "github", provider)  # Ada's GitHub is linked to Ada's account
    _person(app, "grace@example.com")
    login(client, "grace@example.com")
    _, page = dance(client, "github", provider)
    assert "linked to another Prepdeck account" in page
    assert len(links(app)) == 1


def test_a_forged_or_replayed_state_is_refused(app, client, provider):
    provider.sign_in_as(id=101, login="ada", name="Ada", email="ada@example.com")
    callback = start(client, "github", provider)
    query = parse_qs(urlsplit(callback).query)
    forged = f"/login/github/authorized?{urlencode({'code': query['code'][0], 'state': 'x'})}"
    back, page = finish(client, APP + forged)
    assert back.location == "/login" and "could not complete the GitHub sign-in" in page
    assert users(app) == 0
    # A callback this browser never started (an attacker's link) is refused before any exchange.
    stranger = app.test_client()
    back, page = finish(stranger, callback)
    assert back.location == "/login" and "was not started here" in page
    assert users(app) == 0 and links(app) == []
    # The genuine one, then the same callback again: signed in once, refused the second time.
    genuine = start(client, "github", provider)
    finish(client, genuine)
    assert users(app) == 1
    client.post("/logout", data={"csrf_token": _csrf(client)})
    _, page = finish(client, genuine)
    assert "was not started here" in page and users(app) == 1 and len(links(app)) == 1


def test_denied_consent_goes_back_to_the_login_page(app, client, provider):
    provider.sign_in_as(id=101, login="ada", name="Ada", email="ada@example.com")
    provider.deny_next = True
    back, page = dance(client, "github", provider)
    assert back.location == "/login" and "You did not allow the GitHub sign-in" in page
    assert users(app) == 0


def test_a_provider_error_or_a_provider_that_is_down(app, client, provider):
    provider.sign_in_as(id=101, login="ada", name="Ada", email="ada@example.com")
    provider.fail_token_exchange_next = True
    _, page = dance(client, "google", provider)
    assert "could not complete the Google sign-in" in page
    callback = start(client, "github", provider)
    provider.stop()  # the provider goes away between consent and the code exchange
    back, page = finish(client, callback)
    assert back.location == "/login" and "could not complete the GitHub sign-in" in page
    assert users(app) == 0 and links(app) == []


def test_a_disabled_account_cannot_sign_in_with_a_provider(app, client, provider):
    with app.app_context():
        UserFactory(email="ada@example.com", is_disabled=True)
    provider.sign_in_as(id=101, login="ada", name="Ada", email="ada@example.com")
    _, page = dance(client, "github", provider)
    assert "has been disabled" in page
    assert signed_in_as(client) is None and links(app) == []


def test_login_and_register_pages_show_the_enabled_providers(client):
    for path in ("/login", "/register"):
        html = client.get(path).get_data(as_text=True)
        assert 'data-testid="oauth-github"' in html and 'data-testid="oauth-google"' in html


def test_without_configuration_there_are_no_providers(app_factory):
    client = app_factory().test_client()
    assert 'data-testid="oauth-providers"' not in client.get("/login").get_data(as_text=True)
    assert 'data-testid="oauth-providers"' not in client.get("/register").get_data(as_text=True)
    assert client.get("/login/github").status_code == 404
    assert client.get("/login/google/authorized").status_code == 404


def _person(app, email: str) -> int:
    with app.app_context():
        return UserFactory(email=email).id


def _csrf(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/account/settings")


def _unlink(client, name: str):
    back = client.post(
        f"/account/settings/providers/{name}/unlink", data={"csrf_token": _csrf(client)}
    )
    return back, client.get(back.location).get_data(as_text=True)
