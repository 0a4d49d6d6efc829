"""Standard errors of the calibrated scores that give 95 % intervals their nominal coverage.

The additive model's ratee score is the ratee block of the penalised normal equations
``M x = X'Wy`` with ``M = [[A, C], [C', B]]``: ``A = diag(n_i + λ_pegawai)`` (weighted ratings of
ratee ``i``), ``B = diag(m_j + λ)`` (of rater ``j``), ``C`` the weighted pair counts. Its
prediction-error variance (PEV) is ``σ²_eff · [(A − C B⁻¹ C')⁻¹]_ii``. Writing
``A − C B⁻¹ C' = A^½ (I − Q) A^½`` with ``Q = A^-½ C B⁻¹ C' A^-½`` (non-negative, spectral radius
< 1 under shrinkage),

.. math:: \\mathrm{PEV}_i = \\frac{\\sigma^2_\\mathrm{eff}}{n_i + \\lambda_a}
          \\big(1 + Q_{ii} + (Q^2)_{ii} + (Q^3)_{ii} + \\dots\\big).

The former ``se`` kept the first two terms (sampling error plus the uncertainty of the rater
corrections applied); the later terms — the other ratees of one's raters, whose own errors
move those raters' corrections — are all positive, so it was too small wherever raters rate
few pegawai (coverage 0.897 on the atasan-of-3 design). :func:`pev_faktor` adds ``(Q²)_ii``,
``(Q³)_ii`` and ``(Q⁴)_ii`` exactly (sparse products) and the rest as a geometric tail with the
ratee's ratio ``(Q⁴)_ii / (Q³)_ii``. Where the rater ridge λ is small against the raters' counts
(``kc.simulate`` scenario "keparahan": λ ≈ 1) Q's spectrum crowds near 1 (top eigenvalues
0.90–0.93, no isolated mode to deflate), the successive ratios still grow after the third term,
and the former three terms with the tail ratio ``(Q³)_ii / (Q²)_ii`` gave 0.895 of the exact PEV
(0.73 at worst); now 0.94 (0.81), and the 95 % coverage against the unbiased-panel expected
score went from 0.934 to 0.941 on seeds 1 and 2 (other scenarios unchanged within 0.001).
:func:`pev_eksak` (sparse LU of the ratee Schur complement, solved against unit vectors) is
the reference; it took 34 s on 3,000 pegawai. The exact diagonal does not need the whole
inverse: :func:`pev_takahashi` factors ``S`` once in a fill-reducing order and runs Takahashi's
recurrences on the factor's pattern only (selected inversion), 0.08–0.66 s on those 3,000
pegawai against 0.62–0.75 s for LAPACK's dense inverse and 0.54–1.6 s for the SuperLU solves.
:func:`pev` uses it wherever the factor stays sparse (``BATAS_KERJA_TAKAHASHI``:
every sample instansi, ``kc.simulate`` up to a few thousand pegawai). Where it would not, the
dense inverse (:func:`pev_padat`) up to ``BATAS_PEV_EKSAK`` ratees, else the series.

The second gap is the uncertainty of σ²_eff itself (Kackar & Harville 1984: the PEV with
*estimated* variance components understates the error). Given λ, the PEV scales with σ²_eff,
so when σ²_eff is a residual mean square with ν degrees of freedom the pivot
``(θ̂ − θ) / se`` is Student's t with ν degrees of freedom, and ``se`` is multiplied by
``t_ν(0.975) / z(0.975)`` so that ``skor ± 1.96 se`` is the 95 % t-interval. When σ²_eff comes
from the moment equations (sparse designs) no factor is applied: a parametric bootstrap of
those equations gave ν ≈ 160–830 in the benchmark designs (factor ≤ 1.004), and as a Monte-Carlo
estimate it would make ``se`` depend on the order of the NIPs. The uncertainty of λ (which
moves the estimate, not only its scale) is not included either; by the Kelley approximation
it adds ``Var(log λ̂) · k(1 − k)² σ²_pegawai`` (k = n / (n + λ)), < 0.1 % of the PEV at the
sizes measured.

Measured with ``benchmarks/bench_varcomp.py --dua-skor`` (3,000 ratees, seeds 1–5, truth
aligned per connected component): see the module docstring there.

References
----------
.. [1] Kackar, R. N., & Harville, D. A. (1984). Approximations for standard errors of
   estimators of fixed and random effects in mixed linear models. *JASA*, 79(388), 853–862.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sl
from scipy import sparse
from scipy.sparse.linalg import splu
from scipy.special import ndtri, stdtrit

from ._selinv import InversTerpilih, TerlaluMahal
from ._types import RatingData

__all__ = [
    "BATAS_KERJA_TAKAHASHI",
    "BATAS_PEV_EKSAK",
    "BATAS_PEV_TAKAHASHI",
    "pev",
    "pev_eksak",
    "pev_faktor",
    "pev_padat",
    "pev_takahashi",
    "se_interval",
]

_RHO_MAKS = 0.99  # the geometric tail's ratio is capped (a component's mean mode has ρ → 1)
_BLOK_PEGAWAI = 10_000  # ratees per block of GH
_BLOK_Q2 = 2_000  # ratees per block of GHG' (its rows reach every ratee two raters away)
_BLOK_EKSAK = 512  # right-hand sides per block of the exact diagonal


#: Ratees up to which :func:`pev` inverts the ratee Schur complement exactly by a dense Cholesky
#: factor (O(n³)) when the selected inversion would cost more than ``BATAS_KERJA_TAKAHASHI``
#: (a design where nearly everyone shares raters): the size of the REML limit
#: (``_reml.BATAS_REML``); beyond it the series of :func:`pev_faktor`.
BATAS_PEV_EKSAK = 1_000

#: Ratees up to which :func:`pev` tries the selected inversion (:func:`pev_takahashi`): an
#: instansi report's fit. Beyond it (the 50,000-pegawai parts of ``kc.nasional``) the factor's
#: fill is not worth finding out: there the series is 0.999 of the exact value and the whole
#: part's calibration takes about a second.
BATAS_PEV_TAKAHASHI = 5_000

#: Work of the selected inversion (``Σ_j k_j²`` over the columns of the sparse factor) up to
#: which :func:`pev` uses it: about 1.7 s on 2 cores. ``benchmarks/bench_varcomp.py --pev``
#: (``kc.simulate``, seed 1): 3,000 pegawai in 6 instansi 4.0e6, 0.08 s (LAPACK's dense inverse
#: 0.75 s); in 2 instansi 3.8e7, 0.63 s (dense 0.62 s); 5,000 in 3 instansi 6.4e7, 1.1 s (dense
#: 2.5 s). The fill grows with the size of the linked units (about as its power 2.75).
BATAS_KERJA_TAKAHASHI = 1.0e8


def pev(data: RatingData, w_obs: np.ndarray, lam: float, lam_a: float) -> np.ndarray:
    """``PEV_i / σ²_eff``, exact where that is affordable, else the series.

    In order: the selected inversion of a sparse factor (:func:`pev_takahashi`) up to
    ``BATAS_PEV_TAKAHASHI`` ratees when its work is at most ``BATAS_KERJA_TAKAHASHI``; the
    dense inverse (:func:`pev_padat`) up to ``BATAS_PEV_EKSAK`` ratees; the series
    :func:`pev_faktor` (0.94–0.999 of the exact value on average, never above it).
    """
    if len(data.ratee_ids) <= BATAS_PEV_TAKAHASHI:
        try:
            return pev_takahashi(data, w_obs, lam, lam_a, batas_kerja=BATAS_KERJA_TAKAHASHI)
        except TerlaluMahal:
            pass
        except (np.linalg.LinAlgError, RuntimeError):  # not positive definite in floating point
            return pev_faktor(data, w_obs, lam, lam_a)
    if len(data.ratee_ids) <= BATAS_PEV_EKSAK:
        try:
            return pev_padat(data, w_obs, lam, lam_a)
        except np.linalg.LinAlgError:
            pass
    return pev_faktor(data, w_obs, lam, lam_a)


def _schur(data: RatingData, w_obs: np.ndarray, lam: float, lam_a: float):
    """``C`` (ratee × rater, CSR), the diagonals ``A`` and ``B`` and ``S = A − C B⁻¹ C'`` (sparse)."""
    na, nb = len(data.ratee_ids), len(data.rater_ids)
    C = sparse.csr_matrix((w_obs, (data.pair_ratee, data.pair_rater)), shape=(na, nb))
    A = np.bincount(data.pair_ratee, weights=w_obs, minlength=na) + lam_a
    B = np.bincount(data.pair_rater, weights=w_obs, minlength=nb) + lam
    return C, A, B, sparse.diags(A) - C @ sparse.diags(1.0 / B) @ C.T


def pev_padat(data: RatingData, w_obs: np.ndarray, lam: float, lam_a: float) -> np.ndarray:
    """``PEV_i / σ²_eff`` exactly, by a dense Cholesky factor of ``S = A − C B⁻¹ C'``.

    ``diag(S⁻¹)`` from LAPACK ``potri`` (the inverse from the factor). Equal to
    :func:`pev_eksak` to rounding (tested); meant for small designs (``BATAS_PEV_EKSAK``).
    """
    S = _schur(data, w_obs, lam, lam_a)[3].toarray()
    c, _ = sl.cho_factor(S, lower=True, check_finite=False)
    inv, info = sl.lapack.dpotri(c, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError("potri gagal")
    return np.diag(inv).copy()


def pev_takahashi(
    data: RatingData,
    w_obs: np.ndarray,
    lam: float,
    lam_a: float,
    batas_kerja: float = np.inf,
) -> np.ndarray:
    """``PEV_i / σ²_eff`` exactly, by the selected inversion of a sparse ``LDLᵀ`` factor.

    ``S = A − C B⁻¹ C'`` is sparse (ratees who share a rater) and, in a fill-reducing order,
    so is its factor; :class:`._selinv.InversTerpilih` runs Takahashi's recurrences on the
    factor's pattern only and returns its diagonal.

    Parameters
    ----------
    data, w_obs, lam, lam_a
        As :func:`pev_faktor`.
    batas_kerja : float
        Raise ``TerlaluMahal`` (before the inversion) when the work ``Σ_j k_j²`` is larger.

    Returns
    -------
    numpy.ndarray
        ``diag(S⁻¹)``, equal to :func:`pev_eksak` to rounding (tested).
    """
    return InversTerpilih(_schur(data, w_obs, lam, lam_a)[3], batas_kerja).diag()


def pev_faktor(data: RatingData, w_obs: np.ndarray, lam: float, lam_a: float) -> np.ndarray:
    """``PEV_i / σ²_eff`` of each ratee (see the module docstring).

    Parameters
    ----------
    data : RatingData
    w_obs : array
        Weight of each pair in the fit (its number of ratings, times the rater weight).
    lam, lam_a : float
        Ridge on the rater and on the ratee effects; at least one must be > 0.

    Notes
    -----
    With ``G = A^-½ C B^-½`` (one row per ratee) and ``H = G'G``, ``(Q^k)_ii = g_i' H^(k−1) g_i``:
    the first three terms are row sums of ``G ⊙ G``, ``GH ⊙ G`` and ``GH ⊙ GH`` (``GH``
    computed in blocks of ratees: its rows reach the raters two steps away), the rest a
    geometric tail with the ratee's own ratio ``(Q³)_ii / (Q²)_ii``. Against the exact inverse
    (dense, 3,000 ratees) the factor is 0.975–0.999 of the exact one on average (0.94–0.999
    with two terms).
    """
    na = len(data.ratee_ids)
    C, A, B, _ = _schur(data, w_obs, lam, lam_a)
    G = (sparse.diags(1.0 / np.sqrt(A)) @ C @ sparse.diags(1.0 / np.sqrt(B))).tocsr()
    G.sort_indices()
    t1 = np.asarray(G.multiply(G).sum(axis=1)).ravel()
    H = (G.T.tocsr() @ G).tocsr()
    t2 = np.empty(na)
    t3 = np.empty(na)
    t4 = np.empty(na)
    for a in range(0, na, _BLOK_PEGAWAI):  # blocks of ratees: GH's rows reach far (memory)
        g = G[a : a + _BLOK_PEGAWAI]
        gh = (g @ H).tocsr()
        gh.sort_indices()
        # t2_i = Σ_j G_ij (GH)_ij: GH holds every (i, j) of G (i → j → i → j)
        kgh = _keys(gh)
        at = np.minimum(np.searchsorted(kgh, _keys(g)), len(kgh) - 1)
        hit = kgh[at] == _keys(g)
        rows_g = np.repeat(np.arange(g.shape[0]), np.diff(g.indptr))
        val = np.where(hit, gh.data[at], 0.0)
        t2[a : a + _BLOK_PEGAWAI] = np.bincount(rows_g, weights=g.data * val, minlength=g.shape[0])
        for c in range(0, gh.shape[0], _BLOK_Q2):  # (Q²)_i rows: t4_i = ‖(Q²)_i‖²
            q2 = gh[c : c + _BLOK_Q2] @ G.T
            t4[a + c : a + c + q2.shape[0]] = np.asarray(q2.multiply(q2).sum(axis=1)).ravel()
        gh.data = gh.data**2
        t3[a : a + _BLOK_PEGAWAI] = np.asarray(gh.sum(axis=1)).ravel()
    rho = np.minimum(np.divide(t4, t3, out=np.zeros_like(t3), where=t3 > 0), _RHO_MAKS)
    return (1.0 + t1 + t2 + t3 + t4 / (1.0 - rho)) / A


def pev_eksak(data: RatingData, w_obs: np.ndarray, lam: float, lam_a: float) -> np.ndarray:
    """``PEV_i / σ²_eff`` exactly: the diagonal of ``(A − C B⁻¹ C')⁻¹`` by a sparse LU.

    The ratee Schur complement ``S = A − C B⁻¹ C'`` (``B`` diagonal, so ``S`` is sparse: ratees
    sharing a rater) is factorised once and solved against blocks of unit vectors. Where the
    rater ridge is small against the raters' counts (large severity variance: λ ≈ 1 with
    dozens of ratings per rater) the spectral radius of ``Q`` is near 1 and the series of
    :func:`pev_faktor` converges slowly: on ``kc.simulate`` scenario "keparahan" its three terms
    and capped geometric tail gave 0.90 of the exact PEV on average (0.73 at worst), and the
    95 % coverage was 0.934.
    """
    na = len(data.ratee_ids)
    lu = splu(_schur(data, w_obs, lam, lam_a)[3].tocsc())
    out = np.empty(na)
    for a in range(0, na, _BLOK_EKSAK):  # blocks of unit vectors (memory), not ratees
        b = min(a + _BLOK_EKSAK, na)
        e = np.zeros((na, b - a))
        e[np.arange(a, b), np.arange(b - a)] = 1.0
        out[a:b] = lu.solve(e)[np.arange(a, b), np.arange(b - a)]
    return out


def _keys(M: sparse.csr_matrix) -> np.ndarray:
    """``row · ncols + col`` of each stored entry, in storage order (sorted for sorted CSR)."""
    rows = np.repeat(np.arange(M.shape[0], dtype=np.int64), np.diff(M.indptr))
    return rows * M.shape[1] + M.indices


def se_interval(pev: np.ndarray, s2_eff: float, nu: float) -> np.ndarray:
    """``sqrt(σ²_eff · pev) · t_ν(0.975) / z(0.975)``: ``± 1.96 se`` is the 95 % t-interval."""
    faktor = 1.0 if not np.isfinite(nu) else float(stdtrit(nu, 0.975) / ndtri(0.975))
    return np.sqrt(s2_eff * pev) * faktor
