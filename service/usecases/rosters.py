"""Rosters as sets of (member, position) pairs, and the difference between two of them.

A roster version's diff (the API's `.../diff?from=&to=`) and a re-solve's change report use the
same `roster_diff`, so "what the re-solve changed" and "what changed between the versions" are
the same list by construction. A member who loses one position and gains another is a move
(from, to); a move counts as two changes, like the re-solve's changes tier.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Pair = tuple[str, str]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Assigned(_Out):
    member: str
    position: str


class Move(_Out):
    member: str
    from_position: str
    to_position: str


class RosterDiff(_Out):
    """From one roster to another: pairs added, pairs removed, and members moved (from, to).
    `added` and `removed` leave out the pairs of the moves."""

    added: list[Assigned] = Field(default_factory=list)
    removed: list[Assigned] = Field(default_factory=list)
    moved: list[Move] = Field(default_factory=list)

    @property
    def changes(self) -> int:
        """The size of the symmetric difference: a move counts two."""
        return len(self.added) + len(self.removed) + 2 * len(self.moved)

    def pairs_added(self) -> set[Pair]:
        return {(a.member, a.position) for a in self.added} | {(m.member, m.to_position) for m in self.moved}

    def pairs_removed(self) -> set[Pair]:
        return ({(a.member, a.position) for a in self.removed}
                | {(m.member, m.from_position) for m in self.moved})

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.moved)


def pairs_of(assignments: Iterable[Any]) -> set[Pair]:
    """(member, position) of each assignment: tuples, mappings or objects with those fields."""
    out: set[Pair] = set()
    for a in assignments:
        if isinstance(a, tuple | list):
            out.add((str(a[0]), str(a[1])))
        elif isinstance(a, dict):
            out.add((str(a["member"]), str(a["position"])))
        else:
            out.add((str(a.member), str(a.position)))
    return out


def roster_diff(before: Iterable[Any], after: Iterable[Any]) -> RosterDiff:
    """What changed from roster `before` to roster `after`."""
    old, new = pairs_of(before), pairs_of(after)
    lost: dict[str, list[str]] = defaultdict(list)
    gained: dict[str, list[str]] = defaultdict(list)
    for m, p in sorted(old - new):
        lost[m].append(p)
    for m, p in sorted(new - old):
        gained[m].append(p)
    moved, added, removed = [], [], []
    for m in sorted(set(lost) | set(gained)):
        froms, tos = lost.get(m, []), gained.get(m, [])
        k = min(len(froms), len(tos))
        moved += [Move(member=m, from_position=f, to_position=t) for f, t in zip(froms[:k], tos[:k],
                                                                                strict=True)]
        removed += [Assigned(member=m, position=p) for p in froms[k:]]
        added += [Assigned(member=m, position=p) for p in tos[k:]]
    return RosterDiff(added=added, removed=removed, moved=moved)


def apply_diff(roster: Iterable[Any], diff: RosterDiff) -> set[Pair]:
    """`roster` with `diff` applied (the inverse of `roster_diff`)."""
    return (pairs_of(roster) - diff.pairs_removed()) | diff.pairs_added()
