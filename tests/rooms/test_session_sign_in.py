"""A page's socket is signed in by the Flask-Login session cookie: a live session connects, an
ended one (signed out) is refused."""

from __future__ import annotations

import re

import pytest
import requests
import socketio

from prepdeck.extensions import db
from prepdeck.rooms.models import Participant
from tests.factories import PASSWORD
from tests.rooms.realtime import Peer, meeting

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def signed_in(url: str, email: str) -> requests.Session:
    browser = requests.Session()
    token = CSRF.search(browser.get(f"{url}/login", timeout=10).text).group(1)
    form = {"email": email, "password": PASSWORD, "csrf_token": token}
    answer = browser.post(f"{url}/login", data=form, timeout=10, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return browser


def cookie_header(browser: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def test_the_session_cookie_signs_the_socket_in_until_the_session_ends(live_server):
    met = meeting(live_server.app)
    with live_server.app.app_context():
        email = db.session.get(Participant, (met.room_id, met.candidate_id)).person.email
    browser = signed_in(live_server.url, email)
    cookie = cookie_header(browser)
    peer = Peer(live_server.url, cookie=cookie)
    try:
        state = peer.call("room:join", {"room": met.room_id})["state"]
        assert state["you"] == {"id": met.candidate_id, "role": "candidate"}
    finally:
        peer.close()

    page = browser.get(f"{live_server.url}/rooms/{met.room_id}", timeout=10).text
    out = browser.post(f"{live_server.url}/logout", data={"csrf_token": CSRF.search(page).group(1)},
                       timeout=10, allow_redirects=False)  # fmt: skip
    assert out.status_code == 302
    client, told = socketio.Client(reconnection=False), []
    client.on("connect_error", told.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, auth={"protocol": 1}, headers={"Cookie": cookie},
                       transports=["websocket"], wait_timeout=10)  # fmt: skip
    assert told[0]["message"] == "unauthorized"
