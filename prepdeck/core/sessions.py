"""Flask's signed-cookie session, opened without its signer when the request has no cookie."""

from __future__ import annotations

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """Most requests (probes, anonymous pages, API calls with a token) carry no session
    cookie; Flask builds the signer, and derives its key, before it looks. Here that happens
    only when there is a cookie to read. Without a secret key there is no session either way."""

    def open_session(self, app, request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
