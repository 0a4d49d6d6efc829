"""The one rounding rule of the kurva distribusi: how many persons a share allows.

Shared by :func:`kinerja_calib.scoring.check_kurva` (the check) and
:func:`kinerja_calib.calibrate.calibrate_distribution` (the proposal), so the two never
disagree on a count.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._precision import bulatkan, bulatkan_setengah_atas
from .errors import ParameterError

__all__ = ["PEMBULATAN_KURVA", "batas_kurva"]

ArrayLike = Any

#: The rounding modes of ``kurva.pembulatan``.
PEMBULATAN_KURVA = (
    "ke_bawah_untuk_maks_ke_atas_untuk_min",
    "ke_atas_untuk_maks_ke_bawah_untuk_min",
    "terdekat",
)


def batas_kurva(
    p: ArrayLike, n: ArrayLike, jenis: ArrayLike, mo: ArrayLike, mode: str
) -> np.ndarray:
    """Persons allowed (``jenis`` "maks") or required ("min") for share ``p`` of ``n``.

    ``p × n`` is rounded to 9 decimals before it is floored / ceiled
    (:mod:`kinerja_calib._precision`): 0.2 × 15 is 3 persons, 0.7 × 3 is 2.1. A missing
    share allows everyone (maks) or requires ``mo`` (min); a min is never below ``mo``.
    Vectorised over aligned arrays (scalars broadcast).
    """
    if mode not in PEMBULATAN_KURVA:
        raise ParameterError(
            f"Aturan pembulatan '{mode}' tidak dikenal; pilih dari {sorted(PEMBULATAN_KURVA)}."
        )
    p, n, jenis, mo = np.broadcast_arrays(
        np.asarray(p, dtype=float),
        np.asarray(n, dtype=float),
        np.asarray(jenis, dtype=object),
        np.asarray(mo, dtype=float),
    )
    pn = bulatkan(np.where(np.isnan(p), np.nan, p * n))
    if mode == "ke_bawah_untuk_maks_ke_atas_untuk_min":
        maks, mins = np.floor(pn), np.ceil(pn)
    elif mode == "ke_atas_untuk_maks_ke_bawah_untuk_min":
        maks, mins = np.ceil(pn), np.floor(pn)
    else:  # terdekat, half up
        maks = mins = bulatkan_setengah_atas(pn)
    is_max = jenis == "maks"
    batas = np.where(is_max, maks, np.fmax(np.nan_to_num(mins, nan=0.0), mo))
    batas = np.where(is_max & np.isnan(p), n, batas)
    return batas.astype(float)
