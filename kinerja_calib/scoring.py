"""Scoring: ratings, the 6/2022 predikat matrix, legacy numeric regimes, kurva distribusi.

Every regulatory number comes from a rules file (:mod:`kinerja_calib.rules`); nothing is
hard-coded here. All functions are vectorised over pandas Series / numpy arrays. Every
comparison of a score with a threshold (ratings, bands, kurva person counts) is made after
rounding both to 9 decimals (:mod:`kinerja_calib._presisi`), never on raw float noise.

The pieces, in the order the course uses them:

- :func:`nilai_capaian_iki` — PermenPANRB 8/2021 capaian (%) → nilai capaian IKI (0–120).
- :func:`rating_hasil_kerja`, :func:`rating_perilaku` — a capaian (%) or a 360 composite
  (1–5) → the three-level rating, with the instansi-configurable thresholds of the rules.
- :func:`predikat` — (rating hasil kerja, rating perilaku) → predikat (6/2022 matrix).
- :func:`kurva_constraints`, :func:`cek_kurva` — SE MenPANRB 3/2023 pola distribusi.
- :func:`skor_perilaku` — 360 composite per pegawai × periode (self excluded, shown apart).
- :func:`nilai_pp30`, :func:`predikat_pp30`, :func:`nilai_waktu_biaya`, :func:`nilai_pp46`,
  :func:`sebutan_pp46` — the legacy numeric regimes.
- :func:`score_workbook`, :func:`compare_regimes` — whole workbooks.
- :func:`rating_butir`, :func:`agregasi_rating`, :func:`rating_hasil_kerja_per_butir`,
  :func:`rating_perilaku_per_aspek` — per-item ratings and the regulation's "sebagian
  besar" aggregation (:mod:`kinerja_calib._butir`; how :func:`score_workbook` rates by
  default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from . import rules as _rules
from ._butir import (
    METODE_RATING,
    NAMA_CARA_RATING,
    agregasi_rating,
    keterangan_metode,
    metode_rating,
    penentu_perilaku,
    porsi_cara_rating,
    rating_butir,
    rating_hasil_kerja_per_butir,
    rating_perilaku_per_aspek,
)
from ._capaian import as_float, capaian_pegawai
from ._kurva import batas_kurva as _batas
from ._periode import pilih_periode as _pick_periode
from ._presisi import bulatkan, bulatkan_setengah_atas, tingkat
from .errors import ParameterError
from .privacy import AMBANG_BAWAAN

__all__ = [
    "METODE_RATING",
    "NAMA_CARA_RATING",
    "VARIAN_RATING",
    "agregasi_rating",
    "angka_kredit",
    "cek_kurva",
    "compare_regimes",
    "kepala_unit",
    "keterangan_metode",
    "kurva_constraints",
    "nilai_capaian_iki",
    "nilai_pp30",
    "nilai_pp46",
    "nilai_waktu_biaya",
    "predikat",
    "predikat_pp30",
    "porsi_cara_rating",
    "rating_butir",
    "rating_dari_skor",
    "rating_hasil_kerja",
    "rating_hasil_kerja_per_butir",
    "rating_perilaku",
    "rating_perilaku_per_aspek",
    "score_workbook",
    "sebutan_pp46",
    "sensitivitas_bobot",
    "skor_perilaku",
]

ArrayLike = Any


# --------------------------------------------------------------------------- helpers
def _rules_for(rules, default: str) -> _rules.Rules:
    return _rules.resolve(rules, default=default)


def _need_rezim(r: _rules.Rules, rezim: str, what: str) -> None:
    if r.rezim != rezim:
        raise ParameterError(
            f"{what} memerlukan aturan rezim '{rezim}', bukan '{r.rezim}' ({r.nama})."
        )


def _wrap(values: np.ndarray, like: Any, name: str | None = None):
    """Return ``values`` shaped like ``like``: Series keeps its index; scalars stay scalar."""
    if isinstance(like, pd.Series):
        return pd.Series(values, index=like.index, name=name or like.name)
    if np.ndim(like) == 0:
        return float(np.asarray(values))
    return values


def _float(x: ArrayLike) -> np.ndarray:
    if isinstance(x, pd.Series) and pd.api.types.is_numeric_dtype(x.dtype):
        return x.to_numpy(dtype=float, na_value=np.nan)
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
        return x.astype(float, copy=False)
    if isinstance(x, int | float) and not isinstance(x, bool):
        return np.asarray(float(x))
    try:
        return np.asarray(
            pd.to_numeric(pd.Series(np.ravel(np.asarray(x, dtype=object))), errors="raise"),
            dtype=float,
        ).reshape(np.shape(x))
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"Nilai harus berupa angka: {exc}.") from exc


def _is_scalar(x: Any) -> bool:
    if isinstance(x, list | tuple | np.ndarray | pd.Series | pd.Index | pd.Categorical):
        return False
    return x is None or isinstance(x, str) or np.ndim(x) == 0


def _codes(values: ArrayLike, categories: Sequence[str], what: str) -> np.ndarray:
    """Integer codes of ``values`` in ``categories`` (-1 for missing); unknown → error."""
    cats = list(categories)
    if _is_scalar(values):
        values = [values]
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    if isinstance(values, pd.Categorical) and list(values.categories) == cats:
        return np.asarray(values.codes, dtype=np.int64)
    arr = (
        values
        if isinstance(values, pd.Series | pd.Index | pd.Categorical)
        else (np.asarray(values, dtype=object).ravel())
    )
    found, uniques = pd.factorize(arr, use_na_sentinel=True)
    uniques = list(np.asarray(uniques, dtype=object))
    bad = [u for u in uniques if u not in cats]
    if bad:
        unknown = sorted(str(v) for v in bad)[:5]
        raise ParameterError(f"{what} tidak dikenal: {unknown}. Gunakan salah satu dari {cats}.")
    lookup = np.array([cats.index(u) for u in uniques] + [-1], dtype=np.int64)
    return lookup[found]  # sentinel -1 picks the trailing -1


def _categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(categories), ordered=True)


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
    r = _rules_for(rules, "pp-30-2019")
    _need_rezim(r, "pp-30-2019", "nilai_capaian_iki")
    cfg = r["nilai_capaian_iki"]
    xs = np.array([t["capaian"] for t in cfg["titik"]], dtype=float)
    ys = np.array([t["nilai_iki"] for t in cfg["titik"]], dtype=float)
    c = bulatkan(_float(capaian))  # 9 decimals: see kinerja_calib._presisi
    x = bulatkan_setengah_atas(c) if cfg["celah"] == "bulatkan" else c
    out = np.interp(x, bulatkan(xs), ys, left=ys[0], right=float(cfg["maksimum"]))
    out = np.where(np.isnan(c), np.nan, out)
    if target_maksimal is not None:
        tm = np.asarray(target_maksimal, dtype=bool)
        out = np.where(tm & (c >= 100.0), float(cfg["target_maksimal_nilai"]), out)
    return _wrap(np.asarray(out, dtype=float), capaian, "nilai_capaian_iki")


# --------------------------------------------------------------------------- ratings
def rating_dari_skor(skor: ArrayLike, batas_bawah: float, batas_atas: float) -> ArrayLike:
    """Three-level rating from a number: ``< batas_bawah`` → di bawah, ``>= batas_atas``
    → di atas, else sesuai ekspektasi. NaN stays missing. Returns an ordered categorical
    (a Series when ``skor`` is one).

    Score and thresholds are compared after rounding to 9 decimals
    (:mod:`kinerja_calib._presisi`): a composite computed as ``2.9999999999999996`` is 3.

    Examples
    --------
    >>> rating_dari_skor((0.4 * 2 + 0.2 * 5) / 0.6, 3.0, 4.0)
    'Sesuai ekspektasi'
    """
    x = bulatkan(_float(skor))
    lo, hi = bulatkan(batas_bawah), bulatkan(batas_atas)
    codes = np.where(x < lo, 0, np.where(x >= hi, 2, 1))
    codes = np.where(np.isnan(x), -1, codes).astype(np.int8).ravel()
    cat = _categorical(codes, labels.RATING)
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
    r = _rules_for(rules, "permenpanrb-6-2022")
    a = r.get_path("ambang.capaian")
    return rating_dari_skor(capaian, a["batas_bawah"], a["batas_atas"])


def rating_perilaku(skor: ArrayLike, rules=None) -> ArrayLike:
    """Rating perilaku from a 360 composite (scale of ``skala_360``, default 1–5).

    Thresholds ``ambang.perilaku.batas_bawah`` / ``batas_atas`` (UNCONFIRMED defaults 3 / 4).
    """
    r = _rules_for(rules, "permenpanrb-6-2022")
    a = r.get_path("ambang.perilaku")
    return rating_dari_skor(skor, a["batas_bawah"], a["batas_atas"])


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
    r = _rules_for(rules, "permenpanrb-6-2022")
    _need_rezim(r, "permenpanrb-6-2022", "predikat")
    scalar = _is_scalar(rating_hasil_kerja) and _is_scalar(rating_perilaku)
    h = _codes(rating_hasil_kerja, labels.RATING, "Rating hasil kerja")
    p = _codes(rating_perilaku, labels.RATING, "Rating perilaku")
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
    cat = _categorical(codes, labels.PREDIKAT)
    if scalar:
        return cat[0]
    for like in (rating_hasil_kerja, rating_perilaku):
        if isinstance(like, pd.Series) and len(like) == len(cat):
            return pd.Series(cat, index=like.index, name="predikat")
    return cat


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
    r = _rules_for(rules, "permenpanrb-6-2022")
    persen = r["angka_kredit"]["persen"]
    codes = _codes(predikat_pegawai, labels.PREDIKAT, "Predikat pegawai")
    pct = np.array([float(persen[p]) for p in labels.PREDIKAT] + [np.nan])[codes]
    out = np.asarray(bulan, dtype=float) / 12.0 * pct / 100.0 * _float(koefisien)
    if _is_scalar(predikat_pegawai):
        return float(np.ravel(out)[0])
    if isinstance(predikat_pegawai, pd.Series):
        return pd.Series(np.ravel(out), index=predikat_pegawai.index, name="angka_kredit")
    return np.ravel(out)


# --------------------------------------------------------------------------- kurva
_KURVA_COLUMNS = [
    "predikat_organisasi",
    "aturan",
    "predikat",
    "jenis",
    "proporsi",
    "minimal_orang",
    "terkonfirmasi",
    "keterangan",
]


def _check_org(predikat_organisasi: str) -> str:
    if predikat_organisasi not in labels.PREDIKAT_ORGANISASI:
        raise ParameterError(
            f"Predikat organisasi '{predikat_organisasi}' tidak dikenal. Pilih salah satu dari "
            f"{list(labels.PREDIKAT_ORGANISASI)}."
        )
    return predikat_organisasi


def kurva_constraints(predikat_organisasi: str, rules=None) -> pd.DataFrame:
    """The SE MenPANRB 3/2023 constraints on the employee predikat mix of one unit.

    Parameters
    ----------
    predikat_organisasi : str
        One of :data:`kinerja_calib.labels.PREDIKAT_ORGANISASI`.
    rules : Rules or str, optional
        A ``permenpanrb-6-2022`` regime (default).

    Returns
    -------
    pandas.DataFrame
        One row per constraint: ``predikat_organisasi``, ``aturan`` (short id, e.g.
        ``"Baik-3"``), ``predikat`` (tuple of employee predikat counted together), ``jenis``
        (``"min"`` | ``"maks"``), ``proporsi`` (share 0–1, NaN when none), ``minimal_orang``
        (int; 1 for "harus ada"), ``terkonfirmasi`` (bool: every number of the constraint is
        confirmed), ``keterangan`` (Indonesian).

    Notes
    -----
    All percentages come from one secondary paraphrase of the SE [S10a] and are
    UNCONFIRMED. Employee counts: ``maks`` allows ``floor(p·n)`` and ``min`` needs
    ``max(ceil(p·n), minimal_orang)`` under the default ``kurva.pembulatan``.

    Examples
    --------
    >>> kurva_constraints("Butuh Perbaikan")[["jenis", "proporsi"]].values.tolist()
    [['min', 0.6], ['maks', 0.1]]
    """
    r = _rules_for(rules, "permenpanrb-6-2022")
    _need_rezim(r, "permenpanrb-6-2022", "kurva_constraints")
    org = _check_org(predikat_organisasi)
    items = r["kurva"].get(org, ())
    rows = []
    for i, c in enumerate(items):
        base = f"kurva.{org}[{i}]"
        flags = [
            r.info(f"{base}.{k}")["terkonfirmasi"] or r.info(f"{base}.{k}")["ditetapkan_instansi"]
            for k in ("proporsi", "minimal_orang")
            if k in c
        ]
        rows.append(
            {
                "predikat_organisasi": org,
                "aturan": f"{org}-{i + 1}",
                "predikat": tuple(c["predikat"]),
                "jenis": c["jenis"],
                "proporsi": float(c.get("proporsi", np.nan)),
                "minimal_orang": int(c.get("minimal_orang", 0)),
                "terkonfirmasi": bool(all(flags)),
                "keterangan": c.get("keterangan", ""),
            }
        )
    return pd.DataFrame(rows, columns=_KURVA_COLUMNS)


def cek_kurva(
    predikat_pegawai: ArrayLike | pd.DataFrame,
    predikat_organisasi: str | Mapping | pd.Series,
    rules=None,
    by: str | Sequence[str] | None = None,
    semua: bool = False,
) -> pd.DataFrame:
    """Check employee predikat against the kurva distribusi of the organisation predikat.

    Parameters
    ----------
    predikat_pegawai : array-like of labels, or DataFrame
        The employee predikat of one unit (labels of :data:`labels.PREDIKAT`; missing values
        are ignored). With ``by``, a DataFrame with the ``by`` column(s) and a ``predikat``
        column (e.g. the output of :func:`score_workbook`).
    predikat_organisasi : str, mapping or Series
        The unit's predikat organisasi; with ``by``, a single label for all groups, or a
        mapping / Series from the group key (the ``by`` value, a tuple for several columns)
        to the label, or the name of a column of ``predikat_pegawai`` holding it.
    rules : Rules or str, optional
        A ``permenpanrb-6-2022`` regime (default).
    by : str or list of str, optional
        Grouping columns (e.g. ``"kode_instansi"``).
    semua : bool, default False
        Return every constraint (with ``terpenuhi``) instead of only the violated ones.

    Returns
    -------
    pandas.DataFrame
        Violated constraints (empty when compliant): the ``by`` columns, the columns of
        :func:`kurva_constraints`, ``n_pegawai``, ``jumlah`` (employees now in the counted
        predikat), ``batas`` (allowed maximum or required minimum, in persons),
        ``harus_pindah`` (employees that would have to move in or out), ``terpenuhi``.

    Examples
    --------
    >>> p = ["Baik"] * 8 + ["Butuh Perbaikan"] * 2
    >>> cek_kurva(p, "Baik")[["aturan", "jumlah", "batas", "harus_pindah"]].values.tolist()
    [['Baik-1', 8, 7, 1]]
    """
    r = _rules_for(rules, "permenpanrb-6-2022")
    _need_rezim(r, "permenpanrb-6-2022", "cek_kurva")
    mode = r.get_path("kurva.pembulatan")
    if by is None:
        if isinstance(predikat_pegawai, pd.DataFrame):
            values = predikat_pegawai["predikat"]
        else:
            values = predikat_pegawai
        frame = pd.DataFrame({"_grup": 0, "predikat": np.asarray(values, dtype=object)})
        keys = ["_grup"]
        if not isinstance(predikat_organisasi, str):
            raise ParameterError("Tanpa 'by', predikat_organisasi harus satu label teks.")
        org_of = {0: _check_org(predikat_organisasi)}
    else:
        keys = [by] if isinstance(by, str) else list(by)
        if not isinstance(predikat_pegawai, pd.DataFrame):
            raise ParameterError("Dengan 'by', predikat_pegawai harus DataFrame.")
        missing = [c for c in [*keys, "predikat"] if c not in predikat_pegawai.columns]
        if missing:
            raise ParameterError(f"Kolom {missing} tidak ada pada tabel predikat pegawai.")
        frame = predikat_pegawai
        org_of = None
    codes = _codes(frame["predikat"], labels.PREDIKAT, "Predikat pegawai")
    ok = codes >= 0
    onehot = np.zeros((len(frame), len(labels.PREDIKAT)), dtype=np.int64)
    onehot[np.nonzero(ok)[0], codes[ok]] = 1
    counts = pd.DataFrame(onehot, columns=list(labels.PREDIKAT))
    for k in keys:
        counts[k] = frame[k].to_numpy()
    counts = counts.groupby(keys, sort=True, dropna=False)[list(labels.PREDIKAT)].sum()
    group_keys = list(counts.index)

    # Organisation predikat per group.
    if org_of is None:
        if isinstance(predikat_organisasi, str) and predikat_organisasi in frame.columns:
            first = frame.groupby(keys, sort=True, dropna=False)[predikat_organisasi].first()
            org_of = dict(zip(first.index, first.to_numpy(), strict=True))
        elif isinstance(predikat_organisasi, str):
            org_of = dict.fromkeys(group_keys, _check_org(predikat_organisasi))
        else:
            mapping = dict(predikat_organisasi)
            org_of = {g: mapping.get(g) for g in group_keys}
            absent = [g for g, v in org_of.items() if v is None or pd.isna(v)]
            if absent:
                raise ParameterError(
                    f"Predikat organisasi tidak diberikan untuk {absent[:5]}; lengkapi "
                    "pemetaan predikat_organisasi."
                )
    for v in set(org_of.values()):
        _check_org(v)

    cons = pd.concat(
        [kurva_constraints(o, r) for o in labels.PREDIKAT_ORGANISASI if o in set(org_of.values())],
        ignore_index=True,
    )
    groups = pd.DataFrame(
        {"_key": group_keys, "predikat_organisasi": [org_of[g] for g in group_keys]}
    )
    long = groups.merge(cons, on="predikat_organisasi", how="inner")
    if long.empty:
        out = pd.DataFrame(
            columns=[
                *keys,
                *_KURVA_COLUMNS,
                "n_pegawai",
                "jumlah",
                "batas",
                "harus_pindah",
                "terpenuhi",
            ]
        )
        return out.drop(columns=["_grup"], errors="ignore")
    member = np.array(
        [[lab in tup for lab in labels.PREDIKAT] for tup in long["predikat"]], dtype=np.int64
    )
    cmat = counts.loc[long["_key"].tolist()].to_numpy()
    jumlah = (cmat * member).sum(axis=1)
    n = cmat.sum(axis=1)
    jenis = long["jenis"].to_numpy()
    batas = _batas(
        long["proporsi"].to_numpy(float),
        n.astype(float),
        jenis,
        long["minimal_orang"].to_numpy(float),
        mode,
    )
    pindah = np.where(jenis == "maks", jumlah - batas, batas - jumlah)
    pindah = np.clip(pindah, 0, None)
    long["n_pegawai"] = n
    long["jumlah"] = jumlah
    long["batas"] = batas.astype(np.int64)
    long["harus_pindah"] = pindah.astype(np.int64)
    long["terpenuhi"] = pindah == 0
    if len(keys) == 1:
        long[keys[0]] = long["_key"]
    else:
        for i, k in enumerate(keys):
            long[k] = [g[i] for g in long["_key"]]
    cols = [*keys, *_KURVA_COLUMNS, "n_pegawai", "jumlah", "batas", "harus_pindah", "terpenuhi"]
    out = long[cols]
    if not semua:
        out = out[~out["terpenuhi"]]
    out = out.drop(columns=["_grup"], errors="ignore").reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- 360
def skor_perilaku(
    penilaian_360: pd.DataFrame, rules=None, periode=None, ambang_anonimitas: int = AMBANG_BAWAAN
) -> pd.DataFrame:
    """The 360 perilaku composite per pegawai × periode (self excluded, shown apart).

    Parameters
    ----------
    penilaian_360 : DataFrame
        Long table ``periode, nip, nip_penilai, peran_penilai, aspek, nilai``.
    rules : Rules or str, optional
        Rules with ``bobot_peran`` (default ``permenpanrb-6-2022``; UNCONFIRMED defaults
        atasan 0.4, rekan 0.2, bawahan 0.2, pengguna_layanan 0.2, diri 0).
    periode : str, list or None
        ``None`` = every period, ``""`` = the latest, or labels.
    ambang_anonimitas : int, default 3
        Anonymity threshold: anonymous rater groups (rekan, bawahan, pengguna layanan) with
        fewer distinct raters per pegawai × periode are dropped first
        (:func:`kinerja_calib.privacy.suppress_360`); ``1`` keeps every rating.

    Returns
    -------
    DataFrame
        ``periode, nip, skor_perilaku, skor_diri, n_penilai`` (kept raters other than self)
        and ``skor_<peran>`` per role (mean over that role's kept raters and aspects).

    Notes
    -----
    Each role's score is the mean of all its ratings (raters × BerAKHLAK aspects). The
    composite is the weighted mean of the role scores present for that pegawai, with the
    weights renormalised over the roles present. A role with weight 0 (by default
    ``diri``) never enters the composite. A suppressed group is absent: it enters no score,
    no rating and no count, so the atasan (never suppressed) and the kept groups decide
    (see :mod:`kinerja_calib.privacy`).
    """
    from .privacy import suppress_360

    r = _rules_for(rules, "permenpanrb-6-2022")
    w_cfg = r.get_path("bobot_peran")
    roles = list(labels.PERAN_PENILAI)
    weights = np.array([float(w_cfg.get(k, 0.0)) for k in roles])
    df = penilaian_360
    per = _pick_periode(sorted(df["periode"].dropna().unique()), periode)
    if per is not None:
        df = df[df["periode"].isin(per)]
    df = suppress_360(df, ambang_anonimitas)[0]
    grp = df.groupby(["periode", "nip", "peran_penilai"], sort=True, observed=True)["nilai"]
    means = grp.mean().unstack("peran_penilai").reindex(columns=roles)
    raters = (
        df[df["peran_penilai"] != "diri"]
        .groupby(["periode", "nip"], sort=True, observed=True)["nip_penilai"]
        .nunique()
    )
    m = means.to_numpy(dtype=float)
    present = ~np.isnan(m)
    wm = np.where(present, weights, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        comp = np.where(wm.sum(1) > 0, np.nansum(m * wm, axis=1) / wm.sum(1), np.nan)
    out = pd.DataFrame(index=means.index)
    out["skor_perilaku"] = comp
    out["skor_diri"] = means["diri"].to_numpy(dtype=float)
    out["n_penilai"] = raters.reindex(means.index).fillna(0).astype(int).to_numpy()
    for k in roles:
        if k != "diri":
            out[f"skor_{k}"] = means[k].to_numpy(dtype=float)
    return out.reset_index()


# --------------------------------------------------------------------------- PP 30/2019
def _pita(x: np.ndarray, pita, extra_ok: np.ndarray | None = None) -> np.ndarray:
    """Index into ``pita`` (high → low) of the first band with x >= batas_bawah; -1 NaN.

    Compared at 9 decimals (:func:`kinerja_calib._presisi.tingkat`).
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
    r = _rules_for(rules, "pp-30-2019")
    _need_rezim(r, "pp-30-2019", "nilai_pp30")
    use = r["bobot"]["pakai_360"] if pakai_360 is None else pakai_360
    b = r["bobot"]["dengan_360" if use else "tanpa_360"]
    out = b["skp"] * _float(nilai_skp) + b["perilaku"] * _float(nilai_perilaku)
    return _wrap(np.asarray(out, dtype=float), nilai_skp, "nilai_pp30")


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
    r = _rules_for(rules, "pp-30-2019")
    _need_rezim(r, "pp-30-2019", "predikat_pp30")
    pita = r["predikat"]["pita"]
    x = _float(nilai)
    idx = _pita(x, pita)
    needs = np.array([bool(b.get("syarat_inovasi", False)) for b in pita])
    inov = np.broadcast_to(np.asarray(inovasi, dtype=bool), x.shape)
    demote = (idx >= 0) & needs[np.clip(idx, 0, None)] & ~inov
    idx = np.where(demote, idx + 1, idx)
    names = [b["label"] for b in pita][::-1]  # low → high
    codes = np.where(idx < 0, -1, len(pita) - 1 - idx).astype(np.int8).ravel()
    cat = _categorical(codes, names)
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
    r = _rules_for(rules, "pp-46-2011")
    _need_rezim(r, "pp-46-2011", "nilai_waktu_biaya")
    k = float(r["waktu_biaya"]["konstanta"])
    amb = float(r["waktu_biaya"]["ambang_efisiensi"])
    rv, tv = np.broadcast_arrays(_float(realisasi), _float(target))
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
    r = _rules_for(rules, "pp-46-2011")
    _need_rezim(r, "pp-46-2011", "nilai_pp46")
    b = r["bobot"]
    out = b["skp"] * _float(nilai_skp) + b["perilaku"] * _float(nilai_perilaku)
    return _wrap(bulatkan(out), nilai_skp, "nilai_pp46")


def sebutan_pp46(nilai: ArrayLike, rules=None) -> ArrayLike:
    """Sebutan PP 46/2011 (Perka BKN 1/2013): ≥ 91 Sangat Baik, 76–90 Baik, 61–75 Cukup,
    51–60 Kurang, ≤ 50 Buruk. Fractions between integer bands follow ``sebutan.pecahan``
    (default ``"turun"``: 90.5 → Baik; UNCONFIRMED).

    Examples
    --------
    >>> sebutan_pp46(91.0), sebutan_pp46(90.0), sebutan_pp46(50.0), sebutan_pp46(51.0)
    ('Sangat Baik', 'Baik', 'Buruk', 'Kurang')
    """
    r = _rules_for(rules, "pp-46-2011")
    _need_rezim(r, "pp-46-2011", "sebutan_pp46")
    x = _float(nilai)
    if r["sebutan"]["pecahan"] == "bulatkan":
        x = bulatkan_setengah_atas(x)
    pita = r["sebutan"]["pita"]
    idx = _pita(x, pita)
    names = [b["label"] for b in pita][::-1]
    codes = np.where(idx < 0, -1, len(pita) - 1 - idx).astype(np.int8).ravel()
    cat = _categorical(codes, names)
    if isinstance(nilai, pd.Series):
        return pd.Series(cat, index=nilai.index, name="sebutan_pp46")
    return cat[0] if np.ndim(nilai) == 0 else cat


def _konversi_perilaku(skor: np.ndarray, r: _rules.Rules) -> np.ndarray:
    k = r["konversi_perilaku"]
    xs = np.asarray(k["skala"], dtype=float)
    ys = np.asarray(k["nilai_perilaku"], dtype=float)
    x = bulatkan(skor)  # 2.9999999999999996 converts exactly like 3 (kinerja_calib._presisi)
    return np.where(np.isnan(x), np.nan, np.interp(x, xs, ys))


def _nilai_indikator_pp46(per_ind: pd.DataFrame, r: _rules.Rules) -> np.ndarray:
    real = per_ind["realisasi"].to_numpy(float)
    teff = per_ind["target_efektif"].to_numpy(float)
    turun = (per_ind["arah"].astype("string") == "turun").fillna(False).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        naik = np.where(teff == 0, np.nan, real / teff * 100.0)
    wb = np.asarray(nilai_waktu_biaya(real, teff, r), dtype=float)
    return np.where(turun, wb, naik)


# --------------------------------------------------------------------------- workbook
def kepala_unit(pegawai: pd.DataFrame) -> pd.Series:
    """Boolean Series (index aligned with ``pegawai``): the head of each unit kerja.

    A head is a pegawai whose atasan is outside the unit (or absent) and who is the atasan
    of at least one pegawai of the same unit (``kode_instansi`` + ``unit_kerja``).
    """
    unit = pegawai["kode_instansi"].astype("string") + "|" + pegawai["unit_kerja"].astype("string")
    unit_of = pd.Series(unit.to_numpy(), index=pegawai["nip"].to_numpy())
    unit_of = unit_of[~unit_of.index.duplicated()]
    at_unit = pegawai["nip_atasan"].map(unit_of)
    same = (at_unit == unit).fillna(False).to_numpy(bool)
    top = ~same
    bosses = set(pegawai.loc[same, "nip_atasan"].dropna())
    return pd.Series(
        top & pegawai["nip"].isin(bosses).to_numpy(), index=pegawai.index, name="kepala_unit"
    )


def _inovasi_flags(inovasi, nip: pd.Series) -> np.ndarray:
    if inovasi is None or inovasi is False:
        return np.zeros(len(nip), dtype=bool)
    if inovasi is True:
        return np.ones(len(nip), dtype=bool)
    if isinstance(inovasi, pd.Series):
        return nip.map(inovasi).fillna(False).astype(bool).to_numpy()
    return nip.isin(set(inovasi)).to_numpy()


_ID_COLS = ["nip", "kode_instansi", "unit_kerja", "jabatan", "periode"]


#: The ways of rating compared by :func:`compare_regimes` (name → metode, penentu).
VARIAN_RATING = {
    "per_butir_atasan": ("per_butir", "atasan"),
    "per_butir_komposit_360": ("per_butir", "komposit_360"),
    "rata_rata": ("rata_rata", "komposit_360"),
}


def _komponen(
    wb,
    r6: _rules.Rules,
    periode,
    ambang_anonimitas: int = AMBANG_BAWAAN,
    varian: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Base table (pegawai × periode with capaian, 360 and 6/2022 ratings) + per indikator.

    ``varian``: names of :data:`VARIAN_RATING` whose predikat is added as ``predikat_<name>``.
    """
    rea, r360 = wb.realisasi, wb.penilaian_360
    # a periode asked for may be in only one of the two tables (e.g. an instansi without 360
    # ratings): each table is read for the periods it has; unknown in both is an error
    if isinstance(periode, str | list | tuple) and periode != "":
        wanted = [periode] if isinstance(periode, str) else list(periode)
        ada = set()
        for t in (rea, r360):
            if t is not None:
                ada |= set(t["periode"].dropna())
        _pick_periode(sorted(ada), wanted)  # raises on a periode in neither table

        def untuk(t):
            return [p for p in wanted if t is not None and p in set(t["periode"].dropna())]

        per_rea, per_360 = untuk(rea), untuk(r360)
    else:
        per_rea = per_360 = periode
    cp = capaian_pegawai(wb, periode=per_rea, rules=r6)
    sp = (
        skor_perilaku(r360, r6, periode=per_360, ambang_anonimitas=ambang_anonimitas)
        if r360 is not None and len(r360) and per_360 != []
        else pd.DataFrame(columns=["periode", "nip", "skor_perilaku", "skor_diri", "n_penilai"])
    )
    periods = sorted(set(cp.per_pegawai["periode"]) | set(sp["periode"]))
    if not periods:
        raise ParameterError(
            "Tidak ada data realisasi maupun penilaian 360 untuk periode yang dipilih."
        )
    peg = wb.pegawai
    cols = [
        c
        for c in ["nip", "kode_instansi", "unit_kerja", "jabatan", "jenis_jabatan"]
        if c in peg.columns
    ]
    base = peg[cols].assign(kepala_unit=kepala_unit(peg).to_numpy())
    base = base.merge(
        pd.DataFrame({"periode": pd.array(periods, dtype=peg["nip"].dtype)}), how="cross"
    )
    base = base.merge(cp.per_pegawai, on=["periode", "nip"], how="left")
    base = base.merge(sp, on=["periode", "nip"], how="left")
    if "predikat_organisasi" in wb.instansi.columns:
        org = wb.instansi.set_index("kode_instansi")["predikat_organisasi"]
        base["predikat_organisasi"] = base["kode_instansi"].map(org)
    # Head of unit: the unit's capaian becomes the head's basis for the hasil kerja rating.
    unit_cap = base.groupby(["periode", "kode_instansi", "unit_kerja"], observed=True, sort=False)[
        "capaian"
    ].transform("mean")
    base["capaian_unit"] = unit_cap
    metode = r6.get_path("kepala_unit.metode", "individu")
    use_unit = base["kepala_unit"].to_numpy(bool) & (metode == "organisasi")
    basis = np.where(
        use_unit & base["capaian_unit"].notna().to_numpy(),
        base["capaian_unit"].to_numpy(float),
        base["capaian"].to_numpy(float),
    )
    base["capaian_dasar_rating"] = basis
    dari_unit = use_unit & base["capaian_unit"].notna().to_numpy()
    base = base.assign(
        **_ratings_6_2022(base, cp.per_indikator, wb, per_360, r6, ambang_anonimitas, dari_unit)
    )
    for nama in varian:
        metode, penentu = VARIAN_RATING[nama]
        v = _ratings_6_2022(
            base, cp.per_indikator, wb, per_360, r6, ambang_anonimitas, dari_unit, metode, penentu
        )
        base[f"predikat_{nama}"] = v["predikat"]
    order = [*_ID_COLS, *[c for c in base.columns if c not in _ID_COLS]]
    base = base[order].sort_values(["periode", "kode_instansi", "nip"], kind="stable")
    return base.reset_index(drop=True), cp.per_indikator


def _ratings_6_2022(
    base: pd.DataFrame,
    per_ind: pd.DataFrame,
    wb,
    per_360,
    r6: _rules.Rules,
    ambang_anonimitas: int,
    dari_unit: np.ndarray,
    metode: str | None = None,
    penentu: str | None = None,
) -> dict[str, Any]:
    """Rating hasil kerja, rating perilaku and predikat columns of ``base`` (same order).

    ``metode`` (default ``rating_per_butir.metode``): ``per_butir`` — each indicator and each
    BerAKHLAK aspect is rated, then "sebagian besar" (:mod:`kinerja_calib._butir`), perilaku
    decided by ``penentu`` (default ``perilaku.penentu``); ``rata_rata`` — the weighted mean
    capaian and the 360 composite against the thresholds (the rule before issue 19). A head
    of unit rated on the unit (``dari_unit``) gets the rating of the unit's capaian as one
    item in both methods.
    """
    metode = metode_rating(r6) if metode is None else metode
    penentu = penentu_perilaku(r6) if penentu is None else penentu
    key = ["periode", "nip"]
    idx = base[key]
    hk_cnt = rating_hasil_kerja_per_butir(wb, rules=r6, per_indikator=per_ind)
    hk_cnt = idx.merge(hk_cnt, on=key, how="left")
    r360 = wb.penilaian_360
    if r360 is not None and len(r360) and per_360 != []:
        pr = rating_perilaku_per_aspek(
            r360, mode=penentu, rules=r6, periode=per_360, ambang_anonimitas=ambang_anonimitas
        )
    else:
        pr = pd.DataFrame(columns=[*key, "rating_perilaku", "n_di_atas", "n_di_bawah"])
        pr = pr.assign(penentu=None, rating_360_lain=None, selisih_360=False)
    pr = idx.merge(pr, on=key, how="left")
    out: dict[str, Any] = {}
    rh_avg = np.asarray(rating_hasil_kerja(base["capaian_dasar_rating"], r6), dtype=object)
    if metode == "per_butir":
        rh = np.where(dari_unit, rh_avg, hk_cnt["rating_hasil_kerja"].astype(object).to_numpy())
        rp = pr["rating_perilaku"].astype(object).to_numpy()
        pen = pr["penentu"].astype(object).to_numpy()
    else:
        rh = rh_avg
        rp = np.asarray(rating_perilaku(base["skor_perilaku"].astype(float), r6), dtype=object)
        pen = np.where(base["skor_perilaku"].notna(), "komposit_360", None)
    cat = pd.CategoricalDtype(list(labels.RATING), ordered=True)
    out["rating_hasil_kerja"] = pd.Series(rh, index=base.index).astype(cat)
    out["rating_perilaku"] = pd.Series(rp, index=base.index).astype(cat)
    out["predikat"] = predikat(out["rating_hasil_kerja"], out["rating_perilaku"], r6)
    out["metode_rating"] = metode
    out["penentu_perilaku"] = pd.Series(pen, index=base.index).astype(object)
    out["n_indikator_di_atas"] = hk_cnt["n_di_atas"].to_numpy()
    out["n_indikator_di_bawah"] = hk_cnt["n_di_bawah"].to_numpy()
    out["n_utama_di_bawah"] = hk_cnt["n_utama_di_bawah"].to_numpy()
    out["n_aspek_di_atas"] = pr["n_di_atas"].to_numpy()
    out["n_aspek_di_bawah"] = pr["n_di_bawah"].to_numpy()
    out["rating_360_lain"] = pd.Series(
        pr["rating_360_lain"].astype(object).to_numpy(), index=base.index
    ).astype(cat)
    out["selisih_360"] = pr["selisih_360"].fillna(False).astype(bool).to_numpy() & (
        metode == "per_butir"
    )
    return out


def _weighted(per_ind: pd.DataFrame, values: np.ndarray, weighted: bool = True) -> pd.DataFrame:
    ok = ~np.isnan(values)
    w = per_ind["bobot"].to_numpy(float) if weighted else np.ones(len(per_ind))
    w = np.where(ok, w, 0.0)
    tmp = pd.DataFrame(
        {
            "periode": per_ind["periode"],
            "nip": per_ind["nip"],
            "wx": w * np.nan_to_num(values),
            "w": w,
        }
    )
    g = tmp.groupby(["periode", "nip"], sort=False, observed=True)[["wx", "w"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(g["w"] > 0, g["wx"] / g["w"], np.nan)
    return pd.DataFrame({"nilai": v}, index=g.index).reset_index()


def _numerik(
    base: pd.DataFrame, per_ind: pd.DataFrame, r: _rules.Rules, inovasi, pakai_360
) -> pd.DataFrame:
    """nilai_hasil_kerja, nilai_perilaku, nilai_akhir, predikat of a numeric regime."""
    if r.rezim == "pp-30-2019":
        v = np.asarray(nilai_capaian_iki(per_ind["capaian"].to_numpy(float), rules=r), float)
        hk = _weighted(per_ind, v)
    else:
        v = _nilai_indikator_pp46(per_ind, r)
        hk = _weighted(per_ind, v, weighted=r["skp"]["rata_rata"] == "bobot")
    nhk = base[["periode", "nip"]].merge(hk, on=["periode", "nip"], how="left")["nilai"]
    out = pd.DataFrame(index=base.index)
    out["nilai_hasil_kerja"] = nhk.to_numpy(float)
    out["nilai_perilaku"] = _konversi_perilaku(base["skor_perilaku"].to_numpy(float), r)
    if r.rezim == "pp-30-2019":
        out["nilai_akhir"] = np.asarray(
            nilai_pp30(
                out["nilai_hasil_kerja"].to_numpy(), out["nilai_perilaku"].to_numpy(), r, pakai_360
            ),
            float,
        )
        out["predikat"] = predikat_pp30(out["nilai_akhir"], _inovasi_flags(inovasi, base["nip"]), r)
    else:
        out["nilai_akhir"] = np.asarray(
            nilai_pp46(out["nilai_hasil_kerja"].to_numpy(), out["nilai_perilaku"].to_numpy(), r),
            float,
        )
        out["predikat"] = sebutan_pp46(out["nilai_akhir"], r)
    return out


def score_workbook(
    wb,
    rules="permenpanrb-6-2022",
    periode=None,
    inovasi=None,
    pakai_360: bool | None = None,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> pd.DataFrame:
    """Score every pegawai × periode of a workbook.

    Parameters
    ----------
    wb : Workbook
        See :func:`kinerja_calib.load_workbook`.
    rules : str, path or Rules, default "permenpanrb-6-2022"
        The regime: ``permenpanrb-6-2022`` (or an instansi copy/override of it),
        ``pp-30-2019`` or ``pp-46-2011``.
    periode : str, list or None
        ``None`` = every period, ``""`` = the latest, or labels.
    inovasi : Series (index nip → bool), iterable of nip, or bool, optional
        PP 30/2019 only: who "menciptakan ide baru ..." (needed for Sangat Baik).
    pakai_360 : bool, optional
        PP 30/2019 only: 60/40 instead of 70/30 (default from the rules: true).
    ambang_anonimitas : int, default 3
        Anonymity threshold of :func:`skor_perilaku`: anonymous 360 groups below it enter
        no score, rating, predikat or count.

    Returns
    -------
    DataFrame
        One row per pegawai × periode: ``nip, kode_instansi, unit_kerja, jabatan, periode,
        jenis_jabatan, kepala_unit, capaian`` (weighted mean of capaian per indikator,
        capped at ``capaian.maksimum_per_indikator``), ``bobot_terisi, n_indikator,
        skor_perilaku`` (360 composite, self excluded, role weights from the rules),
        ``skor_diri, n_penilai, skor_<peran>, predikat_organisasi, capaian_unit,
        capaian_dasar_rating`` (the unit's capaian for heads of unit, else their own),
        ``rating_hasil_kerja, rating_perilaku, predikat``, ``metode_rating``
        (``per_butir`` or ``rata_rata``, from ``rating_per_butir.metode``),
        ``penentu_perilaku`` (``atasan`` or ``komposit_360``: who decided the rating
        perilaku of that row), the per-item counts ``n_indikator_di_atas,
        n_indikator_di_bawah, n_utama_di_bawah, n_aspek_di_atas, n_aspek_di_bawah``,
        ``rating_360_lain`` (the per-aspect rating from the kept raters other than atasan
        and self) and ``selisih_360`` (the atasan decided and the others differ: for
        discussion, it changes nothing). For the numeric regimes also
        ``nilai_hasil_kerja`` (nilai SKP), ``nilai_perilaku`` (360 composite converted with
        ``konversi_perilaku``, UNCONFIRMED), ``nilai_akhir``, and ``predikat`` is that
        regime's predikat/sebutan (``predikat_6_2022`` keeps the 6/2022 one). Capaian per
        indicator: :func:`kinerja_calib.indicators.capaian_pegawai`.

    Notes
    -----
    Ratings follow the regulation's wording item by item by default
    (``rating_per_butir.metode = "per_butir"``): each indicator is rated from its own
    capaian, each BerAKHLAK aspect from the atasan's score (``perilaku.penentu =
    "atasan"``; a pegawai without an atasan rating falls back to the 360 composite), then
    "sebagian besar" with the hasil kerja utama condition (:mod:`kinerja_calib._butir`).
    ``"rata_rata"`` puts the thresholds on the weighted mean capaian and on the 360
    composite instead. Thresholds are instansi-configurable (UNCONFIRMED defaults); for a
    numeric regime the default 6/2022 rules are used for them. Heads of unit
    (:func:`kepala_unit`) are rated on the mean capaian of their unit when
    ``kepala_unit.metode = "organisasi"`` (default; an approximation of the organisation's
    capaian, UNCONFIRMED) — in both methods the unit's capaian is then their one item.
    """
    r = _rules.resolve(rules)
    if r.rezim not in ("permenpanrb-6-2022", "pp-30-2019", "pp-46-2011"):
        raise ParameterError(
            f"score_workbook tidak mengenal rezim '{r.rezim}'. Pilih permenpanrb-6-2022, "
            "pp-30-2019 atau pp-46-2011."
        )
    r6 = r if r.rezim == "permenpanrb-6-2022" else _rules.load("permenpanrb-6-2022")
    base, per_ind = _komponen(wb, r6, periode, ambang_anonimitas)
    if r.rezim == "permenpanrb-6-2022":
        return base
    num = _numerik(base, per_ind, r, inovasi, pakai_360)
    base = base.rename(columns={"predikat": "predikat_6_2022"})
    return pd.concat([base, num], axis=1)


def compare_regimes(
    wb,
    periode=None,
    inovasi=None,
    pakai_360: bool | None = None,
    rules: Mapping | None = None,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> pd.DataFrame:
    """How each pegawai fares under each regime (same data, three rule sets).

    Parameters
    ----------
    wb : Workbook
    periode, inovasi, pakai_360
        As in :func:`score_workbook`.
    rules : dict, optional
        Rules per regime name to use instead of the built-in files, e.g.
        ``{"permenpanrb-6-2022": kc.rules.load(overrides=...)}``.
    ambang_anonimitas : int, default 3
        As in :func:`score_workbook`.

    Returns
    -------
    DataFrame
        ``nip, kode_instansi, unit_kerja, jabatan, periode, capaian, skor_perilaku,
        predikat_6_2022`` (as the 6/2022 rules are configured), the 6/2022 predikat under
        each way of rating (:data:`VARIAN_RATING`): ``predikat_per_butir_atasan`` (per item,
        the atasan decides perilaku), ``predikat_per_butir_komposit_360`` (per item, the 360
        composite decides) and ``predikat_rata_rata`` (thresholds on the weighted mean
        capaian and the 360 composite, the rule before issue 19), then ``nilai_pp30,
        predikat_pp30, nilai_pp46, sebutan_pp46``.
    """
    given = dict(rules or {})
    r6 = _rules.resolve(given.get("permenpanrb-6-2022"), "permenpanrb-6-2022")
    r30 = _rules.resolve(given.get("pp-30-2019"), "pp-30-2019")
    r46 = _rules.resolve(given.get("pp-46-2011"), "pp-46-2011")
    base, per_ind = _komponen(wb, r6, periode, ambang_anonimitas, varian=tuple(VARIAN_RATING))
    n30 = _numerik(base, per_ind, r30, inovasi, pakai_360)
    n46 = _numerik(base, per_ind, r46, inovasi, pakai_360)
    out = base[[*_ID_COLS, "capaian", "skor_perilaku"]].copy()
    out["predikat_6_2022"] = base["predikat"]
    for nama in VARIAN_RATING:
        out[f"predikat_{nama}"] = base[f"predikat_{nama}"]
    out["nilai_pp30"] = n30["nilai_akhir"]
    out["predikat_pp30"] = n30["predikat"]
    out["nilai_pp46"] = n46["nilai_akhir"]
    out["sebutan_pp46"] = n46["predikat"]
    return out


# --------------------------------------------------------------------------- indicator weights
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
    :func:`kinerja_calib.scoring.score_workbook` is not applied). Weights matter only when
    ``rating_per_butir.metode = "rata_rata"`` (a threshold on the weighted mean capaian);
    under the regulation's per-item rating (``per_butir``, the default) items are counted,
    not weighted, so every weight gives the same shares (``attrs["metode"]`` says which).
    """
    r = _rules.resolve(rules)
    metode = metode_rating(r)
    ind = wb.indikator
    hit = ind[ind["kode_indikator"] == kode_indikator]
    if hit.empty:
        raise ParameterError(f"Kode indikator '{kode_indikator}' tidak ada di tabel indikator.")
    inst, jab = hit["kode_instansi"].iloc[0], hit["jabatan"].iloc[0]
    bobot = np.arange(0.0, 101.0, 10.0) if bobot is None else as_float(bobot, "bobot").ravel()
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
    if metode == "per_butir":
        rh_butir = rating_hasil_kerja_per_butir(sub, rules=r, per_indikator=per_ind)
        rh_butir = base[["periode", "nip"]].merge(rh_butir, on=["periode", "nip"], how="left")
    rows = []
    for w in bobot:  # a handful of weights, not a loop over employees
        scale = (100.0 - w) / others if others > 0 else 0.0
        wt = np.where(sel, w, orig * scale)
        num = pd.Series(wt * cap, index=keys).groupby(level=[0, 1]).sum()
        den = pd.Series(wt, index=keys).groupby(level=[0, 1]).sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            c = (num / den.where(den > 0)).reindex(target_keys).to_numpy()
        rh = (
            rh_butir["rating_hasil_kerja"].astype(object).to_numpy()
            if metode == "per_butir"
            else rating_hasil_kerja(c, r)
        )
        pred = predikat(rh, base["rating_perilaku"].to_numpy(object), r)
        counts = pd.Series(pred).value_counts().reindex(list(labels.PREDIKAT), fill_value=0)
        total = counts.sum()
        for lab, n in counts.items():
            rows.append((float(w), lab, int(n), n / total if total else np.nan))
    out = pd.DataFrame(rows, columns=["bobot", "predikat", "jumlah", "proporsi"])
    out["predikat"] = pd.Categorical(
        out["predikat"], categories=list(labels.PREDIKAT), ordered=True
    )
    out.attrs["metode"] = metode
    out.attrs["bobot_asli"] = float(hit["bobot"].iloc[0])
    out.attrs["jabatan"] = jab
    out.attrs["kode_instansi"] = inst
    out.attrs["nama_indikator"] = str(hit["nama_indikator"].iloc[0])
    return out
