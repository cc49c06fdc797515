"""The realtime benchmark's section of docs/performance.md."""

from __future__ import annotations

from datetime import datetime
from statistics import median

from realtime_bench import (
    BARE,
    BARE_QUEUE,
    CONNECT_CONCURRENCY,
    ORDER,
    PREPDECK,
    ROUND_SECONDS,
    RealtimeResults,
)

TARGET = 1.3  # Prepdeck's p99 to the last receipt, against the bare app on the same queue
LABELS = {
    PREPDECK: "**Prepdeck** `room:chat` (Redis queue)",
    BARE_QUEUE: "(a) bare Flask-SocketIO, Redis queue",
    BARE: "(b) bare Flask-SocketIO, no queue",
}


def section(command: str, started: datetime, elapsed: float, facts: dict[str, str],
            results: RealtimeResults) -> str:  # fmt: skip
    parts = [
        f"## Realtime: one room message to {results.clients} WebSocket clients",
        f"Measured {started:%Y-%m-%d %H:%M} UTC (this part of the run took {elapsed:.0f} s) with:",
        f"```sh\n{command}\n```",
        _machine(facts, results),
        _setup(results),
        _table(results),
        "### Target",
        _target(results),
        "### Notes from this run",
        _notes(results),
    ]
    return "\n\n".join(parts) + "\n"


def _machine(facts: dict[str, str], results: RealtimeResults) -> str:
    load = ", ".join(f"{value:.1f}" for value in results.load_average)
    return (
        f"Machine: {facts['CPUs']} CPUs ({facts['CPU model']}), {facts['memory']} RAM; "
        f"Python {facts['Python']}; PostgreSQL {facts['PostgreSQL']} and Redis on the same "
        f"host. **The {facts['CPUs']} cores are shared** by the three Gunicorn workers, the "
        f"{results.processes} client processes, PostgreSQL, Redis and whatever else runs on "
        "the machine, so these numbers compare with each other, not with a real server's. "
        f"Just before the rounds, with the servers idle, other processes kept "
        f"{results.busy_before:.2f} CPUs busy (load average {load})."
    )


TIMES = (
    "Times: CLOCK_MONOTONIC, one clock for every process on the machine, read by the sender "
    "just before it sends and by each client first thing when the message arrives. *To the "
    "last receipt*: per message, until the last of the clients has it; *each receipt*: every "
    "client's receipt of every message. *Ack*: the sender's acknowledgement, i.e. the server's "
    "handler has returned."
)


def _setup(results: RealtimeResults) -> str:
    return "\n\n".join([_servers(results), _clients(results), TIMES])


def _servers(results: RealtimeResults) -> str:
    s = results.settings
    shown = ", ".join(
        f"`{name}={'<64 random hex characters>' if name == 'SECRET_KEY' else value}`"
        for name, value in results.app_env.items()
        if name not in ("DATABASE_URL", "INSTANCE_PATH")
    )
    return (
        "Servers, side by side: `gunicorn -c gunicorn.conf.py` with its settings as resolved "
        f"here: worker class `{s['worker_class']}`, {s['workers']} worker, "
        f"{s['worker_connections']} worker connections. Prepdeck: `prepdeck:create_app()` "
        f"with {shown}, on the benchmark's scratch database: one room (watchers allowed), its "
        f"interviewer, its candidate and {results.clients - 2} watchers who accepted the "
        "invitation, each connected with an API access token (`auth={protocol: 1, token}`) "
        "and joined with `room:join`. The baselines: `bench/baselines/socketio_app.py`, a "
        "Flask-SocketIO app with no authentication, database or limits, whose `say` event is "
        "broadcast to the room as `room:chat`: (a) with the same Redis message queue (its own "
        "channel), (b) without one."
    )


def _clients(results: RealtimeResults) -> str:
    sizes = ", ".join(
        f"{name} {median(d.payload_bytes for d in results.deliveries[name]):.0f}"
        for name in ORDER
        if results.deliveries.get(name)
    )
    return (
        f"Clients: {results.clients} per server over WebSocket, spread over "
        f"{results.processes} processes of python-socketio `AsyncClient`s (aiohttp, one "
        "asyncio loop per process, no thread per client), which keeps the clients' cost per "
        "message low (see the notes). The message: `room:chat` sent by a client that is itself "
        "in the room, so all the clients receive it, the sender included. On Prepdeck the "
        "interviewer and the candidate send in turn: chat allows one person 5 messages in "
        f"10 s, and a round every {ROUND_SECONDS} s keeps each seat at 4. The bare app's text "
        "is padded so that what the clients receive has the JSON size of Prepdeck's "
        f"(bytes, median: {sizes}). In each round every server gets one message, one server "
        "after the other in a rotating order, each sent once the one before has reached all "
        f"its clients; the first {results.warmup} rounds are not counted."
    )


def _table(results: RealtimeResults) -> str:
    lines = [
        "| server | messages | to the last receipt p50 / p99 / max ms | each receipt p50 / p99 "
        "ms | ack p50 ms | worker CPU ms / message | ratio to (a), p50 / p99 of the last |",
        "|---|" + "---:|" * 6,
    ]
    base = results.timing(BARE_QUEUE, "last")
    for name in ORDER:
        last, each = results.timing(name, "last"), results.timing(name, "each")
        ack = results.timing(name, "ack")
        cpu = sum(d.cpu for d in results.deliveries[name]) / len(last) * 1e3  # ticks: 10 ms
        ratios = (
            f"{last.percentile(50) / base.percentile(50):.2f} / "
            f"{last.percentile(99) / base.percentile(99):.2f}"
        )
        lines.append(
            f"| {LABELS[name]} | {len(last)} | {_ms(last.percentile(50))} / "
            f"{_ms(last.percentile(99))} / {_ms(last.high)} | {_ms(each.percentile(50))} / "
            f"{_ms(each.percentile(99))} | {_ms(ack.percentile(50))} | {cpu:.1f} | {ratios} |"
        )
    return "\n".join(lines)


def _target(results: RealtimeResults) -> str:
    mine = results.timing(PREPDECK, "last").percentile(99)
    queued = results.timing(BARE_QUEUE, "last").percentile(99)
    bare = results.timing(BARE, "last").percentile(99)
    ratio = mine / queued
    return (
        f"- Prepdeck's p99 to the last receipt within {TARGET}x the bare app's on the same "
        f"Redis queue (a): {_ms(mine)} ms against {_ms(queued)} ms, **{ratio:.2f}x**, "
        f"**{'met' if ratio <= TARGET else 'missed'}**. Against the bare app without a queue "
        f"(b), {_ms(bare)} ms: {mine / bare:.2f}x. Round by round (each message against the "
        "same round's), the median ratio of the times to the last receipt is "
        f"{results.paired_ratio(PREPDECK, BARE_QUEUE):.2f} against (a) and "
        f"{results.paired_ratio(PREPDECK, BARE):.2f} against (b)."
    )


def _notes(results: RealtimeResults) -> str:
    per_receipt = results.client_cpu / max(results.receipts, 1) * 1e6
    ready = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in results.ready_seconds.items())
    count = len(results.timing(PREPDECK, "last"))
    lines = [
        f"- With {count} messages per server, p99 lies between the two slowest messages: "
        "read it as the worst case of this run, and compare the p50s for the typical one.",
        f"- The client processes used {per_receipt:.0f} µs of CPU per receipt "
        f"({results.client_cpu:.1f} s for {results.receipts:,} receipts, warm-up included): "
        f"a process holds 1/{results.processes} of the clients, so its last receipt of a "
        "message can wait for the ones before it in that process, on every server alike.",
        f"- Connecting and joining the clients, one server after the other, "
        f"{CONNECT_CONCURRENCY} in flight per process, took: {ready}. On Prepdeck every "
        "`room:join` tells the whole room who is present (`room:presence`, the list of "
        f"everyone seated), so joining {results.clients} people sends about "
        f"{results.clients**2 // 2:,} such messages; the rounds start only once its worker is "
        "idle again.",
    ]
    for name, missing in results.missing.items():
        lines.append(f"- **{name}: {missing:,} receipts never came** (those messages are left "
                     "out of the table).")  # fmt: skip
    return "\n".join(lines)


def _ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}"
