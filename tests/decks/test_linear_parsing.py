"""Reading a document takes time linear in its size, whatever its lines hold.

Every regular expression of the reader is found by looking at its modules, so a pattern added
later is covered without anyone listing it here. Each is tried on adversarial lines (a prefix
that gets past its anchors, a long run of one character or two, then an ending); the lines it
is slowest on are timed at two lengths: four times the length may take at most ten times as
long (quadratic backtracking takes sixteen times; a linear scan was seen at eight, the shorter
line fitting the processor's cache where the longer does not), and no line may take a second.
Then whole documents of such lines, up to the longest line the reader accepts, must be read in
a few seconds.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from prepdeck.core.errors import Invalid
from prepdeck.decks import decoding, exporter, importer
from prepdeck.decks.decoding import MAX_LINE
from prepdeck.decks.importer import parse_document
from prepdeck.decks.reading import chatter, layout, levels, marks, text
from tests.services import deadline as stop_after

SCREEN = 5_000  # characters: every line at this length, to find the slowest
SMALL, BIG = 20_000, 80_000  # characters: the slowest lines at these two lengths
GROWTH = 10  # the most BIG may take over SMALL: linear is 4, quadratic 16
SLOWEST = 6  # lines per pattern timed at both lengths
LIMIT = 1.0  # seconds for any one line

PREFIXES = ("", "#", "# a", "**", "**a", "**a**", "1. ", "1. **a**", "q", "Q1", "question")
PREFIXES += ("answer", "**answer", "```", "- ", "?", "<!-- prepdeck:", "\\", "- [a", "1. #")
PREFIXES += ("<details><summary>", "** ")
RUNS = (" ", "\t", " \t", "*", "_", "#", "-", "`", "~", "1", "q", ":", ".", "?", "a", "a ")
RUNS += ("**", "* ", "a*", "a-", "é", "](#", "<", ">", "](#a", "-level")
ENDINGS = ("", "x")


def module_patterns() -> list:
    found = [
        pytest.param(value, id=f"{module.__name__.rsplit('.', 1)[1]}.{name}")
        for module in (importer, decoding, exporter, marks, levels, layout, text, chatter)
        for name, value in vars(module).items()
        if isinstance(value, re.Pattern)
    ]
    assert len(found) >= 15, "the reader's patterns are no longer module globals"
    return found


def adversarial_line(prefix: str, run: str, ending: str, size: int) -> str:
    return prefix + run * ((size - len(prefix) - len(ending)) // len(run)) + ending


@contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Fail after `seconds` instead of waiting minutes for backtracking to end."""
    try:
        with stop_after(seconds):
            yield
    except TimeoutError:
        pytest.fail(f"{what} took more than {seconds} s", pytrace=False)


def timed_search(pattern: re.Pattern, shape: tuple[str, str, str], size: int) -> float:
    line = adversarial_line(*shape, size)
    with deadline(LIMIT, f"{pattern.pattern!r} on {describe(shape)} at {size:,} characters"):
        started = time.perf_counter()
        pattern.search(line)
        return time.perf_counter() - started


@pytest.mark.parametrize("pattern", module_patterns())
def test_every_pattern_matches_in_linear_time(pattern):
    # Backtracking over a run costs thousands of times more than a scan of it, even at the
    # screening length: the lines a pattern is slowest on there are the ones to time.
    shapes = itertools.product(PREFIXES, RUNS, ENDINGS)
    timed = sorted(
        ((timed_search(pattern, shape, SCREEN), shape) for shape in shapes), reverse=True
    )
    for _, shape in timed[:SLOWEST]:
        small, big = growth(pattern, shape)
        assert big < 1e-3 or big / small < GROWTH, (
            f"{pattern.pattern!r} on {describe(shape)}: {small * 1000:.2f} ms at {SMALL:,} "
            f"characters, {big * 1000:.2f} ms at {BIG:,}: it grows faster than the line"
        )


def growth(pattern: re.Pattern, shape: tuple[str, str, str]) -> tuple[float, float]:
    """Best times at SMALL and BIG, taken in turns, measured again (twice at most) when they
    look quadratic: other processes on the machine make one measurement a poor witness."""
    small = big = float("inf")
    for _attempt in range(3):
        for _ in range(3):
            small = min(small, timed_search(pattern, shape, SMALL))
            big = min(big, timed_search(pattern, shape, BIG))
        if big < 1e-3 or big / small < GROWTH:
            break
    return small, big


def describe(shape: tuple[str, str, str]) -> str:
    prefix, run, ending = shape
    return f"{prefix!r} + {run!r} * n + {ending!r}"


# One line each, as long as a line may be: the shapes that once took minutes.
ONE_LINE_DOCUMENTS = {
    "heading with a run of spaces": "### q" + " " * (MAX_LINE - 6) + "x",
    "heading text then spaces": "# a" + " " * (MAX_LINE - 4) + "b",
    "bold line then blanks": "**a**" + " \t" * ((MAX_LINE - 6) // 2) + "x",
    "question label then tabs": "question" + "\t" * (MAX_LINE - 9) + "x",
    "numbered bold item": "1. **a**" + " " * (MAX_LINE - 9) + "x",
    "answer label then spaces": "### 1. What is g?\n\nanswer" + " " * (MAX_LINE - 7) + "x\n",
    "exported question heading": (
        f"{exporter.EXPORT_MARKER}\n# T\n\n<!-- prepdeck:question -->\n### 1. "
        + " " * (MAX_LINE - 8)
        + "x\n"
    ),
}


@pytest.mark.parametrize("text", ONE_LINE_DOCUMENTS.values(), ids=ONE_LINE_DOCUMENTS.keys())
def test_a_line_as_long_as_allowed_is_read_in_well_under_a_second(text):
    # Milliseconds now; a generous bound all the same. The old reader took minutes.
    data = text.encode()
    with deadline(3, f"reading the {len(data):,}-byte document"):
        try:
            parse_document(data)
        except Invalid as error:  # read, and found to hold no question: that is fine
            assert error.message.startswith("No questions found")


def test_a_25_kb_upload_is_read_in_well_under_a_second():
    """The upload that held a web process for seconds: one question, then one long heading."""
    data = b"### 1. What is g?\n\nStorage for one request.\n\n### q" + b" " * 25_000 + b"x\n"
    with deadline(3, "reading a 25 KB document"):
        parsed = parse_document(data)
    assert parsed.questions[0].prompt == "What is g?"
