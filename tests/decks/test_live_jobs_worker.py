"""As deployed: a Celery worker process imports a document and its notices reach the owner's
socket on a Gunicorn web process, through Redis (the broker and Socket.IO's message queue)."""

from __future__ import annotations

import pytest
import requests

from tests.celery_workers import worker_env
from tests.conftest import make_person
from tests.factories import PASSWORD
from tests.rooms.realtime import Peer

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
DOCUMENT = "## Basic\n\n" + "".join(f"### {n}. Q{n}?\n\nA{n}.\n\n" for n in range(1, 8))


def test_a_worker_tells_the_owner_through_redis(
    app, migrated, start_server, start_worker, private_redis, tmp_path
):
    owner = make_person(app)
    server = start_server()
    start_worker(worker_env(migrated, tmp_path, REDIS_URL=private_redis.url))
    api = f"{server.url}/api/v1"
    credentials = {"email": owner.email, "password": PASSWORD}
    signed = requests.post(f"{api}/auth/token", json=credentials, timeout=10)
    assert signed.status_code == 200, signed.text
    token = signed.json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    peer = Peer(server.url, token=token)
    try:
        document = {"file": ("seven.md", DOCUMENT.encode())}
        upload = requests.post(f"{api}/imports", headers=bearer, data={"title": "Seven"},
                               files=document, timeout=10)  # fmt: skip
        assert upload.status_code == 202, upload.text
        job_id = upload.json()["id"]
        done = peer.next("job:finished", lambda d: d["job"] == job_id, timeout=60)
        assert done == {"kind": "import", "job": job_id, "state": "succeeded"}
        read = requests.get(f"{api}/imports/{job_id}", headers=bearer, timeout=10)
        assert read.json()["state"] == "succeeded" and read.json()["total"] == 7
    finally:
        peer.close()
