"""JSON logs, one line per request, each carrying the request id that the response echoes."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
SECRET_ARGS = {"token"}
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_ENCODER = json.JSONEncoder(default=str)  # json.dumps(..., default=str) builds one per call


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if "request_id" not in record.__dict__ and has_request_context():
            entry["request_id"] = g.get("request_id")
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return _ENCODER.encode(entry)


class ClosedSocketNoise(logging.Filter):
    """The development server reads the close frame of a WebSocket that simple-websocket has
    finished with as a new request and logs "code 400, message Bad request syntax ('\\x88...')"
    at error level. Nothing failed; that one line is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not ("Bad request syntax" in text and ("('\\x88" in text or "('\\x81" in text))


def configure_logging(app: Flask) -> None:
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.handlers = [handler]
    root.setLevel(app.config["LOG_LEVEL"].upper())
    # Werkzeug's own access log would duplicate ours.
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.setLevel(logging.WARNING)
    if not any(isinstance(f, ClosedSocketNoise) for f in werkzeug.filters):
        werkzeug.addFilter(ClosedSocketNoise())
    # At DEBUG these log client secrets, provider tokens and token request bodies.
    for chatty in ("flask_dance", "requests_oauthlib", "oauthlib"):
        logging.getLogger(chatty).setLevel(logging.INFO)
    app.logger.handlers.clear()
    app.logger.propagate = True


def request_id_from(supplied: str | None) -> str:
    """The request id a client sent, if it is safe to echo and log; else a fresh one."""
    return supplied if supplied and _SAFE_REQUEST_ID.match(supplied) else uuid.uuid4().hex


def incoming_request_id() -> str:
    return request_id_from(request.headers.get(REQUEST_ID_HEADER))


def loggable_path() -> str:
    """The path, with secrets in it (email-link tokens) replaced by the route's placeholder."""
    args = request.view_args or {}
    if request.url_rule is not None and SECRET_ARGS & args.keys():
        return request.url_rule.rule
    return request.path


def _acting_user_id() -> str | None:
    """Who the request acted for, if that is known already: a signed-in page has loaded its
    user, an API call its token's. Never opens the session just to log (which costs a cookie
    parse and adds Vary: Cookie to every anonymous response)."""
    user = g.get("_login_user")  # set by Flask-Login once something asked for current_user
    if user is None:
        user = (g.get("_jwt_extended_jwt_user") or {}).get("loaded_user")
    return str(user.id) if user is not None and getattr(user, "is_authenticated", False) else None


ACCESS_LOG = logging.getLogger("prepdeck.access")


def log_access(request_id: str, method: str, path: str, status: int, started: float | None,
               user_id: str | None, remote_addr: str | None) -> None:  # fmt: skip
    """The one JSON line of a request, answered by Flask or by the front door (core/front.py)."""
    if not ACCESS_LOG.isEnabledFor(logging.INFO):
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    fields = {
        "request_id": request_id,
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": duration_ms,
        "user_id": user_id,
        "remote_addr": remote_addr,
    }
    # As Logger.info(..., extra=fields) makes it, without looking up the calling line, which
    # the JSON line does not show.
    ACCESS_LOG.handle(
        ACCESS_LOG.makeRecord(ACCESS_LOG.name, logging.INFO, __file__, 0, "request", (), None,
                              extra=fields)
    )  # fmt: skip


def init_request_logging(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.request_id = incoming_request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        request_id = g.request_id
        response.headers[REQUEST_ID_HEADER] = request_id
        log_access(
            request_id, request.method, loggable_path(), response.status_code,
            g.get("request_started"), _acting_user_id(), request.remote_addr,
        )  # fmt: skip
        return response
