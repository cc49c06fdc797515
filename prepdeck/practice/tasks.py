"""Background jobs of practice: the nightly fit of personal parameters, the daily reminders."""

from __future__ import annotations

from celery import shared_task

from prepdeck.practice import parameters, reminders, services


@shared_task(name="practice.fit_parameters")
def fit_parameters() -> dict[str, int]:
    return parameters.fit_everyone(services.clock())


@shared_task(name="practice.send_reminders")
def send_reminders() -> int:
    return reminders.send_due_reminders(services.clock())
