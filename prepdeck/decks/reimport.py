"""Importing a newer version of a document into the deck it came from, keeping its questions.

The document's questions are matched to the deck's by their normalised prompt (case, spacing,
Markdown emphasis, code marks and links, and a closing ?, . or : do not count). Among questions
that read the same, one with the same answer and level is preferred, then the nearest by
position. A matched question is updated in place, so its id (and whatever hangs on it) stays;
one whose prompt, answer and level are all the same is not written at all. Questions new in the
document are added at their place; the deck's questions that are gone from the document are
listed, and removed only when asked (`prune`).

Order afterwards: the document's. A question that is gone from the document but kept stays right
after the deck question it followed before (the nearest one before it that is still in the
document), or first when none is: a question written in the deck between two imported ones
stays between them.

`plan_reimport` is pure (no Flask, no database); `reimport_document` loads the deck, plans and
writes the plan in one transaction.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Invalid
from prepdeck.core.markdown import BATCH_HIGHLIGHT_SECONDS, HighlightBudget, render_answer
from prepdeck.core.models import utcnow
from prepdeck.decks import cache as deck_cache
from prepdeck.decks import transfer
from prepdeck.decks.importer import ParsedDocument, ParsedQuestion, parse_document, shorten
from prepdeck.decks.models import Deck, Question
from prepdeck.decks.services import require_editor
from prepdeck.extensions import db

MAX_PROMPT = 2_000  # what a stored prompt keeps (transfer._insert_questions cuts there too)
PLAN_LIST, PLAN_PROMPT = 10, 120  # what a preview keeps of each list in a plan
MAX_PAIRS = 10_000  # beyond this many candidate pairs for one prompt, pair in order
MODES = ("update", "append")

_LINK = re.compile(r"!?\[([^\[\]\n]{0,500})\]\([^()\s]{0,500}\)")
_MARKS = re.compile(r"[*`~]+|(?<!\w)_+|_+(?!\w)")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SPACE = re.compile(r"\s+")


def normalise_prompt(prompt: str) -> str:
    """The key prompts are matched by: the same question however it is typeset."""
    text = unicodedata.normalize("NFKC", prompt[:MAX_PROMPT]).translate(_QUOTES)
    text = _MARKS.sub("", _LINK.sub(r"\1", text))
    return _SPACE.sub(" ", text).strip().rstrip("?.:!").rstrip().casefold()


@dataclass(frozen=True, slots=True)
class Existing:
    """A question of the deck as it is."""

    id: int
    position: int
    prompt: str
    answer: str
    level: str | None


@dataclass(slots=True)
class Plan:
    """What a re-import does. `layout` is the deck afterwards, in order: (index of the
    document's question or None, the deck question it updates or None). A gone question is
    (None, question); it is left out of the deck when pruning."""

    questions: Sequence[ParsedQuestion]
    layout: list[tuple[int | None, Existing | None]]
    matched: dict[int, Existing] = field(default_factory=dict)  # index -> deck question
    changed: dict[int, list[str]] = field(default_factory=dict)  # index -> fields that differ
    unchanged: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    gone: list[Existing] = field(default_factory=list)
    reordered: bool = False  # questions kept from the deck change their order

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added), "changed": len(self.changed),
            "unchanged": len(self.unchanged), "gone": len(self.gone),
        }  # fmt: skip

    def changes_nothing(self, prune: bool) -> bool:
        return not (self.added or self.changed or self.reordered or (prune and self.gone))

    def kept(self, prune: bool) -> list[tuple[int | None, Existing | None]]:
        """The deck afterwards, in order."""
        return [entry for entry in self.layout if not (prune and entry[0] is None)]


def plan_reimport(existing: Sequence[Existing], questions: Sequence[ParsedQuestion]) -> Plan:
    """Match a document's questions to a deck's (`existing`, in position order)."""
    deck_by_key: dict[str, list[int]] = defaultdict(list)
    for rank, item in enumerate(existing):
        deck_by_key[normalise_prompt(item.prompt)].append(rank)
    doc_by_key: dict[str, list[int]] = defaultdict(list)
    for index, question in enumerate(questions):
        doc_by_key[normalise_prompt(question.prompt)].append(index)
    match: dict[int, int] = {}  # document index -> deck rank
    for key, indexes in doc_by_key.items():
        if key in deck_by_key:
            match.update(_pair(indexes, deck_by_key[key], questions, existing))
    plan = Plan(questions, _layout(existing, len(questions), match))
    plan.matched = {index: existing[rank] for index, rank in match.items()}
    for index, question in enumerate(questions):
        if index not in match:
            plan.added.append(index)
        elif differences := _differences(question, existing[match[index]]):
            plan.changed[index] = differences
        else:
            plan.unchanged.append(index)
    matched = set(match.values())
    plan.gone = [item for rank, item in enumerate(existing) if rank not in matched]
    ranks = [match[index] for index in sorted(match)]
    plan.reordered = any(a > b for a, b in itertools.pairwise(ranks))
    return plan


def _pair(
    indexes: list[int], ranks: list[int], questions: Sequence[ParsedQuestion],
    existing: Sequence[Existing],
) -> dict[int, int]:  # fmt: skip
    """Pair the document's and the deck's questions that read the same: the same content
    first, then the nearest position."""
    if len(indexes) == len(ranks) == 1:
        return {indexes[0]: ranks[0]}
    if len(indexes) * len(ranks) > MAX_PAIRS:
        return dict(zip(indexes, ranks, strict=False))
    candidates = sorted(
        (bool(_differences(questions[i], existing[r])), abs(i - r), i, r)
        for i in indexes
        for r in ranks
    )
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _differs, _distance, index, rank in candidates:
        if index not in pairs and rank not in taken:
            pairs[index] = rank
            taken.add(rank)
    return pairs


def _differences(question: ParsedQuestion, item: Existing) -> list[str]:
    new = {"prompt": question.prompt[:MAX_PROMPT], "answer": question.answer}
    new["level"] = question.level
    return [name for name, value in new.items() if getattr(item, name) != value]


def _layout(
    existing: Sequence[Existing], total: int, match: dict[int, int]
) -> list[tuple[int | None, Existing | None]]:
    """The document's order, each gone question after the one it followed in the deck."""
    slot_of_rank = {rank: index for index, rank in match.items()}
    following: dict[int, list[Existing]] = defaultdict(list)  # document index (-1: first)
    anchor = -1
    for rank, item in enumerate(existing):
        if rank in slot_of_rank:
            anchor = slot_of_rank[rank]
        else:
            following[anchor].append(item)
    layout: list[tuple[int | None, Existing | None]] = [(None, g) for g in following[-1]]
    for index in range(total):
        layout.append((index, existing[match[index]] if index in match else None))
        layout.extend((None, item) for item in following.get(index, ()))
    return layout


def plan_summary(plan: Plan) -> dict:
    """What a preview keeps of a plan: its counts and the first prompts of each list."""

    def prompts(indexes) -> list[str]:
        return [shorten(plan.questions[i].prompt, PLAN_PROMPT) for i in indexes[:PLAN_LIST]]

    return {
        **plan.counts(),
        "reordered": plan.reordered,
        "lists": {
            "added": prompts(plan.added),
            "changed": [
                {"prompt": shorten(plan.questions[i].prompt, PLAN_PROMPT), "fields": fields}
                for i, fields in list(plan.changed.items())[:PLAN_LIST]
            ],
            "unchanged": prompts(plan.unchanged),
            "gone": [shorten(item.prompt, PLAN_PROMPT) for item in plan.gone[:PLAN_LIST]],
        },
    }


# Writing a plan ------------------------------------------------------------------------

table = Question.__table__
CHUNK = 1_000  # ids per DELETE


@dataclass
class Outcome:
    """What an import did to its deck (kept on the import job as its `result`)."""

    deck: Deck
    parsed: ParsedDocument
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    gone: int = 0  # questions of the deck not in the document, removed or not
    removed: int = 0
    reordered: bool = False

    @property
    def nothing_changed(self) -> bool:
        return not (self.added or self.changed or self.removed or self.reordered)

    def as_dict(self) -> dict:
        fields = ("added", "changed", "unchanged", "gone", "removed", "reordered")
        return {name: getattr(self, name) for name in fields} | {
            "nothing_changed": self.nothing_changed
        }


Progress = Callable[[int, int], None] | None


def import_questions(
    owner: User, data: bytes | str | ParsedDocument, *, title: str = "",
    deck: Deck | None = None, mode: str = "update", prune: bool = False,
    progress: Progress = None, before_commit: Callable[[Deck, Outcome], None] | None = None,
) -> Outcome:  # fmt: skip
    """Import a document into a new deck, or into `deck`: updating its questions from the
    document (mode "update", see the module's text) or adding them all after its own
    ("append"). `before_commit(deck, outcome)` may add its own changes to the transaction."""
    check_options(deck, mode, prune)
    parsed = data if isinstance(data, ParsedDocument) else parse_document(data)
    if deck is not None and mode == "update":
        return reimport_document(
            owner, parsed, deck, prune=prune, progress=progress, before_commit=before_commit
        )
    outcome = Outcome(deck, parsed, added=len(parsed.questions))

    def recorded(target: Deck) -> None:
        outcome.deck = target
        if before_commit is not None:
            before_commit(target, outcome)

    transfer.import_document(
        owner, parsed, title=title, deck=deck, progress=progress, before_commit=recorded
    )
    return outcome


def check_options(deck: Deck | None, mode: str, prune: bool) -> None:
    if mode not in MODES:
        raise Invalid(f"The mode must be one of {', '.join(MODES)}.", details={"mode": []})
    if prune and (deck is None or mode != "update"):
        raise Invalid(
            "Removing questions gone from the document applies only to updating a deck.",
            details={"prune": []},
        )


def reimport_document(
    actor: User, parsed: ParsedDocument, deck: Deck, *, prune: bool = False,
    progress: Progress = None, before_commit: Callable[[Deck, Outcome], None] | None = None,
) -> Outcome:  # fmt: skip
    """Update `deck` from a newer version of its document, in one transaction."""
    require_editor(deck, actor)
    # Two imports into one deck at once would both plan against the same questions.
    db.session.execute(sa.select(Deck.id).where(Deck.id == deck.id).with_for_update())
    plan = plan_reimport(deck_contents(deck), parsed.questions)
    outcome = Outcome(
        deck, parsed, added=len(plan.added), changed=len(plan.changed),
        unchanged=len(plan.unchanged), gone=len(plan.gone),
        removed=len(plan.gone) if prune else 0, reordered=plan.reordered,
    )  # fmt: skip
    _write(deck, parsed, plan, prune, progress)
    if not outcome.nothing_changed:
        deck.question_count = len(plan.kept(prune))
        deck.updated_at = utcnow()
    if before_commit is not None:
        before_commit(deck, outcome)
    db.session.commit()
    if not outcome.nothing_changed:
        deck_cache.deck_changed(deck.slug)
    return outcome


def preview_plan(deck: Deck, parsed: ParsedDocument) -> dict:
    """The plan of updating `deck` from this document as it is now, as a preview keeps it."""
    return plan_summary(plan_reimport(deck_contents(deck), parsed.questions))


def deck_contents(deck: Deck) -> list[Existing]:
    rows = db.session.execute(
        sa.select(Question.id, Question.position, Question.prompt, Question.answer, Question.level)
        .where(Question.deck_id == deck.id)
        .order_by(Question.position)
    )
    return [Existing(*row) for row in rows]


def _write(deck: Deck, parsed: ParsedDocument, plan: Plan, prune: bool, progress: Progress) -> None:
    total = len(plan.questions)
    if prune:
        ids = [item.id for item in plan.gone]
        for start in range(0, len(ids), CHUNK):
            db.session.execute(table.delete().where(table.c.id.in_(ids[start : start + CHUNK])))
    _update_changed(plan)
    done = total - len(plan.added)
    if progress is not None and plan.changed:
        progress(done, total)

    def inserted(count: int, _of: int) -> None:
        if progress is not None:
            progress(done + count, total)

    _renumber(deck, plan.kept(prune), _insert_added(deck, parsed, plan, inserted))


def _update_changed(plan: Plan) -> None:
    """Write the changed questions; an answer that changed is rendered again."""
    now, budget = utcnow(), HighlightBudget(BATCH_HIGHLIGHT_SECONDS)
    answered, other = [], []
    for index, fields in plan.changed.items():
        question = plan.questions[index]
        row = {
            "row_id": plan.matched[index].id, "new_prompt": question.prompt[:MAX_PROMPT],
            "new_level": question.level, "now": now,
        }  # fmt: skip
        if "answer" in fields:
            row |= {"new_answer": question.answer}
            row |= {"new_html": render_answer(question.answer, budget)}
            answered.append(row)
        else:
            other.append(row)
    values = {
        "prompt": sa.bindparam("new_prompt"), "level": sa.bindparam("new_level"),
        "updated_at": sa.bindparam("now"),
    }  # fmt: skip
    update = table.update().where(table.c.id == sa.bindparam("row_id"))
    if answered:
        with_answer = {
            "answer": sa.bindparam("new_answer"),
            "answer_html": sa.bindparam("new_html"),
        }
        db.session.execute(update.values(**values, **with_answer), answered)
    if other:
        db.session.execute(update.values(**values), other)


def _insert_added(
    deck: Deck, parsed: ParsedDocument, plan: Plan, progress: Progress
) -> dict[int, tuple[int, int]]:
    """Insert the new questions after the deck's, as every import does: document index ->
    (id, position) of each."""
    if not plan.added:
        return {}
    last = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Question.position), 0)).where(
            Question.deck_id == deck.id
        )
    )
    questions = [plan.questions[index] for index in plan.added]
    transfer._insert_questions(deck, dataclasses.replace(parsed, questions=questions), progress)
    rows = db.session.execute(
        sa.select(Question.id, Question.position)
        .where(Question.deck_id == deck.id, Question.position > last)
        .order_by(Question.position)
    ).all()
    return {index: (row.id, row.position) for index, row in zip(plan.added, rows, strict=True)}


def _renumber(
    deck: Deck, kept: list[tuple[int | None, Existing | None]], new: dict[int, tuple[int, int]]
) -> None:
    """Give the deck's questions the positions 1, 2, ... in `kept` order, moving only those
    whose position changes, through negative numbers so (deck, position) stays unique."""
    moves = []
    for target, (index, item) in enumerate(kept, 1):
        row_id, position = (item.id, item.position) if item is not None else new[index]
        if position != target:
            moves.append({"row_id": row_id, "target": -target})
    if not moves:
        return
    # Setting updated_at to itself: a question that only moves is not changed.
    same = {"updated_at": table.c.updated_at}
    park = table.update().where(table.c.id == sa.bindparam("row_id"))
    db.session.execute(park.values(position=sa.bindparam("target"), **same), moves)
    db.session.execute(
        table.update()
        .where(table.c.deck_id == deck.id, table.c.position < 0)
        .values(position=-table.c.position, **same)
    )
