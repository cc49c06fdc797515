"""The load generator: Debian's wrk on loopback, its summary and latency histogram read from a
Lua `done` hook.

wrk 4 corrects its latency histogram for coordinated omission before printing it (or handing
it to Lua): for every request slower than the mean interval between two requests of one
connection, it adds the samples that a client sending at that fixed rate would have seen. The
corrected percentiles describe such an open-loop client, and their mean is well above what
Little's law allows for the requests really sent (connections / req/s). This module undoes
the correction, which is exact (the counts come back to the number of requests), and reports
the percentiles of the requests sent, keeping wrk's corrected ones beside them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SUMMARY_SCRIPT = Path(__file__).with_name("wrk_summary.lua")
SUMMARY, HISTOGRAM = "WRK_SUMMARY ", "WRK_HISTOGRAM "
MISSING = (
    "wrk is not installed: `apt-get install -y wrk` (Debian's package; install it where CI "
    "installs chromium, in .ci/run)."
)


@dataclass
class Load:
    requests: int
    seconds: float
    connections: int
    p50_ms: float  # of the requests sent
    p99_ms: float
    max_ms: float
    corrected_p50_ms: float  # wrk's own figures, after its coordinated-omission correction
    corrected_p99_ms: float
    errors: dict[str, int]
    cpu_seconds: float = 0.0  # the server's workers, during the run
    db_sessions: int = 0  # PostgreSQL sessions opened during the run

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def mean_ms(self) -> float:
        """Little's law for a closed loop: every connection always has one request out."""
        return self.connections / self.rate * 1e3

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1e3 / max(self.requests, 1)


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(MISSING)
    return found


def run(url: str, *, threads: int, connections: int, seconds: float,
        headers: tuple[str, ...] = ()) -> Load:  # fmt: skip
    command = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s"]
    command += ["--timeout", "5s", "-s", str(SUMMARY_SCRIPT)]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    done = subprocess.run(  # noqa: S603 - wrk with our own arguments
        command, capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    found = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    summary, histogram = found.get(SUMMARY.strip()), found.get(HISTOGRAM.strip())
    if done.returncode != 0 or summary is None or histogram is None:
        raise SystemExit(f"wrk failed on {url} (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return _load(json.loads(summary), histogram, connections)


def _load(raw: dict, histogram_text: str, connections: int) -> Load:
    corrected = _histogram(histogram_text)
    measured = corrected
    if raw["requests"] // connections > 0:  # wrk corrects only then
        measured = undo_correction(
            corrected, raw["duration_us"] // (raw["requests"] // connections)
        )
    if sum(measured.values()) != raw["requests"] - raw["timeout"]:
        raise SystemExit("Undoing wrk's latency correction did not give back its request count.")
    return Load(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        connections=connections,
        p50_ms=percentile(measured, 50) / 1e3,
        p99_ms=percentile(measured, 99) / 1e3,
        max_ms=max(measured, default=0) / 1e3,
        corrected_p50_ms=raw["p50_us"] / 1e3,
        corrected_p99_ms=raw["p99_us"] / 1e3,
        errors={key: raw[key] for key in ("connect", "read", "write", "status", "timeout")},
    )


def _histogram(text: str) -> dict[int, int]:
    pairs = (item.split(":") for item in text.strip().split(",") if item)
    return {int(micros): int(count) for micros, count in pairs}


def undo_correction(corrected: dict[int, int], interval: int) -> dict[int, int]:
    """Invert wrk's stats_correct(): it added, for each sample of n >= 2 * interval
    microseconds, one sample at each of n - interval, n - 2 * interval, ... above interval.
    Walking down from the slowest bucket, what each bucket gained is the running sum of the
    original samples above it in the same residue class modulo the interval."""
    original, above = dict(corrected), {}
    for micros in sorted(corrected, reverse=True):
        if micros <= interval:
            break
        residue = micros % interval
        original[micros] = corrected[micros] - above.get(residue, 0)
        above[residue] = above.get(residue, 0) + original[micros]
    return {micros: count for micros, count in original.items() if count}


def percentile(histogram: dict[int, int], p: float) -> int:
    """wrk's own definition: the smallest value whose cumulative count reaches the rank."""
    rank = round(p / 100 * sum(histogram.values()) + 0.5)
    total = 0
    for micros in sorted(histogram):
        total += histogram[micros]
        if total >= rank:
            return micros
    return 0
