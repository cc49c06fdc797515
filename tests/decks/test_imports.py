"""Importing question documents: the command line, the upload page and the import job."""

import html
import json
import zipfile
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.config import load_config
from prepdeck.decks import decoding, importer, imports, services
from prepdeck.decks.importer import parse_document
from prepdeck.decks.models import Deck, ImportJob, Question
from prepdeck.extensions import db
from tests.celery_workers import web_app
from tests.conftest import csrf_token, login, make_person
from tests.factories import AdminFactory

real_parse = parse_document
FIXTURE = Path(__file__).parent.parent / "data" / "interview_questions.md"


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


def test_upload_preview_then_import_as_a_job(app, client, user, monkeypatch):
    login(client, user.email)
    response = upload(client, FIXTURE.read_bytes(), title="From the page")
    assert response.status_code == 302
    # The worker (run eagerly here) has read the document; the pages only show what it kept.
    monkeypatch.setattr(importer, "parse_document", refuse_to_read)
    monkeypatch.setattr(decoding, "decode_document", refuse_to_read)
    preview = client.get(response.location).get_data(as_text=True)
    parsed = real_parse(FIXTURE.read_bytes())
    assert f"Found <strong>{len(parsed.questions)}</strong> questions" in preview
    assert html.escape(parsed.questions[0].prompt, quote=False) in preview
    assert counts(app) == (0, 0)  # nothing saved before the person says so
    job_path = response.location
    token = csrf_token(client, job_path)
    started = client.post(f"{job_path}/start", data={"csrf_token": token})
    assert started.status_code == 302
    monkeypatch.undo()  # the import itself reads the document again, in the worker
    status = client.get(f"{job_path}/status").get_data(as_text=True)
    assert 'data-state="succeeded"' in status and "From the page" in status
    again = client.post(f"{job_path}/start", data={"csrf_token": token}, follow_redirects=True)
    assert "already been started" in again.get_data(as_text=True)
    assert counts(app) == (1, len(parsed.questions))


def refuse_to_read(*_args, **_kwargs):
    raise AssertionError("a page read the document again")


def test_bad_uploads_get_a_message_and_write_nothing(app, client, user):
    login(client, user.email)
    # What the upload request can tell at once is refused on the form...
    for data, message in [
        (b"", "The file is empty."),
        (b"\x00\x01\x02binary" * 50, "not a text document"),
    ]:
        response = upload(client, data)
        assert response.status_code == 200, data[:20]
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ImportJob.id))) == 0
    # ...and what takes reading the document is told on the job's page, once a worker read it.
    for data, message in [
        (b"# Notes\n\nno questions at all\n", "No questions found"),
        (b"caf\xe9 \xff\xfe broken \x81\x8d\x8f", "The file is not valid UTF-8 text"),
    ]:
        response = upload(client, data)
        assert response.status_code == 302, data[:20]
        page = client.get(response.location).get_data(as_text=True)
        assert 'data-state="failed"' in page
        assert "The import failed and nothing was saved: " + message in page
    assert counts(app) == (0, 0)


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


def test_the_preview_kept_on_the_job_stays_small_whatever_the_document(app, client, user):
    login(client, user.email)
    # 2,000 long questions whose numbers all jump: 3.8 MB, and a warning for each jump.
    data = "\n".join(
        f"### {2 * n}. {'Why ' * 120}{n}?\n\n{'Because. ' * 150}\n" for n in range(1, 2001)
    ).encode()
    assert 3_000_000 < len(data) < imports.MAX_DOCUMENT_BYTES
    location = upload(client, data).location
    page = client.get(location).get_data(as_text=True)
    assert "Found <strong>2000</strong> questions" in page
    assert "… and 1,800 more questions." in page
    assert "… and 1,949 more warnings." in page
    assert len(page) < 200_000
    with app.app_context():
        job = db.session.get(ImportJob, int(location.rsplit("/", 1)[1]))
        assert len(json.dumps(job.preview)) < 100_000
        assert len(job.preview["questions"]) == 200 and len(job.warnings) == 51


def test_a_reading_delivered_twice_reads_and_imports_once(app_factory, user, tmp_path):
    """What a broker does after a worker died before acknowledging: the same task again."""
    settings = {**load_config("testing", str(tmp_path)).CELERY, "broker_url": "memory://"}
    app = web_app(app_factory, settings)  # no worker: the test delivers the task itself
    parsed = parse_document(FIXTURE.read_bytes())
    with app.app_context():
        owner = db.session.get(User, user.id)
        draft = imports.upload(owner, FIXTURE.read_bytes(), filename="draft.md")
        at_once = imports.upload(owner, FIXTURE.read_bytes(), start=True)
        assert (draft.state, at_once.state) == ("parsing", "parsing")
        for _ in range(2):
            assert imports.parse(draft.id) == "draft"
            assert imports.parse(at_once.id) == "succeeded"
        db.session.refresh(draft)
        assert draft.total == len(parsed.questions) and draft.preview["counts"]
    assert counts(app) == (1, len(parsed.questions))
    app.extensions["celery"].close()
