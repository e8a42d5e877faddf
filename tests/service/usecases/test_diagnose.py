"""`diagnose` (offduty validate) predicts the solve: errors where it would answer infeasible,
warnings where it would leave slots unfilled, nothing for a clean instance; and the solve agrees."""

from __future__ import annotations

from typing import Any

from offduty.models.validation import parse_instance
from offduty.service.usecases import Severity, SolveParams, diagnose, solve_verified

DAY = "2026-09-13"


def at(clock: str) -> str:
    return f"{DAY}T{clock}:00-05:00"


def base(**extra: Any) -> dict[str, Any]:
    """Three free members; a nightclub (core 3, floor 3) and a 2-slot street detail at the same time."""
    doc: dict[str, Any] = {
        "members": [{"id": m, "seniority_date": f"200{i}-01-01"} for i, m in enumerate("ABC")],
        "employers": [{"id": "CLUB", "tavern": False}, {"id": "CITY"}],
        "events": [
            {"id": "NIGHT", "employer": "CLUB", "venue": "nightclub", "attendance": 0,
             "commander_approved": True,
             "shifts": [{"id": "N1", "start": at("20:00"), "end": at("23:00"),
                         "positions": [{"id": "DOOR", "count": 3, "pay_rate": 50}]}]},
            {"id": "STREET", "employer": "CITY",
             "shifts": [{"id": "T1", "start": at("21:00"), "end": at("22:00"),
                         "positions": [{"id": "POST", "count": 2, "pay_rate": 50}]}]},
        ],
    }
    doc.update(extra)
    return doc


def codes(diagnosis: Any, severity: Severity) -> list[tuple[str, str]]:
    return [(f.code, f.subject) for f in diagnosis.findings if f.severity is severity]


def test_a_clean_instance_has_no_findings() -> None:
    d = diagnose(parse_instance(base(events=base()["events"][:1])))
    assert d.findings == []


def test_a_floor_that_counting_passes_but_locks_break_is_an_error() -> None:
    """C is locked on the overlapping street detail: three eligible members, two available."""
    instance = parse_instance(base(assignments=[{"member": "C", "position": "POST", "locked": True}]))
    d = diagnose(instance)
    assert codes(d, Severity.ERROR) == [("C-STAFFING-RATIO", "NIGHT")]
    assert "needs at least 3 members" in d.errors[0].message and "at most 2" in d.errors[0].message
    assert solve_verified(instance, SolveParams()).status.value == "infeasible"  # as predicted
    allowed = diagnose(instance, allow_understaffed=True)
    assert codes(allowed, Severity.ERROR) == []
    assert ("C-STAFFING-RATIO", "NIGHT") in codes(allowed, Severity.WARNING)


def test_a_floor_above_the_eligible_members_is_an_error() -> None:
    doc = base()
    doc["members"] = doc["members"][:2]
    d = diagnose(parse_instance(doc))
    assert codes(d, Severity.ERROR) == [("C-STAFFING-RATIO", "NIGHT")]
    assert "only 2 eligible members" in d.errors[0].message


def test_locked_assignments_that_break_a_rule_are_errors() -> None:
    excluded = base(assignments=[{"member": "A", "position": "DOOR", "locked": True}])
    excluded["events"][0]["shifts"][0]["positions"][0]["certifications"] = ["k9"]
    d = diagnose(parse_instance(excluded))
    assert codes(d, Severity.ERROR) == [("C-LOCKED", "assignments")]
    assert "breaks E-CERT" in d.errors[0].message
    clash = base(assignments=[{"member": "A", "position": "DOOR", "locked": True},
                              {"member": "A", "position": "POST", "locked": True}])
    d = diagnose(parse_instance(clash))
    assert [f.code for f in d.errors] and all(f.code == "C-LOCKED" for f in d.errors)
    assert any("C-OVERLAP" in f.message for f in d.errors)


def test_slots_nobody_can_fill_are_warnings() -> None:
    doc = base(events=base()["events"][1:])
    doc["events"][0]["shifts"][0]["positions"][0]["count"] = 5
    doc["events"].append({"id": "K9", "employer": "CITY", "shifts": [
        {"id": "K1", "start": at("08:00"), "end": at("10:00"),
         "positions": [{"id": "DOG", "count": 1, "certifications": ["k9"]}]}]})
    d = diagnose(parse_instance(doc))
    assert d.errors == []
    assert codes(d, Severity.WARNING) == [("NO-ELIGIBLE", "K9"), ("SHORT-ELIGIBLE", "POST")]
    assert "E-CERT 3" in d.warnings[0].message
    assert "5 slots but only 3 eligible member(s): 2 will stay unfilled" in d.warnings[1].message
