"""The few F, t, chi-square and normal tail functions the agreement statistics need.

``scipy.stats`` costs ~0.3 s to import (it builds ~200 distribution objects and pulls in
``scipy.optimize``), and every papermill kernel that renders a report pays it again. These
helpers call the same ``scipy.special`` kernels that ``scipy.stats.f``/``t``/``chi2``/``norm``
call (``fdtrc``, ``fdtri``, ``stdtr``, ``stdtrit``, ``chdtrc``, ``ndtr``, ``ndtri``) and
reproduce the argument checks of ``rv_continuous.sf``/``ppf`` (NaN for invalid degrees of
freedom or a NaN argument; the support bounds at the edges), so results are bit-for-bit those
of ``scipy.stats`` (``tests/test_agreement.py`` checks this on a grid of edge cases).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import special

__all__ = ["chi2_sf", "f_ppf", "f_sf", "norm_ppf", "norm_sf", "t_ppf", "t_sf"]


def _dfs_ok(dfs: tuple) -> np.ndarray:
    ok = np.asarray(True)
    for df in dfs:
        ok = ok & (np.asarray(df) > 0)  # rv_continuous._argcheck: every shape > 0 (NaN fails)
    return ok


def _sf(kernel: Callable, x, dfs: tuple, lower: float, upper: float):
    """``rv_continuous.sf`` for a standard-form distribution with support (lower, upper)."""
    x = np.asarray(x, dtype=np.promote_types(np.asarray(x).dtype, np.float64))
    ok = _dfs_ok(dfs)
    with np.errstate(invalid="ignore"):
        inside = ok & (lower < x) & (x < upper)
        below = ok & (x <= lower)
    out = np.zeros(np.broadcast_shapes(ok.shape, x.shape, inside.shape), dtype=x.dtype)
    out[np.broadcast_to(~ok | np.isnan(x), out.shape)] = np.nan
    out[np.broadcast_to(below, out.shape)] = 1.0
    if inside.any():
        args = np.broadcast_arrays(x, *dfs, inside)
        sel = args[-1]
        out[sel] = kernel(*[a[sel] for a in args[:-1]])
    return out[()] if out.ndim == 0 else out


def _ppf(kernel: Callable, q, dfs: tuple, lower: float, upper: float):
    """``rv_continuous.ppf`` for a standard-form distribution with support (lower, upper)."""
    q = np.asarray(q)
    ok = _dfs_ok(dfs)
    shape = np.broadcast_shapes(ok.shape, q.shape)
    out = np.full(shape, np.nan)
    out[np.broadcast_to(ok & (q == 0), shape)] = lower
    out[np.broadcast_to(ok & (q == 1), shape)] = upper
    inside = np.broadcast_to(ok & (0 < q) & (q < 1), shape)
    if inside.any():
        args = np.broadcast_arrays(q, *dfs, inside)
        sel = args[-1]
        out[sel] = kernel(*[a[sel] for a in args[:-1]]) * 1.0 + 0.0  # * scale + loc
    return out[()] if out.ndim == 0 else out


def f_sf(x, dfn, dfd):
    """``scipy.stats.f.sf(x, dfn, dfd)``."""
    return _sf(lambda x, a, b: special.fdtrc(a, b, x), x, (dfn, dfd), 0.0, np.inf)


def f_ppf(q, dfn, dfd):
    """``scipy.stats.f.ppf(q, dfn, dfd)``."""
    return _ppf(lambda q, a, b: special.fdtri(a, b, q), q, (dfn, dfd), 0.0, np.inf)


def t_sf(x, df):
    """``scipy.stats.t.sf(x, df)``."""
    return _sf(lambda x, v: special.stdtr(v, -x), x, (df,), -np.inf, np.inf)


def t_ppf(q, df):
    """``scipy.stats.t.ppf(q, df)``."""
    return _ppf(lambda q, v: special.stdtrit(v, q), q, (df,), -np.inf, np.inf)


def chi2_sf(x, df):
    """``scipy.stats.chi2.sf(x, df)``."""
    return _sf(lambda x, v: special.chdtrc(v, x), x, (df,), 0.0, np.inf)


def norm_sf(x):
    """``scipy.stats.norm.sf(x)``."""
    return _sf(lambda x: special.ndtr(-x), x, (), -np.inf, np.inf)


def norm_ppf(q):
    """``scipy.stats.norm.ppf(q)``."""
    return _ppf(special.ndtri, q, (), -np.inf, np.inf)
