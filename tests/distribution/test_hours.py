"""The piecewise-linear hours penalty: reachable amounts, segments, exactness."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from offduty.constraints.eligibility import compute_eligibility
from offduty.distribution.hours import reachable_amounts, segments, ytd_minutes
from offduty.models import InstanceArrays
from tests.distribution.helpers import instance, member, shift


def ints(*values: int) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def test_reachable_amounts_are_subset_sums_capped_by_the_union() -> None:
    # 10-14 (240), 15-19 (240), 12-16 (240): union 10-19 = 540 minutes
    out = reachable_amounts(ints(240, 240, 240), ints(600, 900, 720), ints(840, 1140, 960))
    assert out.tolist() == [0, 240, 480]


def test_reachable_amounts_of_different_lengths() -> None:
    out = reachable_amounts(ints(60, 90, 120), ints(0, 100, 300), ints(60, 190, 420))
    assert out.tolist() == [0, 60, 90, 120, 150, 180, 210, 270]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 600), st.sampled_from([30, 60, 90, 240, 480])), max_size=8))
def test_reachable_amounts_equal_brute_force_subset_sums(shifts: list[tuple[int, int]]) -> None:
    """Shifts as (start, length): every subset's total, capped at the union of the shifts,
    whatever repeats of one length (added in doubling chunks) and overlaps there are."""
    start = np.asarray([s for s, _ in shifts], dtype=np.int64)
    length = np.asarray([d for _, d in shifts], dtype=np.int64)
    covered = np.zeros(1200, dtype=np.bool_)
    for s, d in shifts:
        covered[s:s + d] = True
    union = int(covered.sum())
    totals = {sum(c) for k in range(len(shifts) + 1) for c in itertools.combinations(length.tolist(), k)}
    expected = sorted(t for t in totals if t <= union)
    assert reachable_amounts(length, start, start + length).tolist() == expected


def test_segments_slopes_are_secants_of_the_square() -> None:
    inst = instance([member("X", hours_ytd=1)],
                    [shift("S1", "10:00", "14:00"), shift("S2", "15:00", "17:00")])
    arrays = InstanceArrays.build(inst)
    seg = segments(arrays, compute_eligibility(arrays).pairs)
    assert seg.exact
    assert seg.lo.tolist() == [0, 120, 240]
    assert seg.length.tolist() == [120, 120, 120]
    y = int(ytd_minutes(arrays)[0])
    for lo, length, slope in zip(seg.lo, seg.length, seg.slope, strict=True):
        hi = lo + length
        assert slope * length == (y + hi) ** 2 - (y + lo) ** 2
    assert np.all(np.diff(seg.slope) > 0)


def test_many_breakpoints_are_thinned_and_flagged() -> None:
    shifts = [shift(f"S{i}", f"{8 + i:02d}:00", f"{8 + i:02d}:30") for i in range(8)]
    inst = instance([member("X")], shifts)
    arrays = InstanceArrays.build(inst)
    pairs = compute_eligibility(arrays).pairs
    assert segments(arrays, pairs).exact
    thin = segments(arrays, pairs, max_breakpoints=4)
    assert not thin.exact
    assert len(thin.length) == 3
    assert thin.length.sum() == 8 * 30


def test_members_without_pairs_get_no_segments() -> None:
    inst = instance([member("X"), member("Y", privileges="revoked")], [shift("S1", "10:00", "14:00")])
    arrays = InstanceArrays.build(inst)
    seg = segments(arrays, compute_eligibility(arrays).pairs)
    assert seg.members.tolist() == [0]
    assert set(seg.member.tolist()) == {0}


def test_leximax_alternative_proves_small_instances_and_keeps_the_transfer_property() -> None:
    from offduty.benchmarks.experiments.hours_leximax import measure
    from offduty.solver.properties import transfer_violations

    inst = instance([member("X", hours_ytd=0), member("Y", hours_ytd=3), member("Z", hours_ytd=3.5)],
                    [shift("S1", "10:00", "14:00"), shift("S2", "15:00", "19:00"),
                     shift("S3", "12:00", "13:00")])
    m = measure(inst, leximax_limit=10)
    assert m.leximax.proven
    assert m.leximax.placed == m.leximax.members == 3
    assert transfer_violations(inst, m.leximax_pairs) == []
    assert transfer_violations(inst, m.pwl_pairs) == []

    def totals(pairs: list[tuple[str, str]]) -> list[float]:
        hours = {"X": 0.0, "Y": 3.0, "Z": 3.5}
        length = {"S1-P": 4.0, "S2-P": 4.0, "S3-P": 1.0}
        for who, where in pairs:
            hours[who] += length[where]
        return sorted(hours.values(), reverse=True)

    # leximax: the sorted totals (largest first) are lexicographically smallest
    assert totals(m.leximax_pairs) == [7.0, 4.5, 4.0]
