"""Socket.IO for the live features, one server per app, bound in `create_app`.

- Who: a connection is authenticated once, when it opens: from the Flask-Login session (the
  pages) or from an API access token in `auth.token` (other clients). Anything else is refused
  with `connect_error` "unauthorized". Every connection also names the protocol it speaks
  (`auth.protocol`); another version is refused with "unsupported_protocol".
- Where from: only the app's own origin (and clients that send no Origin, which are not
  browsers) unless SOCKETIO_ALLOWED_ORIGINS names others; never "*".
- How much: a message is at most `MAX_MESSAGE_BYTES`; each connection has a budget of events
  per second; handlers validate their payloads. A refusal is answered with a `refused` event
  `{event, code, message}` and the same object in the acknowledgement, and changes nothing.
- Across processes: with SOCKETIO_MESSAGE_QUEUE (REDIS_URL by default) every process, and the
  Celery worker, emits through Redis, so a room spans processes. Events from one connection are
  handled in order (async_handlers off), so a draft typed later is never overwritten by one
  typed before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt
from flask import Flask, current_app, request, session
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

from prepdeck.accounts.models import User
from prepdeck.core.errors import DomainError, Invalid, RateLimited, Unauthorized
from prepdeck.extensions import db

PROTOCOL = 1  # what clients send as `auth.protocol`; raised when events change incompatibly
MAX_MESSAGE_BYTES = 2 * 1024 * 1024  # larger frames close the connection; handlers cap fields
EVENTS_PER_SECOND, EVENT_BURST = 10, 40  # per connection
PERSON_KEY = "realtime_person"
CHANNEL = "prepdeck-socketio"

Handler = Callable[[User, dict], dict | None]


def async_mode(app: Flask) -> str:
    if app.config.get("SOCKETIO_ASYNC_MODE"):
        return app.config["SOCKETIO_ASYNC_MODE"]
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency of the web process
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def init_realtime(app: Flask, registrars: list[Callable[[SocketIO], None]]) -> SocketIO:
    socketio = SocketIO(
        app,
        async_mode=async_mode(app),
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        channel=CHANNEL,
        cors_allowed_origins=app.config.get("SOCKETIO_ALLOWED_ORIGINS") or None,
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        async_handlers=False,
        logger=False,
        engineio_logger=False,
    )
    socketio.on_event("connect", _connect)
    app.jinja_env.globals["realtime_protocol"] = PROTOCOL
    for register in registrars:
        register(socketio)
    return socketio


def server() -> SocketIO:
    return current_app.extensions["socketio"]


def person_room(person_id: int) -> str:
    """The Socket.IO room of all of one person's connections (job notices go there)."""
    return f"person:{person_id}"


def notify(person_id: int, event: str, data: dict) -> None:
    """Tell every connection of one person (a job's progress, its end). From a Celery worker it
    goes through the message queue; with none (the embedded defaults) a worker's notice reaches
    nobody, and the pages' polling shows the change instead. Never fails the caller."""
    socketio = current_app.extensions.get("socketio")
    if socketio is None:
        return
    try:
        socketio.emit(event, data, to=person_room(person_id))
    except Exception:  # the queue is down: the page's polling still shows the change
        current_app.logger.warning("live notice %s not sent", event, exc_info=True)


def _connect(auth=None):
    auth = auth if isinstance(auth, dict) else {}
    if auth.get("protocol") != PROTOCOL:
        raise ConnectionRefusedError(
            "unsupported_protocol",
            {"message": f"This server speaks protocol {PROTOCOL}: update the client.",
             "protocol": PROTOCOL},
        )  # fmt: skip
    person, until = _token_person(auth["token"]) if "token" in auth else (_session_person(), None)
    if person is None:
        raise ConnectionRefusedError(
            "unauthorized", {"message": "Sign in, or send a valid access token, to connect."}
        )
    # Checked again on every event: a password change, a disabled account or (for a token)
    # its expiry ends what the connection may do, as it ends sessions and tokens.
    session[PERSON_KEY] = (person.id, person.session_version, until)
    join_room(person_room(person.id))


def _session_person() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


def _token_person(token) -> tuple[User | None, float | None]:
    """The token's account and when the token expires (a Unix time)."""
    from prepdeck.accounts import tokens

    if not isinstance(token, str) or len(token) > 4096:
        return None, None
    try:
        payload = decode_token(token)
        if payload.get("type") != "access" or tokens.is_revoked(payload):
            return None, None
    except (jwt.PyJWTError, JWTExtendedException, DomainError):
        return None, None
    return tokens.token_user(payload), payload.get("exp")


def connected_person() -> User:
    person_id, version, until = session.get(PERSON_KEY) or (None, None, None)
    person = db.session.get(User, person_id) if person_id else None
    if (
        person is None
        or not person.may_sign_in
        or person.session_version != version
        or (until is not None and time.time() >= until)
    ):
        raise Unauthorized("Sign in again to go on.")
    return person


def _spend_budget() -> None:
    """A token bucket per connection: `EVENT_BURST` at once, `EVENTS_PER_SECOND` after."""
    now = time.monotonic()
    tokens, last = session.get("realtime_budget", (EVENT_BURST, now))
    tokens = min(EVENT_BURST, tokens + (now - last) * EVENTS_PER_SECOND)
    if tokens < 1:
        session["realtime_budget"] = (tokens, now)
        raise RateLimited("Too many events: slow down.", retry_after=1)
    session["realtime_budget"] = (tokens - 1, now)


def on(socketio: SocketIO, name: str, handler: Handler) -> None:
    """Register `handler(person, payload)` for the event `name`: the sender is checked, the
    payload must be an object, and a refusal is sent back instead of raised."""

    def handle(data=None):
        try:
            _spend_budget()
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise Invalid("Send an object.")
            return {"ok": True, **(handler(connected_person(), data) or {})}
        except DomainError as error:
            return _refuse(name, error.code, error.message)
        except Exception:
            current_app.logger.exception("socket event %s failed", name)
            return _refuse(name, "server_error", "Something went wrong; try again.")

    socketio.on_event(name, handle)


def _refuse(name: str, code: str, message: str) -> dict:
    db.session.rollback()
    refusal = {"event": name, "code": code, "message": message}
    emit("refused", refusal)
    current_app.logger.info("socket event refused", extra={"event": name, "code": code,
                                                           "sid": request.sid})  # fmt: skip
    return {"ok": False, "error": refusal}
