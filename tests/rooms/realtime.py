"""Real Socket.IO clients (python-socketio over WebSocket) for the room tests, and the room
they meet in."""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass

import socketio

from prepdeck.accounts import tokens
from prepdeck.core.realtime import PROTOCOL
from prepdeck.decks import questions, services
from prepdeck.rooms import services as rooms
from tests.factories import UserFactory
from tests.services import TIMEOUT_MS

TIMEOUT = TIMEOUT_MS / 1000
EVENTS = ("room:state", "room:question", "room:draft", "room:chat", "room:presence",
          "room:scored", "room:ended", "refused", "job:progress", "job:finished")  # fmt: skip
ROWS = [
    ("What is the application context?", "It holds `current_app`.", "basic"),
    ("How does Flask pick a URL rule?", "Werkzeug's map matches the path.", "intermediate"),
    ("Design a rate limiter for an API", "A token bucket per key, kept in Redis.", "advanced"),
]


class Peer:
    """One connected client: what it received, event by event, in order."""

    def __init__(self, url: str, *, token: str | None = None, cookie: str | None = None,
                 protocol: int = PROTOCOL) -> None:  # fmt: skip
        self.client = socketio.Client(reconnection=False)
        self.received: queue.Queue = queue.Queue()
        for name in EVENTS:
            self.client.on(name, self._keeper(name))
        auth = {"protocol": protocol}
        if token:
            auth["token"] = token
        headers = {"Cookie": cookie} if cookie else {}
        self.client.connect(url, auth=auth, headers=headers, transports=["websocket"],
                            wait_timeout=TIMEOUT)  # fmt: skip

    def _keeper(self, name):
        return lambda data=None: self.received.put((name, data))

    def call(self, event: str, payload: dict) -> dict:
        return self.client.call(event, payload, timeout=TIMEOUT)

    def next(self, name: str, where=lambda data: True, timeout: float = TIMEOUT):
        """The next `name` event that satisfies `where`; others before it are dropped."""
        ends = time.monotonic() + timeout
        while (left := ends - time.monotonic()) > 0:
            try:
                got, data = self.received.get(timeout=left)
            except queue.Empty:
                break
            if got == name and where(data):
                return data
        raise AssertionError(f"no {name} event within {timeout} s")

    def seen(self) -> list[tuple[str, object]]:
        """Everything received and not yet read."""
        out = []
        while not self.received.empty():
            out.append(self.received.get_nowait())
        return out

    def close(self) -> None:
        self.client.disconnect()


@dataclass
class Meeting:
    room_id: int
    interviewer_id: int
    candidate_id: int
    interviewer_token: str
    candidate_token: str
    question_ids: list[int]


def meeting(app, *, count: int = 3, visibility: str = "public") -> Meeting:
    """An interviewer's room of `count` questions from a deck of theirs, its candidate seated."""
    with app.app_context():
        interviewer = UserFactory(display_name="Ivy Interviewer")
        candidate = UserFactory(display_name="Cal Candidate")
        deck = services.create_deck(interviewer, "Flask interviews", "", visibility)
        ids = [questions.add_question(deck, interviewer, p, a, level).id for p, a, level in ROWS]
        room = rooms.create_room(
            interviewer, title="Flask screen", deck_ids=[deck.id], levels=[], tags=[],
            question_count=count, minutes_per_question=2,
        )  # fmt: skip
        rooms.accept_invite(candidate, room.token)
        return Meeting(
            room.id, interviewer.id, candidate.id,
            tokens.access_token(interviewer)["access_token"],
            tokens.access_token(candidate)["access_token"], ids,
        )  # fmt: skip
