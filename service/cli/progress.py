"""Progress of solves, on a terminal and off it.

On a terminal: a live line (`solve`), one live line per strategy and variant (`compare`). When
stderr is not a terminal (CI, a log file, a service): a plain line on stderr when something
starts or ends, and every `OFFDUTY_PROGRESS_SECONDS` (default 5) seconds while a search runs, so
a redirected solve is never silent. Numbers are integers with separators or fixed decimals.
"""

from __future__ import annotations

import os
import threading
import time
from types import TracebackType

from rich.console import Group
from rich.live import Live
from rich.text import Text

from offduty.service import usecases as uc
from offduty.service.cli.app import console


def interval() -> float:
    try:
        return max(0.2, float(os.environ.get("OFFDUTY_PROGRESS_SECONDS", "5")))
    except ValueError:
        return 5.0


def describe(p: uc.Progress) -> str:
    return (f"tier {p.tier_index + 1} ({p.tier}): objective {uc.format_number(p.objective)}, "
            f"bound {uc.format_number(p.bound)}, gap {uc.format_gap(p.gap)}")


class _Ticker:
    """Calls `tick` every `interval()` seconds in a daemon thread until closed."""

    def __init__(self, tick: object) -> None:
        self.tick = tick
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _loop(self) -> None:
        while not self.done.wait(interval()):
            self.tick()  # type: ignore[operator]

    def close(self) -> None:
        self.done.set()
        self.thread.join()


class SolveProgress:
    """The progress of one solve: `update` is the solver's progress callback."""

    def __init__(self, label: str, *, quiet: bool = False) -> None:
        self.label, self.quiet = label, quiet
        self.live_mode = console.is_terminal and not quiet
        self.started = time.perf_counter()
        self.last: uc.Progress | None = None
        self.printed_tier = -1
        self.lock = threading.Lock()
        self.live: Live | None = None
        self.ticker: _Ticker | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def line(self) -> str:
        p = self.last
        what = "preparing and building the model" if p is None else describe(p)
        return f"{self.label}: {what} · {self.elapsed():,.1f} s"

    def update(self, progress: uc.Progress) -> None:
        with self.lock:
            self.last = progress
            new_tier = progress.tier_index != self.printed_tier
            if new_tier:
                self.printed_tier = progress.tier_index
        if new_tier and not self.live_mode and not self.quiet:
            self.say(self.line())

    def say(self, text: str) -> None:
        with self.lock:
            console.print(text, markup=False, highlight=False, soft_wrap=True)

    def __rich__(self) -> Text:
        return Text(f"⏳ {self.line()}", style="cyan")

    def __enter__(self) -> SolveProgress:
        if self.quiet:
            return self
        if self.live_mode:
            self.live = Live(self, console=console, refresh_per_second=8, transient=True)
            self.live.__enter__()
        else:
            self.say(f"{self.label}: started")
            self.ticker = _Ticker(lambda: self.say(self.line()))
            self.ticker.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.live is not None:
            self.live.__exit__(kind, exc, tb)
        if self.ticker is not None:
            self.ticker.close()
            if kind is None:
                self.say(f"{self.label}: done after {self.elapsed():,.1f} s")


class CompareProgress:
    """One line per (variant, strategy) job: its method, its search's progress, its outcome."""

    def __init__(self, jobs: list[tuple[str, str]], *, greedy: bool = True, quiet: bool = False) -> None:
        self.quiet, self.greedy = quiet, greedy
        self.live_mode = console.is_terminal and not quiet
        self.started = time.perf_counter()
        self.state: dict[tuple[str, str], str] = {job: "waiting" for job in jobs}
        self.done: set[tuple[str, str]] = set()
        self.lock = threading.Lock()
        self.live: Live | None = None
        self.ticker: _Ticker | None = None

    @staticmethod
    def name(job: tuple[str, str]) -> str:
        variant, strategy = job
        return strategy if variant == uc.BASE else f"{variant} · {strategy}"

    def update(self, u: uc.Update) -> None:
        job = (u.variant, u.strategy)
        if u.status is not None:
            text = f"{u.method}: {u.status}"
            if u.method == "greedy" or not self.greedy:
                self.done.add(job)
        elif u.progress is not None:
            text = f"optimizer {describe(u.progress)} · {u.progress.elapsed_s:,.1f} s"
        else:
            text = f"{u.method}: running"
        with self.lock:
            self.state[job] = text
        if not self.live_mode and not self.quiet and (u.status is not None):
            self.say(f"compare {self.name(job)}: {text}")

    def say(self, text: str) -> None:
        with self.lock:
            console.print(text, markup=False, highlight=False, soft_wrap=True)

    def tell_summary(self) -> None:
        for line in self.summary():
            self.say(line)

    def summary(self) -> list[str]:
        with self.lock:
            running = [(job, s) for job, s in self.state.items() if job not in self.done and s != "waiting"]
        elapsed = time.perf_counter() - self.started
        head = f"compare: {len(self.done)}/{len(self.state)} done · {elapsed:,.1f} s"
        return [head, *(f"  {self.name(job)}: {s}" for job, s in running)]

    def __rich__(self) -> Group:
        with self.lock:
            lines = [Text(f"{'✓' if job in self.done else '⏳'} {self.name(job)}: {s}",
                          style="green" if job in self.done else "cyan") for job, s in self.state.items()]
        return Group(*lines)

    def __enter__(self) -> CompareProgress:
        if self.quiet:
            return self
        if self.live_mode:
            self.live = Live(self, console=console, refresh_per_second=4, transient=True)
            self.live.__enter__()
        else:
            self.say(f"compare: {len(self.state)} job(s) started")
            self.ticker = _Ticker(self.tell_summary)
            self.ticker.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.live is not None:
            self.live.__exit__(kind, exc, tb)
        if self.ticker is not None:
            self.ticker.close()
