"""HTTP throughput and latency: Prepdeck under Gunicorn beside bare Flask baselines, one run.

Three Gunicorn servers run side by side, each started from the repository's gunicorn.conf.py
with the same environment for its worker settings:

* baseline (a), `bench/baselines/hello_app.py`: a bare Flask app answering "hello";
* baseline (b) and (c), `bench/baselines/row_app.py`: one question row, and one keyset page of
  100 rows, read with plain psycopg 3 from the same PostgreSQL database;
* Prepdeck, `prepdeck:create_app()` with its production settings on that database and Redis.

Each endpoint is probed once first (its status must be the expected one; a missing API route
stops the run), then, round after round and in the same order, loaded by wrk for a warm-up and
for the measured run. The median over the rounds is reported, beside the baseline measured in
the same rounds.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import http_data
import psycopg
import redis
import servers
import wrk
from database import libpq_url
from endpoints import APP, HELLO, ROW, Endpoint, endpoints, probe
from flask import Flask

BASELINES = Path(__file__).resolve().parent / "baselines"
DEEP_SHARE = 0.9  # the deep cursor starts after this share of the big deck
OUR_KEYS = (b"prepdeck", b"LIMITS:LIMITER/prepdeck")  # cache and rate-limit keys of a run


@dataclass
class HttpResults:
    data: http_data.HttpData
    settings: dict[str, object]
    app_env: dict[str, str]
    args: dict[str, object]
    deep_position: int
    endpoints: list[Endpoint]
    loads: dict[str, list[wrk.Load]] = field(default_factory=dict)
    body_bytes: dict[str, int] = field(default_factory=dict)
    deck_page_cached: bool = False
    app_log_bytes: int = 0
    busy_before: float = 0.0  # CPUs kept busy by other processes just before the rounds

    def median(self, key: str, attribute: str) -> float:
        return median(getattr(load, attribute) for load in self.loads[key])

    def ratio(self, key: str, baseline: str, attribute: str) -> float:
        """The median over the rounds of key / baseline, each pair measured in one round, so
        a machine that slows down between rounds moves both sides of each ratio."""
        pairs = zip(self.loads[key], self.loads[baseline], strict=True)
        return median(getattr(mine, attribute) / getattr(base, attribute) for mine, base in pairs)


def check(args) -> None:
    """Fail before any work if the run could not finish."""
    wrk.require_wrk()
    guard_redis(args.redis_url)


def run(app: Flask, conn: psycopg.Connection, owner_id: int, url: str, args) -> HttpResults:
    print(f"  loading a {args.deck_questions:,}-question deck", flush=True)
    data = http_data.load(app, conn, libpq_url(url), owner_id, args.deck_questions, args.seed)
    deep = int(args.deck_questions * DEEP_SHARE)
    client = redis.Redis.from_url(args.redis_url)
    client.flushdb()
    try:
        with tempfile.TemporaryDirectory(prefix="prepdeck-http-") as folder, ExitStack() as stack:
            app_env = _app_env(url, args, Path(folder))
            running = _start(stack, url, app_env, Path(folder))
            results = HttpResults(
                data,
                servers.gunicorn_settings({}),
                app_env,
                _load_args(args),
                deep,
                endpoints(data, deep),
            )
            results.body_bytes = probe(running, results.endpoints, _row_at(conn, data, deep))
            results.deck_page_cached = bool(client.keys("prepdeck:view:deck:*"))
            results.busy_before = busy_cpus()
            _measure(running, results, conn, args)
            results.app_log_bytes = running[APP].log.stat().st_size
    finally:
        client.flushdb()
        client.close()
    return results


def guard_redis(redis_url: str) -> None:
    """Stop unless the Redis database holds nothing but what earlier benchmark runs left
    (the HTTP and realtime parts flush it)."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    try:
        foreign = [k for k in client.scan_iter(count=1000) if not k.startswith(OUR_KEYS)]
    except redis.RedisError as error:
        raise SystemExit(f"Redis at {redis_url} does not answer: {error}") from None
    finally:
        client.close()
    if foreign:
        raise SystemExit(
            f"{redis_url} holds other data ({foreign[0]!r}, ...); the benchmark flushes its "
            "Redis database: pass a free one with --redis-url."
        )


def _app_env(url: str, args, folder: Path) -> dict[str, str]:
    return {
        "PREPDECK_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "REDIS_URL": args.redis_url,
        "PROXY_FIX_HOPS": "0",
        "API_RATE_LIMIT": "1000000 per minute",
        "LOG_LEVEL": args.app_log_level,
        "METRICS_ENABLED": "1" if args.metrics else "0",
        "INSTANCE_PATH": str(folder / "instance"),
    }


def _start(stack: ExitStack, url: str, app_env: dict[str, str], folder: Path):
    row_env = {"DATABASE_URL": libpq_url(url)}
    return {
        HELLO: stack.enter_context(
            servers.gunicorn("hello", "hello_app:app", {}, "/hello", folder, BASELINES)
        ),
        ROW: stack.enter_context(
            servers.gunicorn("row", "row_app:app", row_env, "/questions/0", folder, BASELINES)
        ),
        APP: stack.enter_context(
            servers.gunicorn("prepdeck", "prepdeck:create_app()", app_env, "/healthz", folder)
        ),
    }


def _load_args(args) -> dict[str, object]:
    return {
        "threads": args.http_threads,
        "connections": args.http_connections,
        "seconds": args.http_seconds,
        "warmup": args.http_warmup,
        "rounds": args.http_rounds,
    }


def _measure(running, results: HttpResults, conn: psycopg.Connection, args) -> None:
    settings = {"threads": args.http_threads, "connections": args.http_connections}
    for round_number in range(1, args.http_rounds + 1):
        for endpoint in results.endpoints:
            server = running[endpoint.server]
            url = server.url + endpoint.path
            wrk.run(url, seconds=args.http_warmup, headers=endpoint.headers, **settings)
            sessions, cpu = _sessions(conn), server.cpu_seconds()
            load = wrk.run(url, seconds=args.http_seconds, headers=endpoint.headers, **settings)
            load.cpu_seconds = server.cpu_seconds() - cpu
            load.db_sessions = _sessions(conn) - sessions
            _check_errors(endpoint, load)
            results.loads.setdefault(endpoint.key, []).append(load)
            print(
                f"  round {round_number}/{args.http_rounds} {endpoint.key}: "
                f"{load.rate:,.0f} req/s, p50 {load.p50_ms:.2f} ms, "
                f"p99 {load.p99_ms:.2f} ms",
                flush=True,
            )


def busy_cpus(seconds: float = 2.0) -> float:
    """How many CPUs' worth of time the whole machine spent busy over `seconds` (from
    /proc/stat): with the servers idle, that is other processes' load."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(v) for v in stat.readline().split()[1:]]
        idle = ticks[3] + ticks[4]  # idle, iowait
        return sum(ticks) - idle, sum(ticks)

    busy, total = sample()
    time.sleep(seconds)
    busy_after, total_after = sample()
    cpus = os.cpu_count() or 1
    return cpus * (busy_after - busy) / max(total_after - total, 1)


def _row_at(conn: psycopg.Connection, data: http_data.HttpData, position: int) -> dict:
    query = "SELECT id, position FROM questions WHERE deck_id = %s AND position = %s"
    question_id, found = conn.execute(query, (data.big_deck_id, position)).fetchone()
    return {"position": found, "id": question_id}


def _sessions(conn: psycopg.Connection) -> int:
    """Sessions opened so far: approximate, as backends report at most once a second."""
    time.sleep(1.0)
    query = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
    return conn.execute(query).fetchone()[0]


def _check_errors(endpoint: Endpoint, load: wrk.Load) -> None:
    if load.errors["status"]:
        raise SystemExit(
            f"{endpoint.key}: {load.errors['status']:,} of {load.requests:,} "
            "responses were 4xx/5xx under load; nothing was written."
        )
