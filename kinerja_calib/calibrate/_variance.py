"""The variance side of the additive rater-effects fit (:func:`._effects.rater_effects`).

Everything the additive model needs besides its point estimates, in the order ``_additive``
uses it:

- :func:`variance_parts`: the residual variance parts of a fit — σ²_eff (one rating, the
  rater × ratee interaction spread over the aspects of a pair included), σ²_w (within pairs),
  σ²_int (the interaction) and m̄ (ratings per pair);
- :func:`variance_components`: σ²_eff, σ²_penilai and σ²_pegawai behind the ridge parameters —
  the fixed-effects residual variance and moments when ``shrinkage=None``, otherwise the
  moment equations (``_varcomp``) or REML (``_reml``);
- :func:`shrinkage_value`, :func:`rater_shrinkage`, :func:`ratee_shrinkage`: λ = σ²_eff /
  σ²_penilai and λ_pegawai = σ²_eff / σ²_pegawai, or the user's values, checked;
- :func:`rater_weights` with :func:`rater_weight_prior` and :data:`KAPPA_MIN`: the rater-consistency pair
  weights and the empirical-Bayes prior weight κ of the pooled residual variance;
- :func:`standard_errors`: the se of raters and ratees, the latter the full prediction-error SD
  with the t-factor of a residual σ̂²_eff (``_interval``) where the model is shrunk;
- :func:`unshrunk_ratee_variance`: σ²_pegawai from a ratee-unshrunk refit, the floor of
  ``skor_distribusi``'s spread, and the same within connected components (``_triple``);
- :func:`role_aspect_variances`: the spread of the role and aspect effects.

The fits themselves are :func:`._lsmr.fit_additive`'s; :func:`unshrunk_ratee_variance` makes
one or two more of them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..errors import ParameterError
from ._interval import BATAS_KERJA_TAKAHASHI, pev, se_interval
from ._lsmr import fit_additive
from ._reml import BATAS_KERJA_REML, reml_components
from ._triple import varians_dalam_komponen
from ._types import AdditiveFit, RatingData
from ._varcomp import AMBANG_DF_SISA, blended_components

__all__ = [
    "KAPPA_MIN",
    "Components",
    "moment_var",
    "ratee_shrinkage",
    "rater_shrinkage",
    "rater_weight_prior",
    "rater_weights",
    "role_aspect_variances",
    "shrinkage_value",
    "standard_errors",
    "unshrunk_ratee_variance",
    "variance_components",
    "variance_parts",
]

#: Smallest prior weight (in pairs) of the pooled residual variance in the rater weights.
KAPPA_MIN = 10.0


# ---------------------------------------------------------------------------------------------
# variance components
# ---------------------------------------------------------------------------------------------


def variance_parts(
    data: RatingData, fit: AdditiveFit, n_comp: int, n_params: int
) -> dict[str, float]:
    """Residual variance parts of an additive fit.

    Parameters
    ----------
    data : RatingData
        The prepared ratings.
    fit : AdditiveFit
        The fit whose residuals are decomposed.
    n_comp : int
        Connected components of the rater–ratee graph (one rater mean fixed per component).
    n_params : int
        Ratee, rater and role parameters of the pair-level model.

    Returns
    -------
    dict
        ``s2_eff`` (pair-level residual mean square, per rating; at least 1e-12), ``s2_w``
        (within-pair residual mean square; ``s2_eff`` when no within-pair degree of freedom is
        left), ``s2_int`` (rater × ratee interaction, ``(s2_eff − s2_w) / m̄`` floored at 0;
        NaN without within-pair degrees of freedom), ``m_bar`` (ratings per pair) and
        ``s2_w_free`` (``s2_w``, or 0 without within-pair degrees of freedom).
    """
    na, nb, ng, nk, npairs = data.sizes
    N = len(data.y)
    resid = data.y - fit.pair_fit[data.pair] - fit.d[data.aspect]
    rsum = np.bincount(data.pair, weights=resid, minlength=npairs)
    rbar = rsum / data.pair_n
    df_pair = max(npairs - n_params + n_comp, 1)
    s2_eff = float(np.sum(data.pair_n * rbar**2) / df_pair)
    within = resid - rbar[data.pair]
    df_within = N - npairs - (nk - 1)
    s2_w = float(np.sum(within**2) / df_within) if df_within > 0 else np.nan
    m_bar = N / npairs
    s2_int = max((s2_eff - s2_w) / m_bar, 0.0) if np.isfinite(s2_w) else np.nan
    if not np.isfinite(s2_w):
        s2_w = s2_eff
    return {
        "s2_eff": max(s2_eff, 1e-12),
        "s2_w": s2_w,
        "s2_int": s2_int,
        "m_bar": m_bar,
        "s2_w_free": float(s2_w) if df_within > 0 else 0.0,
    }


def moment_var(est: np.ndarray, sampling_var: np.ndarray) -> float:
    """Variance of the estimates minus their mean sampling variance, floored at 0.

    Only finite pairs of estimate and sampling variance count; with fewer than two, 0.
    """
    ok = np.isfinite(est) & np.isfinite(sampling_var)
    if ok.sum() < 2:
        return 0.0
    return float(max(np.var(est[ok], ddof=1) - np.mean(sampling_var[ok]), 0.0))


class Components(NamedTuple):
    """Variance components of the additive model, as :func:`variance_components` gives them."""

    #: Error variance of one rating (the rater × ratee interaction spread over the aspects).
    s2_eff: float
    #: Rater (penilai) variance.
    s2_b: float
    #: Ratee (pegawai) variance.
    s2_a: float
    #: Degrees of freedom of σ̂²_eff for the t-factor of the ratee se: the pair-level residual
    #: degrees of freedom where σ²_eff is a residual mean square, ``inf`` where it comes from
    #: the moment equations (fewer residual df than ``AMBANG_DF_SISA`` of the pairs).
    nu: float
    #: :func:`variance_parts` with ``s2_eff`` (and ``s2_int``, or ``s2_w`` when every pair has
    #: one rating) replaced by the random-effects estimates; as computed when fixed effects.
    parts: dict[str, float]
    #: Whether the random effects' components are REML estimates (else the moments).
    reml: bool = False


def variance_components(
    data: RatingData,
    fit0: AdditiveFit,
    n_comp: int,
    n_params: int,
    ols: bool,
    reml: str | None,
    include_role: bool,
) -> Components:
    """σ²_eff, σ²_penilai and σ²_pegawai from the unshrunk fit (no λ involved).

    Parameters
    ----------
    data : RatingData
        The prepared ratings.
    fit0 : AdditiveFit
        The unshrunk fit (λ = λ_pegawai = 0, unit pair weights).
    n_comp, n_params : int
        As for :func:`variance_parts`.
    ols : bool
        The fixed-effects model (``shrinkage=None``): its own residual variance, and the
        variances of the effects minus their mean sampling variance (:func:`moment_var`).
    reml : {"auto", "reml", None}
        Random effects by REML (``_reml``), started from the moments: ``"reml"`` always (a
        sparse factor within ``_interval.BATAS_KERJA_TAKAHASHI``, else dense), ``"auto"`` where
        the default affords it (``_reml.BATAS_KERJA_REML``); ``None``: the moments.
    include_role : bool
        Whether role effects are modelled (REML only).

    Returns
    -------
    Components
    """
    na, nb, ng, nk, npairs = data.sizes
    parts = variance_parts(data, fit0, n_comp, n_params)
    df_pair = npairs - n_params + n_comp
    if ols:  # the fixed-effects model: its own residual variance
        s2_eff = parts["s2_eff"]
        n_rater = np.bincount(data.rater, minlength=nb).astype(np.float64)
        n_ratee = np.bincount(data.ratee, minlength=na).astype(np.float64)
        s2_b = moment_var(fit0.b, s2_eff / np.maximum(n_rater, 1))
        s2_a = moment_var(fit0.a, s2_eff / np.maximum(n_ratee, 1))
        return Components(s2_eff, s2_b, s2_a, df_pair, parts)
    # random effects: unbiased moments (no λ involved), see _varcomp. σ²_int from the residuals
    # while they have degrees of freedom to spare (more precise); in sparse designs blended
    # toward the moment equations, which need none (λ never collapses); see blended_components
    s2_int_res = max((parts["s2_eff"] - parts["s2_w_free"]) / parts["m_bar"], 0.0)
    mc = blended_components(data, fit0, parts["s2_w_free"], s2_int_res, df_pair)
    used_reml = False
    if reml is not None:  # exact REML, started from the moments, where it is affordable
        batas = BATAS_KERJA_REML if reml == "auto" else BATAS_KERJA_TAKAHASHI
        r = reml_components(data, fit0, parts["s2_w_free"], mc, include_role, batas_kerja=batas)
        if r is None and reml == "reml":  # asked for: the dense factor, whatever it costs
            r = reml_components(data, fit0, parts["s2_w_free"], mc, include_role, jarang=False)
        if r is not None:
            mc, used_reml = r, True
    nu = df_pair if df_pair >= AMBANG_DF_SISA * npairs else np.inf  # σ²_eff a residual MS?
    s2_eff = mc["s2_eff"]
    if parts["s2_w_free"] > 0:
        parts = {**parts, "s2_eff": s2_eff, "s2_int": mc["s2_int"]}
    else:  # one rating per pair: interaction and noise are not separable; all is galat
        parts = {**parts, "s2_eff": s2_eff, "s2_w": s2_eff, "s2_int": np.nan}
    return Components(s2_eff, mc["s2_b"], mc["s2_a"], nu, parts, used_reml)


def role_aspect_variances(data: RatingData, fit: AdditiveFit) -> tuple[float, float]:
    """Rating-weighted mean squares of the role and of the aspect effects (0 when none)."""
    na, nb, ng, nk, npairs = data.sizes
    s2_role = float(np.average(fit.c**2, weights=data.n_role.astype(np.int64))) if ng else 0.0
    s2_asp = float(np.average(fit.d**2, weights=data.n_aspect.astype(np.int64))) if nk else 0.0
    return s2_role, s2_asp


# ---------------------------------------------------------------------------------------------
# the ridge parameters λ and λ_pegawai
# ---------------------------------------------------------------------------------------------


def shrinkage_value(shrinkage: Any) -> float | None:
    """The user's ``shrinkage`` checked: ``None`` → 0.0, ``"auto"`` → None, else λ ≥ 0.

    Raises
    ------
    ParameterError
        Any other string, or a negative or non-finite number (message in Indonesian).
    """
    if shrinkage is None:
        return 0.0
    if isinstance(shrinkage, str):
        if shrinkage != "auto":
            raise ParameterError("`shrinkage` harus 'auto', angka ≥ 0, atau None.")
        return None
    lam = float(shrinkage)
    if not np.isfinite(lam) or lam < 0:
        raise ParameterError("`shrinkage` (λ) harus angka ≥ 0.")
    return lam


def rater_shrinkage(lam_fixed: float | None, s2_eff: float, s2_b: float) -> float:
    """λ: the user's value (:func:`shrinkage_value`), else σ²_eff / σ²_penilai (1e6 if σ²_penilai
    is 0)."""
    if lam_fixed is not None:
        return lam_fixed
    return float(s2_eff / s2_b) if s2_b > 0 else 1e6


def ratee_shrinkage(shrinkage_pegawai: Any, ols: bool, s2_eff: float, s2_a: float) -> float:
    """λ_pegawai: 0 for the fixed-effects model or ``None``; ``"auto"`` σ²_eff / σ²_pegawai (1e6
    if σ²_pegawai is 0); else the user's number.

    Raises
    ------
    ParameterError
        Any other string, or a negative or non-finite number (message in Indonesian).
    """
    if ols or shrinkage_pegawai is None:
        return 0.0
    if isinstance(shrinkage_pegawai, str):
        if shrinkage_pegawai != "auto":
            raise ParameterError("`shrinkage_pegawai` harus angka ≥ 0, 'auto', atau None.")
        return float(s2_eff / s2_a) if s2_a > 0 else 1e6
    lam_a = float(shrinkage_pegawai)
    if not np.isfinite(lam_a) or lam_a < 0:
        raise ParameterError("`shrinkage_pegawai` harus angka ≥ 0.")
    return lam_a


# ---------------------------------------------------------------------------------------------
# rater-consistency weights
# ---------------------------------------------------------------------------------------------


def rater_weights(data: RatingData, fit: AdditiveFit, lam: float, lam_a: float):
    """Pair weights ∝ n / v_j: v_j = the rater's pair-level residual variance, shrunk toward the
    pooled value with a prior worth κ pairs (raters with strong halo or inconsistent ratings
    count less). Returns the pair weights and κ.

    κ is empirical Bayes, never below ``KAPPA_MIN`` pairs: τ² = the between-rater variance of
    the raters' mean squared residuals (raters with ≥ 3 pairs; residuals divided by 1 − h, the
    approximate leverage of the pair under the penalised fit) minus what sampling alone gives,
    taken at its lower bound (mean − 2 standard errors over raters), and κ = (within-rater
    variance of the squared residuals) / τ². Where raters differ in consistency no more than
    sampling gives, τ² ≤ 0 and the weights are 1 (issue 16: the fixed κ = 10 cost 0.03–0.06 of
    the true-components BLUP's gain on a generator with equally consistent raters, while on
    ``kc.simulate`` κ stays at 10–15 and r is unchanged).
    """
    nb, na = len(data.rater_ids), len(data.ratee_ids)
    npairs = len(data.pair_n)
    resid = data.y - fit.pair_fit[data.pair] - fit.d[data.aspect]
    rbar = np.bincount(data.pair, weights=resid, minlength=npairs) / data.pair_n
    e2 = data.pair_n * rbar**2
    s2 = float(e2.mean()) or 1.0
    n_pairs_r = np.bincount(data.pair_rater, minlength=nb)
    k = rater_weight_prior(data, e2, n_pairs_r, lam, lam_a, na, nb)
    v = (np.bincount(data.pair_rater, weights=e2, minlength=nb) + k * s2) / (n_pairs_r + k)
    return data.pair_n * s2 / v[data.pair_rater], k


def rater_weight_prior(data, e2, n_pairs_r, lam, lam_a, na, nb) -> float:
    """Empirical-Bayes prior weight κ (pairs) of :func:`rater_weights`, at least ``KAPPA_MIN``."""
    n_j = np.bincount(data.pair_rater, weights=data.pair_n, minlength=nb)
    n_i = np.bincount(data.pair_ratee, weights=data.pair_n, minlength=na)
    h = data.pair_n / (n_j[data.pair_rater] + lam) + data.pair_n / (n_i[data.pair_ratee] + lam_a)
    e2c = e2 / np.maximum(1.0 - h, 0.05)
    n = n_pairs_r.astype(np.float64)
    vhat = np.bincount(data.pair_rater, weights=e2c, minlength=nb) / np.maximum(n, 1)
    df_w = float(np.sum(np.maximum(n - 1, 0)))
    ok = n >= 3
    if df_w <= 0 or not ok.any():
        return KAPPA_MIN
    se2 = float(np.sum((e2c - vhat[data.pair_rater]) ** 2) / df_w)
    terms = (vhat[ok] - e2c.mean()) ** 2 - se2 / n[ok]
    # τ² only where it is clearly above sampling: its lower bound, two standard errors
    tau2 = float(terms.mean() - 2.0 * terms.std(ddof=1) / np.sqrt(ok.sum())) if ok.sum() > 1 else 0
    return max(se2 / tau2, KAPPA_MIN) if tau2 > 0 else 1e9


# ---------------------------------------------------------------------------------------------
# standard errors
# ---------------------------------------------------------------------------------------------


def standard_errors(
    data: RatingData,
    w_obs: np.ndarray,
    s2_eff: float,
    lam: float,
    lam_a: float,
    nu: float,
    full_pev: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors of the rater and the ratee effects.

    Parameters
    ----------
    data : RatingData
        The prepared ratings.
    w_obs : ndarray
        Pair weights of the fit (``data.pair_n`` without rater weights).
    s2_eff : float
        Error variance of one rating.
    lam, lam_a : float
        λ and λ_pegawai of the fit.
    nu : float
        Degrees of freedom of σ̂²_eff (:class:`Components`), for the t-factor.
    full_pev : bool
        Ratee se from the full prediction-error variance of the crossed model times the
        t-factor (``_interval``; the shrunk random-effects model); else the first-order
        approximation ``σ²_eff / (n + λ_pegawai)`` plus the rater se carried by each ratee's
        share of the pair weights.

    Returns
    -------
    se_b, se_a : ndarray
        Rater se ``sqrt(σ²_eff / (n + λ))`` (``n`` the rater's weighted ratings) and ratee se.
    """
    na, nb, ng, nk, npairs = data.sizes
    n_eff_rater = np.bincount(data.pair_rater, weights=w_obs, minlength=nb)
    se_b = np.sqrt(s2_eff / (n_eff_rater + lam))
    if full_pev:  # full PEV and the t-factor of σ̂²_eff (_interval)
        return se_b, se_interval(pev(data, w_obs, lam, lam_a), s2_eff, nu)
    n_eff_ratee = np.bincount(data.pair_ratee, weights=w_obs, minlength=na)
    share = w_obs / n_eff_ratee[data.pair_ratee]
    var_corr = np.bincount(
        data.pair_ratee, weights=share**2 * se_b[data.pair_rater] ** 2, minlength=na
    )
    return se_b, np.sqrt(s2_eff / (n_eff_ratee + lam_a) + var_corr)


def unshrunk_ratee_variance(
    data: RatingData,
    fit_args: tuple,
    x0: np.ndarray,
    lam: float,
    pair_w: np.ndarray | None,
    s2_eff: float,
    nu: float,
    comp_ratee: np.ndarray | None,
) -> tuple[float, float]:
    """σ²_pegawai from a ratee-unshrunk refit, for ``skor_distribusi``'s spread (``_triple``).

    Parameters
    ----------
    data : RatingData
        The prepared ratings.
    fit_args : tuple
        The arguments of :func:`._lsmr.fit_additive` after λ (role and aspect switches,
        component labels, tolerance, layout).
    x0 : ndarray
        The unshrunk solution (warm start).
    lam : float
        λ of the shrunk fit (the raters stay shrunk).
    pair_w : ndarray or None
        The rater-consistency pair weights of the shrunk fit (None: none).
    s2_eff, nu : float
        Error variance of one rating and its degrees of freedom (:class:`Components`).
    comp_ratee : ndarray or None
        Connected component of each ratee: also the variance within components
        (``skala_penilai`` given), from a refit with the unshrunk fit's own rater weights when
        rater weights are used. None: not wanted.

    Returns
    -------
    lepas, dalam : float
        Variance of the unshrunk ratee effects minus their mean se²
        (``info["sigma2_pegawai_lepas"]``); the same within components
        (``info["sigma2_pegawai_lepas_dalam"]``; NaN without ``comp_ratee``).
    """
    w_obs = data.pair_n if pair_w is None else pair_w
    fit_u, _ = fit_additive(data, lam, *fit_args, x0=x0, lam_a=0.0, pair_w=pair_w)
    se_u = se_interval(pev(data, w_obs, lam, 0.0), s2_eff, nu)
    lepas = float(np.var(fit_u.a) - np.mean(se_u**2))
    if comp_ratee is None:
        return lepas, np.nan
    if pair_w is not None:  # the unshrunk fit's own rater weights (those of the
        # shrunk fit left 0.005-0.012 less variance in it on the simulator)
        pw_u, _ = rater_weights(data, fit_u, lam, 0.0)
        fit_u, _ = fit_additive(data, lam, *fit_args, x0=x0, lam_a=0.0, pair_w=pw_u)
        se_u = se_interval(pev(data, pw_u, lam, 0.0), s2_eff, nu)
    return lepas, varians_dalam_komponen(fit_u.a, se_u, comp_ratee)
