"""Every page a person reaches passes axe-core's WCAG 2 A and AA rules in Chromium, under the
app's own Content-Security-Policy. The journeys in tests/admin/test_browser_first_visit.py and
tests/decks/test_browser_import.py check the pages on their way; this tour visits the rest.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from prepdeck.decks import exports
from tests.browser import assert_accessible, sign_in
from tests.conftest import link_in
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_pages_off_the_journeys_pass_axe(live_server, visitors, mailbox, monkeypatch):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 1)  # a two-question deck is exported by a job
    with live_server.app.app_context():
        UserFactory(email="ada@example.com", display_name="Ada")
        AdminFactory(email="root@example.com", display_name="Root")
    visitor = visitors()
    page = visitor.page

    # The CSP is the app's real one: an inline script is refused, and axe-core (put into the
    # page through the DevTools protocol) runs all the same.
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    with pytest.raises(PlaywrightError, match="violates the following Content Security Policy"):
        page.add_script_tag(content="window.inlineScriptRan = true;")
    assert page.evaluate("() => window.inlineScriptRan") is None
    visitor.console_errors.clear()
    assert_accessible(page)

    for path in ("/no-such-page", "/login/link", "/confirm", "/forgot-password"):
        page.goto(path)
        assert_accessible(page)

    # The pages behind the links sent by email.
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Send reset link").click()
    page.goto(link_in(mailbox.to("ada@example.com")[-1], live_server.url))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    page.goto("/login/link")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.goto(link_in(mailbox.to("ada@example.com")[-1], live_server.url))
    expect(page.get_by_test_id("sign-in-link-form")).to_be_visible()
    assert_accessible(page)

    # The API reference: the app's own part of the page. Swagger UI's markup inside #api-docs
    # is third-party and fails rules the app cannot fix from outside (its method badges' colour
    # contrast, links nested in the operations' buttons, the server list without a label).
    page.goto("/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert_accessible(page, exclude=("#api-docs",))

    # A person's own decks, from empty to a deck with questions, and the forms that edit them.
    sign_in(page, "ada@example.com")
    assert_accessible(page)
    page.goto("/decks/mine")
    assert_accessible(page)
    page.goto("/decks/new")
    page.get_by_role("button", name="Save deck").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Lanterns")
    page.get_by_role("button", name="Save deck").click()
    expect(page).to_have_url(re.compile(r"/decks/lanterns/questions/new$"))
    deck = page.url.removesuffix("/questions/new")
    for prompt, level in (("What lights the way?", "Basic"), ("Which lantern first?", "Expert")):
        page.goto(f"{deck}/questions/new")
        page.get_by_label("Question", exact=True).fill(prompt)
        page.get_by_label("Level").select_option(label=level)
        page.get_by_role("button", name="Save question").click()
    page.goto(f"{deck}/questions/new")
    assert_accessible(page)
    page.goto(deck)
    expect(page.get_by_test_id("question-row")).to_have_count(2)
    assert_accessible(page)
    page.get_by_role("link", name="Edit deck").click()
    assert_accessible(page)
    page.goto(deck)
    page.get_by_role("link", name="Which lantern first?").click()
    assert_accessible(page)
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Question", exact=True).fill("")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible(page)

    # A large deck's export is prepared by a job, on a page of its own.
    page.goto(f"{deck}/export.md")
    expect(page.get_by_test_id("export-status")).to_have_attribute("data-state", "succeeded")
    assert_accessible(page)
    page.goto("/decks/mine")
    assert_accessible(page)
    assert page.goto("/admin/users").status == 403
    assert_accessible(page)

    # The administrator's pages.
    page.get_by_test_id("nav-logout").click()
    sign_in(page, "root@example.com")
    for path in ("/admin/dashboard", "/admin/users", "/admin/jobs", "/admin/outbox"):
        page.goto(path)
        assert_accessible(page)
    assert visitor.csp_violations() == [], visitor.console_errors
