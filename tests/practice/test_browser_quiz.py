"""A timed quiz in Chromium: chosen on the form, answered, reloaded in the middle (the same
question comes back with the time the server has left), finished, summed up; its grades are
reviews in the schedule. Every page passes axe-core and breaks no Content-Security-Policy.

The server's clock is the practice clock the tests move (the live server runs in this
process), so the time left is known to the millisecond.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from prepdeck.decks import questions, services
from prepdeck.decks.models import Question
from prepdeck.extensions import db
from prepdeck.practice.models import Card, ReviewLog
from tests.browser import assert_accessible, ready_for_keys, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

ROWS = [("What is g?", "Request-scoped storage."), ("What is a blueprint?", "A group of routes.")]


def test_a_quiz_resumes_after_a_reload_and_its_grades_reach_the_schedule(
    live_server, visitors, clock
):
    with live_server.app.app_context():
        ada = UserFactory(email="ada@example.com", display_name="Ada")
        deck = services.create_deck(ada, "Flask quiz deck", "", "public")
        for prompt, answer in ROWS:
            questions.add_question(deck, ada, prompt, answer, "basic")
        ada_id, deck_id = ada.id, deck.id
    visitor = visitors()
    page = visitor.page
    sign_in(page, "ada@example.com")

    page.get_by_role("link", name="Quiz", exact=True).click()
    page.get_by_role("link", name="New quiz").click()
    form = page.get_by_test_id("quiz-form")
    assert_accessible(page)
    form.get_by_label("Flask quiz deck").check()
    form.get_by_label("Questions").fill("2")
    form.get_by_label("Seconds per question").fill("600")
    form.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/practice/quizzes/\d+$"))

    # The first question: type, reveal, grade.
    timer = page.get_by_test_id("quiz-timer")
    expect(page.get_by_test_id("quiz-progress")).to_have_text("Question 1 of 2")
    expect(timer).to_have_attribute("data-remaining-ms", "600000")
    assert_accessible(page)
    first = page.get_by_test_id("quiz-prompt").inner_text()
    page.get_by_label("Your answer").fill("My first answer")
    page.get_by_role("button", name="Show the reference answer").click()
    expect(page.get_by_test_id("typed-answer")).to_have_text("My first answer")
    expect(page.get_by_test_id("reference-answer")).to_contain_text(dict(ROWS)[first])
    assert_accessible(page)
    page.get_by_role("button", name="3 · Good").click()

    # The second, reloaded 100 seconds in: the same question, with 500 seconds left.
    expect(page.get_by_test_id("quiz-progress")).to_have_text("Question 2 of 2")
    second = page.get_by_test_id("quiz-prompt").inner_text()
    assert second != first
    clock.move(seconds=100)
    page.reload()
    expect(page.get_by_test_id("quiz-prompt")).to_have_text(second)
    expect(timer).to_have_attribute("data-remaining-ms", "500000")
    expect(timer).to_contain_text(re.compile(r"8:(20|1\d) left"))  # quiz.js ticks it down
    page.get_by_label("Your answer").fill("My second answer")
    page.get_by_role("button", name="Show the reference answer").click()
    expect(page.get_by_role("button", name="3 · Good")).to_be_focused()
    ready_for_keys(page)
    page.keyboard.press("4")  # Easy, from the keyboard

    # The summary, kept in the history.
    summary = page.get_by_test_id("quiz-summary")
    grades = summary.get_by_test_id("summary-grade")
    expect(grades).to_have_text(["Grade: 3 · Good", "Grade: 4 · Easy"])
    expect(summary).to_contain_text("My first answer")
    expect(summary).to_contain_text("Time: 100.0 s")
    assert_accessible(page)
    page.get_by_role("link", name="All your quizzes").click()
    expect(page.get_by_test_id("quiz-history")).to_contain_text("Finished")
    assert_accessible(page)

    assert visitor.csp_violations() == []

    with live_server.app.app_context():
        logs = db.session.execute(
            sa.select(ReviewLog.question_id, ReviewLog.rating).where(ReviewLog.person_id == ada_id)
        ).all()
        prompts = dict(
            db.session.execute(
                sa.select(Question.id, Question.prompt).where(Question.deck_id == deck_id)
            ).all()
        )
        assert sorted((prompts[qid], rating) for qid, rating in logs) == sorted(
            [(first, 3), (second, 4)]
        )
        cards = db.session.scalars(sa.select(Card).where(Card.person_id == ada_id)).all()
        assert {card.question_id for card in cards} == set(prompts)
        assert all(card.reps == 1 and card.due is not None for card in cards)


def test_out_of_time_an_answer_is_kept_late_and_the_countdown_sends_it(
    live_server, visitors, clock
):
    with live_server.app.app_context():
        ada = UserFactory(email="ada@example.com", display_name="Ada")
        deck = services.create_deck(ada, "Flask quiz deck", "", "public")
        for prompt, answer in ROWS:
            questions.add_question(deck, ada, prompt, answer, "basic")
    visitor = visitors()
    page = visitor.page
    sign_in(page, "ada@example.com")
    page.goto("/practice/quizzes/new")
    form = page.get_by_test_id("quiz-form")
    form.get_by_label("Flask quiz deck").check()
    form.get_by_label("Seconds per question").fill("10")
    form.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_test_id("quiz-progress")).to_have_text("Question 1 of 2")

    # Reloaded after the deadline: the page says so; an answer sent now is kept, marked late.
    clock.move(seconds=11)
    page.reload()
    timer = page.get_by_test_id("quiz-timer")
    expect(timer).to_have_text("Time is up")
    assert_accessible(page)
    page.get_by_label("Your answer").fill("Too late")
    page.get_by_role("button", name="Show the reference answer").click()
    expect(page.get_by_test_id("late")).to_contain_text("marked late")
    assert_accessible(page)
    ready_for_keys(page)
    page.keyboard.press("2")

    # Three seconds left on the next one: quiz.js sends what was typed when they run out.
    expect(page.get_by_test_id("quiz-progress")).to_have_text("Question 2 of 2")
    clock.move(seconds=7)
    page.reload()
    expect(timer).to_have_attribute("data-remaining-ms", "3000")
    page.get_by_label("Your answer").fill("Nearly there")
    clock.move(seconds=4)  # the server's deadline passes while the page counts down
    expect(page.get_by_test_id("typed-answer")).to_have_text("Nearly there")
    expect(page.get_by_test_id("late")).to_be_visible()
    assert visitor.csp_violations() == []
