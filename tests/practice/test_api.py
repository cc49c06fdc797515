"""The practice API: following, the queue, answers (applied once per key), cards, the review
log, settings and the person's data, each only for the person the token names."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template
from fsrs_rs_python import DEFAULT_PARAMETERS
from fsrs_rs_python import Card as SimulatedCard

from prepdeck.accounts.models import User
from prepdeck.core.errors import Invalid
from prepdeck.core.models import utcnow
from prepdeck.decks import questions, services
from prepdeck.extensions import db
from prepdeck.practice.models import ReviewLog
from prepdeck.practice.settings import update_settings
from tests.api_client import ApiClient, error_code
from tests.conftest import login, make_person
from tests.practice.races import HOLDS, race

OPERATIONS = [
    ("GET", "follows"),
    ("PUT", "follows/some-deck"),
    ("DELETE", "follows/some-deck"),
    ("GET", "reviews/due"),
    ("GET", "reviews"),
    ("POST", "reviews"),
    ("GET", "cards/1"),
    ("GET", "practice/settings"),
    ("PATCH", "practice/settings"),
    ("GET", "practice/data/reviews.csv"),
    ("GET", "practice/data/cards.json"),
]


class World:
    """Ada follows nothing yet; she owns a public deck (tagged, levelled questions), a private
    and an unlisted one. Grace owns a private deck of her own."""

    def __init__(self, app) -> None:
        ada = make_person(app, email="ada@example.com", display_name="Ada")
        grace = make_person(app, email="grace@example.com", display_name="Grace")
        with app.app_context():
            owner, other = db.session.get(User, ada.id), db.session.get(User, grace.id)
            self.public = self._deck(owner, "Flask", "public", 3)
            self.private = self._deck(owner, "Mine", "private", 1)
            self.unlisted = self._deck(other, "Shared link", "unlisted", 1)
            self.graces = self._deck(other, "Grace's notes", "private", 1)
        self.ada = ApiClient(app.test_client()).sign_in(ada.email)
        self.grace = ApiClient(app.test_client()).sign_in(grace.email)
        self.ada_id, self.grace_id = ada.id, grace.id

    @staticmethod
    def _deck(owner, title, visibility, count) -> dict:
        deck = services.create_deck(owner, title, "", visibility)
        ids = []
        for n in range(count):
            level = "basic" if n == 0 else "advanced"
            question = questions.add_question(
                deck, owner, f"{title} question {n + 1}?", "An answer.", level, [f"t{n}"]
            )
            ids.append(question.id)
        return {"id": deck.id, "slug": deck.slug, "questions": ids}


@pytest.fixture
def world(app, clock):
    return World(app)


def answer(api, question_id: int, rating: int = 3, key: str = "k1", **extra):
    body = {"question_id": question_id, "rating": rating, "duration_ms": 3_000,
            "idempotency_key": key, **extra}  # fmt: skip
    return api.post("reviews", json=body)


def review_rows(app, person_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ReviewLog)
            .where(ReviewLog.person_id == person_id)
        )


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_practice_operation_needs_a_token(client, method, path):
    response = ApiClient(client).request(
        method, path, json={} if method in ("POST", "PATCH") else None
    )
    assert response.status_code == 401
    assert error_code(response) == "token_missing"


def test_following_by_address_lists_and_unfollows(world):
    ada = world.ada
    followed = ada.put(f"follows/{world.public['slug']}")
    assert followed.status_code == 200 and followed.get_json()["id"] == world.public["id"]
    assert ada.put(f"follows/{world.public['slug']}").status_code == 200  # again: no change
    assert ada.put(f"follows/{world.unlisted['slug']}").status_code == 200  # has its address
    listed = ada.get("follows?limit=1").get_json()
    assert [deck["id"] for deck in listed["items"]] == [world.public["id"]]
    rest = ada.get(f"follows?cursor={listed['next_cursor']}").get_json()
    assert [deck["id"] for deck in rest["items"]] == [world.unlisted["id"]]
    assert rest["next_cursor"] is None

    assert ada.delete(f"follows/{world.public['slug']}").status_code == 204
    assert [d["id"] for d in ada.get("follows").get_json()["items"]] == [world.unlisted["id"]]


def test_decks_one_may_not_see_cannot_be_followed(world):
    for slug in (world.graces["slug"], "no-such-deck"):
        response = world.ada.put(f"follows/{slug}")
        assert response.status_code == 404 and error_code(response) == "not_found"
        assert world.ada.delete(f"follows/{slug}").status_code == 404
    assert world.ada.put("follows/Not%20A%20Slug").status_code == 404
    assert world.grace.get("follows").get_json()["items"] == []


def test_the_queue_shows_prompts_kinds_and_what_each_button_gives(world):
    world.ada.put(f"follows/{world.public['slug']}")
    due = world.ada.get("reviews/due").get_json()["items"]
    assert [item["question_id"] for item in due] == world.public["questions"]
    first = due[0]
    assert (first["prompt"], first["kind"], first["due"]) == ("Flask question 1?", "new", None)
    buttons = first["intervals"]
    assert buttons["again"] == {"seconds": 60, "days": 0, "label": "1m"}
    assert buttons["good"] == {"seconds": 600, "days": 0, "label": "10m"}
    assert buttons["easy"]["days"] >= 1 and buttons["easy"]["seconds"] == 0

    assert answer(world.ada, first["question_id"], 1).status_code == 201
    after = world.ada.get("reviews/due").get_json()["items"]
    assert first["question_id"] not in [item["question_id"] for item in after]  # due in 1m


def test_the_queue_narrows_like_the_pages(world, clock):
    ada, public = world.ada, world.public
    ada.put(f"follows/{public['slug']}")
    ada.put(f"follows/{world.private['slug']}")

    def ids(query: str) -> list[int]:
        items = ada.get(f"reviews/due?{query}").get_json()["items"]
        return [item["question_id"] for item in items]

    assert ids(f"deck_id={world.private['id']}") == world.private["questions"]
    assert ids("level=advanced") == public["questions"][1:]
    assert ids("tag=t0") == [public["questions"][0], world.private["questions"][0]]
    assert ids("limit=2") == public["questions"][:2]
    answer(ada, public["questions"][1], 1, "missed")
    clock.move(days=3)
    assert ids("missed_days=7") == [public["questions"][1]]
    assert ids("missed_days=2") == []

    not_followed = ada.get(f"reviews/due?deck_id={world.graces['id']}")
    assert not_followed.status_code == 404
    for bad in ("level=guru", "tag=Not%20a%20tag", "missed_days=0", "limit=101", "deck_id=0"):
        response = ada.get(f"reviews/due?{bad}")
        assert response.status_code == 422, bad
        assert error_code(response) == "invalid"


def test_an_answer_is_applied_once_per_key(app, world, clock):
    ada, question = world.ada, world.public["questions"][0]
    ada.put(f"follows/{world.public['slug']}")
    first = answer(ada, question, 3, "key-1")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["state"] == "learning" and body["reviewed_at"] == clock.now.isoformat()
    clock.move(minutes=5)
    again = answer(ada, question, 3, "key-1")
    assert again.status_code == 200 and again.get_json() == body
    assert review_rows(app, world.ada_id) == 1

    reused = answer(ada, world.public["questions"][1], 3, "key-1")
    assert reused.status_code == 409 and error_code(reused) == "conflict"
    assert review_rows(app, world.ada_id) == 1


def test_bad_answers_are_refused_and_change_nothing(app, world):
    ada, question = world.ada, world.public["questions"][0]
    cases = [
        ({"rating": 5}, "rating"),
        ({"rating": 0}, "rating"),
        ({"rating": "3"}, "rating"),
        ({"duration_ms": -1}, "duration_ms"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "has space"}, "idempotency_key"),
        ({"answered_at": "2020-01-01T00:00:00Z"}, "answered_at"),  # unknown fields
    ]
    for extra, field in cases:
        response = answer(ada, question, **{"key": "bad", **extra})
        assert response.status_code == 422, extra
        assert field in response.get_json()["error"]["details"], response.get_json()
    assert ada.post("reviews", json={"rating": 3}).status_code == 422
    for hidden in (world.graces["questions"][0], world.unlisted["questions"][0], 2_000_000):
        response = answer(ada, hidden, key=f"hidden-{hidden}")
        assert response.status_code == 404 and error_code(response) == "not_found"
    assert review_rows(app, world.ada_id) == 0


def test_a_review_time_sent_by_the_client_is_ignored(world, clock):
    ada, question = world.ada, world.public["questions"][0]
    for key, sent in [("past", "2020-01-01T00:00:00Z"), ("junk", [1, 2]), ("null", None)]:
        response = answer(ada, question, key=key, reviewed_at=sent)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["reviewed_at"] == clock.now.isoformat()
        clock.move(minutes=15)


def test_the_card_says_its_state_and_its_retrievability_now(world, clock):
    ada, question = world.ada, world.public["questions"][0]
    fresh = ada.get(f"cards/{question}").get_json()
    assert fresh["state"] == "new" and fresh["reps"] == 0
    assert fresh["stability"] is None and fresh["retrievability"] is None

    result = answer(ada, question, 4, "easy").get_json()
    card = ada.get(f"cards/{question}").get_json()
    assert card["state"] == "review" == result["state"]
    assert (card["stability"], card["difficulty"], card["due"]) == (
        result["stability"], result["difficulty"], result["due"],
    )  # fmt: skip
    assert card["retrievability"] == pytest.approx(1.0)
    assert (card["reps"], card["lapses"], card["last_review"]) == (1, 0, result["reviewed_at"])

    clock.move(days=result["stability"])  # one stability later: 90 %, by definition
    assert ada.get(f"cards/{question}").get_json()["retrievability"] == pytest.approx(0.9, abs=1e-6)
    clock.move(days=7.5)
    elapsed = result["stability"] + 7.5
    simulated = SimulatedCard()
    simulated.stability, simulated.difficulty, simulated.last_date = result["stability"], 5.0, 0.0
    simulated.parameters = list(DEFAULT_PARAMETERS)
    later = ada.get(f"cards/{question}").get_json()["retrievability"]
    assert later == pytest.approx(simulated.retention_on(elapsed), abs=1e-5)  # FSRS-rs's curve
    assert later < 0.9


def test_other_peoples_cards_and_reviews_are_invisible(app, world):
    world.ada.put(f"follows/{world.private['slug']}")
    private_question = world.private["questions"][0]
    assert answer(world.ada, private_question, 3, "mine").status_code == 201
    assert world.grace.get(f"cards/{private_question}").status_code == 404
    assert world.grace.get("reviews").get_json() == {"items": [], "next_cursor": None}
    grace_csv = world.grace.get("practice/data/reviews.csv").get_data(as_text=True)
    assert grace_csv.splitlines() == [
        "card_id,review_time,review_rating,review_state,review_duration"
    ]
    assert world.grace.get("practice/data/cards.json").get_json()["cards"] == []
    # The same key is Grace's own: nothing to do with Ada's answer.
    world.grace.put(f"follows/{world.public['slug']}")
    assert answer(world.grace, world.public["questions"][0], 3, "mine").status_code == 201


def test_the_review_log_is_paged_oldest_first(world, clock):
    ada = world.ada
    ids = world.public["questions"]
    for n, question in enumerate(ids):
        clock.move(minutes=1)
        assert answer(ada, question, 1 + n, f"log-{n}").status_code == 201
    page = ada.get("reviews?limit=2").get_json()
    assert [(e["question_id"], e["rating"]) for e in page["items"]] == [(ids[0], 1), (ids[1], 2)]
    assert page["items"][0]["state_before"] == "new"
    last = ada.get(f"reviews?limit=2&cursor={page['next_cursor']}").get_json()
    assert [e["question_id"] for e in last["items"]] == [ids[2]] and last["next_cursor"] is None
    assert ada.get("reviews?cursor=not-ours").status_code == 422  # not a cursor's shape


def test_settings_are_read_and_changed_all_or_nothing(world):
    ada = world.ada
    defaults = ada.get("practice/settings").get_json()
    assert defaults == {
        "new_per_day": 20, "max_reviews_per_day": 200, "desired_retention": 0.9,
        "learning_steps": [1.0, 10.0], "relearning_steps": [10.0], "time_zone": "UTC",
        "day_start_hour": 4, "fsrs_parameters": None,
    }  # fmt: skip
    changed = ada.patch(
        "practice/settings",
        json={"new_per_day": 5, "learning_steps": [0.5, 15], "time_zone": "Australia/Sydney"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["learning_steps"] == [0.5, 15.0]
    assert ada.get("practice/settings").get_json()["time_zone"] == "Australia/Sydney"

    for bad, field in [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"desired_retention": 0.5}, "desired_retention"),
        ({"learning_steps": [0]}, "learning_steps"),
        ({"day_start_hour": 24}, "day_start_hour"),
        ({"new_per_day": "5"}, "new_per_day"),
        ({"fsrs_parameters": [1.0]}, "fsrs_parameters"),
    ]:
        response = ada.patch("practice/settings", json={"new_per_day": 9, **bad})
        assert response.status_code == 422, bad
        assert field in response.get_json()["error"]["details"]
    assert ada.get("practice/settings").get_json()["new_per_day"] == 5
    assert world.grace.get("practice/settings").get_json()["new_per_day"] == 20


def test_your_data_downloads_from_the_api(world, clock):
    ada, question = world.ada, world.public["questions"][0]
    answer(ada, question, 3, "first")
    clock.move(minutes=10)
    answer(ada, question, 3, "second")
    response = ada.get("practice/data/reviews.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="prepdeck-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["review_rating"], r["review_state"]) for r in rows] == [("3", "0"), ("3", "1")]
    assert int(rows[1]["review_time"]) - int(rows[0]["review_time"]) == 600_000

    cards = ada.get("practice/data/cards.json")
    assert cards.headers["Content-Disposition"].endswith('.json"')
    body = cards.get_json()
    assert body["time_zone"] == "UTC" and body["day_start_hour"] == 4
    assert [(c["card_id"], c["state"], c["reps"]) for c in body["cards"]] == [
        (question, "review", 2)
    ]


def test_your_data_pages_need_a_sign_in(app, world, client):
    answer(world.ada, world.public["questions"][0], 3, "page")
    for path in ("/practice/data/reviews.csv", "/practice/data/cards.json"):
        assert client.get(path).status_code == 302
    login(client, "ada@example.com")
    history = client.get("/practice/data/reviews.csv")
    assert history.status_code == 200 and "attachment" in history.headers["Content-Disposition"]
    assert len(history.get_data(as_text=True).splitlines()) == 2
    assert client.get("/practice/data/cards.json").get_json()["cards"][0]["reps"] == 1
    with app.test_request_context():
        links = render_template("practice/_your_data.html")
    assert 'href="/practice/data/reviews.csv"' in links
    assert 'href="/practice/data/cards.json"' in links


@pytest.mark.postgres
@pytest.mark.parametrize("case", sorted(HOLDS))
def test_two_identical_posts_at_once_leave_one_review_log_row(pg_app, case):
    person = make_person(pg_app)
    with pg_app.app_context():
        owner = db.session.get(User, person.id)
        deck = services.create_deck(owner, "Race", "", "public")
        question_id = questions.add_question(deck, owner, "Race?", "Yes.").id
        db.session.remove()
    api = ApiClient(pg_app.test_client()).sign_in(person.email)
    if case == "card seen before":
        assert answer(api, question_id, 3, "earlier").status_code == 201

    def post():
        response = answer(ApiClient(pg_app.test_client(), api.token), question_id, 3, "same")
        return response.status_code, response.get_json()

    params = {"person": person.id, "question": question_id}
    statuses = race(pg_app, HOLDS[case], params, [post, post])

    assert sorted(status for status, _ in statuses) == [200, 201], statuses
    assert statuses[0][1] == statuses[1][1]
    with pg_app.app_context():
        logs = db.session.scalars(
            sa.select(ReviewLog).where(ReviewLog.idempotency_key == "same")
        ).all()
        assert len(logs) == 1


def test_review_times_come_from_the_server(world, clock):
    clock.set(utcnow() - timedelta(days=400))
    body = answer(world.ada, world.public["questions"][0], 3, "t").get_json()
    assert body["reviewed_at"] == clock.now.isoformat()


def test_a_settings_change_needs_a_body_and_steps_that_fit(app, world):
    response = world.ada.patch("practice/settings")
    assert response.status_code == 422 and error_code(response) == "invalid"
    tiny = world.ada.patch("practice/settings", json={"learning_steps": [0.001]})
    assert tiny.status_code == 422 and "learning_steps" in tiny.get_json()["error"]["details"]
    longest = [0.0123456] * 10  # ten steps of the most digits allowed still fit
    assert world.ada.patch("practice/settings", json={"learning_steps": longest}).status_code == 200
    with app.app_context():
        with pytest.raises(Invalid) as refused:  # as typed on a page: too long to keep
            update_settings(world.ada_id, learning_steps=" ".join(["5e-324"] * 10))
        assert "learning_steps" in refused.value.details
