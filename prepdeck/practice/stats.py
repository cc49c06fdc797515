"""A person's practice statistics, counted in the person's days (their time zone, their
start hour), each figure by one grouped query over the review log or the cards.

- reviews per day: every answer, in the last 365 days (today included);
- true retention: of the answers to cards that were in review state, the share that were not
  Again; by month over the last 12 months (this one included) and by question level over the
  same period;
- forecast: cards (not new) of the practised decks that fall due in each of the next 30 days,
  today holding those already overdue;
- cards by state over the practised decks: "new" counts every question without a card or
  with a card still new;
- streak: the days in a row with at least one answer, up to today when the person answered
  today, else up to yesterday;
- mastery per practised deck: a question is mastered when its card is in review state with a
  stability of at least 21 days (it would still be remembered 9 times in 10 three weeks
  after its last review); mean recall is the FSRS retrievability now, averaged over all the
  deck's questions, those never answered counting as 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.decks.models import LEVELS, Deck, Question
from prepdeck.extensions import db
from prepdeck.practice import day_buckets, days, scheduler
from prepdeck.practice import services as practice
from prepdeck.practice.models import CARD_STATES, Card, ReviewLog
from prepdeck.practice.queue import practised_decks
from prepdeck.practice.settings import get_settings

HEATMAP_DAYS = 365
MONTHS = 12
FORECAST_DAYS = 30
MASTERED_STABILITY = 21.0  # days
AGAIN = 1


@dataclass(frozen=True)
class DayCount:
    date: date
    reviews: int


@dataclass(frozen=True)
class Retention:
    reviews: int  # answers to cards in review state
    passed: int  # of which not Again
    retention: float | None  # passed / reviews; none without reviews


@dataclass(frozen=True)
class MonthRetention(Retention):
    month: str  # YYYY-MM


@dataclass(frozen=True)
class LevelRetention(Retention):
    level: str | None  # none: questions without a level


@dataclass(frozen=True)
class DueCount:
    date: date
    due: int


@dataclass(frozen=True)
class Streak:
    days: int
    reviewed_today: bool


@dataclass(frozen=True)
class DeckMastery:
    deck_id: int
    slug: str
    title: str
    questions: int
    mastered: int
    mastery: float  # mastered / questions (0 for an empty deck)
    mean_retrievability: float


@dataclass(frozen=True)
class Stats:
    today: date
    time_zone: str
    day_start_hour: int
    total_reviews: int  # in the heatmap's 365 days
    reviews_per_day: list[DayCount]
    retention_by_month: list[MonthRetention]
    retention_by_level: list[LevelRetention]
    forecast: list[DueCount]
    cards_by_state: dict[str, int]
    streak: Streak
    mastery: list[DeckMastery]


@dataclass(frozen=True)
class _Zone:
    """The person's day settings and the database dialect, for the day-number expression."""

    name: str
    start_hour: int
    dialect: str

    def day_of(self, column, start: datetime, end: datetime):
        return day_buckets.day_number(column, self.dialect, self.name, self.start_hour, start, end)

    def start_of(self, day: date) -> datetime:
        return days.day_start(day, self.name, self.start_hour)


def person_stats(person: User, now: datetime | None = None) -> Stats:
    """The person's statistics at `now` (the server's clock by default)."""
    now = now or practice.clock()
    settings = get_settings(person.id)
    zone = _Zone(settings.time_zone, settings.day_start_hour, db.session.get_bind().dialect.name)
    today = days.person_day(now, zone.name, zone.start_hour)
    first_day = today - timedelta(days=HEATMAP_DAYS - 1)
    first_month = _months_before(today.replace(day=1), MONTHS - 1)
    per_day = _answers_per_day(person.id, zone, min(first_day, first_month), today)
    heatmap = [
        DayCount(day, per_day.get(day, (0, 0, 0))[0])
        for day in (first_day + timedelta(days=n) for n in range(HEATMAP_DAYS))
    ]
    return Stats(
        today=today,
        time_zone=zone.name,
        day_start_hour=zone.start_hour,
        total_reviews=sum(entry.reviews for entry in heatmap),
        reviews_per_day=heatmap,
        retention_by_month=_retention_by_month(per_day, first_month, today),
        retention_by_level=_retention_by_level(person.id, zone.start_of(first_month)),
        forecast=_forecast(person, zone, today),
        cards_by_state=_cards_by_state(person),
        streak=_streak(person.id, zone, today, per_day),
        mastery=_mastery(person, now, settings.fsrs_parameters),
    )


def as_json(stats: Stats) -> dict[str, Any]:
    """The statistics as JSON values (dates as ISO strings), as the API gives them."""

    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return value

    return plain(asdict(stats))


# Answers per day --------------------------------------------------------------------------


def _answers_per_day(
    person_id: int, zone: _Zone, first: date, last: date
) -> dict[date, tuple[int, int, int]]:
    """Per person day from `first` to `last`: (answers, answers in review state, of which
    not Again). One grouped query on the (person, reviewed_at) index."""
    start, end = zone.start_of(first), zone.start_of(last + timedelta(days=1))
    in_review = ReviewLog.state_before == "review"
    inner = (
        sa.select(
            zone.day_of(ReviewLog.reviewed_at, start, end).label("day"),
            sa.case((in_review, 1), else_=0).label("in_review"),
            sa.case((in_review & (ReviewLog.rating != AGAIN), 1), else_=0).label("passed"),
        )
        .where(ReviewLog.person_id == person_id)
        .where(ReviewLog.reviewed_at >= start, ReviewLog.reviewed_at < end)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            inner.c.day,
            sa.func.count(),
            sa.func.sum(inner.c.in_review),
            sa.func.sum(inner.c.passed),
        ).group_by(inner.c.day)
    )
    return {
        day_buckets.to_date(day): (count, int(reviews or 0), int(passed or 0))
        for day, count, reviews, passed in rows
    }


def _retention(reviews: int, passed: int) -> dict[str, Any]:
    return {
        "reviews": reviews,
        "passed": passed,
        "retention": round(passed / reviews, 4) if reviews else None,
    }


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _retention_by_month(per_day: dict, first_month: date, today: date) -> list[MonthRetention]:
    totals: dict[str, list[int]] = {}
    for n in range(MONTHS):
        month = _months_before(today.replace(day=1), MONTHS - 1 - n)
        totals[month.strftime("%Y-%m")] = [0, 0]
    for day, (_, reviews, passed) in per_day.items():
        key = day.strftime("%Y-%m")
        if key in totals and day >= first_month:
            totals[key][0] += reviews
            totals[key][1] += passed
    return [MonthRetention(month=key, **_retention(*counts)) for key, counts in totals.items()]


def _retention_by_level(person_id: int, since: datetime) -> list[LevelRetention]:
    rows = db.session.execute(
        sa.select(
            Question.level,
            sa.func.count(),
            sa.func.sum(sa.case((ReviewLog.rating != AGAIN, 1), else_=0)),
        )
        .join(Question, Question.id == ReviewLog.question_id)
        .where(ReviewLog.person_id == person_id, ReviewLog.reviewed_at >= since)
        .where(ReviewLog.state_before == "review")
        .group_by(Question.level)
    )
    counts = {level: (count, int(passed or 0)) for level, count, passed in rows}
    return [
        LevelRetention(level=level, **_retention(*counts.get(level, (0, 0))))
        for level in (*LEVELS, None)
    ]


# Streak -----------------------------------------------------------------------------------


def _streak(person_id: int, zone: _Zone, today: date, per_day: dict) -> Streak:
    """Days in a row with an answer, ending today or yesterday; read a year further back
    each time the run reaches the start of what was read."""
    reviewed_today = today in per_day
    day = today if reviewed_today else today - timedelta(days=1)
    known, known_from = per_day, min(per_day, default=today)
    count = 0
    while True:
        if day < known_from:
            known_from = day - timedelta(days=HEATMAP_DAYS)
            known = _reviewed_days(person_id, zone, known_from, day)
        if day not in known:
            return Streak(days=count, reviewed_today=reviewed_today)
        count += 1
        day -= timedelta(days=1)


def _reviewed_days(person_id: int, zone: _Zone, first: date, last: date) -> set[date]:
    """The days from `first` to `last` with an answer: the index alone answers it."""
    start, end = zone.start_of(first), zone.start_of(last + timedelta(days=1))
    query = (
        sa.select(zone.day_of(ReviewLog.reviewed_at, start, end))
        .where(ReviewLog.person_id == person_id)
        .where(ReviewLog.reviewed_at >= start, ReviewLog.reviewed_at < end)
        .distinct()
    )
    return {day_buckets.to_date(number) for number in db.session.scalars(query)}


# Cards ------------------------------------------------------------------------------------


def _practised_cards(person: User):
    return (
        sa.select(Card)
        .join(Question, Question.id == Card.question_id)
        .where(Card.person_id == person.id, Question.deck_id.in_(practised_decks(person)))
    )


def _forecast(person: User, zone: _Zone, today: date) -> list[DueCount]:
    """Cards falling due in each of the next 30 days; those overdue count for today."""
    start, end = zone.start_of(today), zone.start_of(today + timedelta(days=FORECAST_DAYS))
    inner = (
        _practised_cards(person)
        .with_only_columns(zone.day_of(Card.due, start, end).label("day"))
        .where(Card.state != "new", Card.due < end)
        .subquery()
    )
    first = day_buckets.to_number(today)
    counts = [0] * FORECAST_DAYS
    for day, count in db.session.execute(
        sa.select(inner.c.day, sa.func.count()).group_by(inner.c.day)
    ):
        counts[max(0, day - first)] += count  # overdue: due today
    return [DueCount(today + timedelta(days=n), counts[n]) for n in range(FORECAST_DAYS)]


def _cards_by_state(person: User) -> dict[str, int]:
    rows = db.session.execute(
        _practised_cards(person)
        .with_only_columns(Card.state, sa.func.count())
        .where(Card.state != "new")
        .group_by(Card.state)
    )
    counts = {state: 0 for state in CARD_STATES} | dict(rows.all())
    questions = db.session.scalar(
        sa.select(sa.func.count(Question.id)).where(Question.deck_id.in_(practised_decks(person)))
    )
    counts["new"] = questions - sum(counts.values())
    return counts


# Mastery ----------------------------------------------------------------------------------


def _mastery(person: User, now: datetime, parameters: list | None) -> list[DeckMastery]:
    decks = db.session.execute(
        sa.select(Deck.id, Deck.slug, Deck.title, sa.func.count(Question.id))
        .outerjoin(Question, Question.deck_id == Deck.id)
        .where(Deck.id.in_(practised_decks(person)))
        .group_by(Deck.id, Deck.slug, Deck.title)
        .order_by(Deck.title, Deck.id)
    ).all()
    known = db.session.execute(
        _practised_cards(person)
        .with_only_columns(Question.deck_id, Card.state, Card.stability, Card.last_review)
        .where(Card.stability.is_not(None), Card.last_review.is_not(None))
    )
    mastered: dict[int, int] = {}
    recall: dict[int, float] = {}
    for deck_id, state, stability, last_review in known:
        if state == "review" and stability >= MASTERED_STABILITY:
            mastered[deck_id] = mastered.get(deck_id, 0) + 1
        elapsed = (now - last_review).total_seconds() / scheduler.DAY_SECONDS
        chance = scheduler.recall_probability(stability, elapsed, parameters)
        recall[deck_id] = recall.get(deck_id, 0.0) + chance
    return [
        DeckMastery(
            deck_id=deck_id,
            slug=slug,
            title=title,
            questions=count,
            mastered=mastered.get(deck_id, 0),
            mastery=round(mastered.get(deck_id, 0) / count, 4) if count else 0.0,
            mean_retrievability=round(recall.get(deck_id, 0.0) / count, 4) if count else 0.0,
        )
        for deck_id, slug, title, count in decks
    ]
