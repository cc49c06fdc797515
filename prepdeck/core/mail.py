"""Outgoing email: every message is written to the outbox, then delivered by a background job."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from prepdeck.core.models import OutboxMessage, utcnow
from prepdeck.extensions import db


def queue_email(recipient: str, subject: str, body_text: str, body_html: str | None = None) -> int:
    """Store the message, commit, and hand its id to the mail job. Returns the message id."""
    from prepdeck.core.tasks import send_email

    message = OutboxMessage(
        recipient=recipient, subject=subject, body_text=body_text, body_html=body_html
    )
    db.session.add(message)
    db.session.commit()
    send_email.delay(message.id)
    return message.id


def deliver(message_id: int) -> str:
    """Deliver one stored message. Safe to run twice: a sent message is not sent again."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return "missing"
    if message.status == "sent":
        return "sent"
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend != "outbox":
        raise ValueError(f"MAIL_BACKEND must be 'outbox' or 'smtp', got {backend!r}")
    message.status = "sent"
    message.sent_at = utcnow()
    message.error = None
    db.session.commit()
    return "sent"


def mark_failed(message_id: int, error: str) -> None:
    message = db.session.get(OutboxMessage, message_id)
    if message is not None and message.status != "sent":
        message.status = "failed"
        message.error = error[:2000]
        db.session.commit()


def _send_smtp(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def recent_messages(limit: int = 20) -> list[OutboxMessage]:
    return list(
        db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )


def get_message(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)
