"""Old name of :mod:`kinerja_calib.plots.talent`: alias module kept for one release (issue 14).

Import ``from kinerja_calib.plots import talent`` instead; this module only re-exports it.
"""

from __future__ import annotations

from .talent import (
    WARNA_MUTU,
    distribusi_jpm,
    heatmap_kesenjangan,
    ikm_per_unit,
    peta_sembilan_kotak,
)

__all__ = [
    "WARNA_MUTU",
    "distribusi_jpm",
    "heatmap_kesenjangan",
    "ikm_per_unit",
    "peta_sembilan_kotak",
]
