"""What a distribution strategy is: objective terms for tier 2, and a list order for greedy.

Strategies never minimize anything themselves: they return terms (variables, integer
coefficients, offset) and `solver/` decides the tiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from offduty.constraints.model import ModelWriter
from offduty.models.arrays import InstanceArrays, IntArray


@dataclass(frozen=True, eq=False)
class Terms:
    """Minimize sum(coeffs * variables) + offset."""

    variables: IntArray
    coeffs: IntArray
    offset: int = 0


def dense_rank(keys: np.ndarray) -> IntArray:
    """1 for the smallest key, equal keys share a rank, no gaps."""
    _, inverse = np.unique(keys, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1) + 1


class Strategy:
    name: ClassVar[str]

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    def terms(self, model: ModelWriter) -> Terms:
        raise NotImplementedError

    def pair_order_key(self, arrays: InstanceArrays, member: IntArray, position: IntArray) -> IntArray:
        """Greedy list order: for each candidate pair, smaller is better."""
        raise NotImplementedError
