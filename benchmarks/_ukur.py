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


class PeakRSS:
    """Peak summed RSS (MiB) of this process and all its children while the block runs.

    Sampled every ``interval`` s by a thread (as ``kinerja_calib.nasional`` measures its
    workers), so Dask workers and other child processes count; ``awal`` is the sum at entry,
    ``puncak`` the largest sample (the block's own growth is ``puncak - awal``).
    """

    def __init__(self, interval: float = 0.2) -> None:
        import threading

        self.interval = interval
        self.awal = self.puncak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def total() -> float:
        """Summed RSS of this process and its children now, in MiB."""
        import psutil

        me = psutil.Process()
        rss = 0
        for p in [me, *me.children(recursive=True)]:
            try:
                rss += p.memory_info().rss
            except psutil.Error:  # a child just exited
                pass
        return rss / 2**20

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.puncak = max(self.puncak, self.total())

    def __enter__(self) -> PeakRSS:
        self.awal = self.puncak = self.total()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.puncak = max(self.puncak, self.total())
