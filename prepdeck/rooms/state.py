"""What each participant is sent: the candidate and watchers never a reference answer, a
score or a note; the interviewer everything. One place decides, for the join and every push."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from prepdeck.core.realtime import PROTOCOL
from prepdeck.extensions import db
from prepdeck.rooms import presence
from prepdeck.rooms.live import ChatLine
from prepdeck.rooms.models import Participant, Room, RoomItem, RoomMessage
from prepdeck.rooms.services import current_item, remaining_ms

CHAT_SHOWN = 100


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def question(room: Room, item: RoomItem) -> dict:
    """The question being asked, as everyone in the room may see it."""
    return {
        "room": room.id,
        "item": item.id,
        "position": item.position,
        "count": len(room.items),
        "prompt": item.prompt,
        "asked_at": _when(item.asked_at),
        "deadline": _when(item.deadline),
        "remaining_ms": remaining_ms(item),
    }


def draft(room: Room, item: RoomItem) -> dict:
    return {"room": room.id, "item": item.id, "text": item.answer, "late": item.late,
            "at": _when(item.answered_at)}  # fmt: skip


def message(line: ChatLine) -> dict:
    return {"room": line.room_id, "id": line.id, "author": line.author, "role": line.role,
            "text": line.text, "sent_at": _when(line.sent_at)}  # fmt: skip


def scored(room: Room, item: RoomItem) -> dict:
    return {"room": room.id, "item": item.id, "score": item.score, "notes": item.notes}


def for_interviewer(room: Room, item: RoomItem) -> dict:
    return {
        "item": item.id, "position": item.position, "prompt": item.prompt,
        "answer_html": item.answer_html, "asked": item.asked_at is not None,
        "score": item.score, "notes": item.notes,
    }  # fmt: skip


def state(room: Room, seat: Participant) -> dict:
    """Everything a participant needs to (re)draw the room, as their role may see it."""
    asking = current_item(room) if room.state != "ended" else None
    chat = db.session.scalars(
        sa.select(RoomMessage).where(RoomMessage.room_id == room.id)
        .order_by(RoomMessage.id.desc()).limit(CHAT_SHOWN)
    ).all()  # fmt: skip
    result = {
        "protocol": PROTOCOL,
        "room": {
            "id": room.id, "title": room.title, "state": room.state,
            "seconds_per_question": room.seconds_per_question,
            "asked": sum(1 for i in room.items if i.asked_at), "count": len(room.items),
            "summary_url": url_for("rooms.summary_page", room_id=room.id),
        },
        "you": {"id": seat.person_id, "role": seat.role},
        "people": presence.people(room),
        "question": question(room, asking) if asking else None,
        "draft": draft(room, asking) if asking else None,
        "chat": [message(ChatLine.of(row)) for row in reversed(chat)],
    }  # fmt: skip
    if seat.role == "interviewer":
        result["items"] = [for_interviewer(room, item) for item in room.items]
        result["invite_url"] = url_for("rooms.invite", token=room.token, _external=True)
    return result
