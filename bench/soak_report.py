"""The soak's section of docs/performance.md: the worker's memory curve and target 4."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from soak_bench import SoakResults

TARGET = 1.05  # RSS after all the requests, at most this times the RSS after the first segment


def section(
    command: str, started: datetime, elapsed: float, facts: dict[str, str], results: SoakResults
) -> str:
    parts = [
        "## Memory: the web process over a long mixed load",
        f"Measured {started:%Y-%m-%d %H:%M} UTC (this part of the run took {elapsed:.0f} s) with:",
        f"```sh\n{command}\n```",
        _setup(facts, results),
        _mix(results),
        _table(results),
        _answers(results),
        "### Target",
        _target(results),
    ]
    return "\n\n".join(parts) + "\n"


def _setup(facts: dict[str, str], results: SoakResults) -> str:
    s, a = results.settings, results.args
    env = ", ".join(f"`{name}={value}`" for name, value in results.app_env.items())
    return (
        f"Machine: {facts['CPUs']} CPUs ({facts['CPU model']}), {facts['memory']} RAM; Python "
        f"{facts['Python']}; PostgreSQL {facts['PostgreSQL']} and Redis on the same host, "
        "whose cores are shared by the worker, wrk, PostgreSQL and Redis.\n\n"
        f'Prepdeck: `gunicorn -c gunicorn.conf.py "prepdeck:create_app()"`, worker class '
        f"`{s['worker_class']}`, {s['workers']} worker, with {env}, a random `SECRET_KEY` and "
        "`DATABASE_URL` the run's scratch database. gunicorn.conf.py resolves `max_requests` to "
        f"{results.max_requests} (0: the worker is never recycled); the run checks that its "
        f"pid ({results.worker_pid}) stays the same from the first reading to the last. Load: "
        f"`wrk -t{a['threads']} -c{a['connections']}` on 127.0.0.1 with `bench/wrk_soak.lua`, "
        f"{a['requests']:,} requests in runs of {a['segment']:,}; after each run, the worker's "
        "`VmRSS` and `RssAnon` (its own pages, the heap among them) from `/proc/<pid>/status`."
    )


def _mix(results: SoakResults) -> str:
    kinds = Counter(kind for kind, _ in results.plan)
    total = len(results.plan)
    shares = ", ".join(f"{NAMES[kind]} {count / total:.0%}" for kind, count in kinds.items())
    return (
        f"The mix, a cycle of {total} requests over the Flask deck's questions: {shares}. "
        "Pages: home, catalogue, the deck page, each question's page, a search page with the "
        "same words and one with a new word each time. API reads: each question, a page of "
        "20, a filtered list with a new word each time, the learner's deck. API writes, in "
        "turn: add a question to the learner's public deck, edit one added before, delete "
        "one edited before, so the deck stays small while ids keep growing. Signed-in pages "
        "(the learner's session cookie): home, their decks, practice."
    )


NAMES = {
    "anon": "anonymous pages",
    "api": "API reads with a bearer token",
    "write": "API writes",
    "user": "signed-in pages",
}


def _table(results: SoakResults) -> str:
    first = results.readings[0].rss_kb
    lines = [
        "| requests so far | worker RSS MB | of which anonymous MB | RSS / after the first run "
        "| req/s in the run | worker CPU ms / request |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| 0 (started, each read once) | {results.before_kb[0] / 1024:.1f} "
        f"| {results.before_kb[1] / 1024:.1f} | {results.before_kb[0] / first:.3f} | | |",
    ]
    for r in results.readings:
        lines.append(
            f"| {r.requests:,} | {r.rss_kb / 1024:.1f} | {r.anon_kb / 1024:.1f} "
            f"| {r.rss_kb / first:.3f} | {r.segment_requests / r.seconds:,.0f} "
            f"| {r.cpu_seconds * 1e3 / max(r.segment_requests, 1):.2f} |"
        )
    return "\n".join(lines)


def _answers(results: SoakResults) -> str:
    statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(results.statuses.items()))
    failed = sum(n for status, n in results.statuses.items() if status >= 400)
    socket = ", ".join(f"{name} {n:,}" for name, n in results.errors.items())
    return (
        f"Statuses answered: {statuses}; {failed:,} at 400 or above. wrk's socket errors and "
        f"timeouts: {socket}."
    )


def ratio(results: SoakResults) -> float:
    return results.readings[-1].rss_kb / results.readings[0].rss_kb


def _target(results: SoakResults) -> str:
    first, last = results.readings[0], results.readings[-1]
    met = ratio(results) <= TARGET and not any(s >= 400 for s in results.statuses)
    return (
        f"- RSS after {last.requests:,} requests ≤ {TARGET - 1:.0%} above the RSS after the "
        f"first {first.requests:,} (the baseline, same run): {last.rss_kb / 1024:.1f} MB "
        f"against {first.rss_kb / 1024:.1f} MB, **{ratio(results):.3f}x**, "
        f"**{'met' if met else 'missed'}**"
    )
