"""One room served by two Gunicorn processes (gevent worker, as deployed) that share Redis as
Socket.IO's message queue, and a participant whose process is killed and started again."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import pytest

from tests.rooms.realtime import Peer, meeting
from tests.services import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
# Every process has the same key, as deployed; the tests' tokens are signed with this one.
SHARED = {"SECRET_KEY": "testing-secret-key-that-is-long-enough"}


def kill_hard(server) -> None:
    """SIGKILL the master and its worker: nothing gets to say goodbye."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    for pid in (server.process.pid, *workers):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    for pid in workers:
        wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists(), what=f"worker {pid} to end")


@pytest.fixture
def peers():
    opened: list[Peer] = []

    def connect(url: str, token: str) -> Peer:
        peer = Peer(url, token=token)
        opened.append(peer)
        return peer

    yield connect
    for peer in opened:
        peer.close()


def test_the_interviewer_and_the_candidate_on_two_processes(pg_app, start_server, peers):
    met = meeting(pg_app)
    first, second = start_server(**SHARED), start_server(**SHARED)
    interviewer = peers(first.url, met.interviewer_token)
    candidate = peers(second.url, met.candidate_token)
    assert interviewer.call("room:join", {"room": met.room_id})["ok"]
    assert candidate.call("room:join", {"room": met.room_id})["ok"]

    asked = interviewer.call("room:push", {"room": met.room_id})["question"]
    got = candidate.next("room:question")
    assert got["item"] == asked["item"] and "answer_html" not in got
    assert candidate.call("room:draft", {"room": met.room_id, "item": got["item"],
                                         "text": "Across processes"})["ok"]  # fmt: skip
    assert interviewer.next("room:draft")["text"] == "Across processes"
    assert candidate.call("room:chat", {"room": met.room_id, "text": "Hello from B"})["ok"]
    assert interviewer.next("room:chat")["text"] == "Hello from B"
    assert interviewer.call("room:chat", {"room": met.room_id, "text": "Hello from A"})["ok"]
    assert candidate.next("room:chat", lambda d: d["author"] == "Ivy Interviewer")["text"] == (
        "Hello from A"
    )
    assert interviewer.call("room:score", {"room": met.room_id, "item": got["item"],
                                           "score": 1, "notes": "Vague"})["ok"]  # fmt: skip
    assert interviewer.call("room:end", {"room": met.room_id})["ok"]
    assert candidate.next("room:ended")["room"] == met.room_id


def test_a_candidate_comes_back_after_a_disconnect_and_after_a_crash(
    pg_app, start_server, peers, private_redis
):
    met = meeting(pg_app)
    first, second = start_server(**SHARED), start_server(**SHARED)
    interviewer = peers(first.url, met.interviewer_token)
    interviewer.call("room:join", {"room": met.room_id})
    candidate = peers(second.url, met.candidate_token)
    candidate.call("room:join", {"room": met.room_id})
    asked = interviewer.call("room:push", {"room": met.room_id})["question"]
    candidate.next("room:question")
    candidate.call("room:draft", {"room": met.room_id, "item": asked["item"], "text": "Half"})
    interviewer.call("room:chat", {"room": met.room_id, "text": "Keep going"})

    # A lost connection: the candidate connects again and gets the room as it is.
    candidate.close()
    again = peers(second.url, met.candidate_token).call("room:join", {"room": met.room_id})
    state = again["state"]
    assert state["question"]["item"] == asked["item"]
    assert 0 < state["question"]["remaining_ms"] <= asked["remaining_ms"]
    assert state["draft"]["text"] == "Half"
    assert [m["text"] for m in state["chat"]] == ["Keep going"]

    # The candidate's process is killed and started again on the same address.
    kill_hard(second)
    restarted = start_server(bind=second.url.removeprefix("http://"), **SHARED)
    back = peers(restarted.url, met.candidate_token)
    state = back.call("room:join", {"room": met.room_id})["state"]
    assert state["question"]["item"] == asked["item"]
    assert 0 < state["question"]["remaining_ms"] <= asked["remaining_ms"]
    assert state["draft"]["text"] == "Half"
    # And it is live again: the next push reaches it through Redis.
    nxt = interviewer.call("room:push", {"room": met.room_id})["question"]
    assert back.next("room:question")["item"] == nxt["item"]
