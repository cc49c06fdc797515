"""The practice settings page in Chromium: usable with the keyboard, checked with axe-core in
each of its states (defaults, field errors, personal parameters)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from prepdeck.practice import parameters
from tests.browser import assert_accessible, sign_in, tab_to
from tests.factories import UserFactory
from tests.practice.test_parameters import learner_with_a_year

pytestmark = pytest.mark.browser


def test_the_settings_page_passes_axe_and_works_with_the_keyboard(live_server, visitors, clock):
    with live_server.app.app_context():
        UserFactory(email="ada@example.com")
    page = visitors().page
    sign_in(page, "ada@example.com")
    page.goto("/practice/settings")
    expect(page.get_by_test_id("too-little-history")).to_be_visible()
    assert_accessible(page)

    zone = page.get_by_label("Time zone")
    tab_to(page, zone)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Europe/Atlantis")
    tab_to(page, page.get_by_label("Send me a daily reminder by e-mail"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Save practice settings"))
    page.keyboard.press("Enter")
    expect(page.locator("#time_zone + .invalid-feedback")).to_have_text("Unknown time zone.")
    expect(page.get_by_label("Send me a daily reminder by e-mail")).to_be_checked()
    assert_accessible(page)

    zone.fill("Europe/Lisbon")
    page.get_by_label("Reminder hour").select_option("07:00")
    page.get_by_role("button", name="Save practice settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Practice settings saved.")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    expect(page.get_by_label("Reminder hour")).to_have_value("7")


def test_personal_parameters_are_shown_and_can_be_given_up(live_server, visitors, clock):
    with live_server.app.app_context():
        person = UserFactory(email="fit@example.com")
        _, end = learner_with_a_year(person)
        clock.set(end)
        assert parameters.fit_parameters(person.id, clock()).result == parameters.ADOPTED
    page = visitors().page
    sign_in(page, "fit@example.com")
    page.goto("/practice/settings")
    expect(page.get_by_test_id("parameters-in-use")).to_contain_text("your own parameters")
    expect(page.get_by_test_id("log-loss")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Go back to the defaults").click()
    expect(page).to_have_url(re.compile(r"/practice/settings#parameters-heading$"))
    expect(page.get_by_test_id("parameters-in-use")).to_contain_text("FSRS's default parameters")
    assert_accessible(page)
