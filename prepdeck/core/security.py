"""Security headers on every response.

Written here rather than with Flask-Talisman because Talisman keeps its settings on the shared
extension object, so two apps in one process (tests, or a production and a worker app) would
overwrite each other's policy. These settings live in each app's config.
"""

from __future__ import annotations

from flask import Flask, request

from prepdeck.core.errors import error_response

CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def content_security_policy() -> str:
    return "; ".join(f"{directive} {value}" for directive, value in CSP.items())


MAX_JSON_DEPTH = 32  # no request of ours nests deeper; far below Python's recursion limit


def _holds_nul(value) -> bool:
    """Whether any string in `value` holds U+0000; walked without recursion, so a deeply
    nested body cannot exhaust the stack (deeper than MAX_JSON_DEPTH is refused)."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError("nested too deeply")
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, list | tuple):
            pending.extend((part, depth + 1) for part in item)
    return False


def refuse_nul_characters():
    """No honest text holds U+0000, and PostgreSQL cannot store it: refuse it up front as a
    400 instead of failing deep inside a query. Absurdly nested JSON is refused here too."""
    parts = [request.path, list(request.args.items(multi=True))]
    try:
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            parts.append(list(request.form.items(multi=True)))
        elif request.is_json:
            parts.append(request.get_json(silent=True))
        holds_nul = _holds_nul(parts)
    except (ValueError, RecursionError):
        return error_response(400, "bad_request", "The request body is nested too deeply.")
    if holds_nul:
        return error_response(400, "bad_request", "Text may not contain the NUL character.")
    return None


def security_headers(app: Flask) -> tuple[tuple[str, str], ...]:
    """Every response's security headers, worked out once per app (the WSGI front door in
    core/front.py sends the same ones)."""
    headers = [
        ("Content-Security-Policy", content_security_policy()),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), geolocation=(), microphone=()"),
    ]
    max_age = app.config.get("HSTS_SECONDS") or 0
    if max_age:
        headers.append(("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains"))
    return tuple(headers)


def init_security_headers(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    parts = security_headers(app)
    names = frozenset(name.lower() for name, _ in parts)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        # A view may have set one of them itself: that one stays (as setdefault would).
        present = names.intersection(name.lower() for name, _ in headers.items())
        headers.extend(part for part in parts if part[0].lower() not in present)
        endpoint = request.endpoint
        if endpoint and endpoint.startswith(("accounts.", "admin.")):
            headers.setdefault("Cache-Control", "no-store")
        return response
