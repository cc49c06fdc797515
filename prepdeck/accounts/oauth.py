"""Sign in with GitHub and Google: one Flask-Dance blueprint per configured provider, at
/login/<provider>. Every way the dance can go wrong ends on the sign-in page with a message.

A provider is enabled when its client id and secret are set (GITHUB_OAUTH_CLIENT_ID and
GITHUB_OAUTH_CLIENT_SECRET, GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

import requests
from flask import Flask, flash, redirect, session, url_for
from flask_dance.consumer import OAuth2ConsumerBlueprint, oauth_authorized, oauth_error
from flask_dance.consumer.storage.sqla import SQLAlchemyStorage
from flask_login import current_user
from oauthlib.oauth2 import OAuth2Error

from prepdeck.accounts import linking
from prepdeck.accounts.access import current_account, start_session
from prepdeck.accounts.linking import ProviderProfile
from prepdeck.accounts.models import OAuthLink
from prepdeck.core.errors import DomainError
from prepdeck.extensions import db

log = logging.getLogger("prepdeck.oauth")
TIMEOUT = 10  # seconds for each call to the provider: a provider that hangs is a provider down


@dataclass(frozen=True)
class Provider:
    name: str
    authorization_url: str
    token_url: str
    base_url: str
    scope: tuple[str, ...]
    profile: Callable[[requests.Session], ProviderProfile]

    @property
    def label(self) -> str:
        return linking.LABELS[self.name]


def _get(api: requests.Session, path: str):
    response = api.get(path, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


def github_profile(api: requests.Session) -> ProviderProfile:
    user = _get(api, "user")
    emails = _get(api, "user/emails")  # the /user email may be hidden or unverified
    primary = next((e for e in emails if e.get("primary")), None) or {}
    return ProviderProfile(
        "github", str(user["id"]), primary.get("email"), bool(primary.get("verified")),
        user.get("name") or user.get("login") or "",
    )  # fmt: skip


def google_profile(api: requests.Session) -> ProviderProfile:
    info = _get(api, "oauth2/v2/userinfo")
    return ProviderProfile(
        "google", str(info["id"]), info.get("email"), bool(info.get("verified_email")),
        info.get("name") or "",
    )  # fmt: skip


PROVIDERS = {
    "github": Provider(
        "github", "https://github.com/login/oauth/authorize",
        "https://github.com/login/oauth/access_token", "https://api.github.com/",
        ("read:user", "user:email"), github_profile,
    ),
    "google": Provider(
        "google", "https://accounts.google.com/o/oauth2/auth",
        "https://oauth2.googleapis.com/token", "https://www.googleapis.com/",
        ("openid", "https://www.googleapis.com/auth/userinfo.email",
         "https://www.googleapis.com/auth/userinfo.profile"),
        google_profile,
    ),
}  # fmt: skip


def enabled_providers(app: Flask) -> list[str]:
    prefix = {name: name.upper() for name in PROVIDERS}
    return [
        name
        for name in PROVIDERS
        if app.config.get(f"{prefix[name]}_OAUTH_CLIENT_ID")
        and app.config.get(f"{prefix[name]}_OAUTH_CLIENT_SECRET")
    ]


def back_to_login(message: str, category: str = "danger"):
    """To the sign-in page (to settings when linking) with the message."""
    flash(message, category)
    target = "accounts.settings" if current_user.is_authenticated else "accounts.login"
    return redirect(url_for(target))


class ProviderBlueprint(OAuth2ConsumerBlueprint):
    def __init__(self, provider: Provider, app: Flask) -> None:
        endpoints = app.config.get("OAUTH_ENDPOINTS", {}).get(provider.name, {})
        key = provider.name.upper()
        super().__init__(
            provider.name, __name__,
            client_id=app.config[f"{key}_OAUTH_CLIENT_ID"],
            client_secret=app.config[f"{key}_OAUTH_CLIENT_SECRET"],
            scope=list(provider.scope),
            base_url=endpoints.get("base_url", provider.base_url),
            authorization_url=endpoints.get("authorization_url", provider.authorization_url),
            token_url=endpoints.get("token_url", provider.token_url),
            token_url_params={"timeout": TIMEOUT},
            use_pkce=True,
            storage=SQLAlchemyStorage(OAuthLink, db.session, user=current_user),
        )  # fmt: skip
        self.provider = provider

    def session_created(self, session):
        session.register_compliance_hook("access_token_response", _space_separated_scope)
        return session

    def authorized(self):
        if f"{self.name}_oauth_state" not in session:
            # A callback this browser did not start (forged, replayed, or an old tab).
            return back_to_login(
                f"That {self.provider.label} sign-in was not started here or has expired. "
                "Please try again."
            )
        try:
            return super().authorized()
        except (OAuth2Error, requests.RequestException, ValueError, KeyError, Warning) as error:
            # Bad state or code, the provider refusing the exchange, down, or answering nonsense.
            log.warning("%s sign-in failed: %s", self.name, type(error).__name__, exc_info=True)
            return back_to_login(
                f"We could not complete the {self.provider.label} sign-in. Please try again."
            )


def _space_separated_scope(response: requests.Response) -> requests.Response:
    """GitHub answers `"scope": "read:user,user:email"`; oauthlib expects spaces (RFC 6749)
    and would otherwise take every GitHub sign-in for a change of scope and refuse it."""
    try:
        body = response.json()
    except ValueError:
        return response  # not JSON: oauthlib reports it as the error it is
    if isinstance(body, dict) and isinstance(body.get("scope"), str):
        body["scope"] = " ".join(part for part in body["scope"].replace(",", " ").split())
        response._content = json.dumps(body).encode()
    return response


def init_oauth(app: Flask) -> None:
    for name in enabled_providers(app):
        blueprint = ProviderBlueprint(PROVIDERS[name], app)
        oauth_authorized.connect(_authorized, sender=blueprint)
        oauth_error.connect(_provider_error, sender=blueprint)
        app.register_blueprint(blueprint, url_prefix="/login")
    buttons = [(name, PROVIDERS[name].label) for name in enabled_providers(app)]
    app.context_processor(lambda: {"oauth_providers": buttons})


def _authorized(blueprint: ProviderBlueprint, token: dict):
    """After the code exchange: fetch the profile, then sign in or link. Returning a response
    stops Flask-Dance from storing the token a second time: the service has stored it."""
    if not token:
        return back_to_login(f"{blueprint.provider.label} did not give us a sign-in token.")
    profile = blueprint.provider.profile(blueprint.session)
    try:
        if current_user.is_authenticated:
            linking.link_provider(current_account(), profile, token)
            flash(f"{profile.label} is now linked to your account.", "success")
            return redirect(url_for("accounts.settings"))
        user = linking.sign_in_with_provider(profile, token)
    except DomainError as error:
        return back_to_login(error.message, "warning")
    start_session(user, remember=False)
    flash(f"Welcome, {user.display_name}.", "success")
    return redirect(url_for("main.home"))


def _provider_error(blueprint: ProviderBlueprint, error=None, error_description=None, **_):
    if error == "access_denied":
        return back_to_login(f"You did not allow the {blueprint.provider.label} sign-in.", "info")
    return back_to_login(
        f"{blueprint.provider.label} could not sign you in ({error}). Please try again."
    )
