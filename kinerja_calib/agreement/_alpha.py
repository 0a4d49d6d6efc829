"""Krippendorff's alpha via the coincidence matrix (vectorised, missing values allowed)."""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

from ..errors import ParameterError
from ._base import Estimate, WideLike, as_float_matrix, counts_table

__all__ = ["coincidence_matrix", "krippendorff_alpha"]

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def coincidence_matrix(wide: WideLike) -> tuple[np.ndarray, np.ndarray]:
    """Krippendorff's coincidence matrix of a wide table.

    Returns ``(o, values)`` where ``o[c, k] = sum_u (number of c-k pairs in unit u) / (m_u - 1)``
    over units (rows) with ``m_u >= 2`` values, and ``values`` are the sorted distinct values.
    Counting uses ``np.bincount`` on integer codes and one (sparse when wide) matrix product;
    there is no loop over units.
    """
    r, values, _ = counts_table(wide)
    return _coincidence(r), values


def _coincidence(rt: np.ndarray) -> np.ndarray:
    """``o = R diag(w) Rᵀ - diag(R w)`` with ``w_u = 1 / (m_u - 1)`` for pairable units.

    ``rt`` holds the counts category-major (q × n), so the product is one GEMM with a long
    inner dimension (fast in BLAS) or a sparse product when there are many distinct values.
    """
    v = rt.shape[0]
    m = rt.sum(axis=0)
    w = np.where(m >= 2, 1.0 / np.maximum(m - 1.0, 1.0), 0.0)
    if v <= 64:
        rw = rt * w
        o = rw @ rt.T
        o[np.diag_indices(v)] -= rw.sum(axis=1)
        return o
    rs = sparse.csr_matrix(rt)
    rws = rs.multiply(w[None, :]).tocsr()
    o = np.asarray((rws @ rs.T).todense())
    o[np.diag_indices(v)] -= np.asarray(rws.sum(axis=1)).ravel()
    return o


def _delta2(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    c = values[:, None]
    k = values[None, :]
    if level == "nominal":
        return (c != k).astype(np.float64)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        s = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(s == 0, 0.0, ((c - k) / s) ** 2)
        return d
    # ordinal: (sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2 on the ranks of the values
    cs = np.cumsum(n_c)
    i = np.arange(len(values))
    lo = np.minimum(i[:, None], i[None, :])
    hi = np.maximum(i[:, None], i[None, :])
    between = cs[hi] - cs[lo] + n_c[lo]
    return (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2


def _alpha_interval_sums(x: np.ndarray) -> tuple[float, int, int, int]:
    """Interval alpha from per-unit counts, sums and sums of squares (no coincidence matrix).

    Works rater-major (k × n, free for DataFrames, which store columns contiguously) so the
    per-unit reductions add k contiguous rows instead of reducing many tiny rows.
    """
    xt = np.ascontiguousarray(x.T)
    nanmask = np.isnan(xt)
    m = xt.shape[0] - nanmask.sum(axis=0)
    pair = m >= 2
    xz = np.where(nanmask, 0.0, xt)
    s1 = xz.sum(axis=0)
    n = int(m[pair].sum())
    if n == 0:
        return math.nan, 0, 0, 0
    s2 = np.einsum("kn,kn->n", xz, xz)
    centre = s1[pair].sum() / n
    spread = s2[pair].sum() / n - centre * centre
    if centre * centre > 1e6 * max(spread, 0.0):
        # values far from zero relative to their spread: recentre so that the sums of
        # squares do not cancel catastrophically (ratings on 1-5 never need this)
        xz = np.where(nanmask, 0.0, xt - centre)
        s1 = xz.sum(axis=0)
        s2 = np.einsum("kn,kn->n", xz, xz)
    mp, s1p, s2p = m[pair], s1[pair], s2[pair]
    within = np.sum(2.0 * (mp * s2p - s1p * s1p) / (mp - 1.0))
    total = 2.0 * (n * s2p.sum() - s1p.sum() ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1) * within / total
    used = ~nanmask[:, pair] if not pair.all() else ~nanmask
    return float(alpha), int(pair.sum()), int(used.any(axis=1).sum()), n


def krippendorff_alpha(wide: WideLike, level: str = "interval") -> Estimate:
    """Krippendorff's alpha reliability for any number of raters, with missing values.

    Parameters
    ----------
    wide : DataFrame or array, shape (n_units, n_raters)
        Rows are units (subjects), columns raters (or rater slots), NaN missing. Note that
        the ``krippendorff`` package expects the transpose (raters × units).
    level : {"nominal", "ordinal", "interval", "ratio"}, default "interval"
        Level of measurement, i.e. the difference function δ².

    Returns
    -------
    Estimate
        α as a float, with ``n_subjek`` (pairable units), ``n_penilai`` and
        ``detail["n_nilai"]`` (pairable values). ``se`` is NaN: use :func:`bootstrap` for an
        interval.

    Notes
    -----
    Missing data: every value in a unit with at least two values is used (pairwise within
    units, as Krippendorff defines it); units with fewer than two values cannot be paired
    and are dropped. No imputation, no listwise deletion.

    ``α = 1 - (n - 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck`` with the coincidence matrix ``o``
    (:func:`coincidence_matrix`). For the interval level the same quantity is computed from
    per-unit sums and sums of squares without building ``o`` (exact, and fast for
    continuous values such as means over aspects).

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School
    for Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
    Krippendorff, K. (2004). *Content Analysis* (2nd ed.), ch. 11: .800 reliable, .667 the
    lowest limit for tentative conclusions.

    Examples
    --------
    Krippendorff (2011), reliability data with missing values (4 observers × 12 units):

    >>> import numpy as np
    >>> nan = np.nan
    >>> data = np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...                  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...                  [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...                  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]).T
    >>> round(krippendorff_alpha(data, "nominal"), 3), round(krippendorff_alpha(data), 3)
    (0.743, 0.849)
    """
    if level not in LEVELS:
        raise ParameterError(
            f"level={level!r} tidak dikenal; pilih salah satu dari {list(LEVELS)}."
        )
    metode = f"Krippendorff alpha ({level}); unit dengan < 2 nilai dibuang, sisanya berpasangan"
    if level == "interval":
        x = as_float_matrix(wide)
        alpha, n_units, n_rat, n_vals = _alpha_interval_sums(x)
        return Estimate(
            alpha, n_subjek=n_units, n_penilai=n_rat, metode=metode, detail={"n_nilai": n_vals}
        )
    if level in ("ratio",):
        as_float_matrix(wide)  # ratio needs numbers
    r, values, rater_used = counts_table(wide)
    o = _coincidence(r)
    if level != "nominal" and values.dtype == object:
        raise ParameterError(f"level='{level}' membutuhkan nilai berupa angka.")
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if level == "nominal":
        # δ² = 1 off the diagonal: Σ o δ² = n - trace(o), Σ n_c n_k δ² = n² - Σ n_c²
        d_o = n - np.trace(o)
        d_e = n * n - np.sum(n_c**2)
    else:
        vals = values.astype(np.float64)
        d2 = _delta2(level, vals, n_c)
        d_o = np.sum(o * d2)
        d_e = n_c @ d2 @ n_c
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1) * d_o / d_e if n > 0 else math.nan
    pair = r.sum(axis=0) >= 2
    return Estimate(
        float(alpha),
        n_subjek=int(pair.sum()),
        n_penilai=int(rater_used.sum()),
        metode=metode,
        detail={"n_nilai": int(round(n))},
    )
