"""`spans.highlighted` writes what Pygments' `HtmlFormatter(nowrap=True)` writes, for every
vetted lexer, on the sample code and random text, and stops between tokens once
its deadline has passed."""

from __future__ import annotations

import io
import random
import time

import pytest
from pygments.formatters import HtmlFormatter
from pygments.lexers import find_lexer_class
from pygments.token import Name, Token

from prepdeck.core import lexing, markdown, spans
from prepdeck.core.markdown import VETTED_LEXERS
from tests.core import lexer_fuzz
from tests.core.test_lexing import SAMPLE_CODE

REFERENCE = HtmlFormatter(nowrap=True)


def pygments_html(name: str, code: str) -> str:
    out = io.StringIO()
    REFERENCE.format(find_lexer_class(name)(stripnl=False).get_tokens(code), out)
    return out.getvalue()


def ours(name: str, code: str) -> str:
    return spans.highlighted(markdown._lexer(name), code, markdown._FORMATTER, float("inf"))


@pytest.mark.parametrize("name", VETTED_LEXERS)
def test_the_html_is_pygments_own(name):
    rng = random.Random(name)
    alphabet = [*lexer_fuzz.SPECIALS, "def ", "{%", "%}", "<a ", '"', "'", "&", "\n\n", "\r\n"]
    texts = ["".join(rng.choices(alphabet, k=rng.randint(1, 120))) for _ in range(60)]
    for code in [*SAMPLE_CODE, *texts, "", "\n", "x", "\n\nx\n\n", "a\r\nb\rc"]:
        assert ours(name, code) == pygments_html(name, code), (name, code)


class Tokens:
    """A lexer yielding given tokens, to reach every branch of the line handling."""

    def __init__(self, tokens):
        self.tokens = tokens

    def _preprocess_lexer_input(self, text):
        return text

    def get_tokens_unprocessed(self, _text):
        return ((0, ttype, value) for ttype, value in self.tokens)


SHAPES = [
    [(Name, "a\n\nb"), (Token.Text, "\n"), (Name, "c")],
    [(Name, "a"), (Name, "b\nc"), (Token.Keyword, "\nd\n")],
    [(Token.Text, "x\ny"), (Name, "\n"), (Token.Text, "")],
    [(Token.Keyword, "if"), (Token.Text, " "), (Name.Other.Unusual, "x<&>\n")],
]


@pytest.mark.parametrize("tokens", SHAPES)
def test_lines_are_split_and_spans_reopened_as_pygments_does(tokens):
    out = io.StringIO()
    HtmlFormatter(nowrap=True).format(iter(tokens), out)
    formatter = HtmlFormatter(nowrap=True)
    assert spans.highlighted(Tokens(tokens), "", formatter, float("inf")) == out.getvalue()


def test_the_deadline_is_checked_between_tokens():
    tokens = Tokens([(Name, "a")] * 3)
    with pytest.raises(spans.OutOfTime):
        spans.highlighted(tokens, "", HtmlFormatter(nowrap=True), time.monotonic() - 1)


def test_building_the_lexers_tables_is_not_charged_to_the_budget(monkeypatch):
    lexer = markdown._lexer("Python")
    monkeypatch.setattr(lexing, "_JOINED", {})
    lexing._joined(lexer)  # new states, their tables empty, as in a process just started
    build = lexing._joined_pattern

    def slow_build(run, flags):
        time.sleep(0.01)
        return build(run, flags)

    monkeypatch.setattr(lexing, "_joined_pattern", slow_build)
    budget = markdown.HighlightBudget(0.1)
    code = "def f(x):\n    return [x, 'y', 1.5] if x else {}  # z\n"
    before = lexing.seconds_building()
    html = markdown._highlighted(code, lexer, budget)
    assert lexing.seconds_building() - before > 0.1  # longer than the whole budget
    assert html == pygments_html("Python", code)
    assert 0 < budget.left < 0.1
