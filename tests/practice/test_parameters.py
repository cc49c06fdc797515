"""Personal FSRS parameters: fitted to a person's history, kept only when they predict it
better, used for the next review; too little history or a wish for the defaults keeps them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fsrs_rs_python import DEFAULT_PARAMETERS

from prepdeck.celery_app import enqueue
from prepdeck.core.models import TaskRecord
from prepdeck.extensions import db
from prepdeck.practice import parameters, scheduler, services
from prepdeck.practice.models import Card, PracticeSettings, ReviewLog
from prepdeck.practice.settings import get_settings, update_settings
from tests.celery_workers import filesystem_broker, web_app
from tests.conftest import csrf_token, login
from tests.practice.conftest import make_deck, make_user, question_ids
from tests.practice.learner import Learner
from tests.services import wait_for

PAGE = "/practice/settings"


def learner_with_a_year(person, questions: int = 60, days: int = 365, memory: float = 0.3):
    deck = make_deck(person, prompts=[f"Question {n}?" for n in range(questions)])
    services.follow(person, deck.slug)
    learner = Learner(person.id, question_ids(deck), memory=memory)
    end = learner.practise(days)
    learner.save()
    return learner, end


def history_of(person_id: int, question_id: int):
    return [
        (row.reviewed_at, row.rating)
        for row in db.session.execute(
            sa.select(ReviewLog.reviewed_at, ReviewLog.rating)
            .where(ReviewLog.person_id == person_id, ReviewLog.question_id == question_id)
            .order_by(ReviewLog.reviewed_at, ReviewLog.id)
        )
    ]


def memory_with(parameters_, history):
    schedule = scheduler.Schedule(parameters=tuple(parameters_) if parameters_ else None)
    return scheduler.memory_from_history(history, schedule)


@pytest.mark.usefixtures("ctx")
class TestFitting:
    def test_a_forgetful_learner_gets_parameters_that_predict_them_better(self, clock):
        person = make_user()
        learner, end = learner_with_a_year(person)
        assert len(learner.logs) >= 1_000
        clock.set(end)

        started = time.perf_counter()
        outcome = parameters.fit_parameters(person.id, clock())
        assert time.perf_counter() - started < 5, "the fit must stay quick"

        assert outcome.result == parameters.ADOPTED
        assert outcome.reviews == len(learner.logs)
        assert outcome.fitted_log_loss < outcome.default_log_loss
        assert outcome.current_log_loss == pytest.approx(outcome.default_log_loss)
        settings = get_settings(person.id)
        fitted = settings.fsrs_parameters
        assert len(fitted) == len(DEFAULT_PARAMETERS) and fitted != list(DEFAULT_PARAMETERS)
        assert settings.parameters_since == clock()
        assert settings.parameters_reviews == len(learner.logs)
        assert settings.parameters_log_loss == pytest.approx(outcome.fitted_log_loss)
        assert settings.default_log_loss == pytest.approx(outcome.default_log_loss)
        # Forgetting faster than the defaults assume: they now expect less stability.
        question_id = learner.question_ids[0]
        history = history_of(person.id, question_id)
        assert memory_with(fitted, history).stability < memory_with(None, history).stability

    def test_the_cards_and_the_next_review_use_the_new_parameters(self, clock):
        person = make_user()
        learner, end = learner_with_a_year(person)
        clock.set(end)
        parameters.fit_parameters(person.id, clock())
        fitted = get_settings(person.id).fsrs_parameters

        for card in db.session.scalars(sa.select(Card).where(Card.person_id == person.id)):
            expected = memory_with(fitted, history_of(person.id, card.question_id))
            assert card.stability == pytest.approx(expected.stability, rel=1e-6)
            assert card.difficulty == pytest.approx(expected.difficulty, rel=1e-6)

        question_id = learner.question_ids[3]
        clock.move(days=2)
        result = services.review(person, question_id, 3, 3_000, "after-the-fit")
        history = history_of(person.id, question_id)
        by_fitted, by_defaults = memory_with(fitted, history), memory_with(None, history)
        assert result.stability == pytest.approx(by_fitted.stability, rel=1e-6)
        assert result.difficulty == pytest.approx(by_fitted.difficulty, rel=1e-6)
        assert abs(result.stability - by_defaults.stability) > 0.01

    def test_parameters_that_predict_no_better_are_not_kept(self, clock):
        person = make_user()
        _learner, end = learner_with_a_year(person)
        clock.set(end)
        first = parameters.fit_parameters(person.id, clock())
        fitted = get_settings(person.id).fsrs_parameters
        clock.move(days=1)
        again = parameters.fit_parameters(person.id, clock())
        # The same history gives no better fit than the one in use: nothing changes.
        assert again.result == parameters.NOT_BETTER
        assert again.current_log_loss == pytest.approx(first.fitted_log_loss)
        settings = get_settings(person.id)
        assert settings.fsrs_parameters == fitted
        assert settings.parameters_since == clock() - timedelta(days=1)
        assert (settings.last_fit_at, settings.last_fit_result) == (clock(), "not_better")

    def test_too_little_history_keeps_the_defaults(self, clock):
        person = make_user()
        learner, end = learner_with_a_year(person, questions=10, days=20)
        assert 0 < len(learner.logs) < parameters.MIN_REVIEWS
        clock.set(end)
        outcome = parameters.fit_parameters(person.id, clock())
        assert (outcome.result, outcome.reviews) == (parameters.TOO_LITTLE, len(learner.logs))
        assert get_settings(person.id).fsrs_parameters is None
        assert person.id not in parameters.eligible_people()

    def test_the_nightly_job_fits_those_with_enough_history_only(self, clock):
        enough, short = make_user(), make_user()
        _, end = learner_with_a_year(enough)
        learner_with_a_year(short, questions=5, days=10)
        clock.set(end)
        assert parameters.eligible_people() == [enough.id]
        assert parameters.fit_everyone(clock()) == {parameters.ADOPTED: 1}
        assert get_settings(short.id).fsrs_parameters is None


def test_the_page_says_which_parameters_are_in_use_and_goes_back_to_the_defaults(
    app, client, clock
):
    with app.app_context():
        person = make_user(email="fit@example.com")
        learner, end = learner_with_a_year(person)
        clock.set(end)
        outcome = parameters.fit_parameters(person.id, clock())
        person_id, question_id = person.id, learner.question_ids[0]
    login(client, "fit@example.com")
    html = client.get(PAGE).get_data(as_text=True)
    assert "your own parameters" in html
    assert f"fitted to {len(learner.logs)} of your reviews" in html
    assert "2026-01-06 10:00 UTC" in html  # since when
    with app.app_context():
        update_settings(person_id, time_zone="Europe/Paris")
    assert "2026-01-06 11:00 CET" in client.get(PAGE).get_data(as_text=True)  # their clock
    assert f'data-testid="fitted-log-loss">{outcome.fitted_log_loss:.4f}<' in html
    assert f'data-testid="default-log-loss">{outcome.default_log_loss:.4f}<' in html

    path = "/practice/settings/parameters/defaults"
    response = client.post(path, data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 302
    with app.app_context():
        settings = db.session.get(PracticeSettings, person_id)
        assert settings.fsrs_parameters is None and settings.fit_parameters is False
        card = db.session.get(Card, (person_id, question_id))
        expected = memory_with(None, history_of(person_id, question_id))
        assert card.stability == pytest.approx(expected.stability, rel=1e-6)
        # The nightly fit leaves a person who chose the defaults alone.
        assert person_id not in parameters.eligible_people()
        assert parameters.fit_everyone(clock()) == {}
    html = client.get(PAGE).get_data(as_text=True)
    assert "FSRS's default parameters" in html and "You chose the defaults" in html

    path = "/practice/settings/parameters/personal"
    client.post(path, data={"csrf_token": csrf_token(client, PAGE)})
    with app.app_context():
        assert parameters.eligible_people() == [person_id]


def test_the_page_says_when_there_is_too_little_history(app, client, user):
    login(client, user.email)
    html = client.get(PAGE).get_data(as_text=True)
    assert 'data-testid="too-little-history"' in html
    assert f"you have 0 reviews, and fitting needs at least {parameters.MIN_REVIEWS}" in html


def test_going_back_to_the_defaults_needs_the_csrf_token(app, client, user):
    login(client, user.email)
    response = client.post("/practice/settings/parameters/defaults")
    assert response.status_code == 400


def test_the_cli_fits_one_person(app, runner, clock):
    with app.app_context():
        person = make_user(email="cli@example.com")
        _, end = learner_with_a_year(person)
        clock.set(end)
    result = runner.invoke(args=["practice", "fit", "--email", "cli@example.com"])
    assert result.exit_code == 0, result.output
    assert "fitted parameters adopted" in result.output and "log loss: fitted" in result.output
    result = runner.invoke(args=["practice", "fit", "--email", "nobody@example.com"])
    assert result.exit_code != 0 and "no account" in result.output


def finished_jobs(app, worker, count: int) -> list[TaskRecord]:
    def finished():
        worker.require_running()
        db.session.rollback()  # a fresh transaction sees the worker's commits
        records = list(db.session.scalars(sa.select(TaskRecord).order_by(TaskRecord.created_at)))
        done = [record for record in records if record.state not in ("queued", "running")]
        return records if len(done) >= count else None

    try:
        return wait_for(finished, timeout=60, what=f"{count} jobs to finish")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{worker.output()}") from None


@pytest.mark.slow
def test_the_nightly_beat_job_runs_on_a_real_worker(
    app_factory, migrated, start_worker, tmp_path, monkeypatch
):
    env, settings = filesystem_broker(migrated, tmp_path, monkeypatch)
    app = web_app(app_factory, settings)
    entry = app.config["CELERY"]["beat_schedule"]["fit-practice-parameters"]
    assert entry["schedule"].hour == {3}  # once a night
    with app.app_context():
        person, short = make_user(), make_user()
        learner_with_a_year(person)
        learner_with_a_year(short, questions=5, days=10)
        person_id, short_id = person.id, short.id
        # What beat does at the scheduled time: queue the entry's task by its name.
        enqueue(entry["task"])
    worker = start_worker(env)
    with app.app_context():
        records = finished_jobs(app, worker, count=2)  # the nightly job, then one person's
        assert [(r.name, r.state, r.error) for r in records] == [
            ("practice.fit_parameters", "succeeded", None),
            ("practice.fit_person", "succeeded", None),
        ]
        assert records[1].summary == repr(person_id)
        fitted = db.session.get(PracticeSettings, person_id)
        assert fitted.fsrs_parameters is not None
        assert fitted.last_fit_result == parameters.ADOPTED
        assert fitted.parameters_log_loss < fitted.default_log_loss
        assert get_settings(short_id).fsrs_parameters is None
