"""Krippendorff's alpha via the coincidence matrix (vectorised, missing values allowed)."""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

from ..errors import ParameterError
from ._base import Estimate, WideLike, as_float_matrix, encode

__all__ = ["coincidence_matrix", "krippendorff_alpha"]

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def coincidence_matrix(wide: WideLike) -> tuple[np.ndarray, np.ndarray]:
    """Krippendorff's coincidence matrix of a wide table.

    Returns ``(o, values)`` where ``o[c, k] = sum_u (number of c-k pairs in unit u) / (m_u - 1)``
    over units (rows) with ``m_u >= 2`` values, and ``values`` are the sorted distinct values.
    Counting uses ``np.bincount`` on integer codes and one (sparse when wide) matrix product;
    there is no loop over units.
    """
    codes, values = encode(wide)
    return _coincidence(codes, values), values


def _coincidence(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    ok = codes >= 0
    m = ok.sum(axis=1)
    keep = m >= 2
    codes, ok, m = codes[keep], ok[keep], m[keep]
    v = len(values)
    if codes.shape[0] == 0 or v == 0:
        return np.zeros((v, v))
    w = 1.0 / (m - 1.0)
    rows = np.broadcast_to(np.arange(codes.shape[0])[:, None], codes.shape)[ok]
    cols = codes[ok]
    if v <= 64:
        counts = np.bincount(rows * v + cols, minlength=codes.shape[0] * v)
        counts = counts.reshape(-1, v).astype(np.float64)
        o = (counts * w[:, None]).T @ counts
    else:
        counts = sparse.csr_matrix((np.ones(cols.size), (rows, cols)), shape=(codes.shape[0], v))
        o = np.asarray((counts.multiply(w[:, None]).T @ counts).todense())
    # remove self-pairs: each value pairs with itself once per unit
    o[np.diag_indices(v)] -= np.bincount(cols, weights=w[rows], minlength=v)
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


def _alpha_interval_sums(x: np.ndarray) -> tuple[float, int, int]:
    mask = ~np.isnan(x)
    m = mask.sum(axis=1)
    keep = m >= 2
    if not keep.all():
        x, mask, m = x[keep], mask[keep], m[keep]
    n = int(m.sum())
    if n == 0:
        return math.nan, 0, 0
    xz = np.where(mask, x, 0.0)
    centre = xz.sum() / n
    xz = np.where(mask, x - centre, 0.0)
    s1 = xz.sum(axis=1)
    s2 = np.einsum("ij,ij->i", xz, xz)
    within = np.sum(2.0 * (m * s2 - s1 * s1) / (m - 1.0))
    total = 2.0 * (n * s2.sum() - s1.sum() ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1) * within / total
    return float(alpha), int(x.shape[0]), int(mask.any(axis=0).sum())


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
        alpha, n_units, n_rat = _alpha_interval_sums(x)
        n_vals = int((~np.isnan(x[(~np.isnan(x)).sum(axis=1) >= 2])).sum())
        return Estimate(
            alpha, n_subjek=n_units, n_penilai=n_rat, metode=metode, detail={"n_nilai": n_vals}
        )
    if level in ("ratio",):
        as_float_matrix(wide)  # ratio needs numbers
    codes, values = encode(wide)
    o = _coincidence(codes, values)
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
    ok = codes >= 0
    pair = ok.sum(axis=1) >= 2
    return Estimate(
        float(alpha),
        n_subjek=int(pair.sum()),
        n_penilai=int(ok[pair].any(axis=0).sum()),
        metode=metode,
        detail={"n_nilai": int(round(n))},
    )
