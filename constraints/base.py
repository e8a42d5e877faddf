"""What a rule is: a code, a policy section, and any of three hooks.

- `excluded(ctx)`: an eligibility filter, a boolean mask broadcastable to members × positions
  (a member-only rule returns shape [M, 1], a position-only rule [1, P]).
- `prune(pairs)`: for a model constraint, the eligible pairs that break it on their own, so no
  variable is ever made for them and the pair's reason names the rule.
- `add(model)`: the model rows over the remaining pairs, written through the solver-neutral
  vocabulary of `offduty.constraints.model`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from offduty.constraints.intervals import KEY_STRIDE
from offduty.models.arrays import BoolArray, InstanceArrays, IntArray
from offduty.models.solution import Candidates

if TYPE_CHECKING:
    from offduty.constraints.model import ModelWriter


@dataclass(frozen=True, eq=False)
class EligibilityContext:
    """The arrays of an instance and the solve options that change who is eligible."""

    arrays: InstanceArrays
    candidates: Candidates = Candidates.ALL_ELIGIBLE

    def by_position(self, member_by_shift: BoolArray) -> BoolArray:
        """Spread a members × shifts mask to members × positions."""
        return member_by_shift[:, self.arrays.position_shift]

    def event_flag(self, flag: BoolArray) -> BoolArray:
        """A per-event flag as a [1, P] mask over positions."""
        return flag[self.arrays.position_event][None, :]

    def employer_flag(self, flag: BoolArray) -> BoolArray:
        """A per-employer flag as a [1, P] mask over positions."""
        return flag[self.arrays.position_employer][None, :]

    @staticmethod
    def member_flag(flag: BoolArray) -> BoolArray:
        """A per-member flag as a [M, 1] mask."""
        return flag[:, None]

    @staticmethod
    def members_in(values: Sequence[object], *wanted: object) -> BoolArray:
        """[M, 1] mask of the members whose attribute (one value per member) is among `wanted`."""
        flag = np.fromiter((v in wanted for v in values), dtype=np.bool_, count=len(values))
        return flag[:, None]


@dataclass(frozen=True, eq=False)
class Pairs:
    """The eligible (member, position) pairs, sorted by member then position."""

    arrays: InstanceArrays
    member: IntArray
    position: IntArray

    def __len__(self) -> int:
        return len(self.member)

    @cached_property
    def shift(self) -> IntArray:
        return self.arrays.position_shift[self.position]

    @cached_property
    def start(self) -> IntArray:
        return self.arrays.position_start[self.position]

    @cached_property
    def end(self) -> IntArray:
        return self.arrays.position_end[self.position]

    @cached_property
    def minutes(self) -> IntArray:
        return self.end - self.start

    def subset(self, keep: BoolArray) -> Pairs:
        return Pairs(self.arrays, self.member[keep], self.position[keep])

    @cached_property
    def _keys(self) -> IntArray:
        return self.member * KEY_STRIDE + self.position

    def index_of(self, members: IntArray, positions: IntArray) -> IntArray:
        """The pair index of each (member, position), -1 where the pair is not eligible."""
        keys = np.asarray(members, dtype=np.int64) * KEY_STRIDE + np.asarray(positions, dtype=np.int64)
        if len(self._keys) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        i = np.searchsorted(self._keys, keys)
        found = self._keys[np.minimum(i, len(self._keys) - 1)] == keys
        return np.where(found, i, -1)

    def locked(self) -> BoolArray:
        """Per pair: is it a locked assignment of the instance's current roster?"""
        a = self.arrays
        idx = self.index_of(a.assignment_member[a.assignment_locked],
                            a.assignment_position[a.assignment_locked])
        out = np.zeros(len(self), dtype=np.bool_)
        out[idx[idx >= 0]] = True
        return out


def groups(keys: IntArray) -> Iterator[tuple[int, IntArray]]:
    """(key, indices) for each distinct key, in key order."""
    if len(keys) == 0:
        return
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
    for chunk in np.split(order, cuts):
        yield int(keys[chunk[0]]), chunk


class Rule:
    """A rule of the catalogue. Subclasses set `code` and `section` and override hooks."""

    code: ClassVar[str]
    section: ClassVar[str]

    @classmethod
    def summary(cls) -> str:
        """The rule in plain words: the first line of its docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0]

    def excluded(self, ctx: EligibilityContext) -> BoolArray | None:
        return None

    def prune(self, pairs: Pairs) -> BoolArray | None:
        return None

    def add(self, model: ModelWriter) -> None:
        return None
