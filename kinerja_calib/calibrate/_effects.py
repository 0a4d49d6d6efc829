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
from ._jaringan import mark_comparability
from ._lsmr import fit_additive, layout
from ._prepare import efek_kosong, rating_data, tanpa_penilai_lain
from ._reml import reml_fits
from ._triple import cek_skala, skor_distribusi
from ._types import RaterEffects, RatingData
from ._varcomp import PeringatanKalibrasi, design_warnings, warn_design
from ._variance import (
    ratee_shrinkage,
    rater_shrinkage,
    rater_weights,
    role_aspect_variances,
    shrinkage_value,
    standard_errors,
    unshrunk_ratee_variance,
    variance_components,
)

__all__ = ["AMBANG_DIAGNOSIS", "PeringatanKalibrasi", "RaterEffects", "rater_effects"]


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
        unbiased ANOVA moment equations (Henderson's Method 1 / Searle et al. 1992, ch. 5; the
        within-rater and within-ratee equations weight each group by its degrees of
        freedom, not pairwise as Gao & Owen 2017; ``_varcomp``), O(pairs).
        ``"reml"``: exact restricted maximum likelihood (Patterson & Thompson 1971) through
        Henderson's mixed-model equations, started from the moments (``_reml``): a dense
        factor of the Schur complement in the smaller of the ratee and rater sets up to
        ``BATAS_REML`` (1,000), above it a sparse factor of the whole mixed-model matrix
        with its selected inverse (``_selinv``; dense again if that factor fills in).
        ``"auto"`` (default): REML with the dense factor up to 1,000, with the sparse one up
        to ``BATAS_REML_JARANG`` (5,000) where its work is at most ``BATAS_KERJA_REML``
        (1.5e7: a few seconds), else the moments. Issue 16: in ten 300-person organisations fitted alone the share of the
        true-components BLUP's gain rose from 0.942 to 0.951 (log-λ RMSE 0.184 vs 0.228);
        on ``kc.simulate``'s 3,000 pegawai in 6 instansi σ²_pegawai steadies at 0.132–0.135
        (moments 0.110–0.118) and r rises by 0.003–0.004, for 0.85 s per fit.
        ``.info["reml"]`` says which
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


# ---------------------------------------------------------------------------------------------
# the additive fit
# ---------------------------------------------------------------------------------------------


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
    lam_fixed = shrinkage_value(shrinkage)
    ols = shrinkage is None
    comp_ratee, comp_rater, n_comp = components(data)
    comp = (comp_ratee, comp_rater)
    n_params = na + nb + (ng if include_role else 1) - 1
    args = (include_role, include_aspect, comp_ratee, comp_rater, tol, layout(data, *comp))
    # the unshrunk fit: its role/aspect effects feed the variance components, which therefore
    # never depend on a user-supplied λ (nor does λ_pegawai = σ²_eff / σ²_pegawai)
    fit0, x0 = fit_additive(data, 0.0, *args)
    df_pair = npairs - n_params + n_comp
    reml = None if ols or varcomp == "moments" else varcomp
    reml = None if reml == "auto" and not reml_fits(data) else reml
    vc = variance_components(data, fit0, n_comp, n_params, ols, reml, include_role)
    used_reml = vc.reml
    peringatan = design_warnings(data, df_pair, ols, used_reml)
    lam = rater_shrinkage(lam_fixed, vc.s2_eff, vc.s2_b)
    lam_a = ratee_shrinkage(shrinkage_pegawai, ols, vc.s2_eff, vc.s2_a)
    fit, pair_w, kappa = _shrunk_fit(data, args, fit0, x0, lam, lam_a, bobot_penilai and not ols)
    w_obs = data.pair_n if pair_w is None else pair_w
    full_pev = not ols and (lam > 0 or lam_a > 0)
    se_b, se_a = standard_errors(data, w_obs, vc.s2_eff, lam, lam_a, vc.nu, full_pev)
    s2_a_lepas = np.nan  # σ²_pegawai from the ratee-unshrunk fit, for skor_distribusi's spread
    s2_a_dalam = np.nan  # within components, own rater weights (skala_penilai only)
    if not ols and lam_a > 0:
        comp_dalam = comp_ratee if skala_penilai is not None else None
        s2_a_lepas, s2_a_dalam = unshrunk_ratee_variance(
            data, args, x0, lam, pair_w, vc.s2_eff, vc.nu, comp_dalam
        )
    if skala_penilai is not None and not np.isfinite(s2_a_dalam):
        raise ParameterError(
            "`skala_penilai` memerlukan penyusutan skor pegawai (shrinkage_pegawai='auto' atau "
            "angka > 0) dan komponen jaringan dengan sedikitnya dua pegawai."
        )
    skor_dist = (  # bands (_triple); a stated scale replaces the floor rule
        skor_distribusi(fit.a, se_a, s2_a_lepas)
        if skala_penilai is None
        else skor_distribusi(fit.a, se_a, s2_a_dalam, skala_penilai)
    )
    ratees = _ratee_table(data, fit, se_a, skor_dist, comp_ratee)
    raters = _rater_table(data, fit, se_b, comp_rater)
    s2_role, s2_asp = role_aspect_variances(data, fit)
    komponen = komponen_table(vc.s2_a, vc.s2_b, s2_role, s2_asp, vc.parts)
    jaringan = jaringan_table(data, comp_ratee, comp_rater, n_comp)
    efek = _efek_table(data, fit)
    rater_w = np.ones(nb)
    rater_w[data.pair_rater] = w_obs / data.pair_n  # one value per rater
    info = {
        "shrinkage_pegawai": lam_a,
        "bobot_penilai": pair_w is not None,
        "kappa_bobot_penilai": kappa,  # prior weight (pairs) of the pooled variance; 1e9: none
        "iterasi_lsmr": fit.iterations,
        "iterasi_luar": fit.outer,
        "konvergen": fit.converged,
        "sigma2_eff": vc.s2_eff,
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


def _shrunk_fit(data: RatingData, args: tuple, fit0, x0, lam: float, lam_a: float, weigh: bool):
    """The fit with ridges λ and λ_pegawai, warm-started from the unshrunk ``fit0`` / ``x0``,
    then (``weigh``) refitted with the rater-consistency pair weights. Returns the fit, the
    pair weights (None without) and their prior weight κ (NaN without)."""
    pair_w, kappa = None, np.nan
    x1 = x0
    if lam > 0 or lam_a > 0:
        # warm start from the unshrunk solution (a zero grand mean appended when ratees are
        # penalised, since that adds one column)
        start = np.concatenate([x0, [0.0]]) if lam_a > 0 else x0
        fit, x1 = fit_additive(data, lam, *args, x0=start, lam_a=lam_a)
    else:
        fit = fit0
    if weigh:
        pair_w, kappa = rater_weights(data, fit, lam, lam_a)
        fit, _ = fit_additive(data, lam, *args, x0=x1, lam_a=lam_a, pair_w=pair_w)
    return fit, pair_w, kappa


def _ratee_table(data: RatingData, fit, se_a, skor_dist, comp_ratee) -> pd.DataFrame:
    """``RaterEffects.ratees`` of the additive fit."""
    na = len(data.ratee_ids)
    n_ratee = np.bincount(data.ratee, minlength=na).astype(np.float64)
    raw = np.bincount(data.ratee, weights=data.y, minlength=na) / n_ratee
    ratees = pd.DataFrame(
        {
            "skor_mentah": raw,
            "skor_terkalibrasi": fit.a,
            "skor_distribusi": skor_dist,
            "se": se_a,
            "n": n_ratee.astype(np.int64),
            "n_penilai": np.bincount(data.pair_ratee, minlength=na),
            "koreksi": fit.a - raw,
            "komponen": comp_ratee,
        },
        index=pd.Index(data.ratee_ids.astype(str), name="nip"),
    )
    at = ratees.columns.get_loc("koreksi") + 1
    ratees.insert(at, "skor_diri", data.skor_diri.reindex(ratees.index).to_numpy())
    return ratees


def _rater_table(data: RatingData, fit, se_b, comp_rater) -> pd.DataFrame:
    """``RaterEffects.raters`` of the additive fit, with the diagnosis (``_diagnostics``)."""
    nb = len(data.rater_ids)
    n_rater = np.bincount(data.rater, minlength=nb).astype(np.float64)
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
    return raters


def _efek_table(data: RatingData, fit) -> pd.DataFrame:
    """``RaterEffects.efek``: the role and aspect effects with their numbers of ratings."""
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "jenis": "peran_penilai",
                    "tingkat": data.role_ids.astype(str),
                    "efek": fit.c,
                    "n": data.n_role.astype(np.int64),
                }
            ),
            pd.DataFrame(
                {
                    "jenis": "aspek",
                    "tingkat": data.aspect_ids.astype(str),
                    "efek": fit.d,
                    "n": data.n_aspect.astype(np.int64),
                }
            ),
        ],
        ignore_index=True,
    )
