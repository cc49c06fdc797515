"""How long the files of import and export jobs are kept, and how many a person may hold.

An export's file and an import's document are the only big values in the job tables. They are
kept JOB_FILE_RETENTION_HOURS after their job (a day by default), then removed by the
"expire-job-files" beat job; the rows stay, small, so that the pages can say what happened
("this file has expired, export it again") instead of "not found".

A person holds at most JOB_FILES_PER_PERSON files of each kind:

* Waiting work (imports being read, previewed or run; exports not yet written) beyond that is
  refused with `LimitReached`: a draft is a person's pending decision and is never dropped to
  make room for another, and refusing is what keeps one account from filling the queue.
* Finished files beyond that are removed at once, oldest first, when a job finishes: an export
  can be written again at any time and a finished import's document is never read again, so
  the newest request wins instead of being refused until tomorrow.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from prepdeck.core.errors import LimitReached
from prepdeck.core.models import utcnow
from prepdeck.decks.models import ExportJob, ImportJob
from prepdeck.extensions import db

IMPORTS_WAITING = ("parsing", "draft", "queued", "running")
IMPORTS_FINISHED = ("succeeded", "failed")
# Never started: kept no longer than a finished job's document. (A job that is running is
# left alone: its worker holds it, and the broker hands it on if that worker dies.)
IMPORTS_UNSTARTED = ("parsing", "draft", "queued")
EXPORTS_WAITING = ("queued", "running")
# The document as uploaded, as decoded, and what the preview quotes of it.
NO_DOCUMENT = {"upload": None, "source": None, "preview": sa.null()}
UNSTARTED_ERROR = "The document was removed before it was imported: upload it again."


def kept_for() -> timedelta:
    return timedelta(hours=kept_hours())


def kept_hours() -> int:
    return current_app.config["JOB_FILE_RETENTION_HOURS"]


def per_person() -> int:
    return current_app.config["JOB_FILES_PER_PERSON"]


def require_room_for_import(owner_id: int) -> None:
    if _count(ImportJob, owner_id, IMPORTS_WAITING) >= per_person():
        raise LimitReached(
            f"You already have {per_person()} imports waiting (being read, ready to preview or "
            "importing). Import or discard one of your drafts, or wait for the others to "
            "finish, then upload this document again."
        )


def require_room_for_export(owner_id: int) -> None:
    if _count(ExportJob, owner_id, EXPORTS_WAITING) >= per_person():
        raise LimitReached(
            f"You already have {per_person()} exports being prepared. Wait for them to finish, "
            "then export again."
        )


def _count(model, owner_id: int, states: tuple[str, ...]) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(model.id)).where(
            model.owner_id == owner_id, model.state.in_(states)
        )
    )


def keep_newest_exports(owner_id: int) -> int:
    """Expire the person's export files beyond the newest `per_person()`; how many went."""
    beyond = _beyond_newest(ExportJob, owner_id, ExportJob.state == "succeeded")
    if not beyond:
        return 0
    return _set(ExportJob, ExportJob.id.in_(beyond), state="expired", content=None)


def keep_newest_import_documents(owner_id: int) -> int:
    """Remove the documents of the person's finished imports beyond the newest `per_person()`."""
    beyond = _beyond_newest(ImportJob, owner_id, _finished_import_with_document())
    if not beyond:
        return 0
    return _set(ImportJob, ImportJob.id.in_(beyond), **NO_DOCUMENT)


def _beyond_newest(model, owner_id: int, condition) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(model.id)
            .where(model.owner_id == owner_id, condition)
            .order_by(model.finished_at.desc(), model.id.desc())
            .offset(per_person())
        )
    )


def _finished_import_with_document():
    return sa.and_(
        ImportJob.state.in_(IMPORTS_FINISHED),
        sa.or_(
            ImportJob.source.is_not(None),
            ImportJob.upload.is_not(None),
            ImportJob.preview.is_not(None),
        ),
    )


def expire_job_files(now: datetime | None = None) -> dict[str, int]:
    """The beat job: remove every file kept longer than `kept_for()`; how many of each kind."""
    now = now or utcnow()
    cutoff = now - kept_for()
    return {
        "exports": _set(
            ExportJob,
            sa.and_(ExportJob.state == "succeeded", ExportJob.finished_at < cutoff),
            state="expired", content=None,
        ),
        "finished imports": _set(
            ImportJob,
            sa.and_(_finished_import_with_document(), ImportJob.finished_at < cutoff),
            **NO_DOCUMENT,
        ),
        "unstarted imports": _set(
            ImportJob,
            sa.and_(ImportJob.state.in_(IMPORTS_UNSTARTED), ImportJob.created_at < cutoff),
            state="expired", error=UNSTARTED_ERROR, finished_at=now, **NO_DOCUMENT,
        ),
    }  # fmt: skip


def _set(model, condition, **values) -> int:
    result = db.session.execute(
        sa.update(model)
        .where(condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
