"""Timed mock quizzes: questions picked from the decks, levels and tags a person chose, asked
one at a time against a deadline kept on the server, self-graded, and counted as reviews.

The rules:
- A question's clock starts when it becomes the current one: at the quiz's start for the
  first, when the one before is graded for the others. Its deadline is stored, so a reload
  (or another device) sees the same question with the same time left.
- An answer sent after the deadline is kept and marked late (timed out); it can still be
  graded, and the grade still counts as a review.
- Grading reveals the reference answer first if the person had not asked for it, so a grade
  always has an answer time.
- Every grade is one review of the question (`services.review`, keyed by the item), so a
  grade sent twice is applied once, in the quiz and in the schedule.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.core.pagination import Page, Slice, keyset_page, paginate
from prepdeck.decks.models import LEVELS, Deck, Question, QuestionTag
from prepdeck.extensions import db
from prepdeck.practice import scheduler
from prepdeck.practice import services as practice
from prepdeck.practice.access import practicable_deck
from prepdeck.practice.queue import practised_decks
from prepdeck.practice.quiz_models import MAX_TYPED_ANSWER, Quiz, QuizItem

MIN_QUESTIONS, MAX_QUESTIONS = 1, 100
MIN_SECONDS, MAX_SECONDS = 10, 900
MAX_DECKS, MAX_TAGS, MAX_TAG = 50, 20, 50
POOL = 5000  # questions drawn from at most; far more than a quiz asks


class NoQuestions(Conflict):
    """A quiz was asked for in a well-formed way, but nothing the person may read matches it
    (a matter of what the decks hold now, hence a conflict rather than invalid input)."""

    code = "no_questions"


# Choosing ------------------------------------------------------------------------------


def deck_choices(person: User) -> list[tuple[int, str]]:  # (id, title)
    """Decks offered on the quiz form: those the person follows, and their own."""
    followed = practised_decks(person)
    rows = db.session.execute(
        sa.select(Deck.id, Deck.title)
        .where(sa.or_(Deck.id.in_(followed), Deck.owner_id == person.id))
        .order_by(sa.func.lower(Deck.title), Deck.id)
    )
    return [(row.id, row.title) for row in rows]


def chosen_decks(person: User, deck_ids: list[int]) -> list[int]:
    """The chosen decks, each one the person may read; none chosen: the decks they follow."""
    if not deck_ids:
        return list(db.session.scalars(practised_decks(person)))
    if len(deck_ids) > MAX_DECKS:
        raise Invalid(f"Choose at most {MAX_DECKS} decks.", details={"deck_ids": []})
    return [practicable_deck(person, deck_id).id for deck_id in dict.fromkeys(deck_ids)]


def checked_count(field: str, value, low: int, high: int, message: str) -> int:
    """A whole number from `low` to `high`, or Invalid naming `field`."""
    if isinstance(value, bool) or not isinstance(value, int) or not (low <= value <= high):
        raise Invalid(message, details={field: [message]})
    return value


def checked_filters(levels, tags) -> tuple[list[str], list[str]]:
    """Levels from the list and tags normalised as questions carry them."""
    if any(level not in LEVELS for level in levels):
        raise Invalid("Choose levels from the list.", details={"levels": []})
    tags = sorted({str(tag).strip().lower().lstrip("#") for tag in tags} - {""})
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG for tag in tags):
        message = f"Use at most {MAX_TAGS} tags of up to {MAX_TAG} characters."
        raise Invalid(message, details={"tags": [message]})
    return sorted(set(levels)), tags


def _checked_choice(levels, tags, question_count, seconds) -> tuple[list[str], list[str]]:
    checked_count("question_count", question_count, MIN_QUESTIONS, MAX_QUESTIONS,
                  f"Choose from {MIN_QUESTIONS} to {MAX_QUESTIONS} questions.")  # fmt: skip
    checked_count("seconds_per_question", seconds, MIN_SECONDS, MAX_SECONDS,
                  f"Allow from {MIN_SECONDS} to {MAX_SECONDS} seconds a question.")  # fmt: skip
    return checked_filters(levels, tags)


def matching_questions(deck_ids: list[int], levels: list[str], tags: list[str]) -> list[int]:
    query = sa.select(Question.id).where(Question.deck_id.in_(deck_ids))
    if levels:
        query = query.where(Question.level.in_(levels))
    if tags:
        tagged = sa.select(QuestionTag.question_id).where(QuestionTag.tag.in_(tags))
        query = query.where(Question.id.in_(tagged))
    return list(db.session.scalars(query.order_by(Question.id).limit(POOL)))


def create_quiz(
    person: User,
    *,
    deck_ids: list[int],
    levels: list[str],
    tags: list[str],
    question_count: int,
    seconds_per_question: int,
) -> Quiz:
    """A new quiz of up to `question_count` questions drawn at random from those that match
    (all of them when fewer match); nothing is saved when none does."""
    levels, tags = _checked_choice(levels, tags, question_count, seconds_per_question)
    decks = chosen_decks(person, list(deck_ids))
    pool = matching_questions(decks, levels, tags) if decks else []
    if not pool:
        raise NoQuestions(
            "No question matches these choices: choose other decks, levels or tags."
            if decks
            else "You follow no deck yet: choose a deck to be quizzed on."
        )
    picked = random.sample(pool, min(question_count, len(pool)))
    quiz = Quiz(
        person_id=person.id,
        seconds_per_question=seconds_per_question,
        filters={"deck_ids": decks, "levels": levels, "tags": tags},
        created_at=practice.clock(),
    )
    quiz.items = [QuizItem(position=n, question_id=qid) for n, qid in enumerate(picked, 1)]
    _start(quiz, quiz.items[0], quiz.created_at)
    db.session.add(quiz)
    db.session.commit()
    return quiz


# Reading -------------------------------------------------------------------------------


def get_quiz(person: User, quiz_id: int) -> Quiz:
    """One of the person's quizzes; anyone else's is not found."""
    quiz = db.session.get(Quiz, quiz_id) if isinstance(quiz_id, int) else None
    if quiz is None or quiz.person_id != person.id:
        raise NotFound("There is no such quiz.")
    item = current_item(quiz)
    if item is not None and item.started_at is None:  # the question being asked was deleted
        _start(quiz, item, practice.clock())
        db.session.commit()
    return quiz


def current_item(quiz: Quiz) -> QuizItem | None:
    """The question being asked: the first not yet graded (none once the quiz is over)."""
    return next((item for item in quiz.items if item.rating is None), None)


def remaining_ms(item: QuizItem, now: datetime | None = None) -> int:
    """Time left on the item's server-side deadline, 0 once it has passed."""
    if item.deadline is None:
        return 0
    left = item.deadline - (now or practice.clock())
    return max(0, int(left.total_seconds() * 1000))


def history(person: User, page: int = 1) -> Page:
    """The person's quizzes, newest first."""
    query = sa.select(Quiz).where(Quiz.person_id == person.id).order_by(Quiz.id.desc())
    return paginate(query.options(selectinload(Quiz.items)), page)


def quiz_slice(person: User, after: int | None, limit: int) -> Slice:
    """The person's quizzes, oldest first, after the id `after` (for the API's pages)."""
    query = sa.select(Quiz).where(Quiz.person_id == person.id)
    return keyset_page(query.options(selectinload(Quiz.items)), Quiz.id, after, limit)


# Answering -----------------------------------------------------------------------------


def answer_item(person: User, quiz_id: int, item_id: int, text: str) -> Quiz:
    """Keep the typed answer of the current question and reveal the reference; marked late
    after the deadline. Sent again, the first answer stays."""
    if not isinstance(text, str) or len(text) > MAX_TYPED_ANSWER:
        message = f"An answer is at most {MAX_TYPED_ANSWER} characters."
        raise Invalid(message, details={"answer": [message]})
    if "\x00" in text:
        raise Invalid("Text may not contain the NUL character.", details={"answer": []})
    quiz, item = _locked_item(person, quiz_id, item_id)
    if item.revealed:
        db.session.rollback()
        return quiz
    _require_current(quiz, item)
    _reveal(item, text, practice.clock())
    db.session.commit()
    return quiz


def grade_item(person: User, quiz_id: int, item_id: int, rating: int) -> Quiz:
    """Grade the current question 1-4 (revealing it if need be), count the grade as a review
    in the schedule, and start the next question's clock. Sent again, applied once."""
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in scheduler.RATINGS:
        message = "Grade 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."
        raise Invalid(message, details={"rating": [message]})
    quiz, item = _locked_item(person, quiz_id, item_id)
    if item.rating is not None:
        db.session.rollback()
        return quiz
    _require_current(quiz, item)
    now = practice.clock()
    if not item.revealed:
        _reveal(item, None, now)
    _record_grade(quiz, item, rating, now)
    try:
        # Commits the grade and the review together, while the quiz is still locked.
        result = practice.review(person, item.question_id, rating, item.duration_ms or 0,
                                 idempotency_key=f"quiz:{item.id}")  # fmt: skip
    except NotFound:  # the question has become private since: graded, but not scheduled
        db.session.rollback()
        quiz, item = _locked_item(person, quiz_id, item_id)
        if not item.revealed:
            _reveal(item, None, now)
        _record_grade(quiz, item, rating, now)
    else:
        item.rating = result.rating  # as first applied, should the key have been used before
    db.session.commit()
    return quiz


def _locked_item(person: User, quiz_id: int, item_id: int) -> tuple[Quiz, QuizItem]:
    """The quiz, locked until commit so that two submissions are taken one after the other,
    and one of its items."""
    if not isinstance(quiz_id, int):
        raise NotFound("There is no such quiz.")
    db.session.expire_all()  # read the items as they are once the lock is held
    quiz = db.session.scalar(
        sa.select(Quiz).where(Quiz.id == quiz_id, Quiz.person_id == person.id).with_for_update()
    )
    if quiz is None:
        raise NotFound("There is no such quiz.")
    item = next((item for item in quiz.items if item.id == item_id), None)
    if item is None:
        raise NotFound("This quiz has no such question.")
    return quiz, item


def _require_current(quiz: Quiz, item: QuizItem) -> None:
    if current_item(quiz) is not item:
        db.session.rollback()
        raise Conflict("This is not the current question of the quiz.")


def _start(quiz: Quiz, item: QuizItem, now: datetime) -> None:
    item.started_at = now
    item.deadline = now + timedelta(seconds=quiz.seconds_per_question)


def _reveal(item: QuizItem, text: str | None, now: datetime) -> None:
    item.answer = text
    item.answered_at = max(now, item.started_at or now)
    item.late = item.deadline is not None and item.answered_at > item.deadline


def _record_grade(quiz: Quiz, item: QuizItem, rating: int, now: datetime) -> None:
    item.rating = rating
    item.graded_at = now
    following = current_item(quiz)
    if following is None:
        quiz.finished_at = now
    elif following.started_at is None:
        _start(quiz, following, now)
