"""One linear pass over a document's lines: the lines that could introduce something.

A mark is a heading, a whole bold line, a numbered list item whose text is bold or a heading,
a numbered or "Question:" plain line, a `<summary>` line, or a plain line naming a level.
Fenced code is opaque. The pass also notes which marks sit inside a `<details>` element, where
each `<details>` closes, and the anchors a table of contents links to.

Every pattern below meets lines of up to 100,000 characters, so each must match in time
linear in the line: tests/decks/test_linear_parsing.py times every compiled pattern that is a
global of the reading modules (so keep new ones there, compiled) on adversarial lines. Two
quantifiers that can take the same characters must never meet with only optional parts
between them (`[ \\t]*[:.]?[ \\t]*$` tries every split of a run of spaces), and a lazy `.*?`
must never be followed by a test that scans ahead: runs of spaces and tabs are taken whole
with possessive quantifiers (`[ \\t]*+`), which give nothing back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prepdeck.decks.reading.levels import level_for

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
_LIST_HEADING = re.compile(r"^(\d{1,5})[.)][ \t]++#{1,6}[ \t]++(\S.*)$")
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
_TOC_LINK = re.compile(r"^(?:[-*+]|\d{1,5}[.)])[ \t]++\[.*\]\(#([^()\s]++)\)[ \t]*+$")
_TOC_CELL = re.compile(r"\]\(#([^()\s|]++)\)[ \t]*+\|")
_TAG = re.compile(r"<[^<>]*+>")
_SLUG_DROP = re.compile(r"[^\w\- ]")

SUMMARY_LABELS = frozenset(
    [
        "answer",
        "answers",
        "solution",
        "solutions",
        "show",
        "hide",
        "click",
        "here",
        "to",
        "expand",
        "see",
        "view",
        "reveal",
        "the",
        "hint",
        "hints",
        "explanation",
        "details",
        "more",
        "output",
        "result",
        "code",
        "example",
        "examples",
        "me",
    ]
)


@dataclass(slots=True)
class Mark:
    index: int
    kind: str  # "h" heading, "bold", "list" (1. **...**), "plain", "plainlevel", "summary"
    depth: int
    text: str
    number: int | None = None
    prompt: str = ""
    explicit: bool = False  # "Q3:", "Question 3", "Q:"
    ends_q: bool = False
    rest: str | None = None  # answer text on the same line, after a bold question or summary
    in_list: bool = False  # a numbered line next to another: a list, not a question
    in_details: bool = False  # inside a <details> element (for a summary: inside another)
    end: int | None = None  # a summary: the line where its <details> closes
    slug: str = ""  # a heading: the anchor GitHub gives it

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.depth

    @property
    def strong(self) -> bool:
        if self.kind == "summary":
            return not self.in_details and not is_summary_label(self.prompt)
        return self.number is not None or self.explicit or self.ends_q

    @property
    def label(self) -> bool:
        return self.text.rstrip(" *_").endswith(":")


@dataclass(slots=True)
class Scan:
    marks: list[Mark]
    unclosed: int | None  # the line of a fence that never closes
    toc: set[str] = field(default_factory=set)  # anchors linked from list items


def is_summary_label(text: str) -> bool:
    """ "<b>Answer</b>", "Show solution", "Click to expand": a summary that hides an answer."""
    words = _TAG.sub(" ", text).replace("*", " ").replace("_", " ").lower().split()
    return all(word.strip(".:!…") in SUMMARY_LABELS for word in words)


def toc_anchor(line: str) -> str | None:
    """ "- [What is a closure?](#what-is-a-closure)" -> "what-is-a-closure"."""
    stripped = line.lstrip(" \t")
    if stripped[:1] == "|":  # "| 3 | [What are closures](#what-are-closures) |"
        link = _TOC_CELL.search(stripped)
    else:
        link = (
            _TOC_LINK.match(stripped) if stripped[:1] in "-*+" or stripped[:1].isdigit() else None
        )
    return link.group(1).lower() if link else None


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading (before numbering repeats)."""
    return _SLUG_DROP.sub("", _TAG.sub("", text).lower()).replace(" ", "-")


def closes_early(inner: str, delimiter: str) -> bool:
    """Whether `delimiter` closes inside `inner` ("a** and **b"), which makes a line that starts
    and ends with it two bold runs, not one. "*args and **kwargs" only opens one: a line is
    read as written, not as an emphasis parser would pair its asterisks."""
    inner = _CODE_SPAN.sub("", inner)
    at = inner.find(delimiter)
    while at != -1:
        after = inner[at + len(delimiter) : at + len(delimiter) + 1]
        if at > 0 and not inner[at - 1].isspace() and (not after or not after.isalnum()):
            return True
        at = inner.find(delimiter, at + len(delimiter))
    return False


def unwrap_bold(text: str) -> str:
    for delimiter in ("**", "__"):
        if (
            len(text) > 4
            and text.startswith(delimiter)
            and text.endswith(delimiter)
            and not closes_early(text[2:-2], delimiter)
        ):
            return text[2:-2].strip()
    return text


def make_mark(index: int, kind: str, depth: int, text: str) -> Mark:
    body = unwrap_bold(text.strip())
    number, explicit = None, False
    match = _NUMBERING.match(body)
    if match:
        digits = match.group("qn") or match.group("n")
        number = int(digits) if digits else None
        explicit = bool(match.group("qn") or match.group("ql"))
        body = unwrap_bold(body[match.end() :].strip())
    prompt = body.rstrip()
    mark = Mark(index, kind, depth, text, number, prompt, explicit)
    mark.ends_q = bool(_ENDS_WITH_QUESTION.search(prompt))
    return mark


def _mark_bold(index: int, line: str) -> Mark | None:
    match = _BOLD_LINE.match(line)
    if match and not closes_early(match.group(2), match.group(1)):
        return make_mark(index, "bold", 0, match.group(2))
    match = _BOLD_START.match(line)
    if not match or not match.group(3).strip():
        return _spaced_bold_level(index, line)
    mark = make_mark(index, "bold", 0, match.group(2))
    if mark.number is None and not mark.explicit:
        return None
    if mark.prompt:  # "**3. What is X?** X is ...": the answer starts on the same line
        mark.rest = match.group(3)
    else:  # "**3.** What is X?"
        mark = make_mark(index, "bold", 0, match.group(2) + " " + match.group(3))
    return mark


def _spaced_bold_level(index: int, line: str) -> Mark | None:
    """ "** Beginner Level **": not bold to a Markdown parser, but a level title to its author."""
    text = line.rstrip(" \t:")
    delimiter = text[:2]
    if len(text) > 80 or delimiter not in ("**", "__") or not text.endswith(delimiter):
        return None
    inner = text[2:-2].strip(" \t:")
    return make_mark(index, "bold", 0, inner) if inner and level_for(inner) else None


def _mark_list(index: int, line: str, indent: int) -> Mark | None:
    match, heading = _LIST_BOLD.match(line), None
    text = match.group(3) if match else None
    if match is None:
        match = _LIST_HEADING.match(line)  # "1. ## **What is Kubernetes?**"
        heading = _HEADING.match("# " + match.group(2)) if match else None
        text = heading.group(2) if heading else None
    if match is None or not text:
        return None
    mark = make_mark(index, "list", indent, text)  # items of a sub-list are another kind
    mark.number = int(match.group(1))
    mark.slug = github_slug(text) if heading else ""
    return mark


def _mark_line(
    index: int, line: str, lines: list[str], prev_blank: bool, indent: int = 0
) -> Mark | None:
    first = line[0]
    if first == "#":
        match = _HEADING.match(line)
        if match and match.group(2):
            mark = make_mark(index, "h", len(match.group(1)), match.group(2))
            mark.slug = github_slug(match.group(2))
            return mark
        return None
    if first in "*_":
        return _mark_bold(index, line)
    if first.isdigit():
        mark = _mark_list(index, line, indent)
        if mark is not None:
            return mark
    if first.isdigit() or first in "Qq":
        mark = make_mark(index, "plain", 0, line)
        if mark.number is not None or mark.explicit:
            around = lines[index - 1 : index] + lines[index + 1 : index + 2]
            mark.in_list = any(_LIST_ITEM.match(other) for other in around)
            return mark
    if prev_blank and len(line) <= 80 and level_for(line):
        return make_mark(index, "plainlevel", 0, line.rstrip(" :"))
    return None


class _Details:
    """Open `<details>` elements, and the summary mark of each."""

    def __init__(self) -> None:
        self.open: list[Mark | None] = []

    def feed(self, index: int, lowered: str) -> None:
        at = lowered.find("details")
        while at != -1:
            if lowered[at - 2 : at] == "</" and lowered[at + 7 : at + 8] == ">":
                if self.open:
                    summary = self.open.pop()
                    if summary is not None:
                        summary.end = index
            elif lowered[at - 1 : at] == "<" and lowered[at + 7 : at + 8] in (">", " "):
                self.open.append(None)
            at = lowered.find("details", at + 7)


def _mark_summary(index: int, line: str, lowered: str, details: _Details) -> Mark | None:
    start = lowered.find("<summary")
    opened = lowered.find(">", start) if start != -1 else -1
    close = lowered.find("</summary>", opened)
    if opened == -1 or close == -1 or not details.open or details.open[-1] is not None:
        return None
    mark = make_mark(index, "summary", 0, _unwrap_html_bold(line[opened + 1 : close].strip()))
    mark.prompt = _unwrap_html_bold(mark.prompt)
    mark.rest = line[close + len("</summary>") :]
    mark.in_details = len(details.open) > 1
    details.open[-1] = mark
    return mark


def _unwrap_html_bold(text: str) -> str:
    """ "<b>What is Git?</b>" -> "What is Git?"; inline HTML inside is kept as written."""
    for tag in ("b", "strong"):
        opening, closing = f"<{tag}>", f"</{tag}>"
        inner = text[len(opening) : -len(closing)]
        if text.startswith(opening) and text.endswith(closing) and opening not in inner:
            return inner.strip()
    return text


def scan(lines: list[str]) -> Scan:
    found = Scan([], None)
    fence: tuple[str, int, int] | None = None
    details = _Details()
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
        mark = None
        if "<" in line:
            lowered = line.lower()
            details.feed(
                index, lowered[: lowered.find("<summary")] if "<summary" in lowered else lowered
            )
            if "<summary" in lowered:
                mark = _mark_summary(index, line, lowered, details)
                details.feed(index, lowered[lowered.find("<summary") :])
        if mark is None and len(line) - len(stripped) <= 3 and first not in "\t<>|-+":
            mark = _mark_line(index, stripped, lines, prev_blank, len(line) - len(stripped))
            if mark is not None:
                mark.in_details = bool(details.open)
        if mark is not None:
            found.marks.append(mark)
        elif anchor := toc_anchor(stripped):
            found.toc.add(anchor)
        prev_blank = False
    found.unclosed = fence[2] if fence else None
    _number_slugs(found.marks)
    return found


def _number_slugs(marks: list[Mark]) -> None:
    """GitHub numbers repeated anchors: "intro", "intro-1", "intro-2"."""
    seen: dict[str, int] = {}
    for mark in marks:
        if mark.slug:
            count = seen.get(mark.slug, 0)
            seen[mark.slug] = count + 1
            if count:
                mark.slug = f"{mark.slug}-{count}"
