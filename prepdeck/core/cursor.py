"""Cursors for keyset pagination: the sort key of the last item a page showed.

A cursor is the key's integers joined by dots (`17`, `3.42`). It is not secret (it only says
where a page ends) and needs no decoding, so the API's spec can state exactly which cursors
it takes (`cursor_pattern`): any cursor of that shape is a place in the list, and one past
the end gives an empty page. Anything else is refused as invalid input.
"""

from __future__ import annotations

import re

from prepdeck.core.errors import Invalid

PART_DIGITS = 10  # enough for any 32-bit key; a larger number reads as the largest key
MAX_CURSOR = 200


def cursor_pattern(size: int) -> str:
    """The regular expression (ECMA and Python alike) of a cursor of `size` integers."""
    part = f"[0-9]{{1,{PART_DIGITS}}}"
    return "^" + r"\.".join([part] * size) + "$"


def encode_cursor(values: list[int]) -> str:
    return ".".join(str(int(value)) for value in values)


def decode_cursor(cursor: str, size: int, ceiling: int) -> list[int]:
    """The `size` values in `cursor`, each at most `ceiling` (larger ones are read as the
    ceiling: nothing comes after it), or Invalid naming the cursor field."""
    # fullmatch: `$` in the pattern also matches before a final newline in Python.
    if re.fullmatch(cursor_pattern(size)[1:-1], cursor) is None:
        raise Invalid(
            "This cursor is not one this API gives out: pass back a page's next_cursor.",
            details={"cursor": [f"Expected {size} whole number(s) separated by dots."]},
        )
    return [min(int(part), ceiling) for part in cursor.split(".")]
