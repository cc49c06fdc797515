"""The practice pages and their forms with a session cookie that is forged, replayed after
signing out, or oversized: treated as no session (sign in again), never an error, and no
answer is applied."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from prepdeck.practice import services
from prepdeck.practice.models import ReviewLog
from tests.conftest import csrf_token, login, post_form
from tests.practice.conftest import make_deck, question_ids

PAGES = ("/practice", "/practice/settings", "/practice/quizzes", "/practice/plan",
         "/practice/stats", "/practice/data/reviews.csv")  # fmt: skip


def signed_out(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login?next=")


def visit_with(app, session_cookie: str) -> list:
    stranger = app.test_client()
    stranger.set_cookie("session", session_cookie)
    return [stranger.get(page) for page in PAGES]


def forged(app, payload: dict) -> str:
    """A session cookie signed with a key that is not the app's."""
    interface = SecureCookieSessionInterface()
    signer = URLSafeTimedSerializer(
        "not-the-secret-key", salt=interface.salt, serializer=interface.serializer,
        signer_kwargs={"key_derivation": interface.key_derivation,
                       "digest_method": interface.digest_method},
    )  # fmt: skip
    return signer.dumps(payload)


def test_a_forged_session_cookie_is_no_session(app, user):
    for response in visit_with(app, forged(app, {"_user_id": str(user.id), "_fresh": True})):
        assert signed_out(response), response.status_code


@pytest.mark.filterwarnings("ignore:The 'session' cookie is too large")
def test_an_oversized_or_garbled_session_cookie_is_no_session(app, user):
    for junk in ("x" * 8_000, "eyJfdXNlcl9pZCI6IjEifQ.garbage.sig", "%00" * 100):
        for response in visit_with(app, junk):
            assert signed_out(response), (junk[:20], response.status_code)


def test_a_session_cookie_replayed_after_signing_out_answers_nothing(app, user, clock):
    with app.app_context():
        person = db.session.get(User, user.id)
        deck = make_deck(person)
        services.follow(person, deck.slug)
        [first, *_] = question_ids(deck)
    browser = app.test_client()
    login(browser, user.email)
    copied = browser.get_cookie("session").value
    token = csrf_token(browser, "/practice")  # the review page's form, as the thief saw it
    assert [r.status_code for r in visit_with(app, copied)] == [200] * len(PAGES)  # a copy works
    post_form(browser, "/logout", {}, page="/")

    for response in visit_with(app, copied):
        assert signed_out(response)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    answer = thief.post("/practice/answer", data={"question_id": first, "rating": 3,
                        "idempotency_key": "replayed", "csrf_token": token})  # fmt: skip
    assert signed_out(answer) or answer.status_code == 400, answer.status_code
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 0
