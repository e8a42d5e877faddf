"""A coordinator's manual edits of a roster, checked by the independent verifier.

    after = apply_edits(instance, roster, [Edit(op="assign", member="M7", position="EV1-S1-gate"),
                                           Edit(op="swap", member="A", position="P", with_member="B",
                                                with_position="Q")])

Three operations, applied in order: `assign` a member to a position that has a vacancy, `remove` a
member from a position, `swap` two members' positions. The result is then checked by
`offduty.solver.verify` (understaffing allowed: a roster may have vacancies); every rule it breaks
that the roster before did not is an `EditRejected`, naming the rule code, the member, the position
and the edit that brought it in. Plain data: `published.edit` loads, stores and notifies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from offduty.models.instance import Instance
from offduty.service.usecases import cancellations as cx
from offduty.service.usecases.rosters import Pair, pairs_of


class Edit(BaseModel):
    """One operation of a manual edit."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["assign", "remove", "swap"]
    member: str = Field(min_length=1, max_length=64)
    position: str = Field(min_length=1, max_length=128)
    with_member: str | None = Field(default=None, max_length=64, description="swap: the other member")
    with_position: str | None = Field(default=None, max_length=128, description="swap: the other's position")

    def text(self) -> str:
        if self.op == "assign":
            return f"{self.member} assigned to {self.position}"
        if self.op == "remove":
            return f"{self.member} removed from {self.position}"
        return f"{self.member} ({self.position}) swapped with {self.with_member} ({self.with_position})"


@dataclass(frozen=True)
class Broken:
    """A rule the edited roster breaks: the verifier's code, member, position, and the edit."""

    path: str
    code: str
    member: str | None
    position: str | None
    message: str

    def text(self) -> str:
        who = " on ".join(x for x in (self.member, self.position) if x)
        return f"{self.code}: {who}: {self.message}" if who else f"{self.code}: {self.message}"


class EditRejected(ValueError):
    """The edits cannot be made: `field` and `message` for a malformed one (no such member, no
    vacancy...), or the rules the edited roster would break (`broken`)."""

    def __init__(self, field: str, message: str, broken: Sequence[Broken] = ()) -> None:
        self.field, self.message, self.broken = field, message, list(broken)
        super().__init__(f"{field}: {message}")


def check_comment(comment: str | None) -> str:
    """Why the roster is changed by hand: required; medical details are refused (as for a
    cancellation: the comment goes into the notices and the audit trail)."""
    if not (comment or "").strip():
        raise EditRejected(
            "comment",
            "a comment is required: why the roster is changed by hand "
            "(it is kept with the version and sent with the notices)",
        )
    try:
        return cx.check_comment(comment)
    except cx.CancellationError as exc:
        raise EditRejected("comment", exc.message) from None


def apply_edits(
    instance: Instance, roster: Iterable[Any], edits: Sequence[Edit], *, candidates: str = "all_eligible"
) -> set[Pair]:
    """`roster` with the edits made, checked; EditRejected otherwise."""
    if not edits:
        raise EditRejected("edits", "give at least one edit (assign, remove or swap)")
    members = {m.id for m in instance.members}
    counts = {p.id: p.count for e in instance.events for s in e.shifts for p in s.positions}
    before = pairs_of(roster)
    pairs = set(before)
    brought: dict[Pair, int] = {}
    for i, e in enumerate(edits):
        where = f"edits[{i}]"
        _known(where, "member", e.member, members, "member")
        _known(where, "position", e.position, counts, "position")
        if e.op == "assign":
            if (e.member, e.position) in pairs:
                raise EditRejected(f"{where}.member", f"{e.member} already holds {e.position}")
            filled = Counter(p for _, p in pairs)[e.position]
            if filled >= counts[e.position]:
                raise EditRejected(
                    f"{where}.position",
                    f"{e.position} has no vacancy ({filled} of "
                    f"{counts[e.position]} filled): remove or swap someone first",
                )
            pairs.add((e.member, e.position))
            brought[(e.member, e.position)] = i
        elif e.op == "remove":
            if (e.member, e.position) not in pairs:
                raise EditRejected(f"{where}.member", f"{e.member} does not hold {e.position}")
            pairs.discard((e.member, e.position))
        else:
            if e.with_member is None or e.with_position is None:
                missing = "with_member" if e.with_member is None else "with_position"
                raise EditRejected(f"{where}.{missing}", "required for a swap")
            _known(where, "with_member", e.with_member, members, "member")
            _known(where, "with_position", e.with_position, counts, "position")
            held = ((e.member, e.position, "member"), (e.with_member, e.with_position, "with_member"))
            for m, p, f in held:
                if (m, p) not in pairs:
                    raise EditRejected(f"{where}.{f}", f"{m} does not hold {p}")
            if e.member == e.with_member or e.position == e.with_position:
                raise EditRejected(where, "a swap needs two members on two positions")
            new = [(e.member, e.with_position), (e.with_member, e.position)]
            for m, p in new:
                if (m, p) in pairs:
                    raise EditRejected(where, f"{m} already holds {p}")
            pairs -= {(e.member, e.position), (e.with_member, e.with_position)}
            pairs |= set(new)
            brought.update({pair: i for pair in new})
    if pairs == before:
        raise EditRejected("edits", "the edits leave the roster as it is")
    broken = _broken(instance, before, pairs, brought, candidates)
    if broken:
        raise EditRejected("edits", "; ".join(b.text() for b in broken), broken)
    return pairs


def _known(where: str, field: str, value: str, known: Iterable[str], what: str) -> None:
    if value not in known:
        raise EditRejected(f"{where}.{field}", f"no {what} with id {value!r}")


def _broken(
    instance: Instance, before: set[Pair], after: set[Pair], brought: dict[Pair, int], candidates: str
) -> list[Broken]:
    from offduty.solver.verify import verify  # the solver package loads only for an edit

    found = verify(instance, before, candidates=candidates, allow_understaffed=True)
    old = {(v.code, v.message) for v in found}
    out = []
    for v in verify(instance, after, candidates=candidates, allow_understaffed=True):
        if (v.code, v.message) in old:
            continue
        index = brought.get((v.member, v.position)) if v.member and v.position else None
        if index is None and v.member:
            index = next((i for (m, _), i in brought.items() if m == v.member), None)
        path = f"edits[{index}]" if index is not None else "edits"
        out.append(Broken(path, v.code, v.member, v.position, v.message))
    return out
