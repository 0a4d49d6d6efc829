"""Variance components of the additive model by exact REML, for designs small enough to afford it.

The crossed model on the (ratee, rater) pair means ``z_p`` (aspect effects removed) is

.. math:: z = X\\beta + Z_a a + Z_b b + e, \\quad a \\sim N(0, \\sigma^2_a I), \\;
          b \\sim N(0, \\sigma^2_b I), \\; \\mathrm{Var}\\, e_p = \\sigma^2_{int} + \\sigma^2_w / n_p,

with ``X`` the intercept and the role effects (fixed: they are few and well determined, and
REML accounts for their degrees of freedom) and ``σ²_w`` the within-pair residual variance
(held at its estimate from the within-pair residuals, which have several times the pairs'
degrees of freedom; 0 when every pair has one rating, so that σ²_int is all pair-level noise).
The restricted likelihood (Patterson & Thompson 1971) is evaluated through Henderson's
mixed-model equations ``M = W'R⁻¹W + diag(0, G⁻¹)``, ``W = [X Z_a Z_b]``:

.. math:: -2\\ell_R = \\log|R| + \\log|G| + \\log|M| + z'R^{-1}z - \\hat s' W'R^{-1}z
          + \\text{const}

(Henderson 1984; Searle, Casella & McCulloch 1992). The larger of the ratee and rater blocks
of ``M`` is diagonal (a pair has one ratee and one rater) and is absorbed; the Schur complement
on the smaller block plus ``X`` is factorised. The gradient needs ``tr(M⁻¹ ·)``: sums of
entries of ``S⁻¹`` where ``S`` (or ``F = M_DE M_EE⁻¹`` column by column) has entries. Up to
:data:`BATAS_REML` both come from a dense Cholesky factor and the full inverse; above it from a
sparse factor and its selected inverse (:mod:`._selinv`), which holds exactly those entries —
the same likelihood, gradient and average information to rounding (tested), at the cost of
the sparse factor instead of the cube of the block. The start is the moment estimate of
:mod:`._varcomp`.

Why: the moment equations are unbiased but noisy in small organisations (the report fits each
instansi on its own): in ``benchmarks/bench_batas.py``'s ``unit kecil`` (ten organisations of
300) the default reached 0.942 of the true-components BLUP's gain, 0.981 with the true λ.
With REML as the default below :data:`BATAS_REML` the share reached 0.951 (seeds 1–3; log-λ
RMSE over ten such organisations 0.184 against 0.228 for the blended moments), and the
components equal statsmodels' MixedLM REML on the same pair means (1e-5 relative) in 0.03 s
instead of 5–30 s. Above :data:`BATAS_REML` the sparse factor is used up to
:data:`BATAS_REML_JARANG` when its work is within :data:`BATAS_KERJA_REML`, else the moments
(log-λ RMSE 0.08 at 2,000 ratees on the ``bench_batas`` generator, whose raters rate many
people; on ``kc.simulate``, where most raters rate one or two, the moment σ²_pegawai at
3,000 pegawai ranges 0.110–0.152 over seeds 1–10 in 6 instansi and 0.06–0.24 in 2, against
REML's 0.128–0.147 and the raters'-scale truth 0.12–0.14; ``bench_varcomp.py --reml``).

Each iteration is an average-information Newton step (Gilmour, Thompson & Cullis 1995) in
the log-components with step halving; 4–6 iterations from the moments.

References
----------
.. [1] Patterson, H. D., & Thompson, R. (1971). Recovery of inter-block information when block
   sizes are unequal. *Biometrika*, 58(3), 545–554.
.. [2] Henderson, C. R. (1984). *Applications of Linear Models in Animal Breeding*. University
   of Guelph.
.. [3] Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance Components*. Wiley.
.. [4] Gilmour, A. R., Thompson, R., & Cullis, B. R. (1995). Average information REML: an
   efficient algorithm for variance parameter estimation in linear mixed models.
   *Biometrics*, 51(4), 1440–1450.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, sparse

from ._selinv import InversTerpilih, TerlaluMahal, pasangan_kolom
from ._types import AdditiveFit, RatingData

__all__ = [
    "BATAS_KERJA_REML",
    "BATAS_REML",
    "BATAS_REML_JARANG",
    "reml_components",
    "reml_fits",
]

#: Largest ``min(pegawai, penilai)`` — the dense block of the mixed-model equations — for which
#: the default estimates the variance components by REML instead of the moment equations.
#: Chosen by measurement (issue 16, one shared core, ``bench_batas`` generator, seed 1): on the
#: first n pegawai of ``bawaan`` (n = 300 / 600 / 1,000 / 1,500 / 2,000) REML took 0.08 / 0.3 /
#: 2.0 / 0.9 / 1.8 s per fit against 0.05–0.15 s for the moments, and raised the share of the
#: true-components BLUP's gain by +0.003 / +0.001 / +0.002 / +0.002 / +0.001; at 3,000 (the
#: full ``sentral`` and ``dua wilayah``) 4.4–7.2 s for +0.002. In 300-person organisations
#: (``unit kecil``) the gain is +0.009 (0.942 → 0.951, seeds 1–3) for ≈ 0.05 s more per fit.
#: Above ~1,000 the gain is within the noise of the benchmark while a fit costs seconds, so
#: the limit is 1,000. Not a regulation value (hence here, not in the rules files).
BATAS_REML = 1000


#: Largest ``min(pegawai, penilai)`` for which the default tries REML on a *sparse* factor of the
#: Schur complement (selected inversion, :mod:`._selinv`) above :data:`BATAS_REML`, where the
#: dense one costs seconds: the same estimates to rounding (tested), kept when the factor's
#: work is at most :data:`BATAS_KERJA_REML`. ``kc.simulate`` default, 3,000 pegawai in 6
#: instansi (seed 1): 0.85 s against 4.6 s dense; seeds 1, 5, 9: σ²_pegawai 0.133 / 0.132 /
#: 0.135 against the moments' 0.110 / 0.118 / 0.112 (the raters' scale: 0.12–0.14), r with the
#: truth +0.003 to +0.004 (``benchmarks/bench_varcomp.py --reml``).
BATAS_REML_JARANG = 5_000

#: Work of the sparse factor (``Σ_j k_j²``) up to which the default uses the sparse REML: about
#: a second per fit (the gradient needs one selected inversion per iteration). 3,000 pegawai in
#: 6 instansi: 4e6 (0.85 s); in 2 instansi: 3.8e7 (3.8 s, dense 4.4 s), so the moments there.
BATAS_KERJA_REML = 1.0e7


def reml_fits(data: RatingData) -> bool:
    """Whether the default tries :func:`reml_components`: dense up to :data:`BATAS_REML`,
    sparse up to :data:`BATAS_REML_JARANG` (within :data:`BATAS_KERJA_REML`)."""
    return min(len(data.ratee_ids), len(data.rater_ids)) <= BATAS_REML_JARANG


class _Problem:
    """The pair-level mixed model with the larger random-effect block absorbed."""

    def __init__(
        self,
        data: RatingData,
        fit: AdditiveFit,
        s2_w: float,
        include_role: bool,
        jarang: bool = False,
        batas_kerja: float = np.inf,
    ):
        na, nb, ng, _, npairs = data.sizes
        d_pair = np.bincount(data.pair, weights=fit.d[data.aspect], minlength=npairs)
        self.z = data.pair_ysum / data.pair_n - d_pair / data.pair_n
        self.h = (float(s2_w) if np.isfinite(s2_w) else 0.0) / data.pair_n
        rows = np.arange(npairs)
        cols = [np.ones((npairs, 1))]
        if include_role and ng > 1:
            cols.append(
                sparse.csr_matrix(
                    (np.ones(npairs), (rows, data.pair_role)), shape=(npairs, ng)
                ).toarray()[:, 1:]
            )
        X = np.hstack(cols)
        keep = np.linalg.matrix_rank(X) == X.shape[1]
        self.X = X if keep else X[:, :1]
        self.p = self.X.shape[1]
        # the smaller block is dense (with X), the larger diagonal and absorbed
        self.small_is_ratee = na <= nb
        small, large = (
            (data.pair_ratee, data.pair_rater)
            if self.small_is_ratee
            else (data.pair_rater, data.pair_ratee)
        )
        self.ns, self.nl = (na, nb) if self.small_is_ratee else (nb, na)
        self.small, self.large = small, large
        self.D = sparse.hstack(
            [
                sparse.csr_matrix(self.X),
                sparse.csr_matrix((np.ones(npairs), (rows, small)), shape=(npairs, self.ns)),
            ]
        ).tocsr()
        self.Zl = sparse.csr_matrix((np.ones(npairs), (rows, large)), shape=(npairs, self.nl))
        self.jarang = jarang  # the Schur complement as a sparse factor (_selinv), not dense
        self.batas_kerja = batas_kerja  # of the sparse factor (TerlaluMahal beyond)

    def evaluate(self, phi: np.ndarray, grad: bool = True):
        """−2 log restricted likelihood (up to a constant), its gradient and the average
        information (Gilmour, Thompson & Cullis 1995) in the log-components.

        ``phi`` = log of (σ²_a, σ²_b, σ²_int). Without ``grad`` only the value."""
        s2 = np.exp(phi)
        g_s, g_l = (s2[0], s2[1]) if self.small_is_ratee else (s2[1], s2[0])
        r = s2[2] + self.h
        w = 1.0 / r
        z, D, Zl, p, ns = self.z, self.D, self.Zl, self.p, self.ns
        Dw = D.T.multiply(w).tocsr()  # D'R⁻¹
        m_ee = np.bincount(self.large, weights=w, minlength=self.nl) + 1.0 / g_l
        m_dd = (Dw @ D).tocsr() + sparse.diags(np.r_[np.zeros(p), np.full(ns, 1.0 / g_s)])
        m_de = (Dw @ Zl).tocsr()
        F = m_de.multiply(1.0 / m_ee).tocsr()  # M_DE M_EE⁻¹
        try:
            schur = _Schur(m_dd - F @ m_de.T, self.jarang, self.batas_kerja)
        except (linalg.LinAlgError, RuntimeError):
            return np.inf, None, None

        def solve(q):  # the mixed-model equations with right-hand side W'R⁻¹q
            rhs_d = Dw @ q
            rhs_e = np.bincount(self.large, weights=w * q, minlength=self.nl)
            x_d = schur.solve(rhs_d - F @ rhs_e)
            x_e = (rhs_e - m_de.T @ x_d) / m_ee
            return x_d, x_e, float(rhs_d @ x_d + rhs_e @ x_e)

        x_d, x_e, fitted = solve(z)
        f = (
            float(np.sum(np.log(r)))
            + ns * np.log(g_s)
            + self.nl * np.log(g_l)
            + float(np.sum(np.log(m_ee)))
            + schur.logdet
            + float(z @ (w * z))
            - fitted
        )
        if not grad:
            return f, None, None
        w2 = w * w
        Dw2 = D.T.multiply(w2).tocsr()
        k_ee = np.bincount(self.large, weights=w2, minlength=self.nl)
        try:  # the traces tr(M⁻¹ ·) from S⁻¹ (dense, or on the sparse factor's pattern)
            tr_s, c_ee, tr_k = schur.traces(p, m_ee, F, Dw2 @ D, Dw2 @ Zl, k_ee)
        except (linalg.LinAlgError, ValueError):
            return f, None, None
        tr_l = float(c_ee.sum())
        u_s, u_l = x_d[p:], x_e
        g_small = ns / g_s - tr_s / g_s**2 - float(u_s @ u_s) / g_s**2
        g_large = self.nl / g_l - tr_l / g_l**2 - float(u_l @ u_l) / g_l**2
        # σ²_int: tr(P) − z'P²z, tr(P) = Σ w − tr(M⁻¹ W'R⁻²W), Pz = R⁻¹ê
        e = z - D @ x_d - x_e[self.large]
        g_int = float(w.sum()) - tr_k - float(np.sum((w * e) ** 2))
        ga, gb = (g_small, g_large) if self.small_is_ratee else (g_large, g_small)
        # average information: q_k = V_k P z (the working variates), AI_jk = q_j' P q_k
        q_s = (D[:, p:] @ u_s) / g_s
        q_l = u_l[self.large] / g_l
        qa, qb = (q_s, q_l) if self.small_is_ratee else (q_l, q_s)
        Q = np.column_stack([qa, qb, w * e])
        PQ = np.empty_like(Q)
        for k in range(3):
            y_d, y_e, _ = solve(Q[:, k])
            PQ[:, k] = w * (Q[:, k] - D @ y_d - y_e[self.large])
        ai = Q.T @ PQ
        return f, np.array([ga, gb, g_int]) * s2, ai * np.outer(s2, s2)  # to the log scale


class _Schur:
    """The Schur complement ``S`` of the mixed-model equations (the larger random block
    absorbed): its factor, ``log|S|``, solves and the traces the REML gradient needs, densely
    (``jarang=False``: Cholesky and the full inverse) or on a sparse factor (``jarang=True``:
    the selected inverse of :mod:`._selinv`, which holds ``S⁻¹`` wherever ``S`` has entries,
    and every trace below is a sum over such entries)."""

    def __init__(self, S, jarang: bool, batas_kerja: float = np.inf) -> None:
        self.jarang = jarang
        if jarang:
            self.inv = InversTerpilih(S, batas_kerja)
            self.logdet = self.inv.logdet
        else:
            self.cf = linalg.cho_factor(S.toarray(), lower=True, check_finite=False)
            self.logdet = 2.0 * float(np.sum(np.log(np.diag(self.cf[0]))))

    def solve(self, b: np.ndarray) -> np.ndarray:
        if self.jarang:
            return self.inv.solve(b)
        return linalg.cho_solve(self.cf, b, check_finite=False)

    def traces(self, p, m_ee, F, k_dd, k_de, k_ee):
        """``tr`` of the small random block of ``M⁻¹``, ``diag`` of its large block and
        ``tr(M⁻¹ W'R⁻²W)``. ``F = M_DE M_EE⁻¹``; ``k_dd, k_de, k_ee`` the blocks of
        ``W'R⁻²W``. The DE block of ``M⁻¹`` is ``−S⁻¹F`` and its EE block
        ``M_EE⁻¹ + F'S⁻¹F``."""
        if not self.jarang:
            s_inv, info = linalg.lapack.dpotri(self.cf[0], lower=1)  # S⁻¹ from its factor
            if info != 0:
                raise linalg.LinAlgError("potri gagal")
            s_inv = np.tril(s_inv) + np.tril(s_inv, -1).T
            T = np.asarray(F.T @ s_inv).T  # S⁻¹F
            c_ee = 1.0 / m_ee + np.asarray(F.multiply(T).sum(axis=0)).ravel()
            tr_k = float(np.sum(s_inv * k_dd.toarray())) - 2.0 * float(k_de.multiply(T).sum())
            return float(np.trace(s_inv[p:, p:])), c_ee, tr_k + float(c_ee @ k_ee)
        inv = self.inv
        Fc = sparse.csc_matrix(F)
        Fc.sort_indices()
        a, b, col = pasangan_kolom(Fc)  # pairs of D-rows sharing a column of F (an E member)
        z_ab = inv.at(Fc.indices[a], Fc.indices[b])
        c_ee = 1.0 / m_ee + np.bincount(
            col, weights=Fc.data[a] * Fc.data[b] * z_ab, minlength=F.shape[1]
        )
        Kc = sparse.csc_matrix(k_de)
        Kc.sort_indices()
        if not (np.array_equal(Kc.indptr, Fc.indptr) and np.array_equal(Kc.indices, Fc.indices)):
            raise ValueError("pola k_de berbeda dari F")
        kd = sparse.coo_matrix(k_dd)
        tr_k = float(np.sum(kd.data * inv.at(kd.row, kd.col)))
        tr_k -= 2.0 * float(np.sum(Kc.data[a] * Fc.data[b] * z_ab))
        return float(inv.diag()[p:].sum()), c_ee, tr_k + float(c_ee @ k_ee)


def _newton(prob: _Problem, x0: np.ndarray, lo: float, hi: float, max_iter: int = 50):
    """Average-information Newton steps in the log-components with step halving; a component
    on its lower bound whose gradient points outward is held there. Returns x, iterations,
    converged."""
    x = np.clip(x0, lo, hi)
    f, g, H = prob.evaluate(x)
    if g is None:  # not positive definite at the start (should not happen): no REML
        return x, 0, False
    for it in range(1, max_iter + 1):
        free = ~(((x <= lo + 1e-12) & (g > 0)) | ((x >= hi - 1e-12) & (g < 0)))
        step = np.zeros(3)
        if free.any():
            Hf = H[np.ix_(free, free)] + 1e-10 * np.eye(int(free.sum()))
            try:
                step[free] = -np.linalg.solve(Hf, g[free])
            except np.linalg.LinAlgError:
                step[free] = -g[free]
        step = np.clip(step, -3.0, 3.0)  # at most a factor e³ per step
        decrement = float(-g @ step)
        if decrement < 1e-9:
            return x, it, True
        t = 1.0
        for _ in range(30):
            xn = np.clip(x + t * step, lo, hi)
            fn, _, _ = prob.evaluate(xn, grad=False)
            if fn <= f + 1e-12 * abs(f):  # no increase (the step is a descent direction)
                break
            t *= 0.5
        else:
            return x, it, False
        x = xn
        f, g, H = prob.evaluate(x)
        if g is None:
            return x, it, False
    return x, max_iter, False


def reml_components(
    data: RatingData,
    fit: AdditiveFit,
    s2_w: float,
    start: dict[str, float],
    include_role: bool = True,
    jarang: bool | None = None,
    batas_kerja: float = np.inf,
) -> dict[str, float] | None:
    """σ²_pegawai, σ²_penilai, σ²_int and σ²_eff = σ²_w + m̄·σ²_int by REML (module docstring).

    Parameters
    ----------
    data : RatingData
    fit : AdditiveFit
        Supplies the aspect effects only (removed from the pair means); the role effects are
        fixed effects of the REML model.
    s2_w : float
        Within-pair residual variance (0 when every pair has one rating).
    start : dict
        Starting values ``s2_a``, ``s2_b``, ``s2_int`` (the moment estimates); a component at 0
        starts at 1 % of the pair means' variance.
    include_role : bool
        Role fixed effects in ``X``.
    jarang : bool, optional
        The Schur complement as a sparse factor with its selected inverse (:mod:`._selinv`)
        instead of a dense Cholesky factor: the same likelihood, gradient and average
        information (tested to rounding), at the cost of the sparse factor. Default: sparse
        when ``min(pegawai, penilai)`` is above :data:`BATAS_REML`.
    batas_kerja : float
        The sparse factor's largest work ``Σ_j k_j²``; beyond it ``None`` is returned.

    Returns
    -------
    dict
        ``s2_a``, ``s2_b``, ``s2_int``, ``s2_eff`` (as :func:`._varcomp.moment_components`),
        ``reml_iterasi`` and ``reml_konvergen``. A component on the boundary is returned as
        the lower bound ``1e-8·var(z)`` (practically 0). ``None`` when the sparse factor
        would cost more than ``batas_kerja``.
    """
    if jarang is None:
        jarang = min(len(data.ratee_ids), len(data.rater_ids)) > BATAS_REML
    prob = _Problem(data, fit, s2_w, include_role, jarang, batas_kerja)
    vz = float(np.var(prob.z)) or 1.0
    lo = np.log(1e-8 * vz)
    x0 = np.log([max(float(start[k]), 0.01 * vz) for k in ("s2_a", "s2_b", "s2_int")])
    try:
        x, iterations, converged = _newton(prob, x0, lo, float(np.log(1e4 * vz)))
    except TerlaluMahal:
        return None
    s2_a, s2_b, s2_int = (float(v) for v in np.exp(x))
    m_bar = len(data.y) / len(data.pair_n)
    s2_w = float(s2_w) if np.isfinite(s2_w) else 0.0
    return {
        "s2_a": s2_a,
        "s2_b": s2_b,
        "s2_int": s2_int,
        "s2_eff": max(s2_w + m_bar * s2_int, 1e-12),
        "reml_iterasi": iterations,
        "reml_konvergen": converged,
    }
