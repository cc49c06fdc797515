"""A page number in a list's address is bounded: absurd or past-the-end pages are a 404 page,
never a 500 (SQLite cannot even hold the offset of a 23-digit page)."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories import DeckFactory

HUGE = "99999999999999999999999"


@pytest.fixture
def public_deck(app, user):
    with app.app_context():
        DeckFactory(title="Flask basics", owner_id=user.id)


@pytest.mark.parametrize(
    "path",
    [f"/decks?page={HUGE}", f"/search?q=flask&page={HUGE}", "/decks?page=-1", "/decks?page=0",
     "/decks?page=1e3", "/decks?page=%C2%B2", "/decks?page=10001", "/decks?page=2",
     "/search?q=flask&page=2", "/search?q=flask&page=51"],
)  # fmt: skip
def test_a_page_that_cannot_exist_is_a_404_page(app_factory, public_deck, path):
    client = app_factory(PROPAGATE_EXCEPTIONS=False).test_client()
    response = client.get(path)
    assert response.status_code == 404, path
    assert "We could not find that page" in response.get_data(as_text=True)


def test_the_pages_that_exist_still_answer(client, public_deck):
    for path in ("/decks", "/decks?page=1", "/decks?page="):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Flask basics" in response.get_data(as_text=True), path
    assert client.get("/search?q=flask&page=1").status_code == 200  # no hit is still a page


def test_signed_in_lists_are_bounded_too(app_factory, user, admin):
    client = app_factory(PROPAGATE_EXCEPTIONS=False).test_client()
    login(client, user.email)
    assert client.get(f"/decks/mine?page={HUGE}").status_code == 404
    assert client.get("/decks/mine").status_code == 200
    admin_client = app_factory(PROPAGATE_EXCEPTIONS=False).test_client()
    login(admin_client, admin.email)
    assert admin_client.get(f"/admin/users?page={HUGE}").status_code == 404
    assert admin_client.get("/admin/users?page=1").status_code == 200
