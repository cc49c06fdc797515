"""Background jobs shared by every feature: mail delivery and housekeeping."""

from __future__ import annotations

import smtplib

from celery import shared_task

from prepdeck.core import jobs, mail


@shared_task(
    name="core.send_email",
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_email(self, message_id: int) -> str:
    try:
        return mail.deliver(message_id)
    except (smtplib.SMTPException, OSError) as exc:
        if self.request.retries >= self.max_retries:
            mail.mark_failed(message_id, f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="core.requeue_mail")
def requeue_mail() -> int:
    return mail.requeue_waiting()


@shared_task(name="core.prune_task_records")
def prune_task_records() -> int:
    return jobs.prune_jobs()
