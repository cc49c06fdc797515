"""A mock interview in Chromium, two people in two windows, on the pages alone: the interviewer
makes the room on the form and sends the invitation link from the room page; the candidate
accepts it; three questions are pushed, answered as typed, chatted about and scored; the
interviewer ends it; both read the summary, and the questions scored low are due in the
candidate's practice. Every page passes axe-core and breaks no Content-Security-Policy.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from prepdeck.accounts.models import User
from prepdeck.decks import questions, services
from prepdeck.extensions import db
from prepdeck.practice.services import due_queue
from tests.browser import assert_accessible, sign_in, tab_to
from tests.factories import UserFactory
from tests.rooms.realtime import ROWS

pytestmark = pytest.mark.browser

ANSWERS = [
    "It holds current_app and g for one unit of work.",
    "The URL map matches the path and the method.",
    "A counter per key in Redis, reset each minute.",
]
SCORES = [1, 4, 2]


def test_a_whole_interview_in_two_browser_windows(live_server, visitors):
    with live_server.app.app_context():
        ivy = UserFactory(email="ivy@example.com", display_name="Ivy Interviewer")
        cal = UserFactory(email="cal@example.com", display_name="Cal Candidate")
        deck = services.create_deck(ivy, "Flask interviews", "", "public")
        ids = [questions.add_question(deck, ivy, p, a, level).id for p, a, level in ROWS]
        cal_id = cal.id
    interviewer, candidate = visitors(), visitors()
    ivy_page, cal_page = interviewer.page, candidate.page
    sign_in(ivy_page, "ivy@example.com")
    sign_in(cal_page, "cal@example.com")

    # The interviewer makes the room on the form.
    ivy_page.get_by_role("link", name="Interviews", exact=True).click()
    ivy_page.get_by_role("link", name="New mock interview").click()
    form = ivy_page.get_by_test_id("room-form")
    expect(form.get_by_label("Title")).to_be_focused()
    assert_accessible(ivy_page)
    form.get_by_label("Title").fill("Flask screen")
    form.get_by_label("Flask interviews").check()
    form.get_by_label("Questions").fill("3")
    form.get_by_label("Minutes per question").fill("2")
    form.get_by_label("Minutes per question").press("Enter")
    expect(ivy_page).to_have_url(re.compile(r"/rooms/\d+$"))
    room_url = ivy_page.url
    expect(ivy_page.get_by_role("heading", level=1)).to_have_text("Flask screen")
    expect(ivy_page.get_by_test_id("room-connection")).to_have_text("Connected.")
    assert_accessible(ivy_page)

    # The candidate opens the invitation link copied from the room page and accepts it.
    invite = ivy_page.get_by_label("Send this link to the candidate").input_value()
    assert invite.startswith(f"{live_server.url}/rooms/join/")
    cal_page.goto(invite)
    expect(cal_page.get_by_text("Ivy Interviewer invites you")).to_contain_text("3 questions")
    assert_accessible(cal_page)
    accept = cal_page.get_by_role("button", name="Join as the candidate")
    expect(accept).to_be_focused()
    cal_page.keyboard.press("Enter")
    expect(cal_page).to_have_url(room_url)
    expect(cal_page.get_by_test_id("room-connection")).to_have_text("Connected.")
    people = ivy_page.get_by_test_id("room-people")
    expect(people).to_contain_text("Cal Candidate (candidate): connected")
    expect(cal_page.get_by_test_id("room-people")).to_contain_text(
        "Ivy Interviewer (interviewer): connected"
    )
    assert_accessible(cal_page)

    items = ivy_page.get_by_test_id("room-items").locator("[data-item-id]")
    expect(items).to_have_count(3)
    for n, ((prompt, _reference, _level), answer, score) in enumerate(
        zip(ROWS, ANSWERS, SCORES, strict=True)
    ):
        progress = f"Question {n + 1} of 3"
        ivy_page.get_by_role("button", name="Ask the next question").click()
        expect(ivy_page.get_by_test_id("room-progress")).to_have_text(progress)
        expect(cal_page.get_by_test_id("room-progress")).to_have_text(progress)
        expect(cal_page.get_by_test_id("room-prompt")).to_have_text(prompt)
        expect(cal_page.get_by_test_id("room-timer")).to_contain_text(
            re.compile(r"[12]:\d\d\s+left")
        )

        # The answer box has the focus: the candidate just types, and the interviewer reads it.
        box = cal_page.get_by_label("Your answer")
        expect(box).to_be_focused()
        expect(box).to_have_value("")
        expect(cal_page.get_by_test_id("room-answer-state")).to_have_text("")
        cal_page.keyboard.type(answer)
        expect(cal_page.get_by_test_id("room-answer-state")).to_have_text("Kept.")
        expect(ivy_page.get_by_test_id("room-draft")).to_have_text(answer)

        if n == 0:
            chat(ivy_page, "Take your time.")
            expect(cal_page.get_by_test_id("room-chat").locator("li")).to_have_text(
                ["Ivy Interviewer: Take your time."]
            )
            chat(cal_page, "<b>Thanks</b>")
            expect(ivy_page.get_by_test_id("room-chat").locator("li")).to_have_text(
                ["Ivy Interviewer: Take your time.", "Cal Candidate: <b>Thanks</b>"]
            )
            expect(cal_page.get_by_test_id("room-chat").locator("b")).to_have_count(0)
            assert_accessible(ivy_page)
            assert_accessible(cal_page)

        item = items.nth(n)
        expect(item).to_contain_text(f"{n + 1}. {prompt}")
        expect(item.locator("[data-item-status]")).to_have_text("asked")
        item.get_by_label("Score").select_option(str(score))
        item.get_by_label("Notes").fill(f"Notes on {n + 1}")
        save = item.get_by_role("button", name="Save score")
        tab_to(ivy_page, save)
        ivy_page.keyboard.press("Enter")
        expect(item.get_by_role("status")).to_have_text(f"Saved: {score} of 5.")

    # Ended by the interviewer: both are sent to the summary.
    ivy_page.get_by_role("button", name="End the interview").click()
    to_summary = cal_page.get_by_role("link", name="The interview has ended: see the summary")
    expect(to_summary).to_be_focused()
    expect(cal_page.get_by_label("Your answer")).to_be_disabled()
    cal_page.keyboard.press("Enter")
    ivy_page.get_by_role("link", name="The interview has ended: see the summary").click()
    for page in (ivy_page, cal_page):
        expect(page).to_have_url(f"{room_url}/summary")
        cards = page.get_by_test_id("summary-item")
        expect(cards).to_have_count(3)
        for n, ((prompt, _reference, _level), answer, score) in enumerate(
            zip(ROWS, ANSWERS, SCORES, strict=True)
        ):
            expect(cards.nth(n).get_by_role("heading", level=2)).to_have_text(f"{n + 1}. {prompt}")
            expect(cards.nth(n)).to_contain_text(f"Score {score} of 5")
            expect(cards.nth(n)).to_contain_text(answer)
        expect(page.get_by_test_id("summary-average")).to_have_text("2.3 of 5 over 3")
        expect(page.get_by_test_id("summary-chat")).to_contain_text("Cal Candidate: <b>Thanks</b>")
        assert_accessible(page)
    practice = cal_page.get_by_test_id("summary-practice")
    expect(practice).to_contain_text("2 questions scored 1 or 2 are now due")
    practice.get_by_role("link", name="practice").click()
    expect(cal_page.get_by_test_id("count-learning")).to_have_text("2")
    shown = cal_page.get_by_test_id("review-card").get_attribute("data-question-id")
    assert int(shown) in {ids[0], ids[2]}

    assert interviewer.csp_violations() == []
    assert candidate.csp_violations() == []

    # The questions scored 1 and 2 are due now in the candidate's practice; the one scored 4
    # is not (it may come as a new question, like any other of a followed deck).
    with live_server.app.app_context():
        queue = due_queue(db.session.get(User, cal_id))
        due = {entry.question_id for entry in queue if entry.kind != "new"}
        assert due == {ids[0], ids[2]}


def chat(page, text: str) -> None:
    """Send a chat message from the keyboard: type it, press Enter."""
    field = page.get_by_label("Message")
    field.fill(text)
    field.press("Enter")
    expect(field).to_have_value("")
