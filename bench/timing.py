"""Summaries of repeated measurements."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

ORDER_SEED = 20261203  # the calls' order in each round of interleaved_rounds


@dataclass
class Timing:
    """Seconds taken by each repetition of one measurement."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def percentile(self, p: int) -> float:
        """The p-th percentile (1-99), interpolated between the samples taken."""
        if len(self.values) == 1:
            return self.values[0]
        return statistics.quantiles(self.values, n=100, method="inclusive")[p - 1]

    def __len__(self) -> int:
        return len(self.values)


def interleaved_rounds(
    methods: dict[str, Callable[[], object]], iterations: int, budget: float, at_least: int
) -> dict[str, Timing]:
    """Each call once per round, side by side, after three warm-up rounds (caches, prepared
    statements, the pool): `iterations` rounds, or fewer once `budget` seconds have passed and
    `at_least` rounds are done. Side by side, a slow moment of the machine hits them all. Each
    round calls them in a new order (shuffled, the same in every run), so that no call always
    follows the same one: the call after a heavy one (a count of every match) finds the
    caches cold, and in a fixed order the same call would pay for it every round."""
    for _ in range(3):
        for call in methods.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in methods}
    names, order = list(methods), random.Random(ORDER_SEED)  # noqa: S311 - not a secret
    deadline = time.perf_counter() + budget
    for round_number in range(iterations):
        order.shuffle(names)
        for name in names:
            call = methods[name]
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
        if round_number + 1 >= at_least and time.perf_counter() > deadline:
            break
    return {name: Timing(values) for name, values in samples.items()}
