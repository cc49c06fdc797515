"""Reviewing in Chromium with the keyboard alone, as in Anki: follow a deck from its page,
then five cards, each shown with Space and answered with 1 to 4, and the last one undone with
`u`; the schedule in the database is what those keys asked for. Every page passes axe-core."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from prepdeck.decks import questions, services
from prepdeck.extensions import db
from prepdeck.practice.models import Card, ReviewLog
from tests.browser import assert_accessible, ready_for_keys, sign_in, tab_to
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

ANSWER = "Use `g` for the request:\n\n```python\nfrom flask import g\ng.user = load_user()\n```"
RATINGS = (3, 1, 4, 2, 3)  # Good, Again, Easy, Hard, then Good (undone)


def test_five_cards_with_the_keyboard_and_one_undone(live_server, visitors, clock):
    with live_server.app.app_context():
        ada = UserFactory(email="ada@example.com", display_name="Ada")
        deck = services.create_deck(ada, "Flask internals", "", "public")
        for number in range(1, 7):
            questions.add_question(deck, ada, f"Question {number}?", ANSWER, "basic", ["flask"])
        slug, person_id = deck.slug, ada.id
        ids = [q.id for q in questions.deck_questions(deck)]
    visitor = visitors()
    page = visitor.page
    sign_in(page, "ada@example.com")

    # Follow the deck from its page, with the keyboard.
    page.goto(f"/decks/{slug}")
    assert_accessible(page)
    tab_to(page, page.get_by_role("button", name="Follow"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("You follow this deck")
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Practice", exact=True).click()
    card = page.get_by_test_id("review-card")
    expect(card).to_have_attribute("data-question-id", str(ids[0]))
    expect(page.get_by_test_id("count-new")).to_have_text("6")
    expect(page.get_by_test_id("review-answer")).to_be_hidden()
    assert_accessible(page)

    for number, rating in enumerate(RATINGS):
        expect(card).to_have_attribute("data-question-id", str(ids[number]))
        key = card.get_attribute("data-answer-key")
        ready_for_keys(page)
        page.keyboard.press("Space")
        expect(page.get_by_test_id("review-answer")).to_contain_text("g.user = load_user()")
        expect(page.get_by_test_id("interval-1")).to_have_text("1m")
        if number == 0:
            assert_accessible(page)  # the answer and the four buttons
        page.keyboard.press(str(rating))
        expect(card).not_to_have_attribute("data-answer-key", key)

    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id("undo-form")).to_contain_text("Last answer: Good.")
    ready_for_keys(page)
    page.keyboard.press("u")
    expect(page.get_by_role("alert")).to_contain_text("Undone: your Good answer")
    expect(card).to_have_attribute("data-question-id", str(ids[4]))
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    assert_accessible(page)
    assert visitor.console_errors == []

    with live_server.app.app_context():
        ratings = db.session.scalars(
            sa.select(ReviewLog.rating)
            .where(ReviewLog.person_id == person_id)
            .order_by(ReviewLog.id)
        ).all()
        assert ratings == list(RATINGS[:4])
        cards = {
            card.question_id: (card.state, card.step, card.reps)
            for card in db.session.scalars(sa.select(Card).where(Card.person_id == person_id))
        }
        assert cards == {
            ids[0]: ("learning", 1, 1),  # Good: the second learning step
            ids[1]: ("learning", 0, 1),  # Again: the first step again
            ids[2]: ("review", 0, 1),  # Easy: straight to review, in days
            ids[3]: ("learning", 0, 1),  # Hard: stays on the first step
            ids[4]: ("new", 0, 0),  # answered, then undone
        }


def test_nothing_due_and_a_bad_narrowing_are_said_plainly(live_server, visitors, clock):
    with live_server.app.app_context():
        ada = UserFactory(email="ada@example.com", display_name="Ada")
        deck = services.create_deck(ada, "Flask internals", "", "public")
        questions.add_question(deck, ada, "Only question?", ANSWER, "basic", ["flask"])
        slug = deck.slug
    page = visitors().page
    sign_in(page, "ada@example.com")
    page.goto("/practice")
    expect(page.get_by_test_id("nothing-due")).to_contain_text("You follow no decks yet")
    assert_accessible(page)

    page.goto(f"/practice?deck={slug}&level=guru")
    expect(page.get_by_role("alert")).to_contain_text("Level is one of basic")
    assert_accessible(page)

    # Typed into the narrowing form, the review keys are letters like any other.
    page.goto(f"/decks/{slug}")
    page.get_by_role("button", name="Follow").click()
    page.goto("/practice")
    ready_for_keys(page)
    page.get_by_text("Narrow the queue").click()
    page.get_by_label("Tag").press_sequentially("flask 1 u")
    expect(page.get_by_test_id("review-answer")).to_be_hidden()
    page.get_by_label("Level").select_option("basic")
    page.get_by_label("Tag").fill("flask")
    page.get_by_label("Tag").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/practice?deck=&level=basic&tag=flask&missed=")
    expect(page.get_by_test_id("review-card")).to_contain_text("Only question?")
    assert_accessible(page)
