"""The memory soak's load generator (bench/wrk_soak.lua driven by bench/soak_bench.py) against
a small stand-in server: each run stops by itself after its count, every kind of request
carries its credentials, the writes create, edit and delete in turn, and the report says
whether target 4 is met. The soak itself (100,000 requests) is `make bench`'s."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import threading
from argparse import Namespace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.services import missing

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def soak(tmp_path_factory):
    if shutil.which("wrk") is None:
        missing("wrk is not installed")
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("soak_bench"), importlib.import_module("soak_report")
    finally:
        sys.path.remove(str(BENCH))


class StandIn(BaseHTTPRequestHandler):
    """Answers like Prepdeck's API for the soak's writes, and 200 to every read."""

    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    seen: list[tuple[str, str, dict[str, str]]]
    lock = threading.Lock()
    next_id = 100

    def _answer(self, status: int, document: dict | None) -> None:
        body = b"" if document is None else json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        sent = json.loads(self.rfile.read(length)) if length else {}
        with self.lock:
            self.seen.append((self.command, self.path, dict(self.headers)))
            if self.command == "POST":
                StandIn.next_id += 1
                sent["id"] = StandIn.next_id
        return sent

    def do_GET(self):
        self._record()
        self._answer(200, {"items": []} if self.path.startswith("/api/") else {"page": 1})

    def do_POST(self):
        sent = self._record()
        self._answer(201, {"id": sent["id"], "prompt": sent["prompt"]})

    def do_PATCH(self):
        sent = self._record()
        self._answer(200, {"id": int(self.path.rsplit("/", 1)[1]), "prompt": sent["prompt"]})

    def do_DELETE(self):
        self._record()
        self._answer(204, None)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def server():
    StandIn.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_run_stops_after_its_count_with_every_kind_of_request(soak, server, tmp_path):
    soak_bench, _ = soak
    plan = [
        ("anon", "/search?q=word+n{n}"),
        ("user", "/practice"),
        ("api", "/api/v1/questions/3"),
        ("write", "7"),
    ]
    listed = tmp_path / "requests.txt"
    listed.write_text("".join(f"{kind} {path}\n" for kind, path in plan))
    env = {"SOAK_TOKEN": "the-token", "SOAK_COOKIE": "session=the-cookie"}
    args = Namespace(soak_threads=2, soak_connections=4)
    base = f"http://127.0.0.1:{server.server_port}"

    summary, statuses = soak_bench.drive(base, listed, 600, env, args)

    assert summary["requests"] >= 600
    assert sum(statuses.values()) >= 600 and set(statuses) <= {200, 201, 204}, statuses
    seen = StandIn.seen
    searches = {path for method, path, _ in seen if path.startswith("/search")}
    assert len(searches) > 50  # a new word each time
    for _, path, headers in seen:
        if path == "/practice":
            assert headers.get("Cookie") == "session=the-cookie"
            assert "Authorization" not in headers
        elif path.startswith("/api/"):
            assert headers.get("Authorization") == "Bearer the-token"
        else:
            assert "Cookie" not in headers and "Authorization" not in headers
    edited = set()
    for method, path, _ in seen:
        if method == "POST":
            assert path == "/api/v1/decks/7/questions"
        elif method == "PATCH":
            edited.add(int(path.rsplit("/", 1)[1]))
        elif method == "DELETE":
            assert int(path.rsplit("/", 1)[1]) in edited  # only what was edited before
    writes = [method for method, _, _ in seen if method != "GET"]
    assert {"POST", "PATCH", "DELETE"} <= set(writes)
    assert writes.count("DELETE") > len(writes) / 5  # the deck does not only grow


def test_the_report_compares_the_last_reading_with_the_first(soak):
    soak_bench, soak_report = soak
    results = soak_bench.SoakResults(
        {"worker_class": "gevent", "workers": 1},
        {"PREPDECK_ENV": "production"},
        {"requests": 30_000, "segment": 10_000, "threads": 2, "connections": 8},
        [("anon", "/"), ("write", "7")],
        worker_pid=42,
        before_kb=(90_000, 70_000),
        statuses={200: 29_000, 201: 1_000},
        errors={"connect": 0, "read": 0, "write": 0, "timeout": 0},
    )
    for done, rss in ((10_000, 100_000), (20_000, 103_000), (30_000, 104_000)):
        results.readings.append(soak_bench.Reading(done, rss, rss - 20_000, 50.0, 20.0, 10_000))
    facts = {"CPUs": "2", "CPU model": "x", "memory": "1 GiB", "Python": "3", "PostgreSQL": "15"}
    started = datetime(2026, 1, 1, tzinfo=UTC)

    text = soak_report.section("make bench", started, 100, facts, results)

    assert "**1.040x**, **met**" in text
    assert "| 30,000 | 101.6 |" in text
    assert "| 0 (started, each read once) | 87.9 | 68.4 | 0.900 |" in text
    results.readings[-1].rss_kb = 106_000
    assert "**1.060x**, **missed**" in soak_report.section("c", started, 1, facts, results)
    results.readings[-1].rss_kb = 100_000
    results.statuses[500] = 1  # a soak that fails requests proves nothing
    assert "**missed**" in soak_report.section("c", started, 1, facts, results)


def test_the_worker_memory_is_read_from_proc(soak):
    soak_bench, _ = soak
    rss, anon = soak_bench.memory_kb(os.getpid())
    assert rss > anon > 0
