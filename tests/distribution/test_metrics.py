"""The fairness metrics on hand-made rosters."""

from __future__ import annotations

import numpy as np
import pytest

from offduty.constraints.eligibility import compute_eligibility
from offduty.distribution.metrics import gini, solution_metrics
from offduty.models import Instance, InstanceArrays, parse_instance
from tests.distribution.helpers import apply, instance, member, position, run, shift


def metrics_of(inst: Instance, roster: list[tuple[str, str]],
               candidates: str = "all_eligible") -> dict[str, float | int | None]:
    from offduty.models.solution import Candidates

    arrays = InstanceArrays.build(inst)
    eligibility = compute_eligibility(arrays, Candidates(candidates))
    m = np.asarray([arrays.member_index[a] for a, _ in roster], dtype=np.int64)
    p = np.asarray([arrays.position_index[b] for _, b in roster], dtype=np.int64)
    return solution_metrics(arrays, eligibility, m, p)


def test_gini() -> None:
    assert gini(np.asarray([5.0, 5.0, 5.0])) == 0.0
    assert gini(np.asarray([0.0, 0.0, 0.0])) == 0.0
    assert gini(np.asarray([0.0, 0.0, 0.0, 4.0])) == pytest.approx(0.75)


def three() -> Instance:
    # A senior, B middle, C junior; one 4-hour slot (pay 50) and a non-overlapping 2-hour slot
    return instance(
        [member("A", "2000-01-01", hours_ytd=10, last_worked="2026-09-01T12:00:00-05:00"),
         member("B", "2005-01-01", hours_ytd=0),
         member("C", "2010-01-01", hours_ytd=2, last_worked="2026-01-01T12:00:00-05:00"),
         member("X", privileges="revoked", hours_ytd=100)],
        [shift("S1", "10:00", "14:00", [position("S1-P", pay_rate=50)]),
         shift("S2", "15:00", "17:00", [position("S2-P", pay_rate=40)])],
        [apply("C", "S1", "08:00"), apply("B", "S1", "09:00")],
    )


def test_metrics_of_a_junior_roster() -> None:
    out = metrics_of(three(), [("C", "S1-P")])
    assert out["filled"] == 1 and out["required"] == 2
    # A and B are more senior than C, free and eligible
    assert out["seniority_inversions"] == 2
    # C applied first: nobody better for first come
    assert out["fcfs_inversions"] == 0
    # B never worked (best), A worked later than C: one rotation inversion
    assert out["rotation_inversions"] == 1
    # totals A 10, B 0, C 6 (2 + 4): moving S1 to B gives B 4 < 6
    assert out["hours_transfers"] == 1
    assert out["pay_cost"] == 200.0
    # X (revoked) is not eligible for anything: totals over A, B, C = 10, 0, 6
    assert out["hours_max_min"] == 10.0
    assert out["hours_gini"] == pytest.approx(gini(np.asarray([10.0, 0.0, 6.0])), abs=1e-4)
    assert out["changes"] == 0


def test_a_member_busy_elsewhere_is_no_inversion_but_one_free_later_is() -> None:
    inst = instance([member("A", "2000-01-01"), member("J", "2015-01-01")],
                    [shift("S1", "10:00", "14:00"), shift("S2", "12:00", "16:00"),
                     shift("S3", "15:00", "17:00")])
    assert metrics_of(inst, [("A", "S2-P"), ("J", "S1-P")])["seniority_inversions"] == 0
    # A works S3 (15-17), which does not overlap S1 (10-14): A could take S1 too
    assert metrics_of(inst, [("A", "S3-P"), ("J", "S1-P")])["seniority_inversions"] == 1


def test_inversions_respect_the_work_day_cap_and_rest() -> None:
    shifts = [shift("S1", "06:00", "12:00"), shift("S2", "12:30", "18:30")]
    roster = [("A", "S1-P"), ("J", "S2-P")]
    members = [member("A", "2000-01-01"), member("J", "2015-01-01")]
    assert metrics_of(instance(members, shifts), roster)["seniority_inversions"] == 1
    capped = instance(members, shifts, policy={"work_day_cap_hours": 10})
    assert metrics_of(capped, roster)["seniority_inversions"] == 0
    rested = instance(members, shifts, policy={"min_rest_hours": 1})
    assert metrics_of(rested, roster)["seniority_inversions"] == 0


def test_non_applicants_are_never_better_for_first_come() -> None:
    inst = instance([member("A"), member("B")], [shift("S1", "10:00", "14:00")],
                    [apply("B", "S1", "10:00")])
    assert metrics_of(inst, [("B", "S1-P")])["fcfs_inversions"] == 0
    assert metrics_of(inst, [("A", "S1-P")])["fcfs_inversions"] == 1


def test_locked_assignments_are_no_inversions_and_changes_count_the_dropped() -> None:
    raw = three().model_dump(mode="json")
    raw["assignments"] = [{"member": "C", "position": "S1-P", "locked": True},
                          {"member": "B", "position": "S2-P"}]
    inst = parse_instance(raw)
    out = metrics_of(inst, [("C", "S1-P"), ("A", "S2-P")])
    assert out["seniority_inversions"] == 0  # C is locked on S1; A holds S2 already
    assert out["changes"] == 1  # B's S2 was dropped


def test_optimal_solutions_report_zero_for_their_own_strategy() -> None:
    inst = three()
    assert run(inst, "seniority").metrics["seniority_inversions"] == 0
    assert run(inst, "first_come").metrics["fcfs_inversions"] == 0
    assert run(inst, "rotation").metrics["rotation_inversions"] == 0
    assert run(inst, "hours").metrics["hours_transfers"] == 0
