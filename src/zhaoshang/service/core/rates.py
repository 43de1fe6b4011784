"""The three rates (and 按时办结率, reopen rate, median days to close) from their counts.

Counts are taken over the appeals RECEIVED in the period (see docs/SERVICE.md):

* ``response_rate``     = responded within the response limit ÷ received
* ``solve_rate``        = closed as 解决 ÷ closed
* ``satisfaction_rate`` = (满意 + 基本满意) ÷ rated (未评价 and not yet rated excluded)
* ``on_time_rate``      = closed on or before the handling due date ÷ closed
* ``reopen_rate``       = reopened at least once ÷ received

A rate whose denominator is 0 is ``None`` (nothing to measure), never 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: (rate, numerator count, denominator count)
RATES = (
    ("response_rate", "responded_in_time", "received"),
    ("solve_rate", "solved", "closed"),
    ("satisfaction_rate", "satisfied", "rated"),
    ("on_time_rate", "closed_on_time", "closed"),
    ("reopen_rate", "reopened", "received"),
)

COUNTS = (
    "received",
    "responded",
    "responded_in_time",
    "closed",
    "solved",
    "closed_on_time",
    "rated",
    "satisfied",
    "unsatisfied",
    "reopened",
)


def ratio(numerator: int, denominator: int) -> float | None:
    return None if not denominator else numerator / denominator


@dataclass
class Rates:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    median_days_to_close: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: ratio(self.counts[num], self.counts[den]) for name, num, den in RATES}
        out.update(self.counts)
        out["median_days_to_close"] = self.median_days_to_close
        return out


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
