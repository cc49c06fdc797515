"""Marshmallow schemas of the room API: strict input, and a room as the caller may see it (the
questions, answers, scores and chat only once the interview has ended)."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for

from prepdeck.core.api import JsonFlag, PageArgs, page_schema
from prepdeck.practice.quiz_schemas import NO_NUL, Filters, QuizCreate, Strict
from prepdeck.rooms import presence, services
from prepdeck.rooms import summary as summaries
from prepdeck.rooms.models import Participant

F, V = ma.fields, ma.validate


class RoomCreate(Strict):
    title = F.String(load_default="Mock interview",
                     validate=[V.Length(max=services.MAX_TITLE), NO_NUL])  # fmt: skip
    deck_ids = QuizCreate._declared_fields["deck_ids"]
    levels = QuizCreate._declared_fields["levels"]
    tags = QuizCreate._declared_fields["tags"]
    question_count = F.Integer(strict=True, load_default=5,
                               validate=V.Range(min=services.MIN_QUESTIONS,
                                                max=services.MAX_QUESTIONS))  # fmt: skip
    minutes_per_question = F.Integer(strict=True, load_default=5,
                                     validate=V.Range(min=services.MIN_MINUTES,
                                                      max=services.MAX_MINUTES))  # fmt: skip
    allow_watchers = JsonFlag(load_default=False)


class RoomJoin(Strict):
    token = F.String(required=True, validate=[V.Length(min=1, max=64), NO_NUL])


class Person(ma.Schema):
    name = F.String(required=True)
    role = F.String(required=True, metadata={"enum": ["interviewer", "candidate", "watcher"]})
    connected = F.Boolean(required=True, metadata={"description": "Connected to the room now"})


class SummaryItem(ma.Schema):
    id = F.Integer(required=True)
    position = F.Integer(required=True)
    question_id = F.Integer(required=True, allow_none=True)
    prompt = F.String(required=True)
    answer = F.String(required=True, metadata={"description": "As the candidate typed it"})
    asked_at = F.AwareDateTime(required=True)
    answered_at = F.AwareDateTime(required=True, allow_none=True)
    seconds_taken = F.Integer(required=True, allow_none=True)
    late = F.Boolean(required=True)
    score = F.Integer(required=True, allow_none=True)
    notes = F.String(required=True)


class ChatLine(ma.Schema):
    author = F.String(required=True)
    role = F.String(required=True)
    text = F.String(required=True)
    sent_at = F.AwareDateTime(required=True)


class Summary(ma.Schema):
    average_score = F.Float(required=True, allow_none=True)
    items = F.List(F.Nested(SummaryItem), required=True)
    chat = F.List(F.Nested(ChatLine), required=True)
    markdown_url = F.String(required=True)


class Room(ma.Schema):
    id = F.Integer(required=True)
    title = F.String(required=True)
    state = F.String(required=True, metadata={"enum": ["waiting", "live", "ended"]})
    your_role = F.String(required=True)
    seconds_per_question = F.Integer(required=True)
    question_count = F.Integer(required=True)
    allow_watchers = F.Boolean(required=True)
    filters = F.Nested(Filters, required=True)
    created_at = F.AwareDateTime(required=True)
    started_at = F.AwareDateTime(required=True, allow_none=True)
    ended_at = F.AwareDateTime(required=True, allow_none=True)
    people = F.List(F.Nested(Person), required=True)
    page_url = F.String(required=True)
    invite_url = F.String(
        required=True, allow_none=True, metadata={"description": "For the interviewer only"}
    )
    summary = F.Nested(
        Summary, required=True, allow_none=True, metadata={"description": "Once it has ended"}
    )

    @ma.pre_dump
    def _as_seen(self, seat: Participant, **_kwargs) -> dict:
        room = seat.room
        fields = ("id", "title", "state", "seconds_per_question", "allow_watchers", "filters",
                  "created_at", "started_at", "ended_at")  # fmt: skip
        body = {name: getattr(room, name) for name in fields}
        body.update(
            your_role=seat.role, question_count=len(room.items),
            people=presence.people(room),  # one query, however many watch
            page_url=url_for("rooms.show", room_id=room.id, _external=True),
            invite_url=url_for("rooms.invite", token=room.token, _external=True)
            if seat.role == "interviewer" else None,
            summary=_summary(seat) if room.state == "ended" else None,
        )  # fmt: skip
        return body


ITEM_FIELDS = ("id", "position", "question_id", "prompt", "answer", "asked_at", "answered_at",
               "late", "score", "notes")  # fmt: skip


def _summary(seat: Participant) -> dict:
    result = summaries.summary(seat)
    items = []
    for item in result.items:
        row = {name: getattr(item, name) for name in ITEM_FIELDS}
        row["seconds_taken"] = summaries.seconds_taken(item)
        items.append(row)
    chat = [{"author": m.author.display_name, "role": m.role, "text": m.text,
             "sent_at": m.sent_at} for m in result.messages]  # fmt: skip
    url = url_for("rooms.summary_markdown", room_id=seat.room_id, _external=True)
    return {"average_score": result.average, "items": items, "chat": chat, "markdown_url": url}


RoomListArgs = PageArgs
RoomPage = page_schema(Room, "RoomPage")
