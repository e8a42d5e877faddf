"""C-LOCKED: every `assignments[]` entry with `locked: true` is in the solution; a locked
assignment that breaks a rule makes the answer `infeasible`, explained by the rule's code."""


from tests.constraints.conftest import (
    at,
    duel,
    event,
    infeasible,
    instance,
    leave,
    pairs,
    position,
    senior,
    shift,
    solved,
    tour,
)


def _lock(member_id: str, position_id: str = "P1", locked: bool = True):
    """A current-roster entry: `member_id` on `position_id`, locked unless told otherwise."""
    return {"member": member_id, "position": position_id, "locked": locked}


def test_locked_junior_is_kept_though_a_senior_is_free():
    """J is locked on P1; S is free and more senior (the seniority tier would swap them): J stays
    and S is not assigned."""
    res = solved(duel(count=1, assignments=[_lock("J")]))
    assert pairs(res) == {("J", "P1")}
    assert res.assignments[0].locked is True


def test_control_unlocked_junior_is_replaced_by_the_senior():
    """Control: J on P1 in the current roster but not locked: seniority (tier 2) comes before
    keeping the roster (tier 3), so S takes P1 and the change is counted."""
    res = solved(duel(count=1, assignments=[_lock("J", locked=False)]))
    assert pairs(res) == {("S", "P1")}
    assert res.metrics["changes"] == 1


def test_locked_member_on_leave_is_infeasible():
    """J is locked on P1 but on leave during it: infeasible; the explanation names the locked
    pair and E-LEAVE."""
    text = infeasible(duel(count=1, assignments=[_lock("J")],
                           junior_fields={"leaves": [leave("injury", at("08:00"), at("20:00"))]}))
    assert "E-LEAVE" in text
    assert "J" in text and "P1" in text


def test_locked_pair_over_the_work_day_cap_is_infeasible():
    """S is locked on a detail that with S's tour makes 17 h in one work day (10-h plan: the
    tour's day runs PREV 18:00 → DAY 18:00 and holds 9 h of the detail; the pair is pruned on its
    own): infeasible, explained by C-WORK-DAY-CAP."""
    fields = {"hour_plan": 10, "tours": [tour(at("01:00"), at("09:00"))]}
    text = infeasible(duel(fields, count=1, start=at("09:00"), end=at("18:00"),
                           assignments=[_lock("S")]))
    assert "C-WORK-DAY-CAP" in text


def _two_locked(second_start: str, second_end: str, policy=None, **member_fields):
    """S alone (with `member_fields`), locked on P1 (10:00–14:00) and on P2 at
    [second_start, second_end): every slot is filled by the locks themselves."""
    return instance([senior(**member_fields)],
                    [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1")),
                           shift("S2", second_start, second_end, position("P2")))],
                    assignments=[_lock("S", "P1"), _lock("S", "P2")], policy=policy)


#: An 8-h-plan tour 14:00–22:00: its work day runs 06:00 → NEXT 06:00.
AFTERNOON_TOUR = {"hour_plan": 8, "tours": [tour(at("14:00"), at("22:00"))]}


def test_two_locked_overlapping_details_are_infeasible():
    """S is locked on two overlapping details (each fine alone): infeasible, explained by
    C-OVERLAP."""
    assert "C-OVERLAP" in infeasible(_two_locked(at("12:00"), at("16:00")))


def test_two_locked_details_over_the_work_day_cap_are_infeasible():
    """S (8-h tour 14:00–22:00, work day from 06:00) is locked on 10:00–14:00 and 22:00 →
    NEXT 02:30: 4 + 8 + 4.5 = 16.5 h > 16 in one work day, though each detail fits alone."""
    late = _two_locked(at("22:00"), at("02:30", "2026-09-14"), **AFTERNOON_TOUR)
    assert "C-WORK-DAY-CAP" in infeasible(late)


def test_two_locked_details_too_close_for_the_rest_are_infeasible():
    """S is locked on 10:00–14:00 and 16:00–18:00 with an 8-h minimum rest: infeasible, C-REST."""
    assert "C-REST" in infeasible(_two_locked(at("16:00"), at("18:00"), policy={"min_rest_hours": 8}))


def test_two_locked_details_over_the_weekly_cap_are_infeasible():
    """S is locked on 10:00–14:00 and 16:00–20:00 with a 6-h weekly cap: 8 h, C-WEEKLY-CAP."""
    text = infeasible(_two_locked(at("16:00"), at("20:00"),
                                  policy={"max_secondary_hours_per_week": 6}))
    assert "C-WEEKLY-CAP" in text


def test_control_locked_assignments_that_fit_together():
    """Control: S locked on two touching details keeps both."""
    raw = instance([senior()],
                   [event("EV1", shift("S1", at("10:00"), at("14:00"), position("P1")),
                          shift("S2", at("14:00"), at("16:00"), position("P2")))],
                   assignments=[_lock("S", "P1"), _lock("S", "P2")])
    assert pairs(solved(raw)) == {("S", "P1"), ("S", "P2")}
