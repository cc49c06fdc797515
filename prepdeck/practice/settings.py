"""A person's practice settings: read with their defaults, checked before they are kept."""

from __future__ import annotations

import math
from typing import Any

from fsrs_rs_python import DEFAULT_PARAMETERS

from prepdeck.core.errors import Invalid
from prepdeck.extensions import db
from prepdeck.practice import days
from prepdeck.practice.models import PracticeSettings
from prepdeck.practice.scheduler import Schedule

MAX_STEPS = 10
MAX_STEP_MINUTES = 1_440  # steps are for the same day; longer gaps are FSRS's to choose
STEPS_COLUMN = PracticeSettings.learning_steps.type.length
LIMITS = {"new_per_day": 9_999, "max_reviews_per_day": 99_999}
FIELDS = (
    "new_per_day",
    "max_reviews_per_day",
    "desired_retention",
    "learning_steps",
    "relearning_steps",
    "time_zone",
    "day_start_hour",
    "fsrs_parameters",
    "reminders_enabled",
    "reminder_hour",
)


def get_settings(person_id: int) -> PracticeSettings:
    """The person's settings; a person who never changed them gets the defaults (not saved)."""
    found = db.session.get(PracticeSettings, person_id)
    if found is not None:
        return found
    return PracticeSettings(
        person_id=person_id,
        **{column.name: column.default.arg for column in _defaulted_columns()},
    )


def _defaulted_columns():
    return [
        column
        for column in PracticeSettings.__table__.columns
        if column.default is not None and column.default.is_scalar
    ]


def update_settings(person_id: int, **changes: Any) -> PracticeSettings:
    """Change some settings; every value is checked first, and nothing is kept if one is wrong."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise Invalid(f"Unknown settings: {', '.join(sorted(unknown))}.")
    cleaned = {name: _CHECKS[name](value) for name, value in changes.items()}
    row = db.session.get(PracticeSettings, person_id)
    if row is None:
        row = get_settings(person_id)
        db.session.add(row)
    for name, value in cleaned.items():
        setattr(row, name, value)
    db.session.commit()
    return row


def schedule_for(settings: PracticeSettings) -> Schedule:
    parameters = settings.fsrs_parameters
    return Schedule(
        desired_retention=settings.desired_retention,
        learning_steps=parse_steps(settings.learning_steps),
        relearning_steps=parse_steps(settings.relearning_steps),
        time_zone=settings.time_zone,
        day_start_hour=settings.day_start_hour,
        parameters=tuple(parameters) if parameters else None,
    )


def parse_steps(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split())


def _field_error(field: str, message: str) -> Invalid:
    return Invalid(message, details={field: [message]})


def _whole(field: str, low: int, high: int):
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _field_error(field, f"{field.replace('_', ' ')} must be from {low} to {high}.")
        return value

    return check


def _flag(field: str):
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise _field_error(field, f"{field.replace('_', ' ').capitalize()} is true or false.")
        return value

    return check


def _retention(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.7 <= value <= 0.97:
        raise _field_error("desired_retention", "Desired retention must be from 0.70 to 0.97.")
    return float(value)


def _steps(field: str):
    def check(value: Any) -> str:
        message = (
            f"{field.replace('_', ' ').capitalize()} are minutes separated by spaces "
            f"(at most {MAX_STEPS}, each above 0 and at most {MAX_STEP_MINUTES}), such as 1 10."
        )
        try:
            steps = parse_steps(value) if isinstance(value, str) else None
        except ValueError:
            steps = None
        if steps is None or len(steps) > MAX_STEPS:
            raise _field_error(field, message)
        if not all(math.isfinite(step) and 0 < step <= MAX_STEP_MINUTES for step in steps):
            raise _field_error(field, message)
        text = " ".join(f"{step:g}" for step in steps)
        if len(text) > STEPS_COLUMN:  # such as ten steps of 1e-300 minutes each
            raise _field_error(field, message)
        return text

    return check


def _time_zone(value: Any) -> str:
    days.zone(value if isinstance(value, str) else "")
    return value


def _parameters(value: Any) -> list[float] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list | tuple)
        or len(value) != len(DEFAULT_PARAMETERS)
        or not all(isinstance(v, int | float) and math.isfinite(v) for v in value)
    ):
        raise _field_error(
            "fsrs_parameters", f"FSRS parameters are a list of {len(DEFAULT_PARAMETERS)} numbers."
        )
    return [float(v) for v in value]


_CHECKS = {
    "new_per_day": _whole("new_per_day", 0, LIMITS["new_per_day"]),
    "max_reviews_per_day": _whole("max_reviews_per_day", 0, LIMITS["max_reviews_per_day"]),
    "desired_retention": _retention,
    "learning_steps": _steps("learning_steps"),
    "relearning_steps": _steps("relearning_steps"),
    "time_zone": _time_zone,
    "day_start_hour": _whole("day_start_hour", 0, 23),
    "fsrs_parameters": _parameters,
    "reminders_enabled": _flag("reminders_enabled"),
    "reminder_hour": _whole("reminder_hour", 0, 23),
}
