"""Why not? on a small instance: each kind of answer, and every claim about a rule of the whole
roster (a cap, an overlap) checked against the independent verifier."""

from __future__ import annotations

from typing import Any

import pytest

from offduty.service.usecases import SolveParams, load, solve_verified
from offduty.service.usecases.jobs import RequestProblem
from offduty.service.usecases.views import reason_words
from offduty.service.usecases.why_not import why_not
from offduty.solver import Result
from offduty.solver.verify import verify


def at(clock: str) -> str:
    return f"2026-09-13T{clock}:00-05:00"


RAW: dict[str, Any] = {
    "name": "why-not",
    "members": [
        {"id": "A", "seniority_date": "2000-01-01"},
        {"id": "B", "seniority_date": "2005-01-01"},
        {"id": "S", "seniority_date": "2010-01-01", "rank": "sergeant"},
        {
            "id": "D",
            "seniority_date": "1995-01-01",
            "hour_plan": 8,
            "tours": [{"start": at("08:00"), "end": at("16:00")}],
        },
        {
            "id": "W",
            "seniority_date": "1990-01-01",
            "hour_plan": 10,
            "tours": [{"start": at("00:30"), "end": at("12:30")}],
        },
    ],
    "employers": [{"id": "E1", "name": "Chiefs"}],
    "events": [
        {
            "id": "EV1",
            "employer": "E1",
            "name": "Preseason",
            "shifts": [
                {
                    "id": "S1",
                    "start": at("10:00"),
                    "end": at("14:00"),
                    "positions": [
                        {"id": "P1", "count": 1, "pay_rate": 50.0},
                        {"id": "SGT", "count": 1, "min_rank": "sergeant", "pay_rate": 60.0},
                    ],
                },
                {
                    "id": "S2",
                    "start": at("13:00"),
                    "end": at("18:00"),
                    "positions": [{"id": "P2", "count": 1, "pay_rate": 50.0}],
                },
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def solved() -> tuple[Any, Result]:
    instance = load(RAW)
    result = solve_verified(
        instance, SolveParams(strategy="seniority", time_limit=10, allow_understaffed=True)
    )
    assert result.has_solution
    return instance, result


def holder(result: Result, position: str) -> str:
    [member] = [a.member for a in result.assignments if a.position == position]
    return member


def test_a_member_who_has_the_position(solved: tuple[Any, Result]) -> None:
    instance, result = solved
    member = holder(result, "P1")
    answer = why_not(instance, result, member, "P1")
    assert answer.kind == "assigned" and member in answer.headline


def test_an_eligibility_rule_names_its_code_and_section(solved: tuple[Any, Result]) -> None:
    instance, result = solved
    on_duty = why_not(instance, result, "D", "P1")
    assert (on_duty.kind, on_duty.code, on_duty.section) == ("rule", "E-ON-DUTY", "§III.N.1, §V.B")
    assert "on duty" in on_duty.headline
    rank = why_not(instance, result, "B", "SGT")
    assert (rank.kind, rank.code, rank.section) == ("rule", "E-RANK", "§IV.A.8")


def test_the_work_day_cap_is_the_verifiers_claim(solved: tuple[Any, Result]) -> None:
    instance, result = solved
    answer = why_not(instance, result, "W", "P2")  # 12 h on duty + 5 h detail in one work day
    assert answer.kind == "cap" and answer.code == "C-WORK-DAY-CAP", answer
    assert "16-hour work day" in answer.headline
    found = verify(instance, [*result.pairs(), ("W", "P2")], allow_understaffed=True)
    assert "C-WORK-DAY-CAP" in {v.code for v in found}
    assert any(b.message == v.message for b in answer.broken for v in found)


def test_an_overlap_with_the_members_own_detail(solved: tuple[Any, Result]) -> None:
    instance, result = solved
    member = holder(result, "P1")
    answer = why_not(instance, result, member, "P2") if holder(result, "P2") != member else None
    assert answer is not None and answer.kind == "cap" and answer.code == "C-OVERLAP"
    found = verify(instance, [*result.pairs(), (member, "P2")], allow_understaffed=True)
    assert "C-OVERLAP" in {v.code for v in found}


def test_a_full_position_lists_who_ranks_ahead(solved: tuple[Any, Result]) -> None:
    instance, result = solved
    taker = holder(result, "P1")
    others = [m for m in ("A", "B") if m != taker and holder(result, "P2") != m]
    for member in others:
        answer = why_not(instance, result, member, "P1")
        assert answer.kind == "taken", answer
        assert [h.member for h in answer.holders] == [taker]
        senior = {m["id"]: m["seniority_date"] for m in RAW["members"]}
        assert answer.holders[0].ahead == (senior[taker] < senior[member])


def test_unknown_ids_name_their_field(solved: tuple[Any, Result]) -> None:
    instance, result = solved
    with pytest.raises(RequestProblem) as caught:
        why_not(instance, result, "nobody", "nowhere")
    assert [p.path for p in caught.value.problems] == ["member", "position"]


def test_reasons_in_words() -> None:
    instance = load(RAW)
    text = reason_words({"E-ON-DUTY": 311, "C-WORK-DAY-CAP": 12}, instance)
    assert text == "311 on duty, 12 over the 16-hour work day"
    assert reason_words({}, instance, eligible=2) == "2 eligible but taken elsewhere or at a cap"
