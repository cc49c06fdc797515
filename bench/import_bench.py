"""Import throughput: `transfer.import_document` end to end, its phases, and the database floor.

Each repetition runs, side by side on the same freshly emptied tables:

* the app: `import_document(owner, document_bytes)` into a new deck, timed from call to return
  (commit included). Its building blocks `parse_document` and `rendered_batches` are wrapped
  with a stopwatch while it runs, so the phases come from the very same run: "render" is the
  time the import waits for rendered answers (rendering them itself, or waiting for its
  worker processes, whose CPU time is counted apart), "insert" is the rest (deck row, COPY of
  the rows, commit). The memory of the import process and of its workers is sampled meanwhile.
* parse only: `parse_document(document_bytes)` on its own.
* the floor of the database work: the same rows, already rendered (read back from the app's
  import), written with plain psycopg, once with COPY and once with executemany.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from database import empty_decks
from flask import Flask
from memory import MemoryPeak, sampled
from timing import Timing
from workload import DocumentFacts, now, question_document

from prepdeck.accounts.models import User
from prepdeck.core import batch_rendering, lexing, markdown, markdown_fast
from prepdeck.decks import transfer
from prepdeck.decks.importer import parse_document
from prepdeck.extensions import db

COLUMNS = "deck_id, position, prompt, answer, answer_html, level, created_at, updated_at"
NEW_DECK = (
    "INSERT INTO decks (owner_id, title, slug, description, visibility, question_count,"
    " created_at, updated_at) VALUES (%s, %s, %s, '', 'private', 0, now(), now()) RETURNING id"
)


@dataclass
class ImportResults:
    facts: DocumentFacts
    document_bytes: int
    runs: int
    timings: dict[str, Timing] = field(default_factory=dict)
    peak_rss_before_mb: float = 0.0
    peak_rss_after_mb: float = 0.0
    memory: MemoryPeak = field(default_factory=MemoryPeak)  # the import's processes, first run
    processes: int = 1  # rendering the answers


def run(app: Flask, conn: psycopg.Connection, owner_id: int, args) -> ImportResults:
    questions, repeat = args.questions, args.repeat
    document, facts = question_document(questions, args.seed)
    results = ImportResults(facts, len(document), repeat)
    results.processes = batch_rendering.worker_processes(questions)
    samples: dict[str, list[float]] = {}
    rows: list[tuple] = []
    for attempt in range(repeat):
        empty_decks(conn)
        if attempt == 0:
            results.peak_rss_before_mb = _peak_rss_mb()
        with sampled() as memory:
            phases = _app_import(app, owner_id, document, questions, conn)
        if attempt == 0:
            results.peak_rss_after_mb = _peak_rss_mb()
            results.memory = memory
            rows = _imported_rows(conn)
        for name, seconds in phases.items():
            samples.setdefault(name, []).append(seconds)
        for name, step in _baselines(conn, owner_id, document, rows).items():
            samples.setdefault(name, []).append(step)
        if os.cpu_count() > 1:  # the same import rendered the other way, to compare
            empty_decks(conn)
            with _processes(1 if results.processes > 1 else 2):
                other = _app_import(app, owner_id, document, questions, conn)["end to end"]
            key = "in this process" if results.processes > 1 else "in 2 workers"
            samples.setdefault(key, []).append(other)
        empty_decks(conn)  # and with the rendering as it was: markdown-it-py, Pygments' loop
        with _processes(results.processes), _plain_rendering():
            plain = _app_import(app, owner_id, document, questions, conn)["end to end"]
        samples.setdefault("plain rendering", []).append(plain)
        print(f"  import run {attempt + 1}/{repeat}: {phases['end to end']:.2f} s", flush=True)
    empty_decks(conn)
    results.timings = {name: Timing(values) for name, values in samples.items()}
    return results


def _app_import(
    app: Flask, owner_id: int, document: bytes, questions: int, conn: psycopg.Connection
) -> dict[str, float]:
    spent = {"parse": 0.0, "render": 0.0}
    backends = _backend_cpu(conn)
    with app.app_context():
        owner = db.session.get(User, owner_id)
        with (
            _stopwatch("parse_document", spent, "parse"),
            _stopwatch("rendered_batches", spent, "render", generator=True),
        ):
            before = os.times()
            started, cpu = time.perf_counter(), time.process_time()
            result = transfer.import_document(owner, document, title="Bench import")
            total, cpu = time.perf_counter() - started, time.process_time() - cpu
            after = os.times()
            children = after.children_user - before.children_user
            cpu += children + after.children_system - before.children_system
        if result.added != questions:
            raise SystemExit(f"The app imported {result.added} questions, not {questions}.")
        db.session.remove()
    insert = total - spent["parse"] - spent["render"]
    cpu += _backend_cpu(conn, backends)
    return {**spent, "insert": insert, "end to end": total, "workers' CPU": children, "CPU": cpu}


def _backend_cpu(conn: psycopg.Connection, since: dict[int, float] | None = None):
    """CPU seconds of the database's server processes (the bench's database only: the app's
    pooled connections and this one): per process id, or, given an earlier reading, the seconds
    used since. From /proc, as PostgreSQL runs on this host; nothing where it does not."""
    query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    seconds = {}
    for (pid,) in conn.execute(query).fetchall():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    if since is None:
        return seconds
    return sum(value - since.get(pid, 0.0) for pid, value in seconds.items())


@contextmanager
def _stopwatch(name: str, spent: dict[str, float], key: str, generator=False) -> Iterator[None]:
    """Time every call of `transfer.<name>` into spent[key] while the block runs; for a
    generator, the time spent getting each item from it."""
    original: Callable = getattr(transfer, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - started

    def timed_items(*args, **kwargs):
        items = original(*args, **kwargs)
        try:
            while True:
                started = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    spent[key] += time.perf_counter() - started
                yield item
        finally:
            started = time.perf_counter()
            items.close()  # stops the workers
            spent[key] += time.perf_counter() - started

    setattr(transfer, name, timed_items if generator else timed)
    try:
        yield
    finally:
        setattr(transfer, name, original)


@contextmanager
def _processes(count: int) -> Iterator[None]:
    """Documents rendered by `count` processes (1: the importing process, no workers)."""
    original = batch_rendering.worker_processes
    batch_rendering.worker_processes = lambda answers: count
    try:
        yield
    finally:
        batch_rendering.worker_processes = original


@contextmanager
def _plain_rendering() -> Iterator[None]:
    """Markdown parsed by markdown-it-py alone and code lexed by Pygments' own loop."""
    fast_render, speed_up = markdown_fast.render, lexing.speed_up
    markdown_fast.render = lambda text, code_block: None
    lexing.speed_up = lambda lexer: lexer
    markdown._lexer.cache_clear()
    try:
        yield
    finally:
        markdown_fast.render, lexing.speed_up = fast_render, speed_up
        markdown._lexer.cache_clear()


def _imported_rows(conn: psycopg.Connection) -> list[tuple]:
    query = "SELECT position, prompt, answer, answer_html, level FROM questions ORDER BY position"
    return conn.execute(query).fetchall()


def _baselines(conn, owner_id: int, document: bytes, rows: list[tuple]) -> dict[str, float]:
    times = {}
    started = time.perf_counter()
    parse_document(document)
    times["parse only"] = time.perf_counter() - started
    for name, write in (("psycopg COPY", _copy_rows), ("psycopg executemany", _executemany)):
        empty_decks(conn)
        backends = _backend_cpu(conn)
        started, cpu = time.perf_counter(), time.process_time()
        with conn.transaction():
            deck_id = conn.execute(NEW_DECK, (owner_id, name, name.replace(" ", "-"))).fetchone()
            write(conn, deck_id[0], rows)
        times[name] = time.perf_counter() - started
        if name == "psycopg COPY":
            times["COPY CPU"] = time.process_time() - cpu + _backend_cpu(conn, backends)
    return times


def _copy_rows(conn: psycopg.Connection, deck_id: int, rows: list[tuple]) -> None:
    stamp = now()
    with conn.cursor() as cursor, cursor.copy(f"COPY questions ({COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((deck_id, *row, stamp, stamp))


def _executemany(conn: psycopg.Connection, deck_id: int, rows: list[tuple]) -> None:
    stamp = now()
    insert = f"INSERT INTO questions ({COLUMNS}) VALUES ({', '.join(['%s'] * 8)})"  # noqa: S608 - constants
    with conn.cursor() as cursor:
        cursor.executemany(insert, [(deck_id, *row, stamp, stamp) for row in rows])


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
