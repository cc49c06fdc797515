"""Generated requests over every operation of the spec, checked against the spec with every
check schemathesis has (`--checks all`): no server errors; only documented statuses, content
types, headers and bodies; every request the spec allows accepted and every one it forbids
refused; a missing or made-up token refused; unlisted methods answered 405. Then workflows
(create, read, change, delete, following the spec's links) for the checks that need a
history: nothing is still there after a delete, and what was created can be read.

Fixed seed, authenticated (a fresh token per case, so a case that revokes its token does not
disarm the ones after it), on a database that holds a public deck (followed, partly answered), a
private deck of someone else, questions, an import, an export, a quiz, an interview plan and
mock-interview rooms (one to join) for the generated ids to hit. Every operation must also have
been reached (answered 2xx) at least once, so that none passes only by being refused.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import schemathesis
from flask_jwt_extended import create_access_token, create_refresh_token
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from prepdeck import create_app
from prepdeck.core.errors import Invalid
from prepdeck.decks import exports, imports, questions, services
from prepdeck.decks.decoding import decode_document
from prepdeck.practice import plans, quizzes
from prepdeck.practice import services as practice
from prepdeck.rooms import services as rooms
from tests.conftest import empty_all_tables
from tests.factories import UserFactory

SEED = 20261202
EXAMPLES = 25  # per operation, in the fuzzing phase; the coverage phase adds more
MIN_CASES = 1_000
WORKFLOW_EXAMPLES = 40  # scenarios of up to 6 calls
CHECKS = ["all"]  # object_level_authorization needs `[auth.wfc]` peers: it runs as a no-op
COUNTED = {"cases": 0, "operations": set(), "reached": set()}

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


# Workflows generate valid requests only: there, a value carried over a link (a created deck's
# id) replaces the generated one, so a request generated as invalid can reach the server valid
# and be reported as "Schema-violating request accepted ... Invalid component: positive test
# case" (seen on POST /imports). Invalid requests are covered per operation above.
workflow_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _spec_app, config=schemathesis.Config(seed=SEED)
)
workflow_schema.config.generation.update(modes=[GenerationMode.POSITIVE])
workflow_schema.config.checks.update(included_check_names=CHECKS)
for _fuzzed in (schema, workflow_schema):
    # A fresh token per case: a case that revokes its own disarms none of the others.
    _fuzzed.auth(refresh_interval=None)(OwnerTokens)


def _seed(app) -> None:
    """A public deck with questions, followed and partly answered, a private deck of someone
    else, an import, an export, a quiz and an interview plan, for the generated ids to hit."""
    with app.app_context():
        owner, stranger = UserFactory(id=OWNER_ID), UserFactory()
        public = services.create_deck(owner, "Public deck", visibility="public")
        ids = [
            questions.add_question(public, owner, f"Question {n}?", f"Answer {n}.", "basic").id
            for n in range(1, 6)
        ]
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
        room = {"deck_ids": [public.id], "levels": [], "tags": [], "question_count": 3,
                "minutes_per_question": 5}  # fmt: skip
        rooms.create_room(owner, title="Owner's interview", **room)
        invited = rooms.create_room(stranger, title="Stranger's interview", **room)
        app.config["FUZZ_PUBLIC_DECK_ID"] = public.id
        app.config["FUZZ_INVITATION"] = invited.token


@pytest.fixture
def fuzz_app(app_factory):
    app = app_factory(
        API_RATE_LIMIT="100000 per minute",
        LOGIN_LIMIT_ACCOUNT="100000 per minute",
        LOGIN_LIMIT_IP="100000 per minute",
        REDIS_URL=None,
    )
    _seed(app)
    return app


TEXT_DOCUMENT = "## Basic\n\n### 1. What is g?\n\nStorage for one request.\n"
# JSON Schema cannot state that a file part holds text: `format: binary` allows any bytes (the
# spec says it in words and in the part's contentType). The API's only file part is the import's
# document, refused with 422 unless it is a text document (decoding.decode_document: not empty,
# not binary, UTF-8 or UTF-16); tests/decks/test_api_transfers.py covers those refusals. So
# files are generated as text documents, and a sample file the coverage phase picks on its own
# (a PNG, a PDF) that the server would refuse as no text becomes one.
schemathesis.openapi.format(
    "binary",
    # Text, not bytes: schemathesis counts any body holding bytes as invalid when it checks a
    # body again after a workflow's link has put an id in it (contains_binary in its
    # Case._validate_component), and a str part is sent as the same UTF-8 file.
    st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=300).filter(
        str.strip
    ),
)


def _text_upload(case) -> None:
    file = case.body.get("file") if isinstance(case.body, dict) else None
    data = getattr(file, "data", file)
    if not isinstance(data, bytes):
        return
    try:
        decode_document(data)
    except Invalid:
        case.body["file"] = TEXT_DOCUMENT  # text, for the reason just above


def _an_invitation_that_opens(case, token: str) -> None:
    """An invitation's token cannot be guessed (that is its point): generated valid joins carry
    the fixture room's, so that they reach the join's own answers."""
    body = case.body
    if case.operation.path != "/api/v1/rooms/join" or not isinstance(body, dict):
        return
    if case.meta and case.meta.generation.mode.is_positive and isinstance(body.get("token"), str):
        body["token"] = token


def _a_plan_that_can_be_kept(case, deck_id: int) -> None:
    """The plan's one rule the spec cannot state is the calendar's: a day before the person's
    today is refused (422). Generated valid plans get a day ahead, and a deck that exists, so
    that they reach the plan's own answers."""
    body = case.body
    if case.operation.path != "/api/v1/plan" or not isinstance(body, dict):
        return
    if not case.meta or not case.meta.generation.mode.is_positive:
        return
    try:
        day = date.fromisoformat(body.get("interview_date"))
    except (TypeError, ValueError):
        return
    if day < date.today() + timedelta(days=2):
        body["interview_date"] = (date.today() + timedelta(days=40)).isoformat()
    if isinstance(body.get("deck_ids"), list) and len(body["deck_ids"]) % 2:
        body["deck_ids"] = [deck_id]


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_conforms_to_its_spec(case, fuzz_app):
    COUNTED["cases"] += 1
    COUNTED["operations"].add(case.operation.label)
    _text_upload(case)
    _a_plan_that_can_be_kept(case, fuzz_app.config["FUZZ_PUBLIC_DECK_ID"])
    _an_invitation_that_opens(case, fuzz_app.config["FUZZ_INVITATION"])
    response = case.call_and_validate(app=fuzz_app)
    if 200 <= response.status_code < 300:
        COUNTED["reached"].add(case.operation.label)


WORKFLOWS = workflow_schema.as_state_machine()


def test_api_workflows_conform_to_its_spec(fuzz_app, cleanup_engine):
    """The stateful phase: sequences of calls linked through the responses (a created deck's
    id into its read, change and delete), all checks on every step. Each scenario starts from
    the same data with the same ids: what a step generates depends on earlier responses, and
    Hypothesis refuses a run whose replayed scenario draws differently (FlakyStrategyDefinition)."""
    steps = []

    class Workflow(WORKFLOWS):
        def setup(self):
            empty_all_tables(cleanup_engine)
            _seed(fuzz_app)

        def get_call_kwargs(self, case):
            return {"app": fuzz_app}

        def before_call(self, case):
            _text_upload(case)
            _a_plan_that_can_be_kept(case, fuzz_app.config["FUZZ_PUBLIC_DECK_ID"])
            _an_invitation_that_opens(case, fuzz_app.config["FUZZ_INVITATION"])
            steps.append(case.operation.label)

    Workflow.run(
        settings=settings(
            max_examples=WORKFLOW_EXAMPLES,
            stateful_step_count=6,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    print(f"schemathesis workflows: {len(steps)} calls over {len(set(steps))} operations")
    assert len(set(steps)) >= 10, sorted(set(steps))


def test_enough_cases_ran():
    """Runs after the generated tests (file order): they must have covered enough ground."""
    assert len(COUNTED["operations"]) == len(list(schema.get_all_operations()))
    print(f"schemathesis: {COUNTED['cases']} cases over {len(COUNTED['operations'])} operations")
    assert COUNTED["cases"] >= MIN_CASES, COUNTED["cases"]
    # Each was reached, not only refused: the token was sent and the fixture's data was found.
    assert COUNTED["reached"] == COUNTED["operations"], COUNTED["operations"] - COUNTED["reached"]
