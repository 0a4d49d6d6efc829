"""Capaian: realisasi against target, per indicator and per pegawai (PermenPANRB 8/2021).

The low layer under :mod:`kinerja_calib.indicators` (which re-exports these names as its
public API) and :mod:`kinerja_calib.scoring` (which rates the capaian): neither imports the
other for it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import labels
from . import rules as _rules
from ._periode import pilih_periode
from ._precision import bulatkan
from .errors import ParameterError

__all__ = ["CapaianPegawai", "as_float", "capaian", "capaian_pegawai", "target_efektif"]

ArrayLike = Any


def as_float(x: ArrayLike, what: str) -> np.ndarray:
    """``x`` as a float array of its own shape; a clear error naming ``what`` otherwise."""
    arr = np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x
    try:
        return (
            pd.to_numeric(pd.Series(np.ravel(arr)), errors="raise")
            .to_numpy(float)
            .reshape(np.shape(arr))
        )
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"'{what}' harus berupa angka ({exc}).") from exc


def _turun(arah: ArrayLike, shape) -> np.ndarray:
    a = np.asarray(arah, dtype=object)
    flat = pd.Series(np.ravel(a)).astype("string").str.strip().str.lower()
    bad = flat.notna() & ~flat.isin(labels.ARAH)
    if bad.any():
        raise ParameterError(
            f"'arah' tidak dikenal: {sorted(set(flat[bad]))[:5]}. Gunakan 'naik' (makin besar "
            "makin baik) atau 'turun' (makin kecil makin baik, kondisi khusus)."
        )
    out = (flat == "turun").fillna(False).to_numpy(bool).reshape(np.shape(a))
    return np.broadcast_to(out, shape)


def target_efektif(
    realisasi: ArrayLike, target: ArrayLike, target_max: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The target the formula uses, and whether realisasi lies inside a range target.

    PermenPANRB 8/2021: for a range target, a realisasi above the range uses the upper
    bound, below the range the lower bound. Returns ``(target, di_dalam_rentang)``.
    Realisasi and bounds are compared at 9 decimals (:mod:`kinerja_calib._precision`), so a
    realisasi computed as ``0.1 * 3`` lies inside a range starting at 0.3.
    """
    r = as_float(realisasi, "realisasi")
    t = as_float(target, "target")
    u = (
        np.full(np.broadcast(r, t).shape, np.nan)
        if target_max is None
        else as_float(target_max, "target_max")
    )
    r, t, u = np.broadcast_arrays(r, t, u)
    is_range = ~np.isnan(u)
    rb, tb, ub = bulatkan(r), bulatkan(t), bulatkan(u)
    inside = is_range & (rb >= tb) & (rb <= ub)
    teff = np.where(is_range & (rb > ub), u, t)
    return teff, inside


def capaian(
    realisasi: ArrayLike,
    target: ArrayLike,
    arah: ArrayLike = "naik",
    target_max: ArrayLike | None = None,
    rules=None,
) -> ArrayLike:
    """Capaian IKI (%) — PermenPANRB 8/2021 Lampiran Bab VI.A, vectorised.

    Parameters
    ----------
    realisasi : float, array or Series
    target : float, array or Series
        The target; for a range target its lower bound.
    arah : {"naik", "turun"} or array of them, default "naik"
        ``naik`` = kondisi normal (bigger is better): ``R / T × 100``. ``turun`` = kondisi
        khusus (smaller is better: time, cost, errors): ``(1 + (1 − R / T)) × 100``.
    target_max : float, array or Series, optional
        Upper bound of a range target (NaN where the target is a single number).
    rules : Rules or str, optional
        Rules with a ``capaian`` section (default ``permenpanrb-6-2022``): the value
        inside a range (``capaian.dalam_rentang``, default 100 %, UNCONFIRMED) and the floor
        (``capaian.minimum``, default 0 %, UNCONFIRMED).

    Returns
    -------
    float, ndarray or Series
        Percent. NaN where realisasi or target is missing or the target is 0.

    Notes
    -----
    Range targets: realisasi above the range → the upper bound is the target; below →
    the lower bound (the regulation's rule). Inside the range the regulation gives no
    formula; reaching the range is read as meeting the target (100 %).

    Examples
    --------
    Worked examples of PermenPANRB 8/2021 Lampiran Bab VI.A:

    >>> round(capaian(70, 80, target_max=90), 1)    # below 80–90 → 70/80
    87.5
    >>> round(capaian(6.5, 7, "turun", 8), 1)      # khusus, 7–8 bulan → 1 + (1 − 6.5/7)
    107.1
    >>> round(capaian(9, 7, "turun", 8), 1)        # khusus → 1 + (1 − 9/8)
    87.5
    """
    cfg = _rules.resolve(rules).get_path("capaian", None)
    if cfg is None:
        cfg = _rules.load("pp-30-2019")["capaian"]
    r = as_float(realisasi, "realisasi")
    teff, inside = target_efektif(r, target, target_max)
    r = np.broadcast_to(r, teff.shape)
    turun = _turun(arah, teff.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(teff == 0, np.nan, r / teff)
    out = np.where(turun, (2.0 - ratio) * 100.0, ratio * 100.0)
    out = np.where(inside, float(cfg["dalam_rentang"]), out)
    out = np.where(np.isnan(out), np.nan, np.maximum(out, float(cfg["minimum"])))
    for like in (realisasi, target):
        if isinstance(like, pd.Series) and len(like) == out.size:
            return pd.Series(out.ravel(), index=like.index, name="capaian")
    if out.ndim == 0:
        return float(out)
    return out


# --------------------------------------------------------------------------- workbook
class CapaianPegawai(NamedTuple):
    """Output of :func:`capaian_pegawai`.

    Attributes
    ----------
    per_indikator : DataFrame
        One row per periode × nip × kode_indikator: the indicator fields, ``realisasi``,
        ``target_efektif``, ``capaian`` (%, uncapped).
    per_pegawai : DataFrame
        One row per periode × nip: ``capaian`` (weighted mean of capaian capped at
        ``capaian.maksimum_per_indikator``), ``bobot_terisi`` (sum of weights with a
        realisasi), ``n_indikator``.
    """

    per_indikator: pd.DataFrame
    per_pegawai: pd.DataFrame


def capaian_pegawai(wb, periode=None, rules=None) -> CapaianPegawai:
    """Capaian per pegawai × indikator (tidy) and weighted per pegawai × periode.

    Parameters
    ----------
    wb : Workbook
        With ``indikator`` and ``realisasi`` tables.
    periode : str, list of str or None
        ``None`` = every period; ``""`` = the latest; a label or a list of labels.
    rules : Rules or str, optional
        Rules with a ``capaian`` section (default ``permenpanrb-6-2022``).

    Returns
    -------
    CapaianPegawai
        ``(per_indikator, per_pegawai)``.
    """
    r = _rules.resolve(rules)
    ind = wb.indikator
    rea = wb.realisasi
    cols_ind = [
        "periode",
        "nip",
        "kode_indikator",
        "kode_instansi",
        "jabatan",
        "nama_indikator",
        "satuan",
        "aspek",
        "arah",
        "bobot",
        "target",
        "target_min",
        "target_max",
        "realisasi",
        "target_efektif",
        "capaian",
    ]
    if rea is None or len(rea) == 0:
        empty = pd.DataFrame(columns=cols_ind)
        return CapaianPegawai(
            empty,
            pd.DataFrame(columns=["periode", "nip", "capaian", "bobot_terisi", "n_indikator"]),
        )
    per = pilih_periode(sorted(rea["periode"].dropna().unique()), periode)
    if per is not None:
        rea = rea[rea["periode"].isin(per)]
    keep = [c for c in cols_ind if c in ind.columns and c not in ("periode", "nip")]
    df = rea[["periode", "nip", "kode_indikator", "realisasi"]].merge(
        ind[keep], on="kode_indikator", how="inner"
    )
    for c in ("target", "target_min", "target_max"):
        if c not in df.columns:
            df[c] = np.nan
    lower = df["target"].astype(float).to_numpy()
    upper = df["target_max"].astype(float).to_numpy()
    tmin = df["target_min"].astype(float).to_numpy()
    is_range = ~np.isnan(upper) & ~np.isnan(tmin)
    lower = np.where(is_range, tmin, lower)
    upper = np.where(is_range, upper, np.nan)
    real = df["realisasi"].astype(float).to_numpy()
    teff, inside = target_efektif(real, lower, upper)
    df["target_efektif"] = np.where(inside, real, teff)
    df["capaian"] = capaian(real, lower, df["arah"].to_numpy(object), upper, rules=r)
    df = df[[c for c in cols_ind if c in df.columns]].reset_index(drop=True)

    cap_max = float(r.get_path("capaian.maksimum_per_indikator", np.inf))
    w = df["bobot"].astype(float).where(df["capaian"].notna(), 0.0)
    tmp = pd.DataFrame(
        {
            "periode": df["periode"],
            "nip": df["nip"],
            "wx": w * df["capaian"].clip(upper=cap_max).fillna(0.0),
            "w": w,
            "n": df["capaian"].notna().astype(int),
        }
    )
    g = tmp.groupby(["periode", "nip"], sort=True, observed=True)[["wx", "w", "n"]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        cap = np.where(g["w"] > 0, g["wx"] / g["w"], np.nan)
    per_peg = pd.DataFrame(
        {"capaian": cap, "bobot_terisi": g["w"].to_numpy(), "n_indikator": g["n"].to_numpy()},
        index=g.index,
    ).reset_index()
    return CapaianPegawai(df, per_peg)
