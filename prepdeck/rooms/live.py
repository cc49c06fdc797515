"""What happens during an interview: the interviewer pushes questions and scores answers, the
candidate's answer is kept as it is typed, both chat, and the interviewer ends it.

Every change is made under a lock on the room's row, so two processes serving one room apply
its events one after the other, and each checks the room's state first: nothing is pushed
or scored after the end, nothing is scored before it is asked, a draft is kept only for the
question being asked. The answer typed after the deadline is kept and marked late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from prepdeck.core.errors import Conflict, Invalid, NotFound, RateLimited
from prepdeck.extensions import db
from prepdeck.practice import services as practice
from prepdeck.rooms.models import Participant, Room, RoomItem, RoomMessage
from prepdeck.rooms.services import current_item, low_scored

MAX_ANSWER = 10_000
MAX_CHAT = 1_000
MAX_NOTES = 2_000
# Chat: at most this many messages from one person in one room in the window.
CHAT_BURST, CHAT_WINDOW = 5, timedelta(seconds=10)


class RoomEnded(Conflict):
    code = "room_ended"


class OutOfOrder(Conflict):
    code = "out_of_order"


def _locked(seat: Participant) -> Room:
    db.session.expire_all()  # read the room as it is once the lock is held
    room = db.session.scalar(sa.select(Room).where(Room.id == seat.room_id).with_for_update())
    if room is None:
        raise NotFound("There is no such room.")
    if room.state == "ended":
        db.session.rollback()
        raise RoomEnded("This interview has ended.")
    return room


def _item(room: Room, item_id) -> RoomItem:
    item = next((i for i in room.items if i.id == item_id), None) if type(item_id) is int else None
    if item is None:
        db.session.rollback()
        raise NotFound("This interview has no such question.")
    return item


def _text(field: str, value, most: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{field.capitalize()} must be text.", details={field: []})
    if len(value) > most:
        message = f"{field.capitalize()} is at most {most:,} characters."
        raise Invalid(message, details={field: [message]})
    if "\x00" in value:
        raise Invalid("Text may not contain the NUL character.", details={field: []})
    if required and not value.strip():
        raise Invalid(f"{field.capitalize()} is empty.", details={field: []})
    return value


def push(seat: Participant, item_id=None) -> RoomItem:
    """Ask the next question (or the one named, if not asked yet) and start its clock."""
    room = _locked(seat)
    if item_id is None:
        item = next((i for i in room.items if i.asked_at is None), None)
        if item is None:
            db.session.rollback()
            raise OutOfOrder("Every question has been asked: end the interview.")
    else:
        item = _item(room, item_id)
        if item.asked_at is not None:
            db.session.rollback()
            raise OutOfOrder("This question has been asked already.")
    now = practice.clock()
    item.asked_at = now
    item.deadline = now + timedelta(seconds=room.seconds_per_question)
    room.state = "live"
    room.started_at = room.started_at or now
    db.session.commit()
    return item


def draft(seat: Participant, item_id, text) -> RoomItem:
    """Keep the candidate's answer as typed so far, for the question being asked."""
    text = _text("answer", text, MAX_ANSWER)
    room = _locked(seat)
    item = _item(room, item_id)
    if item is not current_item(room):
        db.session.rollback()
        raise OutOfOrder("This is not the question being asked.")
    now = practice.clock()
    item.answer = text
    item.answered_at = now
    item.late = item.deadline is not None and now > item.deadline
    db.session.commit()
    return item


def score(seat: Participant, item_id, value, notes="") -> RoomItem:
    """Score an asked question 1-5, with notes; scored again, the last score stands."""
    if type(value) is not int or not 1 <= value <= 5:
        raise Invalid("A score is from 1 to 5.", details={"score": ["Must be from 1 to 5."]})
    notes = _text("notes", notes if notes is not None else "", MAX_NOTES)
    room = _locked(seat)
    item = _item(room, item_id)
    if item.asked_at is None:
        db.session.rollback()
        raise OutOfOrder("This question has not been asked yet.")
    item.score, item.notes, item.scored_at = value, notes.strip(), practice.clock()
    db.session.commit()
    return item


@dataclass(frozen=True)
class ChatLine:
    room_id: int
    id: int
    author: str
    role: str
    text: str
    sent_at: datetime

    @classmethod
    def of(cls, row: RoomMessage) -> ChatLine:
        return cls(row.room_id, row.id, row.author.display_name, row.role, row.text, row.sent_at)


def chat(seat: Participant, text) -> ChatLine:
    """A chat message from the interviewer or the candidate, within the chat's rate. The
    hottest event of a room, so it costs one read (the room's state and the sender's recent
    messages together), the insert and the commit; it takes no lock (a line that crosses the
    end of the interview is kept, as said before the end)."""
    text = _text("message", text, MAX_CHAT, required=True).strip()
    now = practice.clock()
    recent = (
        sa.select(sa.func.count())
        .where(RoomMessage.room_id == seat.room_id, RoomMessage.author_id == seat.person_id,
               RoomMessage.sent_at > now - CHAT_WINDOW)
        .scalar_subquery()
    )  # fmt: skip
    found = db.session.execute(sa.select(Room.state, recent).where(Room.id == seat.room_id)).first()
    if found is None:
        raise NotFound("There is no such room.")
    if found.state == "ended":
        raise RoomEnded("This interview has ended.")
    if found[1] >= CHAT_BURST:
        seconds = int(CHAT_WINDOW.total_seconds())
        message = f"At most {CHAT_BURST} messages in {seconds} seconds: wait a moment."
        raise RateLimited(message, retry_after=seconds)
    row = RoomMessage(room_id=seat.room_id, author_id=seat.person_id, role=seat.role, text=text,
                      sent_at=now)  # fmt: skip
    db.session.add(row)
    db.session.flush()
    line = ChatLine(row.room_id, row.id, seat.person.display_name, row.role, text, now)
    db.session.commit()
    return line


def end(seat: Participant) -> tuple[Room, list[RoomItem]]:
    """End the interview; the candidate's questions scored 1-2 become due in their practice.
    Returns the room and the low-scored items that could not be added (a deck the candidate
    may not read)."""
    room = _locked(seat)
    room.state = "ended"
    room.ended_at = practice.clock()
    db.session.commit()
    return room, to_practice(room)


def to_practice(room: Room) -> list[RoomItem]:
    candidate = next((p.person for p in room.participants if p.role == "candidate"), None)
    low = low_scored(room)
    if candidate is None:
        return low
    kept_out = []
    for item in low:
        took = item.answered_at - item.asked_at if item.answered_at and item.asked_at else None
        duration = int(took.total_seconds() * 1000) if took else 0
        try:
            practice.relearn_now(candidate, item.question_id, duration, f"room:{item.id}")
        except NotFound:
            db.session.rollback()
            kept_out.append(item)
    return kept_out
