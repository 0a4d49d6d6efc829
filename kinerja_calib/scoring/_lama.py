"""The legacy numeric regimes (PP 30/2019, PP 46/2011) and the angka kredit of Peraturan BKN 3/2023."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import labels
from .. import rules as _rules
from .._precision import bulatkan, bulatkan_setengah_atas, tingkat
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
    "angka_kredit",
    "konversi_perilaku",
    "nilai_indikator_pp46",
    "nilai_pp30",
    "nilai_pp46",
    "nilai_waktu_biaya",
    "predikat_pp30",
    "sebutan_pp46",
]


def angka_kredit(
    predikat_pegawai: ArrayLike, koefisien: ArrayLike, bulan: ArrayLike = 12, rules=None
) -> ArrayLike:
    """Angka kredit of a pejabat fungsional from the 6/2022 predikat (Peraturan BKN 3/2023).

    ``AK = bulan / 12 × persen(predikat) / 100 × koefisien`` with Sangat Baik 150 %, Baik
    100 %, Butuh Perbaikan 75 %, Kurang/Misconduct 50 %, Sangat Kurang 25 %
    (``angka_kredit.persen`` of the rules).

    Examples
    --------
    BKN deck on Peraturan BKN 3/2023 [S16]: Ahli Pertama (koefisien 12.5)

    >>> angka_kredit("Sangat Baik", 12.5)
    18.75
    >>> round(angka_kredit("Baik", 12.5, bulan=2), 2)
    2.08
    """
    r = rules_for(rules, "permenpanrb-6-2022")
    persen = r["angka_kredit"]["persen"]
    codes = to_codes(predikat_pegawai, labels.PREDIKAT, "Predikat pegawai")
    pct = np.array([float(persen[p]) for p in labels.PREDIKAT] + [np.nan])[codes]
    out = np.asarray(bulan, dtype=float) / 12.0 * pct / 100.0 * to_float(koefisien)
    if is_scalar(predikat_pegawai):
        return float(np.ravel(out)[0])
    if isinstance(predikat_pegawai, pd.Series):
        return pd.Series(np.ravel(out), index=predikat_pegawai.index, name="angka_kredit")
    return np.ravel(out)


# --------------------------------------------------------------------------- PP 30/2019
def _pita(x: np.ndarray, pita, extra_ok: np.ndarray | None = None) -> np.ndarray:
    """Index into ``pita`` (high → low) of the first band with x >= batas_bawah; -1 NaN.

    Compared at 9 decimals (:func:`kinerja_calib._precision.tingkat`).
    """
    lows = np.array([b["batas_bawah"] for b in pita], dtype=float)
    reached = tingkat(x, lows)
    # number of bands whose lower bound exceeds x → index of the matching band
    idx = np.minimum(len(lows) - reached, len(lows) - 1)
    return np.where(reached < 0, -1, idx)


def nilai_pp30(
    nilai_skp: ArrayLike, nilai_perilaku: ArrayLike, rules=None, pakai_360: bool | None = None
) -> ArrayLike:
    """Nilai kinerja PP 30/2019 Pasal 41: 70 % SKP + 30 % perilaku, or 60/40 with 360.

    Parameters
    ----------
    nilai_skp, nilai_perilaku : float, array or Series
    rules : Rules or str, optional
        A ``pp-30-2019`` regime (default).
    pakai_360 : bool, optional
        The instansi-level switch (perilaku assessed with peers and subordinates → 60/40);
        default ``bobot.pakai_360`` of the rules (true).

    Examples
    --------
    >>> nilai_pp30(100.0, 90.0, pakai_360=False)   # 0.7 × 100 + 0.3 × 90
    97.0
    >>> nilai_pp30(100.0, 90.0, pakai_360=True)    # 0.6 × 100 + 0.4 × 90
    96.0
    """
    r = rules_for(rules, "pp-30-2019")
    need_rezim(r, "pp-30-2019", "nilai_pp30")
    use = r["bobot"]["pakai_360"] if pakai_360 is None else pakai_360
    b = r["bobot"]["dengan_360" if use else "tanpa_360"]
    out = b["skp"] * to_float(nilai_skp) + b["perilaku"] * to_float(nilai_perilaku)
    return wrap(np.asarray(out, dtype=float), nilai_skp, "nilai_pp30")


def predikat_pp30(nilai: ArrayLike, inovasi: ArrayLike | bool = False, rules=None) -> ArrayLike:
    """Predikat PP 30/2019 Pasal 41 ayat (5) from a nilai kinerja (0–120).

    Sangat Baik needs 110 ≤ x **and** an innovation (``inovasi`` True); without it a
    score ≥ 110 is Baik. Bands: Baik ≥ 90, Cukup ≥ 70, Kurang ≥ 50 (inclusivity
    UNCONFIRMED), Sangat Kurang < 50.

    Examples
    --------
    >>> predikat_pp30(115.0), predikat_pp30(115.0, inovasi=True), predikat_pp30(89.99)
    ('Baik', 'Sangat Baik', 'Cukup')
    """
    r = rules_for(rules, "pp-30-2019")
    need_rezim(r, "pp-30-2019", "predikat_pp30")
    pita = r["predikat"]["pita"]
    x = to_float(nilai)
    idx = _pita(x, pita)
    needs = np.array([bool(b.get("syarat_inovasi", False)) for b in pita])
    inov = np.broadcast_to(np.asarray(inovasi, dtype=bool), x.shape)
    demote = (idx >= 0) & needs[np.clip(idx, 0, None)] & ~inov
    idx = np.where(demote, idx + 1, idx)
    names = [b["label"] for b in pita][::-1]  # low → high
    codes = np.where(idx < 0, -1, len(pita) - 1 - idx).astype(np.int8).ravel()
    cat = categorical(codes, names)
    if isinstance(nilai, pd.Series):
        return pd.Series(cat, index=nilai.index, name="predikat_pp30")
    return cat[0] if np.ndim(nilai) == 0 else cat


# --------------------------------------------------------------------------- PP 46/2011
def nilai_waktu_biaya(realisasi: ArrayLike, target: ArrayLike, rules=None) -> ArrayLike:
    """Aspek waktu/biaya of Perka BKN 1/2013 (the 1.76 / 24 % rule).

    ``efisiensi = 100 − R/T × 100``; if efisiensi ≤ 24 %: ``((1.76 T − R) / T) × 100``;
    else ``76 − ((((1.76 T − R) / T) × 100) − 100)`` (this branch UNCONFIRMED).

    Examples
    --------
    >>> nilai_waktu_biaya(12, 12)     # RW = TW → 76 (Perka BKN 1/2013 [S23][S24])
    76.0
    >>> nilai_waktu_biaya(7.6, 10)    # RW = 0.76 TW → 100
    100.0
    """
    r = rules_for(rules, "pp-46-2011")
    need_rezim(r, "pp-46-2011", "nilai_waktu_biaya")
    k = float(r["waktu_biaya"]["konstanta"])
    amb = float(r["waktu_biaya"]["ambang_efisiensi"])
    rv, tv = np.broadcast_arrays(to_float(realisasi), to_float(target))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(tv == 0, np.nan, rv / tv)
    eff = 100.0 - ratio * 100.0
    base = (k - ratio) * 100.0
    out = np.where(bulatkan(eff) <= bulatkan(amb), base, 76.0 - (base - 100.0))
    out = np.where(np.isnan(ratio), np.nan, bulatkan(out))
    for like in (realisasi, target):
        if isinstance(like, pd.Series) and len(like) == out.size:
            return pd.Series(out.ravel(), index=like.index, name="nilai_waktu_biaya")
    return float(out) if out.ndim == 0 else out


def nilai_pp46(nilai_skp: ArrayLike, nilai_perilaku: ArrayLike, rules=None) -> ArrayLike:
    """Nilai prestasi kerja PP 46/2011: 60 % SKP + 40 % perilaku.

    Examples
    --------
    >>> nilai_pp46(80.0, 90.0)
    84.0
    """
    r = rules_for(rules, "pp-46-2011")
    need_rezim(r, "pp-46-2011", "nilai_pp46")
    b = r["bobot"]
    out = b["skp"] * to_float(nilai_skp) + b["perilaku"] * to_float(nilai_perilaku)
    return wrap(bulatkan(out), nilai_skp, "nilai_pp46")


def sebutan_pp46(nilai: ArrayLike, rules=None) -> ArrayLike:
    """Sebutan PP 46/2011 (Perka BKN 1/2013): ≥ 91 Sangat Baik, 76–90 Baik, 61–75 Cukup,
    51–60 Kurang, ≤ 50 Buruk. Fractions between integer bands follow ``sebutan.pecahan``
    (default ``"turun"``: 90.5 → Baik; UNCONFIRMED).

    Examples
    --------
    >>> sebutan_pp46(91.0), sebutan_pp46(90.0), sebutan_pp46(50.0), sebutan_pp46(51.0)
    ('Sangat Baik', 'Baik', 'Buruk', 'Kurang')
    """
    r = rules_for(rules, "pp-46-2011")
    need_rezim(r, "pp-46-2011", "sebutan_pp46")
    x = to_float(nilai)
    if r["sebutan"]["pecahan"] == "bulatkan":
        x = bulatkan_setengah_atas(x)
    pita = r["sebutan"]["pita"]
    idx = _pita(x, pita)
    names = [b["label"] for b in pita][::-1]
    codes = np.where(idx < 0, -1, len(pita) - 1 - idx).astype(np.int8).ravel()
    cat = categorical(codes, names)
    if isinstance(nilai, pd.Series):
        return pd.Series(cat, index=nilai.index, name="sebutan_pp46")
    return cat[0] if np.ndim(nilai) == 0 else cat


def konversi_perilaku(skor: np.ndarray, r: _rules.Rules) -> np.ndarray:
    k = r["konversi_perilaku"]
    xs = np.asarray(k["skala"], dtype=float)
    ys = np.asarray(k["nilai_perilaku"], dtype=float)
    x = bulatkan(skor)  # 2.9999999999999996 converts exactly like 3 (kinerja_calib._precision)
    return np.where(np.isnan(x), np.nan, np.interp(x, xs, ys))


def nilai_indikator_pp46(per_ind: pd.DataFrame, r: _rules.Rules) -> np.ndarray:
    real = per_ind["realisasi"].to_numpy(float)
    teff = per_ind["target_efektif"].to_numpy(float)
    turun = (per_ind["arah"].astype("string") == "turun").fillna(False).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        naik = np.where(teff == 0, np.nan, real / teff * 100.0)
    wb = np.asarray(nilai_waktu_biaya(real, teff, r), dtype=float)
    return np.where(turun, wb, naik)
