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


def _unit_sums(x: np.ndarray) -> dict[str, np.ndarray]:
    """Per-subject sufficient statistics (count, centred sum and sum of squares)."""
    mask = ~np.isnan(x)
    m = mask.sum(axis=1).astype(np.float64)
    pair = m >= 2
    xz = np.where(mask, x, 0.0)
    centre = xz[pair].sum() / max(m[pair].sum(), 1.0)
    xz = np.where(mask, x - centre, 0.0)
    s1 = xz.sum(axis=1)
    s2 = np.einsum("ij,ij->i", xz, xz)
    p = pair.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ssw = np.where(pair, s2 - s1 * s1 / m, 0.0)
        within = np.where(pair, 2.0 * (m * s2 - s1 * s1) / (m - 1.0), 0.0)
        q = np.where(pair, s1 * s1 / m, 0.0)
    return {"a": p, "m": m * p, "m2": m * m * p, "s1": s1 * p, "s2": s2 * p, "ssw": ssw,
            "within": within, "q": q}  # fmt: skip


def _fast_replicates(name: str, x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Replicates of interval alpha / ICC(1) / ICC(1,k) from gathered per-subject sums."""
    u = _unit_sums(x)
    tot = {k: v[idx].sum(axis=1) for k, v in u.items()}  # one gather per statistic
    a, n = tot["a"], tot["m"]
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "alpha":
            total = 2.0 * (n * tot["s2"] - tot["s1"] ** 2)
            return 1.0 - (n - 1) * tot["within"] / total
        msb = (tot["q"] - tot["s1"] ** 2 / n) / (a - 1)
        msw = tot["ssw"] / (n - a)
        if name == "icc1k":
            return (msb - msw) / msb
        n0 = (n - tot["m2"] / n) / (a - 1)
        return (msb - msw) / (msb + (n0 - 1) * msw)


def _named_stat(stat, kwargs) -> str | None:
    """Name of a statistic with a vectorised bootstrap, else None."""
    from ._alpha import krippendorff_alpha

    if isinstance(stat, str):
        if stat not in ("alpha", "icc1", "icc1k"):
            raise ParameterError(
                f"stat={stat!r} tidak dikenal; pakai 'alpha', 'icc1', 'icc1k' atau sebuah fungsi."
            )
        return stat
    if stat is krippendorff_alpha and kwargs.get("level", "interval") == "interval":
        return "alpha"
    return None


def bootstrap(
    stat: Callable[..., float] | str,
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
    stat : callable or {"alpha", "icc1", "icc1k"}
        ``stat(wide_array, **kwargs) -> float``, e.g. :func:`krippendorff_alpha` or
        ``lambda w: icc(w).loc["ICC3", "icc"]``; or the name of a statistic with a fully
        vectorised bootstrap: ``"alpha"`` (interval Krippendorff α), ``"icc1"``/``"icc1k"``
        (unbalanced one-way ICC, as ``icc(..., missing="unbalanced")``).
        ``krippendorff_alpha`` at the interval level also takes the vectorised path.
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
    All resampling indices are drawn in one call. For the named statistics each replicate is
    a sum of per-subject sufficient statistics gathered with the index array (no loop at
    all); for other callables the loop runs over replicates, never over subjects. Replicates
    where the statistic is undefined (NaN) are ignored.
    """
    if n_boot < 2:
        raise ParameterError(f"n_boot={n_boot!r} terlalu kecil; gunakan misalnya 1000.")
    x = as_float_matrix(wide)
    rng = as_rng(seed)
    name = _named_stat(stat, kwargs)
    idx = rng.integers(0, x.shape[0], size=(n_boot, x.shape[0]))
    if name is None:
        full = stat(x, **kwargs)
        reps = np.array([float(stat(x[i], **kwargs)) for i in idx])
    else:
        from ._alpha import krippendorff_alpha

        if name == "alpha":
            full = krippendorff_alpha(x, "interval")
        else:
            res = icc(x, missing="unbalanced")
            row = "ICC1" if name == "icc1" else "ICC1k"
            full = Estimate(
                res.at[row, "icc"],
                pval=res.at[row, "pval"],
                n_subjek=res.attrs["n_subjek"],
                n_penilai=res.attrs["n_penilai"],
                metode=f"{row} (ANOVA satu arah tak seimbang)",
            )
        step = max(1, int(2e7 // max(x.shape[0], 1)))  # bound the gathered block's memory
        reps = np.concatenate(
            [_fast_replicates(name, x, idx[i : i + step]) for i in range(0, n_boot, step)]
        )
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
    with np.errstate(divide="ignore", invalid="ignore"):  # r = -1/(k-1): undefined (nan/inf)
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
