"""Practice fixtures: an app context, a clock the tests move, people and decks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from prepdeck.accounts.models import User
from prepdeck.decks import questions, services
from prepdeck.extensions import db
from prepdeck.practice import services as practice
from tests.factories import UserFactory


class Clock:
    """The server's clock, as far as practice is concerned: still until moved."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> datetime:
        self.now = now.astimezone(UTC)
        return self.now

    def move(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(datetime(2025, 1, 6, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(practice, "clock", fake)
    return fake


def make_user(**fields) -> User:
    return UserFactory(**fields)


def make_deck(owner: User, visibility: str = "public", prompts=("One?", "Two?", "Three?")):
    deck = services.create_deck(owner, f"Deck {visibility}", "", visibility)
    for prompt in prompts:
        questions.add_question(deck, owner, prompt, f"The answer to {prompt}")
    return deck


def question_ids(deck) -> list[int]:
    return [question.id for question in questions.deck_questions(deck)]
