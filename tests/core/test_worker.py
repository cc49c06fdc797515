"""A real Celery worker process delivers the mail that the web process queues.

The worker is started exactly as `make run` and production start it (`celery -A prepdeck.worker
worker`), with only environment variables pointing it at the test database and the test broker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from prepdeck.accounts.services import register_user
from prepdeck.config import load_config
from prepdeck.core.models import OutboxMessage, TaskRecord
from prepdeck.extensions import db
from tests.celery_workers import Worker, filesystem_broker, web_app, worker_env
from tests.conftest import post_form
from tests.factories import PASSWORD
from tests.services import wait_for

DELIVERY_TIMEOUT = 60.0  # worker start-up (imports, app factory) plus one delivery


def register_and_check_queued(app) -> tuple[int, str]:
    """Sign up on the web page; the confirmation mail and its job wait for a worker."""
    data = {"email": "worker-mail@example.com", "display_name": "Mail Reader",
            "password": PASSWORD, "confirm": PASSWORD}  # fmt: skip
    response = post_form(app.test_client(), "/register", data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    with app.app_context():
        message = db.session.scalars(sa.select(OutboxMessage)).one()
        assert message.recipient == "worker-mail@example.com"
        assert message.subject == "Confirm your Prepdeck email"
        assert message.status == "queued"
        record = db.session.scalars(sa.select(TaskRecord)).one()
        assert (record.name, record.state, record.attempts) == ("core.send_email", "queued", 0)
        assert record.summary == repr(message.id)
        return message.id, record.id


def wait_for_delivery(app, worker: Worker, message_id: int, task_id: str) -> None:
    """Poll the database (fresh transaction each time) until the job has finished."""

    def finished() -> TaskRecord | None:
        worker.require_running()
        db.session.rollback()  # end the read transaction so the worker's commits are seen
        record = db.session.get(TaskRecord, task_id)
        return record if record.state not in ("queued", "running") else None

    with app.app_context():
        try:
            record = wait_for(finished, timeout=DELIVERY_TIMEOUT, what=f"job {task_id} to finish")
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- worker output ---\n{worker.output()}") from None
        assert (record.state, record.attempts, record.error) == ("succeeded", 1, None)
        assert record.started_at is not None
        assert record.finished_at is not None
        message = db.session.get(OutboxMessage, message_id)
        assert message.status == "sent"
        assert message.sent_at is not None
        assert message.error is None


@pytest.mark.slow
@pytest.mark.redis
def test_worker_on_redis_delivers_mail_queued_by_the_web_process(
    app_factory, migrated, redis_url, start_worker, tmp_path
):
    """Production's topology: the web process publishes to Redis, a worker process consumes."""
    settings = load_config("testing", str(tmp_path)).CELERY
    app = web_app(
        app_factory,
        {
            **settings,
            "broker_url": redis_url,
            "broker_transport_options": {"visibility_timeout": 3600},
        },
    )
    message_id, task_id = register_and_check_queued(app)
    broker = redis.Redis.from_url(redis_url)
    try:
        assert broker.llen("celery") == 1, "the job was not published to Redis"

        worker = start_worker(
            worker_env(migrated, tmp_path, CELERY_BROKER_URL=redis_url, REDIS_URL=redis_url)
        )
        wait_for_delivery(app, worker, message_id, task_id)
        assert broker.llen("celery") == 0
    finally:
        broker.close()
        app.extensions["celery"].close()


@pytest.mark.slow
def test_worker_on_filesystem_broker_delivers_mail_like_make_run(
    app_factory, migrated, start_worker, tmp_path, monkeypatch
):
    """`make run`'s topology: no broker server, the kombu filesystem transport in a folder."""
    folder = tmp_path / "broker"
    # The settings the worker will compute from its environment: the same code, same inputs.
    env, settings = filesystem_broker(migrated, tmp_path, monkeypatch)
    assert settings["broker_url"] == "filesystem://"
    options = settings["broker_transport_options"]
    assert Path(options["data_folder_in"]) == folder / "queue", (
        "config.py must put the filesystem broker under CELERY_BROKER_FOLDER, "
        "so a test never shares the developer's instance/broker folder"
    )

    app = web_app(app_factory, settings)
    message_id, task_id = register_and_check_queued(app)
    queue = folder / "queue"
    assert len(list(queue.iterdir())) == 1, "the job was not published to the broker folder"

    worker = start_worker(env)
    wait_for_delivery(app, worker, message_id, task_id)
    assert list(queue.iterdir()) == []


def test_a_job_can_send_mail_outside_any_request(app, mailbox):
    """A worker runs services in a bare app context (no request), as FlaskTask does."""
    with app.app_context():
        register_user("no-request@example.com", "Background Sender", PASSWORD)
        message = db.session.scalars(sa.select(OutboxMessage)).one()
        assert message.recipient == "no-request@example.com"
        assert message.status == "sent"  # the testing app runs jobs eagerly
    [received] = mailbox.to("no-request@example.com")
    assert f"{app.config['BASE_URL']}/confirm/" in received.body_text
