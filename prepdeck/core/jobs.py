"""The background-job log kept in `task_records`, written on its own connection.

Writes go through the engine, not the ORM session, so that recording a job never commits
(or waits on) the caller's unit of work. Callers commit their own work before enqueueing.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from prepdeck.core.models import TaskRecord, utcnow
from prepdeck.extensions import db

table = TaskRecord.__table__


def _summary(args: tuple | list | None, kwargs: dict | None) -> str:
    parts = [repr(a) for a in args or ()] + [f"{k}={v!r}" for k, v in (kwargs or {}).items()]
    return ", ".join(parts)[:300]


def record_queued(task_id: str, name: str, args=None, kwargs=None) -> None:
    with db.engine.begin() as conn:
        exists = conn.execute(sa.select(table.c.id).where(table.c.id == task_id)).first()
        if exists is None:
            conn.execute(
                table.insert().values(
                    id=task_id,
                    name=name,
                    state="queued",
                    summary=_summary(args, kwargs),
                    attempts=0,
                    created_at=utcnow(),
                )
            )


def record_started(task_id: str, name: str, args=None, kwargs=None) -> None:
    record_queued(task_id, name, args, kwargs)
    with db.engine.begin() as conn:
        conn.execute(
            table.update()
            .where(table.c.id == task_id)
            .values(state="running", started_at=utcnow(), attempts=table.c.attempts + 1)
        )


def record_finished(task_id: str, state: str, error: str | None = None) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            table.update()
            .where(table.c.id == task_id)
            .values(state=state, finished_at=utcnow(), error=(error or None) and error[:4000])
        )


def recent_jobs(limit: int = 20) -> list[TaskRecord]:
    return list(
        db.session.scalars(
            sa.select(TaskRecord).order_by(TaskRecord.created_at.desc()).limit(limit)
        )
    )


def job_counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(TaskRecord.state, sa.func.count()).group_by(TaskRecord.state)
    ).all()
    return {state: count for state, count in rows}


def prune_jobs(older_than: timedelta = timedelta(days=30)) -> int:
    """Forget jobs older than `older_than`, whatever their state: by then a job still marked
    queued, running or retrying was lost with a worker and will not finish."""
    cutoff = utcnow() - older_than
    with db.engine.begin() as conn:
        result = conn.execute(table.delete().where(table.c.created_at < cutoff))
    return result.rowcount or 0
