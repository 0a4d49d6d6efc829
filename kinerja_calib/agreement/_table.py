"""Agreement by group for 360 data: one tidy row per instansi / wilayah / role / aspek."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..labels import PERAN_PENILAI
from ._alpha import krippendorff_alpha
from ._icc import icc
from ._kappa import fleiss_kappa, gwet_ac
from ._within import rwg

__all__ = [
    "STATISTICS",
    "agreement_table",
    "label_alpha",
    "label_icc",
    "label_rwg",
    "slot_table",
]

#: Statistics :func:`agreement_table` can compute (names of its ``statistics`` argument).
STATISTICS = ("icc1", "icc1k", "alpha", "rwg", "ac1", "fleiss")

_DESAIN = (
    "Penilai bersarang dalam pegawai yang dinilai (tiap pegawai punya penilai sendiri): "
    "kolom = urutan penilai 1..k dalam pegawai (dan peran), bukan identitas penilai. "
    "ICC(1) dihitung dengan ANOVA satu arah tak seimbang (koreksi n0); alpha Krippendorff "
    "memakai semua pasangan dalam pegawai; subjek dengan < 2 nilai dibuang."
)


def _bands(values, cuts: Sequence[float], names: Sequence[str], right: bool) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    idx = np.digitize(v, cuts, right=right)
    out = np.asarray(names, dtype=object)[idx]
    out = np.where(np.isnan(v), "data kurang", out)
    return out if out.ndim else out.item()


def label_icc(values):
    """Koo & Li (2016) bands: < 0,5 buruk; 0,5–0,75 sedang; 0,75–0,9 baik; > 0,9 sangat baik.

    >>> label_icc([0.3, 0.6, 0.8, 0.95]).tolist()
    ['buruk', 'sedang', 'baik', 'sangat baik']
    """
    return _bands(values, [0.5, 0.75, 0.9], ["buruk", "sedang", "baik", "sangat baik"], True)


def label_alpha(values):
    """Krippendorff (2004): α >= 0,800 andal; 0,667–0,800 tentatif; < 0,667 tidak andal.

    >>> label_alpha([0.5, 0.7, 0.85]).tolist()
    ['tidak andal', 'tentatif', 'andal']
    """
    return _bands(values, [0.667, 0.8], ["tidak andal", "tentatif", "andal"], False)


def label_rwg(values):
    """LeBreton & Senter (2008) bands for r_wg: 0–0,30 tidak sepakat … 0,91–1 sangat kuat.

    >>> label_rwg([0.2, 0.4, 0.6, 0.8, 0.95]).tolist()
    ['tidak sepakat', 'lemah', 'sedang', 'kuat', 'sangat kuat']
    """
    return _bands(
        values,
        [0.30, 0.50, 0.70, 0.90],
        ["tidak sepakat", "lemah", "sedang", "kuat", "sangat kuat"],
        True,
    )


def _attach(
    df: pd.DataFrame, by: list[str], pegawai: pd.DataFrame | None, instansi: pd.DataFrame | None
) -> pd.DataFrame:
    need_inst = any(c in by for c in ("kode_instansi", "wilayah")) and "kode_instansi" not in df
    if need_inst:
        if pegawai is None or not {"nip", "kode_instansi"} <= set(pegawai.columns):
            raise ParameterError(
                "Pengelompokan per kode_instansi/wilayah membutuhkan tabel pegawai (kolom nip, "
                "kode_instansi): agreement_table(..., pegawai=wb.pegawai, instansi=wb.instansi)."
            )
        df = df.assign(kode_instansi=df["nip"].map(pegawai.set_index("nip")["kode_instansi"]))
    if "wilayah" in by and "wilayah" not in df:
        if instansi is None or not {"kode_instansi", "wilayah"} <= set(instansi.columns):
            raise ParameterError(
                "Pengelompokan per wilayah membutuhkan tabel instansi (kolom kode_instansi, "
                "wilayah): agreement_table(..., instansi=wb.instansi)."
            )
        df = df.assign(
            wilayah=df["kode_instansi"].map(instansi.set_index("kode_instansi")["wilayah"])
        )
    absent = [c for c in by if c not in df.columns]
    if absent:
        raise ParameterError(
            f"Kolom pengelompokan {absent} tidak ada di tabel penilaian; kolom tersedia: "
            f"{list(df.columns)}."
        )
    return df


def _slots(
    df: pd.DataFrame, keys: list[str], subject: list[str], rater: str, value: str
) -> tuple[np.ndarray, pd.DataFrame, np.ndarray, np.ndarray]:
    """Positional wide table for all groups at once.

    Returns ``(wide, subjects, group_of_row, n_raters)``: ``wide`` has one row per (group,
    subject), rows sorted by group; ``subjects`` the key columns of each row; ``n_raters``
    the number of distinct raters per group.
    """
    cols = [*keys, *subject]
    s = df.groupby(cols, observed=True, sort=True, dropna=False).ngroup().to_numpy()
    # slot = position of the rating within its subject, in row order (slot numbers carry no
    # meaning; ICC(1) and alpha do not depend on them) — one stable sort, no rater sort
    order = np.argsort(s, kind="stable")
    s_sorted = s[order]
    start = np.r_[0, np.flatnonzero(np.diff(s_sorted)) + 1]
    first = np.repeat(start, np.diff(np.r_[start, s_sorted.size]))
    slot = np.empty_like(s)
    slot[order] = np.arange(s.size) - first
    n_s = int(s.max()) + 1 if s.size else 0
    wide = np.full((n_s, int(slot.max()) + 1 if s.size else 0), np.nan)
    wide[s, slot] = df[value].to_numpy(dtype=np.float64, na_value=np.nan)
    firsts = np.r_[order[start]] if s.size else np.array([], dtype=int)
    subjects = df.iloc[firsts][cols].reset_index(drop=True)
    g = (
        subjects.groupby(keys, observed=True, sort=True, dropna=False).ngroup().to_numpy()
        if keys
        else np.zeros(n_s, dtype=np.int64)
    )
    # distinct raters per group: unique (group, rater) pairs, hashed, then counted
    r_codes, r_uni = pd.factorize(df[rater])
    pair = pd.unique(g[s].astype(np.int64) * (len(r_uni) + 1) + r_codes)
    n_groups = int(g.max()) + 1 if g.size else 0
    n_rat = np.bincount(pair // (len(r_uni) + 1), minlength=n_groups)
    return wide, subjects, g, n_rat


def _prepare_values(df: pd.DataFrame, by: list[str], subject: list[str], rater: str, value: str):
    """Average over aspects per rater when ``aspek`` is not a grouping key."""
    if "aspek" in by or "aspek" not in df.columns:
        return df, False
    keys = list(dict.fromkeys([*by, *subject, rater]))
    out = df.groupby(keys, observed=True, sort=False, dropna=False)[value].mean().reset_index()
    return out, True


def slot_table(
    ratings: pd.DataFrame,
    *,
    peran: str | None = None,
    aspek: str | None = None,
    rater: str = "nip_penilai",
    value: str = "nilai",
) -> pd.DataFrame:
    """Wide table ratee × rater slot for one role (and optionally one aspect) of 360 data.

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table.
    peran : str, optional
        Keep only this rater role (``labels.PERAN_PENILAI``); ``None`` keeps all roles.
    aspek : str, optional
        Keep only this aspect; ``None`` averages each rater's ratings over the aspects (the
        rater's scale score for the ratee).

    Returns
    -------
    DataFrame
        Index (``periode``, ``nip``) or ``nip``; columns ``penilai_1 … penilai_k``.
        Ready for :func:`icc` with ``missing="unbalanced"``, :func:`krippendorff_alpha`,
        :func:`rwg` and :func:`reliability_curve`.
    """
    df = ratings
    if peran is not None:
        if peran not in PERAN_PENILAI:
            raise ParameterError(
                f"peran={peran!r} tidak dikenal; pilih dari {list(PERAN_PENILAI)}."
            )
        df = df[df["peran_penilai"] == peran]
    if aspek is not None:
        df = df[df["aspek"] == aspek]
    subject = [c for c in ("periode", "nip") if c in df.columns]
    by = ["aspek"] if aspek is not None else []
    df, _ = _prepare_values(df, by, subject, rater, value)
    wide, subjects, _, _ = _slots(df, [], subject, rater, value)
    index = (
        pd.MultiIndex.from_frame(subjects)
        if len(subject) > 1
        else pd.Index(subjects[subject[0]], name=subject[0])
    )
    cols = pd.Index([f"penilai_{i + 1}" for i in range(wide.shape[1])], name="slot")
    return pd.DataFrame(wide, index=index, columns=cols)


def agreement_table(
    ratings: pd.DataFrame,
    by: Sequence[str] = ("peran_penilai",),
    statistics: Sequence[str] = ("icc1", "icc1k", "alpha", "rwg"),
    *,
    pegawai: pd.DataFrame | None = None,
    instansi: pd.DataFrame | None = None,
    level: str = "interval",
    n_categories: int = 5,
    min_subjek: int = 5,
    rater: str = "nip_penilai",
    value: str = "nilai",
) -> pd.DataFrame:
    """Rater agreement per group of a long 360 table: one tidy row per group.

    Parameters
    ----------
    ratings : DataFrame
        ``penilaian_360``-shaped table (``periode, nip, nip_penilai, peran_penilai, aspek,
        nilai``); extra columns such as ``kode_instansi`` or ``wilayah`` may be pre-joined.
    by : sequence of str, default ("peran_penilai",)
        Grouping columns, any of ``kode_instansi``, ``wilayah``, ``peran_penilai``,
        ``aspek``, ``periode`` or other columns of ``ratings``. ``[]`` = one row overall.
    statistics : sequence of str
        Any of ``STATISTICS``: ``icc1`` (with 95 % CI), ``icc1k``, ``alpha``
        (Krippendorff, at ``level``), ``rwg`` (mean r_wg over subjects), ``ac1`` and
        ``fleiss`` (only with ``"aspek"`` in ``by``: they need the 1–5 categories).
    pegawai, instansi : DataFrame, optional
        Workbook tables used to attach ``kode_instansi`` (via ``nip``) and ``wilayah``.
    level : str, default "interval"
        Level for Krippendorff's α.
    n_categories : int, default 5
        Scale points (r_wg null variance, AC1 categories 1..n).
    min_subjek : int, default 5
        Groups with fewer subjects (ratees with >= 2 ratings) get NaN and "data kurang".

    Returns
    -------
    DataFrame
        Columns ``by…``, ``n_subjek`` (ratees with >= 2 ratings), ``n_penilai`` (distinct
        raters), ``n_penilaian``, ``rata_penilai`` (mean raters per ratee), ``rata_nilai`` (mean
        rating of the group, to read leniency next to agreement), the statistics,
        and the Indonesian labels ``kategori_icc`` (Koo & Li 2016), ``kategori_alpha``
        (Krippendorff 2004), ``kategori_rwg`` (LeBreton & Senter 2008). ``attrs["desain"]``
        explains the layout below.

    Notes
    -----
    In 360 data each ratee has *different* raters, so the wide table per group is ratee ×
    rater *slot* (raters numbered 1..k within the ratee, see :func:`to_wide` with
    ``positional=True``); the subject is the ratee in one ``periode``. ICC(1) is the form for
    raters nested in ratees and is estimated with the unbalanced one-way ANOVA
    (:func:`icc` ``missing="unbalanced"``); Krippendorff's α handles the layout naturally.
    Without ``"aspek"`` in ``by`` each rater's ratings are first averaged over the aspects
    (the rater's scale score for the ratee). When ``peran_penilai`` is not in ``by``, raters
    of all roles are pooled and role differences count as disagreement. Only aggregates
    leave this function: no rater identity appears in the output.
    """
    by = list(by)
    unknown = [s for s in statistics if s not in STATISTICS]
    if unknown:
        raise ParameterError(f"Statistik {unknown} tidak dikenal; pilih dari {list(STATISTICS)}.")
    for col in ("nip", rater, value):
        if col not in ratings.columns:
            raise ParameterError(f"Kolom '{col}' tidak ada di tabel penilaian.")
    if any(s in ("ac1", "fleiss") for s in statistics) and "aspek" not in by:
        raise ParameterError(
            "ac1/fleiss membutuhkan kategori 1..n per aspek: tambahkan 'aspek' ke by, "
            "atau pakai icc1/alpha untuk skor rata-rata aspek."
        )
    df = _attach(ratings, by, pegawai, instansi)
    subject = [c for c in ("periode", "nip") if c in df.columns and c not in by]
    df, averaged = _prepare_values(df, by, subject, rater, value)
    wide, subjects, g, n_rat = _slots(df, by, subject, rater, value)
    n_groups = int(g.max()) + 1 if g.size else 0
    bounds = np.searchsorted(g, np.arange(n_groups + 1))
    group_keys = (
        subjects.iloc[bounds[:-1]][by].reset_index(drop=True)
        if by
        else pd.DataFrame(index=range(n_groups))
    )
    cats = list(range(1, n_categories + 1))
    rows = []
    for i in range(n_groups):
        sub = wide[bounds[i] : bounds[i + 1]]
        m = (~np.isnan(sub)).sum(axis=1)
        used = m >= 2
        row: dict[str, float] = {
            "n_subjek": int(used.sum()),
            "n_penilai": int(n_rat[i]),
            "n_penilaian": int(m.sum()),
            "rata_penilai": float(m[used].mean()) if used.any() else math.nan,
            "rata_nilai": float(np.nanmean(sub)) if m.sum() else math.nan,
        }
        enough = used.sum() >= min_subjek
        if {"icc1", "icc1k"} & set(statistics):
            res = icc(sub, missing="unbalanced") if enough else None
            if "icc1" in statistics:
                row["icc1"] = res.at["ICC1", "icc"] if enough else math.nan
                row["icc1_ci_low"] = res.at["ICC1", "ci_low"] if enough else math.nan
                row["icc1_ci_high"] = res.at["ICC1", "ci_high"] if enough else math.nan
            if "icc1k" in statistics:
                row["icc1k"] = res.at["ICC1k", "icc"] if enough else math.nan
        if "alpha" in statistics:
            row["alpha"] = float(krippendorff_alpha(sub, level)) if enough else math.nan
        if "rwg" in statistics:
            row["rwg"] = float(np.nanmean(rwg(sub, n_categories))) if enough else math.nan
        if "ac1" in statistics:
            row["ac1"] = float(gwet_ac(sub, categories=cats)) if enough else math.nan
        if "fleiss" in statistics:
            row["fleiss"] = float(fleiss_kappa(sub, categories=cats)) if enough else math.nan
        rows.append(row)
    # the documented columns even with no group (an instansi without these ratings)
    cols = ["n_subjek", "n_penilai", "n_penilaian", "rata_penilai", "rata_nilai"]
    if "icc1" in statistics:
        cols += ["icc1", "icc1_ci_low", "icc1_ci_high"]
    cols += [c for c in ("icc1k", "alpha", "rwg", "ac1", "fleiss") if c in statistics]
    out = pd.concat([group_keys, pd.DataFrame(rows, columns=cols, dtype=float)], axis=1)
    for c in ("n_subjek", "n_penilai", "n_penilaian"):
        out[c] = out[c].astype("int64")
    if "icc1" in out:
        out["kategori_icc"] = label_icc(out["icc1"])
    elif "icc1k" in out:
        out["kategori_icc"] = label_icc(out["icc1k"])
    if "alpha" in out:
        out["kategori_alpha"] = label_alpha(out["alpha"])
    if "rwg" in out:
        out["kategori_rwg"] = label_rwg(out["rwg"])
    out.attrs["desain"] = _DESAIN + (
        " Nilai tiap penilai dirata-ratakan atas aspek." if averaged else ""
    )
    return out
