"""Small shared helpers (no domain logic)."""

from __future__ import annotations

import numpy as np

SeedLike = int | np.random.Generator | None


def as_rng(seed: SeedLike) -> np.random.Generator:
    """Return a numpy Generator for ``seed`` (an int, a Generator or None).

    A Generator passed in is returned unchanged, so callers can share a stream.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)
