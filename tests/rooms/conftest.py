"""Room fixtures: a room with its interviewer and candidate on the live server, and a way to
connect real Socket.IO clients to it (all closed afterwards)."""

from __future__ import annotations

import pytest

from tests.rooms.realtime import Peer, meeting


@pytest.fixture
def interview(live_server):
    met = meeting(live_server.app)
    opened: list[Peer] = []

    def connect(token: str, **kwargs) -> Peer:
        peer = Peer(live_server.url, token=token, **kwargs)
        opened.append(peer)
        return peer

    yield met, connect
    for peer in opened:
        peer.close()
