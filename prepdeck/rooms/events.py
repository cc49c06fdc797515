"""Socket.IO events of a mock-interview room. Each handler checks that the sender has a seat
in that room with the role the event needs, calls the room services, and tells the room.

Client to server (each acknowledged with `{"ok": true, ...}` or `{"ok": false, "error"}`):
`room:join {room}`, `room:leave {room}`, `room:here {room}` (the heartbeat, every 20 s),
`room:push {room, item?}` (interviewer), `room:draft {room, item, text}` (candidate),
`room:chat {room, text}` (interviewer, candidate), `room:score {room, item, score, notes}`
and `room:end {room}` (interviewer).
Server to client: `room:state` (on joining), `room:question`, `room:draft`, `room:chat`,
`room:presence`, `room:scored` (interviewer only), `room:ended`, and `refused`.
"""

from __future__ import annotations

from flask import request, url_for
from flask_socketio import SocketIO, emit, join_room, leave_room

from prepdeck.accounts.models import User
from prepdeck.core.errors import Forbidden
from prepdeck.core.realtime import on, server
from prepdeck.extensions import db
from prepdeck.rooms import live, presence, services, state
from prepdeck.rooms.models import Participant, Room


def channel(room_id: int) -> str:
    return f"room:{room_id}"


def interviewer_channel(room_id: int) -> str:
    return f"room:{room_id}:interviewer"


def _seat(person: User, payload: dict, *roles: str) -> Participant:
    seat = services.participant(person, payload.get("room"))
    if roles and seat.role not in roles:
        raise Forbidden(f"Only the {' or the '.join(roles)} may do that.")
    return seat


def _tell_presence(room: Room) -> None:
    people = presence.people(room)
    server().emit("room:presence", {"room": room.id, "people": people}, to=channel(room.id))


def join(person: User, payload: dict) -> dict:
    seat = _seat(person, payload)
    room = seat.room
    join_room(channel(room.id))
    if seat.role == "interviewer":
        join_room(interviewer_channel(room.id))
    presence.arrived(request.sid, seat)
    current = state.state(room, seat)
    emit("room:state", current)
    _tell_presence(room)
    return {"state": current}


def leave(person: User, payload: dict) -> None:
    seat = _seat(person, payload)
    leave_room(channel(seat.room_id))
    leave_room(interviewer_channel(seat.room_id))
    presence.left_room(request.sid, seat.room_id)
    _tell_presence(seat.room)


def here(person: User, payload: dict) -> None:
    presence.arrived(request.sid, _seat(person, payload))


def push(person: User, payload: dict) -> dict:
    seat = _seat(person, payload, "interviewer")
    item = live.push(seat, payload.get("item"))
    asked = state.question(item.room, item)
    server().emit("room:question", asked, to=channel(seat.room_id))
    return {"question": asked}


def draft(person: User, payload: dict) -> dict:
    seat = _seat(person, payload, "candidate")
    item = live.draft(seat, payload.get("item"), payload.get("text"))
    typed = state.draft(item.room, item)
    server().emit("room:draft", typed, to=channel(seat.room_id), skip_sid=request.sid)
    return {"draft": {"item": item.id, "late": item.late}}


def chat(person: User, payload: dict) -> dict:
    seat = _seat(person, payload, "interviewer", "candidate")
    sent = state.message(live.chat(seat, payload.get("text")))
    server().emit("room:chat", sent, to=channel(seat.room_id))
    return {"message": sent}


def score(person: User, payload: dict) -> dict:
    seat = _seat(person, payload, "interviewer")
    item = live.score(seat, payload.get("item"), payload.get("score"), payload.get("notes", ""))
    scored = state.scored(item.room, item)
    server().emit("room:scored", scored, to=interviewer_channel(seat.room_id))
    return {"scored": scored}


def end(person: User, payload: dict) -> dict:
    seat = _seat(person, payload, "interviewer")
    room, kept_out = live.end(seat)
    ended = {"room": room.id, "summary_url": url_for("rooms.summary_page", room_id=room.id)}
    server().emit("room:ended", ended, to=channel(room.id))
    return {"ended": ended, "not_added_to_practice": [item.id for item in kept_out]}


def disconnect(*_reason) -> None:
    for room_id in presence.left(request.sid):
        room = db.session.get(Room, room_id)
        if room is not None:
            _tell_presence(room)


def register(socketio: SocketIO) -> None:
    handlers = {
        "room:join": join, "room:leave": leave, "room:here": here, "room:push": push,
        "room:draft": draft, "room:chat": chat, "room:score": score, "room:end": end,
    }  # fmt: skip
    for name, handler in handlers.items():
        on(socketio, name, handler)
    socketio.on_event("disconnect", disconnect)
