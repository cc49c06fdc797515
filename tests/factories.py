"""factory-boy factories: `UserFactory(email=...)` gives a saved, confirmed user."""

from __future__ import annotations

import factory

from prepdeck.accounts.models import User
from prepdeck.accounts.services import hash_password
from prepdeck.core.models import utcnow
from prepdeck.decks.models import Deck
from prepdeck.extensions import db

PASSWORD = "correct horse battery"


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - resolved per test app
        sqlalchemy_session_persistence = "commit"

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    role = "user"
    email_confirmed_at = factory.LazyFunction(utcnow)


class AdminFactory(UserFactory):
    role = "admin"


class DeckFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = Deck
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - resolved per test app
        sqlalchemy_session_persistence = "commit"

    title = factory.Sequence(lambda n: f"Deck {n}")
    slug = factory.Sequence(lambda n: f"deck-{n}")
    description = "A deck for tests."
    visibility = "public"
    owner_id = factory.LazyFunction(lambda: UserFactory().id)
