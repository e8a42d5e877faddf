"""Tests of `solver.builder`: variables and rows are kept as arrays and written into the CP-SAT
proto only when the whole model is wanted; the proto is the same whenever that happens."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from offduty.benchmarks.scenarios import generate
from offduty.constraints.registry import MODEL_RULES
from offduty.models.instance import Instance
from offduty.models.validation import parse_instance
from offduty.solver.builder import CpSatModel
from offduty.solver.params import SolveParams
from offduty.solver.prepare import Prepared, prepare


@cache
def chiefs() -> Instance:
    return parse_instance(generate("chiefs-game", 1))


def _prepared() -> Prepared:
    return prepare(chiefs(), SolveParams(strategy="hours"))


def _exported(model: CpSatModel, path: Path) -> bytes:
    assert model.model.export_to_file(str(path))
    return path.read_bytes()


def _build(p: Prepared, flush_between: bool) -> CpSatModel:
    """Every model rule and the strategy's auxiliary variables, a fixing before and after the
    proto is written, and a row after it; `flush_between` writes the proto after each step."""
    model = CpSatModel(p.arrays, p.pairs)
    for rule in MODEL_RULES:
        rule.add(model)
        if flush_between:
            _ = model.model
    terms = p.strategy.terms(model)
    model.fix(0, 0)
    if flush_between:
        _ = model.model
    model.fix(int(terms.variables.max()), 0)
    model.add_linear(terms.variables, terms.coeffs, 0, 10**9)
    return model


def test_the_proto_is_written_on_first_use_and_the_same_whenever_it_is(tmp_path: Path) -> None:
    p = _prepared()
    lazy = _build(p, flush_between=False)
    assert len(lazy.proto.constraints) == 0 and len(lazy.proto.variables) == 0  # nothing written yet
    n_rows = len(lazy.rows().lower)
    eager = _build(p, flush_between=True)
    assert _exported(lazy, tmp_path / "lazy.pb") == _exported(eager, tmp_path / "eager.pb")
    assert len(lazy.proto.constraints) == n_rows > 0
    assert len(lazy.proto.variables) == lazy.n_variables > len(p.pairs)
    lo, hi = lazy.bounds()
    domains = np.asarray([list(v.domain) for v in lazy.proto.variables], dtype=np.int64)
    assert (domains[:, 0] == lo).all() and (domains[:, 1] == hi).all()
