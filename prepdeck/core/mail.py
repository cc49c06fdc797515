"""Outgoing email: every message is written to the outbox, then delivered by a background job.

Delivery is at most once per message: a job first claims the row (queued -> sending) in one
conditional UPDATE, so a redelivered or concurrent job finds nothing to do. A claim left behind
by a worker that died is released by `release_stale_claims`, which beat runs periodically.

Backends (`MAIL_BACKEND`): `smtp` sends; `console` prints the message on the worker's standard
output (development: the terminal of `make run`); `outbox` only records it. A message holding a
single-use link (`sensitive`) loses its body once delivered, whatever the backend, and until then
the admin area shows it with its links hidden: nobody but the recipient ever reads such a link.
"""

from __future__ import annotations

import logging
import re
import smtplib
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app

from prepdeck.celery_app import enqueue
from prepdeck.config import MAIL_BACKENDS
from prepdeck.core.models import OutboxMessage, utcnow
from prepdeck.extensions import db

log = logging.getLogger("prepdeck.mail")
table = OutboxMessage.__table__
REMOVED_BODY = "(This message held a single-use link. It was removed once the email was sent.)"
STALE_AFTER = timedelta(minutes=10)
HIDDEN_LINK = "[link hidden]"
_LINK = re.compile(r"https?://[^\s<>\"]+")

# Sent with the message as it is delivered, before a sensitive body is removed: what a mail
# server would receive. Tests listen to it to follow links as a recipient would.
message_delivered = Namespace().signal("message-delivered")


def queue_email(recipient: str, subject: str, body_text: str, *, sensitive: bool = False) -> int:
    """Store the message, commit, and hand its id to the mail job. Returns the message id.

    If the job cannot be queued (broker down), the message stays queued and is picked up by
    `requeue_waiting`; the caller's work is already committed and is not undone.
    """
    message = OutboxMessage(
        recipient=recipient, subject=subject, body_text=body_text, is_sensitive=sensitive
    )
    db.session.add(message)
    db.session.commit()
    try:
        enqueue("core.send_email", message.id)
    except Exception:  # broker unreachable: logged; the beat job queues it again later
        log.exception("could not queue mail %s; it stays in the outbox", message.id)
    return message.id


def claim(message_id: int) -> bool:
    """Take the message for one delivery attempt; False if it is sent or being sent."""
    with db.engine.begin() as conn:
        result = conn.execute(
            table.update()
            .where(table.c.id == message_id, table.c.status.in_(("queued", "failed")))
            .values(status="sending", claimed_at=utcnow())
        )
    return result.rowcount == 1


def deliver(message_id: int) -> str:
    """Deliver one stored message once; returns its status afterwards."""
    if not claim(message_id):
        message = db.session.get(OutboxMessage, message_id)
        return message.status if message else "missing"
    message = db.session.get(OutboxMessage, message_id)
    backend = current_app.config["MAIL_BACKEND"]
    try:
        if backend == "smtp":
            _send_smtp(message)
        elif backend == "console":
            _print(message)
        elif backend != "outbox":
            known = ", ".join(MAIL_BACKENDS)
            raise ValueError(f"MAIL_BACKEND must be one of {known}, got {backend!r}")
    except Exception:
        _release(message_id, "queued")
        raise
    message_delivered.send(current_app._get_current_object(), message=message)
    message.status = "sent"
    message.sent_at = utcnow()
    message.error = None
    if message.is_sensitive:
        message.body_text = REMOVED_BODY
        message.body_html = None
    db.session.commit()
    return "sent"


def shown_body(message: OutboxMessage) -> str:
    """The body as the admin area shows it: the links of a sensitive message hidden."""
    if not message.is_sensitive:
        return message.body_text
    return _LINK.sub(lambda match: _hide_link(match.group(0)), message.body_text)


def _hide_link(url: str) -> str:
    # Keep where the link goes (".../reset-password/") so an admin can tell what it was for.
    head, _, _secret = url.rstrip("/").rpartition("/")
    return f"{head}/{HIDDEN_LINK}" if "://" in head else HIDDEN_LINK


def _print(message: OutboxMessage) -> None:
    # The process's own stdout: a Celery worker redirects sys.stdout into its log, where the
    # message would be one escaped JSON line instead of something a person can read.
    rule = "-" * 72
    print(
        f"{rule}\nTo: {message.recipient}\nSubject: {message.subject}\n\n"
        f"{message.body_text}\n{rule}",
        file=sys.__stdout__ or sys.stdout,
        flush=True,
    )


def _release(message_id: int, status: str, error: str | None = None) -> None:
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(
            table.update()
            .where(table.c.id == message_id, table.c.status == "sending")
            .values(status=status, error=error)
        )


def mark_failed(message_id: int, error: str) -> None:
    """Give up on a message after its last retry (it can still be re-sent by hand later)."""
    with db.engine.begin() as conn:
        conn.execute(
            table.update()
            .where(table.c.id == message_id, table.c.status != "sent")
            .values(status="failed", error=error[:2000])
        )


def _send_smtp(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    # Stable per outbox row, so a receiving server can drop a duplicate.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="prepdeck")
    email.set_content(message.body_text)
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)
    finally:
        try:
            smtp.quit()
        except smtplib.SMTPException:  # accepted already; a rude goodbye changes nothing
            smtp.close()


def requeue_waiting(older_than: timedelta = STALE_AFTER) -> int:
    """Queue again what never reached a worker, and release claims of workers that died."""
    cutoff = utcnow() - older_than
    with db.engine.begin() as conn:
        conn.execute(
            table.update()
            .where(table.c.status == "sending", table.c.claimed_at < cutoff)
            .values(status="queued")
        )
        waiting = (
            conn.execute(
                sa.select(table.c.id).where(table.c.status == "queued", table.c.created_at < cutoff)
            )
            .scalars()
            .all()
        )
    for message_id in waiting:
        enqueue("core.send_email", message_id)
    return len(waiting)


def recent_messages(limit: int = 20) -> list[OutboxMessage]:
    return list(
        db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )


def get_message(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)
