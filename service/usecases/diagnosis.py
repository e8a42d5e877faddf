"""`validate` predicts the solve: what the solver would refuse or leave undone, before solving.

For a valid instance, `diagnose` reports, with offduty's own explanations (`solver.explain`):

- errors (the solve would answer `infeasible`): locked assignments that a rule excludes or that
  break a rule between themselves (C-LOCKED), staffing floors no roster can meet
  (C-STAFFING-RATIO: fewer positions or eligible members than the floor, or the most achievable
  below it) unless understaffing is allowed, in which case they are warnings;
- warnings (the solve succeeds but leaves work undone): events where nobody is eligible,
  positions with fewer eligible members than slots.

The greedy list roster decides cheaply whether the floors can be met: when it meets them they
can; only the floors it misses are examined further, each with a bounded CP-SAT solve.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from offduty.models.instance import Instance
from offduty.models.solution import Candidates
from offduty.service.usecases.eligibility import EligibilityReport, eligibility_report
from offduty.solver import SolveParams, verify
from offduty.solver.explain import obvious_infeasibility, unmeetable_floors
from offduty.solver.greedy import greedy_roster
from offduty.solver.prepare import Prepared, prepare
from offduty.solver.roster import shortages_out

log = logging.getLogger(__name__)


class Severity(StrEnum):
    ERROR = "error"  # the solve would answer infeasible
    WARNING = "warning"  # the solve succeeds, but leaves this undone


@dataclass(frozen=True)
class Finding:
    severity: Severity
    #: The rule concerned (C-LOCKED, C-STAFFING-RATIO, E-*), or NO-ELIGIBLE / SHORT-ELIGIBLE.
    code: str
    #: What it concerns: an event, a position or an assignment, by id.
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.code} {self.subject}: {self.message}"


@dataclass
class Diagnosis:
    eligibility: EligibilityReport
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


def diagnose(instance: Instance, candidates: Candidates = Candidates.ALL_ELIGIBLE,
             allow_understaffed: bool = False, strategy: str = "seniority") -> Diagnosis:
    """What a solve of `instance` under these options will refuse (errors) or leave undone."""
    params = SolveParams(strategy=strategy, candidates=candidates, allow_understaffed=False)
    prepared = prepare(instance, params)
    report = eligibility_report(instance, candidates)
    findings = _locks(prepared)
    if not findings:
        floors = _floors(prepared)
        if allow_understaffed:
            floors = [dataclasses.replace(f, severity=Severity.WARNING,
                                          message=f.message + " (reported as a shortage)") for f in floors]
        findings += floors
    findings += _nobody_eligible(report)
    findings += _short_positions(prepared)
    return Diagnosis(report, findings)


def _locks(prepared: Prepared) -> list[Finding]:
    """Locked assignments no roster can keep: excluded by a rule, or clashing with each other."""
    out = [Finding(Severity.ERROR, "C-LOCKED", "assignments", line)
           for line in prepared.eligibility.unkeepable_locks()]
    a = prepared.arrays
    locked = a.assignment_locked
    if out or not locked.any():
        return out
    pairs = list(zip([a.member_ids[m] for m in a.assignment_member[locked]],
                     [a.position_ids[p] for p in a.assignment_position[locked]], strict=True))
    clashes = verify(a.instance, pairs, candidates=prepared.params.candidates.value, allow_understaffed=True)
    return [Finding(Severity.ERROR, "C-LOCKED", v.position or "assignments",
                    f"locked assignments break {v.code}: {v.message}") for v in clashes]


def _floors(prepared: Prepared) -> list[Finding]:
    """Staffing floors no roster can meet. The greedy list meeting them all proves they can be."""
    a = prepared.arrays
    if not (a.event_floor > 0).any():
        return []
    greedy = greedy_roster(prepared)
    short = {s.event for s in shortages_out(a, prepared.pairs.position[greedy.chosen])}
    if not short:
        return []
    lines = obvious_infeasibility(prepared)
    counted = {e for e in short if any(f"event {e} " in line for line in lines)}
    log.info("checking the staffing floors of %d event(s) the greedy list leaves short", len(short))
    lines += unmeetable_floors(prepared, short - counted)
    return [Finding(Severity.ERROR, "C-STAFFING-RATIO", _event_of(line, short), line) for line in lines]


def _event_of(line: str, events: set[str]) -> str:
    return next((e for e in sorted(events) if f"event {e} " in line), "events")


def _nobody_eligible(report: EligibilityReport) -> list[Finding]:
    out = []
    for row in report.events:
        if row.eligible == 0 and row.slots > 0:
            why = ", ".join(f"{code} {n:,}" for code, n in list(row.excluded_by.items())[:3])
            out.append(Finding(Severity.WARNING, "NO-ELIGIBLE", row.event,
                               f"nobody is eligible for its {row.slots:,} slot(s); they will stay unfilled "
                               f"(nearest misses: {why})"))
    return out


def _short_positions(prepared: Prepared) -> list[Finding]:
    """Positions with some, but fewer eligible members than slots (events with none are above)."""
    a = prepared.arrays
    eligible = np.bincount(prepared.pairs.position, minlength=a.n_positions)
    short = np.flatnonzero((eligible > 0) & (eligible < a.position_count))
    return [Finding(Severity.WARNING, "SHORT-ELIGIBLE", a.position_ids[p],
                    f"{int(a.position_count[p]):,} slots but only {int(eligible[p]):,} eligible member(s): "
                    f"{int(a.position_count[p] - eligible[p]):,} will stay unfilled") for p in short.tolist()]
