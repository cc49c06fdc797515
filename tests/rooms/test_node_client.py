"""A client that is not Python joins a live room: socket.io-client from npm, run by Node over
WebSocket with an API access token, against the app served on a loopback port. It gets the
question the interviewer (a python-socketio client) pushes, and nothing the candidate may not
see; its answer reaches the interviewer. Wrong protocols and missing credentials are refused
with the reasons the server documents."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.rooms.realtime import ROWS, TIMEOUT, Peer, meeting
from tests.services import missing

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("node_client.mjs")
HIDDEN_KEYS = {"items", "answer_html", "invite_url"}  # the interviewer's alone


def node() -> str:
    executable = shutil.which("node")
    if executable is None:
        missing("Node is not installed")
    if not (ROOT / "node_modules" / "socket.io-client").is_dir():
        missing("socket.io-client is not installed (run `npm ci`)")
    return executable


class NodeClient:
    """node_client.mjs running, with the JSON lines it printed, read as they come."""

    def __init__(self, url: str, auth: dict, **options) -> None:
        arguments = json.dumps({"url": url, "auth": auth, "seconds": TIMEOUT, **options})
        self.process = subprocess.Popen(
            [node(), str(SCRIPT), arguments], cwd=ROOT, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.lines: queue.Queue = queue.Queue()
        self.printed: list[dict] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def next(self, event: str) -> object:
        """What came with the next `event` printed; others before it are kept in `printed`."""
        ends = time.monotonic() + TIMEOUT
        while (left := ends - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.printed.append(line)
            if line["event"] == event:
                return line["data"]
        raise AssertionError(f"Node printed no {event} within {TIMEOUT} s: {self.printed}")

    def finished(self) -> int:
        """Its exit status, once everything it printed has been read."""
        code = self.process.wait(timeout=TIMEOUT)
        self.reader.join(timeout=TIMEOUT)
        while not self.lines.empty():
            self.printed.append(self.lines.get_nowait())
        return code

    def stop(self) -> str:
        """End it if it still runs; what it wrote on stderr."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=TIMEOUT)
        return self.process.stderr.read()


@pytest.fixture
def node_clients():
    started: list[NodeClient] = []

    def start(url: str, auth: dict, **options) -> NodeClient:
        client = NodeClient(url, auth, **options)
        started.append(client)
        return client

    yield start
    for client in started:
        print(f"--- node stderr ---\n{client.stop()}")  # shown only when the test failed


def keys(value) -> set[str]:
    """Every key of every object inside `value`."""
    if isinstance(value, dict):
        return set(value).union(*(keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys(v) for v in value))
    return set()


def test_a_node_client_answers_the_question_the_interviewer_pushes(live_server, node_clients):
    met = meeting(live_server.app)
    interviewer = Peer(live_server.url, token=met.interviewer_token)
    try:
        assert interviewer.call("room:join", {"room": met.room_id})["ok"]
        answer = "The app context carries current_app and g for one unit of work."
        candidate = node_clients(
            live_server.url, {"protocol": 1, "token": met.candidate_token},
            room=met.room_id, answer=answer,
        )  # fmt: skip

        joined = candidate.next("joined")
        assert joined["ok"], joined
        assert joined["state"]["you"] == {"id": met.candidate_id, "role": "candidate"}
        assert joined["state"]["question"] is None
        interviewer.next("room:presence", lambda d: all(p["connected"] for p in d["people"]))

        pushed = interviewer.call("room:push", {"room": met.room_id})
        assert pushed["ok"], pushed
        asked = candidate.next("room:question")
        assert asked["prompt"] == ROWS[0][0]
        assert (asked["item"], asked["position"], asked["count"]) == (
            pushed["question"]["item"], 1, 3)  # fmt: skip
        assert 0 < asked["remaining_ms"] <= 120_000

        # What Node typed streams to the interviewer and is kept.
        typed = interviewer.next("room:draft", lambda d: d["text"] == answer)
        assert typed["item"] == asked["item"] and typed["late"] is False
        drafted = candidate.next("drafted")
        assert drafted == {"ok": True, "draft": {"item": asked["item"], "late": False}}
        assert candidate.finished() == 0
    finally:
        interviewer.close()

    received = [line["data"] for line in candidate.printed]
    assert [line["event"] for line in candidate.printed][:2] == ["connect", "room:state"]
    assert not keys(received) & HIDDEN_KEYS, candidate.printed
    seen = json.dumps(received)
    for _prompt, reference, _level in ROWS:
        assert reference not in seen


@pytest.mark.parametrize(
    ("auth", "reason"),
    [
        ({"protocol": 0, "token": "candidate"}, "unsupported_protocol"),
        ({"token": "candidate"}, "unsupported_protocol"),
        ({"protocol": 1}, "unauthorized"),
        ({"protocol": 1, "token": "not-a-token"}, "unauthorized"),
    ],
    ids=["protocol-0", "no-protocol", "no-token-no-cookie", "forged-token"],
)
def test_a_node_client_is_refused_with_the_reason(live_server, node_clients, auth, reason):
    met = meeting(live_server.app)
    if auth.get("token") == "candidate":
        auth = {**auth, "token": met.candidate_token}
    client = node_clients(live_server.url, auth, room=met.room_id)

    refused = client.next("connect_error")
    assert refused["message"] == reason
    assert client.finished() == 0
    assert [line["event"] for line in client.printed] == ["connect_error"]
    if reason == "unsupported_protocol":
        assert refused["data"]["protocol"] == 1
    else:
        assert "Sign in" in refused["data"]["message"]
