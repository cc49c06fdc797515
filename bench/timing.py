"""Summaries of repeated measurements."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


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
