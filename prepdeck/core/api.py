"""The REST API's shared parts: one flask-smorest Api per app, errors documented on every
operation, keyset pages, conditional GETs, CORS on /api only, and a limit per caller.

Feature packages keep their resources in their own `api.py` and register them here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app, render_template, request
from flask_cors import CORS
from flask_jwt_extended import get_current_user, verify_jwt_in_request
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from prepdeck.core.addresses import client_address
from prepdeck.core.cursor import decode_cursor, encode_cursor
from prepdeck.core.errors import Invalid, error_response
from prepdeck.core.pagination import Slice
from prepdeck.core.urls import MAX_ID, MAX_SLUG, SLUG_PATTERN, IdConverter, SlugConverter
from prepdeck.extensions import csrf, jwt, limiter

PREFIX = "/api/v1"
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)
BODY_TYPES = ("application/json", "multipart/form-data")
BEARER = [{"bearerAuth": []}]
BEARER_OR_NONE = [{}, {"bearerAuth": []}]  # public things are readable without a token


class ErrorDetail(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable error code"})
    message = ma.fields.String(required=True, metadata={"description": "For people"})
    details = ma.fields.Dict(
        keys=ma.fields.String(), metadata={"description": "Messages per field"}
    )


class ErrorBody(ma.Schema):
    error = ma.fields.Nested(ErrorDetail, required=True)


class RestApi(Api):
    ERROR_SCHEMA = ErrorBody
    # No catch-all "default" response: every status an operation answers is listed on it,
    # so a tool checking responses against the spec notices an undocumented one.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        """Nothing: core/errors.py renders every error of the app, the API's included."""


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))
    cursor = ma.fields.String(validate=ma.validate.Length(min=1, max=200))


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{"items": [...], "next_cursor": "..." | null}`: pass next_cursor back for the next page."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item), required=True),
            "next_cursor": ma.fields.String(required=True, allow_none=True),
        },
        name=name,
    )


def page_after(args: dict, size: int = 1) -> list[int] | None:
    """The key a page starts after, from the `cursor` argument (None: from the start)."""
    if args.get("cursor") is None:
        return None
    values = decode_cursor(args["cursor"], size)
    if not all(isinstance(v, int) and 0 <= v <= MAX_ID for v in values):
        raise Invalid("This cursor is not one this API gave out.", details={"cursor": []})
    return values


def page_of(found: Slice, key: Callable[[Any], list[int]]) -> dict:
    """The JSON page: its items, and a cursor from the `key` of the last one if more follow."""
    cursor = encode_cursor(key(found.items[-1])) if found.more else None
    return {"items": found.items, "next_cursor": cursor}


def documented(blp: ApiBlueprint, *, read: bool = False):
    """Document the error responses (and for reads the 304) on an operation."""

    def decorate(view):
        for status in ERROR_STATUSES:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        if read:
            view = blp.alt_response(304, description="Not modified: the ETag still matches.")(view)
        return view

    return decorate


class ArgumentsParser(FlaskParser):
    def load_files(self, req, schema):
        """An upload with its form fields: one multipart body, so one schema for both."""
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


class ApiBlueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = ArgumentsParser()


def optional_caller():
    """In an operation marked `@jwt_required(optional=True)`: the account of the request's
    access token, or None without one. (That decorator has already refused a token that is bad,
    expired or revoked, even though the operation needs none.)"""
    return get_current_user()


def caller_key() -> str:
    """Rate-limit key: the account of a token that is valid now (signature, expiry, revocation,
    account and session all checked, access or refresh alike), else the address. Per account, so
    refreshing or signing in again brings no fresh budget; a revoked, expired or forged token
    counts against the address that sends it, never against the account it names."""
    if request.headers.get("Authorization", "").strip():
        with contextlib.suppress(Exception):  # a bad token is refused by the view itself
            verified = verify_jwt_in_request(optional=True, verify_type=False)
            if verified is not None and get_current_user() is not None:
                return f"account:{verified[1]['sub']}"
    return f"ip:{client_address()}"


api_limit = limiter.shared_limit(
    lambda: current_app.config["API_RATE_LIMIT"], scope="api", key_func=caller_key
)


def init_api(app: Flask, blueprints: list[ApiBlueprint]) -> RestApi:
    jwt.init_app(app)
    api = RestApi(
        app,
        spec_kwargs={
            "info": {"description": "Decks, questions, search, imports and exports."},
            "servers": [{"url": "/"}],
        },
    )
    api.register_converter(
        IdConverter, lambda _converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.register_converter(
        SlugConverter,
        lambda _converter: {"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_SLUG},
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    for blueprint in blueprints:
        csrf.exempt(blueprint)  # bearer tokens only: no cookie that a form could ride on
        api_limit(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_bp)
    CORS(
        app,
        resources={rf"{PREFIX}/*": {"origins": app.config["CORS_ORIGINS"]}},
        supports_credentials=False,
        allow_headers=["Authorization", "Content-Type", "If-None-Match"],
        expose_headers=["ETag", "Location", "Retry-After", "X-Request-ID"],
        max_age=600,
    )
    app.before_request(_refuse_unknown_body_types)
    app.after_request(_conditional_get)
    return api


def _in_api() -> bool:
    return request.path.startswith(PREFIX + "/")


def _refuse_unknown_body_types():
    if request.method not in ("POST", "PUT", "PATCH") or not _in_api():
        return None
    if not (request.content_length or request.headers.get("Transfer-Encoding")):
        return None  # no body at all: the operation says if it needs one
    if request.mimetype in BODY_TYPES or request.mimetype.endswith("+json"):
        return None
    message = "Send the body as application/json (multipart/form-data for file uploads)."
    return error_response(415, "unsupported_media_type", message)


def _conditional_get(response):
    if _in_api():
        response.vary.add("Origin")  # CORS headers differ by origin
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype == "application/json"
        and _in_api()
    ):
        response.add_etag()
        # What a token may see differs per account: caches must ask again and key by token.
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Authorization")
        response.make_conditional(request)
    return response


docs_bp = FlaskBlueprint("api_docs", __name__)


@docs_bp.get(f"{PREFIX}/docs")
def docs_page():
    return render_template("api/docs.html", spec_url=f"{PREFIX}/openapi.json")


# Every refusal of a token is the same JSON error as the rest of the API.
def _token_refused(code: str, message: str):
    return error_response(401, code, message, headers={"WWW-Authenticate": "Bearer"})


@jwt.unauthorized_loader
def _missing_token(reason: str):
    return _token_refused("token_missing", "Send an access token: Authorization: Bearer <token>.")


@jwt.invalid_token_loader
def _invalid_token(reason: str):
    return _token_refused("token_invalid", f"The token is not valid: {reason}.")


@jwt.expired_token_loader
def _expired_token(header: dict, payload: dict):
    return _token_refused("token_expired", "The token has expired: refresh it or sign in again.")


@jwt.revoked_token_loader
def _revoked_token(header: dict, payload: dict):
    return _token_refused("token_revoked", "The token has been revoked: sign in again.")


@jwt.user_lookup_error_loader
def _unknown_account(header: dict, payload: dict):
    return _token_refused("token_invalid", "The token's account is disabled or no longer exists.")
