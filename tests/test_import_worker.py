"""An import job survives its worker being killed midway: all questions, no duplicates."""

from __future__ import annotations

import signal

import pytest
import sqlalchemy as sa

from prepdeck.config import load_config
from prepdeck.decks import imports
from prepdeck.decks.models import Deck, ImportJob, Question
from prepdeck.extensions import db
from tests.celery_workers import web_app, worker_env
from tests.conftest import make_person
from tests.services import wait_for

QUESTIONS = 20_000  # enough work (highlighted code in each answer) to be killed in the middle


def big_document() -> bytes:
    parts = ["# Big deck\n", "## Basic\n"]
    for n in range(1, QUESTIONS + 1):
        parts.append(f"### {n}. What does snippet {n} print?\n\n```python\nprint({n} * 2)\n```\n")
    return "\n".join(parts).encode()


def job_state(app, job_id: int) -> str:
    with app.app_context():
        db.session.rollback()
        return db.session.get(ImportJob, job_id).state


def stored(app) -> tuple[int, int, int]:
    with app.app_context():
        db.session.rollback()
        decks = db.session.scalar(sa.select(sa.func.count(Deck.id)))
        rows = db.session.scalar(sa.select(sa.func.count(Question.id)))
        distinct = db.session.scalar(sa.select(sa.func.count(sa.distinct(Question.position))))
        return decks, rows, distinct


@pytest.mark.slow
@pytest.mark.redis
def test_killing_the_worker_midway_ends_with_a_complete_deck(
    app_factory,
    migrated,
    redis_url,
    start_worker,
    tmp_path,
):
    options = {
        "visibility_timeout": 6,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    celery = {**load_config("testing", str(tmp_path)).CELERY, "broker_url": redis_url,
              "broker_transport_options": options}  # fmt: skip
    app = web_app(app_factory, celery)
    owner = make_person(app, email="importer@example.com")
    with app.app_context():
        from prepdeck.accounts.models import User

        job, parsed = imports.create_draft(db.session.get(User, owner.id), big_document())
        assert len(parsed.questions) == QUESTIONS
        imports.start(job)
        job_id = job.id

    env = worker_env(
        migrated, tmp_path, CELERY_BROKER_URL=redis_url, REDIS_URL=redis_url,
        CELERY_VISIBILITY_TIMEOUT="6", CELERY_RESTORE_INTERVAL="1",
    )  # fmt: skip
    first = start_worker(env)
    wait_for(lambda: job_state(app, job_id) == "running", timeout=60, what="the import to start")
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    assert stored(app) == (0, 0, 0), "the worker finished before it could be killed"

    second = start_worker(env)
    try:
        wait_for(
            lambda: second.require_running() or job_state(app, job_id) == "succeeded",
            timeout=120, interval=0.5, what="the redelivered import to finish",
        )  # fmt: skip
    except AssertionError as error:
        raise AssertionError(f"{error}\n{second.output()}") from None
    assert stored(app) == (1, QUESTIONS, QUESTIONS)
    with app.app_context():
        job = db.session.get(ImportJob, job_id)
        assert job.processed == job.total == QUESTIONS
        deck = db.session.get(Deck, job.deck_id)
        assert deck.question_count == QUESTIONS
        positions = db.session.scalars(
            sa.select(Question.position)
            .where(Question.deck_id == deck.id)
            .order_by(Question.position)
        ).all()
        assert positions == list(range(1, QUESTIONS + 1))
    app.extensions["celery"].close()
