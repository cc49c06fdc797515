"""Interview plans: a date to be ready by and the decks it is about, and what that asks of
the person. The numbers, in the person's own days (time zone and day start hour):

- expected recall on the interview day: the mean FSRS retrievability of the plan decks'
  questions on that day if nothing more is studied, a question never studied counting as 0;
- new questions a day so that every question has been seen a week before the interview:
  ceil(unseen / days left until that day), the unseen counted as at the start of today so
  that the number holds still while the person studies;
- today's target: the plan decks' reviews due today plus the new questions still to see today.

One plan per person: setting another replaces it. It is active up to and including the
interview day; while it is, the day's queue introduces at least the plan's new questions a day,
plan decks first (see queue.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.core.models import utcnow
from prepdeck.decks.models import Deck, Question
from prepdeck.decks.services import can_view_by_id
from prepdeck.extensions import db
from prepdeck.practice import days, scheduler
from prepdeck.practice.access import practicable_deck
from prepdeck.practice.models import Card, DeckFollow, ReviewLog
from prepdeck.practice.plan_models import InterviewPlan, InterviewPlanDeck
from prepdeck.practice.settings import get_settings

MAX_DECKS = 50
SEE_ALL_AHEAD = 7  # days before the interview by which every question has been seen
MAX_CHOICES = 200


def _clock() -> datetime:
    # The practice clock lives in services.py (tests move it); imported late because the
    # queue, which services.py imports, reads plans.
    from prepdeck.practice import services

    return services.clock()


# Pure arithmetic -----------------------------------------------------------------------


def new_per_day_needed(unseen: int, today: date, interview_date: date) -> int | None:
    """New questions a day to have seen all `unseen` by the day a week before the interview;
    None when that day has come with questions still unseen."""
    if unseen <= 0:
        return 0
    days_left = (see_all_by(interview_date) - today).days
    if days_left <= 0:
        return None
    return math.ceil(unseen / days_left)


def see_all_by(interview_date: date) -> date:
    return interview_date - timedelta(days=SEE_ALL_AHEAD)


def is_active(plan: InterviewPlan, today: date) -> bool:
    return today <= plan.interview_date


# Reading and writing plans ----------------------------------------------------------------


def get_plan(person: User) -> InterviewPlan:
    """The person's own plan (nobody else's is ever read); not found when there is none."""
    plan = db.session.get(InterviewPlan, person.id)
    if plan is None:
        raise NotFound("You have no interview plan.")
    return plan


def set_plan(person: User, interview_date: date, deck_ids: Iterable[int]) -> InterviewPlan:
    """Set (or replace) the person's plan: an interview day not before their today, and 1 to
    MAX_DECKS decks they can read, which they follow from now on. Nothing is kept if one is
    wrong."""
    today = person_today(person)
    if type(interview_date) is not date or interview_date < today:  # a day, not a moment
        message = f"The interview date cannot be in the past (today is {today.isoformat()})."
        raise Invalid(message, details={"interview_date": [message]})
    ids = list(dict.fromkeys(deck_ids))
    if not 1 <= len(ids) <= MAX_DECKS:
        message = f"Choose from 1 to {MAX_DECKS} decks."
        raise Invalid(message, details={"deck_ids": [message]})
    decks = [practicable_deck(person, deck_id) for deck_id in ids]
    plan = db.session.get(InterviewPlan, person.id)
    if plan is None:
        plan = InterviewPlan(person_id=person.id)
        db.session.add(plan)
    plan.interview_date, plan.created_at = interview_date, utcnow()
    kept = {row.deck_id: row for row in plan.decks}
    plan.decks = [kept.get(deck.id) or InterviewPlanDeck(deck_id=deck.id) for deck in decks]
    for position, row in enumerate(plan.decks):
        row.position = position
    _follow_all(person, decks)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same plan or follow written at the same moment
        db.session.rollback()
        raise Conflict("Your plan was changed at the same moment elsewhere: try again.") from None
    return plan


def delete_plan(person: User) -> None:
    db.session.delete(get_plan(person))
    db.session.commit()


def _follow_all(person: User, decks: Iterable[Deck]) -> None:
    for deck in decks:
        if db.session.get(DeckFollow, (person.id, deck.id)) is None:
            db.session.add(DeckFollow(person_id=person.id, deck_id=deck.id))


def deck_choices(person: User) -> list[tuple[int, str]]:
    """(id, title) of the decks a plan may be about: followed (still readable), own, public."""
    followed = sa.select(DeckFollow.deck_id).where(DeckFollow.person_id == person.id)
    readable = sa.or_(
        Deck.visibility == "public",
        Deck.owner_id == person.id,
        sa.and_(Deck.visibility == "unlisted", Deck.id.in_(followed)),
        sa.true() if person.is_admin else sa.false(),
    )
    rows = db.session.execute(
        sa.select(Deck.id, Deck.title)
        .where(readable)
        .order_by(sa.func.lower(Deck.title), Deck.id)
        .limit(MAX_CHOICES)
    )
    return [(row.id, row.title) for row in rows]


def person_today(person: User, now: datetime | None = None) -> date:
    settings = get_settings(person.id)
    return days.person_day(now or _clock(), settings.time_zone, settings.day_start_hour)


# What the plan asks ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStatus:
    interview_date: date
    decks: list[Deck]
    today: date
    active: bool
    see_all_by: date
    questions: int
    unseen: int  # never studied, now
    new_seen_today: int
    expected_recall: float | None  # 0..1; None when the decks hold no question
    new_per_day: int | None  # None: the see-all day has come with questions unseen
    reviews_due: int  # plan decks' cards due before the person's next day starts

    @property
    def days_left(self) -> int:
        return (self.interview_date - self.today).days

    @property
    def see_all_passed(self) -> bool:
        return self.new_per_day is None

    @property
    def new_left_today(self) -> int:
        return min(self.unseen, max(0, (self.new_per_day or 0) - self.new_seen_today))

    @property
    def daily_target(self) -> int:
        return self.reviews_due + self.new_left_today


def plan_status(person: User, now: datetime | None = None) -> PlanStatus:
    """The person's plan with its numbers at `now` (the server's clock by default)."""
    plan = get_plan(person)
    settings = get_settings(person.id)
    zone, hour = settings.time_zone, settings.day_start_hour
    today = days.person_day(now or _clock(), zone, hour)
    decks = _plan_decks(person, plan)
    ids = [deck.id for deck in decks]
    since = days.day_start(today, zone, hour)
    unseen, new_today = _unseen(person.id, ids), _new_seen_since(person.id, ids, since)
    memories = _memories(person.id, ids)
    tomorrow = days.day_start(today + timedelta(days=1), zone, hour)
    return PlanStatus(
        interview_date=plan.interview_date, decks=decks, today=today,
        active=is_active(plan, today), see_all_by=see_all_by(plan.interview_date),
        questions=len(memories), unseen=unseen, new_seen_today=new_today,
        expected_recall=expected_recall(
            memories, plan.interview_date, zone, hour, settings.fsrs_parameters
        ),
        new_per_day=new_per_day_needed(unseen + new_today, today, plan.interview_date),
        reviews_due=_due_before(person.id, ids, tomorrow),
    )  # fmt: skip


def expected_recall(
    memories: Sequence[tuple[float | None, datetime | None]],
    interview_date: date,
    zone: str,
    start_hour: int,
    parameters: Sequence[float] | None,
) -> float | None:
    """Mean retrievability on the interview day of (stability, last review) pairs, elapsed days
    counted in the person's days as Anki counts them; a pair without stability counts 0."""
    if not memories:
        return None
    total = 0.0
    for stability, last_review in memories:
        if stability and last_review:
            elapsed = (interview_date - days.person_day(last_review, zone, start_hour)).days
            total += scheduler.recall_probability(stability, elapsed, parameters)
    return total / len(memories)


def queue_allowance(
    person: User, now: datetime, zone: str, start_hour: int
) -> tuple[int, list[int]]:
    """For the day's queue: the active plan's new questions a day (0 without one) and its
    decks, in the plan's order."""
    plan = db.session.get(InterviewPlan, person.id)
    today = days.person_day(now, zone, start_hour)
    if plan is None or not is_active(plan, today):
        return 0, []
    ids = [deck.id for deck in _plan_decks(person, plan)]
    since = days.day_start(today, zone, start_hour)
    unseen = _unseen(person.id, ids) + _new_seen_since(person.id, ids, since)
    return new_per_day_needed(unseen, today, plan.interview_date) or 0, ids


def _plan_decks(person: User, plan: InterviewPlan) -> list[Deck]:
    """The plan's decks the person can still read: one made private since leaves the plan,
    as it leaves the queue."""
    found = (db.session.get(Deck, deck_id) for deck_id in plan.deck_ids)
    return [
        deck
        for deck in found
        if deck is not None and (deck.visibility != "private" or can_view_by_id(deck, person))
    ]


def _memories(person_id: int, deck_ids: list[int]) -> list[tuple[float | None, datetime | None]]:
    studied = sa.and_(
        Card.question_id == Question.id, Card.person_id == person_id, Card.state != "new"
    )
    rows = db.session.execute(
        sa.select(Card.stability, Card.last_review)
        .select_from(Question)
        .outerjoin(Card, studied)
        .where(Question.deck_id.in_(deck_ids))
    )
    return [(row.stability, row.last_review) for row in rows]


def _unseen(person_id: int, deck_ids: list[int]) -> int:
    seen = sa.select(Card.question_id).where(
        Card.person_id == person_id, Card.question_id == Question.id, Card.state != "new"
    )
    query = sa.select(sa.func.count()).select_from(Question)
    return db.session.scalar(query.where(Question.deck_id.in_(deck_ids), ~seen.exists()))


def _new_seen_since(person_id: int, deck_ids: list[int], since: datetime) -> int:
    query = (
        sa.select(sa.func.count(sa.distinct(ReviewLog.question_id)))
        .join(Question, Question.id == ReviewLog.question_id)
        .where(ReviewLog.person_id == person_id, ReviewLog.state_before == "new")
        .where(ReviewLog.reviewed_at >= since, Question.deck_id.in_(deck_ids))
    )
    return db.session.scalar(query)


def _due_before(person_id: int, deck_ids: list[int], until: datetime) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(Card)
        .join(Question, Question.id == Card.question_id)
        .where(Card.person_id == person_id, Card.state != "new", Card.due < until)
        .where(Question.deck_id.in_(deck_ids))
    )
    return db.session.scalar(query)
