"""Personal FSRS parameters: fitted to a person's own review history with FSRS-rs's optimizer,
kept only when they predict that history better than the parameters in use.

A history is turned into FSRS-rs's training items as Anki does: for each card, every prefix of
its reviews that ends with a review on a later day than the one before it (the answer the model
has to predict), the elapsed days counted by the person's day starts. Log loss (lower is better)
is measured by FSRS-rs's `evaluate` on those same items for each set of parameters.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise

import sqlalchemy as sa
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview, MemoryState

from prepdeck.extensions import db
from prepdeck.practice import days
from prepdeck.practice.models import Card, PracticeSettings, ReviewLog
from prepdeck.practice.scheduler import Schedule
from prepdeck.practice.settings import get_settings, schedule_for

log = logging.getLogger("prepdeck.practice")

# Below this many answers a fit mostly learns noise: FSRS's defaults, fitted on many millions
# of reviews, predict a short history better (Anki asks for a few hundred too).
MIN_REVIEWS = 400

ADOPTED, NOT_BETTER, TOO_LITTLE = "adopted", "not_better", "too_little"
DEFAULTS_CHOSEN = "defaults_chosen"
History = dict[int, list[tuple[datetime, int]]]  # question id -> (reviewed at, rating), in order


@dataclass(frozen=True)
class FitOutcome:
    result: str  # adopted, not_better, too_little or defaults_chosen
    reviews: int
    fitted_log_loss: float | None = None
    current_log_loss: float | None = None
    default_log_loss: float | None = None


@dataclass(frozen=True)
class ParameterStatus:
    """What the settings page says about the parameters in use."""

    personal: bool
    parameters: tuple[float, ...]
    since: datetime | None
    from_reviews: int | None
    log_loss: float | None
    default_log_loss: float | None
    fitting: bool  # the nightly fit may change them
    history_reviews: int
    enough_history: bool
    last_fit_at: datetime | None
    last_fit_result: str | None
    min_reviews: int = MIN_REVIEWS


def review_history(person_id: int) -> History:
    rows = db.session.execute(
        sa.select(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.rating)
        .where(ReviewLog.person_id == person_id)
        .order_by(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.id)
    )
    history: History = defaultdict(list)
    for row in rows:
        history[row.question_id].append((row.reviewed_at, row.rating))
    return history


def elapsed(reviews: Sequence[tuple[datetime, int]], schedule: Schedule) -> list[int]:
    """Anki's elapsed days before each answer: 0 for the first and within the same day."""
    moments = [moment for moment, _rating in reviews]
    zone, hour = schedule.time_zone, schedule.day_start_hour
    return [0] + [days.elapsed_days(a, b, zone, hour) for a, b in pairwise(moments)]


def fsrs_reviews(
    reviews: Sequence[tuple[datetime, int]], deltas: Sequence[int]
) -> list[FSRSReview]:
    return [FSRSReview(rating, delta) for (_, rating), delta in zip(reviews, deltas, strict=True)]


def training_items(history: History, schedule: Schedule) -> list[FSRSItem]:
    """Every prefix of a card's answers that ends on a later day than the answer before it."""
    items = []
    for reviews in history.values():
        deltas = elapsed(reviews, schedule)
        converted = fsrs_reviews(reviews, deltas)
        items += [FSRSItem(converted[: end + 1]) for end in range(1, len(reviews)) if deltas[end]]
    return [item for item in items if item.long_term_review_cnt() > 0]


def log_loss(parameters: Iterable[float], items: Sequence[FSRSItem]) -> float:
    return FSRS(list(parameters)).evaluate(items).log_loss


def fit_parameters(person_id: int, now: datetime) -> FitOutcome:
    """Fit the person's parameters on their whole history and adopt them if they predict it
    better than those in use; the cards' memory states are then recomputed with them."""
    settings = get_settings(person_id)
    if settings.fit_parameters is False:
        return FitOutcome(DEFAULTS_CHOSEN, 0)
    schedule = schedule_for(settings)
    history = review_history(person_id)
    reviews = sum(len(answers) for answers in history.values())
    items = training_items(history, schedule) if reviews >= MIN_REVIEWS else []
    if not items:
        _record(person_id, now, TOO_LITTLE)
        return FitOutcome(TOO_LITTLE, reviews)
    current = list(settings.fsrs_parameters or DEFAULT_PARAMETERS)
    fitted = FSRS(current).compute_parameters(items)
    outcome = FitOutcome(
        NOT_BETTER,
        reviews,
        fitted_log_loss=log_loss(fitted, items),
        current_log_loss=log_loss(current, items),
        default_log_loss=log_loss(DEFAULT_PARAMETERS, items),
    )
    if outcome.fitted_log_loss >= outcome.current_log_loss:
        _record(person_id, now, NOT_BETTER)
        return outcome
    if not _adopt(person_id, now, fitted, outcome):
        return replace(outcome, result=DEFAULTS_CHOSEN)
    return replace(outcome, result=ADOPTED)


def _settings_row(person_id: int) -> PracticeSettings:
    row = db.session.get(PracticeSettings, person_id, with_for_update=True, populate_existing=True)
    if row is None:
        row = get_settings(person_id)
        db.session.add(row)
    return row


def _record(person_id: int, now: datetime, result: str) -> None:
    row = _settings_row(person_id)
    row.last_fit_at, row.last_fit_result = now, result
    db.session.commit()


def _adopt(person_id: int, now: datetime, fitted: list[float], outcome: FitOutcome) -> bool:
    row = _settings_row(person_id)
    if not row.fit_parameters:  # went back to the defaults while the fit ran
        db.session.rollback()
        return False
    row.fsrs_parameters = [float(value) for value in fitted]
    row.parameters_since, row.parameters_reviews = now, outcome.reviews
    row.parameters_log_loss = outcome.fitted_log_loss
    row.default_log_loss = outcome.default_log_loss
    row.last_fit_at, row.last_fit_result = now, ADOPTED
    recompute_memory(person_id, schedule_for(row))
    db.session.commit()
    return True


def use_defaults(person_id: int) -> PracticeSettings:
    """Go back to FSRS's defaults, and keep them: the nightly fit no longer runs for them."""
    row = _settings_row(person_id)
    row.fsrs_parameters = None
    row.parameters_since = row.parameters_reviews = None
    row.parameters_log_loss = row.default_log_loss = None
    row.fit_parameters = False
    recompute_memory(person_id, schedule_for(row))
    db.session.commit()
    return row


def resume_fitting(person_id: int) -> PracticeSettings:
    """Let the nightly fit give the person their own parameters again."""
    row = _settings_row(person_id)
    row.fit_parameters = True
    db.session.commit()
    return row


def recompute_memory(person_id: int, schedule: Schedule) -> int:
    """Give every card the stability and difficulty its history has under `schedule`'s
    parameters, as Anki does when they change (due dates stay). Cards are locked first, so an
    answer given meanwhile waits and is then applied on the new state. Does not commit."""
    cards = db.session.scalars(
        sa.select(Card)
        .where(Card.person_id == person_id, Card.reps > 0)
        .order_by(Card.question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    history = review_history(person_id)
    answered = [card for card in cards if history.get(card.question_id)]
    items = [
        FSRSItem(fsrs_reviews(answers, elapsed(answers, schedule)))
        for answers in (history[card.question_id] for card in answered)
    ]
    model = FSRS(list(schedule.parameters or DEFAULT_PARAMETERS))
    states: list[MemoryState] = model.memory_state_batch(items, None) if items else []
    for card, state in zip(answered, states, strict=True):
        card.stability, card.difficulty = state.stability, state.difficulty
    return len(answered)


def eligible_people() -> list[int]:
    """People the nightly fit is for: enough answers, and not kept on the defaults."""
    opted_out = sa.select(PracticeSettings.person_id).where(
        PracticeSettings.fit_parameters.is_(False)
    )
    return list(
        db.session.scalars(
            sa.select(ReviewLog.person_id)
            .where(ReviewLog.person_id.not_in(opted_out))
            .group_by(ReviewLog.person_id)
            .having(sa.func.count() >= MIN_REVIEWS)
            .order_by(ReviewLog.person_id)
        )
    )


def parameter_status(person_id: int) -> ParameterStatus:
    settings = get_settings(person_id)
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(ReviewLog).where(ReviewLog.person_id == person_id)
    )
    personal = settings.fsrs_parameters is not None
    return ParameterStatus(
        personal=personal,
        parameters=tuple(settings.fsrs_parameters or DEFAULT_PARAMETERS),
        since=settings.parameters_since if personal else None,
        from_reviews=settings.parameters_reviews if personal else None,
        log_loss=settings.parameters_log_loss if personal else None,
        default_log_loss=settings.default_log_loss if personal else None,
        fitting=settings.fit_parameters is not False,
        history_reviews=count,
        enough_history=count >= MIN_REVIEWS,
        last_fit_at=settings.last_fit_at,
        last_fit_result=settings.last_fit_result,
    )


def fit_everyone(now: datetime) -> dict[str, int]:
    """The nightly job: fit each eligible person in turn; one person's failure is logged and
    the others still get theirs. Returns how many ended each way."""
    tally: dict[str, int] = defaultdict(int)
    for person_id in eligible_people():
        try:
            tally[fit_parameters(person_id, now).result] += 1
        except Exception:
            db.session.rollback()
            log.exception("fitting the parameters of person %s failed", person_id)
            tally["failed"] += 1
    return dict(tally)
