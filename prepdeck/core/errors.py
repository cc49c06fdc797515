"""Domain errors and the one place where every error becomes an HTML page or a JSON body."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, jsonify, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from prepdeck.extensions import db


class DomainError(Exception):
    """Raised by services; carries an HTTP status and a stable machine-readable code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class LimitReached(Conflict):
    """A person already holds as many of something as they may (waiting jobs, say)."""

    code = "limit_reached"


class Expired(DomainError):
    """It existed, and was removed after its time: asking again will not bring it back."""

    status = 410
    code = "expired"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class Unavailable(DomainError):
    status = 503
    code = "unavailable"


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}
PAGES = {400, 403, 404, 405, 413, 429, 500}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def error_response(status: int, code: str, message: str, details=None, headers=None):
    if wants_json():
        body: dict = {"error": {"code": code, "message": message}}
        if details:
            body["error"]["details"] = details
        response = jsonify(body)
    else:
        template = f"errors/{status}.html" if status in PAGES else "errors/generic.html"
        response = render_template(template, status=status, message=message, code=code)
    response = make_response(response)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_domain_error(error: DomainError):
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else {}
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    # Services name a field with no words of its own; a program reading JSON gets the message.
    details = {field: msgs or [error.message] for field, msgs in (error.details or {}).items()}
    return error_response(error.status, error.code, error.message, details, headers)


def handle_csrf_error(error: CSRFError):
    message = (
        "This form has expired or was sent from somewhere else. "
        "Go back, reload the page and try again."
    )
    return error_response(400, "csrf_failed", message)


def handle_rate_limit(error: RateLimitExceeded):
    # Flask-Limiter refines Retry-After from its window when its headers are enabled.
    retry_after = str(error.limit.limit.get_expiry())
    message = "Too many requests. Please wait a moment and try again."
    return error_response(429, "rate_limited", message, headers={"Retry-After": retry_after})


def handle_http_error(error: HTTPException):
    status = error.code or 500
    details = _validation_messages(error)
    message = error.description
    if details and status == 422:
        message = "Some fields are missing or not valid."
    elif details and status == 400:
        message = "The request body is not valid JSON."
    response = error_response(status, HTTP_CODES.get(status, "http_error"), message, details)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _validation_messages(error: HTTPException) -> dict | None:
    """Field messages that webargs (the API's argument parser) attaches to a 400 or 422,
    flattened from {location: {field: [...]}} to {field: [...]}."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not isinstance(messages, dict):
        return None
    flat: dict = {}
    for location, found in messages.items():
        if isinstance(found, dict):
            flat.update(found)
        else:  # a message about the whole body, e.g. JSON that does not parse
            flat[location] = found
    return flat or None


def handle_server_error(error: InternalServerError):
    # Flask has already logged the traceback (with the request id, through our formatter).
    # A failure in the database leaves the session unusable until rolled back, and the
    # response's hooks (the request's log line, the security headers) may still read from it.
    # (A database that is gone fails the rollback too; that failure is the one just logged.)
    with suppress(SQLAlchemyError):
        db.session.rollback()
    message = "Something went wrong on our side. It has been logged; please try again."
    return error_response(500, "internal_error", message)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limit)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
