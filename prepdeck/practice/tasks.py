"""Background jobs of practice: the nightly fit of personal parameters, the daily reminders."""

from __future__ import annotations

from celery import shared_task

from prepdeck.celery_app import enqueue
from prepdeck.practice import parameters, reminders, services


@shared_task(name="practice.fit_parameters")
def fit_parameters() -> int:
    """The nightly job: one job per person, so that no single job outlasts the broker's
    visibility timeout however many people there are, and one failure stays one person's."""
    people = parameters.eligible_people()
    for person_id in people:
        enqueue("practice.fit_person", person_id)
    return len(people)


@shared_task(name="practice.fit_person")
def fit_person(person_id: int) -> str:
    # Redelivered, it fits the same history again: no better than what it adopted, so kept.
    return parameters.fit_parameters(person_id, services.clock()).result


@shared_task(name="practice.send_reminders")
def send_reminders() -> int:
    return reminders.send_due_reminders(services.clock())
