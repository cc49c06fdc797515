"""Response helpers shared by pages and the API."""

from __future__ import annotations

from flask import Response


def download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
