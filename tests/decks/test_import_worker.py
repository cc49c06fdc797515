"""Import jobs in real worker processes: a document is read by the worker, never by the web
request, and an import survives its worker being killed midway: all questions, no duplicates."""

from __future__ import annotations

import signal
import time
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from prepdeck.config import load_config
from prepdeck.decks import decoding, importer, imports, transfer
from prepdeck.decks.importer import parse_document
from prepdeck.decks.models import Deck, ImportJob, Question
from prepdeck.extensions import db
from tests.celery_workers import filesystem_broker, web_app, worker_env
from tests.conftest import csrf_token, login, make_person
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

        # As the API does it: read, then import at once, in one job of the worker.
        job = imports.upload(db.session.get(User, owner.id), big_document(), start=True)
        assert job.state == "parsing"
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


FIXTURE = Path(__file__).parent.parent / "data" / "interview_questions.md"
# The fixture, then a heading that took the old reader 12 s at this size (25 KB).
SLOW_TO_READ = FIXTURE.read_bytes() + b"\n### q" + b" " * 25_000 + b"x\n"


def refuse_to_read(*_args, **_kwargs):
    raise AssertionError("the web process read the document")


@pytest.mark.slow
def test_the_worker_reads_the_upload_and_the_page_shows_what_it_kept(
    app_factory, migrated, start_worker, tmp_path, monkeypatch
):
    """`make run`'s topology (filesystem broker, a worker process): the upload request stores
    the document and returns; the page says it is being read until the worker has read it."""
    expected = parse_document(SLOW_TO_READ)
    env, settings = filesystem_broker(migrated, tmp_path, monkeypatch)
    app = web_app(app_factory, settings)
    for module in (importer, imports, transfer):
        monkeypatch.setattr(module, "parse_document", refuse_to_read)
    for module in (decoding, imports):
        monkeypatch.setattr(module, "decode_document", refuse_to_read)
    owner = make_person(app, email="reader@example.com")
    client = app.test_client()
    login(client, owner.email)

    token = csrf_token(client, "/decks/import")
    started = time.perf_counter()
    response = client.post(
        "/decks/import",
        data={"csrf_token": token, "document": (BytesIO(SLOW_TO_READ), "questions.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert time.perf_counter() - started < 2
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-state="parsing"' in page and "Reading your document…" in page
    assert 'hx-trigger="every 1s"' in page

    worker = start_worker(env)
    status_path = f"{response.location}/status"

    def read() -> str | None:
        worker.require_running()
        html = client.get(status_path).get_data(as_text=True)
        return None if 'data-state="parsing"' in html else html

    status = wait_for(read, timeout=60, interval=0.2, what="the worker to read the document")
    assert 'data-state="draft"' in status and "every 1s" not in status
    assert f"Found <strong>{len(expected.questions)}</strong> questions" in status
    page = client.get(response.location).get_data(as_text=True)
    assert f"Import {len(expected.questions)} questions" in page

    client.post(
        f"{response.location}/start", data={"csrf_token": csrf_token(client, "/decks/import")}
    )
    wait_for(
        lambda: worker.require_running()
        or 'data-state="succeeded"' in client.get(status_path).get_data(as_text=True),
        timeout=60, interval=0.2, what="the worker to import the document",
    )  # fmt: skip
    assert stored(app) == (1, len(expected.questions), len(expected.questions))
