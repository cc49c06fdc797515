"""Export files and uploaded documents are kept for a day (by default), then removed by a beat
job; a person holds only so many of them. Jobs run eagerly here unless a test says otherwise."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa
import time_machine

from prepdeck.config import load_config
from prepdeck.core.models import utcnow
from prepdeck.decks import exports
from prepdeck.decks.models import Deck, ExportJob, ImportJob
from prepdeck.extensions import db
from tests.api_client import ApiClient, error_code
from tests.celery_workers import web_app
from tests.conftest import csrf_token, login

FIXTURE = Path(__file__).parent.parent / "data" / "interview_questions.md"
SMALL = b"## Basic\n\n### 1. What is g?\n\nStorage for one request.\n"


def run_beat_job(app) -> dict:
    return app.extensions["celery"].tasks["decks.expire_job_files"]()


def later(hours: float):
    return time_machine.travel(utcnow() + timedelta(hours=hours), tick=False)


def export_a_deck(api) -> int:
    deck = api.post("decks", json={"title": "Export me"}).get_json()
    api.post(f"decks/{deck['id']}/questions", json={"prompt": "What is WSGI?", "answer": "A spec."})
    return api.post("exports", json={"deck_id": deck["id"], "format": "md"}).get_json()["id"]


def stored_export(app, job_id: int) -> tuple[str, bytes | None]:
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        return job.state, job.content


def stored_import(app, job_id: int) -> tuple[str, bool]:
    """The job's state, and whether any of the document is still kept."""
    with app.app_context():
        job = db.session.get(ImportJob, job_id)
        return job.state, any(v is not None for v in (job.upload, job.source, job.preview))


def upload_page(client, data: bytes = SMALL):
    token = csrf_token(client, "/decks/import")
    return client.post(
        "/decks/import",
        data={"csrf_token": token, "document": (BytesIO(data), "questions.md")},
        content_type="multipart/form-data",
    )


def upload_api(api, data: bytes = SMALL):
    data = {"file": (BytesIO(data), "questions.md")}
    return api.post("imports", data=data, content_type="multipart/form-data")


def test_the_beat_job_is_scheduled_and_registered(app):
    schedule = app.config["CELERY"]["beat_schedule"]
    entries = [entry for entry in schedule.values() if entry["task"] == "decks.expire_job_files"]
    assert len(entries) == 1 and entries[0]["schedule"] <= 3600
    assert "decks.expire_job_files" in app.extensions["celery"].tasks
    assert app.config["JOB_FILE_RETENTION_HOURS"] == 24


def test_an_export_file_is_gone_a_day_later_with_a_clear_answer(app, client, user):
    api = ApiClient(client).sign_in(user.email)
    job_id = export_a_deck(api)
    assert api.get(f"exports/{job_id}/download").status_code == 200
    with later(23):
        assert run_beat_job(app)["exports"] == 0
        api.sign_in(user.email)
        assert api.get(f"exports/{job_id}/download").status_code == 200
    with later(25):
        assert run_beat_job(app)["exports"] == 1
        assert stored_export(app, job_id) == ("expired", None)
        api.sign_in(user.email)
        assert api.get(f"exports/{job_id}").get_json()["state"] == "expired"
        gone = api.get(f"exports/{job_id}/download")
        assert gone.status_code == 410 and error_code(gone) == "expired"
        assert "Export the deck again" in gone.get_json()["error"]["message"]

        login(client, user.email)
        page = client.get(f"/exports/{job_id}").get_data(as_text=True)
        assert "This file has expired: exported files are kept for 24 hours." in page
        assert 'href="/decks/export-me/export.md">Export again</a>' in page
        download = client.get(f"/exports/{job_id}/download")
        assert download.status_code == 410
        assert "This export has expired" in download.get_data(as_text=True)


def test_the_retention_is_a_setting(app_factory, user):
    app = app_factory(JOB_FILE_RETENTION_HOURS=2)
    job_id = export_a_deck(ApiClient(app.test_client()).sign_in(user.email))
    with later(1.5):
        run_beat_job(app)
        assert stored_export(app, job_id)[0] == "succeeded"
    with later(2.5):
        run_beat_job(app)
        assert stored_export(app, job_id) == ("expired", None)


def test_uploaded_documents_are_removed_a_day_after_their_import_or_upload(app, client, user):
    login(client, user.email)
    never_started = upload_page(client).location
    imported = upload_page(client).location
    client.post(f"{imported}/start", data={"csrf_token": csrf_token(client, imported)})
    failed = upload_page(client, b"Only prose here.").location
    ids = [int(path.rsplit("/", 1)[1]) for path in (never_started, imported, failed)]
    assert [stored_import(app, job_id) for job_id in ids] == [
        ("draft", True),
        ("succeeded", True),
        ("failed", True),
    ]
    with later(25):
        assert run_beat_job(app) == {"exports": 0, "finished imports": 2, "unstarted imports": 1}
        assert [stored_import(app, job_id) for job_id in ids] == [
            ("expired", False),
            ("succeeded", False),
            ("failed", False),
        ]
        page = client.get(never_started).get_data(as_text=True)
        assert "This document was not imported and is no longer kept" in page
        token = csrf_token(client, "/decks/import")
        again = client.post(f"{never_started}/start", data={"csrf_token": token})
        assert "This draft has expired" in client.get(again.location).get_data(as_text=True)
        assert "Imported 1 questions" in client.get(imported).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Deck.id))) == 1


def test_finished_exports_beyond_ten_are_removed_oldest_first(app, client, user):
    api = ApiClient(client).sign_in(user.email)
    first = export_a_deck(api)
    deck_id = api.get(f"exports/{first}").get_json()["deck_id"]
    others = [
        api.post("exports", json={"deck_id": deck_id, "format": "json"}).get_json()["id"]
        for _ in range(10)
    ]
    assert stored_export(app, first) == ("expired", None)
    assert {stored_export(app, job_id)[0] for job_id in others} == {"succeeded"}
    assert api.get(f"exports/{first}/download").status_code == 410
    assert api.get(f"exports/{others[0]}/download").status_code == 200


def test_documents_of_finished_imports_beyond_ten_are_removed(app, client, user):
    api = ApiClient(client).sign_in(user.email)
    ids = [upload_api(api).get_json()["id"] for _ in range(12)]
    kept = [stored_import(app, job_id) for job_id in ids]
    assert kept == [("succeeded", False)] * 2 + [("succeeded", True)] * 10


def test_waiting_imports_beyond_ten_are_refused_until_a_draft_is_discarded(app, client, user):
    login(client, user.email)
    drafts = [upload_page(client).location for _ in range(10)]
    refused = upload_page(client)
    assert refused.status_code == 200
    assert "You already have 10 imports waiting" in refused.get_data(as_text=True)
    api = ApiClient(app.test_client()).sign_in(user.email)
    by_api = upload_api(api)
    assert by_api.status_code == 409 and error_code(by_api) == "limit_reached"

    token = csrf_token(client, drafts[0])
    discarded = client.post(f"{drafts[0]}/discard", data={"csrf_token": token})
    assert discarded.location == "/decks/import"
    assert stored_import(app, int(drafts[0].rsplit("/", 1)[1])) == ("expired", False)
    assert upload_page(client).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ImportJob.id))) == 11


def test_waiting_exports_beyond_ten_are_refused(app_factory, user, tmp_path, monkeypatch):
    """No worker here: the exports wait in the broker."""
    settings = {**load_config("testing", str(tmp_path)).CELERY, "broker_url": "memory://"}
    app = web_app(app_factory, settings)
    client = app.test_client()
    api = ApiClient(client).sign_in(user.email)
    deck = api.post("decks", json={"title": "Big"}).get_json()
    for _ in range(10):
        assert api.post("exports", json={"deck_id": deck["id"], "format": "md"}).status_code == 202
    refused = api.post("exports", json={"deck_id": deck["id"], "format": "md"})
    assert refused.status_code == 409 and error_code(refused) == "limit_reached"

    monkeypatch.setattr(exports, "SYNC_LIMIT", -1)  # every deck is exported by a worker
    login(client, user.email)
    page = client.get("/decks/big/export.md", follow_redirects=True).get_data(as_text=True)
    assert "You already have 10 exports being prepared" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 10
    app.extensions["celery"].close()
