"""Request logs, request ids, health and readiness, metrics, security headers."""

import json
import logging

from prepdeck.core.logging import JsonFormatter
from tests.conftest import login


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def capture_access_log():
    handler = Lines()
    logging.getLogger("prepdeck.access").addHandler(handler)
    return handler


def test_each_request_logs_one_json_line_with_the_echoed_request_id(client, user):
    handler = capture_access_log()
    try:
        login(client, user.email)
        handler.lines.clear()
        response = client.get("/account/settings", headers={"X-Request-ID": "abc-123"})
    finally:
        logging.getLogger("prepdeck.access").removeHandler(handler)
    assert response.headers["X-Request-ID"] == "abc-123"
    [line] = handler.lines
    entry = json.loads(line)
    assert entry["request_id"] == "abc-123"
    assert entry["method"] == "GET" and entry["path"] == "/account/settings"
    assert entry["status"] == 200 and entry["duration_ms"] >= 0
    assert entry["user_id"] == str(user.id)


def test_a_request_id_is_generated_when_missing_or_unsafe(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    for unsafe in ("bad id <script>", "x" * 300, '"quoted"'):
        echoed = client.get("/healthz", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
        assert echoed != unsafe and len(echoed) == 32


def test_csrf_failures_are_logged_with_their_request_id(client):
    handler = capture_access_log()
    try:
        client.post("/login", data={}, headers={"X-Request-ID": "csrf-1"})
    finally:
        logging.getLogger("prepdeck.access").removeHandler(handler)
    entry = json.loads(handler.lines[-1])
    assert entry["request_id"] == "csrf-1" and entry["status"] == 400
    assert entry["duration_ms"] is not None


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"]["database"] == "ok"


def test_readyz_names_a_redis_that_is_down(app_factory, private_redis):
    app = app_factory(REDIS_URL=private_redis.url)
    client = app.test_client()
    assert client.get("/readyz").json["checks"]["redis"] == "ok"
    private_redis.stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["redis"]
    assert response.json["checks"]["database"] == "ok"


def test_readyz_names_an_unreachable_database(app_factory):
    app = app_factory(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["database"]


def test_metrics_count_requests_by_endpoint(client):
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert (
        'prepdeck_http_requests_total{endpoint="health.healthz",method="GET",status="200"}' in body
    )
    assert "prepdeck_http_request_duration_seconds_bucket" in body


def test_metrics_can_be_disabled_or_protected(app_factory):
    disabled = app_factory(METRICS_ENABLED=False).test_client()
    assert disabled.get("/metrics").status_code == 404
    protected = app_factory(METRICS_TOKEN="scrape-me").test_client()
    assert protected.get("/metrics").status_code == 403
    ok = protected.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert ok.status_code == 200


def test_security_headers_on_every_response(client):
    for path in ("/", "/login", "/nope", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in csp, (path, directive)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # only in production


def test_account_pages_are_not_cached(client, user):
    login(client, user.email)
    assert client.get("/account/settings").headers["Cache-Control"] == "no-store"


def test_the_closed_socket_noise_of_the_development_server_is_dropped_and_nothing_else():
    import logging

    from prepdeck.core.logging import ClosedSocketNoise

    def record(*args) -> logging.LogRecord:
        message = "%s - - [%s] code %s, message %s"
        return logging.LogRecord("werkzeug", logging.ERROR, "", 0, message, args, None)

    noise = ClosedSocketNoise()
    assert not noise.filter(record("127.0.0.1", "now", "400", "Bad request syntax ('\\x88\\x82')"))
    assert noise.filter(record("127.0.0.1", "now", "400", "Bad request syntax ('GET /%')"))
    assert noise.filter(record("127.0.0.1", "now", "500", "Internal error"))
