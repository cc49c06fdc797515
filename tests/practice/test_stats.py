"""A person's statistics over a made history, counted in their days: retention by month and
level, the forecast, the streak, cards by state and mastery; the page and the API give the
service's numbers, to the person signed in only."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from prepdeck.decks import questions
from prepdeck.extensions import db
from prepdeck.practice import services as practice
from prepdeck.practice import stats
from prepdeck.practice.models import Card, ReviewLog
from tests.api_client import ApiClient
from tests.conftest import login
from tests.practice.conftest import make_deck, make_user, question_ids

KEYS = count()


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def log(person, question_id: int, at: datetime, rating: int = 3, before: str = "review"):
    db.session.add(
        ReviewLog(
            person_id=person.id,
            question_id=question_id,
            rating=rating,
            reviewed_at=at,
            state_before=before,
            state_after="review",
            stability_after=5.0,
            difficulty_after=5.0,
            due_after=at + timedelta(days=5),
            idempotency_key=f"k{next(KEYS)}",
        )
    )


def card(person, question_id: int, state: str, due=None, stability=None, last_review=None):
    db.session.add(
        Card(
            person_id=person.id,
            question_id=question_id,
            state=state,
            step=0,
            stability=stability,
            difficulty=5.0 if stability else None,
            due=due,
            last_review=last_review,
            reps=1,
            lapses=0,
        )
    )


@pytest.fixture
def ada(ctx, clock):
    person = make_user()
    practice.update_settings(person.id, time_zone="America/Los_Angeles", day_start_hour=4)
    # 20:00 UTC on 15 March 2025 is 13:00 summer time (UTC-7) in Los Angeles.
    clock.set(utc(2025, 3, 15, 20, 0))
    return person


def test_retention_by_month_counts_review_answers_in_the_persons_month(ada):
    deck = make_deck(ada)
    q1, q2, _ = question_ids(deck)
    log(ada, q1, utc(2025, 1, 10, 18), rating=1)  # January: 3 of 4 not Again
    for day in (11, 12, 13):
        log(ada, q1, utc(2025, 1, day, 18), rating=3)
    # 11:30 UTC on 1 February is 03:30 in Los Angeles (UTC-8): still 31 January there.
    log(ada, q2, utc(2025, 2, 1, 11, 30), rating=1)
    log(ada, q2, utc(2025, 2, 1, 12, 30), rating=4)  # 04:30: February
    log(ada, q2, utc(2025, 2, 2, 18), rating=2)
    log(ada, q1, utc(2025, 2, 3, 18), rating=1, before="learning")  # not a review answer
    log(ada, q1, utc(2025, 2, 4, 18), rating=1, before="new")
    log(ada, q1, utc(2025, 3, 10, 18), rating=1)  # March: 0 of 1
    log(ada, q1, utc(2024, 3, 1, 18), rating=1)  # before the 12 months
    db.session.commit()

    found = stats.person_stats(ada)

    months = {
        row.month: (row.reviews, row.passed, row.retention) for row in found.retention_by_month
    }
    assert list(months) == [f"2024-{m:02}" for m in range(4, 13)] + [
        "2025-01",
        "2025-02",
        "2025-03",
    ]
    assert months["2025-01"] == (5, 3, 0.6)
    assert months["2025-02"] == (2, 2, 1.0)
    assert months["2025-03"] == (1, 0, 0.0)
    assert months["2024-12"] == (0, 0, None)


def test_retention_by_level_over_the_last_twelve_months(ada):
    deck = make_deck(ada, prompts=())
    basic = questions.add_question(deck, ada, "Basic?", "A.", "basic").id
    expert = questions.add_question(deck, ada, "Expert?", "A.", "expert").id
    plain = questions.add_question(deck, ada, "Plain?", "A.").id
    for rating in (1, 3, 3, 4):
        log(ada, basic, utc(2025, 3, 1, 18), rating=rating)
    log(ada, expert, utc(2025, 3, 2, 18), rating=1)
    log(ada, expert, utc(2025, 3, 3, 18), rating=2)
    log(ada, expert, utc(2025, 3, 4, 18), rating=1, before="relearning")
    log(ada, plain, utc(2025, 3, 5, 18), rating=3)
    log(ada, plain, utc(2023, 3, 5, 18), rating=1)  # long ago
    db.session.commit()

    levels = {row.level: (row.reviews, row.passed, row.retention)
              for row in stats.person_stats(ada).retention_by_level}  # fmt: skip

    assert levels == {
        "basic": (4, 3, 0.75), "intermediate": (0, 0, None), "advanced": (0, 0, None),
        "expert": (2, 1, 0.5), "scenario": (0, 0, None), None: (1, 1, 1.0),
    }  # fmt: skip


def test_reviews_per_day_fall_in_the_persons_day_across_summer_time(ada):
    q1 = question_ids(make_deck(ada))[0]
    log(ada, q1, utc(2025, 3, 15, 10, 30))  # 03:30 summer time: still 14 March
    log(ada, q1, utc(2025, 3, 15, 11, 0))  # 04:00: 15 March
    log(ada, q1, utc(2025, 3, 15, 19, 59))
    log(ada, q1, utc(2025, 3, 1, 11, 59))  # 03:59 winter time (UTC-8): 28 February
    log(ada, q1, utc(2025, 3, 1, 12, 0))  # 04:00 winter time: 1 March
    log(ada, q1, utc(2024, 3, 16, 11, 0))  # 365 days before today: the first day shown
    log(ada, q1, utc(2024, 3, 15, 11, 0))  # 366 days: not shown
    db.session.commit()

    found = stats.person_stats(ada)

    per_day = {entry.date: entry.reviews for entry in found.reviews_per_day}
    assert found.today == date(2025, 3, 15)
    assert len(found.reviews_per_day) == 365
    assert found.reviews_per_day[0].date == date(2024, 3, 16)
    assert found.reviews_per_day[-1].date == date(2025, 3, 15)
    assert {day: n for day, n in per_day.items() if n} == {
        date(2024, 3, 16): 1, date(2025, 2, 28): 1, date(2025, 3, 1): 1,
        date(2025, 3, 14): 1, date(2025, 3, 15): 2,
    }  # fmt: skip
    assert found.total_reviews == 6


def test_forecast_counts_cards_due_per_day_overdue_ones_today(ada, clock):
    deck = make_deck(ada, prompts=[f"Q{n}?" for n in range(9)])
    practice.follow(ada, deck.slug)
    ids = question_ids(deck)
    unfollowed = question_ids(make_deck(ada, prompts=["Elsewhere?"]))[0]
    now = clock()
    card(ada, ids[0], "review", due=now - timedelta(days=2), stability=3.0, last_review=now)
    card(ada, ids[1], "learning", due=now + timedelta(hours=1), stability=1.0, last_review=now)
    # 10:59 UTC on 16 March is 03:59 in Los Angeles: still 15 March; 11:00 is 16 March.
    card(ada, ids[2], "review", due=utc(2025, 3, 16, 10, 59), stability=3.0, last_review=now)
    card(ada, ids[3], "review", due=utc(2025, 3, 16, 11, 0), stability=3.0, last_review=now)
    card(ada, ids[4], "relearning", due=utc(2025, 4, 13, 12), stability=3.0, last_review=now)
    card(ada, ids[5], "review", due=utc(2025, 4, 14, 12), stability=3.0, last_review=now)
    card(ada, ids[6], "new")
    card(ada, unfollowed, "review", due=now, stability=3.0, last_review=now)
    db.session.commit()

    forecast = stats.person_stats(ada).forecast

    assert len(forecast) == 30
    assert forecast[0].date == date(2025, 3, 15) and forecast[-1].date == date(2025, 4, 13)
    assert {entry.date: entry.due for entry in forecast if entry.due} == {
        date(2025, 3, 15): 3, date(2025, 3, 16): 1, date(2025, 4, 13): 1,
    }  # fmt: skip


def test_cards_by_state_count_followed_questions_without_a_card_as_new(ada):
    deck = make_deck(ada, prompts=[f"Q{n}?" for n in range(6)])
    practice.follow(ada, deck.slug)
    ids = question_ids(deck)
    other = question_ids(make_deck(ada, prompts=["Unfollowed?"]))[0]
    for question_id, state in zip(ids, ("review", "learning", "relearning", "new"), strict=False):
        card(ada, question_id, state, due=utc(2025, 3, 20), stability=2.0)
    card(ada, other, "review", due=utc(2025, 3, 20), stability=2.0)
    db.session.commit()

    assert stats.person_stats(ada).cards_by_state == {
        "new": 3, "learning": 1, "review": 1, "relearning": 1,
    }  # fmt: skip


def test_mastery_per_followed_deck(ada, clock):
    deck = make_deck(ada, prompts=["A?", "B?", "C?", "D?"])
    empty = make_deck(ada, prompts=())
    for followed in (deck, empty):
        practice.follow(ada, followed.slug)
    q1, q2, q3, _ = question_ids(deck)
    now = clock()
    card(ada, q1, "review", due=now, stability=30.0, last_review=now)  # mastered, recall 1
    # Reviewed as many days ago as its stability: FSRS's recall is 0.9 by definition.
    card(ada, q2, "review", due=now, stability=10.0, last_review=now - timedelta(days=10))
    card(ada, q3, "learning", due=now, stability=40.0, last_review=now)  # not in review
    db.session.commit()

    mastery = {row.deck_id: row for row in stats.person_stats(ada).mastery}

    assert set(mastery) == {deck.id, empty.id}
    row = mastery[deck.id]
    assert (row.questions, row.mastered, row.mastery) == (4, 1, 0.25)
    assert row.mean_retrievability == pytest.approx((1 + 0.9 + 1) / 4, abs=1e-4)
    assert (mastery[empty.id].questions, mastery[empty.id].mastery) == (0, 0.0)
    assert mastery[empty.id].mean_retrievability == 0.0


@pytest.mark.parametrize(
    ("zone", "start_hour", "streak", "today"),
    [
        ("UTC", 4, 2, True),  # 5 and 6 January, today the 6th
        ("UTC", 7, 1, False),  # 06:00 is still the 5th; today the 6th has none
        ("Australia/Brisbane", 4, 1, True),  # UTC+10: both on the 6th, today
        ("America/Los_Angeles", 4, 1, False),  # UTC-8: both on the 5th; 04:00 the 6th is today
    ],
)
def test_the_streak_counts_the_persons_days(ctx, clock, zone, start_hour, streak, today):
    person = make_user()
    practice.update_settings(person.id, time_zone=zone, day_start_hour=start_hour)
    q1 = question_ids(make_deck(person))[0]
    log(person, q1, utc(2025, 1, 5, 20, 0))
    log(person, q1, utc(2025, 1, 6, 6, 0))
    db.session.commit()
    clock.set(utc(2025, 1, 6, 12, 0))

    assert stats.person_stats(person).streak == stats.Streak(days=streak, reviewed_today=today)


def test_the_streak_runs_to_yesterday_until_today_is_reviewed_and_beyond_a_year(ada, clock):
    q1 = question_ids(make_deck(ada))[0]
    first = utc(2025, 3, 14, 20) - timedelta(days=399)  # 400 days in a row, to yesterday
    for n in range(400):
        log(ada, q1, first + timedelta(days=n))
    log(ada, q1, first - timedelta(days=2))  # a gap before
    db.session.commit()
    assert stats.person_stats(ada).streak == stats.Streak(days=400, reviewed_today=False)

    log(ada, q1, clock())
    db.session.commit()
    assert stats.person_stats(ada).streak == stats.Streak(days=401, reviewed_today=True)

    clock.move(days=2)  # a day without review: the run is over
    assert stats.person_stats(ada).streak == stats.Streak(days=0, reviewed_today=False)


def test_reviews_answered_through_the_service_count(ada, clock):
    deck = make_deck(ada)
    practice.follow(ada, deck.slug)
    q1, q2, _ = question_ids(deck)
    practice.review(ada, q1, 3, 1000, "a")
    practice.review(ada, q2, 1, 1000, "b")

    found = stats.person_stats(ada)

    assert found.reviews_per_day[-1].reviews == 2
    assert found.cards_by_state == {"new": 1, "learning": 2, "review": 0, "relearning": 0}
    assert found.forecast[0].due == 2  # both steps are due again today
    assert found.streak == stats.Streak(days=1, reviewed_today=True)


def _made_history(app) -> tuple[str, dict]:
    with app.app_context():
        person = make_user()
        deck = make_deck(person)
        deck.title = "</script><script>alert(1)</script>"  # stays data in the JSON block
        practice.follow(person, deck.slug)
        q1, q2, _ = question_ids(deck)
        now = practice.clock()
        log(person, q1, now - timedelta(days=1), rating=1)
        log(person, q2, now - timedelta(days=40), rating=3)
        card(person, q1, "review", due=now + timedelta(days=3), stability=25.0, last_review=now)
        db.session.commit()
        return person.email, stats.as_json(stats.person_stats(person))


def test_page_and_api_give_the_services_numbers(app, client, clock):
    email, expected = _made_history(app)
    assert expected["cards_by_state"]["review"] == 1 and expected["total_reviews"] == 2
    assert expected["mastery"][0]["title"] == "</script><script>alert(1)</script>"

    login(client, email)
    page = client.get("/practice/stats")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="stats-data">(.*?)</script>', html, re.S)
    assert json.loads(block.group(1)) == expected
    assert '<canvas id="chart-forecast"' in html

    api = ApiClient(app.test_client()).sign_in(email)
    response = api.get("stats")
    assert response.status_code == 200
    assert response.get_json() == expected
    again = api.get("stats", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304  # nothing changed since


def test_statistics_need_a_signed_in_person(app, client):
    page = client.get("/practice/stats")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    response = client.get("/api/v1/stats")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"]
