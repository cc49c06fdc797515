"""Domain errors and the one place where every error becomes an HTML page or a JSON body."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("prepdeck.errors")


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


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


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
    response = _as_response(response, status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _as_response(body, status):
    from flask import make_response

    response = make_response(body)
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        headers = {}
        if isinstance(error, RateLimited):
            headers["Retry-After"] = str(error.retry_after)
        return error_response(error.status, error.code, error.message, error.details, headers)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        message = (
            "This form has expired or was sent from somewhere else. "
            "Go back, reload the page and try again."
        )
        return error_response(400, "csrf_failed", message)

    @app.errorhandler(RateLimitExceeded)
    def handle_rate_limit(error: RateLimitExceeded):
        retry_after = _retry_after(error)
        message = "Too many requests. Please wait a moment and try again."
        return error_response(429, "rate_limited", message, headers={"Retry-After": retry_after})

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        code = HTTP_CODES.get(status, "http_error")
        response = error_response(status, code, error.description or error.name)
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def handle_server_error(error: InternalServerError):
        original = getattr(error, "original_exception", None) or error
        log.error(
            "unhandled error",
            exc_info=(type(original), original, original.__traceback__),
            extra={"request_id": g.get("request_id")},
        )
        message = "Something went wrong on our side. It has been logged; please try again."
        return error_response(500, "internal_error", message)


def _retry_after(error: RateLimitExceeded) -> str:
    # Flask-Limiter refines this from its window when its headers are enabled.
    return str(error.limit.limit.get_expiry())
