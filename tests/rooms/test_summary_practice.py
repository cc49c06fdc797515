"""The summary tells the candidate which low-scored questions are now due in their practice:
only those the end of the interview put there, never those of a deck they may not read."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from prepdeck.practice.models import Card
from prepdeck.rooms import live
from prepdeck.rooms.services import participant
from tests.conftest import login
from tests.rooms.realtime import meeting


def practice_notice(client, room_id: int) -> str | None:
    html = client.get(f"/rooms/{room_id}/summary").get_data(as_text=True)
    found = re.search(r'data-testid="summary-practice">([^<]*)', html)
    return " ".join(found.group(1).split()) if found else None


@pytest.mark.parametrize(
    ("visibility", "notice"),
    [
        ("public", "2 questions scored 1 or 2 are now due in your"),
        ("private", None),  # the interviewer's own deck: nothing reached the candidate's practice
    ],
)
def test_the_summary_says_what_went_into_the_candidates_practice(app, visibility, notice):
    met = meeting(app, visibility=visibility)
    with app.app_context():
        seat = participant(db.session.get(User, met.interviewer_id), met.room_id)
        for score in (1, 4, 2):
            live.score(seat, live.push(seat).id, score)
        _room, kept_out = live.end(seat)
        assert len(kept_out) == (2 if visibility == "private" else 0)
        cards = db.session.scalar(
            sa.select(sa.func.count()).where(Card.person_id == met.candidate_id)
        )
        assert cards == (0 if visibility == "private" else 2)
        candidate = db.session.get(User, met.candidate_id).email
    client = app.test_client()
    login(client, candidate)
    assert practice_notice(client, met.room_id) == notice
