"""A re-solve's neighbourhood: the few pairs a proven-minimal refill can touch.

Every roster of a re-solve at the counting bounds of tier 1 (coverage) and tier 2 (changes)
keeps each published pair a position needs and brings newcomers only onto the vacated positions,
those below their fill target (`solver.tiers`): every other pair is 0 in it. So when the greedy
roster over the neighbourhood (the published pairs and every pair of a vacated position) reaches
both bounds, tiers 1-2 are proven for the whole problem, and tier 3 only chooses among the
newcomers of the neighbourhood. The bounds are the whole problem's: a position that is not vacated
keeps min(count, eligible) of its pairs in the neighbourhood, so its fill target is unchanged.
When the greedy roster misses a bound (a refill that needs a member moved, whose old position is
outside the neighbourhood), the whole problem is solved.

On kc-month (416k eligible pairs) this is the difference between loading the whole LP (9 s)
and a model of a few thousand pairs; see benchmarks/README.md (mass-cancel-month).
"""

from __future__ import annotations

import logging

from offduty.solver.greedy import acceptable, greedy_roster
from offduty.solver.prepare import Prepared
from offduty.solver.tiers import (
    Tier,
    changes_lower_bound,
    coverage_lower_bound,
    coverage_terms,
    published_pairs,
    resolve_changes_terms,
    vacated_positions,
)

log = logging.getLogger(__name__)


def narrow(prepared: Prepared) -> Prepared:
    """`prepared` narrowed to its neighbourhood when it is a re-solve whose greedy roster there
    reaches the counting bounds of tiers 1 and 2; else `prepared` itself."""
    if prepared.params.resolve is None or not prepared.params.engine.greedy_hint or prepared.conflicts():
        return prepared
    pairs = prepared.pairs
    keep = published_pairs(pairs) | vacated_positions(pairs)[pairs.position]
    if keep.all():
        return prepared
    narrowed = prepared.narrowed(keep)
    # The greedy list keeps the published roster, then fills the vacated positions: over the
    # neighbourhood it is the whole problem's greedy roster, at a fraction of the cost.
    greedy = greedy_roster(narrowed)
    if not acceptable(narrowed, greedy):
        return prepared
    npairs = narrowed.pairs
    coverage = Tier("coverage", coverage_terms(npairs), coverage_lower_bound(pairs))
    changes = Tier("changes", resolve_changes_terms(npairs), changes_lower_bound(pairs))
    if not all(t.value(greedy.values) == t.lower_bound for t in (coverage, changes)):
        log.info("re-solve not narrowed: the greedy roster misses the counting bounds of tiers 1-2")
        return prepared
    log.info("re-solve narrowed to %d of %d pairs (tiers 1-2 proven by the greedy roster)",
             int(keep.sum()), len(pairs))
    return narrowed
