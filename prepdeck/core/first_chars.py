"""Which characters a regular expression's match can start with, read from its parsed form.

`lexing` uses it to try, at each position, only the rules that can match the character there.
The answer may be too wide, never too narrow: a rule left out must be one that cannot match. What
is not read exactly (back references, conditions, anything unknown) counts as able to start with
anything, and with nothing (an empty match). Single characters and sets are decided by Python's
own engine, compiled from the parsed item with the flags in force, on each ASCII character;
characters outside ASCII are one class, counted in whenever the item could match one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from re import _compiler, _constants, _parser  # Python's own parser, as `re` uses it

ASCII = 128


@dataclass(frozen=True)
class First:
    ascii: frozenset[str]  # ASCII characters a match can start with
    other: bool  # whether it can start with a character outside ASCII
    empty: bool  # whether it can match without taking a character (then it may start anywhere)

    def admits(self, key: str) -> bool:
        """Whether a match can start where `key` is next: a character below 128, "\\x80" for
        any other, "" at the end of the text."""
        if self.empty:
            return True
        return self.other if key == "\x80" else key in self.ascii


ANY = First(frozenset(map(chr, range(ASCII))), True, True)
_NOTHING = First(frozenset(), False, True)
_REPEATS = {_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT}
_ZERO_WIDTH = {_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT}
_ONE_CHARACTER = {_constants.LITERAL, _constants.NOT_LITERAL, _constants.IN, _constants.ANY}


def first(source: str, flags: int) -> First:
    try:
        parsed = _parser.parse(source, flags)
        return _sequence(list(parsed), parsed.state.flags)
    except Exception:  # anything not understood may start with anything
        return ANY


def _sequence(items: list, flags: int) -> First:
    chars: set[str] = set()
    other = False
    for op, av in items:
        item = _item(op, av, flags)
        chars |= item.ascii
        other |= item.other
        if not item.empty:
            return First(frozenset(chars), other, False)
    return First(frozenset(chars), other, True)


def _item(op, av, flags: int) -> First:
    if op in _ONE_CHARACTER:
        return _one_character(op, av, flags)
    if op in _ZERO_WIDTH:
        return _NOTHING
    if op is _constants.BRANCH:
        branches = [_sequence(list(branch), flags) for branch in av[1]]
        return First(
            frozenset().union(*(branch.ascii for branch in branches)),
            any(branch.other for branch in branches),
            any(branch.empty for branch in branches),
        )
    if op is _constants.SUBPATTERN:
        _group, add, remove, inner = av
        return _sequence(list(inner), (flags | add) & ~remove)
    if op is _constants.ATOMIC_GROUP:
        return _sequence(list(av), flags)
    if op in _REPEATS:
        low, _high, inner = av
        found = _sequence(list(inner), flags)
        return First(found.ascii, found.other, found.empty or low == 0)
    return ANY


def _one_character(op, av, flags: int) -> First:
    if op is _constants.LITERAL and not flags & re.IGNORECASE:
        return First(frozenset({chr(av)} if av < ASCII else ()), av >= ASCII, False)
    return _matched_ascii(op, _frozen(av), flags & (re.IGNORECASE | re.ASCII | re.DOTALL))


def _frozen(av):
    return tuple(_frozen(a) for a in av) if isinstance(av, list | tuple) else av


@lru_cache(maxsize=4096)
def _matched_ascii(op, av, flags: int) -> First:
    state = _parser.State()
    state.flags = flags | re.UNICODE if not flags & re.ASCII else flags
    items = [(op, [*av] if op is _constants.IN else av)]
    pattern = _compiler.compile(_parser.SubPattern(state, items), state.flags)
    return First(frozenset(c for c in map(chr, range(ASCII)) if pattern.match(c)), True, False)
