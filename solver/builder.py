"""The CP-SAT model behind the rules' vocabulary (`offduty.constraints.model.ModelWriter`).

One Boolean per eligible (member, position) pair, written straight into the model proto (vars,
literals, coefficients): several times faster than the expression API for models with 10^5
pairs and more. Variable `i < len(pairs)` is pair `i`; rules and strategies add auxiliary
variables after them.

Rows are kept as arrays when they are added and written into the proto only when the proto is
first wanted whole (`CpSatModel.model`: a CP-SAT solve of the whole model, an export): the
large-neighbourhood search of a month never solves the whole model, so its 438k variables and
114k rows are never written through the Python proto API (0.6-0.7 s CPU of a 1.2 s build on
kc-month). Variables likewise: `n_variables` counts them, `fix` records fixings.

Every row is also kept as arrays (`rows()`: a sparse matrix with row bounds, and the variables'
bounds), from which the LP relaxation and the neighbourhoods of the large-neighbourhood search
are cut without reading the proto back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model, cp_model_helper

from offduty.constraints.base import Pairs
from offduty.constraints.model import Derivation, FloorRow
from offduty.constraints.registry import MODEL_RULES
from offduty.models.arrays import BoolArray, InstanceArrays, IntArray


@dataclass(frozen=True, eq=False)
class Rows:  # not slotted: `pattern` is cached on the instance
    """lower <= matrix @ x <= upper (CP-SAT's ±INT_MAX stand for no bound)."""

    matrix: sp.csr_matrix
    lower: IntArray
    upper: IntArray
    at_most_one: BoolArray  # the row was added as an at-most-one

    @cached_property
    def pattern(self) -> sp.csr_matrix:
        """The matrix with every entry 1: `pattern @ mask` counts a row's variables in a mask
        (the coefficients themselves may cancel)."""
        ones = sp.csr_matrix((np.ones(self.matrix.nnz, dtype=np.int64), self.matrix.indices,
                              self.matrix.indptr), shape=self.matrix.shape)
        return ones


@dataclass(eq=False)
class CpSatModel:
    """A `ModelWriter` that writes a CP-SAT model; `build()` applies every model rule."""

    arrays: InstanceArrays
    pairs: Pairs
    allow_understaffed: bool = False
    names: bool = False
    #: `ModelWriter.scale_pairs`, when not `pairs` (a model narrowed to a neighbourhood).
    whole_pairs: Pairs | None = None
    _cp_model: cp_model.CpModel = field(default_factory=cp_model.CpModel, repr=False)
    floor_rows: list[FloorRow] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: How each auxiliary variable follows from the others, in creation order: hints must be
    #: complete to pay off, so a roster (pair values) is completed with these.
    derived: list[tuple[IntArray, Derivation]] = field(default_factory=list)
    #: The rows as blocks (vars, coeffs, starts, lower, upper), in the order they were added.
    _blocks: list[tuple[IntArray, IntArray, IntArray, IntArray, IntArray, bool]] = field(
        default_factory=list, repr=False)
    _var_lo: list[int] = field(default_factory=list, repr=False)
    _var_hi: list[int] = field(default_factory=list, repr=False)
    _fixed: dict[int, int] = field(default_factory=dict, repr=False)
    _aux_names: list[str] = field(default_factory=list, repr=False)
    #: How many variables and how many of `_blocks` are written into the proto (see `model`).
    _vars_written: int = field(default=0, repr=False)
    _written: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        # the objective and the hint go straight into the proto; variables and rows wait for `model`
        self.proto = self._cp_model.proto

    @property
    def model(self) -> cp_model.CpModel:
        """The CP-SAT model with every variable and row added so far written into its proto."""
        self._write_variables()
        constraints = self.proto.constraints
        for v, c, starts, lo, hi, amo in self._blocks[self._written:]:
            if amo:
                _write_at_most_ones(constraints, v, starts)
            else:
                _write_linears(constraints, v, c, starts, lo, hi)
        self._written = len(self._blocks)
        return self._cp_model

    @property
    def n_pairs(self) -> int:
        return len(self.pairs)

    @property
    def n_variables(self) -> int:
        return self.n_pairs + len(self._var_lo)

    def _write_variables(self) -> None:
        variables = self.proto.variables
        if self._vars_written == 0 and self.n_pairs:
            # one copied template is far faster than a `variables.add()` per pair (kc-month: 438k)
            boolean = cp_model_helper.IntegerVariableProto()
            boolean.domain.extend((0, 1))
            variables.extend([boolean] * self.n_pairs)
            if self.names:
                a = self.arrays
                for i, (m, p) in enumerate(zip(self.pairs.member.tolist(), self.pairs.position.tolist(),
                                               strict=True)):
                    variables[i].name = f"x[{a.member_ids[m]},{a.position_ids[p]}]"
        first = max(self._vars_written - self.n_pairs, 0)
        for k, (lo, hi) in enumerate(zip(self._var_lo[first:], self._var_hi[first:], strict=True)):
            var = variables.add()
            var.domain.extend((lo, hi))
            if self.names:
                var.name = self._aux_names[first + k]
        for variable, value in self._fixed.items():
            if variable >= self._vars_written:
                variables[variable].domain[0] = value
                variables[variable].domain[1] = value
        self._vars_written = self.n_variables

    @property
    def pair_vars(self) -> IntArray:
        return np.arange(len(self.pairs), dtype=np.int64)

    @property
    def scale_pairs(self) -> Pairs:
        return self.pairs if self.whole_pairs is None else self.whole_pairs

    def build(self) -> CpSatModel:
        for rule in MODEL_RULES:
            rule.add(self)
        return self

    # --- the vocabulary -------------------------------------------------------------------------

    def new_bool(self, name: str = "") -> int:
        return self.new_int(0, 1, name)

    def new_int(self, lo: int, hi: int, name: str = "") -> int:
        self._var_lo.append(int(lo))
        self._var_hi.append(int(hi))
        self._aux_names.append(name)
        return self.n_variables - 1

    def new_ints(self, lo: int, hi: IntArray) -> IntArray:
        first = self.n_variables
        uppers = np.asarray(hi, dtype=np.int64).tolist()
        self._var_lo.extend([int(lo)] * len(uppers))
        self._var_hi.extend(uppers)
        self._aux_names.extend([""] * len(uppers))
        return np.arange(first, self.n_variables, dtype=np.int64)

    def derive(self, variables: IntArray, rule: Derivation) -> None:
        self.derived.append((np.asarray(variables, dtype=np.int64), rule))

    def add_at_most_one(self, literals: Sequence[int]) -> None:
        lits = np.asarray(literals, dtype=np.int64)
        self.add_at_most_ones(lits, np.asarray([0, len(lits)], dtype=np.int64))

    def add_at_most_ones(self, literals: IntArray, starts: IntArray) -> None:
        literals = np.asarray(literals, dtype=np.int64)
        starts = np.asarray(starts, dtype=np.int64)
        if len(starts) < 2:
            return
        if (literals < 0).any():
            raise ValueError("at-most-one rows over pair and auxiliary variables take no negated literals")
        n = len(starts) - 1
        self._blocks.append((literals, np.ones(len(literals), dtype=np.int64), starts,
                             np.full(n, -cp_model.INT_MAX, dtype=np.int64), np.ones(n, dtype=np.int64), True))

    def add_linear(self, variables: Sequence[int] | IntArray, coeffs: Sequence[int] | IntArray,
                   lo: int, hi: int) -> None:
        v = np.asarray(variables, dtype=np.int64)
        self.add_linears(v, coeffs, np.asarray([0, len(v)], dtype=np.int64), np.asarray([lo]),
                         np.asarray([hi]))

    def add_linears(self, variables: IntArray, coeffs: IntArray | Sequence[int], starts: IntArray,
                    lo: IntArray, hi: IntArray) -> None:
        v = np.asarray(variables, dtype=np.int64)
        c = np.asarray(coeffs, dtype=np.int64)
        starts = np.asarray(starts, dtype=np.int64)
        lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
        self._blocks.append((v, c, starts, lo, hi, False))

    def fix(self, variable: int, value: int) -> None:
        self.fix_all(np.asarray([variable], dtype=np.int64), np.asarray([value], dtype=np.int64))

    def fix_all(self, variables: IntArray, values: IntArray) -> None:
        """Fix each of `variables` at its value in `values`."""
        pairs = list(zip(np.asarray(variables, dtype=np.int64).tolist(),
                         np.asarray(values, dtype=np.int64).tolist(), strict=True))
        self._fixed.update(pairs)
        written = self.proto.variables
        for variable, value in pairs:
            if variable < self._vars_written:
                domain = written[variable].domain
                domain[0] = value
                domain[1] = value

    # --- the rows as arrays ---------------------------------------------------------------------

    def bounds(self) -> tuple[IntArray, IntArray]:
        """Each variable's (lower, upper) bound: pairs are 0/1, fixings applied."""
        aux_lo = np.asarray(self._var_lo, dtype=np.int64)
        aux_hi = np.asarray(self._var_hi, dtype=np.int64)
        lo = np.concatenate([np.zeros(self.n_pairs, dtype=np.int64), aux_lo])
        hi = np.concatenate([np.ones(self.n_pairs, dtype=np.int64), aux_hi])
        if self._fixed:
            idx = np.fromiter(self._fixed.keys(), dtype=np.int64, count=len(self._fixed))
            val = np.fromiter(self._fixed.values(), dtype=np.int64, count=len(self._fixed))
            lo[idx] = val
            hi[idx] = val
        return lo, hi

    def rows(self) -> Rows:
        """Every row added so far as one sparse matrix with its bounds."""
        if not self._blocks:
            empty = np.zeros(0, dtype=np.int64)
            return Rows(sp.csr_matrix((0, self.n_variables), dtype=np.int64), empty, empty,
                        np.zeros(0, dtype=np.bool_))
        vars_ = np.concatenate([b[0] for b in self._blocks])
        coeffs = np.concatenate([b[1] for b in self._blocks])
        offsets = np.cumsum([0] + [len(b[0]) for b in self._blocks[:-1]])
        starts = np.concatenate([b[2][:-1] + o for b, o in zip(self._blocks, offsets, strict=True)]
                                + [np.asarray([len(vars_)], dtype=np.int64)])
        lower = np.concatenate([b[3] for b in self._blocks])
        upper = np.concatenate([b[4] for b in self._blocks])
        amo = np.concatenate([np.full(len(b[3]), b[5], dtype=np.bool_) for b in self._blocks])
        matrix = sp.csr_matrix((coeffs, vars_, starts), shape=(len(lower), self.n_variables))
        return Rows(matrix, lower, upper, amo)

    # --- solving helpers --------------------------------------------------------------------------

    def complete(self, pair_values: IntArray) -> IntArray:
        """All variables' values from the pairs' values (a complete hint)."""
        values = np.zeros(self.n_variables, dtype=np.int64)
        values[: len(pair_values)] = pair_values[: len(values)]
        for variables, rule in self.derived:
            values[variables] = rule(values)
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


def _write_at_most_ones(constraints: Any, literals: IntArray, starts: IntArray) -> None:
    flat = literals.tolist()
    add = constraints.add
    for a, b in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
        add().at_most_one.literals.extend(flat[a:b])


def _write_linears(constraints: Any, variables: IntArray, coeffs: IntArray, starts: IntArray, lo: IntArray,
                   hi: IntArray) -> None:
    flat_v, flat_c = variables.tolist(), coeffs.tolist()
    add = constraints.add
    for a, b, low, high in zip(starts[:-1].tolist(), starts[1:].tolist(), lo.tolist(), hi.tolist(),
                               strict=True):
        linear = add().linear
        linear.vars.extend(flat_v[a:b])
        linear.coeffs.extend(flat_c[a:b])
        linear.domain.extend((low, high))
