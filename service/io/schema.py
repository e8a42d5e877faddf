"""The column schema of every file the CSV/XLSX importer reads and the exporter writes.

One table per list of the instance format (DESIGN.md): members, tours, leaves, employers, events,
shifts, positions, applications, and the optional current roster (assignments) and cancellations.
Nested lists become their own files with a column naming the parent (`tours.member`,
`shifts.event`, `positions.shift`). `docs/csv-format.md` shows `schema_markdown()` verbatim (a
test checks that it does).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: Separator of the items of a list inside one cell (certifications, conflicts, restricted).
LIST_SEPARATOR = ";"


class Kind(Enum):
    """How a cell is read. The value is the name the documentation uses."""

    ID = "id"
    TEXT = "text"
    CHOICE = "choice"
    INT = "whole number"
    FLOAT = "number"
    BOOL = "true/false"
    DATE = "date"
    TIME = "time"
    LIST = "list"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    #: What an empty cell (or a missing optional column) means.
    default: str = ""
    doc: str = ""
    #: The field of the instance object, when it is not the column's name (dots nest).
    field: str | None = None

    @property
    def path(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class Table:
    key: str
    columns: tuple[Column, ...]
    doc: str
    example: tuple[tuple[str, ...], ...]
    #: The column naming the parent object, for nested lists (tours, leaves, shifts, positions).
    parent: str | None = None
    optional: bool = False

    @property
    def filename(self) -> str:
        return f"{self.key}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column_of_field(self, field: str) -> str | None:
        """The column holding an instance field (`window.start` -> `window_start`)."""
        for c in self.columns:
            if c.path == field:
                return c.name
        return None


def _col(name: str, kind: Kind, doc: str, default: str = "", *, required: bool = False,
         field: str | None = None) -> Column:
    return Column(name, kind, required, default, doc, field)


R = True
RANKS = "officer, sergeant, captain, major, deputy_chief, civilian"

MEMBERS = Table("members", (
    _col("id", Kind.ID, "member id (the serial number), unique", required=R),
    _col("name", Kind.TEXT, "display name", "empty"),
    _col("kind", Kind.CHOICE, "sworn, reserve, non_sworn", "sworn"),
    _col("rank", Kind.CHOICE, RANKS, "officer"),
    _col("status", Kind.CHOICE, "active, probationary, lateral_break_in, entrant", "active"),
    _col("privileges", Kind.CHOICE, "active, suspended, revoked (§III.S)", "active"),
    _col("seniority_date", Kind.DATE, "date of seniority; earlier is more senior", required=R),
    _col("certifications", Kind.LIST, "certifications held, e.g. `traffic;k9`", "none"),
    _col("hour_plan", Kind.INT, "tour length 8, 10 or 11 (§II.H); required when the member has tours",
         "none"),
    _col("hours_ytd", Kind.FLOAT, "secondary hours worked this year", "0"),
    _col("last_worked", Kind.TIME, "end of the member's last detail", "never"),
    _col("open_closeouts", Kind.INT, "assignments not yet closed out (§III.H)", "0"),
    _col("private_officer_license", Kind.BOOL, "non-sworn member with a private officer license", "false"),
    _col("reserve_hours_met", Kind.BOOL, "reserve member met the required hours (§IV.B.2)", "true"),
    _col("cap_exception", Kind.BOOL, "exempt from the 16-hour work-day cap", "false"),
    _col("conflicts", Kind.LIST, "employer ids the member may not work for (§III.N.3)", "none"),
    _col("supervisor", Kind.ID, "member id of the immediate supervisor (§III.J)", "none"),
), "One row per member.", (
    ("M1042", "P.O. Dana Reyes", "sworn", "officer", "active", "active", "2012-03-04", "traffic", "10",
     "212.5", "2026-09-06T20:00:00-05:00", "0", "false", "true", "false", "E2", "M2001"),
    ("M2001", "Sgt. Lee Park", "sworn", "sergeant", "active", "active", "2004-06-01", "", "10", "0", "", "0",
     "false", "true", "false", "", ""),
))

TOURS = Table("tours", (
    _col("member", Kind.ID, "member id", required=R),
    _col("start", Kind.TIME, "tour start", required=R),
    _col("end", Kind.TIME, "tour end", required=R),
    _col("exception_hours", Kind.FLOAT, "on-duty hours taken off the work-day count (§IV.A.12)", "0"),
), "On-duty tours, one row per tour.", (
    ("M1042", "2026-09-14 06:00", "2026-09-14 16:00", "0"),
    ("M1042", "2026-09-15T06:00:00-05:00", "2026-09-15T16:00:00-05:00", "1.5"),
), parent="member")

LEAVES = Table("leaves", (
    _col("member", Kind.ID, "member id", required=R),
    _col("kind", Kind.CHOICE, "fmla_self, fmla_family, funeral, injury, sick, military, unpaid, "
                              "limited_duty, leave_pool, suspension", required=R),
    _col("start", Kind.TIME, "leave start", required=R),
    _col("end", Kind.TIME, "leave end", required=R),
    _col("medical_appointment", Kind.BOOL, "a sick leave for a medical appointment (§V.A.4.b)", "false"),
), "Leaves, one row per leave.", (
    ("M1042", "sick", "2026-09-12 06:00", "2026-09-12 16:00", "false"),
), parent="member")

EMPLOYERS = Table("employers", (
    _col("id", Kind.ID, "employer id, unique", required=R),
    _col("name", Kind.TEXT, "display name", "empty"),
    _col("approved", Kind.BOOL, "approved by the Secondary Employment Section", "true"),
    _col("tavern", Kind.BOOL, "a tavern or nightclub (§IV.A.18)", "false"),
    _col("restricted", Kind.LIST, "labor_dispute, felony_owner, unlawful, gambling, nudity, marijuana, "
                                  "private_security (§III.N-P)", "none"),
), "One row per employer.", (
    ("E1", "Kansas City Chiefs", "true", "false", ""),
    ("E2", "Westport Tavern", "true", "true", ""),
))

EVENTS = Table("events", (
    _col("id", Kind.ID, "event id, unique", required=R),
    _col("employer", Kind.ID, "employer id", required=R),
    _col("name", Kind.TEXT, "display name", "empty"),
    _col("venue", Kind.CHOICE, "reserved_no_alcohol, sporting_alcohol, reserved_family_alcohol, "
                               "reserved_adult_alcohol, open_air_alcohol, nightclub, none", "none"),
    _col("attendance", Kind.INT, "expected attendance (staffing floor, §IV.A.13)", "none"),
    _col("window_start", Kind.TIME, "start of the staffed window (with window_end)",
         "earliest shift start", field="window.start"),
    _col("window_end", Kind.TIME, "end of the staffed window (with window_start)", "latest shift end",
         field="window.end"),
    _col("law_enforcement", Kind.BOOL, "a law-enforcement detail", "true"),
    _col("in_city_limits", Kind.BOOL, "inside the city limits (§IV.A.11)", "true"),
    _col("pool", Kind.BOOL, "a pool detail (§III.E)", "true"),
    _col("commander_approved", Kind.BOOL, "tavern/nightclub detail approved (§IV.A.2)", "false"),
    _col("understaffing_approved", Kind.BOOL, "fewer officers than the tavern minimum approved", "false"),
), "One row per event.", (
    ("EV1", "E1", "Chiefs vs Raiders", "sporting_alcohol", "73000", "2026-09-13 10:00", "2026-09-13 17:00",
     "true", "true", "true", "false", "false"),
))

SHIFTS = Table("shifts", (
    _col("id", Kind.ID, "shift id, unique over all events", required=R),
    _col("event", Kind.ID, "event id", required=R),
    _col("start", Kind.TIME, "shift start", required=R),
    _col("end", Kind.TIME, "shift end", required=R),
), "One row per shift.", (
    ("EV1-S1", "EV1", "2026-09-13 08:00", "2026-09-13 16:00"),
), parent="event")

POSITIONS = Table("positions", (
    _col("id", Kind.ID, "position id, unique over all shifts", required=R),
    _col("shift", Kind.ID, "shift id", required=R),
    _col("count", Kind.INT, "members wanted", required=R),
    _col("min_rank", Kind.CHOICE, RANKS, "officer"),
    _col("certifications", Kind.LIST, "certifications required", "none"),
    _col("pay_rate", Kind.FLOAT, "hourly pay, at least the policy's minimum rate (§III.D)",
         "the minimum rate"),
    _col("priority", Kind.INT, "weight of one filled slot in the coverage tier (1 or more)", "1"),
), "One row per position of a shift.", (
    ("EV1-S1-gate", "EV1-S1", "40", "officer", "", "55.0", "1"),
    ("EV1-S1-traffic", "EV1-S1", "12", "officer", "traffic", "62.0", "2"),
), parent="shift")

APPLICATIONS = Table("applications", (
    _col("member", Kind.ID, "member id", required=R),
    _col("shift", Kind.ID, "shift id", required=R),
    _col("at", Kind.TIME, "when the member applied", required=R),
), "Sign-ups, one row per member and shift.", (
    ("M1042", "EV1-S1", "2026-09-01 08:00:03"),
))

ASSIGNMENTS = Table("assignments", (
    _col("member", Kind.ID, "member id", required=R),
    _col("position", Kind.ID, "position id", required=R),
    _col("locked", Kind.BOOL, "the solver must keep it", "false"),
), "Optional: the current roster (a published schedule before a re-solve).", (
    ("M1042", "EV1-S1-gate", "true"),
), optional=True)

CANCELLATIONS = Table("cancellations", (
    _col("member", Kind.ID, "member id", required=R),
    _col("position", Kind.ID, "position id", required=R),
    _col("at", Kind.TIME, "when the member cancelled", "unknown"),
    _col("reason", Kind.TEXT, "reason", "empty"),
    _col("comment", Kind.TEXT, "comment", "empty"),
), "Optional: cancellations to refill (§IV.D).", (
    ("M2001", "EV1-S1-gate", "2026-09-11 09:00", "illness", "unable to work"),
), optional=True)

TABLES: dict[str, Table] = {t.key: t for t in (MEMBERS, TOURS, LEAVES, EMPLOYERS, EVENTS, SHIFTS, POSITIONS,
                                              APPLICATIONS, ASSIGNMENTS, CANCELLATIONS)}
#: The eight files every import needs.
REQUIRED_TABLES = tuple(k for k, t in TABLES.items() if not t.optional)


def schema_markdown() -> str:
    """The column tables of docs/csv-format.md."""
    parts = []
    for table in TABLES.values():
        parts.append(f"### {table.filename}\n\n{table.doc}"
                     + (f" Rows are grouped under their `{table.parent}`, in file order." if table.parent
                        else "") + "\n")
        parts.append("| column | type | required | empty means | meaning |\n|---|---|---|---|---|")
        for c in table.columns:
            parts.append(f"| `{c.name}` | {c.kind.value} | {'yes' if c.required else 'no'} | "
                         f"{c.default or '—'} | {c.doc} |")
        parts.append("\nExample:\n\n```csv\n" + ",".join(table.names) + "\n"
                     + "\n".join(",".join(_quote(v) for v in row) for row in table.example) + "\n```\n")
    return "\n".join(parts)


def _quote(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ',"\n') else value
