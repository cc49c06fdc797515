"""Realtime fan-out: one room message delivered to 200 connected WebSocket clients, Prepdeck
beside bare Flask-SocketIO baselines, all in one run.

Three Gunicorn servers run side by side from the repository's gunicorn.conf.py (gevent worker,
one worker):

* Prepdeck, `prepdeck:create_app()` with its production settings on PostgreSQL and Redis (the
  Socket.IO message queue on): one live-interview room with watchers allowed; its interviewer,
  its candidate and 198 watchers connect with API access tokens and send `room:join`;
* the bare app, `bench/baselines/socketio_app.py`, with the same Redis message queue;
* the bare app without a message queue.

Each server gets as many clients, spread over client processes (`realtime_clients.py`, asyncio
clients on aiohttp). One message is `room:chat` on every server; the sender is itself one of
the clients in the room, so every client receives the message, the sender included. On
Prepdeck the interviewer and the candidate send in turn (chat allows one person 5 messages in
10 s); the bare app's message is padded to the same JSON size. Rounds are spaced so that
neither seat meets that limit; in each round every server gets one message, one server after
the other (the order rotates), and each message is sent once the one before it has reached all
its clients. Times come from CLOCK_MONOTONIC, one clock for every process on the machine:
the sender reads it just before sending, each client first thing when the message arrives.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import redis
import servers
from flask import Flask
from http_bench import busy_cpus
from timing import Timing

from prepdeck.accounts import tokens
from prepdeck.accounts.models import User
from prepdeck.core.models import utcnow
from prepdeck.core.realtime import PROTOCOL
from prepdeck.decks import questions
from prepdeck.decks import services as decks
from prepdeck.extensions import db
from prepdeck.rooms import services as rooms

BENCH = Path(__file__).resolve().parent
CLIENTS_SCRIPT = BENCH / "realtime_clients.py"
PREPDECK, BARE_QUEUE, BARE = "Prepdeck", "bare + Redis queue", "bare"
ORDER = (PREPDECK, BARE_QUEUE, BARE)
ROUND_SECONDS = 1.25  # each seat sends every other round: 4 messages in any 10 s, chat allows 5
GAP_SECONDS = 0.05  # between two servers' messages in a round
DELIVERY_TIMEOUT = 10.0
SETUP_TIMEOUT = 300.0
CONNECT_CONCURRENCY = 10  # connections and joins in flight per client process
SAY = "Is the answer clear so far?"


@dataclass
class Delivery:
    seq: int
    t0: float
    times: list[float]  # one per client that received it
    ack: float | None = None
    cpu: float = 0.0  # the server worker's CPU seconds from just before sending to the last receipt
    payload_bytes: int = 0

    @property
    def last(self) -> float:
        return max(self.times) - self.t0


@dataclass
class RealtimeResults:
    clients: int
    processes: int
    warmup: int
    settings: dict[str, object]
    app_env: dict[str, str]
    deliveries: dict[str, list[Delivery]] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)  # receipts that never came
    ready_seconds: dict[str, float] = field(default_factory=dict)
    busy_before: float = 0.0
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    client_cpu: float = 0.0  # the client processes' CPU seconds during the rounds
    receipts: int = 0  # every receipt during the rounds, warm-up included

    def timing(self, name: str, what: str) -> Timing:
        deliveries = self.deliveries[name]
        if what == "last":
            return Timing([d.last for d in deliveries])
        if what == "ack":
            return Timing([d.ack - d.t0 for d in deliveries if d.ack is not None])
        return Timing([t - d.t0 for d in deliveries for t in d.times])

    def paired_ratio(self, name: str, baseline: str) -> float:
        """The median over the rounds of `name`'s time to the last receipt divided by
        `baseline`'s in the same round: a moment when the machine is slow hits both."""
        base = {d.seq: d.last for d in self.deliveries[baseline]}
        ratios = [d.last / base[d.seq] for d in self.deliveries[name] if d.seq in base]
        return median(ratios)


@dataclass
class Room:
    room_id: int
    auths: list[dict]  # the interviewer's first, then the candidate's, then the watchers'


def run(app: Flask, url: str, args) -> RealtimeResults:
    room = seat_people(app, args.realtime_clients)
    client = redis.Redis.from_url(args.redis_url)
    client.flushdb()
    try:
        with tempfile.TemporaryDirectory(prefix="prepdeck-realtime-") as folder:
            app_env = _app_env(url, args, app.config["SECRET_KEY"], Path(folder))
            results = RealtimeResults(
                args.realtime_clients, args.realtime_processes, args.realtime_warmup,
                servers.gunicorn_settings({}), app_env,
            )  # fmt: skip
            with ExitStack() as stack:
                running = _start(stack, app_env, args.redis_url, Path(folder))
                specs = _specs(running, room, args.realtime_clients)
                with Clients(specs, args.realtime_processes) as clients:
                    results.ready_seconds = clients.ready()
                    _settle(running[PREPDECK])
                    results.busy_before = busy_cpus()
                    results.load_average = os.getloadavg()
                    _rounds(running, clients, results, args)
    finally:
        client.flushdb()
        client.close()
    return results


def seat_people(app: Flask, count: int) -> Room:
    """An interviewer's room with watchers allowed, its candidate and count - 2 watchers
    seated (invitation accepted), and an access token for each."""
    with app.app_context():
        names = ["Seat A", "Seat B", *(f"Watcher {n:03d}" for n in range(count - 2))]
        people = [_person(f"rt-{n}@example.com", name) for n, name in enumerate(names)]
        db.session.commit()
        interviewer = people[0]
        deck = decks.create_deck(interviewer, "Realtime benchmark", "", "private")
        questions.add_question(deck, interviewer, "What does a room carry?", "Events.", "basic")
        room = rooms.create_room(
            interviewer, title="Fan-out", deck_ids=[deck.id], levels=[], tags=[],
            question_count=1, minutes_per_question=5, allow_watchers=True,
        )  # fmt: skip
        for person in people[1:]:
            rooms.accept_invite(person, room.token)
        auths = [
            {"protocol": PROTOCOL, "token": tokens.access_token(p)["access_token"]} for p in people
        ]
        return Room(room.id, auths)


def _person(email: str, name: str) -> User:
    person = User(email=email, display_name=name, email_confirmed_at=utcnow())
    db.session.add(person)
    return person


def _app_env(url: str, args, secret_key: str, folder: Path) -> dict[str, str]:
    return {
        "PREPDECK_ENV": "production",
        "SECRET_KEY": secret_key,  # the tokens were signed with it
        "DATABASE_URL": url,
        "REDIS_URL": args.redis_url,
        "SOCKETIO_MESSAGE_QUEUE": args.redis_url,
        "PROXY_FIX_HOPS": "0",
        "LOG_LEVEL": args.app_log_level,
        "METRICS_ENABLED": "0",
        "INSTANCE_PATH": str(folder / "instance"),
    }


def _start(stack: ExitStack, app_env: dict[str, str], redis_url: str, folder: Path):
    channel = f"bench-bare-{secrets.token_hex(4)}"
    queued = {"SOCKETIO_MESSAGE_QUEUE": redis_url, "SOCKETIO_CHANNEL": channel}
    bare, baselines = "socketio_app:app", BENCH / "baselines"
    unqueued = {"SOCKETIO_MESSAGE_QUEUE": ""}
    return {
        PREPDECK: stack.enter_context(
            servers.gunicorn("prepdeck", "prepdeck:create_app()", app_env, "/healthz", folder)
        ),
        BARE_QUEUE: stack.enter_context(
            servers.gunicorn("bare-queue", bare, queued, "/healthz", folder, baselines)
        ),
        BARE: stack.enter_context(
            servers.gunicorn("bare", bare, unqueued, "/healthz", folder, baselines)
        ),
    }


def _specs(running, room: Room, count: int) -> dict[str, dict]:
    bare = {"join": ["join", {"room": "bench"}], "say": ["say", {"room": "bench"}],
            "auths": [{}] * count}  # fmt: skip
    prepdeck = {"join": ["room:join", {"room": room.room_id}],
                "say": ["room:chat", {"room": room.room_id}], "auths": room.auths}  # fmt: skip
    given = {PREPDECK: prepdeck, BARE_QUEUE: bare, BARE: bare}
    return {name: {**given[name], "url": running[name].url} for name in ORDER}


def _share(items: list, index: int, parts: int) -> list:
    """The index-th of `parts` contiguous, nearly equal slices of `items`."""
    size, extra = divmod(len(items), parts)
    start = index * size + min(index, extra)
    return items[start : start + size + (index < extra)]


class Clients:
    """The client processes: each holds a contiguous share of every server's clients, so the
    first process holds the senders (the first two clients of each server)."""

    def __init__(self, specs: dict[str, dict], processes: int) -> None:
        self.specs, self.count = specs, processes
        self.processes: list[subprocess.Popen] = []
        self.lines: queue.Queue = queue.Queue()

    def __enter__(self) -> Clients:
        for index in range(self.count):
            process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
                [sys.executable, str(CLIENTS_SCRIPT)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            )  # fmt: skip
            self.processes.append(process)
            threading.Thread(target=self._read, args=(process,), daemon=True).start()
            share = {
                name: {**spec, "auths": _share(spec["auths"], index, self.count)}
                for name, spec in self.specs.items()
            }
            self.tell(index, {"servers": share, "concurrency": CONNECT_CONCURRENCY})
        return self

    def __exit__(self, *exc) -> None:
        for index, process in enumerate(self.processes):
            if process.poll() is None:
                with suppress(OSError):
                    self.tell(index, {"stop": True})
        for process in self.processes:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.lines.put(json.loads(line))

    def tell(self, index: int, command: dict) -> None:
        self.processes[index].stdin.write(json.dumps(command) + "\n")
        self.processes[index].stdin.flush()

    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def ready(self) -> dict[str, float]:
        """Per server, the longest any process took to connect and join its clients there."""
        deadline, seconds, done = time.monotonic() + SETUP_TIMEOUT, {}, 0
        while done < self.count:
            line = self.next(deadline, "connecting the clients")
            if "ready" in line:
                done += 1
                for name, took in line["ready"].items():
                    seconds[name] = max(seconds.get(name, 0.0), took)
        return seconds

    def next(self, deadline: float, doing: str, required: bool = True) -> dict | None:
        """The next line from any process; None (or, if `required`, a stop) at the deadline."""
        try:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            if not required:
                return None
            raise SystemExit(f"Realtime benchmark: timed out {doing}.") from None
        if "error" in line or "refused" in line:
            raise SystemExit(f"Realtime benchmark, a client process: {line}")
        return line


def _settle(server: servers.Server, quiet: float = 0.02, deadline: float = 120.0) -> None:
    """Wait until the server's worker is idle (under `quiet` of a CPU for half a second):
    every join told the room who is present, and those messages must be out first."""
    ends = time.monotonic() + deadline
    while time.monotonic() < ends:
        before = server.cpu_seconds()
        time.sleep(0.5)
        if server.cpu_seconds() - before < quiet * 0.5:
            return
    raise SystemExit(f"Realtime benchmark: {server.name} was still busy after the joins.")


def _rounds(running, clients: Clients, results: RealtimeResults, args) -> None:
    total = args.realtime_warmup + args.realtime_messages
    target_bytes = None
    client_cpu = servers.cpu_seconds(clients.pids())
    starts = time.monotonic()
    for seq in range(total):
        turn = seq % len(ORDER)
        for name in ORDER[turn:] + ORDER[:turn]:  # Prepdeck first in the first round
            text = _text(name, seq, target_bytes)
            delivery = _deliver(running[name], clients, name, seq, text)
            if name == PREPDECK and target_bytes is None:
                target_bytes = delivery.payload_bytes
            results.receipts += len(delivery.times)
            if len(delivery.times) < results.clients:
                results.missing[name] = (
                    results.missing.get(name, 0) + results.clients - len(delivery.times)
                )
            elif seq >= args.realtime_warmup:
                results.deliveries.setdefault(name, []).append(delivery)
            time.sleep(GAP_SECONDS)
        _progress(results, seq, total)
        starts += ROUND_SECONDS
        time.sleep(max(starts - time.monotonic(), 0))
    results.client_cpu = servers.cpu_seconds(clients.pids()) - client_cpu


def _text(name: str, seq: int, target_bytes: int | None) -> str:
    """Prepdeck's chat text; for the bare app, a text padded so that its broadcast has the
    JSON size of Prepdeck's."""
    head = f"#{seq:03d} "
    if name == PREPDECK:
        return head + SAY
    bare = len(json.dumps({"room": "bench", "text": head}))
    return head + "x" * max((target_bytes or 0) - bare, 0)


def _deliver(server: servers.Server, clients: Clients, name: str, seq: int, text: str):
    cpu = server.cpu_seconds()
    clients.tell(0, {"send": name, "client": seq % 2, "seq": seq, "text": text})
    delivery, reported, acked = Delivery(seq, t0=0.0, times=[]), 0, False
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while reported < clients.count or not delivery.t0 or not acked:
        line = clients.next(deadline, f"waiting for {name} message {seq}", required=False)
        if line is None:
            break
        if line.get("seq") != seq:
            continue  # a late line of an earlier message that timed out
        if line.get("got") == name:
            delivery.times += line["times"]
            delivery.payload_bytes = line["bytes"]
            reported += 1
        elif line.get("sent") == name:
            delivery.t0 = line["t0"]
        elif line.get("ack") == name:
            if not line["ok"]:
                raise SystemExit(f"Realtime benchmark: {name} refused message {seq}: {line}")
            delivery.ack, acked = line["t"], True
    delivery.cpu = server.cpu_seconds() - cpu
    if not delivery.times:  # the server is gone or stuck: waiting on each message would not end
        raise SystemExit(f"Realtime benchmark: {name} delivered message {seq} to no client.")
    return delivery


def _progress(results: RealtimeResults, seq: int, total: int) -> None:
    if (seq + 1) % 10 and seq + 1 != total:
        return
    shown = []
    for name in ORDER:
        done = results.deliveries.get(name)
        if done:
            last = results.timing(name, "last")
            shown.append(f"{name} p50 {last.percentile(50) * 1e3:.1f} ms")
    print(f"  round {seq + 1}/{total}: {', '.join(shown) or 'warming up'}", flush=True)
