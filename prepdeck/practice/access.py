"""Which decks a person may practise: those they may read by id, and unlisted ones they
follow (they had the address). The one rule questions, quizzes and plans check against."""

from __future__ import annotations

from prepdeck.accounts.models import User
from prepdeck.core.errors import NotFound
from prepdeck.decks.models import Deck
from prepdeck.decks.services import can_view_by_id
from prepdeck.extensions import db
from prepdeck.practice.models import DeckFollow


def is_following(person: User, deck: Deck) -> bool:
    return db.session.get(DeckFollow, (person.id, deck.id)) is not None


def may_practise(person: User, deck: Deck) -> bool:
    if can_view_by_id(deck, person):
        return True
    return deck.visibility == "unlisted" and is_following(person, deck)


def practicable_deck(person: User, deck_id: int) -> Deck:
    """The deck by its id when the person may practise it; not found otherwise, as for
    reading it."""
    deck = db.session.get(Deck, deck_id) if isinstance(deck_id, int) else None
    if deck is None or not may_practise(person, deck):
        raise NotFound("There is no such deck.")
    return deck
