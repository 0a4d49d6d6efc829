"""Shared plumbing of the agreement statistics: input coercion, category codes, results.

Nothing here is public API except :class:`Estimate` and :func:`to_wide` (re-exported
from :mod:`kinerja_calib.agreement`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["Estimate", "to_wide"]

#: What a wide table may be: a DataFrame (rows = subjects, columns = raters), a 2-D array or
#: a nested list; NaN/None = missing.
WideLike = pd.DataFrame | np.ndarray | list


class Estimate(float):
    """A coefficient that behaves like a ``float`` and carries its uncertainty.

    Arithmetic, comparisons and formatting use the plain value, so ``kappa > 0.6`` or
    ``f"{kappa:.3f}"`` work as for a float. The extra attributes say how it was obtained.

    Attributes
    ----------
    se : float
        Standard error (NaN when the method gives none; see :func:`bootstrap`).
    ci_low, ci_high : float
        Confidence interval bounds (95 % unless stated in ``detail``).
    pval : float
        p-value of the test "coefficient = 0" where the method gives one, else NaN.
    n_subjek : int
        Subjects (rows) that entered the computation.
    n_penilai : int
        Raters (columns) with at least one value among those subjects.
    metode : str
        Short description of the estimator and its missing-data policy (Indonesian).
    detail : dict
        Method-specific intermediate values (e.g. ``pa``, ``pe``).
    """

    se: float
    ci_low: float
    ci_high: float
    pval: float
    n_subjek: int
    n_penilai: int
    metode: str
    detail: dict[str, Any]

    def __new__(
        cls,
        value: float,
        *,
        se: float = math.nan,
        ci_low: float = math.nan,
        ci_high: float = math.nan,
        pval: float = math.nan,
        n_subjek: int = 0,
        n_penilai: int = 0,
        metode: str = "",
        detail: dict[str, Any] | None = None,
    ) -> Estimate:
        obj = super().__new__(cls, value)
        obj.se = float(se)
        obj.ci_low = float(ci_low)
        obj.ci_high = float(ci_high)
        obj.pval = float(pval)
        obj.n_subjek = int(n_subjek)
        obj.n_penilai = int(n_penilai)
        obj.metode = metode
        obj.detail = dict(detail or {})
        return obj

    def __getnewargs__(self) -> tuple[float]:
        return (float(self),)

    @property
    def value(self) -> float:
        """The coefficient as a plain ``float``."""
        return float(self)

    def to_series(self) -> pd.Series:
        """Return the estimate and its attributes as a Series (for tables)."""
        return pd.Series(
            {
                "nilai": float(self),
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "pval": self.pval,
                "n_subjek": self.n_subjek,
                "n_penilai": self.n_penilai,
                "metode": self.metode,
            }
        )


def as_float_matrix(wide: WideLike, name: str = "wide") -> np.ndarray:
    """Return ``wide`` as a 2-D float64 array (NaN = missing) or raise ParameterError."""
    if isinstance(wide, pd.DataFrame):
        try:
            arr = wide.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ParameterError(
                f"Tabel '{name}' harus berisi angka (baris = pegawai dinilai, kolom = penilai, "
                "sel kosong = NaN). Ubah kategori teks menjadi kode angka terlebih dahulu."
            ) from exc
    else:
        try:
            arr = np.asarray(wide, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ParameterError(
                f"Tabel '{name}' harus berisi angka; gunakan NaN untuk nilai yang hilang."
            ) from exc
    if arr.ndim != 2:
        raise ParameterError(
            f"Tabel '{name}' harus dua dimensi (baris = pegawai dinilai, kolom = penilai); "
            f"yang diberikan berdimensi {arr.ndim}. Gunakan agreement.to_wide() untuk data panjang."
        )
    if np.isinf(arr).any():
        raise ParameterError(f"Tabel '{name}' berisi nilai tak hingga (inf); ganti dengan NaN.")
    return arr


def encode(
    wide: WideLike, categories: list | tuple | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Code a wide table into category indices.

    Returns ``(codes, cats)``: ``codes`` is an int64 array of the same shape with ``-1`` for
    missing values, ``cats`` the category values (sorted unless ``categories`` fixes the order).
    Numeric integer-valued data take a fast path (offset + bincount, no sort).
    """
    numeric = not (
        isinstance(wide, pd.DataFrame)
        and any(not pd.api.types.is_numeric_dtype(t) for t in wide.dtypes)
    )
    if numeric:
        try:
            x = as_float_matrix(wide)
        except ParameterError:
            numeric = False
    if not numeric:
        obj = np.asarray(wide.to_numpy() if isinstance(wide, pd.DataFrame) else wide, dtype=object)
        if obj.ndim != 2:
            raise ParameterError(
                "Tabel penilaian harus dua dimensi (baris = subjek, kolom = penilai)."
            )
        flat = pd.Series(obj.ravel())
        if categories is None:
            codes, uniq = pd.factorize(flat, sort=True, use_na_sentinel=True)
            return codes.reshape(obj.shape).astype(np.int64), np.asarray(uniq, dtype=object)
        cats = np.asarray(list(categories), dtype=object)
        lut = {c: i for i, c in enumerate(cats)}
        mapped = flat.map(lut)
        bad = flat.notna() & mapped.isna()
        if bad.any():
            raise ParameterError(
                f"Nilai {flat[bad].iloc[0]!r} tidak ada dalam daftar kategori {list(cats)}; "
                "lengkapi parameter categories."
            )
        return mapped.fillna(-1).to_numpy(np.int64).reshape(obj.shape), cats

    mask = ~np.isnan(x)
    codes = np.full(x.shape, -1, dtype=np.int64)
    v = x[mask]
    if categories is not None:
        cats = np.asarray(categories, dtype=np.float64)
        order = np.argsort(cats, kind="stable")
        pos = np.searchsorted(cats[order], v)
        pos = np.clip(pos, 0, len(cats) - 1)
        ok = cats[order][pos] == v
        if not ok.all():
            raise ParameterError(
                f"Nilai {v[~ok][0]!r} tidak ada dalam daftar kategori {list(categories)}; "
                "lengkapi parameter categories."
            )
        codes[mask] = order[pos]
        return codes, cats
    if v.size == 0:
        return codes, np.empty(0)
    lo, hi = v.min(), v.max()
    if hi - lo < 100_000 and np.array_equal(v, np.floor(v)):
        off = (v - lo).astype(np.int64)
        present = np.flatnonzero(np.bincount(off, minlength=int(hi - lo) + 1))
        lut = np.full(int(hi - lo) + 1, -1, dtype=np.int64)
        lut[present] = np.arange(present.size)
        codes[mask] = lut[off]
        return codes, present.astype(np.float64) + lo
    cats, inv = np.unique(v, return_inverse=True)
    codes[mask] = inv
    return codes, cats


def category_counts(codes: np.ndarray, q: int) -> np.ndarray:
    """Counts ``r_ik`` (subjects × categories) of how many raters put subject i in category k."""
    n = codes.shape[0]
    rows = np.broadcast_to(np.arange(n)[:, None], codes.shape)
    ok = codes >= 0
    flat = rows[ok] * q + codes[ok]
    return np.bincount(flat, minlength=n * q).reshape(n, q).astype(np.float64)


def _integral_span(x: np.ndarray, nanmask: np.ndarray) -> tuple[float, int] | None:
    """``(lo, span)`` of the finite values of ``x`` when the range is small (< 10 000)."""
    if np.count_nonzero(nanmask) == nanmask.size:
        return None
    flat = x.ravel()
    lo = float(np.fmin.reduce(flat))
    hi = float(np.fmax.reduce(flat))
    span = hi - lo
    if not span < 10_000:
        return None
    return lo, int(span)


def counts_table(
    wide: WideLike, categories: list | tuple | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Category counts per subject, category-major.

    Returns ``(rt, cats, rater_used)``: ``rt[k, i]`` = number of raters who put subject i in
    category ``cats[k]`` (float64, shape q × n — one contiguous row per category, so every
    per-subject formula is a handful of length-n vector operations), and ``rater_used[j]``
    whether rater column j holds any value. Numeric tables with few categories (q · k <= 512)
    are counted by comparing each contiguous rater column with each category value (int8
    accumulators, no scatter, no sort); other integer-valued tables by one ``np.bincount``
    over ``code * n + row``; anything else through :func:`encode`.
    """
    x = None
    if not (
        isinstance(wide, pd.DataFrame)
        and any(not pd.api.types.is_numeric_dtype(t) for t in wide.dtypes)
    ):
        try:
            x = as_float_matrix(wide)
        except ParameterError:
            x = None
    if x is not None:
        nanmask = np.isnan(x)
        n, k = x.shape
        span = _integral_span(x, nanmask)
        if categories is not None:
            cand = np.asarray(categories, dtype=np.float64)
        elif span is not None:
            cand = span[0] + np.arange(span[1] + 1, dtype=np.float64)
        else:
            cand = None
        if cand is not None and cand.size * k <= 512:
            # few categories × raters: compare column by column (contiguous, no scatter)
            xt = np.ascontiguousarray(x.T)  # free for DataFrames (stored column-wise)
            acc = np.zeros((cand.size, n), dtype=np.int8 if k < 127 else np.int32)
            per_rater = np.zeros(k, dtype=np.int64)
            for j in range(k):
                col = xt[j]
                for c, value in enumerate(cand):
                    eq = col == value
                    acc[c] += eq
                    per_rater[j] += np.count_nonzero(eq)
            rater_used = per_rater > 0
            if int(per_rater.sum()) == x.size - np.count_nonzero(nanmask):
                rt = acc.astype(np.float64)
                if categories is not None:
                    return rt, cand, rater_used
                used = rt.any(axis=1)
                return rt[used], cand[used], rater_used
            if categories is not None:
                v = x[~nanmask]
                bad = v[~np.isin(v, cand)]
                raise ParameterError(
                    f"Nilai {bad[0]!r} tidak ada dalam daftar kategori {list(categories)}; "
                    "lengkapi parameter categories."
                )
        if span is not None and categories is None:
            lo, sp = span
            idx = np.where(nanmask, sp + 1 + lo, x)  # the extra code sp + 1 collects NaN
            if lo != 0.0:
                idx -= lo
            codes = idx.astype(np.int64)
            if np.array_equal(codes, idx):
                del idx
                codes *= n
                codes += np.arange(n, dtype=np.int64)[:, None]
                rt = np.bincount(codes.ravel(), minlength=(sp + 2) * n).reshape(sp + 2, n)[:-1]
                values = lo + np.arange(sp + 1, dtype=np.float64)
                rater_used = ~nanmask.all(axis=0)
                used = rt.any(axis=1)
                return rt[used].astype(np.float64), values[used], rater_used
    codes, cats = encode(wide, categories)
    return (
        np.ascontiguousarray(category_counts(codes, len(cats)).T),
        cats,
        (codes >= 0).any(axis=0),
    )


def n_raters(mask: np.ndarray) -> int:
    """Number of rater columns holding at least one value."""
    return int(mask.any(axis=0).sum()) if mask.size else 0


def to_wide(
    long: pd.DataFrame,
    subject: str = "nip",
    rater: str = "nip_penilai",
    value: str = "nilai",
    *,
    positional: bool = False,
) -> pd.DataFrame:
    """Turn a long ratings table into a wide one (rows = subjects, columns = raters).

    Parameters
    ----------
    long : DataFrame
        One row per rating, e.g. the ``penilaian_360`` table filtered to one ``aspek`` (and
        ``periode``), or with ``nilai`` already averaged over aspects per rater.
    subject, rater, value : str
        Column names of the subject (ratee), the rater and the rating.
    positional : bool, default False
        ``False``: one column per rater identity (a crossed design: raters rate many
        subjects). ``True``: columns are rater *slots* ``penilai_1 … penilai_k`` numbered
        within each subject (raters sorted by id). Use slots for 360 data, where every ratee
        has different raters (raters nested in ratees): ICC(1) and Krippendorff's α are the
        right statistics for that layout, and the slot number carries no meaning.

    Returns
    -------
    DataFrame
        Index named ``subject`` (sorted), columns = rater ids (sorted) or slots, float values,
        NaN where a rater did not rate a subject.

    Raises
    ------
    ParameterError
        When a column is missing, or when a (subject, rater) pair holds more than one rating —
        the message names the first duplicated pair.

    Notes
    -----
    Built with categorical codes and a numpy scatter (no ``pivot_table``), so a million
    ratings take well under a second.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"nip": ["a", "a", "b"], "nip_penilai": ["x", "y", "x"],
    ...                      "nilai": [4.0, 5.0, 3.0]})
    >>> to_wide(long).to_numpy().tolist()
    [[4.0, 5.0], [3.0, nan]]
    """
    missing = [c for c in (subject, rater, value) if c not in long.columns]
    if missing:
        raise ParameterError(
            f"Kolom {missing} tidak ada di tabel penilaian; kolom yang tersedia: "
            f"{list(long.columns)}. Sebutkan nama kolom lewat subject=, rater=, value=."
        )
    s_codes, s_uni = pd.factorize(long[subject], sort=True)
    r_codes, r_uni = pd.factorize(long[rater], sort=True)
    if (s_codes < 0).any() or (r_codes < 0).any():
        raise ParameterError(
            f"Kolom '{subject}' dan '{rater}' tidak boleh kosong; hapus atau lengkapi baris "
            "tanpa identitas pegawai/penilai."
        )
    try:
        vals = pd.to_numeric(long[value]).to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"Kolom '{value}' harus berisi angka.") from exc
    n_r = len(r_uni)
    key = s_codes.astype(np.int64) * n_r + r_codes
    dup = pd.Index(key).duplicated()
    if dup.any():
        first = int(np.flatnonzero(dup)[0])
        n_dup = int(dup.sum())
        raise ParameterError(
            f"Ada {n_dup} pasangan ganda: {subject}={s_uni[s_codes[first]]!r} dinilai lebih dari "
            f"sekali oleh {rater}={r_uni[r_codes[first]]!r}. Saring dulu satu aspek dan satu "
            "periode, atau rata-ratakan nilai per pasangan sebelum memanggil to_wide()."
        )
    if positional:
        order = np.lexsort((r_codes, s_codes))
        s_sorted = s_codes[order]
        start = np.r_[0, np.flatnonzero(np.diff(s_sorted)) + 1]
        first_of = np.repeat(start, np.diff(np.r_[start, s_sorted.size]))
        slot = np.empty_like(s_codes)
        slot[order] = np.arange(s_sorted.size) - first_of
        n_cols = int(slot.max()) + 1 if slot.size else 0
        out = np.full((len(s_uni), n_cols), np.nan)
        out[s_codes, slot] = vals
        columns = pd.Index([f"penilai_{i + 1}" for i in range(n_cols)], name="slot")
    else:
        out = np.full((len(s_uni), n_r), np.nan)
        out[s_codes, r_codes] = vals
        columns = pd.Index(r_uni, name=rater)
    return pd.DataFrame(out, index=pd.Index(s_uni, name=subject), columns=columns)
