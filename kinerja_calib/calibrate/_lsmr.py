"""The additive model's sparse least-squares fit (:func:`scipy.sparse.linalg.lsmr`).

The design is built at the level of (ratee, rater) pairs with Jacobi column scaling; the
aspect effects are alternated out. :func:`layout` orders ratees, raters and pairs component
by component of the rater network so the products stay cache-local (the estimate does not
depend on the order). The front door is :func:`kinerja_calib.calibrate.rater_effects`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import lsmr

from ._types import AdditiveFit, RatingData

__all__ = ["fit_additive", "layout"]


@dataclass
class _Layout:
    """Solver order of the design's rows and columns (the estimator does not depend on it).

    Ratees and raters are numbered component by component (of the rater–ratee network; within
    a component in order of first appearance in the data) and the pair rows follow their
    ratees, so the design is block diagonal up to the few role / grand-mean columns: each LSMR
    product then walks the solution vector almost sequentially instead of jumping across it
    (ids are sorted by NIP, which scatters colleagues over the whole vector).
    """

    ratee_pos: np.ndarray  # solver column of each ratee
    rater_pos: np.ndarray  # solver column of each rater, minus na
    row_order: np.ndarray  # pairs in solver row order


def layout(data: RatingData, comp_ratee: np.ndarray, comp_rater: np.ndarray) -> _Layout:
    na, nb = len(comp_ratee), len(comp_rater)

    def positions(pair_member: np.ndarray, comp: np.ndarray, n: int) -> np.ndarray:
        first_seen = pd.unique(pair_member)  # every ratee / rater has at least one pair
        order = first_seen[np.argsort(comp[first_seen], kind="stable")]
        pos = np.empty(n, np.int64)
        pos[order] = np.arange(n)
        return pos

    ratee_pos = positions(data.pair_ratee, comp_ratee, na)
    rater_pos = positions(data.pair_rater, comp_rater, nb)
    row_order = np.argsort(ratee_pos[data.pair_ratee], kind="stable")
    return _Layout(ratee_pos, rater_pos, row_order)


def _pair_design(
    data: RatingData,
    layout: _Layout,
    include_role: bool,
    lam: float,
    lam_a: float = 0.0,
    pair_w: np.ndarray | None = None,
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Column-scaled pair-level design in solver order: ratee | rater | role | (intercept when
    ratees are penalised), one row per pair weighted by √n, then √λ ridge rows.

    Returns the scaled design ``A·diag(scale)``, ``scale``, and ``col_pos`` (the solver column
    of each model column). Built directly in CSR form: every pair row has the same number of
    non-zeros, already in column order (ratee < rater < role < intercept).
    """
    na, nb, ng, _, npairs = data.sizes
    ro = layout.row_order
    w = np.sqrt((data.pair_n if pair_w is None else pair_w)[ro])
    cols = [layout.ratee_pos[data.pair_ratee[ro]], na + layout.rater_pos[data.pair_rater[ro]]]
    ncols = na + nb
    if include_role and ng > 1:
        cols.append(ncols + data.pair_role[ro])
        ncols += ng
    if lam_a > 0:  # an unpenalised grand mean
        cols.append(np.full(npairs, ncols))
        ncols += 1
    k = len(cols)
    idx = [np.stack(cols, axis=1).ravel()]
    val = [np.repeat(w, k)]
    n_pad = 0
    for lam_x, start, n in ((lam, na, nb), (lam_a, 0, na)):
        if lam_x > 0:  # ridge rows in solver column order (their right-hand side is 0)
            idx.append(np.arange(start, start + n))
            val.append(np.full(n, np.sqrt(lam_x)))
            n_pad += n
    indices = np.concatenate(idx)
    values = np.concatenate(val)
    itype = np.int32 if max(len(indices), ncols) < np.iinfo(np.int32).max else np.int64
    indptr = np.concatenate(
        [np.arange(0, k * npairs + 1, k), k * npairs + np.arange(1, n_pad + 1)]
    ).astype(itype)
    colsq = np.bincount(indices, weights=values * values, minlength=ncols)
    scale = 1.0 / np.sqrt(np.where(colsq > 0, colsq, 1.0))
    values *= scale[indices]
    As = sparse.csr_matrix(
        (values, indices.astype(itype), indptr), shape=(npairs + n_pad, ncols), copy=False
    )
    col_pos = np.concatenate([layout.ratee_pos, na + layout.rater_pos, np.arange(na + nb, ncols)])
    return As, scale, col_pos


def fit_additive(
    data: RatingData,
    lam: float,
    include_role: bool,
    include_aspect: bool,
    comp_ratee: np.ndarray,
    comp_rater: np.ndarray,
    tol: float,
    layout: _Layout,
    x0: np.ndarray | None = None,
    max_outer: int = 100,
    lam_a: float = 0.0,
    pair_w: np.ndarray | None = None,
) -> tuple[AdditiveFit, np.ndarray]:
    na, nb, ng, nk, npairs = data.sizes
    As, scale, col_pos = _pair_design(data, layout, include_role, lam, lam_a, pair_w)
    ncols = len(scale)
    has_role = include_role and ng > 1
    n_main = na + nb + (ng if has_role else 0)
    n_pad = As.shape[0] - npairs
    sqrt_n = np.sqrt(data.pair_n if pair_w is None else pair_w)
    n_asp = data.n_aspect
    d = np.zeros(nk)
    z = None
    if x0 is not None:  # to solver order and scale
        z = np.empty(ncols)
        z[col_pos] = x0
        z /= scale
    total_iter = 0
    converged = False
    outer = 0
    for outer in range(1, max_outer + 1):
        if outer == 1:  # d = 0
            ysum = data.pair_ysum
        else:
            ysum = np.bincount(data.pair, weights=data.y - d[data.aspect], minlength=npairs)
        ybar = ysum / data.pair_n
        rhs = np.zeros(npairs + n_pad)
        rhs[:npairs] = (sqrt_n * ybar)[layout.row_order]
        sol = lsmr(As, rhs, atol=tol, btol=tol, maxiter=20 * ncols + 1000, x0=z)
        z = sol[0]
        total_iter += int(sol[2])
        x = (z * scale)[col_pos]  # back to model order
        pair_fit = x[data.pair_ratee] + x[na + data.pair_rater]
        if has_role:
            pair_fit = pair_fit + x[na + nb + data.pair_role]
        if lam_a > 0:
            pair_fit = pair_fit + x[n_main]
        if not include_aspect or nk == 1:
            converged = True
            break
        resid = data.y - pair_fit[data.pair]
        d_new = np.bincount(data.aspect, weights=resid, minlength=nk) / n_asp
        d_new -= np.average(d_new, weights=n_asp)
        step = np.max(np.abs(d_new - d))
        d = d_new
        if step < max(tol * 10, 1e-12):
            converged = True
            break
    a = x[:na].copy()
    if lam_a > 0:
        a += x[n_main]
    b = x[na : na + nb].copy()
    c = x[na + nb : na + nb + ng].copy() if has_role else np.zeros(ng)
    c_mean = np.average(c, weights=data.n_role)
    c -= c_mean
    a += c_mean
    # identification: rater effects mean 0 within each connected component
    ncomp = int(max(comp_ratee.max(), comp_rater.max())) + 1
    cnt = np.bincount(comp_rater, minlength=ncomp)
    bmean = np.bincount(comp_rater, weights=b, minlength=ncomp) / np.maximum(cnt, 1)
    b -= bmean[comp_rater]
    a += bmean[comp_ratee]
    fit = AdditiveFit(a, b, c, d, pair_fit, total_iter, outer, converged)
    return fit, x
