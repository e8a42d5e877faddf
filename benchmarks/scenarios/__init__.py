"""Seeded, realistic KCPD secondary-employment instances (pure data, no solver).

Each scenario is a function ``seed -> instance dict`` in the DESIGN.md instance format, built
from :func:`numpy.random.default_rng` of the seed and nothing else (no wall clock), so the same
seed always gives the same instance. Output is JSON-serialisable builtins only.

=====================  =====================================================================
``chiefs-game``        one Chiefs home game at Arrowhead, 307 positions, floor 52, 1,300 members
``royals-homestand``   six Royals evening games in seven days, about 40 positions each
``kc-week``            a week of every kind of detail, about 700-900 positions
``kc-month``           thirty days of the same mix, 3,000+ positions
``kc-quarter``         13 weeks: the month's calendar in September, October and November
=====================  =====================================================================

The member pool is :func:`benchmarks.scenarios.pool.make_pool`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offduty.benchmarks.scenarios import chiefs_game, kc_month, kc_quarter, kc_week, royals_homestand
from offduty.benchmarks.scenarios.pool import make_pool

SCENARIOS: dict[str, Callable[[int], dict[str, Any]]] = {
    "chiefs-game": chiefs_game.generate,
    "royals-homestand": royals_homestand.generate,
    "kc-week": kc_week.generate,
    "kc-month": kc_month.generate,
    "kc-quarter": kc_quarter.generate,
}


def generate(name: str, seed: int = 1) -> dict[str, Any]:
    """The instance of scenario ``name`` for ``seed``; ValueError for an unknown name."""
    try:
        make = SCENARIOS[name]
    except KeyError:
        known = ", ".join(sorted(SCENARIOS))
        raise ValueError(f"unknown scenario {name!r}; known: {known}") from None
    return make(seed)


__all__ = ["SCENARIOS", "generate", "make_pool"]
