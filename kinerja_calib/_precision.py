"""The precision of every comparison of a computed score with a rules threshold.

A score is computed in binary floating point, so a value that is exactly a threshold on
paper can land one unit in the last place beside it: atasan 2 and three rekan 5 under the
role weights 0.4 / 0.2 give ``(0.4 * 2 + 0.2 * 5) / 0.6 = 2.9999999999999996``, which a raw
``skor < 3.0`` rates "Di bawah ekspektasi" (and the predikat falls from Baik to
Kurang/Misconduct). The same happens to ``0.6 * 90 + 0.4 * 90``, ``0.29 * 100``,
``0.7 * 3`` (a kurva share of a unit) and any weighted mean.

The rule, used at every comparison point of the package (ratings, predikat bands of
PP 30/2019 and PP 46/2011, IKM and JPM categories, the kurva distribusi person counts,
nilai capaian IKI, the range and ``turun`` branches of capaian):

    **both the score and the threshold are rounded to** :data:`PRESISI` **= 9 decimals
    before they are compared**; a person count ``proporsi × n`` of the kurva is rounded
    to 9 decimals before it is floored or ceiled.

So a score within 5e-10 of a threshold counts as exactly on it (float noise of the
computations here is below 1e-12 for scores up to a few thousand), while any difference
a person can write down (1e-9 and more) still decides. Rounding "half up" to a coarser
grid (IKM to 2 decimals, ``pecahan = "bulatkan"`` of PP 46/2011, ``celah = "bulatkan"``
of PP 30/2019, ``pembulatan = "terdekat"`` of the kurva) goes through
:func:`bulatkan_setengah_atas`, which removes the noise first (so 0.145 → 0.15, 76.605 → 76.61
on a 2-decimal grid, although the binary 76.605 is 76.60499…).

The rounding is exact for ``|x|`` below about 1e6 (``x × 1e9`` stays below 2**53); every
score of the package (percent, 0–120, 1–5 scales, person counts) is far inside.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["PRESISI", "bulatkan", "bulatkan_setengah_atas", "tingkat"]

#: Decimals to which scores and thresholds are rounded before every comparison.
PRESISI = 9


def bulatkan(x: Any) -> np.ndarray:
    """``x`` as a float array rounded to :data:`PRESISI` decimals (NaN and ±inf unchanged).

    Examples
    --------
    >>> float(bulatkan((0.4 * 2 + 0.2 * 5) / 0.6))
    3.0
    >>> float(bulatkan(0.2 * 15)), float(bulatkan(0.7 * 3))
    (3.0, 2.1)
    """
    return np.round(np.asarray(x, dtype=float), PRESISI)


def bulatkan_setengah_atas(x: Any, desimal: int = 0) -> np.ndarray:
    """Round ``x`` to ``desimal`` decimals, halves upwards, after removing float noise.

    ``x × 10**desimal`` is first rounded to :data:`PRESISI` decimals, then floored after
    adding one half, so the decimal halves written in the data (99.5 %, 90.5, 76.605) go up
    whatever their binary approximation is. NaN stays NaN.

    Examples
    --------
    >>> float(bulatkan_setengah_atas(76.605, 2)), float(bulatkan_setengah_atas(90.5))
    (76.61, 91.0)
    >>> float(bulatkan_setengah_atas(0.7 * 5))   # 3.5 persons → 4
    4.0
    """
    skala = 10.0 ** int(desimal)
    return np.floor(bulatkan(np.asarray(x, dtype=float) * skala) + 0.5) / skala


def tingkat(x: Any, batas: Any) -> np.ndarray:
    """How many of the thresholds ``batas`` the score ``x`` reaches (``x >= b``); NaN → -1.

    Both sides are rounded with :func:`bulatkan`. ``batas`` may be in any order; with
    ascending lower bounds of bands the result is the band index (0 = below the first
    bound). Vectorised: ``x`` of any shape, the result has that shape (int64).

    Examples
    --------
    >>> tingkat([2.9999999999999996, 3.5, 4.0, np.nan], [3.0, 4.0]).tolist()
    [1, 1, 2, -1]
    """
    xv = bulatkan(x)
    bv = bulatkan(np.ravel(np.asarray(batas, dtype=float)))
    out = (xv[..., None] >= bv).sum(axis=-1).astype(np.int64)
    return np.where(np.isnan(xv), np.int64(-1), out)
