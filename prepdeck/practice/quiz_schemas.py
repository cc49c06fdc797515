"""Marshmallow schemas of the quiz API: what goes in (strict, as the service enforces it) and
what comes out (the reference answer only once the question is revealed)."""

from __future__ import annotations

import marshmallow as ma

from prepdeck.core.api import PageArgs, page_schema
from prepdeck.core.urls import MAX_ID
from prepdeck.decks.models import LEVELS
from prepdeck.practice import quizzes
from prepdeck.practice.quiz_models import MAX_TYPED_ANSWER

F, V = ma.fields, ma.validate
ID = V.Range(min=1, max=MAX_ID)
NO_NUL = V.Regexp(r"^[^\x00]*$", error="Text may not contain the NUL character.")


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class QuizCreate(Strict):
    deck_ids = F.List(
        F.Integer(strict=True, validate=ID),
        load_default=list,
        validate=V.Length(max=quizzes.MAX_DECKS),
        metadata={"description": "Decks to draw from; none: every deck you follow"},
    )
    levels = F.List(
        F.String(validate=V.OneOf(LEVELS), metadata={"enum": list(LEVELS)}),
        load_default=list,
        validate=V.Length(max=len(LEVELS)),
        metadata={"description": "Only these levels; none: any level"},
    )
    tags = F.List(
        F.String(validate=[V.Length(min=1, max=quizzes.MAX_TAG), NO_NUL]),
        load_default=list,
        validate=V.Length(max=quizzes.MAX_TAGS),
        metadata={"description": "Questions with any of these tags; none: any question"},
    )
    question_count = F.Integer(
        strict=True,
        load_default=10,
        validate=V.Range(min=quizzes.MIN_QUESTIONS, max=quizzes.MAX_QUESTIONS),
    )
    seconds_per_question = F.Integer(
        strict=True,
        load_default=120,
        validate=V.Range(min=quizzes.MIN_SECONDS, max=quizzes.MAX_SECONDS),
    )


class QuizAnswer(Strict):
    item_id = F.Integer(strict=True, required=True, validate=ID)
    answer = F.String(
        load_default="",
        validate=[V.Length(max=MAX_TYPED_ANSWER), NO_NUL],
        metadata={"description": "What you answered; may be empty"},
    )


class QuizGrade(Strict):
    item_id = F.Integer(strict=True, required=True, validate=ID)
    rating = F.Integer(
        strict=True,
        required=True,
        validate=V.Range(min=1, max=4),
        metadata={"description": "1 Again, 2 Hard, 3 Good, 4 Easy"},
    )


class QuizItem(ma.Schema):
    id = F.Integer(required=True)
    position = F.Integer(required=True)
    question_id = F.Integer(required=True)
    prompt = F.String(required=True)
    started_at = F.AwareDateTime(required=True, allow_none=True)
    deadline = F.AwareDateTime(required=True, allow_none=True)
    answer = F.String(required=True, allow_none=True, metadata={"description": "As typed"})
    answered_at = F.AwareDateTime(required=True, allow_none=True)
    late = F.Boolean(required=True, metadata={"description": "Answered after the deadline"})
    rating = F.Integer(required=True, allow_none=True)
    graded_at = F.AwareDateTime(required=True, allow_none=True)
    duration_ms = F.Integer(required=True, allow_none=True)
    reference_answer = F.String(
        required=True, allow_none=True,
        metadata={"description": "Markdown; null until the question is revealed"},
    )  # fmt: skip
    reference_answer_html = F.String(required=True, allow_none=True)

    @ma.pre_dump
    def _flatten(self, item, **_kwargs) -> dict:
        fields = ("id", "position", "question_id", "started_at", "deadline", "answer",
                  "answered_at", "late", "rating", "graded_at", "duration_ms")  # fmt: skip
        body = {name: getattr(item, name) for name in fields}
        question = item.question
        body["prompt"] = question.prompt
        body["reference_answer"] = question.answer if item.revealed else None
        body["reference_answer_html"] = question.answer_html if item.revealed else None
        return body


class CurrentItem(ma.Schema):
    item_id = F.Integer(required=True)
    remaining_ms = F.Integer(required=True, metadata={"description": "Left on the deadline"})


class Filters(ma.Schema):
    deck_ids = F.List(F.Integer(), required=True)
    levels = F.List(F.String(), required=True)
    tags = F.List(F.String(), required=True)


class Quiz(ma.Schema):
    id = F.Integer(required=True)
    seconds_per_question = F.Integer(required=True)
    filters = F.Nested(Filters, required=True)
    created_at = F.AwareDateTime(required=True)
    finished_at = F.AwareDateTime(required=True, allow_none=True)
    current = F.Nested(
        CurrentItem, required=True, allow_none=True,
        metadata={"description": "The question being asked; null once the quiz is over"},
    )  # fmt: skip
    items = F.List(F.Nested(QuizItem), required=True)

    @ma.pre_dump
    def _with_current(self, quiz, **_kwargs) -> dict:
        item = quizzes.current_item(quiz)
        current = None
        if item is not None:
            current = {"item_id": item.id, "remaining_ms": quizzes.remaining_ms(item)}
        fields = ("id", "seconds_per_question", "filters", "created_at", "finished_at", "items")
        return {**{name: getattr(quiz, name) for name in fields}, "current": current}


QuizListArgs = PageArgs


QuizPage = page_schema(Quiz, "QuizPage")
