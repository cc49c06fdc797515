"""Question-bank benchmark on PostgreSQL: import throughput and search latency, each measured
beside a baseline in the same run, written to docs/performance.md.

    .venv/bin/python bench/run.py [--questions 10000] [--corpus 100000] [--repeat 3]
                                  [--database-url URL]

The database server comes from --database-url, else TEST_DATABASE_URL, else the local default;
the run creates its own database on it (prepdeck_bench_<random>) and drops it at the end.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import import_bench
import psycopg
import report
import search_bench
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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000, help="questions in the document")
    parser.add_argument("--corpus", type=int, default=100_000, help="questions searched")
    parser.add_argument("--repeat", type=int, default=3, help="import runs (median reported)")
    parser.add_argument("--iterations", type=int, default=200, help="search rounds per query")
    parser.add_argument("--budget", type=float, default=12.0, help="seconds per search query")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--database-url", help="PostgreSQL server (SQLAlchemy URL)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    return parser.parse_args(argv)


def command_line() -> str:
    python = Path(sys.executable)
    shown = os.path.relpath(python, Path.cwd()) if python.is_relative_to(Path.cwd()) else python
    script = os.path.relpath(Path(__file__).resolve(), Path.cwd())
    command = shlex.join([str(shown), script, *sys.argv[1:]])
    return f"make bench  # {command}" if os.environ.get("MAKELEVEL") else command


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # A stopped run still drops its database: SIGTERM unwinds like Ctrl-C (psycopg then
    # cancels the statement in progress).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    started, clock = datetime.now(UTC), time.perf_counter()
    with scratch_database(server_url(args.database_url)) as url:
        print(f"Benchmark database: {url.rsplit('/', 1)[-1]}", flush=True)
        app = migrated_app(url)
        try:
            owner_id = create_owner(app)
            # No automatic prepared statements: the app never keeps any (psycopg drops them on
            # the ROLLBACK that ends each request), so every search it runs is planned afresh.
            with psycopg.connect(libpq_url(url), autocommit=True, prepare_threshold=None) as conn:
                facts = machine_facts(conn)
                print("Import benchmark", flush=True)
                imports = import_bench.run(app, conn, owner_id, args)
                print("Search benchmark", flush=True)
                search = search_bench.run(app, conn, owner_id, args)
        finally:
            dispose(app)
    elapsed = time.perf_counter() - clock
    section = report.section(command_line(), started, elapsed, facts, imports, search)
    report.write(args.output, section)
    print(section)
    print(f"Written to {args.output} in {elapsed:.0f} s.")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted; the benchmark database was dropped and nothing was written.")
