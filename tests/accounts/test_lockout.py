"""Failed sign-ins: guessing is limited per account and per address, but someone else's wrong
passwords do not keep the owner out, and an emailed sign-in link always gets the owner in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from prepdeck.core.models import utcnow
from tests.accounts.mailbox import link_in, outbox
from tests.api_client import API, error_code
from tests.conftest import csrf_token, login, post_form
from tests.factories import PASSWORD

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
WRONG = "wrong password!"


def lock_out(client, email: str, where: dict = ATTACKER) -> None:
    for _ in range(5):
        assert login(client, email, WRONG, environ_base=where).status_code == 200
    assert login(client, email, WRONG, environ_base=where).status_code == 429


def test_five_wrong_passwords_from_elsewhere_do_not_keep_the_owner_out(app, user):
    attacker, owner = app.test_client(), app.test_client()
    lock_out(attacker, user.email)
    # A right guess from the failing address is still refused while the lock lasts.
    assert login(attacker, user.email, PASSWORD, environ_base=ATTACKER).status_code == 429

    response = login(owner, user.email, PASSWORD, environ_base=OWNER)
    assert response.status_code == 302 and response.location == "/"
    assert owner.get("/account/settings").status_code == 200
    # The owner getting in reopened nothing for the attacker's address.
    assert login(attacker, user.email, PASSWORD, environ_base=ATTACKER).status_code == 429
    assert login(attacker, user.email, WRONG, environ_base=ATTACKER).status_code == 429


def test_the_token_endpoint_treats_the_owner_the_same(client, user):
    wrong = {"email": user.email, "password": WRONG}
    right = {"email": user.email, "password": PASSWORD}
    token = f"{API}/auth/token"
    statuses = [client.post(token, json=wrong, environ_base=ATTACKER).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    refused = client.post(token, json=right, environ_base=ATTACKER)
    assert refused.status_code == 429 and error_code(refused) == "rate_limited"
    assert client.post(token, json=right, environ_base=OWNER).status_code == 200


def test_while_locked_another_address_gets_one_try(app, user):
    attacker, second = app.test_client(), app.test_client()
    lock_out(attacker, user.email)
    elsewhere = {"REMOTE_ADDR": "192.0.2.50"}
    page = login(second, user.email, WRONG, environ_base=elsewhere)
    assert "Email or password is incorrect." in page.get_data(as_text=True)
    assert login(second, user.email, PASSWORD, environ_base=elsewhere).status_code == 429


def test_one_ipv6_network_counts_as_one_address(app, user):
    client = app.test_client()
    for n in range(1, 6):
        where = {"REMOTE_ADDR": f"2001:db8:1:2::{n}"}
        assert login(client, user.email, WRONG, environ_base=where).status_code == 200
    same_network = {"REMOTE_ADDR": "2001:db8:1:2:ffff::1"}
    assert login(client, user.email, PASSWORD, environ_base=same_network).status_code == 429
    other_network = {"REMOTE_ADDR": "2001:db8:9:9::1"}
    assert login(client, user.email, PASSWORD, environ_base=other_network).status_code == 302


def test_guesses_spread_over_many_addresses_are_capped(app_factory, user):
    app = app_factory(LOGIN_LIMIT_SPREAD="3 per hour")
    client = app.test_client()
    lock_out(client, user.email)
    for n in range(3):
        where = {"REMOTE_ADDR": f"192.0.2.{n + 1}"}
        assert login(client, user.email, WRONG, environ_base=where).status_code == 200
    refused = login(app.test_client(), user.email, PASSWORD, environ_base=OWNER)
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert "from many places" in body and 'data-testid="locked-out"' in body


def test_the_locked_out_page_offers_a_sign_in_link_that_gets_the_owner_in(app, user):
    owner = app.test_client()
    lock_out(owner, user.email, OWNER)  # the owner mistyped, and is now locked out too
    page = login(owner, user.email, PASSWORD, environ_base=OWNER)
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    body = page.get_data(as_text=True)
    assert "Too many failed sign-in attempts" in body and 'data-testid="locked-out"' in body
    assert 'action="/login/link"' in body

    sent = post_form(owner, "/login/link", {"email": user.email}, environ_base=OWNER)
    assert sent.status_code == 302
    [message] = outbox(app, user.email)
    assert message.subject == "Your Prepdeck sign-in link"
    link = link_in(message)
    # Opening the link (as a mail scanner would) signs nobody in: the button does.
    assert "Sign in as ada@example.com" in owner.get(link).get_data(as_text=True)
    assert owner.get("/account/settings").status_code == 302
    response = post_form(owner, link, {}, environ_base=OWNER)
    assert response.status_code == 302 and response.location == "/"
    assert owner.get("/account/settings").status_code == 200

    again = app.test_client().get(link, follow_redirects=True).get_data(as_text=True)
    assert "This sign-in link has already been used" in again


def test_sign_in_links_are_silent_about_unknown_addresses_and_expire(app, client, user):
    unknown = post_form(client, "/login/link", {"email": "ghost@example.com"})
    known = post_form(client, "/login/link", {"email": user.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown.location == known.location
    assert outbox(app, "ghost@example.com") == []
    link = link_in(outbox(app, user.email)[0])
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
        expired = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "This link has expired" in expired


def test_sign_in_link_requests_are_limited_like_password_resets(client, user):
    token = csrf_token(client, "/login/link")
    statuses = [
        client.post("/login/link", data={"email": user.email, "csrf_token": token}).status_code
        for _ in range(6)
    ]
    assert statuses == [302] * 5 + [429]


@pytest.mark.redis
def test_the_owner_gets_in_with_the_counters_kept_in_redis(app_factory, redis_url, user):
    app = app_factory(RATELIMIT_STORAGE_URI=redis_url)
    attacker, owner = app.test_client(), app.test_client()
    lock_out(attacker, user.email)
    assert login(attacker, user.email, PASSWORD, environ_base=ATTACKER).status_code == 429
    assert login(owner, user.email, PASSWORD, environ_base=OWNER).status_code == 302
