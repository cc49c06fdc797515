"""Import jobs: an uploaded document is previewed, then imported by a background worker.

The job runs in one transaction with the questions it writes and records its own success in
that transaction, so it is atomic (all questions or none) and idempotent (a redelivered job
that already succeeded does nothing; one that died midway left nothing and starts over).
"""

from __future__ import annotations

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.celery_app import enqueue
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.core.models import utcnow
from prepdeck.decks.decoding import decode_document
from prepdeck.decks.importer import ParsedDocument, parse_document
from prepdeck.decks.models import Deck, ImportJob
from prepdeck.decks.services import can_edit
from prepdeck.decks.transfer import import_document
from prepdeck.extensions import db

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
UNEXPECTED = "Something went wrong on our side while importing. Nothing was saved."
table = ImportJob.__table__


def create_draft(
    owner: User, data: bytes, filename: str = "", title: str = "", deck: Deck | None = None
) -> tuple[ImportJob, ParsedDocument]:
    """Check and parse the document; keep it as a draft job to preview. Nothing else changes."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise Invalid(f"The document is larger than {MAX_DOCUMENT_BYTES // 1048576} MB.")
    if deck is not None and not can_edit(deck, owner):
        raise NotFound("There is no deck at this address.")
    text = decode_document(data)
    parsed = parse_document(text)
    job = ImportJob(
        owner_id=owner.id, deck_id=deck.id if deck else None, title=title.strip()[:200],
        filename=filename[:255], source=text, state="draft",
        total=len(parsed.questions), warnings=parsed.warnings,
    )  # fmt: skip
    db.session.add(job)
    db.session.commit()
    return job, parsed


def get_job(job_id: int, viewer: User) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None or (job.owner_id != viewer.id and not viewer.is_admin):
        raise NotFound("There is no such import.")
    return job


def preview(job: ImportJob) -> ParsedDocument:
    return parse_document(job.source)


def start(job: ImportJob) -> ImportJob:
    """Queue a previewed draft. Starting it twice is refused, not repeated."""
    with db.engine.begin() as conn:
        claimed = conn.execute(
            table.update()
            .where(table.c.id == job.id, table.c.state == "draft")
            .values(state="queued")
        ).rowcount
    if not claimed:
        raise Conflict("This import has already been started.")
    enqueue("decks.run_import", job.id)
    db.session.refresh(job)
    return job


def run(job_id: int) -> str:
    """The worker's side. Returns the job's final state."""
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return "missing"
    if job.state in ("succeeded", "failed", "draft"):
        return job.state  # done already (a redelivery), or never started
    _update(job_id, state="running", started_at=utcnow(), processed=0, error=None)
    track = db.engine.dialect.name != "sqlite"  # SQLite: one writer, so no progress writes

    def progress(done: int, total: int) -> None:
        if track:
            _update(job_id, processed=done, total=total)

    def succeeded(deck: Deck) -> None:
        job.deck_id, job.state, job.finished_at = deck.id, "succeeded", utcnow()
        job.processed = job.total

    target = db.session.get(Deck, job.deck_id) if job.deck_id else None
    try:
        import_document(
            _owner(job), job.source,
            title=job.title, deck=target, progress=progress, before_commit=succeeded,
        )  # fmt: skip
    except Invalid as error:  # the document or the target changed since the preview
        db.session.rollback()
        _update(job_id, state="failed", error=error.message, finished_at=utcnow())
        return "failed"
    except Exception:
        db.session.rollback()
        _update(job_id, state="failed", error=UNEXPECTED, finished_at=utcnow())
        raise  # logged, and shown as failed in the admin's job list
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
