"""Indicators: capaian (achievement %), SMART checks of an indicator catalogue.

- :func:`capaian` — realisasi vs target → percent, the PermenPANRB 8/2021 formulas
  (kondisi normal, kondisi khusus, range targets), vectorised.
- :func:`cek_smart` — a trainer-readable table of findings (Indonesian) about an
  ``indikator`` table (DESIGN §3), optionally with past ``realisasi`` and ``pegawai``.
- :func:`capaian_pegawai` — capaian per pegawai × indikator and the weighted capaian per
  pegawai × periode of a workbook.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import labels
from . import rules as _rules
from ._angka import ringkas
from ._presisi import bulatkan
from .data import KOLOM
from .errors import ParameterError
from .privacy import AMBANG_BAWAAN

__all__ = [
    "CapaianPegawai",
    "KOLOM_TEMUAN",
    "capaian",
    "capaian_pegawai",
    "cek_smart",
    "contoh_indikator",
    "sensitivitas_bobot",
    "target_efektif",
]


def _ringkas(x) -> str:
    """A target or realisasi in a finding, Indonesian: 7,5; 1.200; 99,5."""
    return ringkas(x, 4)


ArrayLike = Any

#: Columns of the :func:`cek_smart` findings table.
KOLOM_TEMUAN = [
    "kode_instansi",
    "jabatan",
    "kode_indikator",
    "kriteria",
    "tingkat",
    "temuan",
    "saran",
]


def _num(x: ArrayLike, what: str) -> np.ndarray:
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
    Realisasi and bounds are compared at 9 decimals (:mod:`kinerja_calib._presisi`), so a
    realisasi computed as ``0.1 * 3`` lies inside a range starting at 0.3.
    """
    r = _num(realisasi, "realisasi")
    t = _num(target, "target")
    u = (
        np.full(np.broadcast(r, t).shape, np.nan)
        if target_max is None
        else _num(target_max, "target_max")
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
    r = _num(realisasi, "realisasi")
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


def _pick_periode(available: list[str], periode) -> list[str] | None:
    if periode is None:
        return None
    if isinstance(periode, str):
        if periode == "":
            return available[-1:] if available else []
        periode = [periode]
    periode = list(periode)
    unknown = [p for p in periode if p not in available]
    if unknown:
        raise ParameterError(
            f"Periode {unknown} tidak ada di data. Periode yang tersedia: {available}."
        )
    return periode


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
    per = _pick_periode(sorted(rea["periode"].dropna().unique()), periode)
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


# --------------------------------------------------------------------------- SMART
_VAGUE = re.compile(
    r"\b(?:meningkat\w*|optimal\w*|maksimal|efektif\w*|efisien\w*|baik|lancar|tertib|"
    r"mengoptimalkan|memaksimalkan|menjamin|mendukung|memastikan|berkualitas|kondusif)\b",
    re.IGNORECASE,
)
_HAS_NUMBER = re.compile(r"\d")


def _finding(df: pd.DataFrame, mask, kriteria, tingkat, temuan, saran) -> pd.DataFrame:
    sub = df.loc[np.asarray(mask, bool), ["kode_instansi", "jabatan", "kode_indikator"]].copy()
    sub["kriteria"] = kriteria
    sub["tingkat"] = tingkat
    if sub.empty:
        return sub.assign(temuan=pd.Series(dtype=object), saran=pd.Series(dtype=object))
    sub["temuan"] = temuan(sub) if callable(temuan) else temuan
    sub["saran"] = saran
    return sub


def cek_smart(
    indikator: pd.DataFrame,
    realisasi: pd.DataFrame | None = None,
    pegawai: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """SMART checks of an indicator catalogue, as a tidy table of findings in Indonesian.

    Parameters
    ----------
    indikator : DataFrame
        The ``indikator`` table (DESIGN §3); missing optional columns are tolerated and
        reported.
    realisasi : DataFrame, optional
        Past ``realisasi`` (``periode, nip, kode_indikator, realisasi``) for the achievable
        check: the target should lie within the observed range of past realisasi.
    pegawai : DataFrame, optional
        The ``pegawai`` table for the relevant check: each indicator's jabatan should exist
        among the instansi's pegawai.

    Returns
    -------
    DataFrame
        Columns :data:`KOLOM_TEMUAN`: ``kode_instansi, jabatan, kode_indikator, kriteria``
        (S/M/A/R/T), ``tingkat`` (``galat`` = must fix, ``peringatan`` = review),
        ``temuan``, ``saran``. Empty when nothing was found. Weight findings concern a whole
        jabatan and carry an empty ``kode_indikator``.

    Notes
    -----
    Checks: S — vague wording ("meningkatkan", "optimal", ... without a number), empty
    name, missing direction; M — satuan, a numeric target, range targets well-formed
    (both bounds, ``target_min < target_max``, not also a single ``target``); A — target
    not zero or negative, target inside the observed range of past realisasi (at least 3
    past values); R — jabatan given and held by a pegawai of the instansi, weight positive,
    weights per instansi + jabatan sum to 100; T — the indicator was measured in some
    period (when ``realisasi`` is given).
    """
    if not isinstance(indikator, pd.DataFrame):
        raise ParameterError("'indikator' harus berupa DataFrame tabel indikator.")
    df = indikator.copy().reset_index(drop=True)
    for c in ("kode_instansi", "jabatan", "kode_indikator", "nama_indikator", "satuan", "arah"):
        if c not in df.columns:
            df[c] = pd.NA
    for c in ("target", "target_min", "target_max", "bobot"):
        df[c] = pd.to_numeric(df[c], errors="coerce") if c in df.columns else np.nan
    parts: list[pd.DataFrame] = []
    nama = df["nama_indikator"].astype("string").fillna("")
    satuan = df["satuan"].astype("string").fillna("").str.strip()
    arah = df["arah"].astype("string").str.strip().str.lower()
    t, lo, hi = df["target"], df["target_min"], df["target_max"]
    is_range = lo.notna() | hi.notna()

    # S: specific wording
    vague = nama.str.contains(_VAGUE) & ~nama.str.contains(_HAS_NUMBER)
    parts.append(
        _finding(
            df,
            vague,
            "S",
            "peringatan",
            lambda s: "Rumusan kabur: '" + nama[s.index] + "' memakai kata umum tanpa ukuran.",
            "Rumuskan hasil yang dapat dihitung, mis. 'Jumlah ... yang ...' atau "
            "'Persentase ... (%)', bukan 'meningkatkan/mengoptimalkan ...'.",
        )
    )
    parts.append(
        _finding(
            df,
            nama.str.strip() == "",
            "S",
            "galat",
            "Nama indikator kosong.",
            "Isi nama indikator yang menyebut apa yang diukur.",
        )
    )
    parts.append(
        _finding(
            df,
            ~arah.isin(labels.ARAH).fillna(False),
            "S",
            "galat",
            "Arah indikator tidak diisi atau tidak dikenal.",
            "Isi 'naik' (makin besar makin baik) atau 'turun' (makin kecil makin baik, "
            "mis. waktu tunggu, biaya, angka kesalahan).",
        )
    )
    # M: measurable
    parts.append(
        _finding(
            df,
            satuan == "",
            "M",
            "galat",
            "Satuan tidak diisi.",
            "Isi satuan ukuran (orang, dokumen, %, hari, rupiah, ...).",
        )
    )
    no_target = t.isna() & ~(lo.notna() & hi.notna())
    parts.append(
        _finding(
            df,
            no_target,
            "M",
            "galat",
            "Target angka tidak ada.",
            "Isi 'target' berupa angka, atau 'target_min' dan 'target_max' untuk target rentang.",
        )
    )
    # T (range) well-formed
    half = is_range & ~(lo.notna() & hi.notna())
    parts.append(
        _finding(
            df,
            half,
            "M",
            "galat",
            "Target rentang hanya punya satu batas.",
            "Isi keduanya: 'target_min' dan 'target_max'.",
        )
    )
    inverted = lo.notna() & hi.notna() & (lo >= hi)
    parts.append(
        _finding(
            df,
            inverted,
            "M",
            "galat",
            lambda s: (
                "Target rentang terbalik atau nol lebar: target_min "
                + lo[s.index].astype(str)
                + " ≥ target_max "
                + hi[s.index].astype(str)
                + "."
            ),
            "Pastikan target_min < target_max.",
        )
    )
    both = t.notna() & lo.notna() & hi.notna()
    parts.append(
        _finding(
            df,
            both,
            "M",
            "peringatan",
            "Target tunggal dan target rentang diisi bersamaan.",
            "Pilih salah satu: kosongkan 'target' untuk target rentang.",
        )
    )
    # A: achievable
    zero = (t == 0) | (lo == 0)
    parts.append(
        _finding(
            df,
            zero,
            "A",
            "galat",
            "Target bernilai 0: capaian tidak dapat dihitung.",
            "Untuk 'nol kejadian' pakai indikator 'turun' dengan target kecil > 0 atau "
            "ubah menjadi persentase kepatuhan (target 100 %).",
        )
    )
    negative = (t < 0) | (lo < 0)
    parts.append(
        _finding(df, negative, "A", "galat", "Target negatif.", "Target harus bernilai positif.")
    )
    if realisasi is not None and len(realisasi):
        hist = (
            realisasi.assign(realisasi=pd.to_numeric(realisasi["realisasi"], errors="coerce"))
            .groupby("kode_indikator")["realisasi"]
            .agg(["min", "max", "count"])
        )
        h = df[["kode_indikator"]].join(hist, on="kode_indikator")
        tgt = t.fillna(lo)
        tgt_hi = t.fillna(hi)
        has = h["count"].fillna(0).to_numpy() >= 3
        naik = (arah == "naik").fillna(False).to_numpy()
        too_high = has & naik & (tgt_hi > h["max"]).to_numpy()
        too_low_turun = has & ~naik & (tgt < h["min"]).to_numpy()
        easy_naik = has & naik & (tgt_hi < h["min"]).to_numpy()
        easy_turun = has & ~naik & (tgt > h["max"]).to_numpy()
        fmt = lambda s: (  # noqa: E731
            "Target "
            + tgt[s.index].map(_ringkas)
            + " di luar rentang realisasi terdahulu ("
            + h.loc[s.index, "min"].map(_ringkas)
            + "–"
            + h.loc[s.index, "max"].map(_ringkas)
            + ")."
        )
        parts.append(
            _finding(
                df,
                too_high | too_low_turun,
                "A",
                "peringatan",
                fmt,
                "Target lebih sulit daripada semua realisasi terdahulu: pastikan sumber daya "
                "mendukung, atau naikkan target bertahap.",
            )
        )
        parts.append(
            _finding(
                df,
                easy_naik | easy_turun,
                "A",
                "peringatan",
                fmt,
                "Target lebih mudah dari semua realisasi terdahulu: pertimbangkan menaikkan "
                "target agar menantang.",
            )
        )
    # R: relevant
    no_jab = df["jabatan"].astype("string").fillna("").str.strip() == ""
    parts.append(
        _finding(
            df,
            no_jab,
            "R",
            "galat",
            "Indikator tidak terkait jabatan.",
            "Isi jabatan pemilik indikator.",
        )
    )
    if pegawai is not None and len(pegawai):
        known = set(zip(pegawai["kode_instansi"], pegawai["jabatan"], strict=True))
        pairs = list(zip(df["kode_instansi"], df["jabatan"], strict=True))
        orphan = np.array([p not in known for p in pairs]) & ~no_jab.to_numpy()
        parts.append(
            _finding(
                df,
                orphan,
                "R",
                "peringatan",
                "Jabatan indikator tidak dipegang pegawai mana pun di instansi ini.",
                "Periksa ejaan jabatan (harus sama persis dengan tabel pegawai) atau hapus "
                "indikator yang tidak dipakai.",
            )
        )
    bad_w = df["bobot"].isna() | (df["bobot"] <= 0)
    parts.append(
        _finding(
            df,
            bad_w,
            "R",
            "galat",
            "Bobot kosong, nol atau negatif.",
            "Beri bobot positif sesuai kontribusi indikator terhadap hasil kerja jabatan.",
        )
    )
    # T: time-bound (measured in some period)
    if realisasi is not None and len(realisasi):
        never = ~df["kode_indikator"].isin(set(realisasi["kode_indikator"]))
        parts.append(
            _finding(
                df,
                never,
                "T",
                "peringatan",
                "Indikator tidak pernah diukur (tidak ada realisasi di periode mana pun).",
                "Tetapkan kapan diukur (bulanan/triwulanan/semesteran) dan siapa mencatat "
                "realisasinya.",
            )
        )
    # R: weights per jabatan
    sums = df.groupby(["kode_instansi", "jabatan"], dropna=False, sort=True)["bobot"].sum(
        min_count=1
    )
    off = sums[(sums - 100).abs() > 0.01]
    if len(off):
        w = off.reset_index()
        w["kode_indikator"] = ""
        w["kriteria"] = "R"
        w["tingkat"] = "galat"
        w["temuan"] = "Jumlah bobot indikator jabatan = " + w["bobot"].map(_ringkas) + " %."
        w["saran"] = "Sesuaikan bobot agar berjumlah tepat 100 % per instansi dan jabatan."
        parts.append(w[KOLOM_TEMUAN])
    found = [p for p in parts if len(p)]
    out = pd.concat(found, ignore_index=True) if found else None
    if out is None or out.empty:
        return pd.DataFrame(columns=KOLOM_TEMUAN)
    order = {"galat": 0, "peringatan": 1}
    out = out.assign(_o=out["tingkat"].map(order)).sort_values(
        ["kode_instansi", "jabatan", "_o", "kriteria", "kode_indikator"], kind="stable"
    )
    return out.drop(columns="_o").reset_index(drop=True)[KOLOM_TEMUAN]


# --------------------------------------------------------------------------- weights
def sensitivitas_bobot(
    wb,
    kode_indikator: str,
    bobot: ArrayLike | None = None,
    rules=None,
    periode="",
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> pd.DataFrame:
    """How the predikat shares of a jabatan move when one indicator's weight moves.

    The chosen indicator gets weight ``w``; the other indicators of the same instansi and
    jabatan are rescaled proportionally so that the weights still sum to 100. Capaian and
    the 360 composite stay as observed; the hasil kerja rating and the predikat are
    recomputed for every pegawai holding the jabatan.

    Parameters
    ----------
    wb : Workbook
    kode_indikator : str
    bobot : array-like of float, optional
        Weights to try (percent, 0–100). Default ``0, 10, ..., 100``.
    rules : Rules or str, optional
        6/2022 rules (default) for the thresholds and the matrix.
    periode : str, default "" (the latest period)
    ambang_anonimitas : int, default 3
        Anonymity threshold of the 360 composite
        (:func:`kinerja_calib.scoring.skor_perilaku`).

    Returns
    -------
    DataFrame
        ``bobot, predikat, jumlah, proporsi`` (one row per weight × predikat), plus the
        attribute ``attrs["bobot_asli"]`` (the indicator's current weight) and
        ``attrs["jabatan"]``.

    Notes
    -----
    Heads of unit are rated here on their own capaian (the unit-capaian rule of
    :func:`kinerja_calib.scoring.score_workbook` is not applied).
    """
    from .scoring import _komponen, predikat, rating_hasil_kerja

    r = _rules.resolve(rules)
    ind = wb.indikator
    hit = ind[ind["kode_indikator"] == kode_indikator]
    if hit.empty:
        raise ParameterError(f"Kode indikator '{kode_indikator}' tidak ada di tabel indikator.")
    inst, jab = hit["kode_instansi"].iloc[0], hit["jabatan"].iloc[0]
    bobot = np.arange(0.0, 101.0, 10.0) if bobot is None else _num(bobot, "bobot").ravel()
    if np.any((bobot < 0) | (bobot > 100)):
        raise ParameterError("Bobot yang dicoba harus di antara 0 dan 100.")
    sub = wb.untuk_instansi(inst)
    base, per_ind = _komponen(sub, r, periode, ambang_anonimitas)
    base = base[base["jabatan"] == jab]
    per_ind = per_ind[(per_ind["jabatan"] == jab) & per_ind["capaian"].notna()]
    cap_max = float(r.get_path("capaian.maksimum_per_indikator", np.inf))
    cap = per_ind["capaian"].clip(upper=cap_max).to_numpy(float)
    sel = (per_ind["kode_indikator"] == kode_indikator).to_numpy()
    orig = per_ind["bobot"].to_numpy(float)
    jab_w = ind[(ind["kode_instansi"] == inst) & (ind["jabatan"] == jab)]
    others = float(jab_w.loc[jab_w["kode_indikator"] != kode_indikator, "bobot"].sum())
    keys = pd.MultiIndex.from_arrays([per_ind["periode"], per_ind["nip"]])
    target_keys = pd.MultiIndex.from_arrays([base["periode"], base["nip"]])
    rows = []
    for w in bobot:  # a handful of weights, not a loop over employees
        scale = (100.0 - w) / others if others > 0 else 0.0
        wt = np.where(sel, w, orig * scale)
        num = pd.Series(wt * cap, index=keys).groupby(level=[0, 1]).sum()
        den = pd.Series(wt, index=keys).groupby(level=[0, 1]).sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            c = (num / den.where(den > 0)).reindex(target_keys).to_numpy()
        pred = predikat(rating_hasil_kerja(c, r), base["rating_perilaku"].to_numpy(object), r)
        counts = pd.Series(pred).value_counts().reindex(list(labels.PREDIKAT), fill_value=0)
        total = counts.sum()
        for lab, n in counts.items():
            rows.append((float(w), lab, int(n), n / total if total else np.nan))
    out = pd.DataFrame(rows, columns=["bobot", "predikat", "jumlah", "proporsi"])
    out["predikat"] = pd.Categorical(
        out["predikat"], categories=list(labels.PREDIKAT), ordered=True
    )
    out.attrs["bobot_asli"] = float(hit["bobot"].iloc[0])
    out.attrs["jabatan"] = jab
    out.attrs["kode_instansi"] = inst
    out.attrs["nama_indikator"] = str(hit["nama_indikator"].iloc[0])
    return out


def contoh_indikator() -> pd.DataFrame:
    """A small teaching catalogue (kesehatan and pendidikan), with deliberate flaws.

    Used by notebook 01: good indicators next to vague ones ("Meningkatkan kemampuan
    mengajar"), a missing unit, an inverted range and weights that do not sum to 100.
    """
    rows = [
        # kode, jabatan, nama, satuan, target, tmin, tmax, arah, bobot, aspek, sumber
        (
            "KES-1",
            "Perawat Ahli Pertama",
            "Jumlah pasien rawat jalan yang dilayani",
            "pasien",
            1200.0,
            None,
            None,
            "naik",
            40.0,
            "kuantitas",
            "laporan",
        ),
        (
            "KES-2",
            "Perawat Ahli Pertama",
            "Indeks kepuasan pasien terhadap pelayanan",
            "indeks",
            85.0,
            None,
            None,
            "naik",
            30.0,
            "kualitas",
            "survei",
        ),
        (
            "KES-3",
            "Perawat Ahli Pertama",
            "Rata-rata waktu tunggu pelayanan",
            "menit",
            30.0,
            None,
            None,
            "turun",
            30.0,
            "waktu",
            "laporan",
        ),
        (
            "DIK-1",
            "Guru Ahli Pertama",
            "Meningkatkan kemampuan mengajar",
            "",
            None,
            None,
            None,
            "naik",
            40.0,
            "kualitas",
            "umpan_balik",
        ),
        (
            "DIK-2",
            "Guru Ahli Pertama",
            "Pengelolaan kelas yang optimal",
            "skor",
            None,
            3.5,
            3.0,
            "naik",
            30.0,
            "kualitas",
            "umpan_balik",
        ),
        (
            "DIK-3",
            "Guru Ahli Pertama",
            "Skor observasi interaksi guru dengan siswa (1-4)",
            "skor",
            3.0,
            None,
            None,
            None,
            20.0,
            "kualitas",
            "umpan_balik",
        ),
    ]
    cols = [c for c in KOLOM["indikator"] if c != "kode_instansi"]
    df = pd.DataFrame(rows, columns=cols)
    df.insert(1, "kode_instansi", "CONTOH")
    for c in ("target", "target_min", "target_max", "bobot"):
        df[c] = df[c].astype(float)
    return df
