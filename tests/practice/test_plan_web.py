"""The interview plan through the API and the page (each request in its own app context, as
in production: no test-wide context here)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from prepdeck.extensions import db
from prepdeck.practice import plans
from prepdeck.practice.plan_models import InterviewPlan
from tests.api_client import ApiClient, error_code
from tests.conftest import login, post_form
from tests.practice.conftest import make_deck, make_user, question_ids
from tests.practice.test_plans import NOW, recall_by_fsrs_rs, studied


@pytest.fixture
def at_now(clock):
    clock.set(NOW)
    return clock


def setup(app, prompts=("A?", "B?"), study=True):
    """A person with a private deck of `prompts`, the first studied on 6 January (S = 10)."""
    with app.app_context():
        person = make_user()
        deck = make_deck(person, "private", prompts=prompts)
        if study:
            studied(person, question_ids(deck)[0], 10.0, datetime(2025, 1, 6, 12, tzinfo=UTC))
        found = (person.id, person.email, deck.id, deck.slug, deck.title)
        db.session.remove()
        return found


def status_of(app, person_id: int):
    with app.app_context():
        from prepdeck.accounts.models import User

        status = plans.plan_status(db.session.get(User, person_id))
        db.session.remove()
        return status


def saved_plan(app, person_id: int):
    with app.app_context():
        found = db.session.get(InterviewPlan, person_id)
        db.session.remove()
        return found


def test_the_api_sets_reads_and_removes_a_plan(app, at_now):
    person_id, email, deck_id, slug, title = setup(app)
    api = ApiClient(app.test_client()).sign_in(email)
    assert error_code(api.get("plan")) == "not_found"
    past = api.request("PUT", "plan", json={"interview_date": "2025-01-09", "deck_ids": [deck_id]})
    assert past.status_code == 422 and "interview_date" in past.get_json()["error"]["details"]
    body = {"interview_date": "2025-01-30", "deck_ids": [deck_id]}
    saved = api.request("PUT", "plan", json=body)
    assert saved.status_code == 200, saved.get_json()
    plan = saved.get_json()
    assert plan["expected_recall"] == pytest.approx(recall_by_fsrs_rs(10.0, 24) / 2, abs=1e-4)
    assert plan["expected_recall"] == pytest.approx(status_of(app, person_id).expected_recall)
    assert (plan["unseen"], plan["new_per_day"], plan["reviews_due"]) == (1, 1, 1)
    assert plan["daily_target"] == 2 and plan["active"] is True and plan["days_left"] == 20
    assert plan["decks"] == [{"id": deck_id, "slug": slug, "title": title}]
    assert api.get("plan").get_json() == plan
    for bad in (
        {"interview_date": "2025-01-30", "deck_ids": ["1"]},
        {**body, "colour": "blue"},
        {"deck_ids": [deck_id]},
        {"interview_date": "2025-01-30", "deck_ids": []},
    ):
        assert api.request("PUT", "plan", json=bad).status_code == 422, bad
    assert api.delete("plan").status_code == 204
    assert api.get("plan").status_code == 404
    assert api.get("plan", token="x").status_code == 401


def test_another_person_reads_and_removes_no_plan_through_the_api_or_the_page(app, at_now):
    owner_id, _, deck_id, _, title = setup(app)
    with app.app_context():
        from prepdeck.accounts.models import User

        plans.set_plan(db.session.get(User, owner_id), date(2025, 2, 1), [deck_id])
        other_email = make_user().email
        db.session.remove()
    client = app.test_client()
    api = ApiClient(client).sign_in(other_email)
    assert error_code(api.get("plan")) == "not_found"
    assert api.delete("plan").status_code == 404
    steal = {"interview_date": "2025-02-01", "deck_ids": [deck_id]}
    assert api.request("PUT", "plan", json=steal).status_code == 404
    assert saved_plan(app, owner_id) is not None
    login(client, other_email)
    page = client.get("/practice/plan").get_data(as_text=True)
    assert "expected-recall" not in page and title not in page


def test_the_page_sets_a_plan_with_field_errors_first(app, at_now):
    person_id, email, deck_id, _, title = setup(app, study=False)
    client = app.test_client()
    login(client, email)
    page = client.get("/practice/plan").get_data(as_text=True)
    assert "Save plan" in page and title in page
    refused = post_form(
        client, "/practice/plan", {"interview_date": "2025-01-09", "deck_ids": str(deck_id)}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "cannot be in the past" in html and "is-invalid" in html
    assert saved_plan(app, person_id) is None
    none_chosen = post_form(client, "/practice/plan", {"interview_date": "2025-01-20"})
    assert "Choose at least one deck." in none_chosen.get_data(as_text=True)
    not_a_date = post_form(client, "/practice/plan", {"interview_date": "soon"})
    assert "Not a valid date value." in not_a_date.get_data(as_text=True)
    chosen = {"interview_date": "2025-01-20", "deck_ids": str(deck_id)}
    html = post_form(client, "/practice/plan", chosen, follow_redirects=True).get_data(as_text=True)
    assert "Plan saved." in html and 'data-testid="expected-recall"' in html
    assert ">0.0%<" in html  # nothing studied yet
    assert "You follow each deck you choose" in html
    removed = post_form(
        client, "/practice/plan/delete", {}, page="/practice/plan", follow_redirects=True
    )
    assert "Plan removed." in removed.get_data(as_text=True)
    assert saved_plan(app, person_id) is None
    assert client.post("/practice/plan/delete").status_code == 400  # no CSRF token
    assert app.test_client().get("/practice/plan").status_code == 302  # sign in first


def test_the_page_says_when_the_see_all_day_has_come_and_when_the_plan_is_over(app, at_now):
    person_id, email, deck_id, _, _ = setup(app)
    with app.app_context():
        from prepdeck.accounts.models import User

        plans.set_plan(db.session.get(User, person_id), date(2025, 1, 15), [deck_id])
        db.session.remove()
    client = app.test_client()
    login(client, email)
    html = client.get("/practice/plan").get_data(as_text=True)
    # 10 January, interview on the 15th: a week before was the 8th, with one question unseen.
    assert "8 January, a week before the interview, has come with 1 question still new" in html
    assert 'data-active="true"' in html and "Today's target" in html
    at_now.set(datetime(2025, 1, 16, 12, 0, tzinfo=UTC))
    html = client.get("/practice/plan").get_data(as_text=True)
    assert 'data-active="false"' in html and 'data-testid="plan-over"' in html
    assert "Today's target" not in html
