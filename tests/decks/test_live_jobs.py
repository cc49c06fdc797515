"""Import and export progress pushed over the owner's Socket.IO connection (a real client over
WebSocket), and to nobody else."""

from __future__ import annotations

import pytest

from prepdeck.accounts import tokens
from prepdeck.decks import exports, imports, services
from tests.factories import UserFactory
from tests.rooms.realtime import Peer

QUESTIONS = (f"### {n}. Question {n}?\n\nAnswer {n}.\n\n" for n in range(1, 6))
DOCUMENT = "## Basic\n\n" + "".join(QUESTIONS)


@pytest.fixture
def people(live_server):
    with live_server.app.app_context():
        owner, other = UserFactory(), UserFactory()
        pair = (owner.id, tokens.access_token(owner)["access_token"],
                tokens.access_token(other)["access_token"])  # fmt: skip
    opened = [Peer(live_server.url, token=pair[1]), Peer(live_server.url, token=pair[2])]
    yield pair[0], opened
    for peer in opened:
        peer.close()


def test_an_import_and_an_export_tell_their_owner_as_they_go(live_server, people):
    owner_id, (owner_peer, other_peer) = people
    with live_server.app.app_context():
        owner = services.db.session.get(UserFactory._meta.model, owner_id)
        job = imports.upload(owner, DOCUMENT.encode(), filename="five.md", start=True)
        job_id = job.id
    progress = owner_peer.next("job:progress", lambda d: d["job"] == job_id)
    assert progress["kind"] == "import" and progress["total"] == 5
    finished = owner_peer.next("job:finished", lambda d: d["job"] == job_id)
    assert finished == {"kind": "import", "job": job_id, "state": "succeeded"}

    with live_server.app.app_context():
        owner = services.db.session.get(UserFactory._meta.model, owner_id)
        deck = imports.get_job(job_id, owner).deck
        export_id = exports.start(deck, owner, "md").id
    done = owner_peer.next("job:finished", lambda d: d["kind"] == "export")
    assert done == {"kind": "export", "job": export_id, "state": "succeeded"}
    # Someone else's connection hears nothing of it.
    assert [name for name, _ in other_peer.seen() if name.startswith("job:")] == []
