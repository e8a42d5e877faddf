"""The ordered rule catalogue: eligibility rules in the order that names an exclusion's reason,
then the model constraints. Codes are stable (DESIGN.md); E-CANCELLED is this project's extension.
"""

from __future__ import annotations

from offduty.constraints.base import Rule
from offduty.constraints.c_locked import Locked
from offduty.constraints.c_overlap import Overlap
from offduty.constraints.c_position_count import PositionCount
from offduty.constraints.c_rest import Rest
from offduty.constraints.c_staffing_ratio import StaffingRatio
from offduty.constraints.c_tavern_min import TavernMinimum
from offduty.constraints.c_weekly_cap import WeeklyCap
from offduty.constraints.c_work_day_cap import WorkDayCap
from offduty.constraints.e_applicant import Applicant
from offduty.constraints.e_break_in import BreakIn
from offduty.constraints.e_cancelled import Cancelled
from offduty.constraints.e_cert import Certification
from offduty.constraints.e_city_limits import CityLimits
from offduty.constraints.e_closeout import Closeout
from offduty.constraints.e_conflict import Conflict
from offduty.constraints.e_employer import EmployerRule
from offduty.constraints.e_entrant import Entrant
from offduty.constraints.e_leave import LeaveRule
from offduty.constraints.e_non_sworn_le import NonSwornLawEnforcement
from offduty.constraints.e_on_duty import OnDuty
from offduty.constraints.e_privileges import PrivilegesRule
from offduty.constraints.e_probation import Probation
from offduty.constraints.e_rank import RankRule
from offduty.constraints.e_reserve_hours import ReserveHours
from offduty.constraints.e_sick_24h import Sick24h
from offduty.constraints.e_tavern_approval import TavernApproval

ELIGIBILITY_RULES: tuple[Rule, ...] = (
    Entrant(),
    Probation(),
    BreakIn(),
    PrivilegesRule(),
    ReserveHours(),
    NonSwornLawEnforcement(),
    Closeout(),
    EmployerRule(),
    CityLimits(),
    Conflict(),
    TavernApproval(),
    RankRule(),
    Certification(),
    LeaveRule(),
    Sick24h(),
    OnDuty(),
    Applicant(),
    Cancelled(),
)

MODEL_RULES: tuple[Rule, ...] = (
    PositionCount(),
    Overlap(),
    WorkDayCap(),
    WeeklyCap(),
    Rest(),
    TavernMinimum(),
    StaffingRatio(),
    Locked(),
)

RULES: tuple[Rule, ...] = ELIGIBILITY_RULES + MODEL_RULES

#: Reason codes by index in a reason matrix: 0 is "eligible".
REASON_CODES: tuple[str, ...] = ("", *(r.code for r in RULES))


def rule(code: str) -> Rule:
    for r in RULES:
        if r.code == code:
            return r
    raise KeyError(code)
