"""Question documents (Markdown or plain text) to questions: pure functions, no Flask, no database.

`decode_document` turns uploaded bytes into clean text (or raises `Invalid` with a message a
person can act on); `parse_document` finds the title, the level sections and the questions.

Two readers share `parse_document`:

* The Prepdeck export format (a file that starts with `EXPORT_MARKER`, written by
  `prepdeck.decks.exporter.to_markdown`) is read exactly: HTML comment lines carry the structure,
  so prompts and answers come back byte for byte whatever Markdown they hold.
* Any other document is read by layout: level sections and questions introduced by headings or
  bold lines, the common shape of interview-question documents found in the wild.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field

from prepdeck.core.errors import Invalid
from prepdeck.decks.decoding import decode_document, normalise_text
from prepdeck.decks.exporter import EXPORT_MARKER, MARKER_PREFIX, read_export

LEVELS = ("basic", "intermediate", "advanced", "expert", "scenario")

# A judgement call: "Bonus" questions are the stretch questions at the end of a document,
# usually harder than its "Advanced" ones, so they count as expert.
LEVEL_WORDS = {
    **dict.fromkeys(("basic", "basics", "beginner", "beginners", "fundamental"), "basic"),
    **dict.fromkeys(("fundamentals", "junior", "easy", "entry-level"), "basic"),
    **dict.fromkeys(("intermediate", "medium", "mid-level", "mid"), "intermediate"),
    **dict.fromkeys(("advanced", "hard", "senior"), "advanced"),
    **dict.fromkeys(("expert", "experts", "bonus", "staff", "architect", "architects"), "expert"),
    **dict.fromkeys(("scenario", "scenarios", "scenario-based", "practical"), "scenario"),
    **dict.fromkeys(("situational", "behavioural", "behavioral"), "scenario"),
}

LAYOUT_HELP = (
    "put each question on its own heading or bold line, such as '### 3. What is a blueprint?' "
    "or '**3. What is a blueprint?**', with its answer below it, optionally grouped under "
    "level headings such as '## Basic' or '## Advanced'."
)


@dataclass(slots=True)
class ParsedQuestion:
    number: int | None
    prompt: str
    answer: str
    level: str | None


@dataclass(slots=True)
class ParsedDocument:
    title: str | None
    description: str
    questions: list[ParsedQuestion]
    warnings: list[str] = field(default_factory=list)

    def counts_by_level(self) -> dict[str, int]:
        """Questions per level, in `LEVELS` order, then "none" for questions without one."""
        counts = Counter(q.level or "none" for q in self.questions)
        return {key: counts[key] for key in (*LEVELS, "none") if counts[key]}


# --------------------------------------------------------------------------------- decoding


def parse_document(data: bytes | str) -> ParsedDocument:
    """Find the title, description, level sections and questions of a question document.

    Raises `Invalid` when the document cannot be read or holds no question.
    """
    text = decode_document(data) if isinstance(data, bytes) else normalise_text(data)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    warnings: list[str] = []
    parsed = _read_export(lines, warnings) if lines[0] == EXPORT_MARKER else None
    if parsed is None:
        parsed = _read_layout(lines, warnings)
    if not parsed.questions:
        raise Invalid(f"No questions found: {LAYOUT_HELP}")
    for position, question in enumerate(parsed.questions, start=1):
        if not question.answer.strip():
            prompt = shorten(question.prompt)
            number = question.number if question.number is not None else position
            parsed.warnings.append(f'Question {number} ("{prompt}") has no answer.')
    return parsed


def _read_export(lines: list[str], warnings: list[str]) -> ParsedDocument | None:
    try:
        title, description, rows, notes = read_export(lines)
    except ValueError as error:
        warnings.append(f"{error} The file was read as an ordinary question document instead.")
        return None
    warnings.extend(notes)
    questions = [ParsedQuestion(*row) for row in rows]
    return ParsedDocument(title, description, questions, warnings)


def level_for(text: str) -> str | None:
    """The level a section title names ("🔥 Expert / Bonus" -> "expert"), if it names one."""
    match = _LEVEL_RE.search(text)
    return LEVEL_WORDS[match.group(1).lower()] if match else None


def shorten(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis. Only the start of a long
    text is read, so a preview of a huge answer costs no more than of a short one."""
    text = " ".join(text[: limit * 2].split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_LEVEL_RE = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted(map(re.escape, LEVEL_WORDS), key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)


# --------------------------------------------------------------------- reading by layout
#
# One linear pass marks the lines that could introduce something (headings, bold lines,
# numbered lines) outside fenced code; a look at those marks decides how this document writes
# its questions (its "question key": say ### headings, or bold lines); a second pass over the
# marks alone says which are the title, level sections, questions, or other headings.
#
# Every pattern below meets lines of up to 100,000 characters, so each must match in time
# linear in the line: tests/decks/test_linear_parsing.py times every compiled pattern that is a
# global of this module (so keep new ones here, compiled) on adversarial lines. Two
# quantifiers that can take the same characters must never meet with only optional parts
# between them (`[ \t]*[:.]?[ \t]*$` tries every split of a run of spaces), and a lazy `.*?`
# must never be followed by a test that scans ahead: runs of spaces and tabs are taken whole
# with possessive quantifiers (`[ \t]*+`), which give nothing back.

_FENCE = re.compile(r"^[ \t]*+(`{3,}|~{3,})(.*)$")
_FENCE_CLOSE = re.compile(r"^[ \t]*+(`{3,}|~{3,})[ \t]*+$")
# "## Title ##": the text is runs of non-blanks and the blanks between them, less a closing
# run of #s and the blanks around it.
_HEADING = re.compile(
    r"^(#{1,6})(?:[ \t]++((?:[^ \t]++|[ \t]++(?!#*+[ \t]*+$))++))?(?:[ \t]++#++)?[ \t]*+$"
)
_BOLD_LINE = re.compile(r"^(\*\*|__)(?=\S)(.+)(?<=\S)\1[ \t]*+[:.]?[ \t]*+$")
_BOLD_START = re.compile(r"^(\*\*|__)(?=\S)(.+?)(?<=\S)\1[ \t]*+(.*)$")
_LIST_BOLD = re.compile(r"^(\d{1,5})[.)][ \t]++(\*\*|__)(?=\S)(.+)(?<=\S)\2[ \t]*+$")
_LIST_ITEM = re.compile(r"^ {0,3}\d{1,5}[.)][ \t]")
_NUMBERING = re.compile(
    r"^(?:(?:q\.?|ques\.?|question)[ \t]*+(?:no\.?[ \t]*+)?#?[ \t]*+(?P<qn>\d{1,5})"
    r"(?:[ \t]*+[.):\-\u2013\u2014](?=\s|$))?"
    r"|#?(?P<n>\d{1,5})(?:[.):]|[ \t]++[-\u2013\u2014])"
    r"|(?P<ql>q|question)[ \t]*+[:.])(?=\s|$)[ \t]*+",
    re.IGNORECASE,
)
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_ENDS_WITH_QUESTION = re.compile(r"\?[\s*_)\"'\u201d\u2019]*$")
_SEPARATOR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*+\1){2,}[ \t]*+$")
_LABEL = re.compile(
    r"^ {0,3}(?:#{1,6}[ \t]++)?(?:(\*\*|__|\*|_)(?:answer|ans|a)"
    r"(?:\1[ \t]*+:|[ \t]*+:[ \t]*+\1)"
    r"|(?:answer|ans|a)(?:[ \t]*+:|[ \t]++[-\u2013\u2014]))[ \t]*+",
    re.IGNORECASE,
)
_LABEL_ALONE = re.compile(
    r"^ {0,3}(?:#{1,6}[ \t]++)?(\*\*|__|\*|_)?answer\1?[ \t]*+:?[ \t]*+$", re.IGNORECASE
)
_WORDS = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_QUESTION_WORDS = _word_set(
    "what what's how how's why when where which who whom whose explain describe define compare "
    "contrast can could does do did is are was were should would will write implement design "
    "list name give tell walk discuss differentiate difference suppose imagine given you your "
    "have has show create build"
)
_FILLER = _word_set(
    "level levels question questions interview interviews section sections part round tier "
    "stage topic topics concept concepts and or to for the a an of in on with q qa answers answer "
    "developer developers engineer engineers candidate candidates role roles problem problems "
    "challenge challenges exercise exercises set"
)


# Headings that documents put between or after their questions, never questions themselves.
_ASIDES = frozenset(
    (
        *("introduction", "overview", "summary", "conclusion", "conclusions", "contents", "notes"),
        *("table of contents", "references", "resources", "further reading", "see also", "about"),
        *("final thoughts", "tips", "key takeaways", "next steps", "wrap up", "wrapping up"),
    )
)


def _is_aside(text: str) -> bool:
    return " ".join(_WORDS.findall(text.lower())) in _ASIDES


@dataclass(slots=True)
class _Mark:
    index: int
    kind: str  # "h" heading, "bold", "list" (1. **...**), "plain", "plainlevel"
    depth: int
    text: str
    number: int | None = None
    prompt: str = ""
    explicit: bool = False  # "Q3:", "Question 3", "Q:"
    ends_q: bool = False
    rest: str | None = None  # answer text on the same line, after a bold question
    in_list: bool = False  # a numbered line next to another: a list, not a question

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.depth

    @property
    def strong(self) -> bool:
        return self.number is not None or self.explicit or self.ends_q

    @property
    def label(self) -> bool:
        return self.text.rstrip(" *_").endswith(":")


def _unwrap_bold(text: str) -> str:
    for delimiter in ("**", "__"):
        inner = text[2:-2]
        if (
            len(text) > 4
            and text.startswith(delimiter)
            and text.endswith(delimiter)
            and delimiter not in _CODE_SPAN.sub("", inner)
        ):
            return inner.strip()
    return text


def _make_mark(index: int, kind: str, depth: int, text: str) -> _Mark:
    body = _unwrap_bold(text.strip())
    number, explicit = None, False
    match = _NUMBERING.match(body)
    if match:
        digits = match.group("qn") or match.group("n")
        number = int(digits) if digits else None
        explicit = bool(match.group("qn") or match.group("ql"))
        body = _unwrap_bold(body[match.end() :].strip())
    prompt = body.rstrip()
    mark = _Mark(index, kind, depth, text, number, prompt, explicit)
    mark.ends_q = bool(_ENDS_WITH_QUESTION.search(prompt))
    return mark


def _mark_bold(index: int, line: str) -> _Mark | None:
    match = _BOLD_LINE.match(line)
    if match and match.group(1) not in _CODE_SPAN.sub("", match.group(2)):
        return _make_mark(index, "bold", 0, match.group(2))
    match = _BOLD_START.match(line)
    if not match or not match.group(3).strip():
        return None
    mark = _make_mark(index, "bold", 0, match.group(2))
    if mark.number is None and not mark.explicit:
        return None
    if mark.prompt:  # "**3. What is X?** X is ...": the answer starts on the same line
        mark.rest = match.group(3)
    else:  # "**3.** What is X?"
        mark = _make_mark(index, "bold", 0, match.group(2) + " " + match.group(3))
    return mark


def _mark_line(index: int, line: str, lines: list[str], prev_blank: bool) -> _Mark | None:
    first = line[0]
    if first == "#":
        match = _HEADING.match(line)
        if match and match.group(2):
            return _make_mark(index, "h", len(match.group(1)), match.group(2))
        return None
    if first in "*_":
        return _mark_bold(index, line)
    if first.isdigit():
        match = _LIST_BOLD.match(line)
        if match:
            mark = _make_mark(index, "list", 0, match.group(3))
            mark.number = int(match.group(1))
            return mark
    if first.isdigit() or first in "Qq":
        mark = _make_mark(index, "plain", 0, line)
        if mark.number is not None or mark.explicit:
            around = lines[index - 1 : index] + lines[index + 1 : index + 2]
            mark.in_list = any(_LIST_ITEM.match(other) for other in around)
            return mark
    if prev_blank and len(line) <= 80 and level_for(line):
        return _make_mark(index, "plainlevel", 0, line.rstrip(" :"))
    return None


def _scan(lines: list[str]) -> tuple[list[_Mark], int | None]:
    """Marks outside fenced code, and the line of a fence that never closes."""
    marks: list[_Mark] = []
    fence: tuple[str, int, int] | None = None
    prev_blank = True
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        first = stripped[:1]
        if fence is not None:
            if first == fence[0]:
                match = _FENCE_CLOSE.match(line)
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= fence[1]:
                    fence = None
            continue
        if not stripped.strip():
            prev_blank = True
            continue
        if first in "`~":
            match = _FENCE.match(line)
            if match and not (first == "`" and "`" in match.group(2)):
                fence = (first, len(match.group(1)), index)
                continue
        if len(line) - len(stripped) <= 3 and first not in "\t<>|-+":
            mark = _mark_line(index, stripped, lines, prev_blank)
            if mark is not None:
                marks.append(mark)
        prev_blank = False
    return marks, (fence[2] if fence else None)


def _levels_named(text: str) -> set[str]:
    return {LEVEL_WORDS[match.lower()] for match in _LEVEL_RE.findall(text)}


def _section_level(mark: _Mark) -> str | None:
    """The level if this heading reads as a section title ("Basic Flask Questions")."""
    if mark.ends_q:
        return None
    level = level_for(mark.prompt)
    words = _WORDS.findall(mark.prompt.lower())
    if level is None or not words or len(words) > 10 or words[0] in _QUESTION_WORDS:
        return None
    others = [w for w in words if w not in LEVEL_WORDS and w not in _FILLER]
    return level if len(others) <= 3 else None


@dataclass(slots=True)
class _Plan:
    key: tuple[str, int]  # how this document writes its questions
    numbered: bool  # most of its questions carry numbers
    neutral_depth: int  # a heading this deep or shallower that is no question ends a section


def _plan(marks: list[_Mark]) -> _Plan | None:
    markdown = [m for m in marks if m.kind in ("h", "bold", "list")]
    strong = Counter(m.key for m in markdown if m.strong and not _is_title_like(m))
    if not strong and any(m.kind == "plain" and (m.ends_q or m.explicit) for m in marks):
        strong = Counter({("plain", 0): 1})
    if not strong:  # headings that ask without a number or "?": "Explain the app factory"
        strong = Counter(m.key for m in markdown if _asks(m) and not _is_title_like(m))
    if not strong:
        return None
    key = strong.most_common(1)[0][0]
    at_key = [m for m in marks if m.key == key and _section_level(m) is None]
    numbered = sum(m.number is not None for m in at_key) * 2 >= len(at_key)
    section_depths = [m.depth for m in markdown if m.kind == "h" and _section_level(m)]
    neutral = key[1] if key[0] == "h" else min(section_depths, default=2)
    return _Plan(key, numbered, neutral)


def _asks(mark: _Mark) -> bool:
    words = _WORDS.findall(mark.prompt.lower())
    return bool(words) and words[0] in _QUESTION_WORDS and not mark.label


def _is_title_like(mark: _Mark) -> bool:
    return mark.kind == "h" and mark.depth == 1 and not mark.ends_q and not mark.explicit


@dataclass(slots=True)
class _Event:
    index: int
    kind: str  # "title", "section", "neutral", "question"
    mark: _Mark
    level: str | None = None


def _classify(marks: list[_Mark], plan: _Plan, warnings: list[str]) -> list[_Event]:
    events: list[_Event] = []
    level: str | None = None
    previous: int | None = None  # the last question number since the last section
    started = titled = False
    plain = plan.key[0] == "plain"
    for mark in marks:
        if mark.kind in ("plain", "plainlevel") and not plain:
            continue
        kind = _kind_of(mark, plan, previous, started, titled)
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
            level = _section_level(mark) if kind == "section" else None
            previous = None
            events.append(_Event(mark.index, kind, mark, level))
        elif kind == "title":
            titled = True
            events.append(_Event(mark.index, kind, mark))
        started = started or kind in ("question", "section")
    return events


def _kind_of(mark: _Mark, plan: _Plan, previous: int | None, started: bool, titled: bool) -> str:
    at_key = mark.key == plan.key
    follows = mark.number is not None and (previous is None or mark.number == previous + 1)
    if mark.kind == "plain":
        wanted = mark.ends_q or mark.explicit or (follows and not mark.in_list)
        return "question" if wanted else "content"
    if not started and not titled and _is_title_like(mark) and len(_levels_named(mark.prompt)) > 1:
        return "title"  # "Flask Questions: Beginner to Expert"
    if at_key and (mark.ends_q or mark.explicit or follows):
        return "question"
    if _section_level(mark):
        return "section"
    if at_key and mark.number is not None and mark.number > (previous or 0):
        return "question"
    if at_key and not plan.numbered and not mark.label and not _is_aside(mark.prompt):
        return "question"
    if not at_key and follows and (mark.ends_q or mark.explicit or mark.kind in ("bold", "list")):
        return "question"  # numbered in sequence, though not written like most questions
    if not started and not titled and _is_title_like(mark):
        return "title"
    if started and mark.kind == "h" and mark.depth <= plan.neutral_depth:
        return "neutral"
    return "content"


def _trim(block: list[str]) -> list[str]:
    block = [line for line in block if not line.startswith(MARKER_PREFIX)]
    start, end = 0, len(block)
    while start < end and (not block[start].strip() or _SEPARATOR.match(block[start])):
        start += 1
    while end > start and (not block[end - 1].strip() or _SEPARATOR.match(block[end - 1])):
        end -= 1
    return block[start:end]


def _answer(block: list[str], rest: str | None, dedent: bool) -> str:
    block = _trim(([rest] if rest else []) + block)
    if block:
        if _LABEL_ALONE.match(block[0]):
            block = _trim(block[1:])
        else:
            match = _LABEL.match(block[0])
            if match and block[0][match.end() :].strip():
                block[0] = block[0][match.end() :]
            elif match:
                block = _trim(block[1:])
    text = "\n".join(block)
    return textwrap.dedent(text) if dedent else text


def _read_layout(lines: list[str], warnings: list[str]) -> ParsedDocument:
    marks, unclosed = _scan(lines)
    if unclosed is not None:
        warnings.append(
            f"The code block opened on line {unclosed + 1} is never closed, so everything "
            "after it was read as code."
        )
    plan = _plan(marks)
    events = _classify(marks, plan, warnings) if plan else []
    title = next((e.mark.prompt for e in events if e.kind == "title"), None)
    body = [e for e in events if e.kind != "title"]
    first = body[0].index if body else len(lines)
    skip = {e.index for e in events if e.kind == "title"}
    description = "\n".join(_trim([line for i, line in enumerate(lines[:first]) if i not in skip]))
    questions = []
    for position, event in enumerate(body):
        end = body[position + 1].index if position + 1 < len(body) else len(lines)
        block = lines[event.index + 1 : end]
        if event.kind == "question":
            mark = event.mark
            answer = _answer(block, mark.rest, dedent=mark.kind == "list")
            questions.append(ParsedQuestion(mark.number, mark.prompt, answer, event.level))
        elif _trim(block):
            warnings.append(
                f'The text under "{shorten(event.mark.prompt)}" (line {event.index + 1}) is '
                "not part of any question and was left out."
            )
    return ParsedDocument(title, description, questions, warnings)
