"""The model build's speed in CPU seconds, rule by rule (issue 8's "build >= 500k pairs/s").

    python -m offduty.benchmarks.build_speed [--scenario kc-month] [--repeat 3] [--write-proto]

Per repetition, in one process: `prepare` (arrays, eligibility, strategy), then the CP-SAT model
as `solver.prepare` builds it (`CpSatModel`, every model rule, the tier plan), each step timed
with `time.process_time()` (CPU seconds of this process: on a machine shared with other jobs
they vary far less than wall time); eligible pairs per CPU second of prepare + build, the load
average with each line. `--write-proto` also times writing the variables and rows into the
CP-SAT proto, which the engine does only when the whole model is solved (`CpSatModel.model`;
the month's window search never does). The first repetition pays imports and caches; compare
the later ones.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from offduty.benchmarks.instances import instance_path
from offduty.constraints.registry import MODEL_RULES
from offduty.models import load_instance_file
from offduty.solver.builder import CpSatModel
from offduty.solver.params import SolveParams
from offduty.solver.prepare import prepare
from offduty.solver.tiers import tier_plan


def measure(scenario: str, strategy: str, write_proto: bool, seed: int = 1) -> dict[str, Any]:
    """One repetition: CPU seconds of prepare, of each model rule, of the tier plan."""
    instance = load_instance_file(instance_path(scenario, seed))
    t = time.process_time()
    p = prepare(instance, SolveParams(strategy=strategy))
    prepare_s = time.process_time() - t
    t0 = time.process_time()
    model = CpSatModel(p.arrays, p.pairs, allow_understaffed=p.params.allow_understaffed)
    rules: dict[str, float] = {}
    for rule in MODEL_RULES:
        t = time.process_time()
        rule.add(model)
        rules[rule.code] = round(time.process_time() - t, 3)
    tier_plan(model, p.strategy, p.params)
    build_s = time.process_time() - t0
    out: dict[str, Any] = {
        "scenario": scenario, "strategy": strategy, "pairs": len(p.pairs), "rows": len(model.rows().lower),
        "prepare_cpu_s": round(prepare_s, 3), "build_cpu_s": round(build_s, 3), "rules_cpu_s": rules,
        "pairs_per_cpu_s": round(len(p.pairs) / (prepare_s + build_s)),
    }
    if write_proto:
        t = time.process_time()
        _ = model.model
        proto_s = time.process_time() - t
        out["proto_cpu_s"] = round(proto_s, 3)
        out["pairs_per_cpu_s_with_proto"] = round(len(p.pairs) / (prepare_s + build_s + proto_s))
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offduty.benchmarks.build_speed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="kc-month")
    parser.add_argument("--strategy", default="seniority")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-proto", action="store_true")
    args = parser.parse_args(argv)
    for _ in range(args.repeat):
        print(json.dumps(measure(args.scenario, args.strategy, args.write_proto)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
