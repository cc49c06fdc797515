"""The job log and mail delivery, run in-process (the real worker is in test_worker.py)."""

from datetime import timedelta

import sqlalchemy as sa

from prepdeck.core import jobs, mail
from prepdeck.core.models import OutboxMessage, TaskRecord, utcnow
from prepdeck.core.tasks import send_email
from prepdeck.extensions import db
from tests.services import free_port


def test_undeliverable_mail_is_retried_then_marked_failed(app_factory):
    smtp_down = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()}
    app = app_factory(**smtp_down)
    # In-process retries: each retry runs at once, and errors stay in the result.
    app.extensions["celery"].conf.task_eager_propagates = False
    with app.app_context():
        message = OutboxMessage(recipient="a@example.com", subject="Hi", body_text="Hello")
        db.session.add(message)
        db.session.commit()
        result = send_email.apply(args=[message.id], task_id="job-smtp-down")
        assert result.failed()
        db.session.expire_all()
        stored = db.session.get(OutboxMessage, message.id)
        assert stored.status == "failed"
        assert "Connection refused" in stored.error
        record = db.session.get(TaskRecord, "job-smtp-down")
        assert record.state == "failed"
        assert record.attempts == 1 + send_email.max_retries
        assert "ConnectionRefusedError" in record.error


def test_delivering_twice_sends_once(app):
    with app.app_context():
        message_id = mail.queue_email("b@example.com", "Once", "Only once")
        first_sent_at = db.session.get(OutboxMessage, message_id).sent_at
        assert mail.deliver(message_id) == "sent"
        db.session.expire_all()
        assert db.session.get(OutboxMessage, message_id).sent_at == first_sent_at


def test_old_finished_jobs_are_pruned_and_others_kept(app):
    with app.app_context():
        old = utcnow() - timedelta(days=45)
        db.session.add_all(
            [
                TaskRecord(id="old-done", name="t", state="succeeded", created_at=old),
                TaskRecord(id="old-stuck", name="t", state="running", created_at=old),
                TaskRecord(id="new-done", name="t", state="succeeded", created_at=utcnow()),
            ]
        )
        db.session.commit()
        assert jobs.prune_jobs() == 1
        left = set(db.session.scalars(sa.select(TaskRecord.id)))
        assert left == {"old-stuck", "new-done"}
