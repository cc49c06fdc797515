"""The quiz operations under every schemathesis check: requests the spec allows are accepted
(or meet a documented 404/409), requests it forbids are refused, a missing or made-up token is
refused, and every response matches the spec."""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from flask_jwt_extended import create_access_token
from hypothesis import HealthCheck, settings

from prepdeck import create_app
from prepdeck.decks import questions, services
from prepdeck.practice import quizzes
from prepdeck.practice import services as practice
from tests.factories import UserFactory

SEED = 20261203
OWNER_ID = 4343  # fixed, so that tokens made while cases are generated name the owner
COUNTED = {"cases": 0, "operations": set()}

_spec_app = create_app(
    {
        "PREPDECK_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(hours=2),  # outlive the run
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _spec_app, config=schemathesis.Config(seed=SEED)
).include(path_regex=r"^/api/v1/quizzes")
schema.config.generation.update(max_examples=40)
schema.config.checks.update(included_check_names=["all"])


@schema.auth(refresh_interval=None)
class OwnerToken:
    """The owner's token on every case but those the coverage phase sends without one on
    purpose, so that schemathesis also checks that a missing or made-up token is refused.
    Signed by the spec's app, which has the same testing key as the test's app."""

    def get(self, case, context):
        with _spec_app.app_context():
            return create_access_token(str(OWNER_ID), additional_claims={"sv": 1})

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def quiz_app(app_factory):
    """The owner follows a public deck and has a quiz under way; a stranger has one too."""
    app = app_factory(API_RATE_LIMIT="100000 per minute", REDIS_URL=None)
    with app.app_context():
        owner, stranger = UserFactory(id=OWNER_ID), UserFactory()
        public = services.create_deck(owner, "Public deck", visibility="public")
        for n in range(1, 6):
            questions.add_question(public, owner, f"Question {n}?", f"Answer {n}.", "basic", ["t"])
        for person in (owner, stranger):
            practice.follow(person, public.slug)
            quizzes.create_quiz(person, deck_ids=[], levels=[], tags=[], question_count=3,
                                seconds_per_question=60)  # fmt: skip
    return app


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_quiz_operations_pass_every_check(case, quiz_app):
    COUNTED["cases"] += 1
    COUNTED["operations"].add(case.operation.label)
    case.call_and_validate(app=quiz_app)


def test_every_quiz_operation_ran():
    """Runs after the generated tests (file order)."""
    assert len(COUNTED["operations"]) == 5, COUNTED["operations"]
    assert COUNTED["cases"] >= 200, COUNTED["cases"]
