"""Bootstrap intervals and the "how many raters?" decision help (Spearman–Brown)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from .._util import SeedLike, as_rng
from ..errors import ParameterError
from ._base import Estimate, WideLike, as_float_matrix
from ._icc import icc

__all__ = ["bootstrap", "raters_needed", "reliability_curve", "spearman_brown"]


def bootstrap(
    stat: Callable[..., float],
    wide: WideLike,
    n_boot: int = 1000,
    seed: SeedLike = None,
    *,
    ci: float = 0.95,
    **kwargs,
) -> Estimate:
    """Percentile bootstrap over subjects (rows) for any agreement statistic.

    Parameters
    ----------
    stat : callable
        ``stat(wide_array, **kwargs) -> float``, e.g. :func:`krippendorff_alpha` or
        ``lambda w: icc(w, missing="unbalanced").loc["ICC1", "icc"]``.
    wide : DataFrame or array
        Rows = subjects; rows are resampled with replacement (raters stay as they are).
    n_boot : int, default 1000
    seed : int, Generator or None
    ci : float, default 0.95
    **kwargs
        Passed to ``stat``.

    Returns
    -------
    Estimate
        The statistic on the full data, with bootstrap ``se`` (sd of replicates), percentile
        ``ci_low``/``ci_high`` and ``detail["replikasi"]`` (the replicate values).

    Notes
    -----
    All resampling indices are drawn in one call; the loop runs over replicates, never over
    subjects. Replicates where the statistic is undefined (NaN) are ignored.
    """
    if n_boot < 2:
        raise ParameterError(f"n_boot={n_boot!r} terlalu kecil; gunakan misalnya 1000.")
    x = as_float_matrix(wide)
    rng = as_rng(seed)
    full = stat(x, **kwargs)
    idx = rng.integers(0, x.shape[0], size=(n_boot, x.shape[0]))
    reps = np.array([float(stat(x[i], **kwargs)) for i in idx])
    good = reps[np.isfinite(reps)]
    lo, hi = np.quantile(good, [(1 - ci) / 2, 1 - (1 - ci) / 2]) if good.size else (math.nan,) * 2
    base = full if isinstance(full, Estimate) else Estimate(float(full))
    return Estimate(
        float(full),
        se=float(good.std(ddof=1)) if good.size > 1 else math.nan,
        ci_low=float(lo),
        ci_high=float(hi),
        pval=base.pval,
        n_subjek=base.n_subjek or x.shape[0],
        n_penilai=base.n_penilai or x.shape[1],
        metode=(base.metode + "; " if base.metode else "") + f"bootstrap persentil {n_boot}x",
        detail={**base.detail, "replikasi": reps},
    )


def spearman_brown(reliability_single, k):
    """Reliability of the mean of ``k`` raters from the single-rater reliability.

    ``ρ_k = k ρ / (1 + (k - 1) ρ)`` (Spearman 1910; Brown 1910). Vectorised over arrays.

    >>> round(spearman_brown(0.37, 3), 3)   # 3 peers at Conway & Huffcutt's (1997) .37
    0.638
    """
    r = np.asarray(reliability_single, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    out = k * r / (1 + (k - 1) * r)
    return float(out) if out.ndim == 0 else out


def raters_needed(icc_single, target: float = 0.8):
    """Smallest number of raters whose mean reaches ``target`` reliability (Spearman–Brown).

    Parameters
    ----------
    icc_single : float or array
        Single-rater reliability, e.g. ICC(1) of peers from :func:`icc`.
    target : float, default 0.8
        Wanted reliability of the mean rating.

    Returns
    -------
    int or ndarray
        ``ceil(target (1 - ρ) / (ρ (1 - target)))``; 1 when ρ >= target; ``inf`` (float)
        when ρ <= 0 (no number of raters helps).

    Examples
    --------
    >>> raters_needed(0.37, 0.8), raters_needed(0.5, 0.8), raters_needed(0.3, 0.7)
    (7, 4, 6)
    """
    if not 0 < target < 1:
        raise ParameterError(f"target={target!r} harus di antara 0 dan 1, misalnya 0.8.")
    r = np.asarray(icc_single, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = target * (1 - r) / (r * (1 - target))
        # guard against 6.000000000001 from rounding before the ceiling
        k = np.ceil(np.round(k, 9))
    k = np.where(r >= target, 1.0, k)
    k = np.where(r <= 0, np.inf, k)
    k = np.where(np.isnan(r), np.nan, k)
    if k.ndim == 0:
        v = float(k)
        return int(v) if np.isfinite(v) else v
    return k


def _oneway_batch(x3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ICC(1) and ICC(1,k) for a stack of complete n × k tables, shape (reps, n, k)."""
    _, n, k = x3.shape
    row_m = x3.mean(axis=2)
    grand = row_m.mean(axis=1)
    msb = k * np.sum((row_m - grand[:, None]) ** 2, axis=1) / (n - 1)
    msw = np.sum((x3 - row_m[..., None]) ** 2, axis=(1, 2)) / (n * (k - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (msb - msw) / (msb + (k - 1) * msw), (msb - msw) / msb


def reliability_curve(
    ratings: WideLike,
    k_max: int = 10,
    *,
    n_rep: int = 200,
    target: float = 0.8,
    seed: SeedLike = None,
    peran: str | None = None,
) -> pd.DataFrame:
    """Reliability of the mean of k raters: Spearman–Brown prediction checked by resampling.

    Answers "berapa rekan kerja yang perlu menilai?" for one rater role.

    Parameters
    ----------
    ratings : DataFrame or array
        Wide table (n_subjects × n_slots) of one rater role, raters nested in subjects
        (``to_wide(..., positional=True)`` or :func:`slot_table`), NaN missing — or the long
        ``penilaian_360`` table itself, then turned into that wide table with
        ``slot_table(ratings, peran=peran)`` (one period, ratings averaged over aspects).
    k_max : int, default 10
        Largest number of raters to show.
    n_rep : int, default 200
        Resampling repetitions per k.
    target : float, default 0.8
        Reliability goal (marks ``memenuhi_target`` and ``attrs["k_dibutuhkan"]``).
    seed : int, Generator or None
    peran : str, optional
        Rater role to keep when ``ratings`` is the long table (default: all roles pooled).

    Returns
    -------
    DataFrame
        One row per ``k = 1..k_max``: ``reliabilitas_prediksi`` (Spearman–Brown from the
        data's ICC(1), unbalanced estimator), ``reliabilitas_resampling`` (median over
        ``n_rep`` draws of k raters per subject, among subjects with >= k ratings — for k = 1
        the single-rater ICC(1) of random pairs; for k >= 2 ICC(1,k) of the drawn k),
        ``ci_low``/``ci_high`` (2.5 and 97.5 percentiles of the draws), ``n_subjek`` (subjects
        with >= k ratings, NaN resampling when fewer than 10) and ``memenuhi_target``.
        ``attrs``: ``icc1``, ``target``, ``k_dibutuhkan``.

    Notes
    -----
    The draws are vectorised: random keys per cell (missing = +inf), ``argsort`` along the
    rater axis, take the first k — one array operation per k for all subjects and reps.
    """
    if k_max < 1:
        raise ParameterError("k_max harus >= 1.")
    if isinstance(ratings, pd.DataFrame) and {"nip", "nip_penilai", "nilai"} <= set(ratings):
        from ._table import slot_table

        ratings = slot_table(ratings, peran=peran)
    x = as_float_matrix(ratings)
    rng = as_rng(seed)
    icc1 = float(icc(x, missing="unbalanced").loc["ICC1", "icc"])
    m = (~np.isnan(x)).sum(axis=1)
    rows = []
    for k in range(1, k_max + 1):
        kk = max(k, 2)
        sub = x[m >= kk]
        n_sub = int(sub.shape[0])
        med = lo = hi = math.nan
        if n_sub >= 10:
            # resample subjects (bootstrap) and, within each, k of its raters
            boot = sub[rng.integers(0, n_sub, size=(n_rep, n_sub))]
            keys = rng.random(boot.shape)
            keys[np.isnan(boot)] = np.inf
            pick = np.argsort(keys, axis=2)[:, :, :kk]
            drawn = np.take_along_axis(boot, pick, axis=2)
            single, mean_k = _oneway_batch(drawn)
            vals = single if k == 1 else mean_k
            vals = vals[np.isfinite(vals)]
            if vals.size:
                med = float(np.median(vals))
                lo, hi = (float(v) for v in np.quantile(vals, [0.025, 0.975]))
        pred = spearman_brown(icc1, k)
        rows.append(
            {
                "k": k,
                "reliabilitas_prediksi": pred,
                "reliabilitas_resampling": med,
                "ci_low": lo,
                "ci_high": hi,
                "n_subjek": int((m >= k).sum()),
                "memenuhi_target": bool(pred >= target),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs.update(icc1=icc1, target=target, k_dibutuhkan=raters_needed(icc1, target))
    return out
