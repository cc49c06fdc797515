"""A deck as a file: Markdown (re-importable exactly), JSON, or an Anki package. Pure functions.

The Markdown export is an ordinary question document (an H1 title, "## Level" sections,
"### N. prompt" questions) that any Markdown viewer shows well, framed by HTML comment lines that
no viewer shows::

    <!-- prepdeck:export v1 -->
    # Flask

    A description.

    <!-- prepdeck:section level=basic -->
    ## Basic

    <!-- prepdeck:question -->
    ### 1. What is a blueprint?

    The answer, any Markdown at all.

The comment lines, not the headings, carry the structure: a question's answer is every line up to
the next comment line, so an answer may hold headings, bold lines, numbered lines, "Answer:"
labels, separators and unclosed code fences, and still comes back byte for byte. The only lines
that need escaping are those that begin like a marker (`<!-- prepdeck:`): they get one more
leading backslash on export and lose one on import. A prompt of several lines says so in its
marker (`prompt-lines=3`); its first line sits in the heading, the others follow verbatim.
Without the first marker line the file still imports by layout, as any hand-written document.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable
from os import PathLike
from typing import Any

import genanki

from prepdeck.core.markdown import highlight_css

EXPORT_MARKER = "<!-- prepdeck:export v1 -->"
MARKER_PREFIX = "<!-- prepdeck:"
NO_LEVEL_LABEL = "Other questions"
_LEVELS = ("basic", "intermediate", "advanced", "expert", "scenario")

_MARKER = re.compile(
    r"^<!-- prepdeck:(?:(?P<export>export v1)|section level=(?P<level>[a-z]+)"
    r"|(?P<question>question)(?: prompt-lines=(?P<lines>[1-9]\d*))?) -->$"
)
_ESCAPED = re.compile(r"^\\*<!-- prepdeck:")
_QUESTION_HEADING = re.compile(r"^### (\d+)\.(?: (.*))?$")


# ------------------------------------------------------------------------------- Markdown


def to_markdown(title: str, description: str, questions: Iterable[Any]) -> str:
    """The deck as a Prepdeck Markdown document; `parse_document` reads it back exactly.

    Each question needs `prompt`, `answer` and `level` (one of the levels, or None), in deck
    order. Newlines are written as LF (CRLF and CR become LF).
    """
    lines = [EXPORT_MARKER, "# " + " ".join(_lf(title).split("\n")).strip(), ""]
    if description:
        lines.extend(_escape(_lf(description)))
    section: object = _NO_SECTION
    for number, question in enumerate(questions, start=1):
        level = question.level or None
        if level not in (None, *_LEVELS):
            raise ValueError(f"Unknown level {level!r} for question {number}.")
        if level != section and not (section is _NO_SECTION and level is None):
            label = level.capitalize() if level else NO_LEVEL_LABEL
            lines += ["", f"{MARKER_PREFIX}section level={level or 'none'} -->", f"## {label}"]
        section = level
        prompt = _lf(question.prompt).split("\n")
        extra = f" prompt-lines={len(prompt)}" if len(prompt) > 1 else ""
        lines += ["", f"{MARKER_PREFIX}question{extra} -->", f"### {number}. {prompt[0]}"]
        lines += _escape_lines(prompt[1:])
        lines.append("")
        answer = _lf(question.answer or "")
        if answer:
            lines.extend(_escape(answer))
    return "\n".join(lines) + "\n"


_NO_SECTION = object()


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _escape(text: str) -> list[str]:
    return _escape_lines(text.split("\n"))


def _escape_lines(lines: list[str]) -> list[str]:
    return ["\\" + line if _ESCAPED.match(line) else line for line in lines]


def _unescape(lines: list[str]) -> list[str]:
    return [line[1:] if line[:1] == "\\" and _ESCAPED.match(line) else line for line in lines]


Row = tuple[int | None, str, str, str | None]


def read_export(lines: list[str]) -> tuple[str | None, str, list[Row], list[str]]:
    """Read a document `to_markdown` wrote (its lines, without the final empty one).

    Returns (title, description, [(number, prompt, answer, level)], warnings). Raises
    ValueError when the framing was broken by hand, so the caller can read it by layout.
    """
    markers = [i for i, line in enumerate(lines) if line.startswith(MARKER_PREFIX)]
    found = [_MARKER.match(lines[i]) for i in markers]
    for index, match in zip(markers, found, strict=True):
        if match is None or (match["export"] and index != 0):
            raise ValueError(f"Line {index + 1} is not a Prepdeck marker this version knows.")
    if len(lines) < 2 or not (lines[1] == "#" or lines[1].startswith("# ")):
        raise ValueError("The Prepdeck export has no title line after its first line.")
    if lines[2:3] not in ([], [""]):
        raise ValueError("The Prepdeck export needs a blank line after its title.")
    title = lines[1][2:] or None
    ends = [*markers[1:], len(lines)]
    description = "\n".join(_unescape(_block(lines, 3, ends[0])))
    rows: list[Row] = []
    warnings: list[str] = []
    level: str | None = None
    for start, end, match in zip(markers[1:], ends[1:], found[1:], strict=True):
        if match["level"] is not None:
            level = _read_section(lines, start, end, match["level"], warnings)
        else:
            count = int(match["lines"] or 1)
            number, prompt, answer = _read_question(lines, start, end, count, warnings)
            rows.append((number, prompt, answer, level))
    return title, description, rows, warnings


def _block(lines: list[str], start: int, end: int) -> list[str]:
    """Lines start..end, less the blank line written before the next marker."""
    block = lines[start:end]
    if end < len(lines) and block and block[-1] == "":
        block.pop()
    return block


def _read_section(
    lines: list[str], start: int, end: int, level: str, warnings: list[str]
) -> str | None:
    if level != "none" and level not in _LEVELS:
        raise ValueError(f'Line {start + 1} names a level "{level}" this version does not know.')
    if any(line.strip() for line in _block(lines, start + 2, end)):
        warnings.append(
            f"The text after the section heading on line {start + 2} is not part of any "
            "question and was left out."
        )
    return None if level == "none" else level


def _read_question(
    lines: list[str], start: int, end: int, count: int, warnings: list[str]
) -> tuple[int, str, str]:
    heading = _QUESTION_HEADING.match(lines[start + 1]) if start + 1 < end else None
    if heading is None:
        raise ValueError(f'Line {start + 2} should be a question heading such as "### 3. ...".')
    rest = start + 1 + count
    if rest > end or (rest < end and lines[rest] != ""):
        raise ValueError(f"The question on line {start + 2} does not have the lines it announces.")
    prompt = "\n".join([heading[2] or "", *_unescape(lines[start + 2 : rest])])
    answer = _unescape(_block(lines, rest + 1, end))
    for offset, line in enumerate(answer):
        if _QUESTION_HEADING.match(line):
            warnings.append(
                f"Line {rest + 2 + offset} looks like a question heading but has no "
                f"{MARKER_PREFIX}question --> line above it, so it was read as part of the "
                "answer before it."
            )
    return int(heading[1]), prompt, "\n".join(answer)


# ----------------------------------------------------------------------------------- JSON


def to_json(deck: dict, questions: Iterable[Any]) -> dict:
    """`{"deck": deck, "questions": [{"position", "prompt", "answer", "level", "tags"}]}`."""
    return {
        "deck": dict(deck),
        "questions": [
            {
                "position": question.position,
                "prompt": question.prompt,
                "answer": question.answer,
                "level": question.level or None,
                "tags": list(question.tags or ()),
            }
            for question in questions
        ],
    }


# ----------------------------------------------------------------------------------- Anki

_CARD_CSS = """\
.card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left;
  color: #212529; background: #fff; line-height: 1.5; }
.prompt { font-weight: 600; }
pre.highlight { padding: .75em; border-radius: 4px; overflow-x: auto; font-size: 15px; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .25em .5em; }
"""


def _anki_id(kind: str, value: int | str) -> int:
    # genanki wants ids that stay the same from one export to the next, within 2**30..2**31.
    digest = hashlib.sha256(f"prepdeck:{kind}:{value}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


# One note type for every Prepdeck deck, so importing several decks into Anki does not leave one
# identical note type per deck; bump its version when the fields or templates change.
_MODEL = genanki.Model(
    _anki_id("model", "basic-v1"),
    "Prepdeck question",
    fields=[{"name": "Prompt"}, {"name": "Answer"}],
    templates=[
        {
            "name": "Question",
            "qfmt": '<div class="prompt">{{Prompt}}</div>',
            "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}',
        }
    ],
    css=_CARD_CSS + highlight_css("light"),
)


def to_apkg(deck_id: int, title: str, questions: Iterable[Any], path: str | PathLike) -> None:
    """Write an Anki package. Each question needs `id`, `prompt` and `answer_html`; its `level`
    and `tags`, when it has them, become Anki tags.

    Notes keep their guid across exports (derived from the question id), so importing a newer
    export into Anki updates the cards instead of adding copies.
    """
    deck = genanki.Deck(_anki_id("deck", deck_id), title)
    for question in questions:
        tags = [f"prepdeck::{question.level}"] if getattr(question, "level", None) else []
        tags += [tag.replace(" ", "_") for tag in getattr(question, "tags", None) or ()]
        prompt = html.escape(question.prompt).replace("\n", "<br>")
        deck.add_note(
            genanki.Note(
                model=_MODEL,
                fields=[prompt, question.answer_html or ""],
                guid=genanki.guid_for("prepdeck", question.id),
                tags=tags,
            )
        )
    genanki.Package(deck).write_to_file(str(path))
