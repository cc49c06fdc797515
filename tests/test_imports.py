"""Importing question documents: the command line, the upload page and the import job."""

import json
import zipfile
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa

from prepdeck.decks import services
from prepdeck.decks.importer import parse_document
from prepdeck.decks.models import Deck, ImportJob, Question
from prepdeck.extensions import db
from tests.conftest import csrf_token, login, make_person
from tests.factories import AdminFactory

FIXTURE = Path(__file__).parent / "data" / "interview_questions.md"


def deck_rows(app, slug: str) -> list[tuple]:
    with app.app_context():
        deck = services.find_deck(slug)
        return [(q.position, q.prompt, q.answer, q.level) for q in deck.questions]


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(Deck.id))),
            db.session.scalar(sa.select(sa.func.count(Question.id))),
        )


def test_cli_import_reports_levels_and_warnings_and_repairs_mojibake(app, runner):
    make_person(app, AdminFactory, email="ops@example.com")
    result = runner.invoke(args=["decks", "import", str(FIXTURE), "--title", "Flask practice"])
    assert result.exit_code == 0, result.output
    parsed = parse_document(FIXTURE.read_bytes())
    summary = ", ".join(f"{level} {n}" for level, n in parsed.counts_by_level().items())
    assert f"{len(parsed.questions)} questions: {summary}" in result.output
    for warning in parsed.warnings:
        assert f"warning: {warning}" in result.output
    assert "Imported" in result.output and "(flask-practice)" in result.output
    rows = deck_rows(app, "flask-practice")
    assert len(rows) == len(parsed.questions)
    assert all("â€" not in answer and "ðŸ" not in answer for _p, _q, answer, _l in rows)
    assert {level for *_rest, level in rows} >= {
        "basic",
        "intermediate",
        "advanced",
        "expert",
        "scenario",
    }


def test_imported_deck_shows_highlighted_code_and_tables(app, client, runner):
    admin = make_person(app, AdminFactory, email="ops@example.com")
    runner.invoke(args=["decks", "import", str(FIXTURE), "--title", "Flask practice"])
    login(client, admin.email)
    with app.app_context():
        deck = services.find_deck("flask-practice")
        with_code = next(q.id for q in deck.questions if "```python" in q.answer)
        with_table = next(q.id for q in deck.questions if "| Feature |" in q.answer)
    code_page = client.get(f"/decks/flask-practice/questions/{with_code}").get_data(as_text=True)
    assert '<pre class="highlight">' in code_page and '<span class="' in code_page
    table_page = client.get(f"/decks/flask-practice/questions/{with_table}").get_data(as_text=True)
    assert "<table>" in table_page


def test_cli_dry_run_writes_nothing(app, runner):
    make_person(app, AdminFactory, email="ops@example.com")
    result = runner.invoke(args=["decks", "import", str(FIXTURE), "--dry-run"])
    assert result.exit_code == 0
    assert "Dry run: nothing was saved." in result.output
    assert counts(app) == (0, 0)


def test_cli_refuses_a_document_without_questions_in_one_line(app, runner, tmp_path):
    make_person(app, AdminFactory, email="ops@example.com")
    empty = tmp_path / "notes.md"
    empty.write_text("# Just notes\n\nNothing that looks like a question here.\n")
    result = runner.invoke(args=["decks", "import", str(empty), "--title", "X"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: No questions found")
    assert len(result.output.strip().splitlines()) == 1
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert runner.invoke(args=["decks", "import", str(binary)]).exit_code == 1
    assert counts(app) == (0, 0)


def test_import_export_import_gives_the_same_questions(app, runner, tmp_path):
    make_person(app, AdminFactory, email="ops@example.com")
    runner.invoke(args=["decks", "import", str(FIXTURE), "--title", "First"])
    exported = tmp_path / "first.md"
    result = runner.invoke(args=["decks", "export", "first", "--format", "md", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["decks", "import", str(exported), "--title", "Second"])
    first = [row[1:] for row in deck_rows(app, "first")]
    second = [row[1:] for row in deck_rows(app, "second")]
    assert first == second and len(first) > 10


def test_export_json_and_anki(app, runner, tmp_path):
    make_person(app, AdminFactory, email="ops@example.com")
    runner.invoke(args=["decks", "import", str(FIXTURE), "--title", "Export me"])
    out = tmp_path / "deck.json"
    runner.invoke(args=["decks", "export", "export-me", "--format", "json", "-o", str(out)])
    document = json.loads(out.read_text())
    assert document["deck"]["title"] == "Export me"
    first = document["questions"][0]
    assert set(first) == {"position", "prompt", "answer", "level", "tags"}
    apkg = tmp_path / "deck.apkg"
    runner.invoke(args=["decks", "export", "export-me", "--format", "apkg", "-o", str(apkg)])
    assert "collection.anki2" in zipfile.ZipFile(apkg).namelist()
    missing = runner.invoke(args=["decks", "export", "nope", "-o", str(tmp_path / "x.md")])
    assert missing.exit_code == 1 and "no deck" in missing.output.lower()


def upload(client, data: bytes, filename="questions.md", title=""):
    token = csrf_token(client, "/decks/import")
    return client.post(
        "/decks/import",
        data={"csrf_token": token, "title": title, "document": (BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_upload_preview_then_import_as_a_job(app, client, user):
    login(client, user.email)
    response = upload(client, FIXTURE.read_bytes(), title="From the page")
    assert response.status_code == 302
    preview = client.get(response.location).get_data(as_text=True)
    parsed = parse_document(FIXTURE.read_bytes())
    assert f"Found <strong>{len(parsed.questions)}</strong> questions" in preview
    assert counts(app) == (0, 0)  # nothing saved before the person says so
    job_path = response.location
    token = csrf_token(client, job_path)
    started = client.post(f"{job_path}/start", data={"csrf_token": token})
    assert started.status_code == 302
    status = client.get(f"{job_path}/status").get_data(as_text=True)
    assert 'data-state="succeeded"' in status and "From the page" in status
    again = client.post(f"{job_path}/start", data={"csrf_token": token}, follow_redirects=True)
    assert "already been started" in again.get_data(as_text=True)
    assert counts(app) == (1, len(parsed.questions))


def test_bad_uploads_get_a_message_and_write_nothing(app, client, user):
    login(client, user.email)
    for data, message in [
        (b"", "The file is empty."),
        (b"\x00\x01\x02binary" * 50, "not a text document"),
        (b"# Notes\n\nno questions at all\n", "No questions found"),
        (b"caf\xe9 \xff\xfe broken", ""),
    ]:
        response = upload(client, data)
        assert response.status_code == 200, data[:20]
        assert message in response.get_data(as_text=True)
    assert counts(app) == (0, 0)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ImportJob.id))) == 0


def test_someone_elses_import_is_not_found(app, client, user):
    login(client, user.email)
    location = upload(client, FIXTURE.read_bytes()).location
    stranger = make_person(app, email="stranger@example.com")
    other = app.test_client()
    login(other, stranger.email)
    assert other.get(location).status_code == 404


def test_an_upload_over_the_size_limit_gets_413_and_writes_nothing(app_factory, user):
    app = app_factory(MAX_CONTENT_LENGTH=64 * 1024)
    client = app.test_client()
    login(client, user.email)
    response = upload(client, b"### 1. Big?\n\n" + b"x" * 100_000)
    assert response.status_code == 413
    assert "That upload is too large" in response.get_data(as_text=True)
    assert counts(app) == (0, 0)
