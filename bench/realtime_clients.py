"""One client process of the realtime benchmark: many python-socketio AsyncClients (aiohttp
WebSocket, one asyncio loop) connected to the servers it is given, each joined to its room.

Driven over stdin and stdout, one JSON object a line:

- in, first: `{"servers": {name: {"url", "join": [event, payload], "say": [event, payload],
  "auths": [auth, ...]}}, "concurrency": n}`; out: `{"ready": {name: seconds}}` once every
  client has connected and joined, one server after the other (or `{"error": ...}`, and the
  process exits);
- in: `{"send": name, "client": i, "seq": n, "text": t}`: that client sends the `say` event
  with the text; out: `{"sent": name, "seq": n, "t0": ...}`, then `{"ack": ...}` with the
  server's acknowledgement;
- out, unasked: `{"got": name, "seq": n, "times": [...], "bytes": b}` once every client of
  this process on that server has received message n (`room:chat` whose text starts `#n `);
  `{"refused": name, "data": ...}` if a server refuses an event;
- in: `{"stop": true}`: every client disconnects, and the process exits.

Times are CLOCK_MONOTONIC, one clock for every process on the machine, read first thing in
the handler.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import socketio

RECEIVED = "room:chat"
TIMEOUT = 60.0


def now() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def report(**fields) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


class Server:
    """This process's clients of one server, and the receipts of the message in flight."""

    def __init__(self, name: str, spec: dict) -> None:
        self.name, self.url = name, spec["url"]
        self.join, self.say = spec["join"], spec["say"]
        self.auths = spec["auths"]
        self.clients: list[socketio.AsyncClient] = []
        self.receipts: dict[int, list[float]] = {}

    async def connect(self, gate: asyncio.Semaphore) -> None:
        self.clients = await asyncio.gather(*(self._client(auth, gate) for auth in self.auths))

    async def _client(self, auth: dict, gate: asyncio.Semaphore) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)
        client.on(RECEIVED, self._received)
        client.on("refused", lambda data=None: report(refused=self.name, data=data))
        async with gate:
            await client.connect(self.url, auth=auth, transports=["websocket"],
                                 wait_timeout=TIMEOUT)  # fmt: skip
            event, payload = self.join
            reply = await client.call(event, payload, timeout=TIMEOUT)
        if not (isinstance(reply, dict) and reply.get("ok")):
            raise RuntimeError(f"{self.name}: {event} answered {reply!r}")
        return client

    async def _received(self, data=None) -> None:
        at = now()
        seq = int(data["text"].split(" ", 1)[0].lstrip("#"))
        times = self.receipts.setdefault(seq, [])
        times.append(at)
        if len(times) == len(self.clients):  # the last one here: report (and size) once
            del self.receipts[seq]
            report(got=self.name, seq=seq, times=times, bytes=len(json.dumps(data)))

    async def send(self, client: int, seq: int, text: str) -> None:
        event, payload = self.say

        def acknowledged(reply=None) -> None:
            report(ack=self.name, seq=seq, t=now(), ok=bool(reply and reply.get("ok")),
                   reply=None if reply and reply.get("ok") else reply)  # fmt: skip

        t0 = now()
        await self.clients[client].emit(event, {**payload, "text": text}, callback=acknowledged)
        report(sent=self.name, seq=seq, t0=t0)

    async def close(self, gate: asyncio.Semaphore) -> None:
        async def one(client: socketio.AsyncClient) -> None:
            async with gate:
                await client.disconnect()

        await asyncio.gather(*(one(client) for client in self.clients))


async def main() -> None:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    spec = json.loads(await stdin.readline())
    servers = {name: Server(name, given) for name, given in spec["servers"].items()}
    gate = asyncio.Semaphore(spec["concurrency"])
    ready = {}
    try:
        for name, server in servers.items():
            started = now()
            await server.connect(gate)
            ready[name] = now() - started
    except Exception as error:  # reported to the benchmark, which stops
        report(error=f"{type(error).__name__}: {error}")
        return
    report(ready=ready)
    pending = set()
    while line := await stdin.readline():
        command = json.loads(line)
        if command.get("stop"):
            break
        server = servers[command["send"]]
        task = asyncio.create_task(server.send(command["client"], command["seq"], command["text"]))
        pending.add(task)
        task.add_done_callback(pending.discard)
    for server in servers.values():
        await server.close(gate)


if __name__ == "__main__":
    asyncio.run(main())
