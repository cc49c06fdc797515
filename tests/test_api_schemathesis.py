"""Generated requests over every operation of the spec, checked against the spec: no server
errors, only documented statuses, and bodies that match their schemas.

Fixed seed, authenticated (a fresh token per case, so a case that revokes its token does not
disarm the ones after it), on a database that holds a public deck, a private deck of someone
else, questions, an import and an export, a followed deck and answered cards, a quiz and an
interview plan for the generated ids to hit. The practice operations, and the interview plan,
run again under every check schemathesis has.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import schemathesis
from flask_jwt_extended import create_access_token, create_refresh_token
from hypothesis import HealthCheck, settings

from prepdeck import create_app
from prepdeck.accounts.models import User
from prepdeck.decks import exports, imports, questions, services
from prepdeck.extensions import db
from prepdeck.practice import plans, quizzes
from prepdeck.practice import services as practice
from tests.factories import UserFactory

SEED = 20261202
EXAMPLES = 60  # per operation, in the fuzzing phase; the coverage phase adds more
MIN_CASES = 1_000
CHECKS = ["not_a_server_error", "status_code_conformance", "response_schema_conformance"]
COUNTED = {"cases": 0, "operations": set()}

# The spec does not depend on the database: a throwaway app in memory gives it.
_spec_app = create_app({"PREPDECK_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _spec_app, config=schemathesis.Config(seed=SEED)
)
schema.config.generation.update(max_examples=EXAMPLES)
schema.config.checks.update(included_check_names=CHECKS)


@pytest.fixture
def fuzz_app(app_factory):
    app = app_factory(
        API_RATE_LIMIT="100000 per minute",
        LOGIN_LIMIT_ACCOUNT="100000 per minute",
        LOGIN_LIMIT_IP="100000 per minute",
        REDIS_URL=None,
    )
    with app.app_context():
        owner, stranger = UserFactory(), UserFactory()
        public = services.create_deck(owner, "Public deck", visibility="public")
        ids = [
            questions.add_question(public, owner, f"Question {n}?", f"Answer {n}.", "basic").id
            for n in range(1, 6)
        ]
        # Practice: the owner follows the public deck and has answered some of it.
        practice.follow(owner, public.slug)
        for n, question_id in enumerate(ids[:3]):
            practice.review(owner, question_id, 1 + n, 4_000, f"fixture-{n}")
        services.create_deck(stranger, "Someone else's", visibility="private")
        # The shortest address the spec allows, so that following and unfollowing find a deck.
        services.create_deck(stranger, "Short address", visibility="public", slug="0")
        imports.upload(owner, b"## Basic\n\n### 1. What is g?\n\nStorage.\n", start=True)
        exports.start(public, owner, "md")
        quizzes.create_quiz(owner, deck_ids=[], levels=[], tags=[], question_count=3,
                            seconds_per_question=60)  # fmt: skip
        plans.set_plan(owner, plans.person_today(owner) + timedelta(days=30), [public.id])
        app.config["FUZZ_OWNER_ID"] = owner.id
        app.config["FUZZ_PUBLIC_DECK_ID"] = public.id
    return app


def _tokens(app) -> dict[str, str]:
    with app.app_context():
        user = db.session.get(User, app.config["FUZZ_OWNER_ID"])
        claims = {"sv": user.session_version}
        return {
            "access": create_access_token(str(user.id), additional_claims=claims),
            "refresh": create_refresh_token(str(user.id), additional_claims=claims),
        }


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_conforms_to_its_spec(case, fuzz_app):
    tokens = _tokens(fuzz_app)
    token = tokens["refresh"] if case.operation.path.endswith("/auth/refresh") else tokens["access"]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    COUNTED["cases"] += 1
    COUNTED["operations"].add(case.operation.label)
    case.call_and_validate(app=fuzz_app)


# The practice operations pass every check there is (`--checks all`): requests the spec allows
# are accepted, requests it forbids are refused.
ALL_CHECKS = [
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
    "positive_data_acceptance", "missing_required_header", "unsupported_method",
    "allow_header_conformance", "use_after_free", "ensure_resource_availability",
    "ignored_auth",
    # Inert without several identities configured; tests/practice/test_api.py shows that
    # another person's cards, reviews and data stay invisible.
    "object_level_authorization",
]  # fmt: skip
PRACTICE_PATHS = r"^/api/v1/(follows|reviews|cards|practice)(/|$)"
practice_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _spec_app, config=schemathesis.Config(seed=SEED)
).include(path_regex=PRACTICE_PATHS)
practice_schema.config.generation.update(max_examples=EXAMPLES)
practice_schema.config.checks.update(included_check_names=ALL_CHECKS)
PRACTICE_COUNTED = {"cases": 0, "operations": set(), "succeeded": set()}


@practice_schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_practice_operations_pass_every_check(case, fuzz_app):
    PRACTICE_COUNTED["cases"] += 1
    PRACTICE_COUNTED["operations"].add(case.operation.label)
    # Given as explicit headers, so that the checks know the token is a real one (and try the
    # request without it, or with a wrong one, themselves).
    token = _tokens(fuzz_app)["access"]
    response = case.call_and_validate(app=fuzz_app, headers={"Authorization": f"Bearer {token}"})
    if 200 <= response.status_code < 300:
        PRACTICE_COUNTED["succeeded"].add(case.operation.label)


# The interview plan under every check (`--checks all`): requests the spec allows are accepted,
# those it forbids refused. Its one rule the spec cannot state is the calendar's: a day before
# the person's today is refused (422); generated valid plans get a day ahead, and a deck that
# exists, so that they reach the plan's own answers.
plan_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _spec_app, config=schemathesis.Config(seed=SEED)
).include(path="/api/v1/plan")
plan_schema.config.generation.update(max_examples=EXAMPLES)
plan_schema.config.checks.update(included_check_names=["all"])


def _a_plan_that_can_be_kept(case, deck_id: int) -> None:
    body = case.body
    if not isinstance(body, dict) or not case.meta or not case.meta.generation.mode.is_positive:
        return
    try:
        day = date.fromisoformat(body.get("interview_date"))
    except (TypeError, ValueError):
        return
    if day < date.today() + timedelta(days=2):
        body["interview_date"] = (date.today() + timedelta(days=40)).isoformat()
    if isinstance(body.get("deck_ids"), list) and len(body["deck_ids"]) % 2:
        body["deck_ids"] = [deck_id]


@plan_schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_plan_api_passes_every_check(case, fuzz_app):
    # The token as explicit credentials: the auth checks take it away to see the plan refused.
    token = _tokens(fuzz_app)["access"]
    _a_plan_that_can_be_kept(case, fuzz_app.config["FUZZ_PUBLIC_DECK_ID"])
    case.call_and_validate(app=fuzz_app, headers={"Authorization": f"Bearer {token}"})


def test_enough_cases_ran():
    """Runs after the generated tests (file order): they must have covered enough ground."""
    assert len(COUNTED["operations"]) == len(list(schema.get_all_operations()))
    print(f"schemathesis: {COUNTED['cases']} cases over {len(COUNTED['operations'])} operations")
    assert COUNTED["cases"] >= MIN_CASES, COUNTED["cases"]
    practice_operations = list(practice_schema.get_all_operations())
    assert len(practice_operations) == 11
    assert len(PRACTICE_COUNTED["operations"]) == len(practice_operations)
    # Each was reached, not only refused: the token was sent and the fixture's data was found.
    assert PRACTICE_COUNTED["succeeded"] == PRACTICE_COUNTED["operations"]
    print(f"schemathesis, every check: {PRACTICE_COUNTED['cases']} practice cases")
