"""Custom error pages for people, JSON errors under /api/."""

import json
import logging

from flask_login import login_user

from prepdeck.accounts.models import User
from prepdeck.core.logging import JsonFormatter
from prepdeck.extensions import db
from tests.conftest import csrf_token, make_person


def test_home_page_says_what_prepdeck_is(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Prepdeck keeps your interview questions" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers  # anonymous pages stay cookie-free


def test_unknown_page_gets_the_custom_404_page(client):
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "We could not find that page" in response.get_data(as_text=True)


def test_unknown_api_route_gets_a_json_404(client):
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"]


def test_wrong_method_gets_405_page_with_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "That action is not available here" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


def test_body_over_the_limit_gets_413_and_changes_nothing(app_factory):
    app = app_factory(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={"email": "big@example.com", "display_name": "x" * 4000, "csrf_token": token,
              "password": "a long enough password", "confirm": "a long enough password"},
    )  # fmt: skip
    assert response.status_code == 413
    assert "That upload is too large" in response.get_data(as_text=True)
    with app.app_context():
        from prepdeck.accounts.services import find_by_email

        assert find_by_email("big@example.com") is None


def test_form_post_without_csrf_token_gets_friendly_400(client):
    response = client.post("/login", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "This form has expired or was sent from somewhere else" in body
    assert "Traceback" not in body


def test_every_form_route_refuses_a_post_without_csrf(app, client, user):
    form_routes = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.arguments
    ]
    assert "/login" in form_routes and "/register" in form_routes
    for path in form_routes:
        response = client.post(path, data={"anything": "1"})
        if path.startswith("/api/"):
            # Bearer tokens, no cookies: the API takes JSON (or an upload), never a form post.
            assert response.status_code == 415 and response.is_json, path
        else:
            assert response.status_code == 400, path


class JsonLines(logging.Handler):
    """Formats each record as the app's JSON line at the moment it is logged."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


def test_server_error_is_logged_with_request_id_and_hidden_from_the_user(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    handler = JsonLines()
    logging.getLogger().addHandler(handler)
    try:
        response = app.test_client().get("/boom", headers={"X-Request-ID": "req-500-test"})
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "req-500-test" in body  # a reference the person can quote
    [line] = handler.lines  # logged once
    assert line["request_id"] == "req-500-test"
    assert "RuntimeError: secret internal detail" in line["exception"]


def test_api_server_error_is_json(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.get("/api/boom")
    def api_boom():
        raise RuntimeError("nope")

    response = app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert json.loads(response.data)["error"]["code"] == "internal_error"


def test_a_request_failed_in_the_database_keeps_its_log_line_and_headers(app_factory, caplog):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)
    person_id = make_person(app, email="ada@example.com", display_name="Ada").id

    @app.get("/fails-in-the-database")
    def fails_in_the_database():
        login_user(db.session.get(User, person_id))
        db.session.commit()  # a first change of the request, saved: what it loaded expires
        db.session.add(User(email="ada@example.com", display_name="Twin"))
        db.session.flush()  # refused: the address is taken

    with caplog.at_level("INFO", logger="prepdeck.access"):
        response = app.test_client().get("/fails-in-the-database")

    assert response.status_code == 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers and "X-Request-ID" in response.headers
    [logged] = [r for r in caplog.records if r.name == "prepdeck.access"]
    assert (logged.status, logged.user_id) == (500, str(person_id))
