"""PermenPANRB 6/2022 ratings: nilai capaian IKI, the three-level ratings, the predikat matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import labels
from .._precision import bulatkan, bulatkan_setengah_atas
from ..errors import ParameterError
from ._dasar import (
    ArrayLike,
    categorical,
    is_scalar,
    need_rezim,
    rules_for,
    to_codes,
    to_float,
    wrap,
)

__all__ = [
    "nilai_capaian_iki",
    "predikat",
    "rating_from_score",
    "rating_hasil_kerja",
    "rating_perilaku",
]


# --------------------------------------------------------------------------- 8/2021
def nilai_capaian_iki(
    capaian: ArrayLike, target_maksimal: ArrayLike | None = None, rules=None
) -> ArrayLike:
    """Nilai capaian IKI (0–120) from capaian IKI (%) — PermenPANRB 8/2021 bands.

    Parameters
    ----------
    capaian : float, array or Series
        Capaian IKI in percent (see :func:`kinerja_calib.indicators.capaian`).
    target_maksimal : bool array-like, optional
        ``True`` where the target is the maximum attainable (e.g. "bebas temuan material"
        100 %): a capaian ≥ 100 % there scores ``target_maksimal_nilai`` (120).
    rules : Rules or str, optional
        A ``pp-30-2019`` regime (default).

    Returns
    -------
    float, ndarray or Series (same shape as ``capaian``)

    Notes
    -----
    The curve is piecewise linear through the break points of
    ``nilai_capaian_iki.titik``: Sangat Kurang 0–59 % → ``capaian/59 × 49``; Kurang 60–79 %
    → ``50 + 19/19 × (c − 60)``; Cukup 80–99 % → ``70 + 19/19 × (c − 80)``; Baik 100 % →
    109; Sangat Baik 101–110 % → ``110 + 10/9 × (c − 101)`` (UNCONFIRMED); > 110 % → 120.
    The regulation's rule for the gaps between integer bands (99.5 %, 100.4 %, 59.5 %) is
    UNCONFIRMED; by default (``celah = "interpolasi"``) the points are joined linearly,
    which makes the curve continuous and monotone. ``celah = "bulatkan"`` rounds the
    capaian half-up to an integer percent first.

    References
    ----------
    PermenPANRB 8/2021 Lampiran Bab VI.A (tabel kategori capaian IKI; contoh: 98 % → 88).

    Examples
    --------
    >>> nilai_capaian_iki(98.0)   # Lampiran 8/2021: 70 + (98 − 80) = 88
    88.0
    >>> nilai_capaian_iki(100.0)  # Lampiran 8/2021 contoh: Baik → 109
    109.0
    >>> nilai_capaian_iki(130.0)
    120.0
    """
    r = rules_for(rules, "pp-30-2019")
    need_rezim(r, "pp-30-2019", "nilai_capaian_iki")
    cfg = r["nilai_capaian_iki"]
    xs = np.array([t["capaian"] for t in cfg["titik"]], dtype=float)
    ys = np.array([t["nilai_iki"] for t in cfg["titik"]], dtype=float)
    c = bulatkan(to_float(capaian))  # 9 decimals: see kinerja_calib._precision
    x = bulatkan_setengah_atas(c) if cfg["celah"] == "bulatkan" else c
    out = np.interp(x, bulatkan(xs), ys, left=ys[0], right=float(cfg["maksimum"]))
    out = np.where(np.isnan(c), np.nan, out)
    if target_maksimal is not None:
        tm = np.asarray(target_maksimal, dtype=bool)
        out = np.where(tm & (c >= 100.0), float(cfg["target_maksimal_nilai"]), out)
    return wrap(np.asarray(out, dtype=float), capaian, "nilai_capaian_iki")


# --------------------------------------------------------------------------- ratings
def rating_from_score(skor: ArrayLike, batas_bawah: float, batas_atas: float) -> ArrayLike:
    """Three-level rating from a number: ``< batas_bawah`` → di bawah, ``>= batas_atas``
    → di atas, else sesuai ekspektasi. NaN stays missing. Returns an ordered categorical
    (a Series when ``skor`` is one).

    Score and thresholds are compared after rounding to 9 decimals
    (:mod:`kinerja_calib._precision`): a composite computed as ``2.9999999999999996`` is 3.

    Examples
    --------
    >>> rating_from_score((0.4 * 2 + 0.2 * 5) / 0.6, 3.0, 4.0)
    'Sesuai ekspektasi'
    """
    x = bulatkan(to_float(skor))
    lo, hi = bulatkan(batas_bawah), bulatkan(batas_atas)
    codes = np.where(x < lo, 0, np.where(x >= hi, 2, 1))
    codes = np.where(np.isnan(x), -1, codes).astype(np.int8).ravel()
    cat = categorical(codes, labels.RATING)
    if isinstance(skor, pd.Series):
        return pd.Series(cat, index=skor.index, name=skor.name)
    if np.ndim(skor) == 0:
        return cat[0]
    return cat


def rating_hasil_kerja(capaian: ArrayLike, rules=None) -> ArrayLike:
    """Rating hasil kerja from a (weighted) capaian in percent.

    Thresholds ``ambang.capaian.batas_bawah`` / ``batas_atas`` of the 6/2022 rules
    (UNCONFIRMED defaults 80 / 110: the regulation leaves the rating to the Pejabat Penilai).

    Examples
    --------
    >>> rating_hasil_kerja(79.9), rating_hasil_kerja(100.0), rating_hasil_kerja(110.0)
    ('Di bawah ekspektasi', 'Sesuai ekspektasi', 'Di atas ekspektasi')
    """
    r = rules_for(rules, "permenpanrb-6-2022")
    a = r.get_path("ambang.capaian")
    return rating_from_score(capaian, a["batas_bawah"], a["batas_atas"])


def rating_perilaku(skor: ArrayLike, rules=None) -> ArrayLike:
    """Rating perilaku from a 360 composite (scale of ``skala_360``, default 1–5).

    Thresholds ``ambang.perilaku.batas_bawah`` / ``batas_atas`` (UNCONFIRMED defaults 3 / 4).
    """
    r = rules_for(rules, "permenpanrb-6-2022")
    a = r.get_path("ambang.perilaku")
    return rating_from_score(skor, a["batas_bawah"], a["batas_atas"])


def predikat(rating_hasil_kerja: ArrayLike, rating_perilaku: ArrayLike, rules=None) -> ArrayLike:
    """Predikat kinerja pegawai from the two ratings (PermenPANRB 6/2022 matrix).

    Parameters
    ----------
    rating_hasil_kerja, rating_perilaku : str, array or Series
        Labels of :data:`kinerja_calib.labels.RATING`; missing values give a missing predikat.
    rules : Rules or str, optional
        A ``permenpanrb-6-2022`` regime (default); its ``matriks.predikat`` is used.

    Returns
    -------
    str, pandas.Categorical or Series
        Ordered categorical over :data:`kinerja_calib.labels.PREDIKAT` (a Series with the
        index of ``rating_hasil_kerja`` when that is a Series; a plain label for scalars).

    Notes
    -----
    Rows = hasil kerja, columns = perilaku (low → high). Sangat Baik needs both ratings
    above expectation; perilaku below expectation caps at Kurang/Misconduct; hasil kerja
    below caps at Butuh Perbaikan (Sangat Kurang when both are below). The Lampiran figure
    itself is UNCONFIRMED (cells from four consistent public implementations).

    Examples
    --------
    >>> predikat("Di atas ekspektasi", "Di atas ekspektasi")
    'Sangat Baik'
    >>> predikat("Di atas ekspektasi", "Di bawah ekspektasi")
    'Kurang/Misconduct'
    """
    r = rules_for(rules, "permenpanrb-6-2022")
    need_rezim(r, "permenpanrb-6-2022", "predikat")
    scalar = is_scalar(rating_hasil_kerja) and is_scalar(rating_perilaku)
    h = to_codes(rating_hasil_kerja, labels.RATING, "Rating hasil kerja")
    p = to_codes(rating_perilaku, labels.RATING, "Rating perilaku")
    if h.shape != p.shape and not (h.size == 1 or p.size == 1):
        raise ParameterError(
            f"Panjang rating hasil kerja ({h.size}) dan rating perilaku ({p.size}) berbeda."
        )
    h, p = np.broadcast_arrays(h, p)
    matrix = np.array(
        [[labels.PREDIKAT.index(c) for c in row] for row in r["matriks"]["predikat"]],
        dtype=np.int8,
    )
    missing = (h < 0) | (p < 0)
    codes = np.where(missing, -1, matrix[np.clip(h, 0, 2), np.clip(p, 0, 2)]).astype(np.int8)
    cat = categorical(codes, labels.PREDIKAT)
    if scalar:
        return cat[0]
    for like in (rating_hasil_kerja, rating_perilaku):
        if isinstance(like, pd.Series) and len(like) == len(cat):
            return pd.Series(cat, index=like.index, name="predikat")
    return cat
