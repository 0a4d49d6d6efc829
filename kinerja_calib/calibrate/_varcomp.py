"""Variance components of the additive model by unbiased ANOVA moments.

The crossed random-effects model on (ratee, rater) pair means ``z_p`` (role and aspect effects
removed) is ``z = μ + a_i + b_j + e_ij + ε̄``: ``Var a = σ²_pegawai``, ``Var b = σ²_penilai``,
``Var e = σ²_int`` (rater × ratee interaction) and the within-pair noise ``ε̄`` with variance
``σ²_w / n_ij``. The sums of squared deviations of pair means from their ratee's mean, from
their rater's mean and from the overall mean have expectations linear in the three components
(Henderson's Method 1; Searle, Casella & McCulloch 1992, ch. 5); solving that 3 × 3 system gives
unbiased estimates in O(number of pairs). Unlike estimates from the residuals of a fixed-effects
fit, these do not need residual degrees of freedom: in sparse designs (one atasan + one rekan
per pegawai, raters rating 2–3 people) the fixed-effects fit reproduces the data almost exactly
and its residual variance collapses to 0, while the moment equations stay informative.

**Group weights.** Each group (ratee or rater) enters the within-group equations with its
degrees of freedom ``k − 1``. Gao & Owen's (2017) U-statistics, used here until 2026-12-06, sum
squared differences over all pairs of pairs of a group, i.e. weight it by ``k(k − 1)``: equally
unbiased under the model, but a rater of 300 pegawai then counts 44,850 times a rater of 2 (299
times with degrees of freedom). In ``kc.simulate``'s default in 2 instansi the ten raters with
the most pegawai carried 65 % of the within-rater equation, and raters' scale use — outside the
model — moved σ²_pegawai with theirs: 0.026–0.237 over seeds 1–10 at 3,000 and 5,000 pegawai,
with 95 % coverage down to 0.674. With degrees-of-freedom weights it is 0.121–0.135 (REML
0.12–0.14) and coverage 0.941–0.956 (``benchmarks/bench_varcomp.py --cakupan --n 5000 --skenario
semua``; ``benchmarks/HASIL.md``).

:func:`~kinerja_calib.calibrate.rater_effects` takes σ²_int from the residuals (several times
more precise there) when the residual degrees of freedom reach ``AMBANG_DF_SISA`` of the pairs
and solves the within-ratee and within-rater equations for σ²_penilai and σ²_pegawai; below
that it warns and blends σ²_int linearly toward the moment estimate (all three equations), which
it uses alone when no residual df remain (:func:`blended_components`). Over 20 seeded
replicates of a connected design the log-λ RMSE was 0.24 / 0.19 / 0.08 at 120 / 600 / 2,000
ratees, against 0.56 / 0.31 / 0.15 for the moments alone and 0.28 / 0.30 / 0.23 for the former
residual-based components (measured with the pairwise weights; in ten 300-person organisations
the degrees-of-freedom weights give 0.234 against 0.229, ``tests/test_bobot_penilai.py``).

For designs whose smaller side (ratees or raters) is at most ``BATAS_REML`` the default
replaces these estimates by exact REML started from them (:mod:`._reml`), and up to
``BATAS_REML_JARANG`` where REML's sparse factor is cheap (``BATAS_KERJA_REML``); the moments
stay the estimate for large designs, where REML would cost more than the rest of the fit.

References
----------
.. [1] Henderson, C. R. (1953). Estimation of variance and covariance components.
   *Biometrics*, 9(2), 226–252.
.. [2] Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance Components*. Wiley,
   ch. 5.
.. [3] Gao, K., & Owen, A. B. (2017). Efficient moment calculations for variance components in
   large unbalanced crossed random effects models. *Electronic Journal of Statistics*, 11(1),
   1235–1296.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._angka import bilangan, persen
from ..errors import Peringatan
from ._types import AdditiveFit, RatingData

__all__ = [
    "AMBANG_DF_SISA",
    "AMBANG_SATU_PEGAWAI",
    "PeringatanKalibrasi",
    "blended_components",
    "design_warnings",
    "moment_components",
    "warn_design",
]


class PeringatanKalibrasi(Peringatan):
    """A calibration result that is computed but should be read with care (message in Indonesian)."""


def _within(group: np.ndarray, z: np.ndarray, h: np.ndarray, n_groups: int):
    """Σ_g Σ_(p∈g)(z_p − z̄_g)², Σ_g (k_g − 1), Σ_g (k_g − 1)/k_g·Σ_(p∈g) h_p, and k_g."""
    k = np.bincount(group, minlength=n_groups).astype(np.float64)
    zbar = np.bincount(group, weights=z, minlength=n_groups) / np.maximum(k, 1)
    ss = float(np.sum((z - zbar[group]) ** 2))
    hsum = np.bincount(group, weights=h, minlength=n_groups)
    df = np.maximum(k - 1.0, 0.0)
    return ss, float(df.sum()), float(np.sum(df / np.maximum(k, 1.0) * hsum)), k


def moment_components(
    data: RatingData, fit: AdditiveFit, s2_w: float, s2_int: float | None = None
) -> dict[str, float]:
    """σ²_pegawai, σ²_penilai, σ²_int (each ≥ 0) and σ²_eff = σ²_w + m̄·σ²_int.

    ``fit`` supplies only the role and aspect effects (well determined in any design);
    ``s2_w`` is the within-pair residual variance (0 when every pair has a single rating, so
    that σ²_int then carries all the pair-level noise). With ``s2_int`` given (from the
    residuals of the fixed-effects fit, when they have degrees of freedom to spare), only the
    within-ratee and within-rater equations are solved, for σ²_penilai and σ²_pegawai: the
    residual estimate of σ²_int is several times more precise than the moment one (standard
    deviation over seeded replicates 0.012 vs 0.07 of σ²_eff at 2,000 ratees; 0.05 vs 0.23 at
    120), and the moments of the rater and ratee effects stay unbiased.
    """
    na, nb, _, _, npairs = data.sizes
    d_pair = np.bincount(data.pair, weights=fit.d[data.aspect], minlength=npairs) / data.pair_n
    z = data.pair_ysum / data.pair_n - fit.c[data.pair_role] - d_pair
    h = 1.0 / data.pair_n
    s2_w = float(s2_w) if np.isfinite(s2_w) else 0.0
    sa, ka, wa, k_ratee = _within(data.pair_ratee, z, h, na)  # within ratees: σ²_b + σ²_int
    sb, kb, wb, k_rater = _within(data.pair_rater, z, h, nb)  # within raters: σ²_a + σ²_int
    p = float(npairs)
    st = float(np.sum((z - z.mean()) ** 2))
    ta = p - float(np.sum(k_ratee**2)) / p  # E Σ(z − z̄)² = ta·σ²_a + tb·σ²_b + (p − 1)·σ²_int
    tb = p - float(np.sum(k_rater**2)) / p
    A = np.array([[0.0, ka, ka], [kb, 0.0, kb], [ta, tb, p - 1.0]])
    rhs = np.array([sa - s2_w * wa, sb - s2_w * wb, st - s2_w * (1.0 - 1.0 / p) * h.sum()])
    if s2_int is not None and np.isfinite(s2_int):
        s2_a = (rhs[1] / kb if kb > 0 else 0.0) - s2_int
        s2_b = (rhs[0] / ka if ka > 0 else 0.0) - s2_int
    else:
        try:
            s2_a, s2_b, s2_int = np.linalg.solve(A, rhs)
        except np.linalg.LinAlgError:  # no ratee with two raters or no rater with two ratees
            s2_a, s2_b, s2_int = np.linalg.lstsq(A, rhs, rcond=None)[0]
    s2_a, s2_b, s2_int = (max(float(v), 0.0) for v in (s2_a, s2_b, s2_int))
    m_bar = len(data.y) / p
    s2_eff = s2_w + m_bar * s2_int
    if s2_eff <= 1e-12:  # no within-pair noise and no interaction: keep a scale-aware floor
        s2_eff = max(1e-6 * float(np.var(z)), 1e-12)
    return {"s2_a": s2_a, "s2_b": s2_b, "s2_int": s2_int, "s2_eff": s2_eff}


#: Share of residual degrees of freedom (of the pairs) below which the design is called sparse.
AMBANG_DF_SISA = 0.2
#: Share of raters who rate one pegawai only from which ``shrinkage=None`` is warned against.
AMBANG_SATU_PEGAWAI = 0.2


def blended_components(
    data: RatingData, fit: AdditiveFit, s2_w: float, s2_int_res: float, df_pair: int
) -> dict[str, float]:
    """:func:`moment_components` with σ²_int from the residuals, the moments, or a blend.

    With at least ``AMBANG_DF_SISA`` of the pairs as residual degrees of freedom, σ²_int is
    the residual estimate ``s2_int_res``; with none, the moment one. In between the two are
    blended linearly, weight ``df_pair / (AMBANG_DF_SISA · pairs)`` on the residual estimate
    (unbiased at any df, but noisier as df shrinks), instead of a hard switch. Issue 16: in
    300-person organisations whose raters rate 1–2 people (15–17 % residual df) this raised
    the share of the true-components BLUP's gain from 0.883 to 0.911, and left the designs
    beyond the threshold (unchanged) and the design with 8 % df (0.9865 both) as they were.
    """
    npairs = len(data.pair_n)
    w = min(max(df_pair, 0) / (AMBANG_DF_SISA * npairs), 1.0)
    if w >= 1.0:
        return moment_components(data, fit, s2_w, s2_int_res)
    mom = moment_components(data, fit, s2_w)
    if w <= 0.0:
        return mom
    return moment_components(data, fit, s2_w, w * s2_int_res + (1.0 - w) * mom["s2_int"])


def design_warnings(data: RatingData, df_pair: int, ols: bool, reml: bool = False) -> list[str]:
    """Indonesian warnings for designs where the result needs care (empty when none).

    Two cases (issue 16):

    - random effects (``shrinkage`` not None) with fewer residual degrees of freedom than
      ``AMBANG_DF_SISA`` of the pairs: the fixed-effects fit nearly reproduces the pair means,
      so the variance components rest on the moment equations (or REML, ``reml``) alone and
      are less certain;
    - ``shrinkage=None`` when at least ``AMBANG_SATU_PEGAWAI`` of the raters rate one pegawai:
      such a rater's fixed effect absorbs their whole rating, and the calibrated score can be
      worse than the raw mean (measured in issue 16: r 0.870 vs 0.913).
    """
    npairs = len(data.pair_n)
    out = []
    if not ols and df_pair < AMBANG_DF_SISA * npairs:
        metode = "REML" if reml else "metode momen"
        out.append(
            f"Desain penilaian jarang: hanya {bilangan(max(df_pair, 0))} derajat bebas sisa "
            f"dari {bilangan(npairs)} pasangan penilai–pegawai. Komponen varians (dan "
            f"besarnya penyusutan) ditaksir dengan {metode} dan kurang pasti; tambahkan "
            "penilai yang menilai beberapa pegawai agar koreksi lebih andal."
        )
    if ols:
        n_peg = np.bincount(data.pair_rater, minlength=len(data.rater_ids))
        share = float(np.mean(n_peg == 1))
        if share >= AMBANG_SATU_PEGAWAI:
            out.append(
                f"{persen(share, 0)} penilai hanya menilai satu pegawai. Tanpa penyusutan "
                "(shrinkage=None) keparahan mereka menyerap seluruh penilaiannya dan skor "
                "terkalibrasi bisa lebih buruk daripada skor mentah; gunakan shrinkage='auto'."
            )
    return out


def warn_design(messages: list[str], stacklevel: int = 2) -> None:
    """Emit each message as a :class:`PeringatanKalibrasi`."""
    for m in messages:
        warnings.warn(m, PeringatanKalibrasi, stacklevel=stacklevel + 1)
