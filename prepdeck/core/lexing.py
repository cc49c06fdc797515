"""Pygments' `RegexLexer` loop, trying the rules of a state together.

Pygments tries the rules of the current state one `match` call at a time, in order, and the
first that matches wins: for Python code that is over thirty calls per token. Here consecutive
rules of a state are joined into one pattern, ``(?P<r0>rule0)|(?P<r1>rule1)|...``: a regular
expression tries the branches of an alternation in order and takes the first that matches, with
the match that branch alone gives, so the same rule wins with the same text, found in one call.
A rule whose action needs its own match object (``bygroups``, ``using``, callbacks) is matched
again alone. Rules that cannot be joined (back references, verbose patterns, a group name used
twice) are tried alone, in their place.

The tokens and states are Pygments' own; the loop below is `RegexLexer.get_tokens_unprocessed`
with that one change. Each token still costs at most the calls Pygments would make for it, plus
one, so a rendering's budget, checked between tokens, bounds it as before.
`tests/core/test_lexing.py` compares the tokens with Pygments' on every vetted lexer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

from prepdeck.core.first_chars import first

# A back reference or a condition on a group: group numbers shift once rules are joined.
_NUMBERED = re.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?\(")
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsu]+)\)")

# By id of a lexer's compiled states (`_tokens`, kept here too): the same states as lists of
# (match, rules by group, rule).
_JOINED: dict[int, tuple[dict, dict]] = {}


def speed_up(lexer: Lexer) -> Lexer:
    """Make `lexer` lex with the joined rules, when it lexes with `RegexLexer`'s own loop."""
    if type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed:
        _joined(lexer)  # compiled now, so that processes forked later find them ready
        lexer.get_tokens_unprocessed = lambda text, stack=("root",): tokens(lexer, text, stack)
    return lexer


def _branch(rexmatch: Callable, flags: int) -> str | None:
    """The rule's pattern as a branch of a larger pattern, or None if it must be tried alone."""
    pattern = getattr(rexmatch, "__self__", None)
    if not isinstance(pattern, re.Pattern) or not isinstance(pattern.pattern, str):
        return None
    source = pattern.pattern
    if source == "":  # `default`: matches at once, whatever the flags
        return source
    if flags & re.VERBOSE or _NUMBERED.search(source):
        return None
    try:
        if re.compile(source, flags).flags != pattern.flags:  # compiled with other flags
            return None
        leading = _LEADING_FLAGS.match(source)
        if leading:  # flags for the whole pattern become flags for this branch
            source = f"(?{leading[1]}:{source[leading.end() :]})"
        alone = re.compile(f"(?:{source})", flags)
        if alone.groups != pattern.groups:
            return None
        uncaptured = _without_groups(source)
        if re.compile(uncaptured, flags).groups == 0:
            return uncaptured
    except re.error:
        pass
    return None


def _without_groups(source: str) -> str:
    """`source` with its capturing groups made non-capturing. The joined pattern only needs to
    tell which branch matched, and every group is a mark the engine saves and restores each time
    a branch fails: with them, Python's joined rules matched slower than one at a time."""
    out, i, end = [], 0, len(source)
    while i < end:
        char = source[i]
        if char == "\\":
            out.append(source[i : i + 2])
            i += 2
        elif char == "[":  # a set: up to its closing bracket, which may come first, as a member
            j = i + 1
            if source.startswith("^", j):
                j += 1
            if source.startswith("]", j):
                j += 1
            while j < end and source[j] != "]":
                j += 2 if source[j] == "\\" else 1
            out.append(source[i : j + 1])
            i = j + 1
        elif char == "(" and not source.startswith("?", i + 1):
            out.append("(?:")
            i += 1
        elif source.startswith("(?P<", i):
            out.append("(?:")
            i = source.index(">", i) + 1
        elif source.startswith("(?#", i):
            j = source.index(")", i) + 1
            out.append(source[i:j])
            i = j
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _join(rules: list, flags: int) -> list:
    """The rules of one state as (match, {group: rule} or None, rule or None, run or None), in
    order; `run` lists a joined pattern's rules as (source, rule)."""
    joined: list = []
    run: list[tuple[str, tuple]] = []
    names: set[str] = set()

    def close() -> None:
        if run:
            match, by_group = _joined_pattern(run, flags)
            joined.append((match, by_group, None, list(run)))
            run.clear()
            names.clear()

    for rule in rules:
        source = _branch(rule[0], flags)
        own = set(rule[0].__self__.groupindex) if source is not None else set()
        if source is None or own & names or any(re.fullmatch(r"r\d+", n) for n in own):
            close()
            if source is None:
                joined.append((rule[0], None, rule, None))
                continue
        run.append((source, rule))
        names.update(own)
    close()
    return joined


def _joined_pattern(run: list[tuple[str, tuple]], flags: int) -> tuple[Callable, dict]:
    pattern = re.compile(
        "|".join(f"(?P<r{i}>{source})" for i, (source, _) in enumerate(run)), flags
    )
    return pattern.match, {pattern.groupindex[f"r{i}"]: rule for i, (_, rule) in enumerate(run)}


class _Building:
    """Seconds this process has spent building the per-character tables, which a lexer does
    while it lexes, once per state and character. Callers that time lexing against a budget
    leave them out, as they leave out building the lexer itself."""

    seconds = 0.0


def seconds_building() -> float:
    return _Building.seconds


class _State:
    """The rules of one state, and for each next character the ones that can match there: a
    joined pattern keeps only the branches whose match can start with that character, in their
    order (`first_chars`), so the engine does not try the others. A branch that can match
    empty is kept everywhere, and at the end of the text only such branches are."""

    def __init__(self, rules: list, flags: int) -> None:
        self.flags = flags
        self.joined = _join(rules, flags)
        self.by_key: dict[str, list] = {}
        self.starts: dict[int, list] = {}  # by place: what each rule's match starts with
        self.patterns: dict[tuple[int, tuple], tuple[Callable, dict]] = {}

    def rules_for(self, key: str) -> list:
        """(match, {group: rule} or None, rule or None) to try where `key` is next (a
        character below 128, "\x80" for any other, "" at the end)."""
        started = time.monotonic()
        try:
            return self._rules_for(key)
        finally:
            _Building.seconds += time.monotonic() - started

    def _rules_for(self, key: str) -> list:
        rules = []
        for place, (match, by_group, rule, run) in enumerate(self.joined):
            if run is None:
                rules.append((match, None, rule))
                continue
            if place not in self.starts:  # worked out when first needed, not when compiled
                self.starts[place] = [first(source, self.flags) for source, _ in run]
            kept = tuple(i for i, starts in enumerate(self.starts[place]) if starts.admits(key))
            if len(kept) == len(run):
                rules.append((match, by_group, None))
            elif kept:
                if (place, kept) not in self.patterns:
                    branches = [run[i] for i in kept]
                    self.patterns[place, kept] = _joined_pattern(branches, self.flags)
                rules.append((*self.patterns[place, kept], None))
        self.by_key[key] = rules
        return rules


def _joined(lexer: RegexLexer) -> dict[str, _State]:
    # Pygments' compiled states: the class's, or the lexer's own (C# keeps one set per level).
    compiled = lexer._tokens
    kept = _JOINED.get(id(compiled))
    if kept is None or kept[0] is not compiled:
        states = {name: _State(rules, lexer.flags) for name, rules in compiled.items()}
        kept = _JOINED[id(compiled)] = (compiled, states)
    return kept[1]


def tokens(lexer: RegexLexer, text: str, stack=("root",)) -> Iterator[tuple[int, object, str]]:
    """What ``RegexLexer.get_tokens_unprocessed(lexer, text, stack)`` yields."""
    pos = 0
    tokendefs = _joined(lexer)
    statestack = list(stack)
    state = tokendefs[statestack[-1]]
    while True:
        key = text[pos : pos + 1]
        if key > "\x7f":
            key = "\x80"
        statetokens = state.by_key.get(key)
        if statetokens is None:  # not an empty list: where no rule can match, none is tried
            statetokens = state.rules_for(key)
        for match, by_group, rule in statetokens:
            m = match(text, pos)
            if m:
                if by_group is not None:
                    rule = by_group[m.lastindex]
                _rexmatch, action, new_state = rule
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        if by_group is not None:
                            m = _rexmatch(text, pos)  # the rule's own groups, for the action
                        yield from action(lexer, m)
                pos = m.end()
                if new_state is not None:
                    _enter(statestack, new_state)
                    state = tokendefs[statestack[-1]]
                break
        else:
            if pos >= len(text):
                break
            if text[pos] == "\n":  # at the end of a line, back to "root"
                statestack = ["root"]
                state = tokendefs["root"]
                yield pos, Whitespace, "\n"
            else:
                yield pos, Error, text[pos]
            pos += 1


def _enter(statestack: list, new_state) -> None:
    # Pygments' state transitions, as in `RegexLexer.get_tokens_unprocessed`.
    if isinstance(new_state, tuple):
        for state in new_state:
            if state == "#pop":
                if len(statestack) > 1:
                    statestack.pop()
            elif state == "#push":
                statestack.append(statestack[-1])
            else:
                statestack.append(state)
    elif isinstance(new_state, int):
        if abs(new_state) >= len(statestack):
            del statestack[1:]
        else:
            del statestack[new_state:]
    elif new_state == "#push":
        statestack.append(statestack[-1])
    else:
        raise AssertionError(f"wrong state def: {new_state!r}")
