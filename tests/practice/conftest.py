"""Practice fixtures: an app context, people and decks (the `clock` is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from prepdeck.accounts.models import User
from prepdeck.decks import questions, services
from prepdeck.extensions import db
from tests.factories import UserFactory


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


def make_user(**fields) -> User:
    return UserFactory(**fields)


def make_deck(owner: User, visibility: str = "public", prompts=("One?", "Two?", "Three?")):
    deck = services.create_deck(owner, f"Deck {visibility}", "", visibility)
    for prompt in prompts:
        questions.add_question(deck, owner, prompt, f"The answer to {prompt}")
    return deck


def question_ids(deck) -> list[int]:
    return [question.id for question in questions.deck_questions(deck)]
