"""Mock-interview rooms: making one from decks, joining it by its invite, and reading it.

The rules:
- The interviewer makes the room from decks they may practise (levels, tags, how many
  questions, minutes per question); the questions are drawn then, easier levels first, and
  their prompts and reference answers copied, so later edits to the decks change nothing here.
- The invite carries an unguessable token. The first signed-in person other than the
  interviewer who accepts it becomes the candidate; after that, others may join only to
  watch, and only if the interviewer allowed it.
- Whoever is not in a room is told it does not exist, whatever its id.
"""

from __future__ import annotations

import random
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.core.pagination import Slice, keyset_page
from prepdeck.decks.models import LEVELS, Question
from prepdeck.extensions import db
from prepdeck.practice import quizzes
from prepdeck.practice import services as practice
from prepdeck.rooms.models import Participant, Room, RoomItem

MIN_QUESTIONS, MAX_QUESTIONS = 1, 30
MIN_MINUTES, MAX_MINUTES = 1, 60
MAX_TITLE = 120


class RoomFull(Conflict):
    code = "room_full"


def create_room(
    interviewer: User,
    *,
    title: str,
    deck_ids: list[int],
    levels: list[str],
    tags: list[str],
    question_count: int,
    minutes_per_question: int,
    allow_watchers: bool = False,
) -> Room:
    """A new room with up to `question_count` questions drawn from those that match; nothing
    is saved when none does."""
    title = _checked_title(title)
    quizzes.checked_count(
        "question_count", question_count, MIN_QUESTIONS, MAX_QUESTIONS,
        f"Choose from {MIN_QUESTIONS} to {MAX_QUESTIONS} questions.",
    )  # fmt: skip
    quizzes.checked_count(
        "minutes_per_question", minutes_per_question, MIN_MINUTES, MAX_MINUTES,
        f"Allow from {MIN_MINUTES} to {MAX_MINUTES} minutes a question.",
    )  # fmt: skip
    if not isinstance(allow_watchers, bool):
        raise Invalid("Say whether others may watch.", details={"allow_watchers": []})
    levels, tags = quizzes.checked_filters(levels, tags)
    decks = quizzes.chosen_decks(interviewer, list(deck_ids))
    pool = quizzes.matching_questions(decks, levels, tags) if decks else []
    if not pool:
        raise quizzes.NoQuestions(
            "No question matches these choices: choose other decks, levels or tags."
            if decks
            else "You follow no deck yet: choose the decks to ask from."
        )
    room = Room(
        token=secrets.token_urlsafe(32),
        interviewer_id=interviewer.id,
        title=title,
        seconds_per_question=minutes_per_question * 60,
        allow_watchers=allow_watchers,
        filters={"deck_ids": decks, "levels": levels, "tags": tags},
        state="waiting",
        created_at=practice.clock(),
    )
    room.items = _items(random.sample(pool, min(question_count, len(pool))))
    room.participants = [Participant(person_id=interviewer.id, role="interviewer",
                                     joined_at=room.created_at)]  # fmt: skip
    db.session.add(room)
    db.session.commit()
    return room


def _checked_title(title) -> str:
    title = " ".join(str(title or "").split())
    if not title:
        title = "Mock interview"
    if len(title) > MAX_TITLE or "\x00" in title:
        message = f"A title is at most {MAX_TITLE} characters."
        raise Invalid(message, details={"title": [message]})
    return title


def _items(question_ids: list[int]) -> list[RoomItem]:
    questions = db.session.scalars(sa.select(Question).where(Question.id.in_(question_ids)))
    order = {level: n for n, level in enumerate(LEVELS)}
    picked = sorted(questions, key=lambda q: (order.get(q.level, 99), q.deck_id, q.position))
    return [
        RoomItem(position=n, question_id=q.id, prompt=q.prompt, answer_html=q.answer_html)
        for n, q in enumerate(picked, 1)
    ]


# Joining --------------------------------------------------------------------------------


def invited_room(token: str) -> Room:
    """The room an invite token opens; not found for any other string."""
    room = None
    if isinstance(token, str) and 20 <= len(token) <= 64:
        room = db.session.scalar(sa.select(Room).where(Room.token == token))
    if room is None:
        raise NotFound("This invitation is not valid.")
    return room


def accept_invite(person: User, token: str) -> Participant:
    """Join the room of `token`: as the candidate while the seat is free, else as a watcher
    if the interviewer allows it. Someone already in the room keeps their role."""
    room = invited_room(token)
    room = db.session.scalar(sa.select(Room).where(Room.id == room.id).with_for_update())
    seat = db.session.get(Participant, (room.id, person.id))
    if seat is not None:
        db.session.rollback()
        return seat
    if room.state == "ended":
        db.session.rollback()
        raise Conflict("This interview has ended.")
    taken = any(p.role == "candidate" for p in room.participants)
    if taken and not room.allow_watchers:
        db.session.rollback()
        raise RoomFull("This interview already has its candidate.")
    role = "watcher" if taken else "candidate"
    seat = Participant(room_id=room.id, person_id=person.id, role=role, joined_at=practice.clock())
    db.session.add(seat)
    db.session.commit()
    return seat


# Reading ---------------------------------------------------------------------------------


def participant(person: User, room_id) -> Participant:
    """The person's seat in the room; not found when they have none (or no such room)."""
    seat = None
    if isinstance(room_id, int) and not isinstance(room_id, bool) and 0 < room_id < 2**31:
        seat = db.session.get(Participant, (room_id, person.id))
    if seat is None:
        raise NotFound("There is no such room.")
    return seat


def seat_slice(person: User, after: int | None, limit: int) -> Slice:
    """The person's seats, one per room they are in, oldest room first, after room `after`."""
    query = sa.select(Participant).where(Participant.person_id == person.id)
    query = query.options(selectinload(Participant.room).selectinload(Room.items))
    return keyset_page(query, Participant.room_id, after, limit)


def my_rooms(person: User, limit: int = 50) -> list[tuple[Room, str]]:
    """The person's rooms, newest first, each with the person's role in it."""
    rows = db.session.execute(
        sa.select(Room, Participant.role)
        .join(Participant, Participant.room_id == Room.id)
        .where(Participant.person_id == person.id)
        .order_by(Room.id.desc())
        .limit(limit)
    )
    return [(row.Room, row.role) for row in rows]


def seat_of(room: Room, role: str) -> Participant | None:
    return next((p for p in room.participants if p.role == role), None)


def current_item(room: Room) -> RoomItem | None:
    """The question being asked: the one asked last (none before the first push)."""
    asked = [item for item in room.items if item.asked_at is not None]
    return max(asked, key=lambda item: item.position) if asked else None


def low_scored(room: Room) -> list[RoomItem]:
    """The questions scored 1 or 2 whose question still exists: at the end of the interview
    they go into the candidate's practice, if the candidate may practise them."""
    return [i for i in room.items if i.score is not None and i.score <= 2 and i.question_id]


def remaining_ms(item: RoomItem) -> int:
    if item.deadline is None:
        return 0
    return max(0, int((item.deadline - practice.clock()).total_seconds() * 1000))
