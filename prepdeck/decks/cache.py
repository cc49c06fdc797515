"""Versioned cache keys: every change to a deck bumps a number that is part of the key of
each cached page showing it, so an edit can never be followed by a stale page."""

from __future__ import annotations

import uuid

from flask import request, session
from flask_login import current_user

from prepdeck.extensions import cache

CATALOGUE = "decks:catalogue:version"
PAGE_TIMEOUT = 600


def _version(key: str) -> str:
    value = cache.get(key)
    if value is None:
        # A fresh random version: if this key was evicted, older pages can never match again.
        value = uuid.uuid4().hex
        cache.set(key, value, timeout=0)
    return value


def _bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=0)


def _deck_key(slug: str) -> str:
    return f"decks:deck:{slug}:version"


def deck_changed(*slugs: str) -> None:
    """Call after a change to a deck or its questions is committed (pass the old slug too
    when it changed). The catalogue shows titles and counts, so it goes as well."""
    for slug in slugs:
        _bump(_deck_key(slug))
    _bump(CATALOGUE)


def catalogue_page_key() -> str:
    return f"view:catalogue:{_version(CATALOGUE)}:{request.full_path}"


def deck_page_key() -> str:
    slug = request.view_args["slug"]
    return f"view:deck:{slug}:{_version(_deck_key(slug))}:{request.full_path}"


def personalised() -> bool:
    """Pages are cached only as an anonymous visitor with nothing pending sees them."""
    if not request.cookies:
        return False  # no session, no remember-me: anonymous, without loading either
    return current_user.is_authenticated or bool(session.get("_flashes"))


def _question_key(question_id: int) -> str:
    return f"api:question:{question_id}"


def public_question(question_id: int) -> str | None:
    """The API's JSON of a question of a public deck, if kept and its deck unchanged since."""
    kept = cache.get(_question_key(question_id))
    if not kept or cache.get(_deck_key(kept["deck_slug"])) != kept["version"]:
        return None
    return kept["body"]


def keep_public_question(question_id: int, deck_slug: str, body: str) -> None:
    """Keep the JSON of a question whose deck is public: it is the same for every reader.
    Kept as text, so that a hit is sent as it is, not decoded and encoded again."""
    entry = {"deck_slug": deck_slug, "version": _version(_deck_key(deck_slug)), "body": body}
    cache.set(_question_key(question_id), entry, timeout=PAGE_TIMEOUT)
