"""The practice pages with the test client, as a person uses them without JavaScript:
follow a deck, review its cards (prompt, answer, the four buttons), narrow the queue, undo."""

from __future__ import annotations

import re
from contextlib import contextmanager
from html import unescape

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.decks import questions
from prepdeck.extensions import db
from prepdeck.practice import scheduler, services
from prepdeck.practice.models import Card, DeckFollow, ReviewLog
from tests.conftest import csrf_token, login, make_person, post_form
from tests.practice.conftest import make_deck, make_user


@contextmanager
def inside(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def deck(app, user):
    """Ada's public deck of three questions, followed by her."""
    with inside(app):
        ada = db.session.get(User, user.id)
        deck = make_deck(ada, "public", prompts=("Why WSGI?", "What is g?", "Why blueprints?"))
        services.follow(ada, deck.slug)
        return {"slug": deck.slug, "ids": [q.id for q in questions.deck_questions(deck)]}


@pytest.fixture
def signed_in(client, user):
    login(client, user.email)
    return client


def page(client, path: str = "/practice", status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return unescape(response.get_data(as_text=True))


def shown_question(html: str) -> int | None:
    found = re.search(r'data-question-id="(\d+)"', html)
    return int(found.group(1)) if found else None


def form_fields(html: str, form_id: str) -> dict[str, str]:
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form))


def counts(html: str) -> tuple[int, int, int]:
    return tuple(
        int(re.search(rf'data-testid="count-{kind}">(\d+)<', html).group(1))
        for kind in ("learning", "review", "new")
    )


def answer(client, rating: int, path: str = "/practice", **changes):
    """Reveal the card shown at `path` and press one of the four buttons."""
    html = page(client, path)
    fields = form_fields(html, "answer-form")
    return client.post(
        "/practice/answer" + path.removeprefix("/practice"),
        data={**fields, "rating": str(rating), **changes},
    )


def log_count(app) -> int:
    with inside(app):
        return db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog))


def test_pages_need_a_signed_in_person(client, deck):
    for path in ("/practice", "/practice?reveal=1"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location
    token = csrf_token(client, "/login")
    for path in (f"/decks/{deck['slug']}/follow", "/practice/answer", "/practice/undo"):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 302 and "/login" in response.location
    assert "Practice</a>" not in page(client, "/decks")  # the nav link is for people signed in


def test_follow_and_stop_following_on_the_deck_page(app, signed_in, user):
    with inside(app):
        other = make_user()
        deck = make_deck(other, "public")
        slug, deck_id = deck.slug, deck.id
    html = page(signed_in, f"/decks/{slug}")
    assert ">Follow</button>" in html and 'href="/practice"' in html
    response = post_form(signed_in, f"/decks/{slug}/follow", {}, page=f"/decks/{slug}")
    assert response.status_code == 302 and response.location.endswith(f"/decks/{slug}")
    html = page(signed_in, f"/decks/{slug}")
    assert "You follow this deck" in html and ">Stop following</button>" in html
    assert f'href="/practice?deck={slug}"' in html
    with inside(app):
        assert db.session.get(DeckFollow, (user.id, deck_id)) is not None
    post_form(signed_in, f"/decks/{slug}/unfollow", {}, page=f"/decks/{slug}")
    html = page(signed_in, f"/decks/{slug}")
    assert "You no longer follow this deck" in html and ">Follow</button>" in html
    with inside(app):
        assert db.session.get(DeckFollow, (user.id, deck_id)) is None


def test_another_persons_private_deck_is_not_found(app, signed_in):
    with inside(app):
        hidden = make_deck(make_user(), "private").slug
    for path in (f"/decks/{hidden}/follow", f"/decks/{hidden}/unfollow"):
        assert post_form(signed_in, path, {}, page="/practice").status_code == 404
    html = page(signed_in, f"/practice?deck={hidden}", status=404)
    assert "There is no deck at this address" in html and "Nothing is due" in html


def test_follow_needs_the_csrf_token(app, signed_in, deck):
    response = signed_in.post(f"/decks/{deck['slug']}/unfollow")
    assert response.status_code == 400 and "This form has expired" in response.get_data(True)
    html = page(signed_in)
    fields = form_fields(html, "answer-form")
    fields.pop("csrf_token")
    assert signed_in.post("/practice/answer", data={**fields, "rating": "3"}).status_code == 400
    assert log_count(app) == 0


def test_review_prompt_then_answer_then_the_buttons_with_their_intervals(
    app, signed_in, user, deck, clock
):
    first, second, _ = deck["ids"]
    html = page(signed_in)
    assert shown_question(html) == first and "Why WSGI?" in html
    assert counts(html) == (0, 0, 3)
    assert re.search(r'id="answer"[^>]*hidden', html)  # the answer waits to be asked for
    show = re.search(r'href="(/practice\?reveal=[^"]+)"', html).group(1)

    html = page(signed_in, show)
    assert "The answer to Why WSGI?" in html and not re.search(r'id="answer"[^>]*hidden', html)
    with inside(app):
        expected = scheduler.button_intervals(
            scheduler.CardState(), clock.now, scheduler.Schedule(), seed=f"{user.id}:{first}"
        )
    labels = re.findall(r'data-testid="interval-(\d)">([^<]+)<', html)
    assert labels == [(str(r), expected[r].label) for r in (1, 2, 3, 4)]
    assert [label for _, label in labels[:3]] == ["1m", "6m", "10m"]

    response = answer(signed_in, 3)
    assert response.status_code == 303 and response.location == "/practice"
    html = page(signed_in)
    assert shown_question(html) == second and counts(html) == (0, 0, 2)
    assert "Last answer: Good." in html
    clock.move(minutes=10)  # the first card's next learning step is due: it comes first
    html = page(signed_in)
    assert shown_question(html) == first and counts(html) == (1, 0, 2)
    with inside(app):
        card = db.session.get(Card, (user.id, first))
        assert (card.state, card.step, card.reps) == ("learning", 1, 1)


def test_the_same_answer_sent_twice_or_from_two_tabs_is_applied_once(app, signed_in, user, deck):
    first = deck["ids"][0]
    tab_one, tab_two = page(signed_in), page(signed_in)
    keys = [form_fields(tab, "answer-form")["idempotency_key"] for tab in (tab_one, tab_two)]
    assert keys[0] == keys[1]
    fields = form_fields(tab_one, "answer-form")
    for rating in ("3", "3", "1"):  # a double submit, then the other tab's different answer
        response = signed_in.post("/practice/answer", data={**fields, "rating": rating})
        assert response.status_code == 303
    assert log_count(app) == 1
    with inside(app):
        assert db.session.get(Card, (user.id, first)).reps == 1
    assert shown_question(page(signed_in)) != first


def test_a_bad_answer_is_refused_with_a_message(app, signed_in, deck):
    fields = form_fields(page(signed_in), "answer-form")
    cases = [
        ({"rating": "7"}, "Choose Again, Hard, Good or Easy."),
        ({"rating": ""}, "Choose Again, Hard, Good or Easy."),
        ({"rating": "3", "question_id": "abc"}, "This form could not be read."),
        ({"rating": "3", "question_id": str(2**63)}, "This form could not be read."),
        ({"rating": "3", "idempotency_key": ""}, "This form could not be read."),
        ({"rating": "3", "idempotency_key": "x" * 101}, "This form could not be read."),
    ]
    for bad, message in cases:
        response = signed_in.post("/practice/answer", data={**fields, **bad})
        assert response.status_code == 303
        assert message in page(signed_in)
    assert log_count(app) == 0


def test_undo_on_the_page(app, signed_in, user, deck):
    html = page(signed_in)
    assert 'data-testid="undo-form"' not in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = signed_in.post("/practice/undo", data={"csrf_token": token, "answer_id": "1"})
    assert response.status_code == 303
    assert "That answer was already undone." in page(signed_in)

    answer(signed_in, 4)
    html = page(signed_in)
    undo_fields = form_fields(html, "undo-form")
    for _ in range(2):  # pressed twice: one answer taken back
        assert signed_in.post("/practice/undo", data=undo_fields).status_code == 303
    assert log_count(app) == 0
    with inside(app):
        card = db.session.get(Card, (user.id, deck["ids"][0]))
        assert (card.state, card.reps, card.due) == ("new", 0, None)
    html = page(signed_in)
    assert shown_question(html) == deck["ids"][0] and counts(html) == (0, 0, 3)


def test_narrowing_by_deck_level_tag_and_missed(app, signed_in, user, deck, clock):
    with inside(app):
        ada = db.session.get(User, user.id)
        other = make_deck(ada, "private", prompts=())
        expert = questions.add_question(other, ada, "Expert?", "Yes.", "expert", ["wsgi"])
        basic = questions.add_question(other, ada, "Basic?", "Yes.", "basic", ["jinja"])
        services.follow(ada, other.slug)
        other_slug, expert_id, basic_id = other.slug, expert.id, basic.id
    assert counts(page(signed_in)) == (0, 0, 5)
    html = page(signed_in, f"/practice?deck={other_slug}")
    assert shown_question(html) == expert_id and counts(html) == (0, 0, 2)
    assert shown_question(page(signed_in, "/practice?level=basic")) == basic_id
    assert shown_question(page(signed_in, "/practice?tag=wsgi")) == expert_id
    html = page(signed_in, f"/practice?deck={other_slug}&level=basic&tag=wsgi")
    assert shown_question(html) is None and "Nothing is due here" in html

    # Answered from a narrowed page, the person stays in it.
    response = answer(signed_in, 1, path="/practice?level=basic")
    assert response.location == "/practice?level=basic"
    html = page(signed_in, "/practice?missed=7")
    assert shown_question(html) == basic_id and counts(html) == (1, 0, 0)
    clock.move(days=8)
    assert shown_question(page(signed_in, "/practice?missed=7")) is None


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("level=guru", 422, "Level is one of basic"),
        ("missed=abc", 422, "Missed within the last 1 to 365 days"),
        ("missed=0", 422, "Missed within the last 1 to 365 days"),
        ("missed=%C2%B2", 422, "Missed within the last 1 to 365 days"),
        ("missed=-3", 422, "Missed within the last 1 to 365 days"),
        ("missed=99999999999999999999", 422, "Missed within the last 1 to 365 days"),
        ("tag=%3Cscript%3E", 422, "Tags are short words"),
        ("deck=no-such-deck", 404, "There is no deck at this address"),
    ],
)
def test_a_bad_narrowing_is_said_on_the_page(signed_in, deck, query, status, message):
    html = page(signed_in, f"/practice?{query}", status=status)
    assert message in html and "Showing every followed deck instead" in html
    assert shown_question(html) == deck["ids"][0]  # and the whole queue is there


def test_a_deck_not_followed_cannot_narrow_the_queue(app, signed_in, deck):
    with inside(app):
        public = make_deck(make_user(), "public").slug
    assert "You do not follow this deck." in page(signed_in, f"/practice?deck={public}", 404)


def test_an_edited_question_keeps_its_card(app, signed_in, user, deck, clock):
    first = deck["ids"][0]
    answer(signed_in, 1)  # Again: due again in a minute
    with inside(app):
        ada = db.session.get(User, user.id)
        questions.update_question(db.session.get(questions.Question, first), ada, "Why WSGI, now?")
    clock.move(minutes=1)
    html = page(signed_in)
    assert shown_question(html) == first and "Why WSGI, now?" in html
    assert counts(html) == (1, 0, 2)
    answer(signed_in, 3)
    with inside(app):
        assert db.session.get(Card, (user.id, first)).reps == 2


def test_a_deleted_question_leaves_the_queue(app, signed_in, user, deck, clock):
    first = deck["ids"][0]
    answer(signed_in, 1)
    clock.move(minutes=1)
    stale = form_fields(page(signed_in), "answer-form")
    assert stale["question_id"] == str(first)
    with inside(app):
        ada = db.session.get(User, user.id)
        questions.delete_question(db.session.get(questions.Question, first), ada)
    html = page(signed_in)
    assert shown_question(html) != first and counts(html) == (0, 0, 2)
    # A page still showing it: the answer is refused with a message, nothing is written.
    response = signed_in.post("/practice/answer", data={**stale, "rating": "3"})
    assert response.status_code == 303
    assert "There is no such question." in page(signed_in)
    with inside(app):
        assert db.session.get(Card, (user.id, first)) is None


def test_nothing_due_says_so_with_links(app, signed_in, user, deck):
    for _ in deck["ids"]:
        answer(signed_in, 3)
    html = page(signed_in)
    assert "Nothing is due right now" in html and "You have answered everything due" in html
    assert 'href="/decks"' in html and counts(html) == (0, 0, 0)
    with inside(app):
        db.session.execute(sa.delete(DeckFollow))
        db.session.commit()
    assert "You follow no decks yet" in page(signed_in)


def test_another_persons_answers_are_not_offered_for_undo(app, client, user, deck):
    stranger = make_person(app, email="eve@example.com")
    login(client, user.email)
    answer(client, 3)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/practice")})
    login(client, stranger.email)
    html = page(client)
    assert 'data-testid="undo-form"' not in html and "You follow no decks yet" in html
