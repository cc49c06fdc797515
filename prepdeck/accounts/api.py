"""The accounts API: tokens for a program to act as a person, and that person's account."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_jwt_extended import get_current_user, get_jwt, jwt_required

from prepdeck.accounts import signin, tokens
from prepdeck.accounts.schemas import AccessToken, Account, Revoked, TokenPair, TokenRequest
from prepdeck.core.api import BEARER, ApiBlueprint, documented
from prepdeck.core.errors import Invalid, Unauthorized
from prepdeck.extensions import jwt

blp = ApiBlueprint(
    "api_auth", __name__, url_prefix="/api/v1", description="Tokens and your account."
)


@jwt.user_lookup_loader
def _token_account(header: dict, payload: dict):
    return tokens.token_user(payload)


@jwt.token_in_blocklist_loader
def _token_revoked(header: dict, payload: dict) -> bool:
    return tokens.is_revoked(payload)


@blp.route("/auth/token")
class TokenResource(MethodView):
    @blp.doc(security=[])
    @blp.arguments(TokenRequest)
    @blp.response(200, TokenPair)
    @documented(blp)
    def post(self, body: dict):
        """Sign in with email and password

        The same rules as the sign-in form: throttled alike (429), and refused (403) for a
        disabled account or one whose address is not confirmed yet (`email_unconfirmed`).
        The access token lasts 15 minutes; the refresh token 30 days."""
        try:
            user = signin.authenticate(body["email"], body["password"], request.remote_addr)
        except Invalid as error:
            raise Unauthorized(error.message) from None
        signin.record_login(user)
        return tokens.token_pair(user)


@blp.route("/auth/refresh")
class RefreshResource(MethodView):
    @jwt_required(refresh=True)
    @blp.doc(security=BEARER, description="Send the refresh token as the bearer token.")
    @blp.response(200, AccessToken)
    @documented(blp)
    def post(self):
        """A new access token for a refresh token"""
        return tokens.access_token(get_current_user())


@blp.route("/auth/revoke")
class RevokeResource(MethodView):
    @jwt_required(verify_type=False)
    @blp.doc(security=BEARER)
    @blp.response(200, Revoked)
    @documented(blp)
    def post(self):
        """Revoke the bearer token (access or refresh): it is refused from now on"""
        tokens.revoke(get_jwt())
        return {"revoked": True}


@blp.route("/me")
class MeResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, Account)
    @documented(blp, read=True)
    def get(self):
        """The account the token speaks for"""
        return get_current_user()
