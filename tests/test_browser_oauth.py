"""Sign in with GitHub in a real browser: Chromium follows every redirect itself, from the
button on the sign-in page to the loopback provider and back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from prepdeck.accounts.models import OAuthLink
from prepdeck.extensions import db
from tests.oauth_provider import OAuthProvider
from tests.services import TIMEOUT_MS, WsgiServer

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with OAuthProvider() as server:
        yield server


@pytest.fixture
def site(app_factory, provider):
    endpoints = {
        "authorization_url": provider.authorize_url,
        "token_url": provider.token_url,
        "base_url": provider.api_base_url,
    }
    app = app_factory(
        GITHUB_OAUTH_CLIENT_ID=provider.client_id,
        GITHUB_OAUTH_CLIENT_SECRET=provider.client_secret,
        OAUTH_ENDPOINTS={"github": endpoints},
    )
    server = WsgiServer(app)
    provider.add_redirect_uri(f"{server.url}/login/github/authorized")
    yield app, server.url
    server.stop()


def test_sign_in_with_github_in_chromium(browser, site, provider):
    app, url = site
    provider.sign_in_as(id=4242, login="ada", name="Ada Lovelace", email="ada@example.com")
    context = browser.new_context(base_url=url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_test_id("oauth-github").click()
        expect(page.get_by_text("Welcome, Ada Lovelace.")).to_be_visible()
        assert page.url == f"{url}/"
        page.get_by_test_id("nav-settings").click()
        expect(page.get_by_test_id("unlink-github")).to_be_visible()
        page.get_by_test_id("unlink-github").click()
        expect(page.get_by_text("is your only way to sign in")).to_be_visible()
    finally:
        context.close()
    assert "GET /login/oauth/authorize" in provider.requests
    with app.app_context():
        assert db.session.query(OAuthLink).one().provider_user_id == "4242"
