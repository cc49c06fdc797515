"""Changing the email address: limited like registration, and the new address waits for its
link while the account goes on with the confirmed one."""

from __future__ import annotations

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from tests.accounts.mailbox import link_in, outbox, users
from tests.api_client import API, ApiClient, error_code
from tests.conftest import csrf_token, login, make_person, post_form
from tests.factories import PASSWORD

VICTIM = "victim@example.com"


def change_email(client, email: str, password: str = PASSWORD, **extra):
    data = {"email": email, "current_password": password}
    return post_form(client, "/account/settings/email", data, page="/account/settings", **extra)


def settings_action(client, action: str, **extra):
    return post_form(client, f"/account/settings/email/{action}", {}, "/account/settings", **extra)


def test_twelve_quick_changes_are_cut_off_after_five(app, client, user):
    login(client, user.email)
    token = csrf_token(client, "/account/settings")
    statuses = []
    for n in range(12):  # the new address switches back and forth, as in the attack
        target = VICTIM if n % 2 == 0 else "elsewhere@example.com"
        data = {"email": target, "current_password": PASSWORD, "csrf_token": token}
        statuses.append(client.post("/account/settings/email", data=data).status_code)
    assert statuses == [302] * 5 + [429] * 7
    assert settings_action(client, "resend").status_code == 429  # the same budget
    assert len(outbox(app, VICTIM)) == 3  # posts 1, 3 and 5 named the victim's address
    assert len(outbox(app, user.email)) == 5  # one notice per accepted change


def test_the_limit_follows_the_account_across_addresses(app, client, user):
    login(client, user.email)
    statuses = [
        change_email(client, VICTIM, environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code
        for n in range(1, 8)
    ]
    assert statuses == [302] * 5 + [429] * 2
    assert len(outbox(app, VICTIM)) == 5


def test_the_new_address_waits_for_its_link_and_the_account_goes_on(app, client, user):
    login(client, user.email)
    api = ApiClient(app.test_client()).sign_in(user.email)
    assert change_email(client, "ada@new.example").status_code == 302
    [confirm] = outbox(app, "ada@new.example")
    assert confirm.subject == "Confirm your new Prepdeck email"
    notice = outbox(app, user.email)[-1]
    assert notice.subject == "Your Prepdeck email is about to change"
    assert "ada@new.example" in notice.body_text

    page = client.get("/account/settings").get_data(as_text=True)
    assert "Now: ada@example.com<" in page
    assert 'data-testid="pending-email">ada@new.example<' in page
    # Until the link is followed, the confirmed address is the account's for everything.
    assert api.get("me").get_json()["email"] == user.email
    assert login(app.test_client(), user.email).status_code == 302
    refused = login(app.test_client(), "ada@new.example").get_data(as_text=True)
    assert "Email or password is incorrect." in refused
    post_form(app.test_client(), "/forgot-password", {"email": "ada@new.example"})
    assert len(outbox(app, "ada@new.example")) == 1  # no reset link to the unproven address

    done = client.get(link_in(confirm), follow_redirects=True).get_data(as_text=True)
    assert "Your email address is now ada@new.example." in done
    [account] = users(app)
    assert (account.email, account.pending_email) == ("ada@new.example", None)
    assert account.is_confirmed
    assert client.get("/account/settings").status_code == 200  # still signed in
    assert api.get("me").get_json()["email"] == "ada@new.example"  # tokens too
    assert login(app.test_client(), "ada@new.example").status_code == 302
    assert login(app.test_client(), user.email).status_code == 200  # the old one is gone
    again = client.get(link_in(confirm), follow_redirects=True).get_data(as_text=True)
    assert "This link has already been used" in again


def test_an_address_taken_before_the_link_is_followed_is_not_swapped_in(app, client, user):
    login(client, user.email)
    change_email(client, "shared@example.com")
    link = link_in(outbox(app, "shared@example.com")[0])
    make_person(app, email="shared@example.com")  # someone else got there first
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "shared@example.com now belongs to another account" in page
    with app.app_context():
        mine = db.session.get(User, user.id)
        assert (mine.email, mine.pending_email) == (user.email, None)


def test_resend_and_cancel_the_pending_address(app, client, user):
    login(client, user.email)
    change_email(client, "ada@new.example")
    first = link_in(outbox(app, "ada@new.example")[0])
    assert settings_action(client, "resend").status_code == 302
    assert len(outbox(app, "ada@new.example")) == 2
    assert settings_action(client, "cancel").status_code == 302
    page = client.get("/account/settings").get_data(as_text=True)
    assert 'data-testid="pending-email"' not in page
    followed = client.get(first, follow_redirects=True).get_data(as_text=True)
    assert "This link has already been used" in followed
    assert users(app)[0].email == user.email
    assert settings_action(client, "resend").status_code == 302  # nothing pending: no mail
    assert len(outbox(app, "ada@new.example")) == 2


def test_asking_for_the_current_address_is_a_field_error(client, user):
    login(client, user.email)
    response = change_email(client, user.email.upper())
    assert response.status_code == 422
    assert "That is already your email address." in response.get_data(as_text=True)


def test_a_never_confirmed_account_gets_neither_a_session_nor_a_token(app, client):
    make_person(app, email="new@example.com", email_confirmed_at=None)
    page = login(client, "new@example.com").get_data(as_text=True)
    assert "Please confirm your email address first" in page
    assert client.get("/account/settings").status_code == 302
    token = client.post(
        f"{API}/auth/token", json={"email": "new@example.com", "password": PASSWORD}
    )
    assert token.status_code == 403
    assert error_code(token) == "email_unconfirmed"


def test_an_account_that_loses_its_confirmation_loses_sessions_and_tokens(app, client, user):
    # Accounts that changed address before the new address had to wait for its link.
    login(client, user.email)
    api = ApiClient(app.test_client()).sign_in(user.email)
    with app.app_context():
        db.session.get(User, user.id).email_confirmed_at = None
        db.session.commit()
    assert client.get("/account/settings").status_code == 302
    assert api.get("me").status_code == 401
