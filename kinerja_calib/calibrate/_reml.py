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

(Henderson 1984; Searle, Casella & McCulloch 1992). Up to :data:`BATAS_REML` the larger of
the ratee and rater blocks of ``M`` (diagonal: a pair has one ratee and one rater) is absorbed
and the Schur complement on the smaller block plus ``X`` is factorised densely; the gradient's
``tr(M⁻¹ ·)`` come from its full inverse. Above it the whole ``M`` is one sparse factor with
its selected inverse (:mod:`._selinv`), which holds ``M⁻¹`` wherever ``M`` has entries — every
trace the gradient needs — the same likelihood, gradient and average information to rounding
(tested), at the cost of the sparse factor instead of the cube of the block. The start is
the moment estimate of :mod:`._varcomp`.

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
REML's 0.128–0.147 and the raters'-scale truth 0.12–0.14; ``bench_varcomp.py --reml``; in
2 instansi the moments' 0.059 on seed 9 gave 95 % coverage 0.890, REML 0.948).

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

from ._selinv import InversTerpilih, TerlaluMahal
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
#: mixed-model matrix (selected inversion, :mod:`._selinv`) above :data:`BATAS_REML`, where the
#: dense one costs seconds: the same estimates to rounding (tested), kept when the factor's
#: work is at most :data:`BATAS_KERJA_REML`. ``kc.simulate`` default, 3,000 pegawai in 6
#: instansi (seed 1): 0.85 s against 4.6 s dense; seeds 1, 5, 9: σ²_pegawai 0.133 / 0.132 /
#: 0.135 against the moments' 0.110 / 0.118 / 0.112 (the raters' scale: 0.12–0.14), r with the
#: truth +0.003 to +0.004 (``benchmarks/bench_varcomp.py --reml``).
BATAS_REML_JARANG = 5_000

#: Work of the sparse factor of the whole mixed-model matrix (``Σ_j k_j²``, :class:`_Penuh`) up
#: to which the default uses the sparse REML (one selected inversion per iteration). Measured
#: (``kc.simulate`` default, one fit, 2 shared cores): 3,000 pegawai in 6 instansi 1.7e6
#: (1.6 s per fit); in 2 instansi 0.8–1.1e7 (3.5–4.7 s; the moments take about 2 s there but
#: gave σ²_pegawai 0.059 / 0.083 on seeds 9 / 10 against REML's 0.126 / 0.137, and 95 %
#: coverage 0.890 / 0.925 against 0.948 / 0.956); 2,000 in 1 instansi 1.4e7 (4.4 s); 5,000 in
#: 3 instansi 1.9e7 (9.8 s) and in 2 4.0e7 (7.3 s) stay on the moments.
BATAS_KERJA_REML = 1.5e7


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
        self.jarang = jarang  # the whole M as a sparse factor (_Penuh), not the dense Schur
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
        try:
            fac = (
                _Penuh(m_dd, m_de, m_ee, self.batas_kerja)
                if self.jarang
                else _Schur(m_dd, m_de, m_ee)
            )
        except (linalg.LinAlgError, RuntimeError):
            return np.inf, None, None

        def solve(q):  # the mixed-model equations with right-hand side W'R⁻¹q
            rhs_d = Dw @ q
            rhs_e = np.bincount(self.large, weights=w * q, minlength=self.nl)
            x_d, x_e = fac.solve(rhs_d, rhs_e)
            return x_d, x_e, float(rhs_d @ x_d + rhs_e @ x_e)

        x_d, x_e, fitted = solve(z)
        f = (
            float(np.sum(np.log(r)))
            + ns * np.log(g_s)
            + self.nl * np.log(g_l)
            + fac.logdet
            + float(z @ (w * z))
            - fitted
        )
        if not grad:
            return f, None, None
        w2 = w * w
        Dw2 = D.T.multiply(w2).tocsr()
        k_ee = np.bincount(self.large, weights=w2, minlength=self.nl)
        try:  # the traces tr(M⁻¹ ·): from S⁻¹ (dense), or M⁻¹ on the sparse factor's pattern
            tr_s, c_ee, tr_k = fac.traces(p, Dw2 @ D, Dw2 @ Zl, k_ee)
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
    """The mixed-model equations with the larger random block (diagonal, ``M_EE``) absorbed
    and the Schur complement ``S = M_DD − F M_DE'``, ``F = M_DE M_EE⁻¹``, factorised densely
    (Cholesky, and the full inverse for the traces): up to :data:`BATAS_REML`."""

    def __init__(self, m_dd, m_de, m_ee) -> None:
        self.m_de, self.m_ee = m_de, m_ee
        self.F = m_de.multiply(1.0 / m_ee).tocsr()
        S = m_dd - self.F @ m_de.T
        self.cf = linalg.cho_factor(S.toarray(), lower=True, check_finite=False)
        # log|M| = log|M_EE| + log|S|
        self.logdet = float(np.sum(np.log(m_ee))) + 2.0 * float(np.sum(np.log(np.diag(self.cf[0]))))

    def solve(self, rhs_d: np.ndarray, rhs_e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x_d = linalg.cho_solve(self.cf, rhs_d - self.F @ rhs_e, check_finite=False)
        return x_d, (rhs_e - self.m_de.T @ x_d) / self.m_ee

    def traces(self, p, k_dd, k_de, k_ee):
        """``tr`` of the small random block of ``M⁻¹``, ``diag`` of its large block and
        ``tr(M⁻¹ W'R⁻²W)``; ``k_dd, k_de, k_ee`` are the blocks of ``W'R⁻²W``. The DE block
        of ``M⁻¹`` is ``−S⁻¹F`` and its EE block ``M_EE⁻¹ + F'S⁻¹F``."""
        s_inv, info = linalg.lapack.dpotri(self.cf[0], lower=1)  # S⁻¹ from its factor
        if info != 0:
            raise linalg.LinAlgError("potri gagal")
        s_inv = np.tril(s_inv) + np.tril(s_inv, -1).T
        F = self.F
        T = np.asarray(F.T @ s_inv).T  # S⁻¹F
        c_ee = 1.0 / self.m_ee + np.asarray(F.multiply(T).sum(axis=0)).ravel()
        tr_k = float(np.sum(s_inv * k_dd.toarray())) - 2.0 * float(k_de.multiply(T).sum())
        return float(np.trace(s_inv[p:, p:])), c_ee, tr_k + float(c_ee @ k_ee)


class _Penuh:
    """The whole mixed-model matrix ``M`` as one sparse factor with its selected inverse
    (:mod:`._selinv`): ``log|M|``, solves, and every trace the REML gradient needs as a sum of
    ``M⁻¹`` entries where ``M`` has entries. Above :data:`BATAS_REML`.

    Not the Schur complement: absorbing the larger block first is a fixed elimination order
    (a rater of twelve makes a clique of twelve ratees), while the minimum-degree order of
    ``M`` itself is free to eliminate ratees first. ``kc.simulate`` default, 3,000 pegawai in
    2 instansi (seed 9): work ``Σ k_j²`` 1.05e7 against 3.6e7 for the sparse Schur complement,
    selected inverse 0.24 s against 0.77 s.
    """

    def __init__(self, m_dd, m_de, m_ee, batas_kerja: float = np.inf) -> None:
        self.nd = m_dd.shape[0]
        M = sparse.bmat([[m_dd, m_de], [m_de.T, sparse.diags(m_ee)]], format="csc")
        self.inv = InversTerpilih(M, batas_kerja)
        self.logdet = self.inv.logdet

    def solve(self, rhs_d: np.ndarray, rhs_e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = self.inv.solve(np.r_[rhs_d, rhs_e])
        return x[: self.nd], x[self.nd :]

    def traces(self, p, k_dd, k_de, k_ee):
        """As :meth:`_Schur.traces`, from the entries of ``M⁻¹`` on the pattern of
        ``W'R⁻²W`` (that of ``M`` without ``G⁻¹``, so within the selected inverse)."""
        inv, nd = self.inv, self.nd
        d = inv.diag()
        kd = sparse.coo_matrix(k_dd)
        ke = sparse.coo_matrix(k_de)
        tr_k = float(np.sum(kd.data * inv.at(kd.row, kd.col)))
        tr_k += 2.0 * float(np.sum(ke.data * inv.at(ke.row, nd + ke.col)))
        c_ee = d[nd:]
        return float(d[p:nd].sum()), c_ee, tr_k + float(c_ee @ k_ee)


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
            if decrement < 1e-6:
                # at the optimum to the objective's rounding: on a large design (|f| ~ 1e3,
                # traces summed over millions of entries) the decrement stays ~5e-9 and
                # step halving idled to max_iter (245 factorisations instead of 20)
                return x, it, True
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
        The whole mixed-model matrix as a sparse factor with its selected inverse
        (:mod:`._selinv`) instead of a dense Cholesky factor of the Schur complement: the
        same likelihood, gradient and average information (tested to rounding), at the cost
        of the sparse factor. Default: sparse when ``min(pegawai, penilai)`` is above
        :data:`BATAS_REML`.
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
