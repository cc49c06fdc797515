"""Checking the reader against documents whose right reading is known.

A folder holds question documents and an `expected.json` that says, for each, what a right
import finds: `count` questions, the `first` and `last` prompts, `code_in` (1-based questions
whose answers hold a code block) and, for documents with level sections, the `levels` of all
questions in order (without it, no question may get a level). Each document is read as an
import reads it, and its answers rendered as a page shows them; nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from prepdeck.core.errors import Invalid
from prepdeck.core.markdown import render_answer
from prepdeck.decks.importer import ParsedDocument, parse_document

EXPECTATIONS = "expected.json"
HEADERS = ("document", "expected", "found", "first", "last", "code kept", "levels")


@dataclass(slots=True)
class Row:
    document: str
    expected: int
    found: int | None = None
    first: bool = False
    last: bool = False
    code: bool = False
    levels: bool = False
    problem: str = ""

    @property
    def right(self) -> bool:
        return (
            self.found == self.expected and self.first and self.last and self.code and self.levels
        )

    def cells(self) -> tuple[str, ...]:
        if self.found is None:
            return (self.document, str(self.expected), "-", self.problem, "", "", "")
        marks = ["yes" if ok else "NO" for ok in (self.first, self.last, self.code, self.levels)]
        return (self.document, str(self.expected), str(self.found), *marks)


def check_folder(folder: Path) -> list[Row]:
    """One row per document named in the folder's expected.json. Raises `Invalid` when the
    folder has no readable expected.json."""
    path = folder / EXPECTATIONS
    try:
        expectations = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise Invalid(f"{path} cannot be read: {error}") from None
    if not isinstance(expectations, dict) or not expectations:
        raise Invalid(f"{path} names no document.")
    return [check_document(folder / name, facts) for name, facts in sorted(expectations.items())]


def check_document(path: Path, facts: dict) -> Row:
    row = Row(path.name, int(facts["count"]))
    try:
        parsed = parse_document(path.read_bytes())
    except OSError as error:
        row.problem = f"unreadable: {error.strerror}"
        return row
    except Invalid as error:
        row.problem = error.message
        return row
    questions = parsed.questions
    row.found = len(questions)
    row.first = bool(questions) and questions[0].prompt == facts["first"]
    row.last = bool(questions) and questions[-1].prompt == facts["last"]
    row.code = all(_keeps_code(parsed, number) for number in facts.get("code_in", []))
    levels = facts.get("levels") or [None] * row.expected
    row.levels = [q.level for q in questions] == levels
    return row


def _keeps_code(parsed: ParsedDocument, number: int) -> bool:
    """The answer holds a fenced block, and the page shows it as code."""
    if not 1 <= number <= len(parsed.questions):
        return False
    answer = parsed.questions[number - 1].answer
    fenced = any(line.lstrip().startswith(("```", "~~~")) for line in answer.split("\n"))
    return fenced and "<pre" in render_answer(answer)


def table(rows: list[Row]) -> str:
    lines = [HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADERS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
