"""Competency gaps and Job Person Match (JPM), PermenPANRB 38/2017.

A pegawai's competency profile holds, per competency (8 manajerial + Perekat Bangsa,
plus any teknis), a required ``level_standar`` and an assessed ``level_aktual`` on the
1-5 scale. The *Job Person Match* is

    JPM = sum(level aktual) / sum(level standar) x 100 %

as worded in BKN-format assessment reports [S29], with categories Optimal (>= 90 %),
Cukup Optimal (78 % <= JPM < 90 %) and Kurang Optimal (< 78 %) [S29a]. Whether each
actual level is capped at the standard before summing (``batasi``) is UNCONFIRMED;
the default is no cap (a public report shows JPM 138.89 %). The thresholds 90/78 are
UNCONFIRMED at BKN-regulation level. Both live in ``rules/kompetensi-38-2017.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ._precision import tingkat
from ._rules_access import ambil, load
from .errors import DataError, ParameterError, Problem

__all__ = [
    "daftar_kompetensi",
    "jpm",
    "jpm_table",
    "kategori_jpm",
    "kesenjangan",
    "matriks_kesenjangan",
    "ringkasan_kompetensi",
    "untuk_pegawai",
]

_DEFAULT_RULES = "kompetensi-38-2017"
_KOLOM = ("nip", "kompetensi", "level_standar", "level_aktual")


def untuk_pegawai(wb, nip=None) -> pd.DataFrame:
    """The competency rows of a workbook, optionally only for the pegawai in ``nip``.

    An empty table with the ``kompetensi`` columns when the workbook has none (the table is
    optional), so :func:`jpm_table` and :func:`matriks_kesenjangan` return empty results.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> list(untuk_pegawai(SimpleNamespace(kompetensi=None)).columns)
    ['nip', 'kompetensi', 'level_standar', 'level_aktual']
    """
    t = getattr(wb, "kompetensi", None)
    if t is None:
        return pd.DataFrame(
            {
                "nip": pd.Series(dtype=object),
                "kompetensi": pd.Series(dtype=object),
                "level_standar": pd.Series(dtype=float),
                "level_aktual": pd.Series(dtype=float),
            }
        )
    return t if nip is None else t.loc[t["nip"].isin(pd.Series(nip))]


def _rules(rules: Any) -> Mapping[str, Any]:
    return load(rules, _DEFAULT_RULES)


def daftar_kompetensi(rules: Any = None) -> pd.DataFrame:
    """Return the competency dictionary (``kode``, ``nama``, ``jenis``) in regulation order.

    Examples
    --------
    >>> daftar_kompetensi()["nama"].iloc[0]
    'Integritas'
    """
    r = _rules(rules)
    rows = [
        {"kode": ambil(k, "kode"), "nama": ambil(k, "nama"), "jenis": ambil(k, "jenis")}
        for k in ambil(r, "kompetensi")
    ]
    return pd.DataFrame(rows)


def _batasi(batasi: bool | None, r: Mapping[str, Any]) -> bool:
    value = ambil(r, "jpm", "batasi") if batasi is None else batasi
    if not isinstance(value, bool | np.bool_):
        raise ParameterError("batasi harus True atau False.")
    return bool(value)


def jpm(
    level_aktual: Any,
    level_standar: Any,
    batasi: bool | None = None,
    rules: Any = None,
) -> float | np.ndarray:
    """Job Person Match in percent.

    Parameters
    ----------
    level_aktual, level_standar : array-like
        Levels (1-5) of the same competencies. 1-D: one pegawai, returns a float.
        2-D (rows = pegawai, columns = competencies): returns one JPM per row. Pairs where
        either level is NaN are left out of both sums.
    batasi : bool, optional
        Cap each actual level at its standard before summing (JPM <= 100 %). UNCONFIRMED
        rule; default from the rules file (shipped as ``False``).
    rules : str, path or mapping, optional
        Rules to use (default ``"kompetensi-38-2017"``).

    Returns
    -------
    float or numpy.ndarray
        JPM in percent (NaN when no competency has both levels).

    References
    ----------
    [S29] BKN-format "Laporan Individual Hasil Penilaian Kompetensi": "nilai total kompetensi
    Saudara ... adalah [sum of levels] dari total [sum of standards] atau setara dengan X %
    Job Person Match".

    Examples
    --------
    >>> jpm([3, 3, 2, 4], [3, 3, 3, 3])
    100.0
    >>> jpm([3, 3, 2, 4], [3, 3, 3, 3], batasi=True)
    91.66666666666666
    """
    r = _rules(rules)
    cap = _batasi(batasi, r)
    a = np.asarray(level_aktual, dtype=float)
    s = np.asarray(level_standar, dtype=float)
    if a.shape != s.shape:
        raise ParameterError(
            f"level_aktual dan level_standar harus berukuran sama ({a.shape} vs {s.shape})."
        )
    if a.ndim not in (1, 2):
        raise ParameterError("level_aktual harus 1-D (satu pegawai) atau 2-D (baris = pegawai).")
    ok = ~(np.isnan(a) | np.isnan(s))
    if cap:
        a = np.minimum(a, s)
    num = np.where(ok, a, 0.0).sum(axis=-1)
    den = np.where(ok, s, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0) * 100.0, np.nan)
    return float(out) if out.ndim == 0 else out


def kategori_jpm(value: Any, rules: Any = None) -> Any:
    """JPM category (Kurang Optimal / Cukup Optimal / Optimal) of JPM percentages.

    Parameters
    ----------
    value : float, array-like or pandas.Series
        JPM in percent.
    rules : str, path or mapping, optional
        Rules to use (default ``"kompetensi-38-2017"``; thresholds ``jpm.kategori``).

    Returns
    -------
    str, numpy.ndarray or pandas.Series
        Same shape as ``value``; NaN gives None / missing.

    Notes
    -----
    Optimal: JPM >= 90; Cukup Optimal: 78 <= JPM < 90; Kurang Optimal: JPM < 78
    (Peraturan BRIN 3/2023 Pasal 33 [S29a]; 90/78 UNCONFIRMED in BKN regulation text).
    JPM and bounds are compared after rounding to 9 decimals (:mod:`kinerja_calib._precision`).

    Examples
    --------
    >>> kategori_jpm([77.99, 78.0, 89.99, 90.0]).tolist()
    ['Kurang Optimal', 'Cukup Optimal', 'Cukup Optimal', 'Optimal']
    """
    r = _rules(rules)
    names = np.asarray(ambil(r, "jpm", "kategori", "nama"), dtype=object)
    bawah = np.asarray(ambil(r, "jpm", "kategori", "batas_bawah"), dtype=float)
    scalar = np.ndim(value) == 0 and not isinstance(value, pd.Series)
    index = value.index if isinstance(value, pd.Series) else None
    raw = np.atleast_1d(np.asarray(value, dtype=object)).ravel()
    x = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=float)
    finite = np.isfinite(x)
    # the last category whose lower bound is reached, compared at 9 decimals
    # (kinerja_calib._precision): 0.3 * 3 * 100 = 89.99999999999999 is Optimal
    idx = np.clip(tingkat(np.where(finite, x, 0.0), bawah) - 1, 0, len(names) - 1)
    out = np.where(finite, names[idx], None)
    if scalar:
        return out[0]
    if index is not None:
        return pd.Series(out, index=index, dtype="str", name="kategori")
    return out


def _check(kompetensi: pd.DataFrame, r: Mapping[str, Any], by: str) -> pd.DataFrame:
    if not isinstance(kompetensi, pd.DataFrame):
        raise ParameterError("kompetensi harus DataFrame berbentuk tabel kompetensi.")
    need = [by, *_KOLOM[1:]]
    missing = [c for c in need if c not in kompetensi.columns]
    if missing:
        raise DataError(
            [
                Problem("kompetensi", None, c, "Kolom wajib tidak ada; tambahkan kolom ini.")
                for c in missing
            ]
        )
    lo, hi = ambil(r, "level", "minimum"), ambil(r, "level", "maksimum")
    data = kompetensi.copy()
    problems = []
    numbered = isinstance(data.index, pd.RangeIndex)
    for col in ("level_standar", "level_aktual"):
        raw = data[col]
        num = pd.to_numeric(raw, errors="coerce").astype(float)
        bad = raw.notna() & (num.isna() | (num < lo) | (num > hi))
        pos = np.flatnonzero(bad.to_numpy())
        problems += [
            Problem(
                "kompetensi",
                int(i) + 2 if numbered else None,
                col,
                f"Level {raw.iloc[i]!r} di luar skala {lo}-{hi}; isi angka {lo}-{hi}.",
            )
            for i in pos[:200]
        ]
        data[col] = num
    if problems:
        raise DataError(problems)
    return data


def kesenjangan(kompetensi: pd.DataFrame, rules: Any = None) -> pd.DataFrame:
    """Competency gaps, one row per pegawai x competency.

    Parameters
    ----------
    kompetensi : pandas.DataFrame
        The ``kompetensi`` table (``nip, kompetensi, level_standar, level_aktual``).
    rules : str, path or mapping, optional
        Rules to use (default ``"kompetensi-38-2017"``).

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``kesenjangan`` (= level_aktual - level_standar; negative =
        below standard) and ``memenuhi_standar`` (bool; missing when a level is missing).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"nip": ["1", "1"], "kompetensi": ["Integritas", "Kerjasama"],
    ...                   "level_standar": [3, 3], "level_aktual": [4, 2]})
    >>> kesenjangan(t)["kesenjangan"].tolist()
    [1.0, -1.0]
    """
    data = _check(kompetensi, _rules(rules), "nip")
    data["kesenjangan"] = data["level_aktual"] - data["level_standar"]
    data["memenuhi_standar"] = (data["kesenjangan"] >= 0).astype("boolean")
    data.loc[data["kesenjangan"].isna(), "memenuhi_standar"] = pd.NA
    return data


def jpm_table(
    kompetensi: pd.DataFrame,
    batasi: bool | None = None,
    by: str = "nip",
    rules: Any = None,
) -> pd.DataFrame:
    """JPM, category and gaps per pegawai from the long ``kompetensi`` table.

    Parameters
    ----------
    kompetensi : pandas.DataFrame
        The ``kompetensi`` table: ``nip, kompetensi, level_standar, level_aktual`` (1-5).
    batasi : bool, optional
        Cap each actual level at its standard before summing; default from the rules
        (``False``; UNCONFIRMED rule).
    by : str
        The pegawai key column (default ``"nip"``).
    rules : str, path or mapping, optional
        Rules to use (default ``"kompetensi-38-2017"``).

    Returns
    -------
    pandas.DataFrame
        One row per pegawai: ``nip``, ``n_kompetensi``, ``jumlah_level_aktual``,
        ``jumlah_level_standar``, ``jpm`` (%), ``kategori``, ``n_kompetensi_kurang``,
        ``total_kesenjangan`` (sum of the negative gaps, <= 0) and ``kompetensi_kurang``
        (tuple of the competencies below standard, largest gap first).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"nip": ["1", "1", "2", "2"],
    ...                   "kompetensi": ["Integritas", "Kerjasama"] * 2,
    ...                   "level_standar": [3, 3, 3, 3], "level_aktual": [3, 2, 4, 3]})
    >>> jpm_table(t)[["nip", "jpm", "kategori", "kompetensi_kurang"]].to_dict("records")[0]
    {'nip': '1', 'jpm': 83.33333333333334, 'kategori': 'Cukup Optimal', 'kompetensi_kurang': ('Kerjasama',)}
    """
    r = _rules(rules)
    cap = _batasi(batasi, r)
    data = _check(kompetensi, r, by)
    ok = data["level_aktual"].notna() & data["level_standar"].notna()
    data = data.loc[ok]
    data = data.assign(
        _aktual=np.minimum(data["level_aktual"], data["level_standar"])
        if cap
        else data["level_aktual"],
        kesenjangan=data["level_aktual"] - data["level_standar"],
    )
    g = data.groupby(by, sort=True)
    out = pd.DataFrame(
        {
            "n_kompetensi": g.size(),
            "jumlah_level_aktual": g["_aktual"].sum(),
            "jumlah_level_standar": g["level_standar"].sum(),
        }
    )
    out["jpm"] = np.where(
        out["jumlah_level_standar"] > 0,
        out["jumlah_level_aktual"] / out["jumlah_level_standar"].where(lambda s: s > 0) * 100.0,
        np.nan,
    )
    out["kategori"] = kategori_jpm(out["jpm"], rules=r)
    kurang = data.loc[data["kesenjangan"] < 0].sort_values([by, "kesenjangan"], kind="stable")
    gk = kurang.groupby(by, sort=False)
    out["n_kompetensi_kurang"] = gk.size().reindex(out.index, fill_value=0).astype("int64")
    out["total_kesenjangan"] = gk["kesenjangan"].sum().reindex(out.index, fill_value=0.0)
    kosong = pd.Series([()] * len(out), index=out.index, dtype=object)
    out["kompetensi_kurang"] = gk["kompetensi"].agg(tuple).combine_first(kosong)
    out.attrs["batasi"] = cap
    return out.reset_index()


def matriks_kesenjangan(
    kompetensi: pd.DataFrame,
    by: str = "nip",
    rules: Any = None,
) -> pd.DataFrame:
    """Mean gap (level aktual - level standar) per group x competency, wide.

    Parameters
    ----------
    kompetensi : pandas.DataFrame
        The ``kompetensi`` table, optionally merged with a grouping column such as
        ``unit_kerja`` or ``kode_instansi`` (merge it from ``pegawai`` first).
    by : str
        Row grouping (default ``"nip"``: one row per pegawai).
    rules : str, path or mapping, optional
        Rules to use; the dictionary order of competencies orders the columns
        (unknown competencies, e.g. teknis, follow in alphabetical order).

    Returns
    -------
    pandas.DataFrame
        Rows = groups, columns = competencies, values = mean gap (negative = below
        standard). Ready for :func:`kinerja_calib.plots.talent.heatmap_kesenjangan`.
    """
    r = _rules(rules)
    data = _check(kompetensi, r, by)
    data["kesenjangan"] = data["level_aktual"] - data["level_standar"]
    wide = data.pivot_table(index=by, columns="kompetensi", values="kesenjangan", aggfunc="mean")
    known = [k for k in daftar_kompetensi(r)["nama"] if k in wide.columns]
    rest = sorted(c for c in wide.columns if c not in known)
    wide = wide[known + rest]
    wide.columns.name = "kompetensi"
    return wide


def ringkasan_kompetensi(kompetensi: pd.DataFrame, rules: Any = None) -> pd.DataFrame:
    """Per competency: mean gap and how many pegawai are below standard.

    Parameters
    ----------
    kompetensi : pandas.DataFrame
        The ``kompetensi`` table.
    rules : str, path or mapping, optional
        Competency rules (default ``"kompetensi-38-2017"``); orders the rows by the
        dictionary (other competencies follow alphabetically).

    Returns
    -------
    pandas.DataFrame
        One row per competency: ``kompetensi``, ``n_pegawai``, ``kesenjangan_rata_rata``,
        ``pegawai_di_bawah_standar`` and ``persen_di_bawah_standar``, sorted from the
        largest mean gap (most negative) to the smallest.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"nip": ["1", "2"], "kompetensi": ["Integritas"] * 2,
    ...                   "level_standar": [3, 3], "level_aktual": [2, 4]})
    >>> r = ringkasan_kompetensi(t)
    >>> float(r["kesenjangan_rata_rata"].iloc[0]), int(r["pegawai_di_bawah_standar"].iloc[0])
    (0.0, 1)
    """
    data = kesenjangan(kompetensi, rules=rules)
    data = data.loc[data["kesenjangan"].notna()].assign(_kurang=lambda d: d["kesenjangan"] < 0)
    g = data.groupby("kompetensi", sort=False)
    out = pd.DataFrame(
        {
            "n_pegawai": g["nip"].nunique(),
            "kesenjangan_rata_rata": g["kesenjangan"].mean(),
            "pegawai_di_bawah_standar": g["_kurang"].sum().astype("int64"),
        }
    )
    out["persen_di_bawah_standar"] = out["pegawai_di_bawah_standar"] / g.size() * 100.0
    out = out.rename_axis("kompetensi").reset_index()
    return out.sort_values(["kesenjangan_rata_rata", "kompetensi"], kind="stable").reset_index(
        drop=True
    )
