"""The job log and mail delivery, run in-process (the real worker is in test_worker.py)."""

from datetime import timedelta

import sqlalchemy as sa

from prepdeck.core import jobs, mail
from prepdeck.core.models import OutboxMessage, TaskRecord, utcnow
from prepdeck.core.tasks import send_email
from prepdeck.extensions import db
from tests.services import SmtpSink, free_port


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


def test_jobs_older_than_a_month_are_pruned(app):
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
        assert jobs.prune_jobs() == 2
        left = set(db.session.scalars(sa.select(TaskRecord.id)))
        assert left == {"new-done"}


def smtp_app(app_factory, sink):
    return app_factory(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USE_TLS=False
    )


def test_smtp_delivery_sends_once_even_if_the_server_is_rude_after_accepting(app_factory):
    with SmtpSink(quit_reply=b"421 closing") as sink:
        app = smtp_app(app_factory, sink)
        with app.app_context():
            message_id = mail.queue_email("c@example.com", "Hello", "Only once, please")
            assert mail.deliver(message_id) == "sent"  # a redelivered job finds it sent
            assert db.session.get(OutboxMessage, message_id).status == "sent"
    assert len(sink.messages) == 1
    assert b"Message-ID: <" in sink.messages[0] and b"outbox-" in sink.messages[0]


def test_a_sent_message_with_a_single_use_link_is_not_kept(app_factory):
    with SmtpSink() as sink:
        app = smtp_app(app_factory, sink)
        with app.app_context():
            message_id = mail.queue_email("d@example.com", "Reset", "link: /t/abc", sensitive=True)
            stored = db.session.get(OutboxMessage, message_id)
            assert stored.status == "sent" and "abc" not in stored.body_text
    assert b"link: /t/abc" in sink.messages[0]


def test_mail_queued_while_the_broker_is_down_is_sent_later(app_factory, app):
    broker_down = {**app.config["CELERY"], "task_always_eager": False}
    broker_down["broker_url"] = f"redis://127.0.0.1:{free_port()}/0"
    broker_down["broker_transport_options"] = {"max_retries": 0}
    broken = app_factory(CELERY=broker_down)
    with broken.app_context():
        message_id = mail.queue_email("e@example.com", "Hi", "Still arrives")
        assert db.session.get(OutboxMessage, message_id).status == "queued"
        [record] = db.session.scalars(sa.select(TaskRecord)).all()
        assert record.state == "failed" and "not queued" in record.error
    with app.app_context():  # the broker is back (this app runs jobs at once)
        assert mail.requeue_waiting(older_than=timedelta(0)) == 1
        assert db.session.get(OutboxMessage, message_id).status == "sent"
