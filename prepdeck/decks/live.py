"""Live notices of import and export jobs, pushed to the owner's connections: `job:progress`
while an import runs, `job:finished` at the end. The job pages refresh on them, and poll as
before while no socket is connected."""

from __future__ import annotations

from prepdeck.core.realtime import notify


def job_progress(owner_id: int, kind: str, job_id: int, done: int, total: int) -> None:
    data = {"kind": kind, "job": job_id, "state": "running", "done": done, "total": total}
    notify(owner_id, "job:progress", data)


def job_finished(owner_id: int, kind: str, job_id: int, state: str) -> None:
    notify(owner_id, "job:finished", {"kind": kind, "job": job_id, "state": state})
