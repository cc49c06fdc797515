"""Keyset pages of a person's practice: the decks they follow and their review log."""

from __future__ import annotations

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.pagination import Slice, keyset_page
from prepdeck.decks.models import Deck
from prepdeck.practice.models import ReviewLog
from prepdeck.practice.queue import practised_decks


def followed_deck_slice(person: User, after: int | None, limit: int) -> Slice:
    """The decks the person follows and may still read, by deck id (a deck made private by
    its owner is left out, as it is from the queue)."""
    query = sa.select(Deck).where(Deck.id.in_(practised_decks(person)))
    return keyset_page(query, Deck.id, after, limit)


def review_log_slice(person: User, after: int | None, limit: int) -> Slice:
    """The person's answers, in the order they were applied (by log id)."""
    query = sa.select(ReviewLog).where(ReviewLog.person_id == person.id)
    return keyset_page(query, ReviewLog.id, after, limit)
