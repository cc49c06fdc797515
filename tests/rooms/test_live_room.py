"""A mock interview over real WebSocket connections (python-socketio clients) against the app
served on a loopback port: what each role receives, and what is stored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from prepdeck.extensions import db
from prepdeck.practice import services as practice
from prepdeck.practice.models import Card
from prepdeck.rooms.models import Room, RoomItem, RoomMessage
from tests.rooms.realtime import ROWS, Peer, meeting


@pytest.fixture
def interview(live_server):
    met = meeting(live_server.app)
    opened: list[Peer] = []

    def connect(token: str, **kwargs) -> Peer:
        peer = Peer(live_server.url, token=token, **kwargs)
        opened.append(peer)
        return peer

    yield met, connect
    for peer in opened:
        peer.close()


def test_a_whole_interview_over_websocket(live_server, interview):
    met, connect = interview
    interviewer, candidate = connect(met.interviewer_token), connect(met.candidate_token)

    seen_by_interviewer = interviewer.call("room:join", {"room": met.room_id})
    seen_by_candidate = candidate.call("room:join", {"room": met.room_id})
    assert seen_by_interviewer["ok"] and seen_by_candidate["ok"]
    # The interviewer has the plan with the reference answers; the candidate has neither.
    plan = seen_by_interviewer["state"]["items"]
    assert [item["prompt"] for item in plan] == [row[0] for row in ROWS]
    assert "token bucket" in plan[2]["answer_html"]
    assert "items" not in seen_by_candidate["state"]
    assert "invite_url" not in seen_by_candidate["state"]
    people = interviewer.next("room:presence", lambda d: all(p["connected"] for p in d["people"]))
    assert {(p["name"], p["role"]) for p in people["people"]} == {
        ("Ivy Interviewer", "interviewer"), ("Cal Candidate", "candidate")}  # fmt: skip

    pushed = interviewer.call("room:push", {"room": met.room_id})
    assert pushed["ok"], pushed
    asked = candidate.next("room:question")
    assert asked["prompt"] == ROWS[0][0] and asked["position"] == 1 and asked["count"] == 3
    assert 0 < asked["remaining_ms"] <= 120_000
    assert set(asked) == {"room", "item", "position", "count", "prompt", "asked_at", "deadline",
                          "remaining_ms"}  # fmt: skip
    assert ROWS[0][1] not in str(candidate.seen())

    # The answer streams to the interviewer as it is typed, and is kept.
    for text in ("It", "It holds", "It holds current_app and g."):
        assert candidate.call("room:draft", {"room": met.room_id, "item": asked["item"],
                                             "text": text})["ok"]  # fmt: skip
    typed = interviewer.next("room:draft", lambda d: d["text"] == "It holds current_app and g.")
    assert typed["item"] == asked["item"] and typed["late"] is False

    # Chat both ways.
    assert interviewer.call("room:chat", {"room": met.room_id, "text": "Take your time."})["ok"]
    assert candidate.next("room:chat")["text"] == "Take your time."
    assert candidate.call("room:chat", {"room": met.room_id, "text": "<b>Thanks</b>"})["ok"]
    said = interviewer.next("room:chat", lambda d: d["author"] == "Cal Candidate")
    assert said["text"] == "<b>Thanks</b>"  # as typed: the page puts it in as text

    scored = interviewer.call("room:score", {"room": met.room_id, "item": asked["item"],
                                             "score": 2, "notes": "Missed g."})  # fmt: skip
    assert scored["ok"] and scored["scored"] == {"room": met.room_id, "item": asked["item"],
                                                 "score": 2, "notes": "Missed g."}  # fmt: skip
    assert interviewer.next("room:scored")["score"] == 2

    second = interviewer.call("room:push", {"room": met.room_id})["question"]
    assert candidate.next("room:question")["item"] == second["item"]
    assert interviewer.call("room:score", {"room": met.room_id, "item": second["item"],
                                           "score": 5})["ok"]  # fmt: skip

    ended = interviewer.call("room:end", {"room": met.room_id})
    assert ended["ok"] and ended["not_added_to_practice"] == []
    assert candidate.next("room:ended")["summary_url"] == f"/rooms/{met.room_id}/summary"

    with live_server.app.app_context():
        room = db.session.get(Room, met.room_id)
        assert room.state == "ended" and room.ended_at is not None
        items = db.session.scalars(
            sa.select(RoomItem).where(RoomItem.room_id == met.room_id).order_by(RoomItem.position)
        ).all()
        assert [(i.answer, i.score, i.notes) for i in items] == [
            ("It holds current_app and g.", 2, "Missed g."),
            ("", 5, ""),
            ("", None, ""),
        ]
        chat = db.session.scalars(sa.select(RoomMessage.text).order_by(RoomMessage.id)).all()
        assert chat == ["Take your time.", "<b>Thanks</b>"]
        # The question scored 2 is due now in the candidate's practice; the one scored 5 is not.
        card = db.session.get(Card, (met.candidate_id, items[0].question_id))
        assert card is not None and card.due <= practice.clock()
        assert db.session.get(Card, (met.candidate_id, items[1].question_id)) is None
