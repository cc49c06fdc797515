"""`first_chars.first` may say a pattern can start with more than it can, never with less: a
rule it leaves out where it could have matched would change the tokens."""

from __future__ import annotations

import re

import pytest

from prepdeck.core import lexing, markdown
from prepdeck.core.first_chars import first
from tests.core import lexer_fuzz
from tests.core.test_lexing import JOINED, SAMPLE_CODE


def key(text: str, pos: int) -> str:
    char = text[pos : pos + 1]
    return "\x80" if char > "\x7f" else char


UNUSUAL = "é\u212a\u017fK s \u0130 \u0131\x1c\xa0\n"  # case partners outside ASCII, odd blanks
TEXT = "".join(SAMPLE_CODE)[:4000] + "".join(lexer_fuzz.SPECIALS) + UNUSUAL


@pytest.mark.parametrize("name", JOINED)
def test_every_rule_of_the_vetted_lexers_starts_where_first_says(name):
    lexer = markdown._lexer(name)
    for state in lexing._joined(lexer).values():
        for _match, _by_group, _rule, run in state.joined:
            for source, _ in run or ():
                starts = first(source, lexer.flags)
                pattern = re.compile(source, lexer.flags)
                for pos in range(len(TEXT) + 1):
                    if pattern.match(TEXT, pos):
                        assert starts.admits(key(TEXT, pos)), (name, source, TEXT[pos : pos + 9])


CASES = {
    r"\n": ("\n", "a"),
    r"[^\S\n]+": (" \t\x1c\xa0", "\na"),
    r"(?i)k": ("kK\u212a", "x"),
    r"(?i:s)t": ("sS\u017f", "t"),
    r"(in|is|and)\b": ("ia", "n"),
    r"^(\s*)x": (" \tx", "y"),
    r"(?=a)a": ("a", "b"),
    r"x?": ("xy\n", ""),
    r"$": ("a", ""),
    r"(a)\1": ("a", "b"),
    r"(x)?(?(1)a|b)": ("xb", ""),
    r"[^a]": ("b\n", "a"),
    r"\d+": ("0٣", "a"),
}


@pytest.mark.parametrize(("source", "starts_and_not"), CASES.items(), ids=CASES.keys())
def test_what_a_match_can_start_with(source, starts_and_not):
    starts, others = starts_and_not
    found = first(source, re.MULTILINE)
    pattern = re.compile(source, re.MULTILINE)
    for char in starts:
        assert found.admits(key(char, 0)), (source, char)
    for char in others:
        assert pattern.match(char) is None or found.admits(key(char, 0))
        if not found.empty and pattern.match(char) is None:
            assert not found.admits(key(char, 0)) or char > "\x7f", (source, char)
