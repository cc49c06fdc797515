"""Following decks, practice settings, and the day's queue."""

from datetime import UTC, datetime, timedelta

import pytest

from prepdeck.core.errors import Invalid, NotFound
from prepdeck.decks import questions
from prepdeck.decks import services as decks
from prepdeck.extensions import db
from prepdeck.practice import services
from prepdeck.practice.models import PracticeSettings
from tests.factories import AdminFactory
from tests.practice.conftest import make_deck, make_user, question_ids

pytestmark = pytest.mark.usefixtures("ctx")


def kinds(person, **kwargs) -> list[tuple[str, int]]:
    return [(item.kind, item.question_id) for item in services.due_queue(person, **kwargs)]


def test_a_person_follows_own_public_and_unlisted_decks_but_not_others_private_ones():
    person, stranger = make_user(), make_user()
    own = make_deck(person, "private")
    public = make_deck(stranger, "public")
    unlisted = make_deck(stranger, "unlisted")
    hidden = make_deck(stranger, "private")
    for deck in (own, public, unlisted, public):
        services.follow(person, deck.slug)
    assert services.followed_deck_ids(person) == [own.id, public.id, unlisted.id]
    for slug in (hidden.slug, "no-such-deck"):
        with pytest.raises(NotFound, match="There is no deck at this address"):
            services.follow(person, slug)
        with pytest.raises(NotFound):
            services.unfollow(person, slug)
    services.unfollow(person, public.slug)
    services.unfollow(person, public.slug)  # already gone: nothing to do
    assert services.followed_deck_ids(person) == [own.id, unlisted.id]
    # A deck made private since can still be unfollowed, and leaves the queue at once.
    decks.update_deck(unlisted, stranger, unlisted.title, "", "private")
    assert {qid for _, qid in kinds(person)} == set(question_ids(own))
    services.unfollow(person, unlisted.slug)
    assert services.followed_deck_ids(person) == [own.id]
    assert services.follow(make_user(), public.slug) is not None
    admin = AdminFactory()
    services.follow(admin, hidden.slug)


def test_settings_have_defaults_and_refuse_bad_values():
    person = make_user()
    settings = services.get_settings(person.id)
    assert (settings.new_per_day, settings.max_reviews_per_day) == (20, 200)
    assert (settings.desired_retention, settings.learning_steps) == (0.9, "1 10")
    assert (settings.relearning_steps, settings.time_zone) == ("10", "UTC")
    assert (settings.day_start_hour, settings.fsrs_parameters) == (4, None)
    assert db.session.get(PracticeSettings, person.id) is None  # reading saves nothing
    bad = [
        {"time_zone": "Atlantis/Capital"},
        {"desired_retention": 0.69},
        {"desired_retention": 0.98},
        {"new_per_day": -1},
        {"max_reviews_per_day": "many"},
        {"day_start_hour": 24},
        {"learning_steps": "1 ten"},
        {"learning_steps": "0"},
        {"relearning_steps": "2000"},
        {"fsrs_parameters": [1.0, 2.0]},
        {"colour": "blue"},
    ]
    for change in bad:
        with pytest.raises(Invalid):
            services.update_settings(person.id, **{"new_per_day": 5, **change})
    assert db.session.get(PracticeSettings, person.id) is None
    with pytest.raises(Invalid) as raised:
        services.update_settings(person.id, time_zone="Atlantis/Capital")
    assert raised.value.details == {"time_zone": ["Unknown time zone."]}
    saved = services.update_settings(
        person.id, time_zone="Asia/Tokyo", learning_steps=" 1  5 30 ", desired_retention=0.85
    )
    assert (saved.time_zone, saved.learning_steps, saved.desired_retention) == (
        "Asia/Tokyo", "1 5 30", 0.85,
    )  # fmt: skip
    assert services.get_settings(person.id).new_per_day == 20


def test_the_queue_takes_learning_then_reviews_mixed_with_new_within_the_days_limits(clock):
    person = make_user()
    deck = make_deck(person, prompts=[f"Q{n}?" for n in range(8)])
    ids = question_ids(deck)
    services.follow(person, deck.slug)
    services.update_settings(person.id, new_per_day=3)
    assert kinds(person) == [("new", ids[0]), ("new", ids[1]), ("new", ids[2])]
    services.review(person, ids[0], 4, 0, "a")  # to review, days away
    services.review(person, ids[1], 3, 0, "b")  # learning, due in 10 minutes
    # Two new cards introduced today: one more today.
    assert kinds(person) == [("new", ids[2])]
    clock.move(minutes=10)
    assert kinds(person) == [("learning", ids[1]), ("new", ids[2])]
    assert kinds(person, limit=1) == [("learning", ids[1])]
    # The next day of the person (after 04:00 UTC): the new limit starts again.
    clock.set(datetime(2025, 1, 7, 4, 0, tzinfo=UTC))
    assert kinds(person) == [
        ("learning", ids[1]),
        ("new", ids[2]),
        ("new", ids[3]),
        ("new", ids[4]),
    ]
    clock.set(datetime(2025, 1, 30, 5, 0, tzinfo=UTC))
    # Learning first; the one review due spread among the day's three new questions.
    assert kinds(person) == [
        ("learning", ids[1]), ("new", ids[2]), ("new", ids[3]), ("review", ids[0]), ("new", ids[4])
    ]  # fmt: skip


def test_new_questions_are_spread_evenly_among_the_reviews():
    from prepdeck.practice.queue import QueueItem, mixed

    def items(kind, count):
        return [QueueItem(n, kind, None) for n in range(count)]

    def kinds_of(queue) -> str:
        return "".join(item.kind[0] for item in queue)

    assert kinds_of(mixed(items("review", 4), items("new", 1), 4)) == "rrnrr"
    assert kinds_of(mixed(items("review", 6), items("new", 2), 6)) == "rrnrrnrr"
    assert kinds_of(mixed([], items("new", 3), 0)) == "nnn"
    assert kinds_of(mixed(items("review", 3), [], 3)) == "rrr"
    # 200 reviews due, 20 new, the first 50 of the queue read: one new after every 9.5 reviews.
    first = mixed(items("review", 50), items("new", 20), 200)[:50]
    assert kinds_of(first).count("n") == 4 and kinds_of(first)[:12] == "r" * 10 + "nr"


def test_new_questions_count_in_the_persons_day_and_zone(clock):
    person = make_user()
    deck = make_deck(person, prompts=["A?", "B?", "C?"])
    ids = question_ids(deck)
    services.follow(person, deck.slug)
    services.update_settings(person.id, new_per_day=1, time_zone="Australia/Brisbane")
    clock.set(datetime(2025, 1, 15, 17, 0, tzinfo=UTC))  # 03:00 on the 16th in Brisbane
    services.review(person, ids[0], 3, 0, "a")
    assert [kind for kind, _ in kinds(person)] == []
    clock.set(datetime(2025, 1, 15, 18, 0, tzinfo=UTC))  # 04:00 there: a new day
    assert kinds(person)[-1] == ("new", ids[1])


def test_the_review_maximum_caps_reviews_and_new_together(clock):
    person = make_user()
    deck = make_deck(person, prompts=[f"Q{n}?" for n in range(5)])
    ids = question_ids(deck)
    services.follow(person, deck.slug)
    services.update_settings(person.id, max_reviews_per_day=3)
    for n, question_id in enumerate(ids[:3]):
        services.review(person, question_id, 4, 0, f"k{n}")
    assert kinds(person) == []  # three new cards today: the day's maximum
    clock.move(days=30)
    assert [kind for kind, _ in kinds(person)] == ["review"] * 3


def test_a_deleted_question_leaves_the_queue(clock):
    person = make_user()
    deck = make_deck(person, prompts=["Kept?", "Reviewed then deleted?", "Never seen, deleted?"])
    kept, reviewed, unseen = question_ids(deck)
    services.follow(person, deck.slug)
    services.review(person, reviewed, 3, 0, "a")
    clock.move(minutes=10)
    assert ("learning", reviewed) in kinds(person) and ("new", unseen) in kinds(person)
    for question_id in (reviewed, unseen):
        questions.delete_question(db.session.get(questions.Question, question_id), person)
    assert kinds(person) == [("new", kept)]
    with pytest.raises(NotFound):
        services.review(person, reviewed, 3, 0, "b")


def test_the_queue_uses_the_server_clock_unless_given_a_time(clock):
    person = make_user()
    deck = make_deck(person, prompts=["Only?"])
    services.follow(person, deck.slug)
    services.review(person, question_ids(deck)[0], 1, 0, "a")
    assert kinds(person) == []
    assert kinds(person, now=clock.now + timedelta(minutes=1))[0][0] == "learning"


def test_the_queue_narrows_to_a_deck_a_level_a_tag_or_the_cards_missed_lately(clock):
    from prepdeck.practice.queue import QueueFilter

    person = make_user()
    first = make_deck(person, "private", prompts=("A1?", "A2?", "A3?"))
    second = make_deck(person, "public", prompts=("B1?", "B2?"))
    for deck in (first, second):
        services.follow(person, deck.slug)
    a1, a2, a3 = questions.deck_questions(first)
    b1, b2 = question_ids(second)
    a1.level, a2.level = "advanced", "basic"
    a2.tags, a3.tags = ["flask"], ["flask", "sql"]
    db.session.commit()

    def narrowed(**fields):
        return kinds(person, narrow=QueueFilter(**fields))

    assert [qid for _, qid in narrowed(deck_id=second.id)] == [b1, b2]
    assert [qid for _, qid in narrowed(level="advanced")] == [a1.id]
    assert [qid for _, qid in narrowed(tag="flask")] == [a2.id, a3.id]
    assert [qid for _, qid in narrowed(tag="flask", level="basic")] == [a2.id]
    assert narrowed(missed_days=7) == []
    services.review(person, a3.id, 1, 1000, "k1")  # missed
    services.review(person, b1, 3, 1000, "k2")
    clock.move(days=3)
    services.review(person, a3.id, 3, 1000, "k3")  # back to review, no longer due today
    assert [qid for _, qid in narrowed(missed_days=7)] == [a3.id]
    assert narrowed(missed_days=2) == []
    assert [qid for _, qid in narrowed(missed_days=7, deck_id=second.id)] == []
    with pytest.raises(NotFound):
        narrowed(deck_id=make_deck(make_user()).id)
    with pytest.raises(Invalid):
        narrowed(missed_days=0)
