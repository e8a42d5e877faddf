"""Benchmarks: seeded scenario generators (`benchmarks.scenarios`), the `mass-cancel` re-solve
scenario, the peers (offduty, OR-Tools defaults, greedy, HiGHS) and the runner
(`python -m offduty.benchmarks run`). See benchmarks/README.md.

Imports nothing: `benchmarks.highs_peer` must run in a process without OR-Tools.
"""
