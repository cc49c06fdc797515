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

from collections import Counter
from dataclasses import dataclass, field

from prepdeck.core.errors import Invalid
from prepdeck.decks.decoding import decode_document, normalise_text
from prepdeck.decks.exporter import EXPORT_MARKER, read_export
from prepdeck.decks.reading.layout import read_layout
from prepdeck.decks.reading.levels import LEVEL_WORDS, LEVELS, level_for
from prepdeck.decks.reading.text import shorten

__all__ = ["LEVELS", "LEVEL_WORDS", "ParsedDocument", "ParsedQuestion", "level_for"]
__all__ += ["parse_document", "shorten"]

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


def _read_layout(lines: list[str], warnings: list[str]) -> ParsedDocument:
    found = read_layout(lines)
    questions = [ParsedQuestion(*row) for row in found.questions]
    return ParsedDocument(found.title, found.description, questions, warnings + found.warnings)
