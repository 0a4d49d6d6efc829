"""Annual results from periodic ones: the 6/2022 annual predikat and the PP 46/2011 nilai SKP.

- :func:`predikat_tahunan` — one predikat per pegawai and year from the periodic predikat
  (PermenPANRB 6/2022: evaluasi kinerja is periodik *and* tahunan), by the rule in the
  ``predikat_tahunan`` section of the rules file.
- :func:`nilai_skp_pp46` — the annual nilai SKP under PP 46/2011 + Perka BKN 1/2013: the
  mean of the tugas jabatan plus the points for tugas tambahan and kreativitas, with the
  point tables of the ``tambahan`` section of ``pp-46-2011.toml``.

Neither rule is confirmed from a primary text (docs/regulasi.md §10 items 4 and 8): every
number and the aggregation rule come from the rules files, flagged UNCONFIRMED there, so an
instansi that knows its own rule sets it with ``rules.load(..., overrides=...)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import labels
from . import rules as _rules
from .errors import ParameterError

__all__ = ["nilai_skp_pp46", "predikat_tahunan"]


def predikat_tahunan(
    periodik: pd.DataFrame,
    *,
    rules: _rules.Rules | str | None = None,
    kolom: str = "predikat",
) -> pd.DataFrame:
    """Annual predikat per pegawai from their periodic predikat.

    Parameters
    ----------
    periodik : DataFrame
        Columns ``nip``, ``periode`` (docs/skema-data.md §3.1: ``YYYY-TW1``, ``YYYY-S2``,
        ``YYYY-B07``, ...; one granularity per year) and ``kolom``, a predikat of
        :data:`kinerja_calib.labels.PREDIKAT`. Missing predikat are ignored.
    rules : Rules or str, optional
        Rules with ``predikat_tahunan.metode`` (default: the 6/2022 file):
        ``"periode_terakhir"`` — the predikat of the year's last rated period (the Lampiran
        forms' "TRIWULAN IV-AKHIR" doubles as the annual evaluation); ``"median"`` — the
        median in the order Sangat Kurang < ... < Sangat Baik, the lower of the two middle
        values when the count is even.
    kolom : str, default "predikat"

    Returns
    -------
    DataFrame
        ``nip, tahun, predikat_tahunan, n_periode, periode_terakhir``, one row per pegawai
        and year; ``attrs["metode"]`` names the rule used.

    Notes
    -----
    The rule itself is UNCONFIRMED (docs/regulasi.md §10 item 4): the default follows the forms; the
    median is offered for instansi that read "tahunan" as a summary of the year.

    Examples
    --------
    >>> import pandas as pd
    >>> import kinerja_calib
    >>> p = pd.DataFrame({"nip": ["1"] * 4, "periode": ["2026-TW1", "2026-TW2", "2026-TW3",
    ...     "2026-TW4"], "predikat": ["Sangat Baik", "Baik", "Baik", "Butuh Perbaikan"]})
    >>> predikat_tahunan(p)["predikat_tahunan"].item()
    'Butuh Perbaikan'
    >>> r = kinerja_calib.rules.load(overrides={"predikat_tahunan.metode": "median"})
    >>> predikat_tahunan(p, rules=r)["predikat_tahunan"].item()
    'Baik'
    """
    r = _rules.resolve(rules)
    metode = r.get_path("predikat_tahunan.metode", None)
    if metode is None:
        raise ParameterError(
            "Berkas aturan tidak memuat 'predikat_tahunan.metode'; tetapkan cara menurunkan "
            "predikat tahunan (periode_terakhir atau median)."
        )
    need = {"nip", "periode", kolom}
    if not isinstance(periodik, pd.DataFrame) or not need <= set(periodik.columns):
        raise ParameterError(f"Tabel predikat periodik harus memuat kolom {sorted(need)}.")
    df = periodik[["nip", "periode", kolom]].dropna(subset=[kolom])
    order = {p: i for i, p in enumerate(labels.PREDIKAT)}
    rank = df[kolom].map(order)
    if rank.isna().any():
        bad = sorted(set(df.loc[rank.isna(), kolom].astype(str)))
        raise ParameterError(f"Predikat tidak dikenal {bad}; pilih dari {list(labels.PREDIKAT)}.")
    periode = df["periode"].astype(str)
    df = pd.DataFrame(
        {
            "nip": df["nip"].astype(str),
            "tahun": periode.str.slice(0, 4),
            "periode": periode,
            "rank": rank.astype(np.int64),
        }
    ).sort_values(["nip", "tahun", "periode"], kind="stable")
    g = df.groupby(["nip", "tahun"], sort=True)
    out = g.agg(n_periode=("rank", "size"), periode_terakhir=("periode", "last"))
    if metode == "periode_terakhir":
        pick = g["rank"].last()
    else:  # "median": the lower middle of the sorted ranks
        s = df.sort_values(["nip", "tahun", "rank"], kind="stable")
        pos = s.groupby(["nip", "tahun"], sort=True).cumcount()
        lower_mid = (s.groupby(["nip", "tahun"], sort=True)["rank"].transform("size") - 1) // 2
        pick = s.loc[pos.to_numpy() == lower_mid.to_numpy()].set_index(["nip", "tahun"])["rank"]
    out["predikat_tahunan"] = np.asarray(labels.PREDIKAT, dtype=object)[
        pick.reindex(out.index).to_numpy()
    ]
    out = out.reset_index()[["nip", "tahun", "predikat_tahunan", "n_periode", "periode_terakhir"]]
    out.attrs["metode"] = metode
    return out


def nilai_skp_pp46(
    nilai_tugas: Any,
    tugas_tambahan: Any = 0,
    kreativitas: Any = None,
    *,
    rules: _rules.Rules | str | None = "pp-46-2011",
) -> np.ndarray:
    """Annual nilai SKP under PP 46/2011: mean of the tugas jabatan + tugas tambahan + kreativitas.

    Parameters
    ----------
    nilai_tugas : array-like of float
        Nilai SKP from the tugas jabatan (the mean of the nilai capaian per tugas), per pegawai.
    tugas_tambahan : array-like of int, default 0
        Number of tugas tambahan (kegiatan) carried out in the year, per pegawai.
    kreativitas : array-like of str or None, optional
        Level at which a kreativitas was recognised, one of ``tambahan.kreativitas_tingkat``
        of the rules (``"unit_kerja"``, ``"organisasi"``, ``"negara"``); None/NaN = none.
    rules : Rules or str, default "pp-46-2011"

    Returns
    -------
    ndarray of float
        ``nilai_tugas + points(tugas_tambahan) + points(kreativitas)``: a count reaching
        ``tambahan.tugas_tambahan_batas[i]`` (and below the next bound) earns
        ``tambahan.tugas_tambahan[i]``; a level earns its ``tambahan.kreativitas`` value.
        No cap is applied (none was found in the sources).

    Notes
    -----
    The point tables (1-3 kegiatan = 1, 4-6 = 2, ≥ 7 = 3; kreativitas unit kerja 3,
    organisasi 6, negara 12) are "as commonly implemented" and UNCONFIRMED against the
    Perka BKN 1/2013 text (docs/regulasi.md §10 item 8); they live in
    ``pp-46-2011.toml``, flagged.

    Examples
    --------
    >>> nilai_skp_pp46([80.0, 80.0, 80.0], [0, 5, 7], [None, "organisasi", "negara"]).tolist()
    [80.0, 88.0, 95.0]
    """
    r = _rules.resolve(rules)
    bounds = r.get_path("tambahan.tugas_tambahan_batas", None)
    points = r.get_path("tambahan.tugas_tambahan", None)
    levels = r.get_path("tambahan.kreativitas_tingkat", None)
    creative = r.get_path("tambahan.kreativitas", None)
    if None in (bounds, points, levels, creative):
        raise ParameterError(
            "Berkas aturan tidak memuat tabel 'tambahan' PP 46/2011 (tugas_tambahan_batas, "
            "tugas_tambahan, kreativitas_tingkat, kreativitas)."
        )
    base = np.asarray(nilai_tugas, dtype=np.float64)
    n_extra = np.broadcast_to(np.asarray(tugas_tambahan, dtype=np.float64), base.shape)
    if np.any(n_extra < 0) or np.any(np.isnan(n_extra)):
        raise ParameterError("Jumlah tugas tambahan harus bilangan ≥ 0.")
    idx = np.searchsorted(np.asarray(bounds, dtype=np.float64), n_extra, side="right") - 1
    extra = np.where(idx >= 0, np.asarray((0.0, *points))[idx + 1], 0.0)
    creative_pts = np.zeros(base.shape)
    if kreativitas is not None:
        lv = pd.Series(np.broadcast_to(np.asarray(kreativitas, dtype=object), base.shape))
        mapped = lv.map(dict(zip(levels, creative, strict=True)))
        unknown = lv.notna() & mapped.isna()
        if unknown.any():
            raise ParameterError(
                f"Tingkat kreativitas {lv[unknown].iloc[0]!r} tidak dikenal; pilih dari "
                f"{list(levels)}."
            )
        creative_pts = mapped.fillna(0.0).to_numpy(np.float64)
    return base + extra + creative_pts
