"""Links: absolute ones for emails, and safe redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError


def external_url(endpoint: str, **values) -> str:
    """An absolute link built from BASE_URL, never from the request's Host header: a forged
    Host would otherwise put an attacker's address in a password-reset email."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def safe_redirect_target(target: str | None, fallback: str) -> str:
    """Only same-site paths: never bounce a person to another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return fallback


MAX_ID = 2**31 - 1  # ids and positions are 32-bit integers in the database


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive database id. Larger numbers are 404 here, rather than an
    overflow in the database driver."""

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_SLUG = 80


class SlugConverter(BaseConverter):
    """`<slug:name>`: a deck's address as deck addresses are made; anything else is 404."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value: str) -> str:
        if len(value) > MAX_SLUG:
            raise ValidationError()
        return value
