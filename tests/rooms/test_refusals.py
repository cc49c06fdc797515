"""Bad input over the socket: each refused with a clear `refused` event (and the same error in
the acknowledgement), the room unharmed and nothing lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
import socketio
from flask_jwt_extended import create_access_token

from prepdeck.accounts import services as accounts
from prepdeck.accounts import tokens
from prepdeck.accounts.models import User
from prepdeck.extensions import db
from prepdeck.rooms.models import Room, RoomItem, RoomMessage
from tests.factories import PASSWORD, UserFactory
from tests.rooms.realtime import Peer


def refused(peer: Peer, event: str, payload: dict, code: str) -> dict:
    ack = peer.call(event, payload)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    told = peer.next("refused", lambda d: d["event"] == event)
    assert told == ack["error"] and told["message"]
    return told


def test_outsiders_and_wrong_roles_are_refused(live_server, interview):
    met, connect = interview
    with live_server.app.app_context():
        outsider = tokens.access_token(UserFactory())["access_token"]
    stranger, candidate = connect(outsider), connect(met.candidate_token)
    interviewer = connect(met.interviewer_token)
    # Not in the room: as if it did not exist, whatever the id guessed.
    for room_id in (met.room_id, met.room_id + 1, 0, "1", None):
        refused(stranger, "room:join", {"room": room_id}, "not_found")
    refused(stranger, "room:chat", {"room": met.room_id, "text": "hi"}, "not_found")
    # A candidate may not push, score or end, and never gets the plan.
    candidate.call("room:join", {"room": met.room_id})
    refused(candidate, "room:push", {"room": met.room_id}, "forbidden")
    refused(candidate, "room:end", {"room": met.room_id}, "forbidden")
    # The interviewer may not type the candidate's answer.
    first = interviewer.call("room:push", {"room": met.room_id})["question"]
    refused(interviewer, "room:draft", {"room": met.room_id, "item": first["item"], "text": "x"},
            "forbidden")  # fmt: skip
    with live_server.app.app_context():
        assert db.session.get(RoomItem, first["item"]).answer == ""


def test_events_out_of_order_are_refused(live_server, interview):
    met, connect = interview
    interviewer, candidate = connect(met.interviewer_token), connect(met.candidate_token)
    state = interviewer.call("room:join", {"room": met.room_id})["state"]
    first, second, third = (item["item"] for item in state["items"])
    # A score before the question was asked; a draft for a question not being asked.
    refused(interviewer, "room:score", {"room": met.room_id, "item": first, "score": 3},
            "out_of_order")  # fmt: skip
    refused(candidate, "room:draft", {"room": met.room_id, "item": first, "text": "early"},
            "out_of_order")  # fmt: skip
    interviewer.call("room:push", {"room": met.room_id})
    interviewer.call("room:push", {"room": met.room_id})
    refused(interviewer, "room:push", {"room": met.room_id, "item": first}, "out_of_order")
    refused(candidate, "room:draft", {"room": met.room_id, "item": first, "text": "old"},
            "out_of_order")  # fmt: skip
    assert interviewer.call("room:end", {"room": met.room_id})["ok"]
    # After the end: no push, score, draft or chat; a second end is refused too.
    refused(interviewer, "room:push", {"room": met.room_id}, "room_ended")
    refused(interviewer, "room:score", {"room": met.room_id, "item": second, "score": 4},
            "room_ended")  # fmt: skip
    refused(candidate, "room:draft", {"room": met.room_id, "item": second, "text": "late"},
            "room_ended")  # fmt: skip
    refused(candidate, "room:chat", {"room": met.room_id, "text": "hello?"}, "room_ended")
    refused(interviewer, "room:end", {"room": met.room_id}, "room_ended")
    with live_server.app.app_context():
        items = {i.id: i for i in db.session.get(Room, met.room_id).items}
        assert items[third].asked_at is None
        assert [i.score for i in items.values()] == [None, None, None]
        assert all(i.answer == "" for i in items.values())


def test_bad_payloads_and_floods_are_refused_and_the_room_goes_on(live_server, interview):
    met, connect = interview
    interviewer, candidate = connect(met.interviewer_token), connect(met.candidate_token)
    candidate.call("room:join", {"room": met.room_id})
    asked = interviewer.call("room:push", {"room": met.room_id})["question"]
    # A 1 MB message: refused as too long, and the connection stays.
    told = refused(candidate, "room:chat", {"room": met.room_id, "text": "x" * 1_048_576},
                   "invalid")  # fmt: skip
    assert "1,000 characters" in told["message"]
    refused(candidate, "room:draft", {"room": met.room_id, "item": asked["item"],
                                      "text": "y" * 1_048_576}, "invalid")  # fmt: skip
    # Not an object, wrong types, a NUL, an empty message, a score out of range.
    ack = candidate.call("room:chat", ["not", "an", "object"])
    assert ack["error"] == {"event": "room:chat", "code": "invalid", "message": "Send an object."}
    assert candidate.next("refused") == ack["error"]
    refused(candidate, "room:chat", {"room": met.room_id, "text": 42}, "invalid")
    refused(candidate, "room:chat", {"room": met.room_id, "text": "a\x00b"}, "invalid")
    refused(candidate, "room:chat", {"room": met.room_id, "text": "   "}, "invalid")
    for score in (0, 6, 2.5, "3", True):
        refused(interviewer, "room:score", {"room": met.room_id, "item": asked["item"],
                                            "score": score}, "invalid")  # fmt: skip
    # A flood of chat: five pass in ten seconds, the rest are refused, none half-kept.
    results = [candidate.call("room:chat", {"room": met.room_id, "text": f"m{n}"}) for n in
               range(12)]  # fmt: skip
    assert [r["ok"] for r in results] == [True] * 5 + [False] * 7
    assert {r["error"]["code"] for r in results[5:]} == {"rate_limited"}
    # The room still works, and holds exactly what was accepted.
    assert interviewer.call("room:chat", {"room": met.room_id, "text": "Still here"})["ok"]
    assert candidate.call("room:draft", {"room": met.room_id, "item": asked["item"],
                                         "text": "My answer"})["ok"]  # fmt: skip
    with live_server.app.app_context():
        texts = [m.text for m in db.session.query(RoomMessage).order_by(RoomMessage.id)]
        assert texts == ["m0", "m1", "m2", "m3", "m4", "Still here"]
        assert db.session.get(RoomItem, asked["item"]).answer == "My answer"


def test_connections_without_a_valid_sign_in_or_protocol_are_refused(live_server, interview):
    met, _connect = interview
    app = live_server.app
    with app.app_context():
        candidate = db.session.get(User, met.candidate_id)
        expired = create_access_token(str(candidate.id), additional_claims={"sv": 1},
                                      expires_delta=timedelta(seconds=-5))  # fmt: skip
        revoked = tokens.access_token(candidate)["access_token"]
        from flask_jwt_extended import decode_token

        tokens.revoke(decode_token(revoked))
    for auth, reason in (
        ({}, "unsupported_protocol"),
        ({"protocol": 0, "token": met.candidate_token}, "unsupported_protocol"),
        ({"protocol": 1}, "unauthorized"),
        ({"protocol": 1, "token": "not-a-token"}, "unauthorized"),
        ({"protocol": 1, "token": expired}, "unauthorized"),
        ({"protocol": 1, "token": revoked}, "unauthorized"),
    ):
        client, told = socketio.Client(reconnection=False), []
        client.on("connect_error", told.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(live_server.url, auth=auth, transports=["websocket"], wait_timeout=10)
        assert told and told[0]["message"] == reason, (auth, told)
        assert told[0]["data"]["message"]  # a sentence for people, beside the code
    # A browser on another origin is refused before the handshake.
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, auth={"protocol": 1, "token": met.candidate_token},
                       headers={"Origin": "https://evil.example"}, transports=["websocket"],
                       wait_timeout=10)  # fmt: skip


def test_a_password_change_ends_what_an_open_connection_may_do(live_server, interview):
    met, connect = interview
    candidate = connect(met.candidate_token)
    assert candidate.call("room:join", {"room": met.room_id})["ok"]
    with live_server.app.app_context():
        person = db.session.get(User, met.candidate_id)
        accounts.change_password(person, PASSWORD, "a much newer passphrase 42")
    refused(candidate, "room:chat", {"room": met.room_id, "text": "still me?"}, "unauthorized")
    with live_server.app.app_context():
        assert db.session.query(RoomMessage).count() == 0


def test_an_old_socket_io_client_is_told_its_version_is_not_spoken(live_server):
    # Socket.IO 2 clients speak Engine.IO 3: refused at the handshake, before any sign-in.
    answer = requests.get(f"{live_server.url}/socket.io/", timeout=10,
                          params={"EIO": "3", "transport": "polling"})  # fmt: skip
    assert answer.status_code == 400 and "unsupported version" in answer.text.lower()
