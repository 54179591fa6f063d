"""What the hotline gives scoring: rating counts and record volumes of one department.

A plain module (no Django): hotline's selectors fill it from the aggregates, and the pure
scoring formulas read it, so both sides share one definition."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HotlineCounts:
    satisfied: int = 0
    basic: int = 0
    dissatisfied: int = 0
    n_window: int = 0  # every record of the evaluation window, rated or not
    n_baseline: int = 0  # every record of the same dates one year earlier

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.dissatisfied
