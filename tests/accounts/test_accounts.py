"""Registering, confirming, signing in and out, resetting a password, and settings."""

import time_machine
from flask import session

from tests.accounts.mailbox import link_in, outbox, users
from tests.conftest import csrf_token, login, make_person, post_form
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def register(client, email="grace@example.com", name="Grace", password=PASSWORD, **extra):
    data = {"email": email, "display_name": name, "password": password, "confirm": password}
    data.update(extra)
    return post_form(client, "/register", data)


def test_register_sends_a_confirmation_email_and_confirming_allows_sign_in(app, client):
    response = register(client)
    assert response.status_code == 302 and response.location == "/login"
    [message] = outbox(app, "grace@example.com")
    assert message.subject == "Confirm your Prepdeck email"
    confirm_link = link_in(message)

    refused = login(client, "grace@example.com")
    assert "Please confirm your email address first" in refused.get_data(as_text=True)

    confirmed = client.get(confirm_link, follow_redirects=True)
    assert "your email address is confirmed" in confirmed.get_data(as_text=True)
    again = client.get(confirm_link, follow_redirects=True)
    assert "already confirmed" in again.get_data(as_text=True)

    signed_in = login(client, "grace@example.com", follow_redirects=True)
    assert "Welcome back, Grace." in signed_in.get_data(as_text=True)


def test_register_shows_field_errors_and_keeps_what_was_typed(app, client):
    response = register(client, email="not-an-email", password="short", confirm="other")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid email address." in body
    assert "The passwords do not match." in body
    assert 'value="not-an-email"' in body
    assert users(app) == []


def test_weak_password_is_refused_next_to_the_field(app, client):
    body = register(client, password="password123").get_data(as_text=True)
    assert "This password is too easy to guess." in body
    assert "is-invalid" in body
    assert outbox(app, "grace@example.com") == []


def test_registering_an_existing_email_does_not_reveal_it(app, client, user):
    response = register(client, email="ADA@example.com")
    assert response.status_code == 302  # same answer as for a new address
    [notice] = outbox(app, "ada@example.com")
    assert notice.subject == "You already have a Prepdeck account"
    assert len(users(app)) == 1


def test_confirmation_link_expires(app, client):
    with time_machine.travel("2026-01-01 12:00", tick=False):
        register(client)
    link = link_in(outbox(app, "grace@example.com")[0])
    with time_machine.travel("2026-01-05 12:00", tick=False):
        response = client.get(link, follow_redirects=True)
    assert "This link has expired" in response.get_data(as_text=True)


def test_tampered_link_is_refused(app, client):
    register(client)
    link = link_in(outbox(app, "grace@example.com")[0])
    response = client.get(link[:-3] + "abc", follow_redirects=True)
    assert "This link is not valid" in response.get_data(as_text=True)
    assert users(app)[0].email_confirmed_at is None


def test_sign_in_with_remember_me_and_safe_next(client, user):
    response = login(
        client, "ada@example.com", remember=True, query_string={"next": "/account/settings"}
    )
    assert response.location == "/account/settings"
    assert "remember_token" in response.headers.get("Set-Cookie", "") or any(
        "remember_token=" in c for c in response.headers.getlist("Set-Cookie")
    )
    assert client.get("/account/settings").status_code == 200


def test_next_pointing_to_another_site_is_ignored(client, user):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = login(client, "ada@example.com", query_string={"next": target})
        assert response.location == "/", target
        post_form(client, "/logout", {}, page="/")


def test_wrong_password_shows_one_message_for_unknown_and_known_emails(client, user):
    wrong = login(client, "ada@example.com", "not the password").get_data(as_text=True)
    unknown = login(client, "nobody@example.com").get_data(as_text=True)
    assert "Email or password is incorrect." in wrong
    assert "Email or password is incorrect." in unknown


def test_six_wrong_passwords_in_a_minute_get_429_with_retry_after(client, user):
    for _ in range(5):
        assert login(client, "ada@example.com", "wrong password!").status_code == 200
    response = login(client, "ada@example.com", "wrong password!")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    # Even the right password waits until the window has passed.
    assert login(client, "ada@example.com").status_code == 429


def test_failures_spread_over_accounts_are_throttled_per_address(app_factory):
    app = app_factory(LOGIN_LIMIT_IP="3 per minute")
    client = app.test_client()
    with app.app_context():
        for n in range(3):
            assert login(client, f"someone{n}@example.com", "wrong").status_code == 200
        assert login(client, "someone9@example.com", "wrong").status_code == 429


def test_logout_is_a_post_and_ends_the_session(client, user):
    login(client, "ada@example.com")
    assert client.get("/logout").status_code == 405
    response = post_form(client, "/logout", {}, page="/")
    assert response.status_code == 302
    assert client.get("/account/settings").status_code == 302


def test_sign_in_starts_a_fresh_session(client, user):
    with client:
        client.get("/login")
        before = session.get("csrf_token")
        login(client, "ada@example.com")
        assert session.get("csrf_token") != before


def test_disabled_account_cannot_sign_in(app, client):
    make_person(app, email="off@example.com", is_disabled=True)
    body = login(client, "off@example.com", follow_redirects=True).get_data(as_text=True)
    assert "This account has been disabled" in body


def test_password_reset_flow_is_single_use_and_silent_about_unknown_emails(app, client, user):
    unknown = post_form(client, "/forgot-password", {"email": "ghost@example.com"})
    known = post_form(client, "/forgot-password", {"email": "ada@example.com"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.location == known.location
    assert outbox(app, "ghost@example.com") == []
    [message] = outbox(app, "ada@example.com")
    link = link_in(message)

    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.location == "/login"
    assert login(client, "ada@example.com", NEW_PASSWORD).status_code == 302

    reused = client.get(link, follow_redirects=True)
    assert "already been used" in reused.get_data(as_text=True)


def test_reset_link_expires_after_an_hour(app, client, user):
    with time_machine.travel("2026-03-01 09:00", tick=False):
        post_form(client, "/forgot-password", {"email": "ada@example.com"})
    link = link_in(outbox(app, "ada@example.com")[0])
    with time_machine.travel("2026-03-01 10:01", tick=False):
        response = client.get(link, follow_redirects=True)
    assert "This link has expired" in response.get_data(as_text=True)


def test_settings_need_sign_in(client):
    response = client.get("/account/settings")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_change_display_name(client, user):
    login(client, "ada@example.com")
    response = post_form(
        client, "/account/settings/profile", {"display_name": "Ada L."}, page="/account/settings"
    )
    assert response.status_code == 302
    assert "Ada L." in client.get("/account/settings").get_data(as_text=True)


def test_change_password_needs_the_current_one(client, user):
    login(client, "ada@example.com")
    response = post_form(
        client,
        "/account/settings/password",
        {"current_password": "wrong one!", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/account/settings",
    )
    assert response.status_code == 422
    assert "Your current password is incorrect." in response.get_data(as_text=True)


def test_password_change_ends_other_sessions_and_remember_cookies(app, user):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "ada@example.com")
    login(phone, "ada@example.com", remember=True)
    assert phone.get("/account/settings").status_code == 200

    response = post_form(
        laptop,
        "/account/settings/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/account/settings",
    )
    assert response.status_code == 302
    assert laptop.get("/account/settings").status_code == 200  # this session carries on
    assert phone.get("/account/settings").status_code == 302  # the other one is over
    phone.delete_cookie("session")  # even the remember-me cookie alone no longer works
    assert phone.get("/account/settings").status_code == 302
    assert outbox(app, "ada@example.com")[-1].subject == "Your Prepdeck password was changed"


def test_change_email_to_a_taken_one_is_refused(app, client, user):
    make_person(app, email="taken@example.com")
    login(client, "ada@example.com")
    response = post_form(
        client,
        "/account/settings/email",
        {"email": "taken@example.com", "current_password": PASSWORD},
        page="/account/settings",
    )
    assert response.status_code == 422
    assert "already in use" in response.get_data(as_text=True)


def test_partial_or_malformed_posts_change_nothing(app, client, user):
    token = csrf_token(client, "/register")
    response = client.post("/register", data={"csrf_token": token, "email": ["a", "b"]})
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)
    assert len(users(app)) == 1


def test_email_links_ignore_a_forged_host_header(app, client, user):
    post_form(client, "/forgot-password", {"email": "ada@example.com"})
    token = csrf_token(client, "/forgot-password")
    client.post(
        "/forgot-password",
        data={"email": "ada@example.com", "csrf_token": token},
        headers={"Host": "evil.example"},
    )
    for message in outbox(app, "ada@example.com"):
        assert "evil.example" not in message.body_text
        assert "http://127.0.0.1:5000/reset-password/" in message.body_text


def test_signing_out_also_ends_keep_me_signed_in(client, user):
    login(client, "ada@example.com", remember=True)
    response = post_form(client, "/logout", {}, page="/")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=;") for c in cookies), cookies
    assert client.get("/account/settings").status_code == 302


def test_without_keep_me_signed_in_the_session_ends_with_the_browser(client, user):
    response = login(client, "ada@example.com")
    [session_cookie] = [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
    ]
    assert "Expires" not in session_cookie
    remembered = login(client.application.test_client(), "ada@example.com", remember=True)
    assert any(
        "Expires" in c for c in remembered.headers.getlist("Set-Cookie") if c.startswith("session=")
    )


def test_reset_link_stops_working_after_the_email_changes(app, client, user):
    post_form(client, "/forgot-password", {"email": "ada@example.com"})
    link = link_in(outbox(app, "ada@example.com")[0])
    login(client, "ada@example.com")
    post_form(
        client, "/account/settings/email",
        {"email": "someone-else@example.com", "current_password": PASSWORD},
        page="/account/settings",
    )  # fmt: skip
    pending = client.get(link, follow_redirects=True)  # the address has not changed yet
    assert "Choose a new password" in pending.get_data(as_text=True)
    client.get(link_in(outbox(app, "someone-else@example.com")[0]))
    post_form(client, "/logout", {}, page="/")
    response = client.get(link, follow_redirects=True)
    assert "already been used" in response.get_data(as_text=True)
    assert users(app)[0].email == "someone-else@example.com"


def test_an_overlong_password_is_a_failed_sign_in_not_an_error(client, user):
    response = login(client, "ada@example.com", "é" * 60)  # 120 bytes, over bcrypt's 72
    assert response.status_code == 200
    assert "Email or password is incorrect." in response.get_data(as_text=True)


def test_email_link_tokens_are_not_written_to_the_access_log(app, client, user, caplog):
    post_form(client, "/forgot-password", {"email": "ada@example.com"})
    link = link_in(outbox(app, "ada@example.com")[0])
    token = link.rsplit("/", 1)[1]
    with caplog.at_level("INFO", logger="prepdeck.access"):
        assert client.get(link).status_code == 200
    [logged] = [r for r in caplog.records if r.name == "prepdeck.access" and "reset" in r.path]
    assert logged.path == "/reset-password/<token>"
    assert token not in caplog.text
