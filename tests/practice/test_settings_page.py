"""The practice settings page: every setting through the form, errors beside their fields."""

from __future__ import annotations

import re

import pytest

from prepdeck.extensions import db
from prepdeck.practice.models import PracticeSettings
from prepdeck.practice.settings import get_settings
from tests.conftest import csrf_token, login

PAGE = "/practice/settings"
VALID = {
    "new_per_day": "15",
    "max_reviews_per_day": "150",
    "desired_retention": "0.85",
    "learning_steps": "1 5 30",
    "relearning_steps": "5 15",
    "time_zone": "Australia/Sydney",
    "day_start_hour": "3",
    "reminders_enabled": "y",
    "reminder_hour": "7",
}


@pytest.fixture
def signed_in(client, user):
    login(client, user.email)
    return client


def submit(client, **changes):
    data = {**VALID, **changes}
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(PAGE, data={**data, "csrf_token": csrf_token(client, PAGE)})


def stored(app, person_id: int) -> PracticeSettings:
    with app.app_context():
        settings = get_settings(person_id)
        db.session.expunge_all()
        return settings


def field_errors(html: str) -> list[str]:
    return re.findall(r'<div class="invalid-feedback">([^<]+)</div>', html)


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_page_shows_the_defaults(signed_in):
    html = signed_in.get(PAGE).get_data(as_text=True)
    assert re.search(r'id="new_per_day"[^>]*value="20"', html)
    assert re.search(r'id="learning_steps"[^>]*value="1 10"', html)
    assert re.search(r'id="time_zone"[^>]*value="UTC"', html)
    assert '<option selected value="4">04:00</option>' in html
    assert "FSRS's default parameters" in html


def test_every_setting_is_saved(app, signed_in, user):
    response = submit(signed_in)
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    settings = stored(app, user.id)
    assert (settings.new_per_day, settings.max_reviews_per_day) == (15, 150)
    assert settings.desired_retention == pytest.approx(0.85)
    assert (settings.learning_steps, settings.relearning_steps) == ("1 5 30", "5 15")
    assert (settings.time_zone, settings.day_start_hour) == ("Australia/Sydney", 3)
    assert (settings.reminders_enabled, settings.reminder_hour) == (True, 7)
    page = signed_in.get(PAGE).get_data(as_text=True)
    assert "Practice settings saved." in page and 'value="Australia/Sydney"' in page

    submit(signed_in, reminders_enabled=None)  # an unticked box is not sent by a browser
    assert stored(app, user.id).reminders_enabled is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus_Mons", "Unknown time zone."),
        ("time_zone", "", "Give a time zone such as Europe/Paris."),
        ("desired_retention", "0.99", "Desired retention must be from 0.70 to 0.97."),
        ("desired_retention", "lots", "Not a valid float value."),
        ("new_per_day", "-1", "new per day must be from 0 to 9999."),
        ("learning_steps", "1 ten", "Learning steps are minutes separated by spaces"),
        ("day_start_hour", "24", "Not a valid choice."),
        ("reminder_hour", "-3", "Not a valid choice."),
    ],
)
def test_a_wrong_value_is_a_field_error_and_nothing_is_lost(
    app, signed_in, user, field, value, message
):
    response = submit(signed_in, **{field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    errors = field_errors(html)
    assert len(errors) == 1 and errors[0].startswith(message.replace("'", "&#39;"))
    assert re.search(rf'class="[^"]*is-invalid[^"]*" id="{field}"', html)
    # What was typed is still in the form, the wrong value too, for the person to correct.
    assert 'value="1 5 30"' in html or field == "learning_steps"
    assert 'value="Australia/Sydney"' in html or field == "time_zone"
    assert stored(app, user.id).time_zone == "UTC"  # nothing was kept


def test_a_post_without_its_csrf_token_is_refused(app, signed_in, user):
    response = signed_in.post(PAGE, data=VALID)
    assert response.status_code == 400
    assert stored(app, user.id).new_per_day == 20
