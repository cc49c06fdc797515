"""The front door answers /healthz before Flask, with everything Flask's answer carries."""

import json
import logging

import pytest

from prepdeck.core.front import FrontDoor
from prepdeck.core.health import HEALTHY
from tests.core.test_observability import capture_access_log

SECURITY = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
)


@pytest.fixture
def front(app_factory):
    app = app_factory(METRICS_ENABLED=False, HSTS_SECONDS=600)
    assert isinstance(app.wsgi_app, FrontDoor)
    return app


def answered_by_flask(app) -> list[str]:
    """The paths Flask itself saw."""
    seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append("flask"))
    return seen


def test_healthz_is_answered_before_flask_with_the_same_headers_and_log_line(front):
    seen = answered_by_flask(front)
    client = front.test_client()
    home = client.get("/")  # answered by Flask: the reference for the headers
    handler = capture_access_log()
    try:
        response = client.get("/healthz", headers={"X-Request-ID": "probe-1"})
        generated = client.get("/healthz")
    finally:
        logging.getLogger("prepdeck.access").removeHandler(handler)
    assert seen == ["flask"]  # the home page only
    assert response.status_code == 200 and response.data == HEALTHY
    assert response.json == {"status": "ok"}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(HEALTHY))
    for name in (*SECURITY, "Strict-Transport-Security"):
        assert response.headers[name] == home.headers[name], name
    assert response.headers["X-Request-ID"] == "probe-1"
    assert len(generated.headers["X-Request-ID"]) == 32
    first, second = (json.loads(line) for line in handler.lines)
    assert first["request_id"] == "probe-1" and second["request_id"] != "probe-1"
    assert (first["method"], first["path"], first["status"]) == ("GET", "/healthz", 200)
    assert first["duration_ms"] >= 0 and first["user_id"] is None
    assert first["remote_addr"] == "127.0.0.1" and first["logger"] == "prepdeck.access"


def test_what_the_front_door_does_not_answer_goes_to_flask(front):
    seen = answered_by_flask(front)
    client = front.test_client()
    head = client.head("/healthz")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(HEALTHY))
    assert seen == []
    # A query string, another method, a cookie: Flask answers, as it did before.
    assert client.get("/healthz?verbose=1").json == {"status": "ok"}
    assert client.post("/healthz").status_code == 405
    client.set_cookie("theme", "dark")
    cookie = client.get("/healthz")
    assert cookie.json == {"status": "ok"} and cookie.headers["X-Content-Type-Options"]
    assert seen == ["flask"] * 3


def test_with_metrics_on_every_request_goes_through_flask_and_is_counted(client):
    assert not isinstance(client.application.wsgi_app, FrontDoor)
    client.get("/healthz")
    assert 'endpoint="health.healthz"' in client.get("/metrics").get_data(as_text=True)


def test_the_front_door_sits_inside_proxy_fix_and_logs_the_client(app_factory):
    app = app_factory(METRICS_ENABLED=False, PROXY_FIX_HOPS=1)
    handler = capture_access_log()
    try:
        app.test_client().get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"})
    finally:
        logging.getLogger("prepdeck.access").removeHandler(handler)
    assert json.loads(handler.lines[-1])["remote_addr"] == "198.51.100.7"
