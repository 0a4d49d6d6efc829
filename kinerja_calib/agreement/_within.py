"""Kendall's W and within-group agreement r_wg / r_wg(J)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._base import Estimate, WideLike, as_float_matrix
from ._dist import chi2_sf

__all__ = ["kendall_w", "rwg", "rwg_j"]


def _tie_sums(x: np.ndarray) -> np.ndarray:
    """Per column, Σ (t³ - t) over groups of tied values (x complete, shape n × m)."""
    n, m = x.shape
    s = np.sort(x, axis=0)
    start = np.ones_like(s, dtype=bool)
    start[1:] = s[1:] != s[:-1]
    flat_start = start.T.ravel()  # column-major: one column after another
    gid = np.cumsum(flat_start) - 1
    t = np.bincount(gid).astype(np.float64)
    col_of_group = np.repeat(np.arange(m), n)[flat_start]
    return np.bincount(col_of_group, weights=t**3 - t, minlength=m)


def kendall_w(wide: WideLike) -> Estimate:
    """Kendall's coefficient of concordance W, corrected for ties.

    Parameters
    ----------
    wide : DataFrame or array, shape (n_subjects, n_raters)
        Each rater's scores of the subjects (ranked within rater, ties get mid-ranks).

    Returns
    -------
    Estimate
        W with ``pval`` from the chi-square approximation ``χ² = m (n - 1) W``, df = n - 1,
        and ``detail["chi2"]``. ``se`` is NaN (use :func:`bootstrap`).

    Notes
    -----
    Missing data: listwise — ranks need every rater to rank the same subjects, so subjects
    with any missing rating are dropped (``detail["n_subjek_dibuang"]``). For 360 data with
    different raters per ratee W is not defined; use ICC(1) or α instead.

    ``W = 12 S / (m² (n³ - n) - m Σ_j T_j)`` with ``S`` the sum of squared deviations of the
    subjects' rank sums from their mean and ``T_j = Σ (t³ - t)`` over tie groups of rater j.
    Equivalent to Friedman's χ² / (m (n - 1)) with raters as blocks.

    References
    ----------
    Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. *Ann. Math.
    Stat.*, 10(3), 275-287. Siegel, S., & Castellan, N. J. (1988). *Nonparametric Statistics
    for the Behavioral Sciences* (2nd ed.), §9.4.

    Examples
    --------
    >>> x = [[1, 1, 2], [2, 1, 1], [3, 3, 4], [4, 4, 3]]
    >>> round(kendall_w(x), 6)   # 12 · 36.5 / (9 · 60 - 3 · 6) = 438 / 522
    0.83908
    """
    x = as_float_matrix(wide)
    complete = ~np.isnan(x).any(axis=1)
    xc = x[complete]
    n, m = xc.shape
    if n < 2 or m < 2:
        return Estimate(math.nan, n_subjek=n, n_penilai=m, metode="Kendall W")
    from scipy.stats import rankdata  # only Kendall's W needs it; scipy.stats costs ~0.3 s

    ranks = rankdata(xc, axis=0)
    rsum = ranks.sum(axis=1)
    s = np.sum((rsum - rsum.mean()) ** 2)
    ties = _tie_sums(xc).sum()
    den = m**2 * (n**3 - n) - m * ties
    w = 12.0 * s / den if den > 0 else math.nan
    chi2 = m * (n - 1) * w
    return Estimate(
        w,
        pval=float(chi2_sf(chi2, n - 1)) if np.isfinite(chi2) else math.nan,
        n_subjek=n,
        n_penilai=m,
        metode="Kendall W dengan koreksi ties; listwise (subjek dengan nilai hilang dibuang)",
        detail={"chi2": chi2, "df": n - 1, "n_subjek_dibuang": int((~complete).sum())},
    )


def _sigma2_eu(n_categories: int) -> float:
    if not isinstance(n_categories, int | np.integer) or n_categories < 2:
        raise ParameterError(
            f"n_categories={n_categories!r} harus bilangan bulat >= 2 (jumlah pilihan skala, "
            "misalnya 5 untuk skala 1-5)."
        )
    return (n_categories**2 - 1) / 12.0


def rwg(wide: WideLike, n_categories: int = 5) -> pd.Series:
    """Within-group agreement r_wg per subject (James, Demaree & Wolf 1984).

    Parameters
    ----------
    wide : DataFrame or array, shape (n_subjects, n_raters)
        One row per subject (the target rated), NaN missing.
    n_categories : int, default 5
        Number of response options A of the scale; the uniform ("no agreement") null has
        variance ``σ²_EU = (A² - 1) / 12``.

    Returns
    -------
    Series
        ``rwg`` per subject (index of ``wide``): ``1 - s² / σ²_EU`` with ``s²`` the sample
        variance (ddof = 1) of the subject's available ratings, truncated to 0 when
        ``s² > σ²_EU``; NaN for subjects with fewer than two ratings.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. *J. Appl. Psychol.*, 69(1), 85-98.
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organ. Res. Methods*, 11(4), 815-852.

    Examples
    --------
    >>> rwg([[4, 4, 5], [1, 5, 3]]).round(4).tolist()   # s² = 1/3, 4; σ²_EU = 2
    [0.8333, 0.0]
    """
    s2e = _sigma2_eu(n_categories)
    x = as_float_matrix(wide)
    mask = ~np.isnan(x)
    m = mask.sum(axis=1)
    xz = np.where(mask, x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = xz.sum(axis=1) / m
        var = np.where(mask, x - mean[:, None], 0.0)
        var = np.einsum("ij,ij->i", var, var) / (m - 1)
        r = np.where(m >= 2, np.clip(1.0 - var / s2e, 0.0, None), np.nan)
    index = wide.index if isinstance(wide, pd.DataFrame) else None
    return pd.Series(r, index=index, name="rwg")


def rwg_j(
    ratings: pd.DataFrame,
    by: Sequence[str] | None = None,
    *,
    item: str = "aspek",
    value: str = "nilai",
    rater: str = "nip_penilai",
    n_categories: int = 5,
) -> pd.DataFrame:
    """Multi-item within-group agreement r_wg(J) per group, from a long ratings table.

    Parameters
    ----------
    ratings : DataFrame
        Long table, e.g. ``penilaian_360`` (one row per ratee × rater × aspek).
    by : sequence of str, optional
        Columns defining a target group; default ``("periode", "nip", "peran_penilai")``
        (``periode`` only when present): one ratee in one period as seen by one rater role.
    item : str, default "aspek"
        The J items of the scale (the 7 BerAKHLAK aspects).
    value, rater : str
        Rating and rater columns.
    n_categories : int, default 5

    Returns
    -------
    DataFrame
        Index ``by``; columns ``rwg_j``, ``n_item`` (J items with >= 2 ratings),
        ``n_penilai`` (distinct raters), ``s2_rata`` (mean item variance). Only groups with
        at least two raters appear (one rater cannot agree with anyone).

    Notes
    -----
    ``r_wg(J) = J (1 - s̄²/σ²_EU) / (J (1 - s̄²/σ²_EU) + s̄²/σ²_EU)`` with ``s̄²`` the mean of
    the J item variances (each over the available raters, ddof = 1). When ``s̄² > σ²_EU``
    the index is set to 0 (Lindell, Brandt & Whitney 1999 truncation). Computed with grouped
    aggregations, no loop over groups.

    References
    ----------
    James, Demaree & Wolf (1984), eq. 4. Lindell, M. K., Brandt, C. J., & Whitney, D. J.
    (1999). A revised index of interrater agreement for multi-item ratings of a single
    target. *Appl. Psychol. Meas.*, 23(2), 127-135.
    """
    s2e = _sigma2_eu(n_categories)
    if by is None:
        by = [c for c in ("periode", "nip", "peran_penilai") if c in ratings.columns]
    by = list(by)
    need = [*by, item, value, rater]
    missing = [c for c in need if c not in ratings.columns]
    if missing:
        raise ParameterError(f"Kolom {missing} tidak ada di tabel penilaian.")
    df = ratings[need]
    var = df.groupby([*by, item], observed=True, sort=True)[value].var(ddof=1)
    var = var.dropna()
    g = var.groupby(level=list(range(len(by))), observed=True)
    s2 = g.mean()
    j = g.size().astype(np.float64)
    ratio = s2 / s2e
    with np.errstate(divide="ignore", invalid="ignore"):
        r = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    r = r.where(ratio <= 1, 0.0)
    n_rat = df.groupby(by, observed=True, sort=True)[rater].nunique()
    out = pd.DataFrame({"rwg_j": r, "n_item": j.astype(int), "s2_rata": s2})
    out["n_penilai"] = n_rat.reindex(out.index).astype(int)
    out = out[out["n_penilai"] >= 2]
    return out[["rwg_j", "n_item", "n_penilai", "s2_rata"]]
