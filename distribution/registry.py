"""The distribution strategies by name."""

from __future__ import annotations

from offduty.distribution.balanced import Balanced
from offduty.distribution.base import Strategy
from offduty.distribution.first_come import FirstCome
from offduty.distribution.hours import Hours
from offduty.distribution.rotation import Rotation
from offduty.distribution.seniority import Seniority

STRATEGIES: dict[str, type[Strategy]] = {
    s.name: s for s in (Seniority, FirstCome, Hours, Rotation, Balanced)
}


def get_strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]()
    except KeyError:
        known = ", ".join(sorted(STRATEGIES))
        raise ValueError(f"unknown strategy {name!r} (known: {known})") from None
