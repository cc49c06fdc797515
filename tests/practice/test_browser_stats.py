"""The statistics page in Chromium: Chart.js, from the app's own static files, draws the
service's numbers under the app's CSP; the heatmap shows every day; each chart has a table
that a keyboard opens; the page passes axe-core's WCAG 2 A and AA rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from prepdeck.decks import questions
from prepdeck.extensions import db
from prepdeck.practice import services as practice
from prepdeck.practice import stats
from tests.browser import assert_accessible, sign_in, tab_to
from tests.factories import UserFactory
from tests.practice.conftest import make_deck, question_ids
from tests.practice.test_stats import card, log

pytestmark = pytest.mark.browser

CHART_DATA = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  return chart ? {type: chart.config.type, labels: chart.data.labels,
                  data: chart.data.datasets.map((set) => set.data)} : null;
}"""


def made_history(app, clock) -> dict:
    with app.app_context():
        person = UserFactory(email="ada@example.com", display_name="Ada")
        practice.update_settings(person.id, time_zone="Europe/Paris", day_start_hour=5)
        deck = make_deck(person, prompts=())
        for n, level in enumerate(("basic", "advanced", None, "expert")):
            questions.add_question(deck, person, f"Q{n}?", "A.", level)
        practice.follow(person, deck.slug)
        ids = question_ids(deck)
        now = clock()
        for days_ago, question_id, rating in [
            (0, ids[0], 3),
            (1, ids[1], 1),
            (1, ids[0], 4),
            (3, ids[2], 2),
            (40, ids[3], 1),
            (80, ids[1], 3),
        ]:
            log(person, question_id, now - timedelta(days=days_ago), rating=rating)  # fmt: skip
        card(person, ids[0], "review", due=now + timedelta(days=2), stability=30.0,
             last_review=now)  # fmt: skip
        card(person, ids[1], "relearning", due=now + timedelta(minutes=10), stability=2.0,
             last_review=now - timedelta(days=1))  # fmt: skip
        db.session.commit()
        return stats.as_json(stats.person_stats(person))


def test_the_page_draws_the_services_numbers(live_server, visitors, clock):
    expected = made_history(live_server.app, clock)
    visitor = visitors()
    page = visitor.page
    sign_in(page, "ada@example.com")
    page.get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", name="Statistics", level=1)).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('chart-mastery'))"
    )

    def chart(id_: str) -> dict:
        return page.evaluate(CHART_DATA, id_)

    months = expected["retention_by_month"]
    assert chart("chart-retention-month") == {
        "type": "bar", "labels": [row["month"] for row in months],
        "data": [[row["retention"] for row in months]],
    }  # fmt: skip
    levels = expected["retention_by_level"]
    assert chart("chart-retention-level")["data"] == [[row["retention"] for row in levels]]
    assert chart("chart-retention-level")["labels"] == [
        row["level"] or "no level" for row in levels
    ]
    forecast = expected["forecast"]
    assert chart("chart-forecast") == {
        "type": "bar", "labels": [row["date"] for row in forecast],
        "data": [[row["due"] for row in forecast]],
    }  # fmt: skip
    assert chart("chart-states") == {
        "type": "doughnut", "labels": list(expected["cards_by_state"]),
        "data": [list(expected["cards_by_state"].values())],
    }  # fmt: skip
    assert chart("chart-mastery")["data"] == [
        [row["mastery"] for row in expected["mastery"]],
        [row["mean_retrievability"] for row in expected["mastery"]],
    ]
    # The numbers are not all zero: the history shows.
    assert expected["cards_by_state"] == {"new": 2, "learning": 0, "review": 1, "relearning": 1}
    assert forecast[0]["due"] == 1 and expected["streak"] == {"days": 2, "reviewed_today": True}

    # The heatmap: a cell per day with its count, the busiest days darkest.
    cells = page.locator("#heatmap span[data-date]")
    expect(cells).to_have_count(365)
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('#heatmap span[data-date]')]"
        ".map((cell) => [cell.dataset.date, Number(cell.dataset.reviews)])"
    )
    assert drawn == [[row["date"], row["reviews"]] for row in expected["reviews_per_day"]]
    today = page.locator(f"#heatmap span[data-date='{expected['today']}']")
    expect(today).to_have_attribute("title", f"{expected['today']}: 1 review")
    expect(page.get_by_test_id("streak")).to_contain_text("2 days")

    # Each chart's numbers are in a table a keyboard opens.
    summary = page.locator("summary", has_text="Forecast as a table")
    tab_to(page, summary)
    page.keyboard.press("Enter")
    table = page.locator("details[open] table")
    expect(table).to_contain_text(forecast[0]["date"])
    assert visitor.csp_violations() == []
    assert visitor.console_errors == []
    assert_accessible(page)


def test_a_person_without_history_sees_empty_charts(live_server, visitors, clock):
    with live_server.app.app_context():
        UserFactory(email="new@example.com")
    visitor = visitors()
    sign_in(visitor.page, "new@example.com")
    visitor.page.goto("/practice/stats")
    visitor.page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('chart-forecast'))"
    )
    expect(visitor.page.get_by_text("You follow no decks yet.")).to_be_visible()
    expect(visitor.page.locator("#heatmap span[data-date]")).to_have_count(365)
    assert visitor.console_errors == []
    assert_accessible(visitor.page)
