"""The API clients the decks' tests act through: Ada (`user`), signed in, and Grace, another
person, signed in on a client of her own."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.conftest import make_person


@pytest.fixture
def api(client, user):
    return ApiClient(client).sign_in(user.email)


@pytest.fixture
def other(app, client):
    person = make_person(app, email="grace@example.com", display_name="Grace")
    return ApiClient(app.test_client()).sign_in(person.email)
