"""The CP-SAT model behind the rules' vocabulary (`offduty.constraints.model.ModelWriter`).

One Boolean per eligible (member, position) pair, written straight into the model proto (vars,
literals, coefficients): several times faster than the expression API for models with 10^5
pairs and more. Variable `i < len(pairs)` is pair `i`; rules and strategies add auxiliary
variables after them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model, cp_model_helper

from offduty.constraints.base import Pairs
from offduty.constraints.model import Derivation, FloorRow
from offduty.constraints.registry import MODEL_RULES
from offduty.models.arrays import InstanceArrays, IntArray


@dataclass(eq=False)
class CpSatModel:
    """A `ModelWriter` that writes a CP-SAT model; `build()` applies every model rule."""

    arrays: InstanceArrays
    pairs: Pairs
    allow_understaffed: bool = False
    names: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    floor_rows: list[FloorRow] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: How each auxiliary variable follows from the others, in creation order: hints must be
    #: complete to pay off, so a roster (pair values) is completed with these.
    derived: list[tuple[int, Derivation]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.proto = self.model.proto
        # one copied template is far faster than a `variables.add()` per pair (kc-month: 416k)
        boolean = cp_model_helper.IntegerVariableProto()
        boolean.domain.extend((0, 1))
        self.proto.variables.extend([boolean] * len(self.pairs))
        if self.names:
            a = self.arrays
            for i, (m, p) in enumerate(zip(self.pairs.member.tolist(), self.pairs.position.tolist(),
                                           strict=True)):
                self.proto.variables[i].name = f"x[{a.member_ids[m]},{a.position_ids[p]}]"

    @property
    def n_pairs(self) -> int:
        return len(self.pairs)

    @property
    def pair_vars(self) -> IntArray:
        return np.arange(len(self.pairs), dtype=np.int64)

    def build(self) -> CpSatModel:
        for rule in MODEL_RULES:
            rule.add(self)
        return self

    # --- the vocabulary -------------------------------------------------------------------------

    def new_bool(self, name: str = "") -> int:
        return self.new_int(0, 1, name)

    def new_int(self, lo: int, hi: int, name: str = "") -> int:
        var = self.proto.variables.add()
        var.domain.extend((int(lo), int(hi)))
        if self.names:
            var.name = name
        return len(self.proto.variables) - 1

    def new_ints(self, lo: int, hi: IntArray) -> IntArray:
        first = len(self.proto.variables)
        for upper in np.asarray(hi, dtype=np.int64).tolist():
            self.proto.variables.add().domain.extend((int(lo), upper))
        return np.arange(first, len(self.proto.variables), dtype=np.int64)

    def derive(self, variable: int, rule: Derivation) -> None:
        self.derived.append((variable, rule))

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

    # --- solving helpers --------------------------------------------------------------------------

    def complete(self, pair_values: IntArray) -> IntArray:
        """All variables' values from the pairs' values (a complete hint)."""
        values = np.zeros(len(self.proto.variables), dtype=np.int64)
        values[: len(pair_values)] = pair_values[: len(values)]
        for variable, rule in self.derived:
            values[variable] = rule(values)
        return values

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
