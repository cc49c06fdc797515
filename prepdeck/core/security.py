"""Security headers on every response.

Written here rather than with Flask-Talisman because Talisman keeps its settings on the shared
extension object, so two apps in one process (tests, or a production and a worker app) would
overwrite each other's policy. These settings live in each app's config.
"""

from __future__ import annotations

from flask import Flask, current_app, request

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


def init_security_headers(app: Flask) -> None:
    policy = content_security_policy()

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), geolocation=(), microphone=()")
        max_age = current_app.config.get("HSTS_SECONDS") or 0
        if max_age:
            headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
        if request.endpoint and request.endpoint.startswith(("accounts.", "admin.")):
            headers.setdefault("Cache-Control", "no-store")
        return response
