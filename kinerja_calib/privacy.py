"""Anonymity thresholds for 360 ratings: what a report may show, and what it must hide.

Every per-instansi report calls :func:`suppress_360` **last**, on the already
filtered ratings (one instansi, one periode, one unit …), because a threshold met
by the whole province can fail inside one unit. Groups of anonymous raters
(``rekan``, ``bawahan``, ``pengguna_layanan``) smaller than the threshold are
*dropped* for that ratee; they are never merged into an "all others" score, since
a reader could subtract the visible groups from that score and recover the hidden
one. ``atasan`` and ``diri`` are not anonymous by design and are exempt.

Rater identities (``nip_penilai``) never leave the analysis: :func:`strip_rater_ids`
removes them before anything is shown, and :func:`assert_no_rater_ids` is the check
the tests (and the report template) use.

References
----------
CCL SkillScope 360 FAQ (>= 3 raters per anonymous category, boss not anonymous);
Microsoft Viva Glint (groups below the threshold omitted, not rolled into "all but
self"); Qualtrics (thresholds apply after every filter). See
``shared/domain/praktik.md`` §A1.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .errors import ParameterError
from .labels import PERAN_PENILAI, PERAN_TIDAK_ANONIM

__all__ = [
    "KOLOM_PENILAI",
    "assert_no_rater_ids",
    "strip_rater_ids",
    "suppress_360",
]

#: Columns that identify a rater (never shown in a report).
KOLOM_PENILAI = ("nip_penilai", "nama_penilai", "id_penilai", "penilai")

_GROUP = ["nip", "periode", "peran_penilai"]
_SUPPRESSED_COLUMNS = ["nip", "periode", "peran_penilai", "n_penilai"]


def suppress_360(
    ratings: pd.DataFrame,
    ambang: int = 3,
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
