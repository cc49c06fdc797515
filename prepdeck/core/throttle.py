"""Counting failures against a limit in the rate-limit store (memory, or Redis when configured).

Flask-Limiter's decorators count every request; sign-in must count only the failures, so it
uses the same store through the `limits` strategy directly. If the store is unreachable the
check is skipped and logged: a Redis outage must not lock everyone out.
"""

from __future__ import annotations

import logging
import time

from limits import parse

from prepdeck.core.errors import RateLimited
from prepdeck.extensions import limiter

log = logging.getLogger("prepdeck.throttle")


def check(limit: str, *key: str, message: str) -> None:
    """Raise RateLimited if `key` has used up `limit`."""
    item = parse(limit)
    try:
        strategy = limiter.limiter
        allowed = strategy.test(item, *key)
        reset_at = None if allowed else strategy.get_window_stats(item, *key)[0]
    except Exception:  # storage down: logged, and the request goes on unthrottled
        log.warning("rate-limit store unreachable; throttle %s skipped", key[0], exc_info=True)
        return
    if reset_at is not None:
        raise RateLimited(message, retry_after=int(reset_at - time.time()) + 1)


def used(limit: str, *key: str) -> int:
    """How much of `limit` the key has used in the current window (0 if the store is down)."""
    item = parse(limit)
    try:
        remaining = limiter.limiter.get_window_stats(item, *key)[1]
    except Exception:  # see check()
        log.warning("rate-limit store unreachable; throttle %s not read", key[0])
        return 0
    return max(0, item.amount - remaining)


def hit(limit: str, *key: str) -> None:
    try:
        limiter.limiter.hit(parse(limit), *key)
    except Exception:  # see check()
        log.warning("rate-limit store unreachable; failure for %s not counted", key[0])


def clear(limit: str, *key: str) -> None:
    try:
        limiter.limiter.clear(parse(limit), *key)
    except Exception:  # see check()
        log.warning("rate-limit store unreachable; %s not cleared", key[0])
