"""Real Celery worker processes for the tests, started as production starts them."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from prepdeck.config import load_config

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).parent / "celery"


class Worker:
    """One `celery worker` process; its output goes to a file so a full pipe never stalls it."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        command = [
            str(CELERY), "-A", "prepdeck.worker", "worker", "--pool", "solo",
            "--concurrency", "1", "--loglevel", "INFO", "-n", f"test-{uuid.uuid4().hex[:8]}@%h",
            # No other workers to sync with: skips a second of waiting at start-up.
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def require_running(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(
                f"the worker exited with code {self.process.returncode}:\n{self.output()}"
            )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # warm shutdown
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def worker_env(database_url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    """What `prepdeck.worker`'s argument-less `create_app()` reads, pinned for this test.

    Empty strings (not absent keys) so that a developer's `.env` cannot fill them in:
    python-dotenv never overrides a variable that is already set.
    """
    env = {
        **os.environ,
        "PREPDECK_ENV": "development",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MAIL_BACKEND": "outbox",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "CELERY_BROKER_FOLDER": "",
        "CELERY_TASK_ALWAYS_EAGER": "",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(settings)
    return env


def web_app(app_factory, celery_settings: dict):
    """The web side: testing settings, but jobs go to a real broker instead of running eagerly."""
    app = app_factory(CELERY={**celery_settings, "task_always_eager": False})
    assert app.extensions["celery"].conf.task_always_eager is False
    return app


def filesystem_broker(migrated: str, tmp_path: Path, monkeypatch) -> tuple[dict, dict]:
    """`make run`'s topology, no broker server: the worker's environment with the kombu
    filesystem transport in a folder, and the Celery settings it computes from it."""
    env = worker_env(migrated, tmp_path, CELERY_BROKER_FOLDER=str(tmp_path / "broker"))
    with monkeypatch.context() as patch:
        for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_BROKER_FOLDER"):
            patch.setenv(name, env[name])
        settings = load_config("development", env["INSTANCE_PATH"]).CELERY
    return env, settings
