"""Measuring helpers shared by the benchmark scripts (run as ``python benchmarks/bench_x.py``)."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable


def peak_mb(fn: Callable[[], object]) -> float:
    """Peak traced Python memory (MiB) while ``fn()`` runs."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Wall-clock seconds of one ``fn()`` call, and its result."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


class PeerBudget:
    """Skip a slow peer at a size where its last time × the size ratio exceeds ``limit`` s."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.last: dict[str, tuple[int, float]] = {}

    def allowed(self, stat: str, n: int) -> bool:
        """Whether the peer of ``stat`` is expected to finish ``n`` subjects within the limit."""
        if stat not in self.last:
            return True
        n0, t0 = self.last[stat]
        return t0 * n / n0 <= self.limit

    def record(self, stat: str, n: int, seconds: float) -> None:
        """Remember the peer's time for ``stat`` at ``n`` subjects."""
        self.last[stat] = (n, seconds)
