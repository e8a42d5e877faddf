"""The model-writing vocabulary the rules and strategies use, independent of any solver.

A rule or a strategy writes into a `ModelWriter`: variable `i < len(pairs)` is the Boolean of
eligible pair `i`; it may add Booleans and bounded integers after them, linear rows with integer
coefficients, at-most-one rows, fixings, and declare how an auxiliary variable follows from the
others (so a roster of pair values completes to a full solution hint). `offduty.solver` owns the
CP-SAT model that implements this protocol and the loop over the rule registry; nothing here
imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from offduty.constraints.base import Pairs
from offduty.models.arrays import InstanceArrays, IntArray

#: How auxiliary variables' values follow from the values of the variables before them.
Derivation = Callable[[IntArray], IntArray]


@dataclass(frozen=True, eq=False)
class FloorRow:
    """One C-STAFFING-RATIO row: during [start, end) the pairs `pairs` must number ≥ floor."""

    event: int
    start: int
    end: int
    floor: int
    pairs: IntArray
    capacity: int  # slots of the positions covering the segment


class ModelWriter(Protocol):
    """What a rule's `add` and a strategy's `terms` may do to the model."""

    arrays: InstanceArrays
    pairs: Pairs
    allow_understaffed: bool
    #: C-STAFFING-RATIO's rows, kept for explanations and shortage reports.
    floor_rows: list[FloorRow]
    #: Reasons the model is infeasible before it is solved (a locked pair that is not eligible).
    conflicts: list[str]

    @property
    def scale_pairs(self) -> Pairs:
        """The pairs that set a strategy's scales (`distribution.balanced`'s pool and
        normalizers): the whole problem's when the model is narrowed to a neighbourhood, so that
        narrowing restricts the rosters and never changes what a roster costs; else `pairs`."""
        ...

    @property
    def pair_vars(self) -> IntArray:
        """The variable of each pair (pair i is variable i)."""
        ...

    def new_bool(self, name: str = "") -> int: ...

    def new_int(self, lo: int, hi: int, name: str = "") -> int: ...

    def new_ints(self, lo: int, hi: IntArray) -> IntArray:
        """One integer variable per upper bound in `hi`, all from `lo`; their indices."""
        ...

    def derive(self, variables: IntArray, rule: Derivation) -> None:
        """`variables` (auxiliary) take the values `rule(values)` returns, in their order, from
        the values of the variables created before them."""
        ...

    def add_at_most_one(self, literals: Sequence[int]) -> None: ...

    def add_at_most_ones(self, literals: IntArray, starts: IntArray) -> None:
        """Many at-most-one rows at once: row k is `literals[starts[k]:starts[k + 1]]`."""
        ...

    def add_linear(self, variables: Sequence[int] | IntArray, coeffs: Sequence[int] | IntArray,
                   lo: int, hi: int) -> None: ...

    def add_linears(self, variables: IntArray, coeffs: IntArray, starts: IntArray, lo: IntArray,
                    hi: IntArray) -> None:
        """Many linear rows at once: row k is `lo[k] <= sum(coeffs * variables)[starts[k]:starts[k + 1]]
        <= hi[k]`."""
        ...

    def fix(self, variable: int, value: int) -> None: ...
