"""Memory of Prepdeck's web process over a long mixed load: the worker's RSS after every
`--soak-segment` requests, up to `--soak-requests`, in one run.

Prepdeck runs under Gunicorn from the repository's gunicorn.conf.py (the http part's production
environment, on this run's database and Redis). The data: the built-in Flask deck (public), a
learner with a password who follows it, signs in on the pages (a session cookie) and through
the API (a bearer token), and owns a public deck that the load writes into. wrk drives the load
with bench/wrk_soak.lua, one wrk run per segment, each stopping itself after its count; the RSS
of the one worker (not the master) is read from /proc between runs, and its pid must stay the
same (a recycled worker would reset the curve).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import runpy
import secrets
import signal
import subprocess
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import redis
import servers
import wrk
from flask import Flask
from http_bench import _app_env
from http_data import flask_deck

from prepdeck.accounts.services import create_user
from prepdeck.extensions import db
from prepdeck.seed import FLASK_DECK_SLUG

SCRIPT = Path(__file__).with_name("wrk_soak.lua")
LEARNER = "learner@example.com"
SEGMENT_SECONDS = 1800  # wrk's own bound on one segment; the script stops it long before
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Reading:
    requests: int  # answered so far
    rss_kb: int
    anon_kb: int  # the part of the RSS that is the process's own memory (heap), not files
    seconds: float  # of this segment
    cpu_seconds: float  # the worker's, in this segment
    segment_requests: int


@dataclass
class SoakResults:
    settings: dict[str, object]
    app_env: dict[str, str]
    args: dict[str, object]
    plan: list[tuple[str, str]]  # the request list, one cycle
    max_requests: int = 0  # as gunicorn.conf.py sets it (0: never recycled)
    worker_pid: int = 0
    before_kb: tuple[int, int] = (0, 0)  # RSS and anonymous, after the start and the probes
    readings: list[Reading] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # wrk's socket errors and timeouts


def run(app: Flask, conn: psycopg.Connection, owner_id: int, url: str, args) -> SoakResults:
    deck_id, question_ids = _flask_deck(app, conn, owner_id)
    password = secrets.token_urlsafe(18)
    with app.app_context():
        create_user(LEARNER, password, display_name="Learner")
        db.session.remove()
    client = redis.Redis.from_url(args.redis_url)
    client.flushdb()
    try:
        with tempfile.TemporaryDirectory(prefix="prepdeck-soak-") as folder, ExitStack() as stack:
            app_env = {**_app_env(url, args, Path(folder)), "JWT_ACCESS_MINUTES": "600"}
            server = stack.enter_context(
                servers.gunicorn(
                    "prepdeck", "prepdeck:create_app()", app_env, "/healthz", Path(folder)
                )
            )
            token, cookie, writes_id = _sign_in(server.url, password)
            plan = _plan(deck_id, question_ids, writes_id)
            results = SoakResults(
                servers.gunicorn_settings({}),
                {k: v for k, v in app_env.items() if k not in ("SECRET_KEY", "DATABASE_URL")},
                _load_args(args),
                plan,
                int(runpy.run_path(str(servers.CONFIG)).get("max_requests", 0)),
            )
            _probe(server.url, plan, token, cookie)
            list_file = Path(folder) / "requests.txt"
            list_file.write_text("".join(f"{kind} {path}\n" for kind, path in plan))
            _soak(server, results, list_file, {"SOAK_TOKEN": token, "SOAK_COOKIE": cookie}, args)
    finally:
        client.flushdb()
        client.close()
    return results


def _flask_deck(app: Flask, conn: psycopg.Connection, owner_id: int) -> tuple[int, list[int]]:
    with app.app_context():
        deck_id = flask_deck(owner_id).id
        db.session.remove()
    query = "SELECT id FROM questions WHERE deck_id = %s ORDER BY position"
    return deck_id, [row[0] for row in conn.execute(query, (deck_id,))]


def _sign_in(base: str, password: str) -> tuple[str, str, int]:
    """The learner's bearer token, session cookie and new public deck; follows the Flask deck."""
    status, _, body = call(base, "POST", "/api/v1/auth/token", {}, {"email": LEARNER,
                           "password": password})  # fmt: skip
    _expect(status, 200, "POST /api/v1/auth/token", body)
    token = json.loads(body)["access_token"]
    api = {"Authorization": f"Bearer {token}"}
    deck = {"title": "Written under load", "visibility": "public"}
    status, _, body = call(base, "POST", "/api/v1/decks", api, deck)
    _expect(status, 201, "POST /api/v1/decks", body)
    writes_id = json.loads(body)["id"]
    status, _, body = call(base, "PUT", f"/api/v1/follows/{FLASK_DECK_SLUG}", api)
    _expect(status, 200, "PUT /api/v1/follows", body)
    return token, _session_cookie(base, password), writes_id


def _session_cookie(base: str, password: str) -> str:
    """Signs in on the form, as a browser does (its CSRF token, then the POST): the cookies."""
    status, headers, body = call(base, "GET", "/login", {})
    _expect(status, 200, "GET /login", body)
    found = CSRF.search(body.decode())
    if found is None:
        raise SystemExit("GET /login has no csrf_token field.")
    cookies = _cookies(headers, {})
    form = urlencode({"csrf_token": found[1], "email": LEARNER, "password": password})
    headers_in = {"Cookie": _cookie_header(cookies), "Origin": base, "Referer": base + "/login",
                  "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    status, headers, body = call(base, "POST", "/login", headers_in, form.encode())
    _expect(status, 302, "POST /login", body)
    return _cookie_header(_cookies(headers, cookies))


def _cookies(headers: list[tuple[str, str]], known: dict[str, str]) -> dict[str, str]:
    found = dict(known)
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.split(";", 1)[0].partition("=")
            found[key.strip()] = rest
    return found


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def call(base: str, method: str, path: str, headers: dict[str, str], body=None):
    """One request, redirects not followed: (status, header list, body)."""
    if isinstance(body, dict):
        body, headers = json.dumps(body).encode(), {**headers, "Content-Type": "application/json"}
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _expect(status: int, expected: int, what: str, body: bytes) -> None:
    if status != expected:
        raise SystemExit(f"{what} answered {status}, not {expected}: {body[:300]!r}")


def _plan(deck_id: int, question_ids: list[int], writes_id: int) -> list[tuple[str, str]]:
    """One cycle of the load, a block per question of the Flask deck: anonymous pages and
    searches (one with a new word each time), API reads, three API writes, signed-in pages."""
    plan = []
    for question in question_ids:
        plan += [
            ("anon", "/"),
            ("anon", "/decks"),
            ("anon", f"/decks/{FLASK_DECK_SLUG}"),
            ("anon", f"/decks/{FLASK_DECK_SLUG}/questions/{question}"),
            ("anon", "/search?q=blueprint+context"),
            ("anon", "/search?q=session+n{n}"),
            ("api", f"/api/v1/questions/{question}"),
            ("api", f"/api/v1/decks/{deck_id}/questions?limit=20"),
            ("api", f"/api/v1/decks/{deck_id}/questions?q=request+n{{n}}"),
            ("api", f"/api/v1/decks/{writes_id}"),
            ("write", str(writes_id)),
            ("write", str(writes_id)),
            ("write", str(writes_id)),
            ("user", "/"),
            ("user", "/decks/mine"),
            ("user", "/practice"),
        ]
    return plan


def _probe(base: str, plan: list[tuple[str, str]], token: str, cookie: str) -> None:
    """Every read once: the status must be 200 before anything is measured."""
    credentials = {
        "anon": {},
        "user": {"Cookie": cookie},
        "api": {"Authorization": f"Bearer {token}"},
    }
    for kind, path in dict.fromkeys(plan):
        if kind != "write":
            status, _, body = call(base, "GET", path.replace("{n}", "0"), credentials[kind])
            _expect(status, 200, f"GET {path} ({kind})", body)


def _soak(server: servers.Server, results: SoakResults, list_file: Path, env: dict, args) -> None:
    segments = -(-args.soak_requests // args.soak_segment)
    results.before_kb = memory_kb(server.workers()[0])
    for _ in range(segments):
        pids = server.workers()
        if len(pids) != 1 or results.worker_pid not in (0, pids[0]):
            raise SystemExit(f"The worker changed ({results.worker_pid} then {pids}): no curve.")
        results.worker_pid = pids[0]
        cpu, clock = server.cpu_seconds(), time.perf_counter()
        summary, statuses = drive(server.url, list_file, args.soak_segment, env, args)
        seconds, cpu = time.perf_counter() - clock, server.cpu_seconds() - cpu
        for status, count in statuses.items():
            results.statuses[status] = results.statuses.get(status, 0) + count
        for key in ("connect", "read", "write", "timeout"):
            results.errors[key] = results.errors.get(key, 0) + summary[key]
        done = sum(r.segment_requests for r in results.readings) + summary["requests"]
        rss, anon = memory_kb(results.worker_pid)
        results.readings.append(Reading(done, rss, anon, seconds, cpu, summary["requests"]))
        failed = sum(count for status, count in results.statuses.items() if status >= 400)
        print(
            f"  {done:,} requests: worker RSS {rss / 1024:.1f} MB (anon {anon / 1024:.1f} MB), "
            f"{summary['requests'] / seconds:,.0f} req/s, {failed:,} answers ≥ 400",
            flush=True,
        )


def drive(base: str, list_file: Path, count: int, env: dict, args) -> tuple[dict, dict[int, int]]:
    """One wrk run of `count` requests (split between its threads) through the soak script:
    wrk's summary and the statuses it saw. wrk waits out its duration even once every thread
    has stopped, so it is interrupted then (it reports on SIGINT)."""
    threads = args.soak_threads
    command = [wrk.require_wrk(), f"-t{threads}", f"-c{args.soak_connections}"]
    command += [f"-d{SEGMENT_SECONDS}s", "--timeout", "10s", "-s", str(SCRIPT), base]
    command += ["--", str(list_file), str(-(-count // threads))]
    lines, stopped = [], 0
    with subprocess.Popen(  # noqa: S603 - wrk with our own arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **env},
    ) as process:  # fmt: skip
        try:
            for line in process.stdout:
                lines.append(line)
                stopped += line.startswith("SOAK_THREAD_DONE")
                if stopped == threads:
                    process.send_signal(signal.SIGINT)
                    stopped = -1
        except BaseException:  # an interrupted run: wrk would wait out its duration
            process.kill()
            raise
        error = process.stderr.read()
    found = dict(
        line.rstrip("\n").split(" ", 1) for line in lines if line.startswith(("WRK", "SOAK_S"))
    )
    if process.returncode not in (0, -signal.SIGINT) or "WRK_SUMMARY" not in found:
        raise SystemExit(f"wrk failed (exit {process.returncode}):\n{error[-2000:]}")
    statuses: dict[int, int] = {}
    for pair in filter(None, found.get("SOAK_STATUSES", "").split(",")):
        status, number = map(int, pair.split(":"))
        statuses[status] = statuses.get(status, 0) + number
    return json.loads(found["WRK_SUMMARY"]), statuses


def memory_kb(pid: int) -> tuple[int, int]:
    """VmRSS and RssAnon of `pid` in kB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            values[name] = int(rest.split()[0])
    return values["VmRSS"], values["RssAnon"]


def _load_args(args) -> dict[str, object]:
    return {
        "requests": args.soak_requests,
        "segment": args.soak_segment,
        "threads": args.soak_threads,
        "connections": args.soak_connections,
    }
