"""Daily reminders: one e-mail a day, for those who asked for it, at the hour they chose on
their own clock, saying what is waiting in their queue."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template

from prepdeck.accounts.models import User
from prepdeck.core import mail
from prepdeck.core.errors import NotFound
from prepdeck.core.urls import external_url
from prepdeck.extensions import db
from prepdeck.practice import days, plans
from prepdeck.practice.models import PracticeSettings
from prepdeck.practice.queue import build_queue

SUBJECT = "Your Prepdeck practice for today"


def reminder_time(settings: PracticeSettings, now: datetime) -> datetime:
    """When the reminder of the person's current day is due: the first time their clock shows
    the chosen hour after their day started (the next calendar date for an hour before the
    day's start hour)."""
    zone_name, start = settings.time_zone, settings.day_start_hour
    today = days.person_day(now, zone_name, start)
    date = today + timedelta(days=1) if settings.reminder_hour < start else today
    return datetime.combine(date, time(settings.reminder_hour), tzinfo=days.zone(zone_name))


def is_due(settings: PracticeSettings, now: datetime) -> bool:
    today = days.person_day(now, settings.time_zone, settings.day_start_hour)
    return (
        settings.reminders_enabled
        and settings.last_reminded_on != today
        and now >= reminder_time(settings, now)
    )


def send_due_reminders(now: datetime) -> int:
    """Send the reminders due at `now`; each person gets at most one per day, also when two
    runs overlap. Returns how many were sent."""
    rows = db.session.execute(
        sa.select(PracticeSettings, User)
        .join(User, User.id == PracticeSettings.person_id)
        .where(PracticeSettings.reminders_enabled.is_(True), User.is_disabled.is_(False))
        .where(User.email_confirmed_at.is_not(None))
        .order_by(PracticeSettings.person_id)
    ).all()
    due = [settings.person_id for settings, _user in rows if is_due(settings, now)]
    db.session.rollback()
    return sum(_remind(person_id, now) for person_id in due)


def _remind(person_id: int, now: datetime) -> bool:
    settings = db.session.get(PracticeSettings, person_id)
    today = days.person_day(now, settings.time_zone, settings.day_start_hour)
    claimed = db.session.execute(
        sa.update(PracticeSettings)
        .where(PracticeSettings.person_id == person_id)
        .where(sa.or_(PracticeSettings.last_reminded_on.is_(None),
                      PracticeSettings.last_reminded_on != today))
        .values(last_reminded_on=today)
    )  # fmt: skip
    if claimed.rowcount != 1:  # another run sent today's
        db.session.rollback()
        return False
    person = db.session.get(User, person_id)
    # The claim and the message are committed together: both or neither.
    mail.queue_email(person.email, SUBJECT, reminder_text(person, now))
    return True


def reminder_text(person: User, now: datetime) -> str:
    queue = build_queue(person, now, limit=1_000_000)
    reviews = sum(1 for item in queue if item.kind != "new")
    new = sum(1 for item in queue if item.kind == "new")
    lines = [line for line in (plan_line(person, now),) if line]
    return render_template(
        "emails/practice_reminder.txt",
        person=person,
        reviews=reviews,
        new=new,
        extra_lines=lines,
        home_url=external_url("main.home"),
        settings_url=external_url("practice_settings.settings"),
    )


def plan_line(person: User, now: datetime) -> str | None:
    """The interview plan's target for the day, while the plan is active."""
    try:
        status = plans.plan_status(person, now)
    except NotFound:
        return None
    if not status.active:
        return None
    line = (
        f"Your interview is on {status.interview_date:%A %-d %B %Y}: today's target is "
        f"{status.daily_target} ({status.reviews_due} to review, {status.new_left_today} new)"
    )
    if status.expected_recall is not None:
        line += f"; expected recall on the day {status.expected_recall:.0%}"
    return line + "."
