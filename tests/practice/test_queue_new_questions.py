"""New questions in the queue: deck by deck in the order the decks were followed, each deck's
questions in order, the ones already answered skipped, up to the limit across decks."""

import pytest

from prepdeck.decks import services as decks
from prepdeck.practice import services
from prepdeck.practice.queue import QueueFilter
from tests.practice.conftest import make_deck, make_user, question_ids

pytestmark = pytest.mark.usefixtures("ctx")


def new_ids(person, **kwargs) -> list[int]:
    queue = services.due_queue(person, **kwargs)
    assert all(item.kind == "new" for item in queue)
    return [item.question_id for item in queue]


def test_new_questions_come_deck_by_deck_in_follow_order_skipping_the_answered(clock):
    person = make_user()
    first = make_deck(person, prompts=[f"First {n}?" for n in range(4)])
    second = make_deck(person, prompts=[f"Second {n}?" for n in range(3)])
    services.follow(person, second.slug)  # followed first, so its questions come first
    services.follow(person, first.slug)
    a, b = question_ids(first), question_ids(second)
    assert new_ids(person) == b + a
    services.review(person, b[0], 4, 0, "b0")  # answered: no longer new
    services.review(person, b[2], 4, 0, "b2")
    services.review(person, a[1], 4, 0, "a1")
    rest = [b[1], a[0], a[2], a[3]]
    assert new_ids(person) == rest
    assert new_ids(person, limit=2) == rest[:2]
    assert new_ids(person, limit=3) == rest[:3]
    assert new_ids(person, narrow=QueueFilter(deck_id=first.id)) == [a[0], a[2], a[3]]


def test_a_deck_made_private_leaves_the_new_questions(clock):
    owner, person = make_user(), make_user()
    shared = make_deck(owner, prompts=["Shared one?", "Shared two?"])
    own = make_deck(person, visibility="private", prompts=["Own one?"])
    services.follow(person, shared.slug)
    services.follow(person, own.slug)
    assert new_ids(person) == question_ids(shared) + question_ids(own)
    decks.update_deck(shared, owner, visibility="private")
    assert new_ids(person) == question_ids(own)
