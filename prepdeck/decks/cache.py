"""Versioned cache keys: every change to a deck bumps a number that is part of the key of
each cached page showing it, so an edit can never be followed by a stale page."""

from __future__ import annotations

import functools
import logging
import re
import uuid

from flask import current_app, request, session
from flask_login import current_user
from werkzeug.http import generate_etag, parse_etags, quote_etag

from prepdeck.core.api import PREFIX, PRIVATE_READ, anonymous_budget_left, front_door_may_limit
from prepdeck.core.front import Answer
from prepdeck.core.urls import MAX_ID
from prepdeck.extensions import cache

log = logging.getLogger(__name__)
HTML = "text/html; charset=utf-8"

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


def personalised() -> bool:
    """Pages are kept only as an anonymous visitor with nothing pending sees them."""
    if not request.cookies:
        return False  # no session, no remember-me: anonymous, without loading either
    return current_user.is_authenticated or bool(session.get("_flashes"))


# Kept pages. An entry holds the page's HTML, its ETag and the version of what it shows; it is
# read with that version in one round trip, by the view below or, for a request without
# cookies, by the front door (core/front.py) before Flask.


def _page_version_key(path: str) -> str | None:
    """The version a kept page at `path` is checked against: the catalogue's at /decks, the
    deck's at /decks/<slug>. None: no page at `path` is kept."""
    if path == "/decks":
        return CATALOGUE
    parts = path.split("/")
    return _deck_key(parts[2]) if len(parts) == 3 and parts[1] == "decks" else None


def _page_key(environ: dict) -> str:
    return f"view:page:{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"


# The pages this process last read, so that while one is current only its version (a few
# bytes) is read, not the page again. Bounded: a few hundred small pages at most.
_LOCAL_PAGES: dict[str, dict] = {}
_LOCAL_LIMIT, _LOCAL_LARGEST = 256, 64 * 1024


def _kept_page(backend, environ: dict) -> tuple[dict | None, str | None]:
    """The entry kept for this request's page if it is current, and the version seen."""
    version_key = _page_version_key(environ.get("PATH_INFO", ""))
    if version_key is None:
        return None, None
    key = _page_key(environ)
    local = _LOCAL_PAGES.get(key)
    if local is not None:
        version = backend.get(version_key)
        if version is not None and local["version"] == version:
            return local, version
    entry, version = backend.get_many(key, version_key)  # after a change: one more round trip
    if not (entry and version is not None and entry["version"] == version):
        _LOCAL_PAGES.pop(key, None)
        return None, version
    if len(entry["body"]) <= _LOCAL_LARGEST:
        if len(_LOCAL_PAGES) >= _LOCAL_LIMIT:
            _LOCAL_PAGES.clear()
        _LOCAL_PAGES[key] = entry
    return entry, version


def shared_cache_control(config) -> str:
    """Anyone may keep an anonymous page; with PAGE_SHARED_SECONDS a shared cache (the
    reverse proxy) may serve it that long without asking, else every reuse is revalidated."""
    seconds = config["PAGE_SHARED_SECONDS"]
    return f"public, max-age=0, s-maxage={seconds}" if seconds else "public, no-cache"


def _page_headers(app, entry: dict) -> list[tuple[str, str]]:
    return [
        ("ETag", quote_etag(entry["etag"])),
        ("Cache-Control", shared_cache_control(app.config)),
        ("Vary", "Cookie"),  # a visitor with cookies may be shown a page of their own
    ]


def kept_page_answer(app, environ: dict) -> Answer | None:
    """For the front door: a kept page, current, for a request without cookies."""
    try:
        entry, _version = _kept_page(app.extensions["cache"][cache], environ)
    except Exception:  # the cache is down: Flask answers, and logs it
        return None
    if entry is None:
        return None
    headers = _page_headers(app, entry)
    if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(entry["etag"]):
        return Answer(304, b"", headers)
    return Answer(200, entry["body"], [("Content-Type", HTML), *headers])


def kept_page(view):
    """Keep the view's page for anonymous visitors until its version changes (or PAGE_TIMEOUT)."""

    @functools.wraps(view)
    def keep(**kwargs):
        if personalised():
            response = current_app.make_response(view(**kwargs))
            response.headers.setdefault("Cache-Control", "private, no-store")
            return response
        try:
            entry, version = _kept_page(cache.cache, request.environ)
        except Exception:
            log.exception("The page cache cannot be read; the page is made without it.")
            return view(**kwargs)
        if entry is None:
            # The version is read before the page is made: a change committed meanwhile
            # makes the kept page out of date at once, never the other way round.
            version_key = _page_version_key(request.environ.get("PATH_INFO", ""))
            page = view(**kwargs)
            if not isinstance(page, str) or version_key is None:
                return page
            body = page.encode()
            entry = {"version": version, "body": body, "etag": generate_etag(body)}
            try:
                entry["version"] = version or _version(version_key)
                cache.set(_page_key(request.environ), entry, timeout=PAGE_TIMEOUT)
            except Exception:
                log.exception("The page cache cannot be written; the page is sent unkept.")
        response = current_app.response_class(entry["body"], mimetype="text/html")
        response.headers.extend(_page_headers(current_app, entry))
        return response.make_conditional(request)

    return keep


# The API's question of a public deck, kept as JSON text with its ETag and its deck's version.
# Its deck is known only from the entry; the deck each question was last seen in is
# remembered here, so that the entry and that deck's version are read in one round trip.
_QUESTION_DECKS: dict[int, str] = {}
_REMEMBERED = 50_000


def _question_key(question_id: int) -> str:
    return f"api:question:{question_id}"


def _remember_deck(question_id: int, slug: str) -> None:
    if len(_QUESTION_DECKS) >= _REMEMBERED:
        _QUESTION_DECKS.clear()
    _QUESTION_DECKS[question_id] = slug


def public_question(question_id: int, backend=None) -> dict | None:
    """The kept JSON (`body`) and `etag` of a question of a public deck, if its deck is
    unchanged since. `backend`: the app's cache, for a caller outside an app context."""
    backend = backend or cache.cache
    key, slug = _question_key(question_id), _QUESTION_DECKS.get(question_id)
    if slug is None:
        kept, version = backend.get(key), None
    else:
        kept, version = backend.get_many(key, _deck_key(slug))
    if not kept:
        return None
    if kept["deck_slug"] != slug:  # not remembered, or the deck's address changed
        version = backend.get(_deck_key(kept["deck_slug"]))
        _remember_deck(question_id, kept["deck_slug"])
    return kept if version is not None and version == kept["version"] else None


def keep_public_question(question_id: int, deck_slug: str, body: str) -> str:
    """Keep the JSON of a question whose deck is public: it is the same for every reader.
    Kept as text, so that a hit is sent as it is, not decoded and encoded again. Gives the
    ETag."""
    etag = generate_etag(body.encode())
    version = _version(_deck_key(deck_slug))
    entry = {"deck_slug": deck_slug, "version": version, "body": body, "etag": etag}
    cache.set(_question_key(question_id), entry, timeout=PAGE_TIMEOUT)
    _remember_deck(question_id, deck_slug)
    return etag


_QUESTION_PATH = re.compile(rf"{PREFIX}/questions/([1-9][0-9]{{0,9}})")


def kept_question_answer(app, environ: dict) -> Answer | None:
    """For the front door (core/front.py): the kept JSON of a public deck's question, for a
    caller without a token, cookie or Origin, counted against the API's limit as Flask would
    count it. Anything else, a spent limit included, goes to Flask."""
    found = _QUESTION_PATH.fullmatch(environ.get("PATH_INFO", ""))
    if found is None or int(found[1]) > MAX_ID or not front_door_may_limit(app):
        return None
    if any(environ.get(name) for name in ("QUERY_STRING", "HTTP_AUTHORIZATION", "HTTP_ORIGIN")):
        return None
    try:
        kept = public_question(int(found[1]), app.extensions["cache"][cache])
        if not (kept and kept.get("etag")):
            return None
        if not anonymous_budget_left(app, environ.get("REMOTE_ADDR")):
            return None
    except Exception:  # the cache or the limit store is down: Flask answers, and logs it
        return None
    # As Flask sends it: _conditional_get (core/api.py), and the session's Vary: Cookie.
    headers = [
        ("ETag", quote_etag(kept["etag"])),
        ("Cache-Control", PRIVATE_READ),
        ("Vary", "Origin, Authorization, Cookie"),
    ]
    if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(kept["etag"]):
        return Answer(304, b"", headers)
    return Answer(200, kept["body"].encode(), [("Content-Type", "application/json"), *headers])
