"""The room pages and the room API, with the rules of the services behind them: making a room,
invitations, who may see what, and the summary (page, Markdown, API)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.models import utcnow
from prepdeck.extensions import db
from prepdeck.practice import services as practice
from prepdeck.practice.models import Card, DeckFollow
from prepdeck.rooms import live, services
from prepdeck.rooms.models import Participant, Room
from tests.api_client import ApiClient, error_code
from tests.conftest import login, post_form
from tests.factories import UserFactory
from tests.practice.conftest import make_deck
from tests.rooms.realtime import ROWS, meeting


def seat(person_id: int, room_id: int) -> Participant:
    return db.session.get(Participant, (room_id, person_id))


def ran_interview(app, clock) -> tuple:
    """A room whose first question was answered late and scored 1, the second scored 4, the
    third never asked, with a little chat; then ended."""
    met = meeting(app)
    with app.app_context():
        boss, cand = seat(met.interviewer_id, met.room_id), seat(met.candidate_id, met.room_id)
        first = live.push(boss)
        clock.move(seconds=30)
        live.draft(cand, first.id, "It keeps\n<script>alert(1)</script>")
        clock.move(seconds=100)
        live.draft(cand, first.id, "It keeps the app")  # after the 2-minute deadline
        live.score(boss, first.id, 1, "Guessing")
        second = live.push(boss)
        live.draft(cand, second.id, "Rules are matched by Werkzeug")
        live.score(boss, second.id, 4)
        live.chat(cand, "Thanks for your time")
        clock.move(minutes=1)
        live.end(boss)
    return met


@pytest.fixture
def clock_at_now(clock):
    clock.set(utcnow())
    return clock


def test_making_a_room_and_accepting_its_invitation_on_the_pages(app, client):
    with app.app_context():
        host = UserFactory(email="host@example.com", display_name="Host")
        deck = make_deck(host, prompts=("One?", "Two?", "Three?", "Four?"))
        practice.follow(host, deck.slug)
        UserFactory(email="cand@example.com")
        UserFactory(email="third@example.com")
    login(client, "host@example.com")
    form = client.get("/rooms/new").get_data(as_text=True)
    assert "Deck public" in form
    bad = post_form(client, "/rooms/new", {"title": "Screen", "question_count": "0",
                                           "minutes_per_question": "5"})  # fmt: skip
    assert bad.status_code == 200 and "Number must be between 1 and 30" in bad.get_data(True)
    made = post_form(client, "/rooms/new", {"title": "Screen", "question_count": "3",
                                            "minutes_per_question": "5"})  # fmt: skip
    assert made.status_code == 302
    room_page = client.get(made.headers["Location"]).get_data(as_text=True)
    invite = re.search(r'value="(http://[^"]+/rooms/join/[^"]+)"', room_page).group(1)
    path = invite.removeprefix("http://localhost")
    assert room_page.count("Reference answer") == 3

    client = app.test_client()
    login(client, "cand@example.com")
    assert "Join as the candidate" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 400  # no CSRF token
    joined = post_form(client, path, {})
    assert joined.status_code == 302
    page = client.get(joined.headers["Location"]).get_data(as_text=True)
    assert "You are the candidate" in page and "Reference answer" not in page
    assert "The answer to" not in page and "/rooms/join/" not in page

    client = app.test_client()
    login(client, "third@example.com")  # a third person: the seat is taken, watching is off
    assert "already has its candidate" in client.get(path).get_data(as_text=True)
    assert post_form(client, path, {}, page="/rooms/new").status_code == 409
    room_id = int(joined.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/rooms/{room_id}").status_code == 404
    assert client.get("/rooms/join/" + "x" * 43).status_code == 404


def test_the_summary_page_and_its_markdown(app, client, clock_at_now):
    met = ran_interview(app, clock_at_now)
    with app.app_context():
        cand_email = db.session.get(User, met.candidate_id).email
    login(client, cand_email)
    page = client.get(f"/rooms/{met.room_id}/summary").get_data(as_text=True)
    assert page.count('data-testid="summary-item"') == 2  # the third was never asked
    assert "Score 1 of 5" in page and "Score 4 of 5" in page and "after the deadline" in page
    assert "&lt;script&gt;" not in page  # the last draft stood
    assert "1 question scored 1 or 2 is now due in your" in page
    markdown = client.get(f"/rooms/{met.room_id}/summary.md")
    assert markdown.headers["Content-Disposition"].startswith("attachment;")
    text = markdown.get_data(as_text=True)
    assert text.startswith("# Flask screen\n")
    assert (
        f"## 1. {ROWS[0][0]}" in text
        and "*score 1/5, answered in 2 min 10 s, after the dead" in text
    )
    assert "> It keeps the app" in text and "> Guessing" in text
    assert "Cal Candidate: Thanks for your time" in text
    with app.app_context():  # due now, and the deck is followed so the queue shows it
        item_question = db.session.get(Room, met.room_id).items[0].question_id
        card = db.session.get(Card, (met.candidate_id, item_question))
        assert card.state == "learning" and card.due <= clock_at_now()
        assert db.session.get(DeckFollow, (met.candidate_id, card.question.deck_id))
        candidate = db.session.get(User, met.candidate_id)
        queue = practice.due_queue(candidate)
        assert [item.question_id for item in queue][:1] == [item_question]


def test_the_api_makes_joins_lists_and_reads_rooms(app, client):
    with app.app_context():
        host = UserFactory(email="host@example.com")
        deck = make_deck(host)
        UserFactory(email="cand@example.com")
        other = UserFactory(email="other@example.com")
        private = make_deck(other, visibility="private")
        deck_id, private_id = deck.id, private.id
    host_api = ApiClient(client).sign_in("host@example.com")
    choice = {"deck_ids": [deck_id], "question_count": 2, "minutes_per_question": 3}
    made = host_api.post("rooms", json={**choice, "title": "API screen"})
    assert made.status_code == 201, made.get_json()
    room = made.get_json()
    assert room["your_role"] == "interviewer" and room["seconds_per_question"] == 180
    assert room["question_count"] == 2 and room["summary"] is None
    token = room["invite_url"].rsplit("/", 1)[1]
    assert made.headers["Location"].endswith(f"/rooms/{room['id']}")
    assert error_code(host_api.post("rooms", json={"deck_ids": [private_id]})) == "not_found"
    assert error_code(host_api.post("rooms", json={"allow_watchers": 1})) == "invalid"
    assert error_code(host_api.post("rooms", json={"minutes_per_question": 61})) == "invalid"
    expert = host_api.post("rooms", json={"deck_ids": [deck_id], "levels": ["expert"]})
    assert error_code(expert) == "no_questions"

    cand_api = ApiClient(client).sign_in("cand@example.com")
    assert cand_api.get(f"rooms/{room['id']}").status_code == 404
    assert error_code(cand_api.post("rooms/join", json={"token": "nope"})) == "not_found"
    joined = cand_api.post("rooms/join", json={"token": token})
    assert joined.status_code == 200 and joined.get_json()["your_role"] == "candidate"
    assert joined.get_json()["invite_url"] is None
    assert cand_api.post("rooms/join", json={"token": token}).get_json()["your_role"] == "candidate"
    other_api = ApiClient(client).sign_in("other@example.com")
    assert error_code(other_api.post("rooms/join", json={"token": token})) == "room_full"
    listed = cand_api.get("rooms").get_json()
    assert [r["id"] for r in listed["items"]] == [room["id"]] and listed["next_cursor"] is None

    with app.app_context():
        live.end(seat(db.session.scalar(sa.select(Room.interviewer_id)), room["id"]))
    read = cand_api.get(f"rooms/{room['id']}").get_json()
    assert read["state"] == "ended" and read["summary"]["items"] == []
    assert read["summary"]["markdown_url"].endswith(f"/rooms/{room['id']}/summary.md")


def test_presence_forgets_connections_that_stopped_beating(app, clock):
    from prepdeck.rooms import presence

    met = meeting(app)
    with app.app_context():
        cand = seat(met.candidate_id, met.room_id)
        presence.arrived("sid-1", cand)
        room = db.session.get(Room, met.room_id)
        assert {p["role"]: p["connected"] for p in presence.people(room)} == {
            "interviewer": False, "candidate": True}  # fmt: skip
        clock.move(seconds=presence.PRESENCE_SECONDS + 1)  # its process died without a word
        assert not any(p["connected"] for p in presence.people(room))
        presence.arrived("sid-2", cand)
        assert presence.left("sid-2") == [met.room_id]
        assert not any(p["connected"] for p in presence.people(room))


def test_a_room_must_match_something_and_a_deadline_is_kept(app, clock):
    with app.app_context():
        host = UserFactory()
        with pytest.raises(services.quizzes.NoQuestions):
            services.create_room(host, title="", deck_ids=[], levels=[], tags=[],
                                 question_count=3, minutes_per_question=5)  # fmt: skip
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 0
    met = meeting(app)
    with app.app_context():
        first = live.push(seat(met.interviewer_id, met.room_id))
        assert first.deadline - first.asked_at == timedelta(minutes=2)
        assert services.remaining_ms(first) == 120_000
        clock.move(seconds=90)
        assert services.remaining_ms(first) == 30_000
