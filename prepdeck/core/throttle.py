"""Counting failures against a limit in the rate-limit store (memory, or Redis when configured)."""

from __future__ import annotations

import time

from limits import parse

from prepdeck.core.errors import RateLimited
from prepdeck.extensions import limiter


def check(limit: str, *key: str, message: str) -> None:
    """Raise RateLimited if `key` has used up `limit`."""
    item = parse(limit)
    strategy = limiter.limiter
    if not strategy.test(item, *key):
        reset_at, _remaining = strategy.get_window_stats(item, *key)
        raise RateLimited(message, retry_after=int(reset_at - time.time()) + 1)


def hit(limit: str, *key: str) -> None:
    limiter.limiter.hit(parse(limit), *key)


def clear(limit: str, *key: str) -> None:
    limiter.limiter.clear(parse(limit), *key)
