"""Pydantic v2 models of the instance format of DESIGN.md.

Every model forbids unknown fields and requires times with a UTC offset. Checks that need more
than one field or one object (time order, unique ids, references, pay floor) live in
`models.validation`, so that *all* problems of a file are reported at once with their paths.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from offduty.models import limits as L

Id = Annotated[str, Field(min_length=1)]
Count = Annotated[int, Field(ge=0, le=L.MAX_COUNT)]
DayHours = Annotated[float, Field(ge=0, le=L.MAX_DAY_HOURS)]
PayRate = Annotated[float, Field(ge=0, le=L.MAX_PAY_RATE)]
Weight = Annotated[float, Field(ge=0, le=L.MAX_WEIGHT)]


class _Strict(BaseModel):
    # Files are validated in pydantic's strict JSON mode (`models.validation`): no string → number,
    # number → bool or string → bool coercion. Non-finite numbers are refused everywhere.
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False, allow_inf_nan=False)


class MemberKind(StrEnum):
    SWORN = "sworn"
    RESERVE = "reserve"
    NON_SWORN = "non_sworn"


class Rank(StrEnum):
    """Ranks in ascending order (§IV.A.8); `civilian` ranks as `officer` for E-RANK."""

    CIVILIAN = "civilian"
    OFFICER = "officer"
    SERGEANT = "sergeant"
    CAPTAIN = "captain"
    MAJOR = "major"
    DEPUTY_CHIEF = "deputy_chief"


RANK_LEVEL: dict[Rank, int] = {
    Rank.CIVILIAN: 0,
    Rank.OFFICER: 0,
    Rank.SERGEANT: 1,
    Rank.CAPTAIN: 2,
    Rank.MAJOR: 3,
    Rank.DEPUTY_CHIEF: 4,
}


class MemberStatus(StrEnum):
    ACTIVE = "active"
    PROBATIONARY = "probationary"
    LATERAL_BREAK_IN = "lateral_break_in"
    ENTRANT = "entrant"


class Privileges(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class LeaveKind(StrEnum):
    FMLA_SELF = "fmla_self"
    FMLA_FAMILY = "fmla_family"
    FUNERAL = "funeral"
    INJURY = "injury"
    SICK = "sick"
    MILITARY = "military"
    UNPAID = "unpaid"
    LIMITED_DUTY = "limited_duty"
    LEAVE_POOL = "leave_pool"
    SUSPENSION = "suspension"


class Restriction(StrEnum):
    LABOR_DISPUTE = "labor_dispute"
    FELONY_OWNER = "felony_owner"
    UNLAWFUL = "unlawful"
    GAMBLING = "gambling"
    NUDITY = "nudity"
    MARIJUANA = "marijuana"
    PRIVATE_SECURITY = "private_security"


class Venue(StrEnum):
    RESERVED_NO_ALCOHOL = "reserved_no_alcohol"
    SPORTING_ALCOHOL = "sporting_alcohol"
    RESERVED_FAMILY_ALCOHOL = "reserved_family_alcohol"
    RESERVED_ADULT_ALCOHOL = "reserved_adult_alcohol"
    OPEN_AIR_ALCOHOL = "open_air_alcohol"
    NIGHTCLUB = "nightclub"
    NONE = "none"


#: Tour length of the member's element in hours; selects the work-day lead time (§II.H).
HourPlan = Literal[8, 10, 11]
#: `work_day_lead_hours` is keyed by the hour plan written as a string, as JSON keys are.
HourPlanKey = Literal["8", "10", "11"]


class StaffingRatio(_Strict):
    attendees_per_officer: Annotated[int, Field(gt=0, le=L.MAX_ATTENDANCE)]
    core: Count


#: §IV.A.13: attendees per officer at the upper end of each range, core staffing by venue.
DEFAULT_STAFFING_RATIOS: dict[Venue, StaffingRatio] = {
    Venue.RESERVED_NO_ALCOHOL: StaffingRatio(attendees_per_officer=3000, core=1),
    Venue.SPORTING_ALCOHOL: StaffingRatio(attendees_per_officer=1500, core=3),
    Venue.RESERVED_FAMILY_ALCOHOL: StaffingRatio(attendees_per_officer=1500, core=2),
    Venue.RESERVED_ADULT_ALCOHOL: StaffingRatio(attendees_per_officer=1250, core=3),
    Venue.OPEN_AIR_ALCOHOL: StaffingRatio(attendees_per_officer=750, core=3),
    Venue.NIGHTCLUB: StaffingRatio(attendees_per_officer=500, core=3),
}

DEFAULT_LEAD_HOURS: dict[HourPlanKey, float] = {"8": 8, "10": 7, "11": 6}


class BalancedWeights(_Strict):
    """Weights of the `balanced` strategy's blend (see `distribution.balanced`)."""

    seniority: Weight = 1.0
    first_come: Weight = 1.0
    hours: Weight = 1.0
    rotation: Weight = 1.0


class InvoiceFees(_Strict):
    """What an agency adds to an employer's invoice on top of the officers' pay (hours × rate).

    The five-pillars text (pillar 4) expects invoices to account for such fees; every field
    defaults to 0, so an instance without them bills pay alone.
    """

    #: Administrative fee per officer hour billed.
    per_hour: PayRate = 0
    #: Administrative fee as a percentage of the officers' pay (5 means 5 %).
    percent_of_pay: Annotated[float, Field(ge=0, le=L.MAX_FEE_PERCENT)] = 0
    #: Flat fee per event on the invoice (coordination).
    per_event: Annotated[float, Field(ge=0, le=L.MAX_FEE)] = 0
    #: Fee per assignment (one officer on one detail), e.g. equipment or a marked vehicle.
    per_assignment: Annotated[float, Field(ge=0, le=L.MAX_FEE)] = 0


#: Extension (§IV.D.3.b): the self-cancellation reasons of the SEP's drop-down list.
DEFAULT_CANCELLATION_REASONS: tuple[str, ...] = (
    "illness", "family emergency", "court", "on-duty assignment", "personal", "other",
)

ReasonCode = Annotated[str, Field(min_length=1, max_length=64)]
#: A notice period in days (at most a year).
NoticeDays = Annotated[float, Field(ge=0, le=365)]


class Policy(_Strict):
    work_day_cap_hours: Annotated[float, Field(gt=0, le=L.MAX_DAY_HOURS)] = 16
    work_day_lead_hours: dict[HourPlanKey, DayHours] = Field(
        default_factory=lambda: dict(DEFAULT_LEAD_HOURS)
    )
    max_secondary_hours_per_week: Annotated[float, Field(gt=0, le=L.MAX_WEEK_HOURS)] | None = None
    min_rest_hours: Annotated[float, Field(ge=0, le=L.MAX_REST_HOURS)] = 0
    tavern_min_officers: Count = 3
    minimum_pay_rate: PayRate = 38.0
    staffing_ratios: dict[Venue, StaffingRatio] = Field(default_factory=dict)
    #: Extension: the agency's time zone, for calendar days and ISO weeks (local midnight).
    timezone: str = "America/Chicago"
    #: Extension: weights of the `balanced` strategy.
    balanced_weights: BalancedWeights = Field(default_factory=BalancedWeights)
    #: Extension: fees added to employer invoices (`service.io.invoices`).
    invoice_fees: InvoiceFees = Field(default_factory=InvoiceFees)
    #: Extension (§IV.D.1, §IV.D.3.a-b): a self-cancellation this many days or fewer before the
    #: detail needs a reason code and stays `cancel_pending` until the coordinator decides;
    #: earlier, it is immediate.
    cancellation_notice_days: NoticeDays = 14
    #: Extension (§IV.D.3.b): the reason codes a self-cancellation may give.
    cancellation_reasons: list[ReasonCode] = Field(
        default_factory=lambda: list(DEFAULT_CANCELLATION_REASONS), min_length=1)

    def lead_hours(self, plan: HourPlan) -> float:
        key: HourPlanKey = str(plan)  # type: ignore[assignment]
        return self.work_day_lead_hours.get(key, DEFAULT_LEAD_HOURS[key])

    def staffing_ratio(self, venue: Venue) -> StaffingRatio | None:
        """The ratio for a venue: the instance's override, else the §IV.A.13 default."""
        if venue == Venue.NONE:
            return None
        return self.staffing_ratios.get(venue, DEFAULT_STAFFING_RATIOS.get(venue))


class Tour(_Strict):
    start: AwareDatetime
    end: AwareDatetime
    exception_hours: DayHours = 0


class Leave(_Strict):
    kind: LeaveKind
    start: AwareDatetime
    end: AwareDatetime
    medical_appointment: bool = False


class Member(_Strict):
    id: Id
    name: str = ""
    kind: MemberKind = MemberKind.SWORN
    rank: Rank = Rank.OFFICER
    status: MemberStatus = MemberStatus.ACTIVE
    privileges: Privileges = Privileges.ACTIVE
    seniority_date: dt.date
    certifications: list[str] = Field(default_factory=list)
    hour_plan: HourPlan | None = None
    tours: list[Tour] = Field(default_factory=list)
    leaves: list[Leave] = Field(default_factory=list)
    hours_ytd: Annotated[float, Field(ge=0, le=L.MAX_HOURS_YTD)] = 0
    last_worked: AwareDatetime | None = None
    open_closeouts: Annotated[int, Field(ge=0, le=L.MAX_CLOSEOUTS)] = 0
    private_officer_license: bool = False
    reserve_hours_met: bool = True
    cap_exception: bool = False
    conflicts: list[Id] = Field(default_factory=list)
    #: Extension: the member's immediate supervisor (a member id), designated in the SEP
    #: (§III.J); supervisors verify their members' secondary employment monthly (§III.K).
    supervisor: Id | None = None


class Employer(_Strict):
    id: Id
    name: str = ""
    approved: bool = True
    tavern: bool = False
    restricted: list[Restriction] = Field(default_factory=list)


class Window(_Strict):
    start: AwareDatetime
    end: AwareDatetime


class Position(_Strict):
    id: Id
    count: Count
    min_rank: Rank = Rank.OFFICER
    certifications: list[str] = Field(default_factory=list)
    #: Defaults to the policy's minimum rate.
    pay_rate: PayRate | None = None
    #: Weight of filling one slot of this position in the coverage tier.
    priority: Annotated[int, Field(ge=1, le=L.MAX_PRIORITY)] = 1


class Shift(_Strict):
    id: Id
    start: AwareDatetime
    end: AwareDatetime
    positions: list[Position] = Field(default_factory=list)


class Event(_Strict):
    id: Id
    employer: Id
    name: str = ""
    venue: Venue = Venue.NONE
    attendance: Annotated[int, Field(ge=0, le=L.MAX_ATTENDANCE)] | None = None
    window: Window | None = None
    law_enforcement: bool = True
    in_city_limits: bool = True
    pool: bool = True
    commander_approved: bool = False
    understaffing_approved: bool = False
    shifts: list[Shift] = Field(default_factory=list)

    def effective_window(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The event's window, by default from the earliest shift start to the latest end."""
        if self.window is not None:
            return self.window.start, self.window.end
        if not self.shifts:
            return None
        return min(s.start for s in self.shifts), max(s.end for s in self.shifts)


class Application(_Strict):
    member: Id
    shift: Id
    at: AwareDatetime


class Assignment(_Strict):
    member: Id
    position: Id
    locked: bool = False


class Cancellation(_Strict):
    member: Id
    position: Id
    at: AwareDatetime | None = None
    reason: str = ""
    comment: str = ""


class Instance(_Strict):
    name: str = ""
    policy: Policy = Field(default_factory=Policy)
    #: Required, at least one: an instance without members or events has nothing to solve.
    members: Annotated[list[Member], Field(min_length=1)]
    employers: list[Employer] = Field(default_factory=list)
    events: Annotated[list[Event], Field(min_length=1)]
    applications: list[Application] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    cancellations: list[Cancellation] = Field(default_factory=list)
