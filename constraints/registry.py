"""The ordered rule catalogue: eligibility rules in the order that names an exclusion's reason,
then the model constraints. Codes are stable (DESIGN.md); E-CANCELLED is this project's extension.
"""

from __future__ import annotations

from constraints.base import Rule
from constraints.c_locked import Locked
from constraints.c_overlap import Overlap
from constraints.c_position_count import PositionCount
from constraints.c_rest import Rest
from constraints.c_staffing_ratio import StaffingRatio
from constraints.c_tavern_min import TavernMinimum
from constraints.c_weekly_cap import WeeklyCap
from constraints.c_work_day_cap import WorkDayCap
from constraints.e_applicant import Applicant
from constraints.e_break_in import BreakIn
from constraints.e_cancelled import Cancelled
from constraints.e_cert import Certification
from constraints.e_city_limits import CityLimits
from constraints.e_closeout import Closeout
from constraints.e_conflict import Conflict
from constraints.e_employer import EmployerRule
from constraints.e_entrant import Entrant
from constraints.e_leave import LeaveRule
from constraints.e_non_sworn_le import NonSwornLawEnforcement
from constraints.e_on_duty import OnDuty
from constraints.e_privileges import PrivilegesRule
from constraints.e_probation import Probation
from constraints.e_rank import RankRule
from constraints.e_reserve_hours import ReserveHours
from constraints.e_sick_24h import Sick24h
from constraints.e_tavern_approval import TavernApproval

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
