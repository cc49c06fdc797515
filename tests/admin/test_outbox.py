"""The mail outbox never lets an administrator read somebody else's single-use link."""

from __future__ import annotations

import re

import pytest

from prepdeck.config import ConfigurationError, load_config
from prepdeck.core import mail
from prepdeck.core.models import OutboxMessage
from prepdeck.extensions import db
from tests.conftest import login, post_form
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a brand new passphrase"


def stored(app, recipient: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(db.select(OutboxMessage).filter_by(recipient=recipient)))


def test_an_admin_cannot_take_over_an_account_through_a_reset_link(
    app, client, admin, user, mailbox
):
    # The attacker, an administrator, asks for a reset of Ada's password and reads the outbox.
    post_form(client, "/forgot-password", {"email": user.email})
    login(client, admin.email)
    [message] = stored(app, user.email)
    assert message.status == "sent"
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Reset your Prepdeck password" in page
    assert "/reset-password/" not in page
    assert "/reset-password/" not in client.get("/admin/outbox").get_data(as_text=True)
    assert "/reset-password/" not in message.body_text  # not kept after delivery either
    assert message.body_text == mail.REMOVED_BODY

    # Ada received the link, and it works for her.
    link = mailbox.link(user.email)
    assert link.startswith("/reset-password/")
    ada = app.test_client()
    response = post_form(ada, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.location == "/login"
    assert login(ada, user.email, NEW_PASSWORD).location == "/"


def waiting_message(app, body: str, status: str = "queued") -> int:
    """A sensitive message not yet delivered (its worker is busy, or every try failed)."""
    with app.app_context():
        message = OutboxMessage(
            recipient="ada@example.com", subject="Reset your Prepdeck password",
            body_text=body, is_sensitive=True, status=status,
        )  # fmt: skip
        db.session.add(message)
        db.session.commit()
        return message.id


def test_links_of_a_message_waiting_for_delivery_are_masked(app, client, admin):
    secret = "IjEi.Zt2xYw.k7Qm9dVfL3sPq8rT"
    body = f"Hello Ada,\n\nOpen http://127.0.0.1:5000/reset-password/{secret} within an hour.\n"
    queued = waiting_message(app, body)
    failed = waiting_message(app, body, status="failed")
    login(client, admin.email)
    for message_id in (queued, failed):
        page = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
        assert secret not in page
        assert "Hello Ada" in page
        assert f"http://127.0.0.1:5000/reset-password/{mail.HIDDEN_LINK}" in page
        assert 'data-testid="sensitive-note"' in page


def test_the_console_backend_prints_the_message_then_forgets_its_link(app_factory, capfd, user):
    app = app_factory(MAIL_BACKEND="console")
    client = app.test_client()
    post_form(client, "/forgot-password", {"email": user.email})
    printed = capfd.readouterr().out
    assert re.search(r"To: ada@example.com\nSubject: Reset your Prepdeck password", printed)
    assert "http://127.0.0.1:5000/reset-password/" in printed
    [message] = stored(app, user.email)
    assert message.status == "sent" and message.body_text == mail.REMOVED_BODY


def test_an_unknown_mail_backend_is_refused_at_start(monkeypatch, tmp_path):
    monkeypatch.setenv("MAIL_BACKEND", "carrier-pigeon")
    with pytest.raises(ConfigurationError, match="MAIL_BACKEND must be one of smtp, console"):
        load_config("development", str(tmp_path))


def test_an_admin_confirms_an_address_by_hand(app, client, admin):
    with app.app_context():
        grace = UserFactory(email="grace@example.com", email_confirmed_at=None)
        grace_id = grace.id
    grace_client = app.test_client()
    refused = login(grace_client, "grace@example.com", follow_redirects=True)
    assert "Please confirm your email address first" in refused.get_data(as_text=True)
    login(client, admin.email)
    response = post_form(
        client, f"/admin/users/{grace_id}/confirm", {"next": "/admin/users"}, page="/admin/users"
    )
    assert response.location == "/admin/users"
    assert "grace@example.com is confirmed" in client.get("/admin/users").get_data(as_text=True)
    assert login(grace_client, "grace@example.com", PASSWORD).location == "/"
