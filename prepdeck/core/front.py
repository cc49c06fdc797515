"""The front door: a WSGI layer before Flask for the requests that are asked most and need
least: the liveness probe, and pages and API answers kept in the cache for anyone. Flask's
request context, session, hooks and routing cost several times what these answers do
(docs/deploy.md, "The front door").

Every answer from here carries what Flask's would: the security headers (core/security.py),
the request id, and the JSON access-log line (core/logging.py). A request that is anything
else (a cookie, another method, a page not kept) goes on to Flask untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus

from flask import Flask

from prepdeck.core.logging import REQUEST_ID_HEADER, log_access, request_id_from
from prepdeck.core.security import security_headers


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)  # Content-Type among them


# Given the app and the WSGI environ of a cookie-less GET or HEAD: an Answer, or None to pass.
Answerer = Callable[[Flask, dict], Answer | None]
_STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}
_NO_BODY = frozenset({204, 304})


class FrontDoor:
    def __init__(self, app: Flask, wsgi_app, answerers: Iterable[Answerer]) -> None:
        self.app, self.wsgi_app, self.answerers = app, wsgi_app, tuple(answerers)
        self.security = list(security_headers(app))

    def __call__(self, environ: dict, start_response):
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or environ.get("HTTP_COOKIE"):
            return self.wsgi_app(environ, start_response)
        for answerer in self.answerers:
            answer = answerer(self.app, environ)
            if answer is not None:
                return self._send(environ, start_response, answer, started)
        return self.wsgi_app(environ, start_response)

    def _send(self, environ: dict, start_response, answer: Answer, started: float):
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        method = environ["REQUEST_METHOD"]
        body = b"" if method == "HEAD" or answer.status in _NO_BODY else answer.body
        headers = answer.headers.copy()
        if answer.status not in _NO_BODY:
            headers.append(("Content-Length", str(len(answer.body))))
        headers += self.security
        headers.append((REQUEST_ID_HEADER, request_id))
        start_response(_STATUS_LINES[answer.status], headers)
        log_access(
            request_id, method, environ.get("PATH_INFO", ""), answer.status,
            started, None, environ.get("REMOTE_ADDR"),
        )  # fmt: skip
        return [body]


def init_front_door(app: Flask, answerers: Iterable[Answerer]) -> None:
    """Put the front door before Flask (and inside ProxyFix, installed after it, so that the
    logged address is the client's). With metrics on, every request goes through Flask, whose
    hooks count it."""
    if not app.config["METRICS_ENABLED"]:
        app.wsgi_app = FrontDoor(app, app.wsgi_app, answerers)
