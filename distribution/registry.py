"""The distribution strategies by name."""

from __future__ import annotations

from distribution.balanced import Balanced
from distribution.base import Strategy
from distribution.first_come import FirstCome
from distribution.hours import Hours
from distribution.rotation import Rotation
from distribution.seniority import Seniority

STRATEGIES: dict[str, type[Strategy]] = {
    s.name: s for s in (Seniority, FirstCome, Hours, Rotation, Balanced)
}


def get_strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]()
    except KeyError:
        known = ", ".join(sorted(STRATEGIES))
        raise ValueError(f"unknown strategy {name!r} (known: {known})") from None
