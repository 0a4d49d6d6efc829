"""Anonymity thresholds for 360 ratings: what any output may use, and what it must hide.

The rule (docs/arsitektur.md §6): every value published about one pegawai or one rater — report, course
copies, Excel, index — is computed only from 360 groups at or above the threshold, after every
filter. Groups of anonymous raters (``rekan``, ``bawahan``, ``pengguna_layanan``) with fewer
distinct raters than the threshold are *dropped* for that ratee × periode: they are never
merged into an "all others" score, since a reader could subtract the visible groups from that
score and recover the hidden one. ``atasan`` (the pejabat penilai) and ``diri`` are not
anonymous by design and are exempt.

Where the threshold is applied
------------------------------
- :func:`kinerja_calib.params.validate` (the shared entry of every notebook) applies
  :func:`suppress_workbook` right after loading and filtering the workbook, so everything
  downstream in a notebook (scores, calibration, agreement, plots) sees only kept groups.
- :func:`kinerja_calib.scoring.perilaku_score` and :func:`~kinerja_calib.scoring.score_workbook`
  suppress before computing (``ambang_anonimitas=3`` by default), so library users are safe
  by default.
- The report (:mod:`kinerja_calib.reports`) filters to its instansi and periode and applies
  :func:`suppress_360` again (idempotent: applying it twice changes nothing).

How the predikat uses small groups (decision)
---------------------------------------------
A hidden anonymous group enters **no** score: not ``skor_perilaku``, not the rating perilaku,
not the predikat, not the calibration (``calibrate.rater_effects`` is fitted on kept ratings
only) and not any count (``n_penilai`` counts kept raters only). The perilaku composite is the
weighted mean of the role scores that remain, with the role weights renormalised over them,
so the atasan's rating — which PermenPANRB 6/2022 gives to the pejabat penilai anyway — always
counts, and a pegawai rated only by the atasan is rated on the atasan alone. Consequence:
changing only the ratings of hidden groups changes no published value about anyone, and no
combination of published values can be solved for a hidden group. Per-rater values
(severity, means) are published only aggregated (distributions, counts per unit or role),
never listed per rater, with or without NIP; counts of hidden groups are published only per
role, never per pegawai.

Rater identities (``nip_penilai``) never leave the analysis: :func:`strip_rater_ids`
removes them before anything is shown, and :func:`assert_no_rater_ids` is the check
the tests (and the report template) use.

References
----------
CCL SkillScope 360 FAQ (>= 3 raters per anonymous category, boss not anonymous);
Microsoft Viva Glint (groups below the threshold omitted, not rolled into "all but
self"); Qualtrics (thresholds apply after every filter). See
docs/praktik.md §A1.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .errors import ParameterError
from .labels import PERAN_PENILAI, PERAN_TIDAK_ANONIM

__all__ = [
    "AMBANG_BAWAAN",
    "KOLOM_PENILAI",
    "assert_no_rater_ids",
    "keterangan_360",
    "strip_rater_ids",
    "suppress_360",
    "suppress_workbook",
]

#: Default anonymity threshold (distinct raters per anonymous group; docs/praktik.md §A1).
AMBANG_BAWAAN = 3

#: Columns that identify a rater (never shown in a report).
KOLOM_PENILAI = ("nip_penilai", "nama_penilai", "id_penilai", "penilai")

_GROUP = ["nip", "periode", "peran_penilai"]
_SUPPRESSED_COLUMNS = ["nip", "periode", "peran_penilai", "n_penilai"]


def suppress_360(
    ratings: pd.DataFrame,
    ambang: int = AMBANG_BAWAAN,
    exempt: Iterable[str] = PERAN_TIDAK_ANONIM,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop anonymous rater groups with fewer than ``ambang`` distinct raters.

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table (``periode, nip, nip_penilai, peran_penilai, aspek,
        nilai``), **already filtered** to what will be shown (instansi, unit, aspect …).
        Call this function last.
    ambang : int, default 3
        Minimum number of distinct raters per ratee × periode × peran group. Must be >= 1.
    exempt : iterable of str, default ``labels.PERAN_TIDAK_ANONIM`` (atasan, diri)
        Roles that are never suppressed.

    Returns
    -------
    kept : DataFrame
        The rows of ``ratings`` that may be shown (same columns, original order). It
        still holds ``nip_penilai`` so statistics can use it; pass it through
        :func:`strip_rater_ids` before display.
    suppressed : DataFrame
        One row per dropped group with columns ``nip, periode, peran_penilai,
        n_penilai`` (counts only — never rater ids), sorted.

    Notes
    -----
    Policy "drop, do not merge": the suppressed group's ratings do not appear in any
    pooled score either. The count is over *distinct* raters, so one rater scoring
    seven BerAKHLAK aspects counts once.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({
    ...     "periode": "2026-S1", "nip": "A", "aspek": "loyal", "nilai": 4.0,
    ...     "nip_penilai": ["B", "C", "D", "E"],
    ...     "peran_penilai": ["rekan", "rekan", "bawahan", "atasan"]})
    >>> kept, hidden = suppress_360(r, ambang=2)
    >>> sorted(kept["peran_penilai"])
    ['atasan', 'rekan', 'rekan']
    >>> hidden.to_dict("records")
    [{'nip': 'A', 'periode': '2026-S1', 'peran_penilai': 'bawahan', 'n_penilai': 1}]
    """
    if isinstance(ambang, bool) or not isinstance(ambang, int) or ambang < 1:
        raise ParameterError(
            f"ambang_anonimitas harus bilangan bulat >= 1, bukan {ambang!r}. "
            "Gunakan misalnya 3 (bawaan) atau 5."
        )
    missing = [c for c in (*_GROUP, "nip_penilai") if c not in ratings.columns]
    if missing:
        raise ParameterError(
            "Tabel penilaian_360 tidak memiliki kolom " + ", ".join(missing) + ". "
            "Berikan tabel penilaian_360 lengkap (sebelum nip_penilai dihapus)."
        )
    exempt = set(exempt)
    unknown = exempt - set(PERAN_PENILAI)
    if unknown:
        raise ParameterError(
            f"Peran pengecualian tidak dikenal: {sorted(unknown)}. "
            f"Pilih dari {', '.join(PERAN_PENILAI)}."
        )
    if ratings.empty:
        return ratings.copy(), pd.DataFrame(
            {
                c: pd.Series(dtype="int64" if c == "n_penilai" else "string")
                for c in _SUPPRESSED_COLUMNS
            }
        )
    keys = [ratings[c] for c in _GROUP]
    n = ratings.groupby(keys, sort=False, dropna=False, observed=True)["nip_penilai"].transform(
        "nunique"
    )
    anonymous = ~ratings["peran_penilai"].isin(exempt)
    drop = (anonymous & (n < ambang)).to_numpy(dtype=bool)
    kept = ratings.loc[~drop]
    hidden = ratings.loc[drop, _GROUP].assign(n_penilai=n.to_numpy()[drop].astype("int64"))
    suppressed = (
        hidden.drop_duplicates(_GROUP).sort_values(_GROUP, kind="stable").reset_index(drop=True)
    )
    return kept, suppressed


def suppress_workbook(wb, ambang: int = AMBANG_BAWAAN):
    """Return a copy of ``wb`` whose ``penilaian_360`` holds only the kept groups.

    The other tables are shared, not copied. A workbook without a 360 table is returned
    unchanged.

    Parameters
    ----------
    wb : Workbook
        Already filtered (instansi …); see :func:`suppress_360`.
    ambang : int, default 3

    Returns
    -------
    wb : Workbook
        With ``penilaian_360`` = the kept rows (index reset).
    suppressed : DataFrame
        As in :func:`suppress_360` (counts only).
    """
    import dataclasses

    ratings = wb.penilaian_360
    if ratings is None:
        ratings = pd.DataFrame(columns=[*_GROUP, "nip_penilai"])
        return wb, suppress_360(ratings, ambang)[1]
    kept, suppressed = suppress_360(ratings, ambang)
    return dataclasses.replace(wb, penilaian_360=kept.reset_index(drop=True)), suppressed


def keterangan_360(ambang: int = AMBANG_BAWAAN) -> str:
    """The decision of this module in one Indonesian paragraph (for reports and notebooks).

    Examples
    --------
    >>> "kurang dari 3 penilai" in keterangan_360(3)
    True
    """
    return (
        f"Kelompok rekan, bawahan, atau pengguna layanan yang menilai seorang pegawai dengan "
        f"kurang dari {ambang} penilai berbeda disembunyikan dan tidak dipakai sama sekali: "
        "nilainya tidak masuk ke skor perilaku, predikat, kalibrasi, jumlah penilai, maupun "
        "tabel dan grafik mana pun, agar penilai tetap anonim. Skor perilaku pegawai itu "
        "dihitung dari atasan (pejabat penilai, yang memang tidak anonim) dan kelompok lain "
        "yang lolos ambang, dengan bobot peran dinormalkan ulang di antara sumber yang tersisa."
    )


def strip_rater_ids(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` without any column that identifies a rater (see :data:`KOLOM_PENILAI`).

    Index levels with such names are dropped too.
    """
    out = df.drop(columns=[c for c in df.columns if _is_rater_column(c)])
    names = [n for n in (out.index.names or []) if n is not None and _is_rater_column(n)]
    if names:
        out = out.reset_index(level=names, drop=True)
    return out


def assert_no_rater_ids(obj: pd.DataFrame | pd.Series | str) -> None:
    """Raise ``AssertionError`` when ``obj`` exposes a rater-identifying column or text.

    Accepts a DataFrame/Series (column and index names are checked) or rendered text
    (HTML/Markdown; the column names must not occur in it).
    """
    if isinstance(obj, str):
        for name in KOLOM_PENILAI[:1]:
            if name in obj:  # explicit raise: stays active under ``python -O``
                raise AssertionError(f"teks memuat '{name}'")
        return
    names = list(getattr(obj, "columns", [])) + [n for n in obj.index.names if n is not None]
    if isinstance(obj, pd.Series) and obj.name is not None:
        names.append(obj.name)
    bad = [n for n in names if _is_rater_column(n)]
    if bad:
        raise AssertionError(f"kolom identitas penilai masih ada: {bad}")


def _is_rater_column(name: object) -> bool:
    return isinstance(name, str) and name.lower() in KOLOM_PENILAI
