"""`flask seed demo`: the demo candidate follows the Flask deck with six weeks of practice that
the real scheduler produced, and replaying that history through FSRS-rs gives their cards."""

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

from prepdeck.accounts.services import find_by_email
from prepdeck.core.models import utcnow
from prepdeck.decks.models import Deck, Question
from prepdeck.extensions import db
from prepdeck.practice import days, export, services
from prepdeck.practice.demo import simulate_history
from prepdeck.practice.models import Card, ReviewLog
from prepdeck.practice.scheduler import memory_from_history
from prepdeck.practice.settings import schedule_for
from prepdeck.seed import DEMO_USERS, FLASK_DECK_SLUG
from tests.conftest import empty_all_tables, make_app
from tests.practice.conftest import make_deck, make_user
from tests.practice.replay import replay

DEMO_EMAIL = DEMO_USERS[1][0]


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def demo(migrated, cleanup_engine):
    """The demo seeded once (it takes seconds) for the tests that only read it: (app, the
    command's output). They come first in this module, since every test with the `app`
    fixture empties the tables after it."""
    app = make_app(migrated)
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    yield app, result.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    empty_all_tables(cleanup_engine)


def logs_of(person_id: int) -> list[ReviewLog]:
    query = sa.select(ReviewLog).where(ReviewLog.person_id == person_id)
    return list(db.session.scalars(query.order_by(ReviewLog.reviewed_at, ReviewLog.id)))


def test_the_demo_candidate_follows_the_flask_deck_with_six_weeks_of_reviews(demo):
    app, seeded = demo
    with app.app_context():
        person = find_by_email(DEMO_EMAIL)
        deck = db.session.scalar(sa.select(Deck).where(Deck.slug == FLASK_DECK_SLUG))
        assert services.followed_deck_ids(person) == [deck.id]
        logs = logs_of(person.id)
        assert f"Gave {DEMO_EMAIL} {len(logs)} reviews of " in seeded
        now = utcnow()
        assert now - timedelta(days=43) <= logs[0].reviewed_at <= now - timedelta(days=40)
        assert now - timedelta(days=3) <= logs[-1].reviewed_at <= now
        practised_days = {log.reviewed_at.date() for log in logs}
        assert len(practised_days) >= 25
        assert {log.rating for log in logs} == {1, 2, 3, 4}
        assert len({log.reviewed_at.hour for log in logs}) >= 6  # varied hours
        cards = db.session.scalars(sa.select(Card).where(Card.person_id == person.id)).all()
        deck_questions = set(
            db.session.scalars(sa.select(Question.id).where(Question.deck_id == deck.id))
        )
        assert {card.question_id for card in cards} <= deck_questions
        assert len(cards) >= 20
        assert any(card.state == "review" and card.reps >= 4 for card in cards)
        assert services.clock is utcnow  # the server's clock is back


def test_the_history_follows_the_queue_and_the_day_limits(demo):
    """Every answer was to a card the queue offered: none before it was due, no more new
    questions a day than the settings allow."""
    app, _ = demo
    with app.app_context():
        person = find_by_email(DEMO_EMAIL)
        settings = services.get_settings(person.id)
        previous: dict[int, ReviewLog] = {}
        new_per_day: dict[object, int] = defaultdict(int)
        for log in logs_of(person.id):
            before = previous.get(log.question_id)
            if before is not None:
                assert log.reviewed_at >= before.due_after, (log.question_id, log.reviewed_at)
                assert log.state_before == before.state_after
            else:
                assert log.state_before == "new"
                day = days.person_day(log.reviewed_at, settings.time_zone, settings.day_start_hour)
                new_per_day[day] += 1
            previous[log.question_id] = log
        assert max(new_per_day.values()) <= settings.new_per_day


def test_every_card_is_the_fsrs_rs_replay_of_its_review_log(demo):
    """Stability and difficulty stored for each card equal FSRS-rs's memory state for its
    logged answers, elapsed days counted by the person's day starts as Anki counts them."""
    app, _ = demo
    with app.app_context():
        person = find_by_email(DEMO_EMAIL)
        settings = services.get_settings(person.id)
        model = FSRS(list(settings.fsrs_parameters or DEFAULT_PARAMETERS))
        schedule = schedule_for(settings)
        history = defaultdict(list)
        for log in logs_of(person.id):
            history[log.question_id].append((log.reviewed_at, log.rating))
        cards = db.session.scalars(sa.select(Card).where(Card.person_id == person.id)).all()
        assert {card.question_id for card in cards} == set(history)
        crossed_days = 0
        for card in cards:
            reviews, last = [], None
            for moment, rating in history[card.question_id]:
                elapsed = 0 if last is None else days.elapsed_days(
                    last, moment, settings.time_zone, settings.day_start_hour
                )  # fmt: skip
                crossed_days += elapsed
                reviews.append(FSRSReview(rating, elapsed))
                last = moment
            expected = model.memory_state(FSRSItem(reviews), None)
            assert card.stability == pytest.approx(expected.stability, abs=1e-3)
            assert card.difficulty == pytest.approx(expected.difficulty, abs=1e-3)
            replayed = memory_from_history(history[card.question_id], schedule)
            assert (replayed.stability, replayed.difficulty) == pytest.approx(
                (card.stability, card.difficulty), abs=1e-3
            )
            assert card.reps == len(reviews)
        assert crossed_days > 100


def test_the_exported_history_replays_to_every_stored_card_of_the_demo_user(demo):
    """What the person downloads (their history as CSV, their card states as JSON), replayed
    through FSRS-rs with their parameters, gives back every card's stability and difficulty."""
    app, _ = demo
    with app.app_context():
        person = find_by_email(DEMO_EMAIL)
        csv_text = "".join(export.review_history_csv(person))
        states = json.loads(json.dumps(export.card_states(person)))
    memories = replay(csv_text, states)
    stored = {card["card_id"]: card for card in states["cards"]}
    assert set(memories) == set(stored) and len(stored) > 20
    for card_id, card in stored.items():
        assert memories[card_id].stability == pytest.approx(card["stability"], abs=1e-3)
        assert memories[card_id].difficulty == pytest.approx(card["difficulty"], abs=1e-3)


def test_seeding_twice_does_not_add_history(app, runner, seeded):
    with app.app_context():
        person_id = find_by_email(DEMO_EMAIL).id
        first = [(log.id, log.reviewed_at) for log in logs_of(person_id)]
        cards = db.session.execute(
            sa.select(Card.question_id, Card.stability).where(Card.person_id == person_id)
        ).all()
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0, again.output
    assert "Demo data already present." in again.output
    assert "reviews of" not in again.output
    with app.app_context():
        assert [(log.id, log.reviewed_at) for log in logs_of(person_id)] == first
        assert (
            db.session.execute(
                sa.select(Card.question_id, Card.stability).where(Card.person_id == person_id)
            ).all()
            == cards
        )


def test_the_same_seed_and_end_give_the_same_history(app, runner):
    """The learner is simulated from a fixed random seed: a given end gives one history."""
    end = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)
    with app.app_context():
        owner = make_user()
        deck = make_deck(owner, prompts=[f"Question {n}?" for n in range(8)])
        person = make_user(email="one@example.com")
        runs = []
        for _ in range(2):
            made = simulate_history(person, deck, end=end, days=14)
            logs = logs_of(person.id)
            assert made.reviews == len(logs) > 20
            assert all(end - timedelta(days=15) < log.reviewed_at < end for log in logs)
            runs.append([(log.reviewed_at, log.question_id, log.rating) for log in logs])
            for model in (ReviewLog, Card):  # start again from nothing
                db.session.execute(sa.delete(model).where(model.person_id == person.id))
            db.session.commit()
        assert runs[0] == runs[1]
