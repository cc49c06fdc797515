"""The REST API's shared parts: one flask-smorest Api per app, errors documented on every
operation, keyset pages, conditional GETs, CORS on /api only, and a limit per caller.

Feature packages keep their resources in their own `api.py` and register them here.
"""

from __future__ import annotations

import contextlib
import functools
import re
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
from flask_smorest.utils import resolve_schema_instance
from limits import RateLimitItem, parse_many
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from prepdeck.core.addresses import address_key, client_address
from prepdeck.core.cursor import cursor_pattern, decode_cursor, encode_cursor
from prepdeck.core.errors import error_response
from prepdeck.core.pagination import Slice
from prepdeck.core.urls import MAX_ID, MAX_SLUG, SLUG_PATTERN, IdConverter, SlugConverter
from prepdeck.extensions import csrf, jwt, limiter

PREFIX = "/api/v1"
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)
BODY_TYPES = ("application/json", "multipart/form-data")
PRIVATE_READ = "private, no-cache"  # what a token may see differs per account
BEARER = [{"bearerAuth": []}]
BEARER_OR_NONE = [{}, {"bearerAuth": []}]  # public things are readable without a token


# Text as the server takes it. Every string is refused with U+0000 (core/security.py), so the
# spec says so on every string field that states no pattern of its own (`_stated_pattern`).
NO_NUL = r"^[^\x00]*$"
# What Python's str.strip() removes, spelled out: `\s` differs between Python, ECMA and Rust.
SPACES = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACES}][^\x00]*$"  # something besides spaces, and no NUL


class FullMatch(ma.validate.Validator):
    """A regular expression the whole value must match, stated as the field's `pattern` in the
    spec. (marshmallow's Regexp uses re.match, whose `$` also passes a final newline.)"""

    def __init__(self, pattern: str, error: str = "Not in the expected form.") -> None:
        self.pattern, self.error = pattern, error
        self._regex = re.compile(pattern.removeprefix("^").removesuffix("$"))

    def __call__(self, value: str) -> str:
        if self._regex.fullmatch(value) is None:
            raise ma.ValidationError(self.error)
        return value


def text(*, pattern: str = NO_NUL, error: str = "Not in the expected form.", **kwargs):
    """A string field whose spec `pattern` is the rule the server checks."""
    validators = kwargs.pop("validate", [])
    validators = validators if isinstance(validators, list) else [validators]
    return ma.fields.String(validate=[*validators, FullMatch(pattern, error)], **kwargs)


def flag(**kwargs) -> ma.fields.Boolean:
    """A boolean spelled as the spec's `type: boolean` is: true or false (in a form or a query
    too), not marshmallow's many spellings (1, on, yes...) that the spec does not state."""
    return ma.fields.Boolean(truthy={True, "true"}, falsy={False, "false"}, **kwargs)


class JsonFlag(ma.fields.Boolean):
    """A boolean in a JSON body: true or false only (not 0 or 1, which equal them in Python)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _stated_pattern(converter, field, ret, **kwargs) -> dict:
    """The spec's `pattern` of a string field: its FullMatch, else no NUL (what every request
    is held to). Enumerations need none."""
    if not isinstance(field, ma.fields.String) or "enum" in ret:
        return {}
    for validator in field.validators:
        if isinstance(validator, FullMatch):
            return {"pattern": validator.pattern}
    return {} if "pattern" in ret else {"pattern": NO_NUL}


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


def cursor_field(size: int = 1) -> ma.fields.String:
    """The `cursor` argument of a list whose sort key has `size` integers: the spec states its
    exact shape, so every cursor it allows is one the server takes."""
    return text(
        pattern=cursor_pattern(size),
        error=f"Expected {size} whole number(s) separated by dots: a page's next_cursor.",
        metadata={"description": "The next_cursor of the page before (absent: the first page)"},
    )


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))
    cursor = cursor_field(1)


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
    return decode_cursor(args["cursor"], size, MAX_ID)


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
    # An upload's fields are one schema with its file (load_files): unknown ones are refused,
    # as in a JSON body, so the spec's additionalProperties false is true of both.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "files": ma.RAISE}

    def load_json(self, req, schema):
        """A JSON body the spec requires (flask-smorest's default) must be sent: no body is
        not an empty object. `@blp.arguments(..., required=False)` lets it be left out."""
        if not req.get_data(cache=True) and not getattr(schema, "body_optional", False):
            raise ma.ValidationError("Send a JSON object as the request body.", "json")
        return super().load_json(req, schema)

    def load_files(self, req, schema):
        """An upload with its form fields: one multipart body, so one schema for both."""
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


class ApiBlueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = ArgumentsParser()

    def arguments(self, schema, *, location="json", required=True, **kwargs):
        if location == "json" and not required:
            schema = resolve_schema_instance(schema)
            schema.body_optional = True
        return super().arguments(schema, location=location, required=required, **kwargs)


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


API_SCOPE = "api"
api_limit = limiter.shared_limit(
    lambda: current_app.config["API_RATE_LIMIT"], scope=API_SCOPE, key_func=caller_key
)


def front_door_may_limit(app: Flask) -> bool:
    """Whether the front door (core/front.py) can count an API call as Flask-Limiter would:
    the API's limit is then the only one, and it adds no headers."""
    config = app.config
    return not (
        config.get("RATELIMIT_HEADERS_ENABLED")
        or config.get("RATELIMIT_APPLICATION")
        or config.get("RATELIMIT_META")
    )


@functools.cache
def _limits(spec: str) -> list[RateLimitItem]:
    return sorted(parse_many(spec))


def anonymous_budget_left(app: Flask, remote_addr: str | None) -> bool:
    """For the front door: count a call without a token against the API's limit, in the same
    counter that `api_limit` keeps for it (key `ip:<address>`, shared scope). False once it is
    spent; Flask then answers the call, with the 429."""
    if not limiter.enabled:
        return True
    prefix = app.config.get("RATELIMIT_KEY_PREFIX")
    keys = [part for part in (prefix, f"ip:{address_key(remote_addr)}", API_SCOPE) if part]
    return all(limiter.limiter.hit(item, *keys) for item in _limits(app.config["API_RATE_LIMIT"]))


def init_api(app: Flask, blueprints: list[ApiBlueprint]) -> RestApi:
    jwt.init_app(app)
    api = RestApi(
        app,
        spec_kwargs={
            "info": {"description": "Decks, questions, search, imports and exports."},
            "servers": [{"url": "/"}],
        },
    )
    api.ma_plugin.converter.add_attribute_function(_stated_pattern)
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
    _state_schema_rules(api)
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


def _state_schema_rules(api: RestApi) -> None:
    """Rules between fields that a schema enforces (in a validator or its service) are stated
    in its spec too: a schema class's SPEC_RULES (e.g. `{"anyOf": [...]}`) join its component."""
    components = api.spec.components.schemas
    for key, name in api.ma_plugin.converter.refs.items():
        rules = getattr(key[0], "SPEC_RULES", None)
        if rules and name in components:
            components[name].update(rules)


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
        response.headers["Cache-Control"] = PRIVATE_READ
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
