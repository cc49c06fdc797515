"""The interview plan in Chromium: set with the keyboard alone (a past date refused next to
its field first), then the page shows the expected recall the service computes. Every state of
the page passes axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from prepdeck.practice import plans, services
from tests.browser import assert_accessible, sign_in, tab_to
from tests.factories import UserFactory
from tests.practice.conftest import make_deck, question_ids
from tests.practice.test_plans import studied

pytestmark = pytest.mark.browser


def type_date(page, day) -> None:
    """Type a date into the focused date field as a keyboard user does (month, day, year in
    Chromium's en-US order)."""
    page.keyboard.type(day.strftime("%m%d%Y"))


def test_a_plan_set_with_the_keyboard_shows_the_expected_recall(live_server, visitors):
    app = live_server.app
    with app.app_context():
        person = UserFactory(email="ada@example.com", display_name="Ada")
        deck = make_deck(person, "private", prompts=("Blueprints?", "App context?", "g?"))
        now = services.clock()
        first, second, _ = question_ids(deck)
        studied(person, first, 12.0, now - timedelta(days=2))
        studied(person, second, 3.5, now - timedelta(days=1))
        person_id, title = person.id, deck.title
        today = plans.person_today(person)
        db.session.remove()

    visitor = visitors()
    page = visitor.page
    sign_in(page, "ada@example.com")
    page.get_by_role("link", name="Plan").click()
    expect(page.get_by_role("heading", name="Interview plan")).to_be_visible()
    assert_accessible(page)

    # A day in the past is refused next to the field, and nothing is saved.
    date_field = page.get_by_label("Interview date")
    tab_to(page, date_field)
    type_date(page, today - timedelta(days=1))
    deck_box = page.get_by_label(title)
    tab_to(page, deck_box)
    page.keyboard.press("Space")
    expect(deck_box).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save plan")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The interview date cannot be in the past")).to_be_visible()
    expect(page.get_by_test_id("expected-recall")).to_have_count(0)
    assert_accessible(page)

    # Three weeks ahead: saved, and the page shows the service's expected recall.
    interview = today + timedelta(days=21)
    tab_to(page, page.get_by_label("Interview date"))
    type_date(page, interview)
    expect(page.get_by_label("Interview date")).to_have_value(interview.isoformat())
    save = page.get_by_role("button", name="Save plan")
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Plan saved.")
    with app.app_context():
        status = plans.plan_status(db.session.get(User, person_id))
        db.session.remove()
    assert status.interview_date == interview and 0 < status.expected_recall < 2 / 3
    recall = page.get_by_test_id("expected-recall")
    expect(recall).to_have_text(f"{status.expected_recall * 100:.1f}%")
    expect(page.get_by_test_id("new-per-day")).to_contain_text(f"{status.new_per_day} to have")
    expect(page.get_by_test_id("daily-target")).to_contain_text(str(status.daily_target))
    assert_accessible(page)
    assert not visitor.csp_violations()
