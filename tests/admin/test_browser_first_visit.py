"""A person's first visit in a real browser: sign up, confirm by email, sign in, change their
name and sign out, while an administrator sees the confirmation email in the outbox with its
link hidden. Each page on the way passes axe-core's WCAG 2 A and AA rules.

Playwright drives Debian's Chromium against the app served by Werkzeug on a loopback port.
The testing settings run background jobs eagerly, so an email is in the outbox as soon as the
page that sends it has answered.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import AdminFactory

pytestmark = pytest.mark.browser


def test_sign_up_confirm_by_email_edit_profile_and_sign_out(live_server, visitors, mailbox):
    with live_server.app.app_context():
        AdminFactory(email="root@example.com", display_name="Root")
    grace = visitors()
    page = grace.page

    # A visitor signs up. The page is styled by the app's own Bootstrap and guarded by a CSP.
    with page.expect_response(lambda r: r.url.endswith("/bootstrap.min.css")) as css:
        response = page.goto("/register")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert css.value.status == 200
    assert css.value.headers["content-type"].startswith("text/css")
    form = page.get_by_test_id("register-form")
    submit = form.get_by_role("button", name="Create account")
    expect(submit).to_have_css("background-color", "rgb(13, 110, 253)")  # Bootstrap's primary
    assert_accessible(page)
    form.get_by_label("Email").fill("grace@example.com")
    form.get_by_label("Display name").fill("Grace Hopper")
    form.get_by_label("Password", exact=True).fill("compilers are friends")
    form.get_by_label("Repeat password").fill("compilers are friends")
    submit.click()
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.get_by_role("alert")).to_contain_text("Check your email")
    assert_accessible(page)

    # An administrator, in a browser of their own, finds the confirmation email in the outbox,
    # delivered, its body (and the link in it, for Grace's eyes only) gone.
    root = visitors()
    sign_in(root.page, "root@example.com")
    root.page.goto("/admin/outbox")
    assert_accessible(root.page)
    root.page.get_by_role("link", name="Confirm your Prepdeck email").click()
    expect(root.page.get_by_text("grace@example.com")).to_be_visible()
    body = root.page.get_by_test_id("message-body")
    expect(body).to_contain_text("It was removed once the email was sent.")
    assert "/confirm/" not in body.inner_text()
    assert root.page.locator("a[href*='/confirm/']").count() == 0
    assert_accessible(root.page)

    # Grace finds the link in her own mailbox.
    [received] = mailbox.to("grace@example.com")
    match = re.search(r"https?://\S+/confirm/\S+", received.body_text)
    assert match, received.body_text
    link = match.group(0)
    assert link.startswith(f"{live_server.url}/confirm/")

    # The visitor opens the link, signs in and sees their name in the navigation.
    page.goto(link)
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.get_by_role("alert")).to_contain_text("your email address is confirmed")
    sign_in(page, "grace@example.com", "compilers are friends")
    nav_settings = page.get_by_test_id("nav-settings")
    expect(nav_settings).to_have_text("Grace Hopper")

    # They change their display name in the settings.
    nav_settings.click()
    expect(page).to_have_url(f"{live_server.url}/account/settings")
    profile = page.get_by_test_id("profile-form")
    name_field = profile.get_by_label("Display name")
    expect(name_field).to_have_value("Grace Hopper")
    assert_accessible(page)
    name_field.fill("Admiral Hopper")
    profile.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Your profile is saved.")
    expect(nav_settings).to_have_text("Admiral Hopper")
    expect(page.get_by_test_id("profile-form").get_by_label("Display name")).to_have_value(
        "Admiral Hopper"
    )

    # They sign out and are anonymous again.
    page.get_by_test_id("nav-logout").click()
    expect(page.get_by_role("alert")).to_contain_text("You are signed out.")
    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_test_id("nav-settings")).to_have_count(0)
    assert_accessible(page)
    page.goto("/account/settings")
    expect(page).to_have_url(re.compile(r"/login\?next="))

    for visitor in (grace, root):
        assert visitor.csp_violations() == [], sorted(set(visitor.console_errors))


def test_read_the_flask_deck_and_search_it(live_server, visitors):
    result = live_server.app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    visitor = visitors()
    page = visitor.page
    page.goto("/decks")
    assert_accessible(page)
    page.get_by_role("link", name="Flask interview questions").click()
    for level in ("Basic", "Intermediate", "Advanced", "Expert", "Scenario"):
        expect(page.get_by_role("heading", name=level)).to_be_visible()
    assert_accessible(page)
    page.get_by_test_id("question-row").first.get_by_role("link").click()
    answer = page.get_by_test_id("answer")
    code = answer.locator("pre.highlight").first
    expect(code).to_be_hidden()  # the answer waits until it is asked for
    answer.get_by_text("Show the answer").click()
    expect(code).to_be_visible()
    assert_accessible(page)
    # Pygments' stylesheet applied: highlighted tokens have a colour of their own.
    token = code.locator("span").first
    assert token.evaluate("e => getComputedStyle(e).color") != code.evaluate(
        "e => getComputedStyle(e).color"
    )
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"/decks/flask-interview-questions/questions/\d+$"))

    page.get_by_role("searchbox", name="Search questions").fill("thundering")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("search-hit")).to_have_count(1)
    expect(page.locator("mark").first).to_have_text(re.compile("thundering", re.I))
    assert_accessible(page)
    assert visitor.csp_violations() == []
