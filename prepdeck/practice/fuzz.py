"""Anki's interval fuzz: a review interval is moved at random within a range that grows with
its length (none under 2.5 days; a day, plus 15% of the part between 2.5 and 7 days, 10% of the
part between 7 and 20, 5% of the rest), so that cards learnt together spread out."""

from __future__ import annotations

import math

_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.10), (20.0, math.inf, 0.05))


def _round(value: float) -> int:
    """Half away from zero, as Rust rounds (Python's round() rounds half to even)."""
    return math.floor(value + 0.5)


def fuzz_delta(interval: float) -> float:
    if interval < 2.5:
        return 0.0
    return 1.0 + sum(
        factor * max(0.0, min(interval, end) - start) for start, end, factor in _RANGES
    )


def fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """The range of fuzzed intervals, within [minimum, maximum], at least two days wide when
    that fits (so that a fuzzed interval of 3 days can move)."""
    minimum = min(minimum, maximum)
    interval = min(max(interval, minimum), maximum)
    delta = fuzz_delta(interval)
    lower = min(max(_round(interval - delta), minimum), maximum)
    upper = min(max(_round(interval + delta), minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


def with_review_fuzz(fuzz_factor: float, interval: float, minimum: int, maximum: int) -> int:
    """The interval in whole days: `fuzz_factor` (0 to 1) picks one from the fuzz range."""
    lower, upper = fuzz_bounds(interval, minimum, maximum)
    return math.floor(lower + fuzz_factor * (1 + upper - lower))
