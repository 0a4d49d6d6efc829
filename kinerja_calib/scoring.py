"""Scoring: ratings, the 6/2022 predikat matrix, legacy numeric regimes, kurva distribusi.

Every regulatory number comes from a rules file (:mod:`kinerja_calib.rules`); nothing is
hard-coded here. All functions are vectorised over pandas Series / numpy arrays.

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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from . import rules as _rules
from .errors import ParameterError

__all__ = [
    "cek_kurva",
    "kurva_constraints",
    "nilai_capaian_iki",
    "predikat",
    "rating_dari_skor",
    "rating_hasil_kerja",
    "rating_perilaku",
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
        return values.item() if isinstance(values, np.ndarray) else values
    return values


def _float(x: ArrayLike) -> np.ndarray:
    try:
        return np.asarray(
            pd.to_numeric(pd.Series(np.ravel(np.asarray(x, dtype=object))), errors="raise"),
            dtype=float,
        ).reshape(np.shape(x))
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"Nilai harus berupa angka: {exc}.") from exc


def _codes(values: ArrayLike, categories: Sequence[str], what: str) -> np.ndarray:
    """Integer codes of ``values`` in ``categories`` (-1 for missing); unknown → error."""
    s = pd.Series(np.asarray(values, dtype=object).ravel())
    cat = pd.Categorical(s.where(s.notna(), None), categories=list(categories))
    codes = np.asarray(cat.codes)
    bad = s.notna().to_numpy() & (codes < 0)
    if bad.any():
        unknown = sorted({str(v) for v in s[bad]})[:5]
        raise ParameterError(
            f"{what} tidak dikenal: {unknown}. Gunakan salah satu dari {list(categories)}."
        )
    return codes


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
    c = _float(capaian)
    x = np.floor(c + 0.5) if cfg["celah"] == "bulatkan" else c
    out = np.interp(x, xs, ys, left=ys[0], right=float(cfg["maksimum"]))
    out = np.where(np.isnan(c), np.nan, out)
    if target_maksimal is not None:
        tm = np.asarray(target_maksimal, dtype=bool)
        out = np.where(tm & (c >= 100.0), float(cfg["target_maksimal_nilai"]), out)
    return _wrap(np.asarray(out, dtype=float), capaian, "nilai_capaian_iki")


# --------------------------------------------------------------------------- ratings
def rating_dari_skor(skor: ArrayLike, batas_bawah: float, batas_atas: float) -> ArrayLike:
    """Three-level rating from a number: ``< batas_bawah`` → di bawah, ``>= batas_atas``
    → di atas, else sesuai ekspektasi. NaN stays missing. Returns an ordered categorical
    (a Series when ``skor`` is one)."""
    x = _float(skor)
    codes = np.where(x < batas_bawah, 0, np.where(x >= batas_atas, 2, 1))
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
    scalar = np.ndim(rating_hasil_kerja) == 0 and np.ndim(rating_perilaku) == 0
    h = _codes(
        np.atleast_1d(np.asarray(rating_hasil_kerja, dtype=object)),
        labels.RATING,
        "Rating hasil kerja",
    )
    p = _codes(
        np.atleast_1d(np.asarray(rating_perilaku, dtype=object)), labels.RATING, "Rating perilaku"
    )
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


def _batas(p: np.ndarray, n: np.ndarray, jenis: np.ndarray, mo: np.ndarray, mode: str):
    pn = np.where(np.isnan(p), np.nan, p * n)
    eps = 1e-9
    if mode == "ke_bawah_untuk_maks_ke_atas_untuk_min":
        maks, mins = np.floor(pn + eps), np.ceil(pn - eps)
    elif mode == "ke_atas_untuk_maks_ke_bawah_untuk_min":
        maks, mins = np.ceil(pn - eps), np.floor(pn + eps)
    else:  # terdekat, half up
        maks = mins = np.floor(pn + 0.5 + eps)
    is_max = jenis == "maks"
    batas = np.where(is_max, maks, np.fmax(np.nan_to_num(mins, nan=0.0), mo))
    batas = np.where(is_max & np.isnan(p), n, batas)
    return batas.astype(float)


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
    codes = _codes(frame["predikat"].to_numpy(dtype=object), labels.PREDIKAT, "Predikat pegawai")
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
