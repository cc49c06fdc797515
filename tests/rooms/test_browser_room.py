"""A mock interview in Chromium, two people in two windows, on the pages alone: the interviewer
makes the room on the form and sends the invitation link from the room page; the candidate
accepts it; three questions are pushed, answered as typed, chatted about and scored (both
reload in the middle and lose nothing); the interviewer ends it; both read the summary, and
the questions scored low are due in the candidate's practice. Every page passes axe-core and
breaks no Content-Security-Policy; what is natural to do with the keyboard is done with it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from prepdeck.accounts.models import User
from prepdeck.core.realtime import PROTOCOL
from prepdeck.decks import questions, services
from prepdeck.extensions import db
from prepdeck.practice.services import due_queue
from tests.browser import assert_accessible, sign_in, tab_to
from tests.factories import PASSWORD, UserFactory
from tests.rooms.realtime import ROWS, meeting

pytestmark = pytest.mark.browser

PROMPTS = [prompt for prompt, _answer, _level in ROWS]  # asked in this order: easier first
ANSWERS = [
    "It holds current_app and g for one unit of work.",
    "The URL map matches the path and the method.",
    "A counter per key in Redis, reset each minute.",
]
SCORES = [1, 4, 2]
ENDED = "The interview has ended: see the summary"


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

    room_url = make_room(ivy_page)
    invite = ivy_page.get_by_label("Send this link to the candidate").input_value()
    assert invite.startswith(f"{live_server.url}/rooms/join/")
    accept_invitation(cal_page, invite)
    expect(cal_page).to_have_url(room_url)

    for n in range(3):
        ask_and_answer(ivy_page, cal_page, n)
        if n == 0:
            chat_both_ways(ivy_page, cal_page)
        if n == 1:
            reload_both(ivy_page, cal_page, n)
        score(ivy_page, n)

    ivy_page.get_by_role("button", name="End the interview").click()
    to_summary = cal_page.get_by_role("link", name=ENDED)
    expect(to_summary).to_be_focused()
    expect(cal_page.get_by_label("Your answer")).to_be_disabled()
    assert_accessible(cal_page)
    cal_page.keyboard.press("Enter")
    ivy_page.get_by_role("link", name=ENDED).click()
    for page in (ivy_page, cal_page):
        expect(page).to_have_url(f"{room_url}/summary")
        check_summary(page)
    ivy_page.get_by_role("link", name="Interviews", exact=True).click()
    expect(ivy_page.get_by_test_id("rooms").locator("tbody tr")).to_have_text(
        [re.compile(r"Flask screen\s+interviewer\s+ended")]
    )
    assert_accessible(ivy_page)

    # The questions scored 1 and 2 are due now in the candidate's practice; the one scored 4
    # is not (it may come as a new question, like any other of a followed deck).
    practice = cal_page.get_by_test_id("summary-practice")
    expect(practice).to_contain_text("2 questions scored 1 or 2 are now due")
    practice.get_by_role("link", name="practice").click()
    expect(cal_page.get_by_test_id("count-learning")).to_have_text("2")
    shown = cal_page.get_by_test_id("review-card").get_attribute("data-question-id")
    assert int(shown) in {ids[0], ids[2]}
    with live_server.app.app_context():
        queue = due_queue(db.session.get(User, cal_id))
        assert {entry.question_id for entry in queue if entry.kind != "new"} == {ids[0], ids[2]}

    assert interviewer.csp_violations() == []
    assert candidate.csp_violations() == []


def make_room(page) -> str:
    """The interviewer makes a room of three questions on the form; the room's address."""
    page.get_by_role("link", name="Interviews", exact=True).click()
    page.get_by_role("link", name="New mock interview").click()
    form = page.get_by_test_id("room-form")
    expect(form.get_by_label("Title")).to_be_focused()
    assert_accessible(page)
    form.get_by_label("Title").fill("Flask screen")
    form.get_by_label("Flask interviews").check()
    form.get_by_label("Questions").fill("3")
    form.get_by_label("Minutes per question").fill("2")
    form.get_by_label("Minutes per question").press("Enter")
    expect(page).to_have_url(re.compile(r"/rooms/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Flask screen")
    expect(page.get_by_test_id("room-connection")).to_have_text("Connected.")
    expect(page.get_by_test_id("room-items").locator("[data-item-id]")).to_have_count(3)
    assert_accessible(page)
    return page.url


def accept_invitation(page, invite: str) -> None:
    """The candidate, not signed in yet, opens the link: signed in, they are back on it."""
    page.goto(invite)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    form = page.get_by_test_id("login-form")
    form.get_by_label("Email").fill("cal@example.com")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_label("Password").press("Enter")
    expect(page).to_have_url(invite)
    expect(page.get_by_text("Ivy Interviewer invites you")).to_contain_text("3 questions")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Join as the candidate")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("room-connection")).to_have_text("Connected.")
    expect(page.get_by_test_id("room-people")).to_contain_text(
        "Ivy Interviewer (interviewer): connected"
    )
    assert_accessible(page)


def ask_and_answer(ivy_page, cal_page, n: int) -> None:
    """The interviewer pushes question `n`; the answer box has the focus, so the candidate
    just types; the interviewer reads the answer as it comes."""
    expect(ivy_page.get_by_test_id("room-people")).to_contain_text(
        "Cal Candidate (candidate): connected"
    )
    chatting = n == 2  # the candidate is typing a message when the question comes
    if chatting:
        cal_page.get_by_label("Message").focus()
        cal_page.keyboard.type("One more")
    ivy_page.get_by_role("button", name="Ask the next question").click()
    progress = f"Question {n + 1} of 3"
    expect(ivy_page.get_by_test_id("room-progress")).to_have_text(progress)
    expect(cal_page.get_by_test_id("room-progress")).to_have_text(progress)
    expect(cal_page.get_by_test_id("room-prompt")).to_have_text(PROMPTS[n])
    expect(cal_page.get_by_test_id("room-timer")).to_contain_text(re.compile(r"[12]:\d\d\s+left"))
    box = cal_page.get_by_label("Your answer")
    if chatting:  # the focus stays in the message, which gets all its keys
        expect(cal_page.get_by_label("Message")).to_be_focused()
        cal_page.keyboard.type(" minute, please")
        cal_page.keyboard.press("Enter")
        expect(ivy_page.get_by_test_id("room-chat").locator("li").last).to_have_text(
            "Cal Candidate: One more minute, please"
        )
        cal_page.keyboard.press("Shift+Tab")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(cal_page.get_by_test_id("room-answer-state")).to_have_text("")
    cal_page.keyboard.type(ANSWERS[n])
    expect(cal_page.get_by_test_id("room-answer-state")).to_have_text("Kept.")
    expect(ivy_page.get_by_test_id("room-draft")).to_have_text(ANSWERS[n])


def chat_both_ways(ivy_page, cal_page) -> None:
    said = ["Ivy Interviewer: Take your time.", "Cal Candidate: <b>Thanks</b>"]
    chat(ivy_page, "Take your time.")
    expect(cal_page.get_by_test_id("room-chat").locator("li")).to_have_text(said[:1])
    chat(cal_page, "<b>Thanks</b>")
    for page in (ivy_page, cal_page):
        expect(page.get_by_test_id("room-chat").locator("li")).to_have_text(said)
        expect(page.get_by_test_id("room-chat").locator("b")).to_have_count(0)  # text, not HTML
        assert_accessible(page)


def chat(page, text: str) -> None:
    """Send a chat message from the keyboard: type it, press Enter."""
    field = page.get_by_label("Message")
    field.fill(text)
    field.press("Enter")
    expect(field).to_have_value("")


def reload_both(ivy_page, cal_page, n: int) -> None:
    """Both reload in the middle of question `n`: the server gives everything back."""
    cal_page.reload()
    ivy_page.reload()
    expect(cal_page.get_by_test_id("room-progress")).to_have_text(f"Question {n + 1} of 3")
    expect(cal_page.get_by_test_id("room-prompt")).to_have_text(PROMPTS[n])
    expect(cal_page.get_by_label("Your answer")).to_have_value(ANSWERS[n])
    expect(ivy_page.get_by_test_id("room-draft")).to_have_text(ANSWERS[n])
    for page in (ivy_page, cal_page):
        expect(page.get_by_test_id("room-chat").locator("li")).to_have_count(2)
    items = ivy_page.get_by_test_id("room-items").locator("[data-item-id]")
    expect(items.locator("[data-item-status]")).to_have_text(["asked", "asked", "not asked yet"])
    expect(items.nth(0).get_by_label("Score")).to_have_value(str(SCORES[0]))


def score(page, n: int) -> None:
    """The interviewer scores question `n` with a note, saving it from the keyboard."""
    item = page.get_by_test_id("room-items").locator("[data-item-id]").nth(n)
    expect(item.get_by_role("heading", level=3)).to_contain_text(f"{n + 1}. {PROMPTS[n]}")
    expect(item.locator("[data-item-status]")).to_have_text("asked")
    item.get_by_label("Score").select_option(str(SCORES[n]))
    item.get_by_label("Notes").fill(f"Notes on {n + 1}")
    save = item.get_by_role("button", name="Save score")
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(item.get_by_role("status")).to_have_text(f"Saved: {SCORES[n]} of 5.")


def check_summary(page) -> None:
    """The three questions with their answers and scores, the average and the chat."""
    cards = page.get_by_test_id("summary-item")
    expect(cards).to_have_count(3)
    for n, card in enumerate(cards.all()):
        expect(card.get_by_role("heading", level=2)).to_have_text(f"{n + 1}. {PROMPTS[n]}")
        expect(card).to_contain_text(f"Score {SCORES[n]} of 5")
        expect(card).to_contain_text(ANSWERS[n])
        expect(card).to_contain_text(f"Notes on {n + 1}")
    expect(page.get_by_test_id("summary-average")).to_have_text("2.3 of 5 over 3")
    expect(page.get_by_test_id("summary-chat")).to_contain_text("Cal Candidate: <b>Thanks</b>")
    assert_accessible(page)


# Run before the page's own scripts (and outside its CSP): the page as an older server sent it.
OLDER_PAGE = f"""document.addEventListener("DOMContentLoaded", () => {{
  const room = document.getElementById("room");
  if (room && room.dataset.protocol === "{PROTOCOL}") room.dataset.protocol = "{PROTOCOL - 1}";
}});"""


def test_a_room_page_of_an_older_protocol_says_to_reload(live_server, visitors):
    """A page loaded before the server changed protocols is refused, and says what to do."""
    met = meeting(live_server.app)
    with live_server.app.app_context():
        email = db.session.get(User, met.candidate_id).email
    fresh, older = visitors(), visitors()
    for visitor in (fresh, older):
        sign_in(visitor.page, email)
    older.context.add_init_script(OLDER_PAGE)

    older.page.goto(f"/rooms/{met.room_id}")
    expect(older.page.get_by_test_id("room-connection")).to_have_text(
        "Not connected: this page is out of date. Reload it."
    )
    fresh.page.goto(f"/rooms/{met.room_id}")
    expect(fresh.page.get_by_test_id("room-connection")).to_have_text("Connected.")
    assert older.csp_violations() == fresh.csp_violations() == []
