"""Undo: take back a person's last answer of the day, leaving the card exactly as it was
before it and the review log as if the answer had never been given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict
from prepdeck.extensions import db
from prepdeck.practice import days, services
from prepdeck.practice.models import Card, ReviewLog
from prepdeck.practice.settings import get_settings

NOTHING_TO_UNDO = "There is no answer to undo: nothing was answered today."
ALREADY_UNDONE = "That answer was already undone."


@dataclass(frozen=True)
class Undone:
    question_id: int
    rating: int


def undoable_answer(person: User, now: datetime | None = None) -> ReviewLog | None:
    """The answer that undo would take back: the person's last one, if given today (the
    person's day) and recorded with the card as it was before it."""
    log = _latest(person.id)
    if log is None or log.reps_before is None:
        return None
    if log.reviewed_at < _today_started(person, now or services.clock()):
        return None
    return log


def undo_last(person: User, expected_id: int | None = None) -> Undone:
    """Undo the person's last answer (only if it is `expected_id`, when given, so that a
    second press of the same Undo button does not take back the answer before it).
    Two undos at the same moment take back one answer: the card is locked first, and the
    answer must still be there and still be the last once it is."""
    target = undoable_answer(person)
    if target is None:
        raise Conflict(ALREADY_UNDONE if expected_id is not None else NOTHING_TO_UNDO)
    if expected_id is not None and target.id != expected_id:
        raise Conflict(ALREADY_UNDONE)
    target_id, question_id = target.id, target.question_id
    card = _locked_card(person.id, question_id)
    log = _latest(person.id)
    if card is None or log is None or log.id != target_id:
        db.session.rollback()
        raise Conflict(ALREADY_UNDONE)
    for field in services.CARD_FIELDS:
        setattr(card, field, getattr(log, f"{field}_before"))
    undone = Undone(question_id=log.question_id, rating=log.rating)
    db.session.delete(log)
    db.session.commit()
    return undone


def _latest(person_id: int) -> ReviewLog | None:
    return db.session.scalar(
        sa.select(ReviewLog)
        .where(ReviewLog.person_id == person_id)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def _locked_card(person_id: int, question_id: int) -> Card | None:
    return db.session.scalar(
        sa.select(Card)
        .where(Card.person_id == person_id, Card.question_id == question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _today_started(person: User, now: datetime) -> datetime:
    settings = get_settings(person.id)
    today = days.person_day(now, settings.time_zone, settings.day_start_hour)
    return days.day_start(today, settings.time_zone, settings.day_start_hour)
