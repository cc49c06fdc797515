"""`make run`: the web process and a Celery worker (with beat) side by side; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> int:
    # Ctrl-C, and a SIGTERM from whatever started us, both stop every process we start (a
    # shell that runs us in the background would otherwise leave SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    env = {**os.environ, "FLASK_APP": "prepdeck"}
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    commands = {
        "worker": [
            str(BIN / "celery"), "-A", "prepdeck.worker", "worker", "--beat",
            "--pool", "solo", "--loglevel", "INFO",
            "--schedule", str(instance / "celerybeat-schedule"),
        ],
        "web": [str(BIN / "flask"), "run", "--host", host, "--port", port],
    }  # fmt: skip
    processes = {name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in commands.items()}
    print(f"Prepdeck is starting on http://{host}:{port} (Ctrl-C stops it)", flush=True)
    exit_code = 0
    try:
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} stopped with exit code {process.returncode}", file=sys.stderr)
                exit_code = process.returncode or 1
    except KeyboardInterrupt:
        print("Stopping Prepdeck...", flush=True)
    finally:
        stop(processes.values())
    return exit_code


def stop(processes) -> None:
    """SIGTERM (a warm shutdown for the worker: it finishes its task), then kill at a deadline."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    sys.exit(main())
