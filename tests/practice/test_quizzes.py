"""Timed mock quizzes: choosing, the server-side deadline, answering late, grading once into
the schedule, the pages and the API, and nobody else's quizzes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.decks import questions, services
from prepdeck.extensions import db
from prepdeck.practice import quizzes
from prepdeck.practice import services as practice
from prepdeck.practice.models import Card, ReviewLog
from prepdeck.practice.quiz_models import Quiz, QuizItem
from tests.api_client import API, ApiClient, error_code
from tests.conftest import login, make_person, post_form
from tests.practice.conftest import make_user
from tests.practice.races import race

ROWS = [
    ("What is g?", "Request-scoped storage.", "basic", ["context"]),
    ("What does app.app_context() push?", "The application context.", "intermediate", ["context"]),
    ("How do blueprints register?", "With app.register_blueprint.", "basic", ["blueprints"]),
    ("Design a rate limiter", "Token bucket per key.", "scenario", []),
]


def quiz_deck(owner, visibility: str = "public", rows=ROWS):
    deck = services.create_deck(owner, f"Flask {visibility}", "", visibility)
    for prompt, answer, level, tags in rows:
        questions.add_question(deck, owner, prompt, answer, level, tags)
    return deck


def start(person, deck_ids=(), levels=(), tags=(), count=10, seconds=60) -> Quiz:
    return quizzes.create_quiz(
        person, deck_ids=list(deck_ids), levels=list(levels), tags=list(tags),
        question_count=count, seconds_per_question=seconds,
    )  # fmt: skip


def logs(person_id: int) -> list[ReviewLog]:
    return list(db.session.scalars(sa.select(ReviewLog).where(ReviewLog.person_id == person_id)))


# The service ---------------------------------------------------------------------------


@pytest.mark.usefixtures("ctx")
class TestService:
    def test_questions_come_from_the_chosen_decks_levels_and_tags(self, clock):
        ada = make_user()
        deck = quiz_deck(ada)
        quiz = start(ada, [deck.id], levels=["basic"], tags=["#Context"])
        assert [item.question.prompt for item in quiz.items] == ["What is g?"]
        assert quiz.filters == {"deck_ids": [deck.id], "levels": ["basic"], "tags": ["context"]}

        some = start(ada, [deck.id], count=2)
        assert len(some.items) == 2 and len({item.question_id for item in some.items}) == 2
        every = start(ada, [deck.id], count=100)  # fewer match than asked: all of them
        assert sorted(item.question.prompt for item in every.items) == sorted(r[0] for r in ROWS)

    def test_no_deck_chosen_means_the_followed_decks(self, clock):
        ada, grace = make_user(), make_user()
        followed, other = quiz_deck(grace), quiz_deck(grace, rows=[("Other?", "No.", None, [])])
        practice.follow(ada, followed.slug)
        quiz = start(ada)
        assert {item.question.deck_id for item in quiz.items} == {followed.id} != {other.id}

    def test_a_choice_matching_nothing_says_so_and_saves_nothing(self, clock):
        ada = make_user()
        deck = quiz_deck(ada)
        with pytest.raises(quizzes.NoQuestions, match="No question matches these choices"):
            start(ada, [deck.id], levels=["expert"])
        with pytest.raises(quizzes.NoQuestions, match="No question matches"):
            start(ada, [deck.id], tags=["django"])
        with pytest.raises(quizzes.NoQuestions, match="You follow no deck"):
            start(ada)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizItem)) == 0

    def test_bad_choices_are_refused_with_the_field(self, clock):
        ada = make_user()
        deck = quiz_deck(ada)
        for fields, field in [
            ({"count": 0}, "question_count"), ({"count": 101}, "question_count"),
            ({"seconds": 9}, "seconds_per_question"), ({"seconds": 901}, "seconds_per_question"),
            ({"levels": ["guru"]}, "levels"), ({"tags": ["x" * 51]}, "tags"),
        ]:  # fmt: skip
            with pytest.raises(Invalid) as refused:
                start(ada, [deck.id], **fields)
            assert field in refused.value.details

    def test_decks_the_person_may_not_read_are_not_found(self, clock):
        ada, grace = make_user(), make_user()
        private = quiz_deck(grace, "private")
        unlisted = quiz_deck(grace, "unlisted")
        for deck_id in (private.id, unlisted.id, 999_999):
            with pytest.raises(NotFound):
                start(ada, [deck_id])
        practice.follow(ada, unlisted.slug)  # followed with its address: readable now
        assert start(ada, [unlisted.id]).items

    def test_the_deadline_is_kept_on_the_server_and_a_late_answer_is_marked(self, clock):
        ada = make_user()
        quiz = start(ada, [quiz_deck(ada).id], count=2, seconds=60)
        first, second = quiz.items
        began = clock()
        assert (first.started_at, first.deadline) == (began, began + timedelta(seconds=60))
        assert second.started_at is None and second.deadline is None  # not asked yet
        clock.move(seconds=20)
        assert quizzes.remaining_ms(first) == 40_000
        quizzes.answer_item(ada, quiz.id, first.id, "Storage for one request.")
        assert first.late is False and first.duration_ms == 20_000

        clock.move(minutes=5)  # grading late is fine: the next question starts now
        quizzes.grade_item(ada, quiz.id, first.id, 3)
        second = quizzes.current_item(quiz)
        assert second.deadline == clock() + timedelta(seconds=60)
        clock.move(seconds=61)
        assert quizzes.remaining_ms(second) == 0
        quizzes.answer_item(ada, quiz.id, second.id, "Too slow")
        assert second.late is True and second.answer == "Too slow"
        quizzes.grade_item(ada, quiz.id, second.id, 2)  # a late answer is still graded
        assert second.rating == 2 and quiz.finished_at == clock()
        assert quizzes.current_item(quiz) is None

    def test_every_grade_is_one_review_however_often_it_is_sent(self, clock):
        ada = make_user()
        quiz = start(ada, [quiz_deck(ada).id], count=2)
        first = quiz.items[0]
        clock.move(seconds=12)
        quizzes.grade_item(ada, quiz.id, first.id, 3)  # graded without typing: revealed now
        quizzes.grade_item(ada, quiz.id, first.id, 1)  # sent again (another tab): no change
        assert first.rating == 3
        [log] = logs(ada.id)
        assert (log.question_id, log.rating, log.idempotency_key) == (
            first.question_id, 3, f"quiz:{first.id}",
        )  # fmt: skip
        assert log.duration_ms == 12_000 and log.reviewed_at == clock()
        card = db.session.get(Card, (ada.id, first.question_id))
        assert card.state == "learning" and card.reps == 1

    def test_only_the_current_question_is_answered(self, clock):
        ada = make_user()
        quiz = start(ada, [quiz_deck(ada).id], count=3)
        first, second, _third = quiz.items
        with pytest.raises(Conflict):
            quizzes.answer_item(ada, quiz.id, second.id, "ahead of time")
        with pytest.raises(Conflict):
            quizzes.grade_item(ada, quiz.id, second.id, 3)
        quizzes.answer_item(ada, quiz.id, first.id, "mine")
        quizzes.answer_item(ada, quiz.id, first.id, "changed my mind")  # the first one stays
        assert first.answer == "mine"
        with pytest.raises(Invalid):
            quizzes.answer_item(ada, quiz.id, first.id, "x" * 5001)
        with pytest.raises(Invalid):
            quizzes.answer_item(ada, quiz.id, first.id, "a\x00b")
        with pytest.raises(Invalid):
            quizzes.grade_item(ada, quiz.id, first.id, 5)
        with pytest.raises(NotFound):
            quizzes.grade_item(ada, quiz.id, 999_999, 3)

    def test_a_deleted_question_leaves_the_quiz_and_the_next_one_starts(self, clock):
        ada = make_user()
        quiz = start(ada, [quiz_deck(ada).id], count=2)
        first, second = quiz.items
        clock.move(seconds=30)
        questions.delete_question(first.question, ada)
        db.session.expire_all()
        quiz = quizzes.get_quiz(ada, quiz.id)
        assert quiz.items == [second] and quizzes.current_item(quiz) is second
        assert second.deadline == clock() + timedelta(seconds=60)

    def test_someone_elses_quiz_is_not_found(self, clock):
        ada, grace = make_user(), make_user()
        quiz = start(ada, [quiz_deck(ada, "public").id])
        item = quiz.items[0]
        with pytest.raises(NotFound):
            quizzes.get_quiz(grace, quiz.id)
        with pytest.raises(NotFound):
            quizzes.answer_item(grace, quiz.id, item.id, "mine?")
        with pytest.raises(NotFound):
            quizzes.grade_item(grace, quiz.id, item.id, 4)
        assert logs(grace.id) == [] and quizzes.history(grace).items == []


# Pages ---------------------------------------------------------------------------------


@pytest.fixture
def setup(app):
    """Ada, signed in, with a public deck of her own; Grace with none."""
    with app.app_context():
        ada = make_user(email="ada@example.com", display_name="Ada")
        deck = quiz_deck(ada)
        return {"ada": ada.id, "deck": deck.id}


def form_page(client) -> str:
    return client.get("/practice/quizzes/new").get_data(as_text=True)


def item_id(html: str) -> str:
    return re.search(r'name="item_id" type="hidden" value="(\d+)"', html).group(1)


def test_pages_take_a_quiz_from_the_form_to_the_summary(app, client, setup, clock):
    login(client, "ada@example.com")
    assert "Flask public" in form_page(client)
    started = post_form(client, "/practice/quizzes/new", {
        "decks": str(setup["deck"]), "levels": "basic", "tags": "context",
        "question_count": "5", "seconds_per_question": "90",
    })  # fmt: skip
    assert started.status_code == 302
    path = started.headers["Location"]
    page = client.get(path).get_data(as_text=True)
    assert "Question 1 of 1" in page and "What is g?" in page
    assert 'data-remaining-ms="90000"' in page and "1:30" in page
    assert "Request-scoped storage." not in page  # the reference waits for the answer

    clock.move(seconds=30)  # a reload: same question, the server's time left
    page = client.get(path).get_data(as_text=True)
    assert 'data-remaining-ms="60000"' in page and "What is g?" in page
    post_form(client, f"{path}/answer", {"item_id": item_id(page), "answer": "Per request"}, path)
    page = client.get(path).get_data(as_text=True)
    assert "Per request" in page and "Request-scoped storage." in page
    post_form(client, f"{path}/grade", {"item_id": item_id(page), "rating": "4"}, path)

    summary = client.get(path).get_data(as_text=True)
    assert "Grade: 4 · Easy" in summary and "Time: 30.0 s" in summary
    assert "Per request" in summary and "Request-scoped storage." in summary
    history = client.get("/practice/quizzes").get_data(as_text=True)
    assert path in history and "Finished" in history
    with app.app_context():
        [log] = logs(setup["ada"])
        assert log.rating == 4 and log.idempotency_key.startswith("quiz:")


def test_the_form_says_when_nothing_matches_and_saves_nothing(app, client, setup):
    login(client, "ada@example.com")
    page = post_form(client, "/practice/quizzes/new", {
        "decks": str(setup["deck"]), "levels": "expert",
        "question_count": "5", "seconds_per_question": "90",
    })  # fmt: skip
    assert page.status_code == 200
    assert "No question matches these choices" in page.get_data(as_text=True)
    bad = post_form(client, "/practice/quizzes/new", {
        "question_count": "500", "seconds_per_question": "5",
    })  # fmt: skip
    text = bad.get_data(as_text=True)
    assert "Number must be between 1 and 100." in text
    assert "Number must be between 10 and 900." in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 0


def test_late_answers_on_the_page_are_kept_and_marked(app, client, setup, clock):
    login(client, "ada@example.com")
    started = post_form(client, "/practice/quizzes/new", {
        "decks": str(setup["deck"]), "question_count": "1", "seconds_per_question": "10",
    })  # fmt: skip
    path = started.headers["Location"]
    clock.move(seconds=11)
    page = client.get(path).get_data(as_text=True)
    assert "Time is up" in page and 'data-remaining-ms="0"' in page
    post_form(client, f"{path}/answer", {"item_id": item_id(page), "answer": "late"}, path)
    assert "marked late" in client.get(path).get_data(as_text=True)


def test_pages_of_someone_elses_quiz_are_not_found(app, client, setup, clock):
    with app.app_context():
        ada = db.session.get(User, setup["ada"])
        quiz = start(ada, [setup["deck"]])
        quiz_id, first = quiz.id, quiz.items[0].id
    make_person(app, email="grace@example.com")
    login(client, "grace@example.com")
    assert client.get(f"/practice/quizzes/{quiz_id}").status_code == 404
    grade = post_form(client, f"/practice/quizzes/{quiz_id}/grade",
                      {"item_id": str(first), "rating": "3"}, "/practice/quizzes/new")  # fmt: skip
    assert grade.status_code == 404
    assert client.get("/practice/quizzes/new").status_code == 200
    anonymous = app.test_client().get("/practice/quizzes")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# The API -------------------------------------------------------------------------------


@pytest.fixture
def api(client, setup):
    return ApiClient(client).sign_in("ada@example.com")


def test_the_api_runs_a_quiz_and_counts_each_grade_once(app, api, setup, clock):
    created = api.post("quizzes", json={"deck_ids": [setup["deck"]], "question_count": 2,
                                        "seconds_per_question": 30})  # fmt: skip
    assert created.status_code == 201, created.get_json()
    quiz = created.get_json()
    assert created.headers["Location"] == f"{API}/quizzes/{quiz['id']}"
    first = quiz["current"]["item_id"]
    assert quiz["current"]["remaining_ms"] == 30_000 and len(quiz["items"]) == 2
    assert all(item["reference_answer"] is None for item in quiz["items"])

    clock.move(seconds=31)
    answered = api.post(f"quizzes/{quiz['id']}/answer", json={"item_id": first, "answer": "g"})
    item = answered.get_json()["items"][0]
    assert item["late"] is True and item["answer"] == "g" and item["reference_answer"]
    for _ in range(2):  # a retried request
        graded = api.post(f"quizzes/{quiz['id']}/grade", json={"item_id": first, "rating": 3})
        assert graded.status_code == 200
    body = api.get(f"quizzes/{quiz['id']}").get_json()
    assert body["items"][0]["rating"] == 3 and body["current"]["item_id"] != first
    assert body["current"]["remaining_ms"] == 30_000
    with app.app_context():
        assert len(logs(setup["ada"])) == 1
    listed = api.get("quizzes").get_json()
    assert [q["id"] for q in listed["items"]] == [quiz["id"]] and listed["next_cursor"] is None


def test_the_api_refuses_what_the_service_refuses(app, api, setup, clock):
    nothing = api.post("quizzes", json={"deck_ids": [setup["deck"]], "levels": ["expert"]})
    assert nothing.status_code == 409 and error_code(nothing) == "no_questions"
    assert error_code(api.post("quizzes", json={"question_count": 0})) == "invalid"
    assert error_code(api.post("quizzes", json={"question_count": "5"})) == "invalid"
    assert error_code(api.post("quizzes", json={"colour": "red"})) == "invalid"
    quiz = api.post("quizzes", json={"deck_ids": [setup["deck"]]}).get_json()
    current = quiz["current"]["item_id"]
    bad = api.post(f"quizzes/{quiz['id']}/grade", json={"item_id": current, "rating": 5})
    assert bad.status_code == 422
    ahead = next(i["id"] for i in quiz["items"] if i["id"] != current)
    later = api.post(f"quizzes/{quiz['id']}/grade", json={"item_id": ahead, "rating": 3})
    assert later.status_code == 409

    make_person(app, email="grace@example.com")
    grace = ApiClient(app.test_client()).sign_in("grace@example.com")
    assert error_code(grace.get(f"quizzes/{quiz['id']}")) == "not_found"
    taken = grace.post(f"quizzes/{quiz['id']}/answer", json={"item_id": current, "answer": "x"})
    assert taken.status_code == 404
    assert grace.get("quizzes").get_json()["items"] == []
    assert error_code(api.post("quizzes", json={}, token="nope")) == "token_invalid"


# Two grades at once, on PostgreSQL ------------------------------------------------------


@pytest.mark.postgres
def test_two_grades_sent_at_once_count_once(pg_app):
    """Both requests wait on the quiz while another transaction holds it, then race: one
    grade is kept, one review-log row is written, and neither request fails."""
    with pg_app.app_context():
        ada = make_user()
        quiz = start(ada, [quiz_deck(ada).id], count=2)
        ada_id, quiz_id, item = ada.id, quiz.id, quiz.items[0].id
        db.session.remove()

    def grade(rating: int):
        def action():
            person = db.session.get(User, ada_id)
            return quizzes.grade_item(person, quiz_id, item, rating).items[0].rating

        return action

    hold = "SELECT 1 FROM quizzes WHERE id = :id FOR UPDATE"
    results = race(pg_app, hold, {"id": quiz_id}, [grade(3), grade(1)])

    with pg_app.app_context():
        [log] = logs(ada_id)
        assert results == [log.rating, log.rating], results
        stored = db.session.get(QuizItem, item)
        assert stored.rating == log.rating and log.idempotency_key == f"quiz:{item}"
