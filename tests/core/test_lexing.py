"""The joined-rules loop of `prepdeck.core.lexing` gives Pygments' own tokens, for every vetted
lexer, on the pathological inputs of `lexer_fuzz`, on sample code and on generated text."""

from __future__ import annotations

import random
import re

import pytest
from pygments.lexer import RegexLexer
from pygments.lexers import find_lexer_class
from pygments.token import Keyword, Name, String, Whitespace

from prepdeck.core import lexing, markdown
from prepdeck.core.markdown import VETTED_LEXERS
from tests.core import lexer_fuzz
from tests.core.rendering_samples import CODE, answers

FENCED = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
SAMPLE_CODE = sorted(
    {code.format(a="name", b="value", A="Name") for codes in CODE.values() for code in codes}
    | {code for answer in answers() for code in FENCED.findall(answer)}
)
JOINED = [name for name in VETTED_LEXERS if "get_tokens_unprocessed" in vars(markdown._lexer(name))]


def pygments(name: str):
    return find_lexer_class(name)(stripnl=False)


def assert_same_tokens(name: str, texts) -> None:
    theirs, ours = pygments(name), markdown._lexer(name)
    for text in texts:
        assert list(ours.get_tokens(text)) == list(theirs.get_tokens(text)), (name, text)


def test_the_vetted_regex_lexers_lex_with_joined_rules():
    lexers = {name: markdown._lexer(name) for name in VETTED_LEXERS}
    joined = {name for name, lexer in lexers.items() if "get_tokens_unprocessed" in vars(lexer)}
    assert {"Python", "JavaScript", "SQL", "Bash", "Go", "Java", "Rust", "Kotlin"} <= joined
    # Lexers with a loop of their own (C's, PHP's, Ruby's, JSON's) keep it.
    assert joined.isdisjoint({"C", "PHP", "Ruby", "JSON", "Text only"})
    root = lexing._joined(lexers["Python"])["root"]
    assert any(by_group is not None for _match, by_group, _rule, _run in root.joined)
    assert len(root.joined) < len(lexers["Python"]._tokens["root"]) / 10


def test_only_the_rules_that_can_match_the_next_character_are_tried():
    root = lexing._joined(markdown._lexer("Python"))["root"]
    everywhere = sum(len(run) for *_, run in root.joined if run)
    for key, fewer_than in (("d", everywhere), ("#", 10), ("\n", 10), ("\x80", everywhere)):
        tried = [by_group for _match, by_group, _rule in root.rules_for(key) if by_group]
        assert 0 < sum(map(len, tried)) < fewer_than, key
    # At the end of the text only a rule that matches nothing could match.
    assert all(
        rule is not None or all(r[0].__self__.match("") for r in by_group.values())
        for _match, by_group, rule in root.rules_for("")
        if by_group
    )


@pytest.mark.parametrize("name", VETTED_LEXERS)
def test_tokens_are_pygments_own_on_the_fuzz_cases_and_sample_code(name):
    fuzz = [text for _, text in lexer_fuzz.cases(120)]  # every shape, each repeated 10+ times
    assert_same_tokens(name, fuzz + SAMPLE_CODE)


@pytest.mark.parametrize("name", VETTED_LEXERS)
def test_tokens_are_pygments_own_on_random_text(name):
    rng = random.Random(name)
    alphabet = [*lexer_fuzz.SPECIALS, "def ", "if ", "else", "{%", "%}", "<a ", "0x1F", "1e5"]
    texts = ["".join(rng.choices(alphabet, k=rng.randint(1, 200))) for _ in range(150)]
    assert_same_tokens(name, texts)


@pytest.mark.parametrize("name", [name for name in VETTED_LEXERS if name in JOINED])
def test_rules_without_groups_match_as_their_own_patterns(name):
    lexer = markdown._lexer(name)
    fuzz = [text for _, text in lexer_fuzz.cases(60)]
    texts = random.Random(name).sample(fuzz, 150) + SAMPLE_CODE[:20]
    for rules in getattr(lexer, "_tokens", {}).values():
        for rexmatch, _action, _state in rules:
            source = lexing._branch(rexmatch, lexer.flags)
            if source is None:
                continue
            joined = re.compile(f"(?P<r0>{source})", lexer.flags)
            for text in texts:
                for pos in range(0, len(text), 7):
                    own, theirs = rexmatch(text, pos), joined.match(text, pos)
                    assert (own and own.end()) == (theirs and theirs.end()), (source, text, pos)


def test_groups_are_removed_from_a_pattern_and_nothing_else():
    assert (
        lexing._without_groups(r"(a)(?P<n>b)(?:c)(?=d)[(](?#x)\(")
        == r"(?:a)(?:b)(?:c)(?=d)[(](?#x)\("
    )
    assert lexing._without_groups(r"[]()](e)[^]()]") == r"[]()](?:e)[^]()]"
    assert lexing._without_groups(r"[\]](f)") == r"[\]](?:f)"


def test_rules_that_cannot_be_joined_are_tried_alone_in_their_place():
    class Backreferences(RegexLexer):
        tokens = {
            "root": [
                (r"(['\"])x\1", String),  # a back reference: alone
                (r"(?x) a b", Name),  # verbose: alone
                (r"[a-z]+", Keyword),
                (r"\s+", Whitespace),
            ]
        }

    lexer = Backreferences()
    root = lexing._joined(lexer)["root"]
    assert [entry[1] is None for entry in root.joined] == [True, True, False]
    lexing.speed_up(lexer)
    text = "'x' ab \"x\" abc 'x\""
    assert list(lexer.get_tokens(text)) == list(Backreferences().get_tokens(text))


def test_lexers_with_a_loop_of_their_own_are_left_alone():
    lexer = pygments("C")
    assert lexing.speed_up(lexer) is lexer
    assert "get_tokens_unprocessed" not in vars(lexer)
