"""Generated requests over every operation of the spec, checked against the spec: no server
errors, only documented statuses, and bodies that match their schemas.

Fixed seed, authenticated (a fresh token per case, so a case that revokes its token does not
disarm the ones after it), on a database that holds a public deck, a private deck of someone
else, questions, an import and an export for the generated ids to hit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from flask_jwt_extended import create_access_token, create_refresh_token
from hypothesis import HealthCheck, settings
from schemathesis.transport.serialization import Binary

from prepdeck import create_app
from prepdeck.core.errors import Invalid
from prepdeck.decks import exports, imports, questions, services
from prepdeck.decks.decoding import decode_document
from tests.factories import UserFactory

SEED = 20261202
EXAMPLES = 25  # per operation, in the fuzzing phase; the coverage phase adds more
MIN_CASES = 1_000
CHECKS = ["all"]
COUNTED = {"cases": 0, "operations": set()}

# The spec does not depend on the database: a throwaway app in memory gives it.
_spec_app = create_app(
    {
        "PREPDECK_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(hours=2),  # outlive the run
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _spec_app, config=schemathesis.Config(seed=SEED)
)
schema.config.generation.update(max_examples=EXAMPLES)
schema.config.checks.update(included_check_names=CHECKS)
OWNER_ID = 4242  # fixed, so that tokens made while cases are generated name the owner


@schema.auth(refresh_interval=None)  # a fresh token per case: one that revokes its own disarms none
class OwnerTokens:
    """The owner's token on every case, except where the coverage phase leaves it out on purpose.
    Given this way (not pasted into the headers), schemathesis knows it is real, and checks that
    a missing or made-up one is refused. Cases are made before the test's app exists: the tokens
    are signed by the spec's app, which has the same testing key."""

    def get(self, case, context):
        maker = create_refresh_token if case.operation.path.endswith("/auth/refresh") else None
        with _spec_app.app_context():
            return (maker or create_access_token)(str(OWNER_ID), additional_claims={"sv": 1})

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def fuzz_app(app_factory):
    app = app_factory(
        API_RATE_LIMIT="100000 per minute",
        LOGIN_LIMIT_ACCOUNT="100000 per minute",
        LOGIN_LIMIT_IP="100000 per minute",
        REDIS_URL=None,
    )
    with app.app_context():
        owner, stranger = UserFactory(id=OWNER_ID), UserFactory()
        public = services.create_deck(owner, "Public deck", visibility="public")
        for n in range(1, 6):
            questions.add_question(public, owner, f"Question {n}?", f"Answer {n}.", "basic")
        services.create_deck(stranger, "Someone else's", visibility="private")
        imports.upload(owner, b"## Basic\n\n### 1. What is g?\n\nStorage.\n", start=True)
        exports.start(public, owner, "md")
    return app


TEXT_DOCUMENT = b"## Basic\n\n### 1. What is g?\n\nStorage for one request.\n"


def _text_upload(case) -> None:
    """JSON Schema cannot state that a file part holds text (`format: binary` allows any bytes;
    the spec says it in words and in the part's contentType). An upload the server would refuse
    as no text document (decoding.decode_document: empty, binary, not UTF-8) becomes a text
    one, its other fields kept; tests/decks/test_api_transfers.py covers those refusals."""
    file = case.body.get("file") if isinstance(case.body, dict) else None
    data = getattr(file, "data", file)
    if not isinstance(data, bytes):
        return
    try:
        decode_document(data)
    except Invalid:
        case.body["file"] = Binary(TEXT_DOCUMENT) if file is not data else TEXT_DOCUMENT


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_conforms_to_its_spec(case, fuzz_app):
    COUNTED["cases"] += 1
    COUNTED["operations"].add(case.operation.label)
    _text_upload(case)
    case.call_and_validate(app=fuzz_app)


def test_enough_cases_ran():
    """Runs after the generated tests (file order): they must have covered enough ground."""
    assert len(COUNTED["operations"]) == len(list(schema.get_all_operations()))
    print(f"schemathesis: {COUNTED['cases']} cases over {len(COUNTED['operations'])} operations")
    assert COUNTED["cases"] >= MIN_CASES, COUNTED["cases"]
