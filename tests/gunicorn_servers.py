"""Gunicorn started as production starts it (gunicorn.conf.py, PREPDECK_ENV=production), for
the tests of the deployed process and of rooms served by several processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
APP = "prepdeck:create_app()"

# Settings from the developer's shell that would change what gunicorn.conf.py or the app does.
INHERITED_SETTINGS = (
    "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "GUNICORN_BIND", "HOST",
    "PORT", "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS", "PROMETHEUS_MULTIPROC_DIR",
    "GUNICORN_CMD_ARGS", "XDG_RUNTIME_DIR", "PROXY_FIX_HOPS", "METRICS_ENABLED", "CACHE_TYPE",
    "RATELIMIT_STORAGE_URI",
)  # fmt: skip


def production_env(home: Path, port: int, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_SETTINGS}
    env.update(
        PREPDECK_ENV="production",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        HOME=str(home),  # where gunicorn 27 would put its control socket
        **settings,
    )
    return env


class Server:
    """A gunicorn master started as production starts it, stopped within bounded waits."""

    def __init__(self, env: dict[str, str], log: Path, app: str = APP) -> None:
        self.url = f"http://{env['GUNICORN_BIND']}"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [GUNICORN, "-c", "gunicorn.conf.py", app],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(
                f"gunicorn exited with {self.process.returncode}:\n{self.output()}"
            )
        try:
            return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except (requests.ConnectionError, requests.Timeout):
            # The master listens before its worker has loaded the app: a connection may be
            # accepted and then wait.
            return False

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=10, allow_redirects=False, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
