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
