"""Imports and exports through the API, as background jobs (run eagerly in these tests; the
real-worker tests of the same jobs are in test_import_worker.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from prepdeck.decks.models import Deck, ImportJob, Question
from prepdeck.extensions import db
from tests.api_client import ApiClient, error_code
from tests.conftest import make_person

DOCUMENT = Path(__file__).parent.parent / "data" / "interview_questions.md"


def upload(api, content: bytes, **fields):
    data = {"file": (io.BytesIO(content), "questions.md"), **fields}
    return api.post("imports", data=data, content_type="multipart/form-data")


def test_import_a_document_and_poll_the_job(app, api):
    started = upload(api, DOCUMENT.read_bytes(), title="Practice set")
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    polled = api.get(started.headers["Location"]).get_json()
    assert polled["state"] == "succeeded"
    assert polled["processed"] == polled["total"] == job["total"] > 0
    deck = api.get(f"decks/{polled['deck_id']}").get_json()
    assert deck["title"] == "Practice set" and deck["question_count"] == job["total"]
    assert deck["visibility"] == "private"


def test_import_into_an_existing_deck(api):
    deck = api.post("decks", json={"title": "Mine"}).get_json()
    started = upload(
        api, b"## Basic\n\n### 1. What is g?\n\nStorage for a request.\n", deck_id=str(deck["id"])
    )
    assert api.get(started.headers["Location"]).get_json()["deck_id"] == deck["id"]
    assert api.get(f"decks/{deck['id']}").get_json()["question_count"] == 1


def test_bad_imports_are_refused_and_write_nothing(app, api, client):
    before = [db_count(app, m) for m in (Deck, Question, ImportJob)]
    not_text = upload(api, b"\x00\x01\x02\xff" * 100)
    assert not_text.status_code == 422 and error_code(not_text) == "invalid"
    empty = upload(api, b"  \n")
    assert empty.status_code == 422 and "empty" in empty.get_json()["error"]["message"]
    missing_file = api.post("imports", data={"title": "x"}, content_type="multipart/form-data")
    assert missing_file.status_code == 422
    assert "file" in missing_file.get_json()["error"]["details"]
    other = make_person(app, email="grace@example.com")
    theirs = ApiClient(client).sign_in(other.email).post("decks", json={"title": "T"}).get_json()
    into_theirs = upload(api, DOCUMENT.read_bytes(), deck_id=str(theirs["id"]))
    assert into_theirs.status_code == 404
    assert [db_count(app, m) for m in (Deck, Question, ImportJob)] == [before[0] + 1, *before[1:]]


def test_a_document_without_questions_is_accepted_then_fails_with_the_reason(app, api):
    """Reading a document is the worker's job: the request answers 202 before it is read."""
    started = upload(api, b"Just some prose, no questions at all.")
    assert started.status_code == 202
    job = api.get(started.headers["Location"]).get_json()
    assert job["state"] == "failed" and job["deck_id"] is None
    assert job["error"].startswith("No questions found: put each question on its own heading")
    assert [db_count(app, m) for m in (Deck, Question)] == [0, 0]


def test_someone_elses_import_job_is_not_found(app, api, client):
    job = upload(api, DOCUMENT.read_bytes()).get_json()
    other = make_person(app, email="grace@example.com")
    assert ApiClient(client).sign_in(other.email).get(f"imports/{job['id']}").status_code == 404


def test_export_as_a_job_then_download(api):
    deck = api.post("decks", json={"title": "Export me"}).get_json()
    api.post(f"decks/{deck['id']}/questions", json={"prompt": "What is WSGI?", "answer": "A spec."})
    started = api.post("exports", json={"deck_id": deck["id"], "format": "json"})
    assert started.status_code == 202
    job = api.get(started.headers["Location"]).get_json()
    assert job["state"] == "succeeded" and job["format"] == "json"
    download = api.get(f"exports/{job['id']}/download")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    exported = json.loads(download.get_data())
    assert exported["questions"][0]["prompt"] == "What is WSGI?"


def test_export_refusals(app, api, client):
    other = make_person(app, email="grace@example.com")
    grace = ApiClient(client).sign_in(other.email)
    private = grace.post("decks", json={"title": "Private"}).get_json()
    assert api.post("exports", json={"deck_id": private["id"], "format": "md"}).status_code == 404
    assert api.post("exports", json={"deck_id": private["id"], "format": "pdf"}).status_code == 422
    job = grace.post("exports", json={"deck_id": private["id"], "format": "md"}).get_json()
    assert api.get(f"exports/{job['id']}").status_code == 404
    assert api.get(f"exports/{job['id']}/download").status_code == 404


def db_count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()
