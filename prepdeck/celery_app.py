"""Celery bound to the Flask app, following Flask's own Celery example.

Every task runs inside an app context, and its life (queued, running, succeeded, failed)
is written to the job log that the admin area shows.
"""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from celery.exceptions import Retry
from celery.utils import uuid
from flask import Flask

from prepdeck.core import jobs


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def apply_async(self, args=None, kwargs=None, task_id=None, **options):
            task_id = task_id or uuid()
            if not self.app.conf.task_always_eager:
                # Recorded before publishing, so a fast worker always finds the row.
                with app.app_context():
                    jobs.record_queued(task_id, self.name, args, kwargs)
            try:
                return super().apply_async(args, kwargs, task_id=task_id, **options)
            except Exception as exc:
                if not self.app.conf.task_always_eager:
                    with app.app_context():
                        jobs.record_finished(task_id, "failed", f"not queued: {exc}")
                raise

        def __call__(self, *args, **kwargs):
            with app.app_context():
                task_id = self.request.id
                if task_id is None:  # called directly, not as a job
                    return self.run(*args, **kwargs)
                jobs.record_started(task_id, self.name, args, kwargs)
                try:
                    result = self.run(*args, **kwargs)
                except Retry:
                    jobs.record_finished(task_id, "retrying")
                    raise
                except Exception as exc:
                    jobs.record_finished(task_id, "failed", f"{type(exc).__name__}: {exc}")
                    raise
                jobs.record_finished(task_id, "succeeded")
                return result

    _create_queue_folders(app.config["CELERY"])
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _create_queue_folders(conf: dict) -> None:
    """The filesystem broker (the embedded default) needs its folders to exist."""
    if conf["broker_url"].startswith("filesystem"):
        options = conf["broker_transport_options"]
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def enqueue(task_name: str, *args, **kwargs):
    """Queue a job on the current Flask app's Celery (not Celery's process-wide default,
    which is whichever app was created last)."""
    from flask import current_app

    return current_app.extensions["celery"].tasks[task_name].delay(*args, **kwargs)
