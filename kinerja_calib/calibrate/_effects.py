"""Rater effects: who rated whom, corrected.

The additive model (the default) is the classic "true score + bias" decomposition of
G-theory (Hoyt & Kerns 1999; Houston, Raymond & Svec 1991)::

    nilai[i, j, g, k] = skor[i] - keparahan[j] + peran[g] + aspek[k] + galat

for ratee ``i``, rater ``j`` in role ``g`` and BerAKHLAK aspect ``k``. It is fitted by sparse
least squares at the level of (ratee, rater) *pairs* — the aspect effects are alternated out — so
that 40 M ratings reduce to ~6 M pair rows with three non-zeros each, solved by
:func:`scipy.sparse.linalg.lsmr` with Jacobi (column) scaling. The solver numbers ratees, raters
and pairs component by component of the rater network (block-diagonal design), so its sparse
products stay cache-local; the estimate does not depend on that order.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits  # LSMR's tiny vector ops: 1 BLAS thread is ~10x faster

from ..errors import ParameterError
from ._diagnostics import (
    AMBANG_DIAGNOSIS,
    annotate_units,
    components,
    diagnose,
    jaringan_table,
    komponen_table,
)
from ._interval import pev, se_interval
from ._jaringan import mark_comparability
from ._lsmr import fit_additive, layout
from ._prepare import efek_kosong, rating_data, tanpa_penilai_lain
from ._reml import reml_components, reml_fits
from ._triple import cek_skala, skor_distribusi, varians_dalam_komponen
from ._types import AdditiveFit, RaterEffects, RatingData
from ._varcomp import (
    AMBANG_DF_SISA,
    PeringatanKalibrasi,
    blended_components,
    design_warnings,
    warn_design,
)

__all__ = ["AMBANG_DIAGNOSIS", "PeringatanKalibrasi", "RaterEffects", "rater_effects"]

# ---------------------------------------------------------------------------------------------
# the additive fit
# ---------------------------------------------------------------------------------------------


def _variance_parts(
    data: RatingData, fit: AdditiveFit, n_comp: int, n_params: int
) -> dict[str, float]:
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


def _moment_var(est: np.ndarray, sampling_var: np.ndarray) -> float:
    ok = np.isfinite(est) & np.isfinite(sampling_var)
    if ok.sum() < 2:
        return 0.0
    return float(max(np.var(est[ok], ddof=1) - np.mean(sampling_var[ok]), 0.0))


def rater_effects(
    ratings: pd.DataFrame,
    shrinkage: float | Literal["auto"] | None = "auto",
    include_role: bool = True,
    include_aspect: bool = True,
    method: Literal["additive", "ordinal"] = "additive",
    periode: str | None = None,
    tol: float = 1e-10,
    shrinkage_pegawai: float | Literal["auto"] | None = "auto",
    bobot_penilai: bool = True,
    pegawai: pd.DataFrame | None = None,
    minimal_penghubung: int | None = None,
    kelompok_penilai: Any = None,
    kemiringan: bool = False,
    skala_penilai: float | None = None,
    varcomp: Literal["auto", "moments", "reml"] = "auto",
    **ordinal_options: Any,
) -> RaterEffects:
    """Estimate rater severity and calibrated ratee scores from a long 360 table.

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table: ``nip`` (ratee), ``nip_penilai``, ``peran_penilai``,
        ``aspek``, ``nilai`` (and optionally ``periode``). Self ratings (``peran_penilai ==
        "diri"`` or rater = ratee) are excluded from the fit and reported apart as
        ``skor_diri``.
    shrinkage : "auto", float or None
        Ridge parameter λ for the rater effects: a rater with ``n`` ratings has their effect
        shrunk toward 0 by about ``n / (n + λ)`` (the random-effect BLUP). ``"auto"`` sets
        ``λ = σ²_eff / σ²_penilai`` from variance components of the crossed random-effects
        model on the pair means (see ``varcomp``), which need no residual degrees of freedom,
        so λ stays finite in sparse designs (σ²_eff = error variance of one rating, including
        the rater × ratee interaction spread over the aspects of a pair). A
        number sets λ only: σ²_eff and ``shrinkage_pegawai="auto"`` do not depend on it.
        ``None``: no shrinkage (ordinary least squares with fixed effects and their own residual
        variance; this also switches off ``shrinkage_pegawai`` and ``bobot_penilai``, giving
        exactly the OLS solution).
    include_role, include_aspect : bool
        Model role (``peran_penilai``) and aspect effects.
    shrinkage_pegawai : "auto", float or None
        Ridge on the ratee effects toward the grand mean (in rating-equivalents). ``"auto"``
        (default) uses the BLUP value ``λ_pegawai = σ²_eff / σ²_pegawai``: the calibrated score
        is then Kelley's regressed true score — a pegawai rated by few or erratic raters is
        pulled toward the mean by ``n / (n + λ_pegawai)`` instead of being placed at the
        extremes by noise (fewer predikat mistakes near the thresholds). 0/None disables it
        (scores then keep the spread of plain means). Ignored when ``shrinkage=None``.
    bobot_penilai : bool
        Re-weight raters by their consistency (one iteratively re-weighted step: a pair counts
        ``∝ 1 / v_j`` where ``v_j`` is the rater's residual variance shrunk toward the pooled
        value with a prior worth κ ≥ 10 pairs, κ estimated by empirical Bayes so that the
        weights go to 1 where raters differ in consistency no more than sampling gives), so
        raters with strong halo or erratic ratings count less. Ignored when ``shrinkage=None``.
    method : {"additive", "ordinal"}
        ``"additive"``: least squares on the rating scale. ``"ordinal"``: many-facet Rasch
        rating-scale model (Linacre) by joint maximum likelihood; ``keparahan`` is then in
        logits and ``skor_terkalibrasi`` is Linacre's *fair average* (the expected rating from a
        rater of average severity on an average aspect); see :func:`fit_mfrm`. Its shrinkage
        is a Gaussian prior on the measures whose SD is estimated per facet (``prior_sd``,
        overridable), not ``shrinkage``; severities are centred per connected component.
    periode : str, optional
        Which ``periode`` to analyse; default the latest; ``"semua"`` pools every period (one
        score per ``nip``).
    tol : float
        Convergence tolerance of the solver.
    pegawai : DataFrame, optional
        The ``pegawai`` table; when given, ``.jaringan`` also lists the ``instansi`` and the
        number of ``unit_kerja`` in each connected component (which units cannot be compared),
        and its ``wilayah`` / ``kode_instansi`` / ``unit_kerja`` columns are checked for
        groups linked to the rest by too few raters (see below).
    minimal_penghubung : int, optional
        Raters a group needs in common with the main group to count as comparable; default
        the rules value ``keterbandingan.minimal_penghubung`` (UNCONFIRMED, 3).
    kelompok_penilai : str, Series or mapping, optional
        Hierarchical rater prior (issue 16; opt-in, see ``_hierarki``): an unpenalised
        leniency per rater group — a column of ``pegawai`` looked up by the rater's NIP
        (``"unit_kerja"``, ``"kode_instansi"``, ``"wilayah"`` joined from the ``instansi``
        table) or a mapping ``nip_penilai → kelompok`` — with each rater shrunk toward their
        group; the ratee shrinkage is applied afterwards. ``.info["kelompok_penilai"]`` holds
        the group leniencies. Measured in ``benchmarks/bench_batas.py``: r 0.908 vs 0.883
        where two regions' raters differ in leniency, but 0.907 vs 0.914 (unit groups) where
        groups do not differ — hence opt-in.
    kemiringan : bool
        Rater slopes (scale use) shrunk toward 1 (issue 16; opt-in); ``.raters["kemiringan"]``.
        Same as the default where raters share a slope, r 0.879 vs 0.877 with 30 % central-
        tendency raters (``bench_batas``), at 1.4–1.9× the time.
    skala_penilai : float, optional
        An assumption about the rating culture for ``skor_distribusi`` only (issue 16;
        opt-in; additive model with shrinkage): the ratio of the average rater's use of the
        scale to a reference panel's (0.85 = raters compress the scale to 85 %). The ratings
        cannot carry it (``_triple``, **Diagnosis**). When given, ``skor_distribusi`` gets the
        variance ``info["sigma2_pegawai_lepas_dalam"] / skala_penilai²`` (the ratee variance
        within connected components of a ratee-unshrunk fit with its own rater weights; one
        more fit, ≈ 0.3 s at 20,000 pegawai). ``skor_terkalibrasi`` and the ranks do not change.
    varcomp : {"auto", "moments", "reml"}
        How the variance components behind ``"auto"`` shrinkage are estimated. ``"moments"``:
        unbiased U-statistic moment equations (Gao & Owen 2017; ``_varcomp``), O(pairs).
        ``"reml"``: exact restricted maximum likelihood (Patterson & Thompson 1971) through
        Henderson's mixed-model equations, started from the moments (``_reml``); dense in the
        smaller of the ratee and rater sets, so its time grows as the cube of it. ``"auto"``
        (default): REML when ``min(pegawai, penilai) ≤ BATAS_REML`` (1,000), else the moments —
        issue 16: in ten 300-person organisations fitted alone the share of the
        true-components BLUP's gain rose from 0.942 to 0.951 (log-λ RMSE 0.184 vs 0.228),
        at ≈ 0.05 s more per fit; larger designs are unchanged. ``.info["reml"]`` says which
        was used.
    **ordinal_options
        Passed to the ordinal fit (``max_iter``, ``tol``, ``prior_sd``, ``centre``).

    Returns
    -------
    RaterEffects
        ``.ratees``, ``.raters``, ``.komponen``, ``.jaringan``, ``.efek`` (see the class).
        ``.ratees`` also holds ``dapat_dibandingkan`` (in the main connected component and,
        with ``pegawai``, in a group linked to the main group by at least
        ``keterbandingan.minimal_penghubung`` raters — an UNCONFIRMED rules value),
        ``kelas_banding`` (0 = that comparable bulk; scores compare only within one class) and
        ``alasan_banding`` (Indonesian, empty when comparable); ``.info["keterkaitan"]`` and
        ``.info["kekuatan_hubungan"]`` hold the link strength (:mod:`._jaringan`).

    Warns
    -----
    PeringatanKalibrasi
        In Indonesian, also listed in ``.info["peringatan"]``: fewer residual degrees of
        freedom than 20 % of the pairs (variance components less certain), or
        ``shrinkage=None`` when at least 20 % of the raters rate one pegawai only.

    Notes
    -----
    **Fit.** The pair-level normal equations are solved by LSMR on a column-scaled sparse
    design (one row per (ratee, rater) pair weighted by √n, plus √λ rows penalising the rater
    effects); aspect effects are alternated out (exact at convergence; one or two outer steps
    when every pair rates every aspect). The solution equals ordinary least squares on the
    rating-level design ``nilai ~ C(nip) + C(nip_penilai) + C(peran_penilai) + C(aspek)`` when
    ``shrinkage=None``.

    **Identification.** Role and aspect effects have an observation-weighted mean of 0; rater
    effects have mean 0 *within each connected component* of the rater–ratee graph, so
    ``skor_terkalibrasi`` is the mean rating a ratee would get from a rater of average severity
    in the data's usual mix of roles and aspects. Scores in different components cannot be
    compared: a component with lenient raters only looks as good as one with severe raters only.
    ``.jaringan`` lists the components.

    **Two scores.** ``skor_terkalibrasi`` (posterior mean) ranks and feeds the kurva
    proposal; ``skor_distribusi`` (triple-goal, same ranks, unsqueezed spread) is for bands
    and predikat shares (``_triple``). Its spread is at least that of a second, steadier
    estimate of σ²_pegawai, the variance of the ratee effects of a ratee-unshrunk fit minus
    their mean se² (``info["sigma2_pegawai_lepas"]``; one more fit, ≈ 0.15 s at 3,000 pegawai).

    **Standard errors.** ``se`` of a rater is ``sqrt(σ²_eff / (n + λ))``; ``se`` of a ratee is
    the full prediction-error SD of the crossed model, times a t-factor when σ²_eff is a
    residual mean square (``_interval``; 95 % coverage 0.94–0.95 in the benchmark designs).

    **Diagnostics** (``diagnosis``; thresholds in ``AMBANG_DIAGNOSIS``, read from
    ``[diagnosis_penilai]`` of the rules file; a rater needs at least 10 ratings before any flag):

    - "terlalu lunak" / "terlalu keras": ``|keparahan|`` above 2 robust SDs (1.4826·MAD) of all
      raters' keparahan *and* more than 2 standard errors from 0;
    - "efek halo" / "kecenderungan sentral": the rater's aspects move together, or all their
      ratings are compressed, compared with the other raters of the same ratees (indices
      ``indeks_halo`` / ``indeks_sentral``; see ``_diagnostics.diagnose``);
    - "tidak konsisten": residual mean-square (outfit-like, normalised to a mean near 1) above
      1.5 (Linacre's upper bound for productive measurement) *and* above ``1 + 2·sqrt(2/m)``
      for a rater of ``m`` ratees (two sampling SDs: residuals within a pair are correlated).

    References
    ----------
    .. [1] Hoyt, W. T., & Kerns, M.-D. (1999). Magnitude and moderators of bias in observer
       ratings: A meta-analysis. *Psychological Methods*, 4(4), 403–424.
    .. [2] Houston, W. M., Raymond, M. R., & Svec, J. C. (1991). Adjustments for rater effects
       in performance assessment. *Applied Psychological Measurement*, 15(4), 409–421.
    .. [3] Myford, C. M., & Wolfe, E. W. (2004). Detecting and measuring rater effects using
       many-facet Rasch measurement: Part II. *Journal of Applied Measurement*, 5(2), 189–227.
    .. [4] Fong, D. C.-L., & Saunders, M. (2011). LSMR: An iterative algorithm for sparse
       least-squares problems. *SIAM J. Sci. Comput.*, 33(5), 2950–2971.
    .. [5] Gao, K., & Owen, A. B. (2017). Efficient moment calculations for variance components
       in large unbalanced crossed random effects models. *Electronic Journal of Statistics*,
       11(1), 1235–1296.
    .. [6] Patterson, H. D., & Thompson, R. (1971). Recovery of inter-block information when
       block sizes are unequal. *Biometrika*, 58(3), 545–554.
    .. [7] Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance Components*. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({
    ...     "nip": ["a", "a", "b", "b", "c", "c"],
    ...     "nip_penilai": ["x", "y", "x", "y", "x", "y"],
    ...     "peran_penilai": ["rekan"] * 6, "aspek": ["loyal"] * 6,
    ...     "nilai": [4.0, 3.0, 5.0, 4.0, 3.0, 2.0]})
    >>> effects = rater_effects(r, shrinkage=None)
    >>> effects.raters["keparahan"].round(2).tolist()
    [-0.5, 0.5]
    >>> effects.ratees["skor_terkalibrasi"].round(2).tolist()
    [3.5, 4.5, 2.5]
    """
    if method not in ("additive", "ordinal"):
        raise ParameterError("`method` harus 'additive' atau 'ordinal'.")
    if tanpa_penilai_lain(ratings, periode):
        return efek_kosong(ratings, periode, method)
    with _single_thread_blas():
        effects = _rater_effects(
            ratings,
            shrinkage,
            include_role,
            include_aspect,
            method,
            periode,
            tol,
            shrinkage_pegawai,
            bobot_penilai,
            ordinal_options,
            pegawai,
            minimal_penghubung,
            kelompok_penilai,
            kemiringan,
            skala_penilai,
            varcomp,
        )
    if pegawai is not None:
        annotate_units(effects, pegawai)
    warn_design(effects.info.get("peringatan", []))
    return effects


def _refine(effects, data: RatingData, kelompok, kemiringan, pegawai) -> RaterEffects:
    if effects.method != "additive" or effects.shrinkage == 0:
        raise ParameterError(
            "`kelompok_penilai` dan `kemiringan` hanya untuk model aditif dengan penyusutan."
        )
    from ._hierarki import hierarchical

    return hierarchical(effects, data, kelompok, kemiringan, pegawai)


def _single_thread_blas():
    return threadpool_limits(limits=1, user_api="blas")


def _rater_effects(
    ratings,
    shrinkage,
    include_role,
    include_aspect,
    method,
    periode,
    tol,
    shrinkage_pegawai,
    bobot_penilai,
    ordinal_options,
    pegawai=None,
    minimal_penghubung=None,
    kelompok_penilai=None,
    kemiringan=False,
    skala_penilai=None,
    varcomp="auto",
) -> RaterEffects:
    cek_skala(skala_penilai)
    if skala_penilai is not None and (method != "additive" or shrinkage is None):
        raise ParameterError("`skala_penilai` hanya untuk model aditif dengan penyusutan.")
    if varcomp not in ("auto", "moments", "reml"):
        raise ParameterError("`varcomp` harus 'auto', 'moments' atau 'reml'.")
    data = rating_data(ratings, periode)
    if method == "ordinal":
        from ._ordinal import fit_mfrm

        effects = fit_mfrm(
            data, include_role=include_role, include_aspect=include_aspect, **ordinal_options
        )
    else:
        effects = _additive(
            data,
            shrinkage,
            include_role,
            include_aspect,
            tol,
            shrinkage_pegawai,
            bobot_penilai,
            skala_penilai,
            varcomp,
        )
    mark_comparability(
        effects, data, pegawai, minimal_penghubung
    )  # dapat_dibandingkan, link strength (_jaringan)
    if kelompok_penilai is not None or kemiringan:  # the same prepared data, not prepared again
        effects = _refine(effects, data, kelompok_penilai, kemiringan, pegawai)
    return effects


def _shrinkage_value(shrinkage: Any) -> float | None:
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


def _rater_weights(data: RatingData, fit: AdditiveFit, lam: float, lam_a: float):
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
    kappa = _kappa(data, e2, n_pairs_r, lam, lam_a, na, nb)
    v = (np.bincount(data.pair_rater, weights=e2, minlength=nb) + kappa * s2) / (n_pairs_r + kappa)
    return data.pair_n * s2 / v[data.pair_rater], kappa


#: Smallest prior weight (in pairs) of the pooled residual variance in the rater weights.
KAPPA_MIN = 10.0


def _kappa(data, e2, n_pairs_r, lam, lam_a, na, nb) -> float:
    """Empirical-Bayes prior weight κ (pairs) of :func:`_rater_weights`, at least ``KAPPA_MIN``."""
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


def _additive(
    data: RatingData,
    shrinkage: Any,
    include_role: bool,
    include_aspect: bool,
    tol: float,
    shrinkage_pegawai: Any = "auto",
    bobot_penilai: bool = True,
    skala_penilai: float | None = None,
    varcomp: str = "auto",
) -> RaterEffects:
    na, nb, ng, nk, npairs = data.sizes
    lam_fixed = _shrinkage_value(shrinkage)
    ols = shrinkage is None
    comp_ratee, comp_rater, n_comp = components(data)
    comp = (comp_ratee, comp_rater)
    n_ratee = np.bincount(data.ratee, minlength=na).astype(np.float64)
    n_rater = np.bincount(data.rater, minlength=nb).astype(np.float64)
    n_params = na + nb + (ng if include_role else 1) - 1
    args = (include_role, include_aspect, comp_ratee, comp_rater, tol, layout(data, *comp))
    # the unshrunk fit: its role/aspect effects feed the variance components, which therefore
    # never depend on a user-supplied λ (nor does λ_pegawai = σ²_eff / σ²_pegawai)
    fit0, x0 = fit_additive(data, 0.0, *args)
    parts = _variance_parts(data, fit0, n_comp, n_params)
    df_pair = npairs - n_params + n_comp
    used_reml = not ols and (varcomp == "reml" or (varcomp == "auto" and reml_fits(data)))
    peringatan = design_warnings(data, df_pair, ols, used_reml)
    if ols:  # the fixed-effects model: its own residual variance
        s2_eff = parts["s2_eff"]
        s2_b = _moment_var(fit0.b, s2_eff / np.maximum(n_rater, 1))
        s2_a0 = _moment_var(fit0.a, s2_eff / np.maximum(n_ratee, 1))
    else:  # random effects: unbiased moments (no λ involved), see _varcomp
        # σ²_int from the residuals while they have degrees of freedom to spare (more precise);
        # in sparse designs blended toward the moment equations, which need none (λ never
        # collapses); see blended_components
        s2_int_res = max((parts["s2_eff"] - parts["s2_w_free"]) / parts["m_bar"], 0.0)
        mc = blended_components(data, fit0, parts["s2_w_free"], s2_int_res, df_pair)
        if used_reml:  # exact REML, started from the moments, where the design is small
            mc = reml_components(data, fit0, parts["s2_w_free"], mc, include_role)
        s2_int = s2_int_res if df_pair >= AMBANG_DF_SISA * npairs else None
        s2_eff, s2_b, s2_a0 = mc["s2_eff"], mc["s2_b"], mc["s2_a"]
        if parts["s2_w_free"] > 0:
            parts = {**parts, "s2_eff": s2_eff, "s2_int": mc["s2_int"]}
        else:  # one rating per pair: interaction and noise are not separable; all is galat
            parts = {**parts, "s2_eff": s2_eff, "s2_w": s2_eff, "s2_int": np.nan}
    lam = lam_fixed if lam_fixed is not None else (float(s2_eff / s2_b) if s2_b > 0 else 1e6)
    if ols or shrinkage_pegawai is None:
        lam_a = 0.0
    elif isinstance(shrinkage_pegawai, str):
        if shrinkage_pegawai != "auto":
            raise ParameterError("`shrinkage_pegawai` harus angka ≥ 0, 'auto', atau None.")
        lam_a = float(s2_eff / s2_a0) if s2_a0 > 0 else 1e6
    else:
        lam_a = float(shrinkage_pegawai)
        if not np.isfinite(lam_a) or lam_a < 0:
            raise ParameterError("`shrinkage_pegawai` harus angka ≥ 0.")
    pair_w, kappa = None, np.nan
    x1 = x0
    if lam > 0 or lam_a > 0:
        # warm start from the unshrunk solution (a zero grand mean appended when ratees are
        # penalised, since that adds one column)
        start = np.concatenate([x0, [0.0]]) if lam_a > 0 else x0
        fit, x1 = fit_additive(data, lam, *args, x0=start, lam_a=lam_a)
    else:
        fit = fit0
    if bobot_penilai and not ols:
        pair_w, kappa = _rater_weights(data, fit, lam, lam_a)
        fit, _ = fit_additive(data, lam, *args, x0=x1, lam_a=lam_a, pair_w=pair_w)
    if ols:
        parts = _variance_parts(data, fit, n_comp, n_params)
    w_obs = data.pair_n if pair_w is None else pair_w
    rater_w = np.ones(nb)
    rater_w[data.pair_rater] = w_obs / data.pair_n  # one value per rater
    n_eff_rater = np.bincount(data.pair_rater, weights=w_obs, minlength=nb)
    n_eff_ratee = np.bincount(data.pair_ratee, weights=w_obs, minlength=na)
    se_b = np.sqrt(s2_eff / (n_eff_rater + lam))
    share = w_obs / n_eff_ratee[data.pair_ratee]
    var_corr = np.bincount(
        data.pair_ratee, weights=share**2 * se_b[data.pair_rater] ** 2, minlength=na
    )
    se_a = np.sqrt(s2_eff / (n_eff_ratee + lam_a) + var_corr)
    if not ols and (lam > 0 or lam_a > 0):  # full PEV and the t-factor of σ̂²_eff (_interval)
        nu = df_pair if s2_int is not None else np.inf  # σ²_eff a residual mean square?
        se_a = se_interval(pev(data, w_obs, lam, lam_a), s2_eff, nu)
    s2_a = _moment_var(fit0.a, s2_eff / np.maximum(n_ratee, 1)) if ols else s2_a0
    s2_a_lepas = np.nan  # σ²_pegawai from the ratee-unshrunk fit, for skor_distribusi's spread
    s2_a_dalam = np.nan  # within components, own rater weights (skala_penilai only)
    if not ols and lam_a > 0:
        fit_u, _ = fit_additive(data, lam, *args, x0=x0, lam_a=0.0, pair_w=pair_w)
        nu_u = df_pair if s2_int is not None else np.inf
        se_u = se_interval(pev(data, w_obs, lam, 0.0), s2_eff, nu_u)
        s2_a_lepas = float(np.var(fit_u.a) - np.mean(se_u**2))
        if skala_penilai is not None:  # the ratee variance for a stated scale (_triple)
            if pair_w is not None:  # the unshrunk fit's own rater weights (those of the
                # shrunk fit left 0.005-0.012 less variance in it on the simulator)
                pw_u, _ = _rater_weights(data, fit_u, lam, 0.0)
                fit_u, _ = fit_additive(data, lam, *args, x0=x0, lam_a=0.0, pair_w=pw_u)
                se_u = se_interval(pev(data, pw_u, lam, 0.0), s2_eff, nu_u)
            s2_a_dalam = varians_dalam_komponen(fit_u.a, se_u, comp_ratee)
    if skala_penilai is not None and not np.isfinite(s2_a_dalam):
        raise ParameterError(
            "`skala_penilai` memerlukan penyusutan skor pegawai (shrinkage_pegawai='auto' atau "
            "angka > 0) dan komponen jaringan dengan sedikitnya dua pegawai."
        )
    raw = np.bincount(data.ratee, weights=data.y, minlength=na) / n_ratee
    n_pen = np.bincount(data.pair_ratee, minlength=na)
    ratees = pd.DataFrame(
        {
            "skor_mentah": raw,
            "skor_terkalibrasi": fit.a,
            "skor_distribusi": (  # bands (_triple); a stated scale replaces the floor rule
                skor_distribusi(fit.a, se_a, s2_a_lepas)
                if skala_penilai is None
                else skor_distribusi(fit.a, se_a, s2_a_dalam, skala_penilai)
            ),
            "se": se_a,
            "n": n_ratee.astype(np.int64),
            "n_penilai": n_pen,
            "koreksi": fit.a - raw,
            "komponen": comp_ratee,
        },
        index=pd.Index(data.ratee_ids.astype(str), name="nip"),
    )
    at = ratees.columns.get_loc("koreksi") + 1
    ratees.insert(at, "skor_diri", data.skor_diri.reindex(ratees.index).to_numpy())
    resid = data.y - fit.pair_fit[data.pair] - fit.d[data.aspect]
    s2_tot = float(np.mean(resid**2)) or 1.0
    diag = diagnose(data, fit, s2_tot, n_rater, se_b)
    given = np.bincount(data.rater, weights=data.y, minlength=nb) / np.maximum(n_rater, 1)
    raters = pd.DataFrame(
        {
            "keparahan": -fit.b,
            "se": se_b,
            "n": n_rater.astype(np.int64),
            "n_pegawai": np.bincount(data.pair_rater, minlength=nb),
            "skor_rerata": given,
            "komponen": comp_rater,
        },
        index=pd.Index(data.rater_ids.astype(str), name="nip_penilai"),
    )
    for col in diag.columns:
        raters[col] = diag[col].to_numpy()
    n_role = data.n_role.astype(np.int64)
    n_asp = data.n_aspect.astype(np.int64)
    efek = pd.concat(
        [
            pd.DataFrame(
                {
                    "jenis": "peran_penilai",
                    "tingkat": data.role_ids.astype(str),
                    "efek": fit.c,
                    "n": n_role,
                }
            ),
            pd.DataFrame(
                {
                    "jenis": "aspek",
                    "tingkat": data.aspect_ids.astype(str),
                    "efek": fit.d,
                    "n": n_asp,
                }
            ),
        ],
        ignore_index=True,
    )
    s2_role = float(np.average(fit.c**2, weights=n_role)) if ng else 0.0
    s2_asp = float(np.average(fit.d**2, weights=n_asp)) if nk else 0.0
    komponen = komponen_table(s2_a, s2_b, s2_role, s2_asp, parts)
    jaringan = jaringan_table(data, comp_ratee, comp_rater, n_comp)
    info = {
        "shrinkage_pegawai": lam_a,
        "bobot_penilai": pair_w is not None,
        "kappa_bobot_penilai": kappa,  # prior weight (pairs) of the pooled variance; 1e9: none
        "iterasi_lsmr": fit.iterations,
        "iterasi_luar": fit.outer,
        "konvergen": fit.converged,
        "sigma2_eff": s2_eff,
        "reml": used_reml,  # variance components by REML (_reml), else by the moments
        "sigma2_pegawai_lepas": s2_a_lepas,  # var(unshrunk ratee effects) − mean se² (_triple)
        "sigma2_pegawai_lepas_dalam": s2_a_dalam,  # within components; with skala_penilai only
        "skala_penilai": skala_penilai,  # the stated scale assumption (None: none)
        "n_penilaian": int(len(data.y)),
        "n_pasangan": int(npairs),
        "peringatan": peringatan,
        "bobot_relatif_penilai": rater_w,  # rater-consistency weights (reused by _hierarki)
    }
    return RaterEffects(
        ratees, raters, komponen, jaringan, efek, float(lam), "additive", data.periode, info
    )
