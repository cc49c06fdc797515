"""Prepdeck's benchmarks on PostgreSQL, each measured beside a baseline in the same run, written
to docs/performance.md: import throughput ("import"), search latency ("decks"), HTTP
throughput and latency under Gunicorn and wrk ("http"), the practice queue and review
submissions of a heavy learner ("practice"), and one live-room message delivered to 200
WebSocket clients ("realtime"), and the web process's memory over 100,000 mixed requests
("soak").

    .venv/bin/python bench/run.py [--only import|decks|http|practice|realtime|soak]
                                  [--questions 10000] [--corpus 100000] [--repeat 3]
                                  [--deck-questions 1000000] [--practice-cards 50000]
                                  [--realtime-clients 200] [--soak-requests 100000]
                                  [--database-url URL]

The database server comes from --database-url, else TEST_DATABASE_URL, else the local default;
the run creates its own database on it (<--database-prefix>_<random>, prepdeck_bench_ by
default) and drops it at the end.
Each part rewrites only its own section of the report.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import http_bench
import http_report
import import_bench
import practice_bench
import practice_report
import psycopg
import realtime_bench
import realtime_report
import report
import search_bench
import soak_bench
import soak_report
from database import (
    create_owner,
    dispose,
    libpq_url,
    machine_facts,
    migrated_app,
    scratch_database,
    server_url,
)

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("import", "decks", "http", "practice", "realtime", "soak")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000, help="questions in the document")
    parser.add_argument("--corpus", type=int, default=100_000, help="questions searched")
    parser.add_argument("--repeat", type=int, default=3, help="import runs (median reported)")
    parser.add_argument("--iterations", type=int, default=200, help="search rounds per query")
    parser.add_argument("--budget", type=float, default=12.0, help="seconds per search query")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--database-url", help="PostgreSQL server (SQLAlchemy URL)")
    parser.add_argument("--database-prefix", default="prepdeck_bench", help="of the scratch DB")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--only", action="append", choices=PARTS, help="run only this part")
    http = parser.add_argument_group("http part")
    http.add_argument("--deck-questions", type=int, default=1_000_000, help="the paged deck")
    http.add_argument("--http-seconds", type=float, default=10, help="each measured wrk run")
    http.add_argument("--http-warmup", type=float, default=3, help="wrk warm-up before each")
    http.add_argument("--http-rounds", type=int, default=3, help="rounds (median reported)")
    http.add_argument("--http-threads", type=int, default=2, help="wrk -t")
    http.add_argument("--http-connections", type=int, default=16, help="wrk -c")
    http.add_argument("--redis-url", default="redis://127.0.0.1:6379/14", help="flushed!")
    http.add_argument("--app-log-level", default="INFO", help="Prepdeck's LOG_LEVEL")
    http.add_argument("--metrics", action="store_true", help="METRICS_ENABLED for Prepdeck")
    practice = parser.add_argument_group("practice part")
    practice.add_argument("--practice-cards", type=int, default=50_000, help="the learner's")
    practice.add_argument("--practice-logs", type=int, default=1_000_000, help="review-log rows")
    practice.add_argument("--practice-iterations", type=int, default=1_000, help="read rounds")
    practice.add_argument("--practice-reviews", type=int, default=2_000, help="submissions")
    practice.add_argument("--practice-budget", type=float, default=30, help="seconds per phase")
    realtime = parser.add_argument_group("realtime part (also --redis-url, --app-log-level)")
    realtime.add_argument("--realtime-clients", type=int, default=200, help="in the room")
    realtime.add_argument("--realtime-processes", type=int, default=4, help="client processes")
    realtime.add_argument("--realtime-messages", type=int, default=50, help="measured, each")
    realtime.add_argument("--realtime-warmup", type=int, default=5, help="messages not counted")
    soak = parser.add_argument_group("soak part (also --redis-url, --app-log-level)")
    soak.add_argument("--soak-requests", type=int, default=100_000, help="in all")
    soak.add_argument("--soak-segment", type=int, default=10_000, help="between RSS readings")
    soak.add_argument("--soak-threads", type=int, default=2, help="wrk -t")
    soak.add_argument("--soak-connections", type=int, default=8, help="wrk -c")
    return parser.parse_args(argv)


def command_line() -> str:
    python = Path(sys.executable)
    shown = os.path.relpath(python, Path.cwd()) if python.is_relative_to(Path.cwd()) else python
    script = os.path.relpath(Path(__file__).resolve(), Path.cwd())
    command = shlex.join([str(shown), script, *sys.argv[1:]])
    return f"make bench  # {command}" if os.environ.get("MAKELEVEL") else command


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    parts = list(dict.fromkeys(args.only or PARTS))  # in the order given, each once
    if "http" in parts or "soak" in parts:
        http_bench.check(args)
    if "realtime" in parts:
        http_bench.guard_redis(args.redis_url)
    # A stopped run still drops its database: SIGTERM unwinds like Ctrl-C (psycopg then
    # cancels the statement in progress).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    clock = time.perf_counter()
    with scratch_database(server_url(args.database_url), args.database_prefix) as url:
        print(f"Benchmark database: {url.rsplit('/', 1)[-1]}", flush=True)
        app = migrated_app(url)
        try:
            owner_id = create_owner(app)
            # No automatic prepared statements: the app never keeps any (psycopg drops them on
            # the ROLLBACK that ends each request), so every search it runs is planned afresh.
            with psycopg.connect(libpq_url(url), autocommit=True, prepare_threshold=None) as conn:
                facts = machine_facts(conn)
                sections = {
                    part: RUNNERS[part](app, conn, owner_id, url, args, facts) for part in parts
                }
        finally:
            dispose(app)
    for name, section in sections.items():
        report.write(args.output, section, name)
        print(section)
    print(f"Written to {args.output} in {time.perf_counter() - clock:.0f} s.")


def import_part(app, conn, owner_id: int, url: str, args, facts: dict[str, str]) -> str:
    started, clock = datetime.now(UTC), time.perf_counter()
    print("Import benchmark", flush=True)
    imports = import_bench.run(app, conn, owner_id, args)
    elapsed = time.perf_counter() - clock
    return report.import_section(command_line(), started, elapsed, facts, imports)


def decks_part(app, conn, owner_id: int, url: str, args, facts: dict[str, str]) -> str:
    started, clock = datetime.now(UTC), time.perf_counter()
    print("Search benchmark", flush=True)
    search = search_bench.run(app, conn, owner_id, args)
    elapsed = time.perf_counter() - clock
    return report.section(command_line(), started, elapsed, facts, search)


def http_part(app, conn, owner_id: int, url: str, args, facts: dict[str, str]) -> str:
    started, clock = datetime.now(UTC), time.perf_counter()
    print("HTTP benchmark", flush=True)
    results = http_bench.run(app, conn, owner_id, url, args)
    elapsed = time.perf_counter() - clock
    return http_report.section(command_line(), started, elapsed, facts, results)


def practice_part(app, conn, owner_id: int, url: str, args, facts: dict[str, str]) -> str:
    started, clock = datetime.now(UTC), time.perf_counter()
    print("Practice benchmark", flush=True)
    practice_app = migrated_app(url, RATELIMIT_ENABLED=False)  # the API is read in a loop
    try:
        results = practice_bench.run(practice_app, conn, owner_id, url, args)
    finally:
        dispose(practice_app)
    elapsed = time.perf_counter() - clock
    return practice_report.section(command_line(), started, elapsed, facts, results)


def realtime_part(app, conn, owner_id: int, url: str, args, facts: dict[str, str]) -> str:
    started, clock = datetime.now(UTC), time.perf_counter()
    print("Realtime benchmark", flush=True)
    # The production server checks the clients' access tokens: sign them with its key.
    realtime_app = migrated_app(url, SECRET_KEY=secrets.token_hex(32))
    try:
        results = realtime_bench.run(realtime_app, url, args)
    finally:
        dispose(realtime_app)
    elapsed = time.perf_counter() - clock
    return realtime_report.section(command_line(), started, elapsed, facts, results)


def soak_part(app, conn, owner_id: int, url: str, args, facts: dict[str, str]) -> str:
    started, clock = datetime.now(UTC), time.perf_counter()
    print("Soak benchmark", flush=True)
    results = soak_bench.run(app, conn, owner_id, url, args)
    elapsed = time.perf_counter() - clock
    return soak_report.section(command_line(), started, elapsed, facts, results)


RUNNERS = {
    "import": import_part,
    "decks": decks_part,
    "http": http_part,
    "practice": practice_part,
    "realtime": realtime_part,
    "soak": soak_part,
}


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted; the benchmark database was dropped and nothing was written.")
