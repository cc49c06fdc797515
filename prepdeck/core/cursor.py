"""Opaque cursors for keyset pagination: the sort key of the last item a page showed.

A cursor is URL-safe base64 of a short JSON list. It is not secret (it only says where a page
ends), but it is checked on the way in: anything that does not decode to a list of plain values
is refused as invalid input.
"""

from __future__ import annotations

import base64
import binascii
import json

from prepdeck.core.errors import Invalid

MAX_CURSOR = 200
_PLAIN = (int, str)


def encode_cursor(values: list[int | str]) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, size: int) -> list[int | str]:
    """The `size` values in `cursor`, or Invalid naming the cursor field."""
    problem = Invalid("This cursor is not one this API gave out.", details={"cursor": ["Invalid."]})
    if len(cursor) > MAX_CURSOR:
        raise problem
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise problem from None
    if (
        not isinstance(values, list)
        or len(values) != size
        or not all(isinstance(v, _PLAIN) and not isinstance(v, bool) for v in values)
    ):
        raise problem
    return values
