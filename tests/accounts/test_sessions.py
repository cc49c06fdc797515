"""Signed-in sessions kept on the server: signing out ends that one for good, on every copy
of its cookies, and leaves the person's other devices signed in."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from prepdeck.core.models import utcnow
from prepdeck.extensions import db
from tests.conftest import login, post_form
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def cookie(client, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def replay(app, **cookies):
    """A stranger's browser holding copies of the cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief.get("/account/settings")


def signed_out(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login?next=")


def test_signing_out_ends_copied_cookies_but_not_the_other_devices(app, user):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email, remember=True)
    stolen = {"session": cookie(phone, "session"), "remember": cookie(phone, "remember_token")}
    laptop_copy = cookie(laptop, "session")
    assert replay(app, session=stolen["session"]).status_code == 200
    assert replay(app, remember_token=stolen["remember"]).status_code == 200

    post_form(phone, "/logout", {}, page="/")
    assert signed_out(replay(app, session=stolen["session"]))
    assert signed_out(replay(app, remember_token=stolen["remember"]))
    assert signed_out(replay(app, session=stolen["session"], remember_token=stolen["remember"]))
    assert laptop.get("/account/settings").status_code == 200
    assert replay(app, session=laptop_copy).status_code == 200

    post_form(laptop, "/logout", {}, page="/")
    assert signed_out(replay(app, session=laptop_copy))


def test_settings_list_the_devices_and_sign_one_out(app, user):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email, headers={"User-Agent": "Laptop Browser/1.0"})
    login(phone, user.email, remember=True, headers={"User-Agent": "Phone Browser/2.0"})
    page = laptop.get("/account/settings").get_data(as_text=True)
    assert "Laptop Browser/1.0" in page and "Phone Browser/2.0" in page
    assert page.count('data-testid="this-device"') == 1
    [action] = re.findall(r'action="(/account/settings/sessions/\d+/end)"', page)
    response = post_form(laptop, action, {}, page="/account/settings")
    assert response.status_code == 302
    assert signed_out(phone.get("/account/settings"))
    assert laptop.get("/account/settings").status_code == 200
    assert "Phone Browser/2.0" not in laptop.get("/account/settings").get_data(as_text=True)


def test_a_device_of_someone_else_cannot_be_signed_out(app, user):
    from tests.conftest import make_person

    other = make_person(app, email="grace@example.com")
    mine, theirs = app.test_client(), app.test_client()
    login(mine, user.email)
    login(theirs, other.email)
    page = theirs.get("/account/settings").get_data(as_text=True)
    their_id = re.search(r'data-testid="this-device" data-session="(\d+)"', page).group(1)
    response = post_form(
        mine, f"/account/settings/sessions/{their_id}/end", {}, "/account/settings"
    )
    assert response.status_code == 404
    assert theirs.get("/account/settings").status_code == 200


def test_sessions_end_when_their_time_is_up_and_are_pruned(app, user):
    from prepdeck.accounts.tasks import prune_expired_sessions

    browser, kept = app.test_client(), app.test_client()
    login(browser, user.email)
    login(kept, user.email, remember=True)
    copies = (
        {"session": cookie(browser, "session")},
        {"remember_token": cookie(kept, "remember_token")},
    )
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        assert signed_out(replay(app, **copies[0]))  # past the 7-day session lifetime
        assert replay(app, **copies[1]).status_code == 200  # kept signed in: 30 days
        with app.app_context():
            assert prune_expired_sessions() == 1
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        assert signed_out(replay(app, **copies[1]))
        with app.app_context():
            assert prune_expired_sessions() == 1


def test_password_change_ends_every_other_session_and_keeps_this_one(app, user):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email, remember=True)
    login(phone, user.email, remember=True)
    copy = cookie(laptop, "remember_token")
    post_form(
        laptop, "/account/settings/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/account/settings",
    )  # fmt: skip
    assert signed_out(phone.get("/account/settings"))
    assert signed_out(replay(app, remember_token=copy))  # the one from before the change
    assert laptop.get("/account/settings").status_code == 200
    laptop.delete_cookie("session")  # this device stays remembered, with a new cookie
    assert laptop.get("/account/settings").status_code == 200


def test_last_seen_is_written_at_most_every_few_minutes(app, user):
    from prepdeck.accounts.models import UserSession

    client = app.test_client()
    login(client, user.email)

    def last_seen():
        with app.app_context():
            return db.session.scalar(db.select(UserSession.last_seen_at))

    first = last_seen()
    with time_machine.travel(utcnow() + timedelta(minutes=2), tick=False):
        client.get("/account/settings")
    assert last_seen() == first
    with time_machine.travel(utcnow() + timedelta(minutes=6), tick=False):
        client.get("/account/settings")
        assert last_seen() > first


def test_celery_beat_prunes_expired_sessions(app):
    schedule = app.config["CELERY"]["beat_schedule"].values()
    [entry] = [e for e in schedule if e["task"] == "accounts.prune_expired_sessions"]
    assert entry["task"] in app.extensions["celery"].tasks
    assert entry["schedule"] <= 3600
