"""Services for the questions inside a deck: read, add, edit, delete, reorder."""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from prepdeck.accounts.models import User
from prepdeck.core.database import driver_rows
from prepdeck.core.errors import Invalid, NotFound
from prepdeck.core.markdown import render_answer
from prepdeck.core.models import as_utc, utcnow
from prepdeck.core.pagination import Slice
from prepdeck.decks import cache as deck_cache
from prepdeck.decks import search
from prepdeck.decks.models import LEVELS, Deck, Question, QuestionTag
from prepdeck.decks.services import (
    READER_COLUMNS,
    DeckReaders,
    can_view_by_id,
    readable_deck_id,
    readers_of,
    require_editor,
)
from prepdeck.extensions import db

MAX_PROMPT = 2_000
MAX_ANSWER = 100_000
MAX_TAGS = 10
_TAG_OK = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,49}$")


def deck_questions(deck: Deck, level: str = "") -> list[Question]:
    query = _of_level(sa.select(Question).where(Question.deck_id == deck.id), level)
    return list(db.session.scalars(query.order_by(Question.position)))


def _of_level(query: sa.Select, level: str) -> sa.Select:
    """Only the questions of `level` ("none": unlevelled; anything else: all of them)."""
    if level in LEVELS:
        return query.where(Question.level == level)
    if level == "none":
        return query.where(Question.level.is_(None))
    return query


# What a list of questions shows, read as plain rows of the table's columns (a Core statement,
# not the ORM's): building an ORM object (and its tags with a second query) per question costs
# more than the query itself on a page of 100.
_COLUMNS = Question.__table__.c
LISTED = (
    _COLUMNS.id, _COLUMNS.deck_id, _COLUMNS.position, _COLUMNS.prompt, _COLUMNS.answer,
    _COLUMNS.answer_html, _COLUMNS.level, _COLUMNS.created_at, _COLUMNS.updated_at,
)  # fmt: skip
OUTLINED = (_COLUMNS.id, _COLUMNS.position, _COLUMNS.prompt, _COLUMNS.level)
_TIMES = {"created_at", "updated_at"}


def _tags() -> sa.Label:
    """A question's tags in the statement that lists it (sorted by `_listed`, as
    `Question.tags` sorts them)."""
    tag = QuestionTag.tag
    gathered = sa.func.array_agg(tag) if _postgres() else sa.func.json_group_array(tag)
    return (
        sa.select(gathered).where(QuestionTag.question_id == Question.id).scalar_subquery()
    ).label("tags")


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _listed(query: sa.Select, params: dict | None = None) -> list[dict]:
    """The rows as dicts (`driver_rows`), tags a sorted list (PostgreSQL gives an array or
    NULL, SQLite JSON text), times aware in UTC (SQLite gives text)."""
    items = driver_rows(query, params)
    times = _TIMES.intersection(items[0]) if items else ()
    for item in items:
        tags = item["tags"]
        item["tags"] = sorted(json.loads(tags) if isinstance(tags, str) else tags or ())
        for key in times:
            value = item[key]
            item[key] = as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)
    return items


def deck_outline(deck: Deck, level: str = "") -> list[dict]:
    """The deck page's list: id, position, prompt, level and tags of each question, in order,
    optionally of one level ("none": unlevelled)."""
    query = _of_level(sa.select(*OUTLINED, _tags()).where(Question.deck_id == deck.id), level)
    return _listed(query.order_by(Question.position))


def question_slice(
    deck_id: int, viewer=None, *, level: str = "", tag: str = "", text: str = "",
    after: tuple[int, int] | None = None, limit: int = 20,
) -> Slice:  # fmt: skip
    """A deck's questions in order (dicts of the LISTED columns and tags), optionally of one
    level ("none": unlevelled), one tag, or matching search words; a page of them after
    `after`, the (position, id) of the last question of the page before. NotFound unless the
    viewer may read the deck (`readable_deck_id`)."""
    if level and level not in (*LEVELS, "none"):
        readable_deck_id(deck_id, viewer)  # a deck the viewer may not read is not found, first
        raise Invalid(f"Level must be one of {', '.join(LEVELS)} or none.", details={"level": []})
    query = _slice_statement(level, bool(tag), after is not None)
    if text:
        query = query.where(search.matching(text))
    params = {"deck_id": deck_id, "tag": tag.lower(), "limit": limit + 1}
    if after is not None:
        params |= {"after_position": after[0] - 1, "after_id": after[1]}
    items = _listed(query, params)
    readers = None
    if items:  # an empty page cannot say whether the deck exists: readable_deck_id reads it
        readers = DeckReaders(deck_id, *(items[0][name] for name in READER_COLUMNS))
        for item in items:
            for name in READER_COLUMNS:
                del item[name]
    readable_deck_id(deck_id, viewer, readers)
    return Slice.cut(items, limit)


@functools.cache
def _slice_statement(level: str, tagged: bool, resumed: bool) -> sa.Select:
    """A page of a deck's questions, one more than asked for (`Slice.cut`), built once per
    kind of page: building the statement and its cache key cost more than running it. The
    parameters: deck_id, limit, tag, and where the page resumes (`_resume_after`)."""
    deck_id = sa.bindparam("deck_id", type_=sa.Integer)
    query = sa.select(*LISTED, _tags(), *readers_of(deck_id)).where(Question.deck_id == deck_id)
    query = _of_level(query, level)
    if tagged:
        query = query.where(
            sa.exists().where(
                QuestionTag.question_id == Question.id, QuestionTag.tag == sa.bindparam("tag")
            )
        )
    if resumed:
        query = query.where(Question.position > _resume_after(deck_id))
    return query.order_by(Question.position).limit(sa.bindparam("limit", type_=sa.Integer))


def _resume_after(deck_id: sa.BindParameter) -> sa.ColumnElement[int]:
    """Where a page resumes: after the question `after_id` wherever it is now (deleting or
    moving others shifts positions), or, if it was deleted itself, where its successors moved
    up to (`after_position`, one before the position it had). A subquery of the page's own
    statement, so resuming costs no round trip of its own."""
    now = (
        sa.select(Question.position)
        .where(Question.id == sa.bindparam("after_id", type_=sa.Integer))
        .where(Question.deck_id == deck_id)
        .scalar_subquery()
    )
    return sa.func.coalesce(now, sa.bindparam("after_position", type_=sa.Integer))


def group_by_level(items: list[dict]) -> list[tuple[str | None, list[dict]]]:
    """Listed questions under their level, levels from basic to scenario, unlevelled last."""
    groups: dict[str | None, list[dict]] = {level: [] for level in (*LEVELS, None)}
    for item in items:
        groups[item["level"]].append(item)
    return [(level, members) for level, members in groups.items() if members]


def get_question(deck: Deck, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.deck_id != deck.id:
        raise NotFound("There is no such question in this deck.")
    return question


# One statement for the question, its tags and its deck (not the deck's owner, unused here),
# built once: building the loader options anew costs as much as running the query.
_READABLE_QUESTION = (
    sa.select(Question)
    .options(joinedload(Question.deck).lazyload(Deck.owner), joinedload(Question.tag_rows))
    .where(Question.id == sa.bindparam("question_id"))
)


def get_readable_question(question_id: int, viewer) -> Question:
    """A question by its id, if its deck is readable to the viewer."""
    question = (
        db.session.execute(_READABLE_QUESTION, {"question_id": question_id})
        .unique()
        .scalar_one_or_none()
    )
    if question is None or not can_view_by_id(question.deck, viewer):
        raise NotFound("There is no such question.")
    return question


def neighbours(question: Question) -> tuple[Question | None, Question | None]:
    base = sa.select(Question).where(Question.deck_id == question.deck_id)
    before = db.session.scalar(
        base.where(Question.position < question.position).order_by(Question.position.desc())
    )
    after = db.session.scalar(
        base.where(Question.position > question.position).order_by(Question.position)
    )
    return before, after


def parse_tags(text: str) -> list[str]:
    """Tags typed as text: separated by commas or spaces, with or without a #."""
    return clean_tags(re.split(r"[,\s]+", text))


def clean_tags(names) -> list[str]:
    tags = sorted({t.strip().lower().lstrip("#") for t in names if t.strip()})
    bad = [t for t in tags if not _TAG_OK.match(t)]
    if bad:
        raise Invalid(
            f"Tags are short words of letters, digits, + # . or -: {', '.join(bad)}",
            details={"tags": []},
        )
    if len(tags) > MAX_TAGS:
        raise Invalid(f"Use at most {MAX_TAGS} tags.", details={"tags": []})
    return tags


def clean_question(prompt: str, answer: str, level: str | None) -> tuple[str, str, str | None]:
    # Browsers send CRLF from text areas; stored text uses LF, as imports and exports do.
    prompt = prompt.replace("\r\n", "\n").strip()
    answer = answer.replace("\r\n", "\n").strip("\n")
    if not prompt:
        raise Invalid("Write the question.", details={"prompt": []})
    if len(prompt) > MAX_PROMPT:
        raise Invalid(f"Keep the question under {MAX_PROMPT} characters.", details={"prompt": []})
    if len(answer) > MAX_ANSWER:
        raise Invalid(f"Keep the answer under {MAX_ANSWER} characters.", details={"answer": []})
    level = level or None
    if level is not None and level not in LEVELS:
        raise Invalid(f"Level must be one of {', '.join(LEVELS)}.", details={"level": []})
    return prompt, answer, level


def _lock_deck(deck: Deck, question: Question | None = None) -> None:
    """Hold the deck's row until the commit before changing any of its questions (the commit
    updates the row anyway: its count and time). Changes of one deck then queue up in one
    order, the deck's row first, instead of deadlocking; two additions at once no longer take
    the same next position, nor do two deletions or moves shift the same rows. The question
    is read again, as it may have changed or moved meanwhile."""
    db.session.execute(sa.select(Deck.id).where(Deck.id == deck.id).with_for_update())
    if question is not None:
        db.session.refresh(question)


def _next_position(deck_id: int) -> int:
    last = db.session.scalar(
        sa.select(sa.func.max(Question.position)).where(Question.deck_id == deck_id)
    )
    return (last or 0) + 1


def add_question(
    deck: Deck, actor: User, prompt: str, answer: str = "", level=None, tags=()
) -> Question:
    require_editor(deck, actor)
    prompt, answer, level = clean_question(prompt, answer, level)
    _lock_deck(deck)
    question = Question(
        deck_id=deck.id,
        position=_next_position(deck.id),
        prompt=prompt,
        answer=answer,
        answer_html=render_answer(answer),
        level=level,
    )
    question.tags = clean_tags(tags)
    db.session.add(question)
    _touched(deck)
    return question


UNCHANGED = object()


def update_question(
    question: Question, actor: User, prompt: str | None = None, answer: str | None = None,
    level=UNCHANGED, tags=None,
) -> Question:  # fmt: skip
    """Change the fields given; None (for the level: UNCHANGED) keeps a field as it is."""
    require_editor(question.deck, actor)
    _lock_deck(question.deck, question)
    prompt, answer, level = clean_question(
        question.prompt if prompt is None else prompt,
        question.answer if answer is None else answer,
        question.level if level is UNCHANGED else level,
    )
    tags = question.tags if tags is None else tags
    if answer != question.answer:
        question.answer_html = render_answer(answer)
    question.prompt, question.answer, question.level = prompt, answer, level
    question.tags = clean_tags(tags)
    _touched(question.deck)
    return question


def delete_question(question: Question, actor: User) -> None:
    deck = question.deck
    require_editor(deck, actor)
    _lock_deck(deck, question)
    position = question.position
    db.session.delete(question)
    db.session.flush()
    _shift(deck.id, Question.position > position, -1)
    _touched(deck)


def move_question(question: Question, actor: User, direction: str) -> Question:
    """Swap a question with its neighbour above ("up") or below ("down")."""
    require_editor(question.deck, actor)
    _lock_deck(question.deck, question)
    before, after = neighbours(question)
    other = before if direction == "up" else after if direction == "down" else None
    if other is None:
        return question
    mine, theirs = question.position, other.position
    # (deck, position) is unique: park one row outside the range while swapping.
    question.position = -1
    db.session.flush()
    other.position = mine
    db.session.flush()
    question.position = theirs
    _touched(question.deck)
    return question


def move_question_to(question: Question, actor: User, position: int) -> Question:
    """Put a question at `position` (1 is first; past the end means last), shifting the
    questions in between by one."""
    require_editor(question.deck, actor)
    _lock_deck(question.deck, question)
    last = _next_position(question.deck_id) - 1
    target, old = min(max(1, position), last), question.position
    if target == old:
        return question
    question.position = 0  # parked: positions start at 1 and _shift flips only negatives
    db.session.flush()
    if target > old:
        _shift(question.deck_id, Question.position.between(old + 1, target), -1)
    else:
        _shift(question.deck_id, Question.position.between(target, old - 1), +1)
    question.position = target
    _touched(question.deck)
    return question


def _shift(deck_id: int, where, delta: int) -> None:
    # Two steps through negative numbers keep (deck, position) unique at every moment.
    rows = sa.and_(Question.deck_id == deck_id, where)
    db.session.execute(
        sa.update(Question).where(rows).values(position=-(Question.position + delta))
    )
    db.session.execute(
        sa.update(Question)
        .where(Question.deck_id == deck_id, Question.position < 0)
        .values(position=-Question.position)
    )


def _touched(deck: Deck) -> None:
    """Commit a change to the deck's questions and let every cached page of it go."""
    db.session.flush()
    deck.question_count = db.session.scalar(
        sa.select(sa.func.count(Question.id)).where(Question.deck_id == deck.id)
    )
    deck.updated_at = utcnow()
    db.session.commit()
    deck_cache.deck_changed(deck.slug)
