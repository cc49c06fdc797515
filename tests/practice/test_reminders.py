"""Daily reminders: at the hour each person chose on their own clock, once a day, only for
those who asked, through the outbox like every other e-mail."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from prepdeck.core.models import OutboxMessage
from prepdeck.decks.models import Question
from prepdeck.extensions import db
from prepdeck.practice import plans, reminders, services
from prepdeck.practice.models import Card, PracticeSettings
from prepdeck.practice.settings import update_settings
from tests.practice.conftest import make_deck, make_user, question_ids
from tests.practice.races import race


def settings(zone: str, hour: int, start: int = 4, **fields) -> PracticeSettings:
    chosen = {"time_zone": zone, "reminder_hour": hour, "day_start_hour": start}
    return PracticeSettings(**{"reminders_enabled": True, **chosen, **fields})


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "hour", "before", "at"),
    [
        # Sydney is UTC+11 in January: 07:00 on the 7th there is 20:00 on the 6th in UTC.
        ("Australia/Sydney", 7, utc(2025, 1, 6, 19, 59), utc(2025, 1, 6, 20, 0)),
        # Los Angeles is UTC-8: 18:00 on the 6th there is 02:00 on the 7th in UTC.
        ("America/Los_Angeles", 18, utc(2025, 1, 7, 1, 59), utc(2025, 1, 7, 2, 0)),
        ("Asia/Kolkata", 9, utc(2025, 1, 7, 3, 29), utc(2025, 1, 7, 3, 30)),  # UTC+5:30
    ],
)
def test_the_reminder_is_due_from_the_chosen_hour_on_the_persons_clock(zone, hour, before, at):
    chosen = settings(zone, hour)
    assert not reminders.is_due(chosen, before)
    assert reminders.is_due(chosen, at)
    assert reminders.reminder_time(chosen, at) == at


def test_an_hour_before_the_day_start_belongs_to_the_day_before():
    # Day start 04:00, reminder at 02:00: the day of the 6th gets it at 02:00 on the 7th.
    night_owl = settings("UTC", 2, start=4)
    assert not reminders.is_due(night_owl, utc(2025, 1, 6, 23, 0))
    assert reminders.is_due(night_owl, utc(2025, 1, 7, 2, 0))
    night_owl.last_reminded_on = datetime(2025, 1, 6).date()
    assert not reminders.is_due(night_owl, utc(2025, 1, 7, 3, 59))
    assert not reminders.is_due(night_owl, utc(2025, 1, 7, 5, 0))  # the 7th's is due on the 8th
    assert reminders.is_due(night_owl, utc(2025, 1, 8, 2, 0))


def test_no_reminder_for_those_who_did_not_ask():
    assert not reminders.is_due(settings("UTC", 9, reminders_enabled=False), utc(2025, 1, 7, 12))


def person_with_a_deck(email: str, zone="UTC", hour=18, enabled=True):
    person = make_user(email=email)
    deck = make_deck(person)
    services.follow(person, deck.slug)
    update_settings(person.id, time_zone=zone, reminder_hour=hour, reminders_enabled=enabled)
    return person, question_ids(deck)


def outbox(recipient: str) -> list[OutboxMessage]:
    db.session.rollback()
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


@pytest.mark.usefixtures("ctx")
def test_one_reminder_a_day_with_what_is_due_through_the_outbox(clock, mailbox):
    person, questions = person_with_a_deck("due@example.com", zone="Europe/Paris", hour=8)
    services.review(person, questions[0], 4, 2_000, "easy-one")  # straight to review
    due = db.session.get(Card, (person.id, questions[0])).due
    clock.set(due.replace(hour=6, minute=59))  # 07:59 in Paris (UTC+1 in winter)
    assert reminders.send_due_reminders(clock()) == 0
    clock.move(minutes=1)
    assert reminders.send_due_reminders(clock()) == 1
    assert reminders.send_due_reminders(clock()) == 0  # a second run the same day sends nothing
    clock.move(hours=12)
    assert reminders.send_due_reminders(clock()) == 0

    [message] = outbox("due@example.com")
    assert message.subject == reminders.SUBJECT and message.status == "sent"
    assert "1 review is due in your practice today, and 2 new questions are waiting." in (
        message.body_text
    )
    assert "http://127.0.0.1:5000/practice/settings" in message.body_text
    assert [m.subject for m in mailbox.to("due@example.com")] == [reminders.SUBJECT]

    clock.move(hours=12)  # 08:00 the next day in Paris
    assert reminders.send_due_reminders(clock()) == 1
    assert len(outbox("due@example.com")) == 2


@pytest.mark.usefixtures("ctx")
def test_only_those_who_asked_and_can_receive_mail_are_reminded(clock):
    person_with_a_deck("yes@example.com", hour=9)
    person_with_a_deck("no@example.com", hour=9, enabled=False)
    person_with_a_deck("later@example.com", hour=20)
    unconfirmed, _ = person_with_a_deck("unconfirmed@example.com", hour=9)
    unconfirmed.email_confirmed_at = None
    disabled, _ = person_with_a_deck("disabled@example.com", hour=9)
    disabled.is_disabled = True
    db.session.commit()
    clock.set(utc(2025, 1, 7, 12, 0))
    assert reminders.send_due_reminders(clock()) == 1
    recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert recipients == {"yes@example.com"}
    assert "No reviews are due" in outbox("yes@example.com")[0].body_text


@pytest.mark.usefixtures("ctx")
def test_an_active_interview_plan_adds_its_daily_target(clock):
    person, questions = person_with_a_deck("plan@example.com", hour=9)
    clock.set(utc(2025, 1, 7, 8, 0))
    deck_id = db.session.get(Question, questions[0]).deck_id
    plans.set_plan(person, date(2025, 1, 24), [deck_id])
    clock.set(utc(2025, 1, 7, 9, 0))
    status = plans.plan_status(person, clock())
    assert (status.reviews_due, status.new_left_today) == (0, 1)  # 3 questions by the 17th
    reminders.send_due_reminders(clock())
    body = outbox("plan@example.com")[0].body_text
    assert "Your interview is on Friday 24 January 2025: today's target is 1" in body
    assert "(0 to review, 1 new); expected recall on the day 0%." in body
    clock.set(utc(2025, 1, 25, 9, 0))  # the plan is over: no line
    reminders.send_due_reminders(clock())
    assert "interview" not in outbox("plan@example.com")[-1].body_text


@pytest.mark.usefixtures("ctx")
def test_the_beat_job_is_scheduled_often_enough_and_sends(app, clock):
    entry = app.config["CELERY"]["beat_schedule"]["send-practice-reminders"]
    assert entry["task"] == "practice.send_reminders" and entry["schedule"] <= 900
    person_with_a_deck("beat@example.com", hour=9)
    clock.set(utc(2025, 1, 7, 9, 10))
    assert app.extensions["celery"].tasks[entry["task"]]() == 1
    assert len(outbox("beat@example.com")) == 1


@pytest.mark.postgres
def test_two_runs_at_the_same_moment_send_one_reminder(pg_app, clock):
    """Both runs find the reminder due, then race for it while another transaction holds the
    person's settings row: one sends, the other finds it taken."""
    with pg_app.app_context():
        person, _ = person_with_a_deck("race@example.com", hour=9)
        person_id = person.id
        db.session.remove()
    clock.set(utc(2025, 1, 7, 9, 0))
    hold = "SELECT 1 FROM practice_settings WHERE person_id = :p FOR UPDATE"

    def run():
        return reminders.send_due_reminders(clock())

    sent = race(pg_app, hold, {"p": person_id}, [run, run])
    assert sorted(sent) == [0, 1]
    with pg_app.app_context():
        assert len(outbox("race@example.com")) == 1
