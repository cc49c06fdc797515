"""How a document writes its questions, and its questions and answers.

A look at the marks decides the document's question pattern (its "key": say ### headings,
bold lines or `<summary>` lines, and whether they are numbered); a second pass over the marks
alone says which are the title, level sections, questions, or other headings. What lies
between two of them is the answer of the first.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from prepdeck.decks.reading import chatter
from prepdeck.decks.reading.levels import QUESTION_WORDS, WORDS, levels_named, title_level
from prepdeck.decks.reading.marks import Mark, Scan, scan, toc_anchor
from prepdeck.decks.reading.text import (
    answer_from,
    is_filler,
    plain_title,
    shorten,
    summary_answer,
    trim,
)

# Headings that documents put between or after their questions, never questions themselves.
_ASIDES = frozenset(
    (
        *("introduction", "overview", "summary", "conclusion", "conclusions", "contents", "notes"),
        *("table of contents", "references", "resources", "further reading", "see also", "about"),
        *("final thoughts", "tips", "key takeaways", "next steps", "wrap up", "wrapping up"),
    )
)


@dataclass(slots=True)
class Found:
    """What the layout reader found, before it becomes a ParsedDocument."""

    title: str | None
    description: str
    questions: list[tuple[int | None, str, str, str | None]]
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    key: tuple[str, int]  # how this document writes its questions
    numbered: bool  # most of its questions carry numbers
    neutral_depth: int  # a heading this deep or shallower that is no question ends a section
    levelled: frozenset[tuple[str, int]]  # how it writes level sections, if it has any
    toc: frozenset[str]  # anchors of its questions, when a table of contents links to them


@dataclass(slots=True)
class _Event:
    index: int
    kind: str  # "title", "section", "neutral", "question"
    mark: Mark
    level: str | None = None


def _is_aside(text: str) -> bool:
    return " ".join(WORDS.findall(text.lower())) in _ASIDES


def _asks(mark: Mark) -> bool:
    words = WORDS.findall(mark.prompt.lower())
    return bool(words) and words[0] in QUESTION_WORDS and not mark.label


def _is_title_like(mark: Mark) -> bool:
    return mark.kind == "h" and mark.depth == 1 and not mark.ends_q and not mark.explicit


def _titled_level(mark: Mark) -> str | None:
    return title_level(mark.prompt, asks=mark.ends_q)


def _asked_share(marks: list[Mark]) -> float:
    return sum(m.ends_q for m in marks) / len(marks) if marks else 0.0


# --------------------------------------------------------------------------------- the plan


def make_plan(found: Scan) -> Plan | None:
    marks = [m for m in found.marks if not m.in_details]
    markdown = [m for m in marks if m.kind in ("h", "bold", "list", "summary")]
    candidates = [m for m in markdown if m.strong and not _is_title_like(m)]
    if not candidates and any(m.kind == "plain" and (m.ends_q or m.explicit) for m in marks):
        candidates = [m for m in marks if m.kind == "plain"]
    if not candidates:  # headings that ask without a number or "?": "Explain the app factory"
        candidates = [m for m in markdown if _asks(m) and not _is_title_like(m)]
    if not candidates:
        return None
    counts = Counter(m.key for m in candidates)
    linked = Counter(
        m.key for m in markdown if m.slug and m.slug in found.toc and not _is_title_like(m)
    )
    if linked and linked.most_common(1)[0][1] >= max(3, counts.most_common(1)[0][1]):
        counts = linked  # a table of contents that links to its questions says which they are
    key = _outer_key(counts.most_common(1)[0][0], candidates)
    at_key = [m for m in marks if m.key == key and _titled_level(m) is None]
    numbered = sum(m.number is not None for m in at_key) * 2 >= len(at_key)
    levelled = _level_keys(marks)
    section_depths = [m.depth for m in markdown if m.key in levelled and m.kind == "h"]
    neutral = key[1] if key[0] == "h" else min(section_depths, default=2)
    listed = sum(bool(m.slug) and m.slug in found.toc for m in at_key)
    toc = frozenset(found.toc) if listed >= 3 and listed * 2 >= len(at_key) else None
    return Plan(key, numbered, neutral, levelled, toc or frozenset())


def _outer_key(key: tuple[str, int], candidates: list[Mark]) -> tuple[str, int]:
    """The numbered pattern the document's numbering hangs on. Sub-headings numbered afresh
    inside every answer ("#### 1. Indexes" under "## 3. How do you speed up queries?") can
    outnumber the questions; their numbering restarts after each question, and the questions
    ask more often than they do."""
    for _ in range(3):
        inner = [m for m in candidates if m.key == key and m.number is not None]
        restarts = [
            (inner[i - 1].index, inner[i].index)
            for i in range(1, len(inner))
            if inner[i].number <= inner[i - 1].number
        ]
        outer = _parent_of(key, inner, restarts, candidates) if restarts else None
        if outer is None:
            return key
        key = outer
    return key


def _parent_of(key, inner, restarts, candidates) -> tuple[str, int] | None:
    for other in dict.fromkeys(m.key for m in candidates if m.key != key):
        if key[0] == "h" and other[0] == "h" and other[1] > key[1]:
            continue
        marks = [m for m in candidates if m.key == other and m.number is not None]
        marks = [m for m in marks if _titled_level(m) is None]
        if len(marks) < 2 or _asked_share(marks) < _asked_share(inner):
            continue
        places = [m.index for m in marks]
        covered = sum(
            bisect_right(places, before) < len(places)
            and places[bisect_right(places, before)] < after
            for before, after in restarts
        )
        if covered * 5 >= len(restarts) * 4:
            return other
    return None


def _level_keys(marks: list[Mark]) -> frozenset[tuple[str, int]]:
    """How the document writes level sections, if it has them: most titles written alike are
    level titles ("Beginner", "Mid-Level", "Senior-Level"), and they name two levels or are all
    level titles. Topic sections whose titles now and then hold a level word ("Basics", "Git
    Basics", "Advanced Selectors") are not level sections."""
    siblings: dict[tuple[str, int], list[tuple[Mark, str | None]]] = {}
    first_h1 = next((m for m in marks if m.kind == "h" and m.depth == 1), None)
    for mark in marks:
        level = _titled_level(mark)
        if mark.kind == "summary" or (mark is first_h1 and _is_title_like(mark)):
            continue
        if level is None and (mark.strong or mark.label):  # a question, or "**Example:**"
            continue
        siblings.setdefault(mark.key, []).append((mark, level))
    levelled = []
    for group, members in siblings.items():
        named = [level for _, level in members if level]
        if len(named) * 2 > len(members) and (len(set(named)) > 1 or len(named) == len(members)):
            levelled.append(group)
    return frozenset(levelled)


# --------------------------------------------------------------------------- classifying


def classify(marks: list[Mark], plan: Plan, warnings: list[str]) -> list[_Event]:
    events: list[_Event] = []
    level: str | None = None
    previous: int | None = None  # the last question number since the last section
    started = titled = False
    plain = plan.key[0] == "plain"
    following = _next_numbers(marks, plan)
    for mark in marks:
        if (mark.kind in ("plain", "plainlevel") and not plain) or mark.in_details:
            continue
        kind = _kind_of(mark, plan, previous, started, titled, following.get(mark.index))
        if kind == "question":
            if mark.number is not None:
                if previous is not None and mark.number != previous + 1:
                    warnings.append(
                        f"Question numbering goes from {previous} to {mark.number} on line "
                        f"{mark.index + 1}; check that no question was merged into an answer."
                    )
                previous = mark.number
            events.append(_Event(mark.index, kind, mark, level))
        elif kind in ("section", "neutral"):
            level = _titled_level(mark) if kind == "section" else None
            previous = None
            events.append(_Event(mark.index, kind, mark, level))
        elif kind == "title":
            titled = True
            events.append(_Event(mark.index, kind, mark))
        started = started or kind in ("question", "section")
    return events


def _next_numbers(marks: list[Mark], plan: Plan) -> dict[int, int | None]:
    """For each numbered heading, bold line or list item that could be a question: the number
    of the next one (None for the last). Headings deeper than heading questions don't count."""
    deepest = plan.key[1] if plan.key[0] == "h" else 6
    numbered = [
        m for m in marks
        if m.number is not None and not m.in_details
        and (m.kind in ("bold", "list") or (m.kind == "h" and m.depth <= deepest))
    ]  # fmt: skip
    return {
        m.index: (numbered[i + 1].number if i + 1 < len(numbered) else None)
        for i, m in enumerate(numbered)
    }


def _kind_of(
    mark: Mark, plan: Plan, previous: int | None, started: bool, titled: bool, after: int | None
) -> str:
    at_key = mark.key == plan.key
    follows = mark.number is not None and (previous is None or mark.number == previous + 1)
    level = _titled_level(mark) if mark.key in plan.levelled else None
    if plan.key[0] == "summary":
        return _kind_among_summaries(mark, level)
    if mark.kind == "summary":
        return "content"
    if mark.kind == "plain":
        wanted = mark.ends_q or mark.explicit or (follows and not mark.in_list)
        return "question" if wanted else "content"
    if not started and not titled and _is_title_like(mark) and len(levels_named(mark.prompt)) > 1:
        return "title"  # "Flask Questions: Beginner to Expert"
    if at_key and plan.toc and (mark.kind == "h" or mark.slug):
        if mark.slug in plan.toc:
            return "question"
        return "section" if level else "neutral" if mark.number is None else "question"
    if at_key and (mark.ends_q or mark.explicit or follows):
        return "question"
    if level:
        return "section"
    if at_key and mark.number is not None and mark.number > (previous or 0):
        return "question"
    if at_key and not plan.numbered and not mark.label and not _is_aside(mark.prompt):
        return "question"
    if _shallower_in_sequence(mark, plan, previous, after):
        return "question"  # "# 1. …", "# 2. …", then "## 3. …": the same numbering
    listed = mark.kind in ("bold", "list") and not mark.label  # not "**Object literal:**"
    goes_on = after is None or after in (1, (mark.number or 0) + 1)  # not "**4. Run it**" in 3
    if not at_key and follows and goes_on and (mark.ends_q or mark.explicit or listed):
        deeper = plan.key[0] == "h" and mark.kind == "h" and mark.depth > plan.key[1]
        if mark.explicit or not deeper:  # a deeper "#### 2. …" is a sub-heading of an answer
            return "question"  # numbered in sequence, though not written like most questions
    if not started and not titled and _is_title_like(mark):
        return "title"
    if started and mark.kind == "h" and mark.depth <= plan.neutral_depth:
        return "neutral"
    return "content"


def _kind_among_summaries(mark: Mark, level: str | None) -> str:
    if mark.kind == "summary":
        return "question" if mark.strong else "content"
    if mark.kind == "h":
        return "section" if level else "neutral"
    return "section" if level else "content"


def _shallower_in_sequence(mark: Mark, plan: Plan, previous: int | None, after: int | None) -> bool:
    return (
        plan.key[0] == "h"
        and mark.kind == "h"
        and mark.depth < plan.key[1]
        and mark.number == (previous or 0) + 1
        and after == mark.number + 1
    )


# --------------------------------------------------------------------------------- reading


def read_layout(lines: list[str]) -> Found:
    found = scan(lines)
    warnings: list[str] = []
    if found.unclosed is not None:
        warnings.append(
            f"The code block opened on line {found.unclosed + 1} is never closed, so everything "
            "after it was read as code."
        )
    plan = make_plan(found)
    events = classify(found.marks, plan, warnings) if plan else []
    title = next((plain_title(e.mark.prompt) for e in events if e.kind == "title"), None)
    body = [e for e in events if e.kind != "title"]
    first = body[0].index if body else len(lines)
    skip = {e.index for e in events if e.kind == "title"}
    head = [line for i, line in enumerate(lines[:first]) if i not in skip]
    if plan and plan.toc:
        head = _without_toc(head)
    questions = []
    for position, event in enumerate(body):
        end = body[position + 1].index if position + 1 < len(body) else len(lines)
        mark = event.mark
        if event.kind == "question" and mark.kind == "summary":
            answer, after = summary_answer(lines, mark, end)
            questions.append((mark.number, mark.prompt, answer, event.level))
            _warn_left_out(after, mark, warnings)
        elif event.kind == "question":
            answer = answer_from(lines[mark.index + 1 : end], mark.rest, dedent=mark.kind == "list")
            questions.append((mark.number, mark.prompt, answer, event.level))
        else:
            _warn_left_out(lines[event.index + 1 : end], mark, warnings)
    if questions:
        number, prompt, answer, level = questions[-1]
        answer, signoff = chatter.split_signoff(answer)
        questions[-1] = (number, prompt, answer, level)
        if signoff:
            warnings.append(
                f'The closing words after the last answer ("{shorten(signoff)}") were left out.'
            )
    return Found(title, "\n".join(trim(head)), questions, warnings)


def _without_toc(lines: list[str]) -> list[str]:
    """The lines before the first question less the table of contents (a list of links, or a
    table with links in its rows, header included)."""
    kept: list[str] = []
    table: list[str] = []
    for line in [*lines, ""]:
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        if not any(toc_anchor(row) for row in table):
            kept.extend(table)
        table = []
        if toc_anchor(line) is None:
            kept.append(line)
    return kept[:-1]


def _warn_left_out(block: list[str], mark: Mark, warnings: list[str]) -> None:
    if not all(is_filler(line) for line in block):
        warnings.append(
            f'The text under "{shorten(mark.prompt)}" (line {mark.index + 1}) is '
            "not part of any question and was left out."
        )
