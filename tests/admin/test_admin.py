"""The /admin area: who may enter, and what an administrator can change."""

import pytest

from prepdeck.accounts.models import User
from prepdeck.core import mail
from prepdeck.core.errors import Conflict
from prepdeck.extensions import db
from tests.conftest import login, make_person, post_form
from tests.factories import AdminFactory


def account(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def test_dashboard_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/dashboard")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_dashboard_is_forbidden_to_ordinary_users(client, user):
    login(client, user.email)
    response = client.get("/admin/dashboard")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_dashboard_shows_counts_signups_jobs_and_outbox(app, client, admin, user):
    with app.app_context():
        mail.queue_email("ada@example.com", "Hello from the outbox", "body")
    login(client, admin.email)
    response = client.get("/admin/dashboard")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="count-total">2<' in body
    assert 'data-testid="count-admins">1<' in body
    assert "ada@example.com" in body  # a recent sign-up
    assert "Hello from the outbox" in body
    jobs = client.get("/admin/jobs").get_data(as_text=True)
    assert "core.send_email" in jobs and "succeeded" in jobs


def test_admin_reads_an_outbox_message(app, client, admin):
    with app.app_context():
        message_id = mail.queue_email("x@example.com", "Subject line", "Open http://example.com/a")
    login(client, admin.email)
    body = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert "Subject line" in body
    assert '<a href="http://example.com/a"' in body  # ordinary mail is shown whole
    assert 'data-testid="sensitive-note"' not in body
    assert client.get("/admin/outbox/999999").status_code == 404


def test_disabling_a_user_signs_them_out_and_blocks_sign_in(app, admin, user):
    admin_client, user_client = app.test_client(), app.test_client()
    login(user_client, user.email)
    login(admin_client, admin.email)
    response = post_form(admin_client, f"/admin/users/{user.id}/disable", {}, page="/admin/users")
    assert response.status_code == 302
    assert account(app, user.id).is_disabled
    assert user_client.get("/account/settings").status_code == 302
    assert "has been disabled" in login(user_client, user.email, follow_redirects=True).get_data(
        as_text=True
    )

    post_form(admin_client, f"/admin/users/{user.id}/enable", {}, page="/admin/users")
    assert not account(app, user.id).is_disabled
    assert login(user_client, user.email).status_code == 302


def test_role_change_and_own_role_is_protected(app, client, admin, user):
    login(client, admin.email)
    post_form(client, f"/admin/users/{user.id}/role", {"role": "admin"}, page="/admin/users")
    assert account(app, user.id).role == "admin"
    post_form(client, f"/admin/users/{user.id}/role", {"role": "user"}, page="/admin/users")
    assert account(app, user.id).role == "user"

    response = post_form(
        client, f"/admin/users/{admin.id}/role", {"role": "user"}, page="/admin/users",
        follow_redirects=True,
    )  # fmt: skip
    assert "You cannot change your own role." in response.get_data(as_text=True)
    assert account(app, admin.id).role == "admin"

    bogus = post_form(
        client, f"/admin/users/{user.id}/role", {"role": "owner"}, page="/admin/users"
    )
    assert bogus.status_code == 302
    assert account(app, user.id).role == "user"


def test_last_active_admin_cannot_be_demoted_or_disabled(app):
    from prepdeck.admin import services

    lone = make_person(app, AdminFactory, email="lone@example.com")
    other = make_person(app, AdminFactory, email="other@example.com", is_disabled=True)
    with app.app_context():
        actor = db.session.get(User, other.id)  # a disabled admin cannot sign in, but the
        for change in (  # rule holds for any caller of the service
            lambda: services.set_role(actor, lone.id, "user"),
            lambda: services.set_disabled(actor, lone.id, True),
        ):
            with pytest.raises(Conflict, match="at least one active administrator"):
                change()
        # A disabled admin does not count, so demoting one is fine.
        services.set_role(db.session.get(User, lone.id), other.id, "user")
    assert account(app, lone.id).role == "admin" and not account(app, lone.id).is_disabled


def test_admin_cannot_disable_themselves(app, client, admin):
    login(client, admin.email)
    response = post_form(
        client, f"/admin/users/{admin.id}/disable", {}, page="/admin/users", follow_redirects=True
    )
    assert "You cannot disable your own account." in response.get_data(as_text=True)
    assert not account(app, admin.id).is_disabled


def test_user_list_search_and_pages(app, client, admin):
    for n in range(30):
        make_person(app, email=f"member{n:02d}@example.com")
    login(client, admin.email)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    found = client.get("/admin/users?q=member07").get_data(as_text=True)
    assert "member07@example.com" in found and "member08@example.com" not in found
    assert "No users match." in client.get("/admin/users?q=%25_").get_data(as_text=True)


def test_admin_actions_need_csrf_and_an_existing_user(client, admin):
    login(client, admin.email)
    assert client.post("/admin/users/1/disable").status_code == 400
    response = post_form(client, "/admin/users/424242/disable", {}, page="/admin/users")
    assert response.status_code == 404
