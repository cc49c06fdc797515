"""The summary tells the candidate which low-scored questions are now due in their practice:
only those the end of the interview put there, never those of a deck they may not read; and it
tells the interviewer which ones could not be put there."""

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

DUE = "2 questions scored 1 or 2 are now due in your practice."
KEPT_OUT = (
    "Questions 1, 3 were not added to Cal Candidate's practice: they come from a deck "
    "Cal Candidate may not read."
)


def notices(app, email: str, room_id: int) -> dict[str, str]:
    """The notices about practice on the summary, as `email` reads it."""
    client = app.test_client()
    login(client, email)
    html = client.get(f"/rooms/{room_id}/summary").get_data(as_text=True)
    found = re.findall(r'data-testid="summary-(practice|kept-out)">(.*?)</p>', html, re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", "", text).split()) for name, text in found}


@pytest.mark.parametrize(
    ("visibility", "to_candidate", "to_interviewer"),
    [
        ("public", {"practice": DUE}, {}),
        ("private", {}, {"kept-out": KEPT_OUT}),  # the interviewer's own deck
    ],
)
def test_the_summary_says_what_went_into_the_candidates_practice(
    app, visibility, to_candidate, to_interviewer
):
    met = meeting(app, visibility=visibility)
    with app.app_context():
        seat = participant(db.session.get(User, met.interviewer_id), met.room_id)
        for score in (1, 4, 2):
            live.score(seat, live.push(seat).id, score)
        _room, kept_out = live.end(seat)
        assert [item.position for item in kept_out] == ([1, 3] if visibility == "private" else [])
        cards = db.session.scalar(
            sa.select(sa.func.count()).where(Card.person_id == met.candidate_id)
        )
        assert cards == (0 if visibility == "private" else 2)
        candidate = db.session.get(User, met.candidate_id).email
        interviewer = db.session.get(User, met.interviewer_id).email
    assert notices(app, candidate, met.room_id) == to_candidate
    assert notices(app, interviewer, met.room_id) == to_interviewer
