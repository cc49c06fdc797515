"""Import jobs: a worker reads an uploaded document, its owner previews what was found, and a
worker imports it.

The upload request only checks what costs nothing (the size, an empty or binary file, the
owner's number of waiting imports), keeps the bytes and queues `parse`. Reading a document
(decoding, repairing mojibake, finding its questions) happens in the worker, which keeps a
preview of bounded size on the job: the preview page shows it and never reads the document
again. An API import goes on from reading to importing in the same task, without a preview.

Each step claims its job by its state (parsing -> draft or queued, draft -> queued) in one
UPDATE, so a task that is delivered twice does its step once, and one redelivered after its
worker died does the step again from the start. The import itself runs in one transaction with
the questions it writes and records its own success in that transaction, so it is atomic (all
questions or none) and idempotent (a redelivered job that already succeeded does nothing; one
that died midway left nothing and starts over).

Into a deck, an import updates the deck's questions from the document by default (a newer
version of the document it came from: prepdeck.decks.reimport); the preview then shows the plan
(added, changed, unchanged, gone), which the import checks again against the deck as it is
when it runs. The finished job keeps what the import did in `result`.
"""

from __future__ import annotations

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.celery_app import enqueue
from prepdeck.core.errors import Conflict, Forbidden, Invalid, NotFound
from prepdeck.core.models import utcnow
from prepdeck.decks import live, reimport, retention
from prepdeck.decks.decoding import check_upload, decode_document
from prepdeck.decks.importer import ParsedDocument, parse_document, shorten
from prepdeck.decks.models import Deck, ImportJob
from prepdeck.decks.services import can_edit
from prepdeck.extensions import db

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
UNEXPECTED = "Something went wrong on our side while importing. Nothing was saved."
UNEXPECTED_READING = "Something went wrong on our side while reading the document."
# What the preview keeps, whatever the document holds: under 100 KB of JSON.
PREVIEW_QUESTIONS = 200
PREVIEW_PROMPT, PREVIEW_ANSWER, PREVIEW_DESCRIPTION = 200, 140, 500
MAX_WARNINGS, MAX_WARNING = 50, 300
table = ImportJob.__table__


def upload(
    owner: User, data: bytes, *, filename: str = "", title: str = "",
    deck: Deck | None = None, start: bool = False, mode: str = "update", prune: bool = False,
) -> ImportJob:  # fmt: skip
    """Keep an uploaded document and queue its reading (then its import, when `start`).
    Into `deck`, `mode` says whether to update its questions or append (see reimport)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise Invalid(f"The document is larger than {MAX_DOCUMENT_BYTES // 1048576} MB.")
    if deck is not None and not can_edit(deck, owner):
        raise NotFound("There is no deck at this address.")
    reimport.check_options(deck, mode, prune)
    check_upload(data)
    retention.require_room_for_import(owner.id)
    job = ImportJob(
        owner_id=owner.id, deck_id=deck.id if deck else None, title=title.strip()[:200],
        filename=filename[:255], upload=data, state="parsing", autostart=start, mode=mode,
        prune=prune,
    )  # fmt: skip
    db.session.add(job)
    db.session.commit()
    enqueue("decks.parse_import", job.id)
    db.session.refresh(job)
    return job


def parse(job_id: int) -> str:
    """The worker's side of an upload: read it and keep the preview; import it when asked to
    start at once. Returns the job's state."""
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return "missing"
    if job.state == "parsing":
        _read(job)
        db.session.refresh(job)
    if job.autostart and job.state in ("queued", "running"):
        return run(job_id)  # also where a redelivery of an API import resumes
    return job.state


def _read(job: ImportJob) -> None:
    try:
        text = decode_document(job.upload)
        parsed = parse_document(text)
        preview = make_preview(parsed)
        if job.deck is not None and job.mode == "update" and not job.autostart:
            preview["plan"] = reimport.preview_plan(job.deck, parsed)
    except Invalid as error:
        _finish_reading(job, state="failed", error=error.message, finished_at=utcnow())
        return
    except Exception:
        _finish_reading(job, state="failed", error=UNEXPECTED_READING, finished_at=utcnow())
        raise  # logged, and shown as failed in the admin's job list
    _finish_reading(
        job, state="queued" if job.autostart else "draft", source=text, upload=None,
        total=len(parsed.questions), warnings=_bounded(parsed.warnings), preview=preview,
    )  # fmt: skip


def _finish_reading(job: ImportJob, **values) -> None:
    if _claim(job.id, "parsing", **values) and values["state"] == "failed":
        retention.keep_newest_import_documents(job.owner_id)


def make_preview(parsed: ParsedDocument) -> dict:
    """What the preview page shows, small enough to keep on the job whatever the document."""
    return {
        "title": shorten(parsed.title or "", PREVIEW_PROMPT),
        "description": shorten(parsed.description, PREVIEW_DESCRIPTION),
        "counts": parsed.counts_by_level(),
        "questions": [
            {
                "number": item.number,
                "prompt": shorten(item.prompt, PREVIEW_PROMPT),
                "level": item.level,
                "answer": shorten(item.answer, PREVIEW_ANSWER),
            }
            for item in parsed.questions[:PREVIEW_QUESTIONS]
        ],
        "more": max(0, len(parsed.questions) - PREVIEW_QUESTIONS),
    }


def _bounded(warnings: list[str]) -> list[str]:
    kept = [shorten(warning, MAX_WARNING) for warning in warnings[:MAX_WARNINGS]]
    if len(warnings) > MAX_WARNINGS:
        kept.append(f"… and {len(warnings) - MAX_WARNINGS:,} more warnings.")
    return kept


def get_job(job_id: int, viewer: User) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None or (job.owner_id != viewer.id and not viewer.is_admin):
        raise NotFound("There is no such import.")
    return job


def start(job: ImportJob, prune: bool | None = None) -> ImportJob:
    """Queue a previewed draft (with `prune`: removing, or not, what is gone from the document).
    Starting it twice is refused, not repeated."""
    options = {} if prune is None else {"prune": prune}
    if prune:
        reimport.check_options(job.deck, job.mode, prune)
    if not _claim(job.id, "draft", state="queued", **options):
        raise Conflict(_not_a_draft(job))
    enqueue("decks.run_import", job.id)
    db.session.refresh(job)
    return job


def discard(job: ImportJob) -> ImportJob:
    """Drop a draft and its document without importing it."""
    if not _claim(job.id, "draft", state="expired", error="You discarded this draft.",
                  finished_at=utcnow(), **retention.NO_DOCUMENT):  # fmt: skip
        raise Conflict(_not_a_draft(job))
    db.session.refresh(job)
    return job


def _not_a_draft(job: ImportJob) -> str:
    db.session.refresh(job)
    if job.state == "expired":
        return "This draft has expired: upload the document again."
    if job.state == "parsing":
        return "This document is still being read."
    return "This import has already been started."


def _claim(job_id: int, current: str, /, **values) -> bool:
    """Move the job on from state `current`, on a connection of its own; False if it was not
    in that state (any more)."""
    with db.engine.begin() as conn:
        update = table.update().where(table.c.id == job_id, table.c.state == current)
        return conn.execute(update.values(**values)).rowcount == 1


def run(job_id: int) -> str:
    """The worker's side of an import. Returns the job's final state."""
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return "missing"
    if job.state not in ("queued", "running"):
        return job.state  # done already (a redelivery), or never started
    owner_id = job.owner_id
    _update(job_id, state="running", started_at=utcnow(), processed=0, error=None)
    track = db.engine.dialect.name != "sqlite"  # SQLite: one writer, so no progress writes

    def progress(done: int, total: int) -> None:
        if track:
            _update(job_id, processed=done, total=total)
        live.job_progress(owner_id, "import", job_id, done, total)

    def succeeded(deck: Deck, outcome: reimport.Outcome) -> None:
        job.deck_id, job.state, job.finished_at = deck.id, "succeeded", utcnow()
        job.processed, job.result = job.total, outcome.as_dict()

    target = db.session.get(Deck, job.deck_id) if job.deck_id else None
    try:
        reimport.import_questions(
            _owner(job), job.source, title=job.title, deck=target, mode=job.mode,
            prune=job.prune and target is not None, progress=progress, before_commit=succeeded,
        )  # fmt: skip
    except (Invalid, Forbidden) as error:  # the document or the deck changed since the preview
        db.session.rollback()
        _update(job_id, state="failed", error=error.message, finished_at=utcnow())
        live.job_finished(owner_id, "import", job_id, "failed")
        return "failed"
    except Exception:
        db.session.rollback()
        _update(job_id, state="failed", error=UNEXPECTED, finished_at=utcnow())
        live.job_finished(owner_id, "import", job_id, "failed")
        raise  # logged, and shown as failed in the admin's job list
    finally:
        retention.keep_newest_import_documents(owner_id)
    live.job_finished(owner_id, "import", job_id, "succeeded")
    return "succeeded"


def _owner(job: ImportJob) -> User:
    return db.session.get(User, job.owner_id)


def _update(job_id: int, **values) -> None:
    """Progress and state, written on a connection of their own so the page sees them now."""
    with db.engine.begin() as conn:
        conn.execute(table.update().where(table.c.id == job_id).values(**values))


def recent_jobs(owner: User, limit: int = 10) -> list[ImportJob]:
    return list(
        db.session.scalars(
            sa.select(ImportJob)
            .where(ImportJob.owner_id == owner.id)
            .order_by(ImportJob.id.desc())
            .limit(limit)
        )
    )
