"""A real OAuth 2 authorization server on a loopback port, for "Sign in with GitHub / Google" tests.

It speaks the authorization-code grant (RFC 6749 section 4.1) over real HTTP: it checks the
client id and secret (form body or HTTP Basic), the redirect URI (registered, and the same at
/authorize and at the token exchange), hands out single-use codes that expire, and echoes
`state` unchanged. Consent is automatic: /authorize redirects straight back for the person given
to `sign_in_as()`. Profiles are served GitHub-style (`/api/user`, `/api/user/emails`, also
without the `/api` prefix, because Flask-Dance resolves `github.get("/user")` against the host
root) and Google-style (`/oauth2/v2/userinfo`, `/v1/userinfo`).

    with OAuthProvider(redirect_uris=["http://127.0.0.1:5000/github/authorized"]) as provider:
        provider.sign_in_as(id=1, login="ada", name="Ada", email="ada@example.com")
        ...

Clients built on oauthlib refuse http:// URLs unless OAUTHLIB_INSECURE_TRANSPORT=1 is set.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class Person:
    id: str | int
    login: str
    name: str
    email: str | None
    email_verified: bool


@dataclass(frozen=True)
class Grant:
    person: Person
    redirect_uri: str
    scope: str
    expires_at: float
    code_challenge: str = ""  # PKCE (RFC 7636, S256): the token request must prove it


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any) -> None:
        """No access log: `OAuthProvider.requests` records what tests need."""


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status, headers, mimetype="application/json")


class OAuthProvider:
    """An OAuth 2 provider in a thread of the test process; see the module docstring."""

    code_ttl: float = 60.0  # seconds a code stays valid; set to 0 to get codes that are expired

    def __init__(
        self,
        client_id: str = "test-client",
        client_secret: str = "test-secret",  # noqa: S107 - a test credential
        redirect_uris: Iterable[str] = (),
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = set(redirect_uris)
        self.deny_next = False
        self.comma_scopes = False
        self.pkce_verified = 0  # token requests that proved their PKCE challenge
        self.fail_token_exchange_next = False
        self.requests: list[str] = []
        self.person: Person | None = None
        self._codes: dict[str, Grant] = {}
        self._used_codes: dict[str, str] = {}  # code -> the access token it bought
        self._tokens: dict[str, Person] = {}
        self._lock = threading.Lock()
        self._routes: dict[tuple[str, str], Callable[[Request], Response]] = {
            ("GET", "/login/oauth/authorize"): self._authorize,
            ("POST", "/login/oauth/access_token"): self._token,
            ("GET", "/api/user"): self._github_user,
            ("GET", "/user"): self._github_user,
            ("GET", "/api/user/emails"): self._github_emails,
            ("GET", "/user/emails"): self._github_emails,
            ("GET", "/oauth2/v2/userinfo"): self._google_userinfo,
            ("GET", "/v1/userinfo"): self._google_userinfo,
        }
        self.server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.authorize_url = self.url + "/login/oauth/authorize"
        self.token_url = self.url + "/login/oauth/access_token"
        self.api_base_url = self.url + "/api/"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> OAuthProvider:
        if not self._thread.is_alive():
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port, so that later connections are refused."""
        if self._thread.is_alive():
            self.server.shutdown()
            self._thread.join(timeout=10)
        self.server.server_close()

    def __enter__(self) -> OAuthProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the test controls ------------------------------------------------------------

    def add_redirect_uri(self, uri: str) -> None:
        self.redirect_uris.add(uri)

    def sign_in_as(
        self,
        *,
        id: str | int,
        login: str,
        name: str,
        email: str | None,
        email_verified: bool = True,
    ) -> None:
        """The person who consents at /authorize from now on (until signed in as someone else)."""
        self.person = Person(id, login, name, email, email_verified)

    # -- HTTP ------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        self.requests.append(f"{request.method} {request.path}")
        handler = self._routes.get((request.method, request.path))
        response = handler(request) if handler else _json({"error": "not_found"}, 404)
        return response(environ, start_response)

    def _authorize(self, request: Request) -> Response:
        args = request.args
        redirect_uri = args.get("redirect_uri", "")
        if args.get("client_id") != self.client_id:
            return Response("400: unknown client_id", 400)
        if redirect_uri not in self.redirect_uris:
            return Response(f"400: unregistered redirect_uri {redirect_uri!r}", 400)
        if self.person is None:
            return Response("400: nobody is signed in: call sign_in_as() first", 400)
        params: dict[str, str] = {}
        if args.get("response_type") != "code":
            params["error"] = "unsupported_response_type"
        elif self.deny_next:
            self.deny_next = False
            params["error"] = "access_denied"
            params["error_description"] = "The user has denied your application access."
        else:
            code = secrets.token_urlsafe(16)
            grant = Grant(
                self.person, redirect_uri, args.get("scope", ""),
                time.monotonic() + self.code_ttl, args.get("code_challenge", ""),
            )  # fmt: skip
            with self._lock:
                self._codes[code] = grant
            params["code"] = code
        if "state" in args:
            params["state"] = args["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return Response(
            status=302, headers={"Location": redirect_uri + separator + urlencode(params)}
        )

    def _token(self, request: Request) -> Response:
        form = request.form
        if self.fail_token_exchange_next:
            self.fail_token_exchange_next = False
            return _json({"error": "server_error", "error_description": "provider down"}, 500)
        auth = request.authorization
        if auth and auth.type == "basic":
            client_id, secret = auth.username, auth.password
        else:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        if client_id != self.client_id or secret != self.client_secret:
            status = 401 if auth else 400
            return _json({"error": "invalid_client"}, status, {"WWW-Authenticate": "Basic"})
        if form.get("grant_type") != "authorization_code":
            return _json({"error": "unsupported_grant_type"}, 400)
        code = form.get("code", "")
        with self._lock:
            grant = self._codes.pop(code, None)
            if grant is None:  # unknown or reused: a reused code also revokes what it bought
                self._tokens.pop(self._used_codes.get(code, ""), None)
                return _json({"error": "invalid_grant"}, 400)
            if time.monotonic() >= grant.expires_at:
                return _json({"error": "invalid_grant", "error_description": "code expired"}, 400)
            if form.get("redirect_uri") != grant.redirect_uri:
                return _json({"error": "invalid_grant", "error_description": "redirect_uri"}, 400)
            if grant.code_challenge:
                if _s256(form.get("code_verifier", "")) != grant.code_challenge:
                    return _json({"error": "invalid_grant", "error_description": "pkce"}, 400)
                self.pkce_verified += 1
            token = secrets.token_urlsafe(24)
            self._tokens[token] = grant.person
            self._used_codes[code] = token
        # GitHub lists the granted scopes with commas; RFC 6749 and Google use spaces.
        scope = ",".join(grant.scope.split()) if self.comma_scopes else grant.scope
        body = {"access_token": token, "token_type": "bearer", "scope": scope}
        return _json(body, headers={"Cache-Control": "no-store"})

    def _bearer(self, request: Request) -> Person | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        with self._lock:
            return self._tokens.get(token.strip())

    def _unauthorized(self) -> Response:
        body = {"error": "invalid_token", "message": "Bad credentials"}
        return _json(body, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})

    def _github_user(self, request: Request) -> Response:
        if (person := self._bearer(request)) is None:
            return self._unauthorized()
        return _json(
            {"id": person.id, "login": person.login, "name": person.name, "email": person.email}
        )

    def _github_emails(self, request: Request) -> Response:
        if (person := self._bearer(request)) is None:
            return self._unauthorized()
        if person.email is None:
            return _json([])
        return _json([{"email": person.email, "primary": True, "verified": person.email_verified}])

    def _google_userinfo(self, request: Request) -> Response:
        if (person := self._bearer(request)) is None:
            return self._unauthorized()
        return _json(
            {
                "id": str(person.id),
                "email": person.email,
                "verified_email": person.email_verified,
                "name": person.name,
            }
        )
