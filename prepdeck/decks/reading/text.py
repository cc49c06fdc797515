"""Answers cut out of a document: trimmed, without their "Answer:" label or HTML wrapper."""

from __future__ import annotations

import re
import textwrap

from prepdeck.decks.exporter import MARKER_PREFIX
from prepdeck.decks.reading.marks import Mark

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
# What wraps a <details> answer: "<br><b>" after the summary, "</b>" before "</details>".
_OPENERS = ("<br>", "<br/>", "<br />", "<b>", "<p>", "<strong>")
_CLOSERS = ("</b>", "</p>", "</strong>", "<br>", "<br/>")
_TAG = re.compile(r"<[^<>]*+>")
_FILLER_TAGS = frozenset(("<details>", "</details>", "<details open>", "<br>", "<br/>", "<hr>"))


def shorten(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis. Only the start of a long
    text is read, so a preview of a huge answer costs no more than of a short one."""
    text = " ".join(text[: limit * 2].split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_separator(line: str) -> bool:
    return bool(_SEPARATOR.match(line))


def is_filler(line: str) -> bool:
    """Blank lines, rules, headings and bare <details> tags: nothing a person wrote to be read."""
    stripped = line.strip()
    return (
        not stripped
        or stripped.startswith("#")
        or stripped.lower() in _FILLER_TAGS
        or bool(_SEPARATOR.match(line))
    )


def trim(block: list[str]) -> list[str]:
    block = [line for line in block if not line.startswith(MARKER_PREFIX)]
    start, end = 0, len(block)
    while start < end and (not block[start].strip() or _SEPARATOR.match(block[start])):
        start += 1
    while end > start and (not block[end - 1].strip() or _SEPARATOR.match(block[end - 1])):
        end -= 1
    return block[start:end]


def answer_from(block: list[str], rest: str | None, *, dedent: bool) -> str:
    block = trim(([rest] if rest else []) + block)
    if block:
        if _LABEL_ALONE.match(block[0]):
            block = trim(block[1:])
        else:
            match = _LABEL.match(block[0])
            if match and block[0][match.end() :].strip():
                block[0] = block[0][match.end() :]
            elif match:
                block = trim(block[1:])
    text = "\n".join(block)
    return textwrap.dedent(text) if dedent else text


def summary_answer(lines: list[str], mark: Mark, end: int) -> tuple[str, list[str]]:
    """The answer inside a `<details>` block, and what follows the block up to `end`."""
    if mark.end is None or mark.end >= end:  # never closed: up to the next question
        return _unwrap(answer_from(lines[mark.index + 1 : end], mark.rest, dedent=False)), []
    closing = lines[mark.end]
    cut = closing.lower().rfind("</details>")
    inside = [*lines[mark.index + 1 : mark.end], closing[:cut]]
    if mark.end == mark.index:  # "<summary>Q</summary> A </details>" on one line
        inside, rest = [], mark.rest[: mark.rest.lower().rfind("</details>")]
    else:
        rest = mark.rest
    after = [closing[cut + len("</details>") :], *lines[mark.end + 1 : end]]
    return _unwrap(answer_from(inside, rest, dedent=False)), after


def _unwrap(answer: str) -> str:
    """Drop the HTML that wraps a whole <details> answer ("<br><b> … </b>")."""
    changed = True
    while changed:
        changed = False
        stripped = answer.lstrip()
        for tag in _OPENERS:
            if stripped[: len(tag)].lower() == tag:
                answer, changed = stripped[len(tag) :], True
        stripped = answer.rstrip()
        for tag in _CLOSERS:
            if stripped[-len(tag) :].lower() == tag:
                answer, changed = stripped[: -len(tag)], True
    lines = trim(answer.strip("\n").split("\n"))
    if lines and not lines[0].lstrip().startswith(("```", "~~~")):
        lines[0] = lines[0].lstrip()  # raw text in the HTML block, never an indented code block
    return "\n".join(lines)


def plain_title(text: str) -> str:
    """A title without the HTML around it: "<center>Kubernetes</center>" -> "Kubernetes"."""
    return " ".join(_TAG.sub("", text).split()) or text
