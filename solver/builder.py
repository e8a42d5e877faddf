"""Builds the CP-SAT model sparsely: one Boolean per eligible (member, position) pair.

Constraints are written straight into the model proto (vars, literals, coefficients), which is
several times faster than the expression API for models with 10^5 pairs and more. Variable `i`
for `i < len(pairs)` is the pair `i`; rules may add auxiliary variables after them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from offduty.constraints.base import Pairs
from offduty.constraints.eligibility import Eligibility
from offduty.constraints.intervals import KEY_STRIDE
from offduty.constraints.registry import MODEL_RULES
from offduty.models.arrays import BoolArray, InstanceArrays, IntArray

INT_MAX = cp_model.INT_MAX


@dataclass(frozen=True, eq=False)
class FloorRow:
    """One C-STAFFING-RATIO row: during [start, end) the pairs `pairs` must number ≥ floor."""

    event: int
    start: int
    end: int
    floor: int
    pairs: IntArray
    capacity: int  # slots of the positions covering the segment


@dataclass(eq=False)
class ModelBuilder:
    arrays: InstanceArrays
    eligibility: Eligibility
    allow_understaffed: bool = False
    names: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    floor_rows: list[FloorRow] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: How each auxiliary variable follows from the others, in creation order: hints must be
    #: complete to pay off, so a roster (pair values) is completed with these.
    derived: list[tuple[int, Callable[[IntArray], int]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.proto = self.model.proto
        self.pairs: Pairs = self.eligibility.pairs
        n = len(self.pairs)
        variables = self.proto.variables
        for i in range(n):
            var = variables.add()
            var.domain.extend((0, 1))
            if self.names:
                var.name = (f"x[{self.arrays.member_ids[self.pairs.member[i]]},"
                            f"{self.arrays.position_ids[self.pairs.position[i]]}]")
        self._pair_keys = self.pairs.member * KEY_STRIDE + self.pairs.position

    @property
    def n_pairs(self) -> int:
        return len(self.pairs)

    @property
    def pair_vars(self) -> IntArray:
        """The variable of each pair (pair i is variable i)."""
        return np.arange(len(self.pairs), dtype=np.int64)

    def build(self) -> ModelBuilder:
        for rule in MODEL_RULES:
            rule.add(self)
        return self

    # --- helpers for the rules --------------------------------------------------------------

    def new_bool(self, name: str = "") -> int:
        var = self.proto.variables.add()
        var.domain.extend((0, 1))
        if self.names:
            var.name = name
        return len(self.proto.variables) - 1

    def new_int(self, lo: int, hi: int, name: str = "") -> int:
        var = self.proto.variables.add()
        var.domain.extend((lo, hi))
        if self.names:
            var.name = name
        return len(self.proto.variables) - 1

    def derive(self, variable: int, rule: Callable[[IntArray], int]) -> None:
        """Declare how `variable`'s value follows from the values of the variables before it."""
        self.derived.append((variable, rule))

    def complete(self, pair_values: IntArray) -> IntArray:
        """All variables' values from the pairs' values (a complete hint)."""
        values = np.zeros(len(self.proto.variables), dtype=np.int64)
        values[: len(pair_values)] = pair_values
        for variable, rule in self.derived:
            values[variable] = rule(values)
        return values

    def add_at_most_one(self, literals: Sequence[int]) -> None:
        self.proto.constraints.add().at_most_one.literals.extend(literals)

    def add_linear(self, variables: Sequence[int] | IntArray, coeffs: Sequence[int] | IntArray,
                   lo: int, hi: int) -> None:
        linear = self.proto.constraints.add().linear
        linear.vars.extend(np.asarray(variables, dtype=np.int64).tolist())
        linear.coeffs.extend(np.asarray(coeffs, dtype=np.int64).tolist())
        linear.domain.extend((int(lo), int(hi)))

    def fix(self, variable: int, value: int) -> None:
        var = self.proto.variables[variable]
        var.domain[0] = value
        var.domain[1] = value

    def pair_index(self, member: int, position: int) -> int | None:
        i = int(self.pair_indices(np.asarray([member]), np.asarray([position]))[0])
        return i if i >= 0 else None

    def pair_indices(self, members: IntArray, positions: IntArray) -> IntArray:
        """The pair index of each (member, position), -1 where the pair is not eligible."""
        keys = members * KEY_STRIDE + positions
        if len(self._pair_keys) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        i = np.searchsorted(self._pair_keys, keys)
        found = self._pair_keys[np.minimum(i, len(self._pair_keys) - 1)] == keys
        return np.where(found, i, -1)

    def locked_pairs(self) -> BoolArray:
        """Per pair: is it a locked assignment of the current roster?"""
        a = self.arrays
        idx = self.pair_indices(a.assignment_member[a.assignment_locked],
                                a.assignment_position[a.assignment_locked])
        out = np.zeros(len(self.pairs), dtype=np.bool_)
        out[idx[idx >= 0]] = True
        return out

    def reason_code(self, member: int, position: int) -> str:
        return self.eligibility.code(member, position) or "no rule"

    @staticmethod
    def groups(keys: IntArray) -> Iterator[tuple[int, IntArray]]:
        """(key, indices) for each distinct key, in key order."""
        if len(keys) == 0:
            return
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
        for chunk in np.split(order, cuts):
            yield int(keys[chunk[0]]), chunk

    # --- objectives ---------------------------------------------------------------------------

    def set_objective(self, variables: Sequence[int] | IntArray, coeffs: Sequence[int] | IntArray,
                      offset: int = 0) -> None:
        """Minimize sum(coeffs * variables) + offset."""
        objective = self.proto.objective
        objective.vars.clear()
        objective.coeffs.clear()
        objective.vars.extend(np.asarray(variables, dtype=np.int64).tolist())
        objective.coeffs.extend(np.asarray(coeffs, dtype=np.int64).tolist())
        objective.offset = float(offset)

    def set_hint(self, values: IntArray) -> None:
        hint = self.proto.solution_hint
        hint.vars.clear()
        hint.values.clear()
        hint.vars.extend(range(len(values)))
        hint.values.extend(np.asarray(values, dtype=np.int64).tolist())
