"""Exports: small decks are written during the request, large ones by a background worker,
whose file is kept for a while (see `retention`) and then expires."""

from __future__ import annotations

from prepdeck.accounts.models import User
from prepdeck.celery_app import enqueue
from prepdeck.core.errors import Conflict, Expired, NotFound
from prepdeck.core.models import utcnow
from prepdeck.decks import live, retention
from prepdeck.decks.models import Deck, ExportJob
from prepdeck.decks.transfer import FORMATS, export_deck
from prepdeck.extensions import db

SYNC_LIMIT = 2_000  # questions written while the person waits; more go to a worker
UNEXPECTED = "Something went wrong on our side while exporting. Please try again."


def needs_job(deck: Deck) -> bool:
    return deck.question_count > SYNC_LIMIT


def start(deck: Deck, owner: User, fmt: str) -> ExportJob:
    if fmt not in FORMATS:
        raise NotFound("There is no such export format.")
    retention.require_room_for_export(owner.id)
    job = ExportJob(owner_id=owner.id, deck_id=deck.id, fmt=fmt, state="queued")
    db.session.add(job)
    db.session.commit()
    enqueue("decks.run_export", job.id)
    return job


def get_job(job_id: int, viewer: User) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or (job.owner_id != viewer.id and not viewer.is_admin):
        raise NotFound("There is no such export.")
    return job


def finished_file(job: ExportJob) -> tuple[bytes, str, str]:
    """The exported file's content, mimetype and name, once the job has succeeded."""
    if job.state == "expired":
        raise Expired(
            f"This export has expired: files are kept for {retention.kept_hours()} hours "
            "after they are written. Export the deck again."
        )
    if job.state != "succeeded":
        raise Conflict(f"This export is {job.state}, not ready to download yet.")
    return job.content, job.mimetype, job.filename


def run(job_id: int) -> str:
    """The worker's side; running it again after success changes nothing."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.state not in ("queued", "running"):
        return job.state if job else "missing"
    owner_id = job.owner_id
    if job.deck is None:
        job.state, job.error, job.finished_at = "failed", "The deck was deleted.", utcnow()
        db.session.commit()
        live.job_finished(owner_id, "export", job_id, "failed")
        return "failed"
    try:
        content, mimetype, filename = export_deck(job.deck, job.fmt)
    except Exception:
        db.session.rollback()
        job.state, job.error, job.finished_at = "failed", UNEXPECTED, utcnow()
        db.session.commit()
        live.job_finished(owner_id, "export", job_id, "failed")
        raise
    job.content, job.mimetype, job.filename = content, mimetype, filename
    job.state, job.finished_at = "succeeded", utcnow()
    db.session.commit()
    retention.keep_newest_exports(owner_id)
    live.job_finished(owner_id, "export", job_id, "succeeded")
    return "succeeded"
