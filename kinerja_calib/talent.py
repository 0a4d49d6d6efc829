"""Peta talenta (9-box), PermenPANRB 3/2020 (Manajemen Talenta ASN).

The talent map crosses *kinerja* (three levels, :data:`kinerja_calib.labels.RATING`)
with *potensi* (:data:`kinerja_calib.labels.POTENSI`) into nine boxes:

============  ===================  =================  ==================
Potensi       Di bawah ekspektasi  Sesuai ekspektasi  Di atas ekspektasi
============  ===================  =================  ==================
tinggi        6                    8                  9
menengah      3                    5                  7
rendah        1                    2                  4
============  ===================  =================  ==================

Boxes 7-9 are the succession / promotion pool. The numbering and the tindak lanjut per
box come from a public talent application and Pemda materials (UNCONFIRMED at
regulation level) and live in ``rules/talenta-3-2020.toml``.

Pendidikan lanjutan. The source article gives as example that an ASN who performs well
may be given further education to raise competence; box 7 lists "tugas belajar". The
rule here (an implementation choice, configurable in the rules file or by argument):
propose a pegawai when they sit in one of the boxes ``pendidikan_lanjutan.kotak``
(default 7, 8, 9) **and**, when competency data exists for them, at least
``minimal_kompetensi_kurang`` (default 1) competencies are below standard -- further
education closes a gap, while a high performer without gaps is a promotion candidate.
Pegawai without competency data are decided on the box alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._rules_access import ambil, load
from .errors import DataError, ParameterError, Problem
from .labels import POTENSI, PREDIKAT, RATING

__all__ = [
    "kinerja_dari_predikat",
    "kotak",
    "matriks_kotak",
    "peta_talenta",
    "ringkasan_kotak",
    "tindak_lanjut",
]

_DEFAULT_RULES = "talenta-3-2020"


def _rules(rules: Any) -> Mapping[str, Any]:
    return load(rules, _DEFAULT_RULES)


def matriks_kotak(rules: Any = None) -> pd.DataFrame:
    """The 9-box numbering as a table (rows potensi high -> low, columns kinerja low -> high).

    Examples
    --------
    >>> matriks_kotak().loc["tinggi", "Di atas ekspektasi"]
    np.int64(9)
    """
    grid = np.asarray(ambil(_rules(rules), "kotak"), dtype="int64")
    frame = pd.DataFrame(grid, index=list(POTENSI), columns=list(RATING))
    frame.index.name = "potensi"
    frame.columns.name = "kinerja"
    return frame.iloc[::-1]


def _codes(values: Any, vocab: Sequence[str], name: str) -> np.ndarray:
    s = pd.Series(np.atleast_1d(np.asarray(values, dtype=object)).ravel(), dtype=object)
    s = s.where(s.notna(), None).astype("str").str.strip()
    lower = {v.lower(): i for i, v in enumerate(vocab)}
    codes = s.str.lower().map(lower)
    unknown = s.notna() & codes.isna()
    if unknown.any():
        bad = ", ".join(sorted(set(s[unknown].tolist()))[:5])
        raise ParameterError(
            f"Nilai {name} tidak dikenal: {bad}. Gunakan salah satu dari: {', '.join(vocab)}."
        )
    return codes.to_numpy(dtype=float, na_value=np.nan)


def kinerja_dari_predikat(predikat: Any, rules: Any = None) -> Any:
    """Map employee predikat (PermenPANRB 6/2022) to the three-level kinerja axis.

    Sangat Baik -> Di atas ekspektasi; Baik -> Sesuai ekspektasi; Butuh Perbaikan,
    Kurang/Misconduct, Sangat Kurang -> Di bawah ekspektasi (an implementation choice,
    ``kinerja_dari_predikat`` in the rules file).

    Examples
    --------
    >>> kinerja_dari_predikat(["Sangat Baik", "Baik", "Butuh Perbaikan"]).tolist()
    ['Di atas ekspektasi', 'Sesuai ekspektasi', 'Di bawah ekspektasi']
    """
    r = _rules(rules)
    peta = {k: ambil(r, "kinerja_dari_predikat", k) for k in PREDIKAT}
    index = predikat.index if isinstance(predikat, pd.Series) else None
    codes = _codes(predikat, PREDIKAT, "predikat")
    target = np.asarray([peta[p] for p in PREDIKAT], dtype=object)
    out = np.where(np.isnan(codes), None, target[np.nan_to_num(codes).astype(int)])
    if np.ndim(predikat) == 0 and index is None:
        return out[0]
    if index is not None:
        return pd.Series(out, index=index, dtype="str", name="kinerja")
    return out


def kotak(kinerja: Any, potensi: Any, rules: Any = None) -> Any:
    """Box number 1-9 of the talent map (vectorised).

    Parameters
    ----------
    kinerja : str, array-like or pandas.Series
        Kinerja level, labels of :data:`kinerja_calib.labels.RATING` (case-insensitive).
    potensi : str, array-like or pandas.Series
        Potensi level, labels of :data:`kinerja_calib.labels.POTENSI`.
    rules : str, path or mapping, optional
        Rules to use (default ``"talenta-3-2020"``).

    Returns
    -------
    int, numpy.ndarray or pandas.Series
        Box numbers; a missing kinerja or potensi gives a missing box (Series dtype
        ``Int64``; for arrays a float array with NaN).

    Examples
    --------
    >>> kotak("Di atas ekspektasi", "tinggi")
    9
    >>> kotak(["Di bawah ekspektasi", "Sesuai ekspektasi"], ["rendah", "tinggi"]).tolist()
    [1.0, 8.0]
    """
    grid = np.asarray(ambil(_rules(rules), "kotak"), dtype=float)
    if grid.shape != (len(POTENSI), len(RATING)):
        raise ParameterError("Aturan 'kotak' harus matriks 3 x 3 (potensi x kinerja).")
    k = _codes(kinerja, RATING, "kinerja")
    p = _codes(potensi, POTENSI, "potensi")
    if k.shape != p.shape:
        raise ParameterError("kinerja dan potensi harus sama panjang.")
    miss = np.isnan(k) | np.isnan(p)
    out = np.where(miss, np.nan, grid[np.nan_to_num(p).astype(int), np.nan_to_num(k).astype(int)])
    index = None
    for v in (kinerja, potensi):
        if isinstance(v, pd.Series):
            index = v.index
            break
    if index is not None:
        return pd.Series(out, index=index, name="kotak").astype("Int64")
    if np.ndim(kinerja) == 0 and np.ndim(potensi) == 0:
        return None if miss[0] else int(out[0])
    return out


def tindak_lanjut(nomor_kotak: Any, rules: Any = None) -> Any:
    """Recommended follow-up (tindak lanjut) text per box number (vectorised).

    Examples
    --------
    >>> tindak_lanjut(4)
    'Rotasi; pengembangan kompetensi'
    """
    r = _rules(rules)
    peta = {int(k): ambil(r, "tindak_lanjut", k) for k in ambil(r, "tindak_lanjut")}
    if isinstance(nomor_kotak, pd.Series):
        return nomor_kotak.map(peta).astype("str").rename("tindak_lanjut")
    if np.ndim(nomor_kotak) == 0:
        return None if pd.isna(nomor_kotak) else peta[int(nomor_kotak)]
    return pd.Series(np.asarray(nomor_kotak, dtype=float)).map(peta).to_numpy(dtype=object)


def _pendidikan_rule(
    r: Mapping[str, Any], kotak_pendidikan: Sequence[int] | None, minimal: int | None
) -> tuple[list[int], int, bool]:
    kotak_p = (
        ambil(r, "pendidikan_lanjutan", "kotak") if kotak_pendidikan is None else kotak_pendidikan
    )
    minimal = (
        ambil(r, "pendidikan_lanjutan", "minimal_kompetensi_kurang") if minimal is None else minimal
    )
    tanpa = bool(ambil(r, "pendidikan_lanjutan", "tanpa_data_kompetensi"))
    return [int(x) for x in kotak_p], int(minimal), tanpa


def peta_talenta(
    df: pd.DataFrame,
    kompetensi: pd.DataFrame | None = None,
    kolom_kinerja: str = "kinerja",
    kolom_potensi: str = "potensi",
    kotak_pendidikan: Sequence[int] | None = None,
    minimal_kompetensi_kurang: int | None = None,
    rules: Any = None,
    rules_kompetensi: Any = None,
) -> pd.DataFrame:
    """Place pegawai on the 9-box talent map with follow-ups and flags.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per pegawai with a kinerja column and a potensi column. The kinerja
        column may hold three-level ratings (:data:`~kinerja_calib.labels.RATING`) or
        employee predikat (:data:`~kinerja_calib.labels.PREDIKAT`, mapped with
        :func:`kinerja_dari_predikat`), e.g. the ``predikat`` column of
        :func:`kinerja_calib.scoring.score_workbook` merged with ``pegawai.potensi``.
    kompetensi : pandas.DataFrame, optional
        The ``kompetensi`` table; when given, JPM and gaps per pegawai (joined on ``nip``)
        are added and used by the pendidikan lanjutan rule.
    kolom_kinerja, kolom_potensi : str
        Column names in ``df``.
    kotak_pendidikan : sequence of int, optional
        Boxes eligible for pendidikan lanjutan (default from the rules: 7, 8, 9).
    minimal_kompetensi_kurang : int, optional
        Competencies below standard needed for the proposal when competency data exists
        (default from the rules: 1; 0 = the box alone decides).
    rules, rules_kompetensi : str, path or mapping, optional
        Talent rules (default ``"talenta-3-2020"``) and competency rules (default
        ``"kompetensi-38-2017"``).

    Returns
    -------
    pandas.DataFrame
        ``df`` plus ``kinerja_9box`` (the three-level kinerja used), ``kotak`` (Int64),
        ``tindak_lanjut``, ``kelompok_suksesi`` (box in 7-9) and
        ``usulan_pendidikan_lanjutan`` (bool); with ``kompetensi`` also ``jpm``,
        ``kategori_jpm``, ``n_kompetensi_kurang`` and ``kompetensi_kurang``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"nip": ["1", "2"], "kinerja": ["Di atas ekspektasi", "Sesuai ekspektasi"],
    ...                    "potensi": ["tinggi", "rendah"]})
    >>> peta_talenta(df)[["kotak", "kelompok_suksesi", "usulan_pendidikan_lanjutan"]].values.tolist()
    [[9, True, True], [2, False, False]]
    """
    r = _rules(rules)
    if not isinstance(df, pd.DataFrame):
        raise ParameterError("df harus DataFrame dengan kolom kinerja dan potensi per pegawai.")
    missing = [c for c in (kolom_kinerja, kolom_potensi) if c not in df.columns]
    if missing:
        raise DataError(
            [
                Problem("pegawai", None, c, "Kolom wajib untuk peta talenta tidak ada.")
                for c in missing
            ]
        )
    out = df.copy()
    raw = out[kolom_kinerja]
    as_text = raw.dropna().astype(str).str.strip()
    if len(as_text) and as_text.isin(PREDIKAT).all() and not as_text.isin(RATING).any():
        out["kinerja_9box"] = kinerja_dari_predikat(raw, rules=r)
    else:
        out["kinerja_9box"] = raw.astype("str")
    out["kotak"] = kotak(out["kinerja_9box"], out[kolom_potensi], rules=r)
    out["tindak_lanjut"] = tindak_lanjut(out["kotak"], rules=r)
    suksesi = [int(x) for x in ambil(r, "kelompok_suksesi")]
    out["kelompok_suksesi"] = out["kotak"].isin(suksesi).fillna(False).astype(bool)

    kotak_p, minimal, tanpa = _pendidikan_rule(r, kotak_pendidikan, minimal_kompetensi_kurang)
    layak = out["kotak"].isin(kotak_p).fillna(False).astype(bool)
    if kompetensi is not None:
        from .competency import jpm_table

        if "nip" not in out.columns:
            raise ParameterError("df harus punya kolom 'nip' untuk digabung dengan kompetensi.")
        jt = jpm_table(kompetensi, rules=rules_kompetensi)
        jt = jt[["nip", "jpm", "kategori", "n_kompetensi_kurang", "kompetensi_kurang"]]
        jt = jt.rename(columns={"kategori": "kategori_jpm"})
        out = out.merge(jt, on="nip", how="left", validate="many_to_one")
        out["n_kompetensi_kurang"] = out["n_kompetensi_kurang"].astype("Int64")
        ada = out["jpm"].notna()
        kurang = out["n_kompetensi_kurang"].fillna(0) >= minimal
        syarat = np.where(ada, kurang, tanpa)
    else:
        syarat = np.full(len(out), tanpa if minimal > 0 else True)
    out["usulan_pendidikan_lanjutan"] = layak.to_numpy() & syarat.astype(bool)
    return out


def ringkasan_kotak(peta: pd.DataFrame, rules: Any = None) -> pd.DataFrame:
    """Count pegawai per box (all nine boxes, zeros included).

    Returns
    -------
    pandas.DataFrame
        One row per box 1-9: ``kotak``, ``potensi``, ``kinerja``, ``jumlah``, ``persen``.
    """
    grid = matriks_kotak(rules).stack().rename("kotak").reset_index()
    counts = peta["kotak"].dropna().astype(int).value_counts()
    grid["jumlah"] = grid["kotak"].map(counts).fillna(0).astype("int64")
    total = grid["jumlah"].sum()
    grid["persen"] = grid["jumlah"] / total * 100 if total else 0.0
    return grid.sort_values("kotak").reset_index(drop=True)[
        ["kotak", "potensi", "kinerja", "jumlah", "persen"]
    ]
