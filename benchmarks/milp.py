"""offduty's model as plain MILP arrays, for solvers other than CP-SAT (the `highs` peer).

The offduty process builds the model with the same `offduty.solver.prepare.prepare` as
`offduty.solver.solve` (model rules and tier terms), converts the CP-SAT proto to arrays and
saves them as an ``.npz``; a process without OR-Tools loads them (OR-Tools bundles its own
HiGHS, so `highspy` and `ortools` cannot be imported in one process). This module imports
neither: `export_model` imports the engine lazily.

Every constraint the builder writes is `linear` (one interval domain) or `at_most_one` over
0/1 literals; a negated literal ``-v - 1`` stands for ``1 - x_v``. Anything else is refused, so
the two peers never silently solve different models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from offduty.models.instance import Instance

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: CP-SAT's infinite bounds (±INT64_MAX) become ±inf here.
_BIG = 2**62


@dataclass(frozen=True, eq=False)
class MilpArrays:
    """min c_t·x + offset_t per tier t, over integer x in [col_lower, col_upper],
    row_lower <= A x <= row_upper (A as CSR)."""

    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    row_start: IntArray  # CSR: n_rows + 1
    row_index: IntArray
    row_value: FloatArray
    tier_names: list[str]
    tier_costs: FloatArray  # [tiers, n_cols]
    tier_offsets: FloatArray  # [tiers]
    hint: FloatArray | None  # a complete starting solution (the greedy list), or None
    n_pairs: int  # columns 0..n_pairs-1 are the (member, position) pairs
    required: int  # sum of the position counts
    build_s: float  # offduty's model build, as solve() measures it
    scenario: str = ""
    strategy: str = ""

    @property
    def n_cols(self) -> int:
        return len(self.col_lower)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)

    @property
    def nnz(self) -> int:
        return len(self.row_index)

    def save(self, path: str | Path) -> None:
        hint = np.zeros(0) if self.hint is None else self.hint
        np.savez(path, col_lower=self.col_lower, col_upper=self.col_upper,
                 row_lower=self.row_lower, row_upper=self.row_upper, row_start=self.row_start,
                 row_index=self.row_index, row_value=self.row_value,
                 tier_names=np.asarray(self.tier_names, dtype=np.str_), tier_costs=self.tier_costs,
                 tier_offsets=self.tier_offsets, hint=hint, has_hint=np.asarray(self.hint is not None),
                 n_pairs=np.asarray(self.n_pairs), required=np.asarray(self.required),
                 build_s=np.asarray(self.build_s), scenario=np.asarray(self.scenario),
                 strategy=np.asarray(self.strategy))

    @classmethod
    def load(cls, path: str | Path) -> MilpArrays:
        with np.load(path) as z:
            return cls(
                col_lower=z["col_lower"], col_upper=z["col_upper"], row_lower=z["row_lower"],
                row_upper=z["row_upper"], row_start=z["row_start"], row_index=z["row_index"],
                row_value=z["row_value"], tier_names=[str(s) for s in z["tier_names"]],
                tier_costs=z["tier_costs"], tier_offsets=z["tier_offsets"],
                hint=z["hint"] if bool(z["has_hint"]) else None, n_pairs=int(z["n_pairs"]),
                required=int(z["required"]), build_s=float(z["build_s"]),
                scenario=str(z["scenario"]), strategy=str(z["strategy"]))


def _bound(value: int) -> float:
    if value <= -_BIG:
        return -np.inf
    if value >= _BIG:
        return np.inf
    return float(value)


def proto_to_arrays(proto: Any) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, IntArray,
                                          IntArray, FloatArray]:
    """(col_lower, col_upper, row_lower, row_upper, row_start, row_index, row_value) of a
    `cp_model_pb2.CpModelProto` made only of linear and at_most_one constraints."""
    col_lower = np.empty(len(proto.variables))
    col_upper = np.empty(len(proto.variables))
    for i, var in enumerate(proto.variables):
        dom = var.domain
        if len(dom) != 2:
            raise ValueError(f"variable {i} has a domain with holes: {list(dom)}")
        col_lower[i], col_upper[i] = _bound(dom[0]), _bound(dom[1])
    lengths: list[int] = []
    index: list[int] = []
    value: list[int] = []
    lower: list[float] = []
    upper: list[float] = []
    for k, ct in enumerate(proto.constraints):
        if len(ct.enforcement_literal):
            raise ValueError(f"constraint {k} is half-reified; not a plain MILP row")
        kind = ct.WhichOneof("constraint")
        if kind == "linear":
            lin = ct.linear
            dom = lin.domain
            if len(dom) != 2:
                raise ValueError(f"constraint {k} has a domain with holes: {list(dom)}")
            index.extend(lin.vars)
            value.extend(lin.coeffs)
            lengths.append(len(lin.vars))
            lower.append(_bound(dom[0]))
            upper.append(_bound(dom[1]))
        elif kind == "at_most_one":
            literals = ct.at_most_one.literals
            index.extend(literals)
            value.extend([1] * len(literals))
            lengths.append(len(literals))
            lower.append(-np.inf)
            upper.append(1.0)
        else:
            raise ValueError(f"constraint {k} is {kind!r}; only linear and at_most_one convert")
    row_start = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=row_start[1:])
    refs = np.asarray(index, dtype=np.int64)
    coeffs = np.asarray(value, dtype=np.float64)
    row_lower = np.asarray(lower, dtype=np.float64)
    row_upper = np.asarray(upper, dtype=np.float64)
    negated = refs < 0
    if negated.any():  # literal -v-1 is (1 - x_v): c * (1 - x) = c - c * x
        row_of = np.repeat(np.arange(len(lengths)), lengths)
        shift = np.bincount(row_of[negated], weights=coeffs[negated], minlength=len(lengths))
        row_lower -= shift
        row_upper -= shift
        refs[negated] = -refs[negated] - 1
        coeffs[negated] = -coeffs[negated]
    return col_lower, col_upper, row_lower, row_upper, row_start, refs, coeffs


def export_model(instance: Instance, strategy: str, *, scenario: str = "",
                 greedy_hint: bool = True, resolve: bool = False) -> MilpArrays:
    """offduty's model for `instance`, from the same `prepare()` as `solve`, as arrays.

    With `resolve`, the re-solve's tiers (coverage, changes, the strategy over newcomers) over
    every eligible pair: the peer gets the whole model, not offduty's narrowed neighbourhood.

    `build_s` is preparation plus model build (arrays, eligibility, model rules, tier terms), as
    solve() reports it. Conversion time is not part of it.
    """
    import tempfile

    from ortools.sat import cp_model_pb2

    from offduty.solver.greedy import greedy_roster
    from offduty.solver.params import Resolve, SolveParams
    from offduty.solver.prepare import prepare

    prepared = prepare(instance, SolveParams(strategy=strategy, resolve=Resolve() if resolve else None))
    model = prepared.model
    build_s = prepared.build_s
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pb"
        if not model.cpsat.model.export_to_file(str(path)):
            raise RuntimeError("could not export the CP-SAT model")
        proto = cp_model_pb2.CpModelProto()
        proto.ParseFromString(path.read_bytes())
    hint: FloatArray | None = None
    if greedy_hint:
        greedy = greedy_roster(prepared)
        if greedy.valid:  # as solve() does: the greedy roster completed with the derived variables
            hint = model.cpsat.complete(greedy.values).astype(np.float64)
    col_lower, col_upper, row_lower, row_upper, row_start, row_index, row_value = proto_to_arrays(proto)
    n_cols = len(col_lower)
    costs = np.zeros((len(model.tiers), n_cols))
    offsets = np.zeros(len(model.tiers))
    for t, tier in enumerate(model.tiers):
        np.add.at(costs[t], np.asarray(tier.terms.variables, dtype=np.int64),
                  tier.terms.coeffs.astype(np.float64))
        offsets[t] = float(tier.terms.offset)
    return MilpArrays(col_lower, col_upper, row_lower, row_upper, row_start, row_index, row_value,
                      [tier.name for tier in model.tiers], costs, offsets, hint, model.cpsat.n_pairs,
                      int(prepared.arrays.position_count.sum()), build_s, scenario, strategy)
