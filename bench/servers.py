"""Gunicorn processes for the HTTP benchmark: started with the repository's gunicorn.conf.py on a
free loopback port, waited for, and always stopped (SIGTERM, then SIGKILL of the process group
that the start created)."""

from __future__ import annotations

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
SETTINGS = ("worker_class", "workers", "threads", "worker_connections", "keepalive", "timeout")


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    url: str  # http://127.0.0.1:PORT
    log: Path

    def workers(self) -> list[int]:
        """The pids of the master's children (Gunicorn's workers)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """User and system CPU time used so far by the workers."""
        return cpu_seconds(self.workers())


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time used so far by the processes `pids` (gone ones count 0)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def gunicorn_settings(env: dict[str, str]) -> dict[str, object]:
    """What gunicorn.conf.py resolves to under `env` (it reads only the environment)."""
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        values = runpy.run_path(str(CONFIG))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {name: values[name] for name in SETTINGS}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    name: str,
    app: str,
    env: dict[str, str],
    ready_path: str,
    log_dir: Path,
    pythonpath: Path | None = None,
) -> Iterator[Server]:
    """Serve `app` ("module:callable") until the block ends."""
    if not GUNICORN.exists():
        raise SystemExit(f"{GUNICORN} is missing: run `make install` first.")
    port = free_port()
    command = [str(GUNICORN), "-c", str(CONFIG)]
    if pythonpath is not None:
        command += ["--pythonpath", str(pythonpath)]
    command.append(app)
    log = log_dir / f"{name}.log"
    full_env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            command,
            cwd=ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_ready(server, ready_path)
        yield server
    finally:
        stop(process)


def _wait_ready(server: Server, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} (gunicorn) exited at start:\n{_tail(server.log)}")
        if _answers(server.url + path) and server.workers():
            return
        time.sleep(0.2)
    raise SystemExit(
        f"{server.name} did not answer {path} in {START_TIMEOUT:.0f} s:\n{_tail(server.log)}"
    )


def _answers(url: str) -> bool:
    """Whether an HTTP response, of any status, comes back."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the master (it stops its workers); SIGKILL to the process group that the
    start created if the master is not gone in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
        return
    except subprocess.TimeoutExpired:
        pass
    # Not reaped yet, so the group id (the master's pid) still names our processes only.
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
