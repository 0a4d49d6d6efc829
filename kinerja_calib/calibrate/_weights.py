"""360 source weights chosen from evidence (what each choice does to predikat: :mod:`._banding`)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._display import DataKurang
from .._util import SeedLike, as_rng
from ..errors import ParameterError
from ._onefactor import composite, loadings, pairwise_cov, pattern_moments, reliability_as_used
from ._prepare import rating_data, tanpa_penilai_lain
from ._types import KURANG_PENILAI

__all__ = [
    "RoleComposite",
    "crossfit_ratings",
    "composite_scores",
    "role_composite",
    "role_reliability_curve",
    "role_means",
    "source_weights",
    "weights_vector",
]


def crossfit_ratings(
    ratings: pd.DataFrame, periode: str | None = None, n_lipatan: int = 5, seed: SeedLike = 0
) -> np.ndarray:
    """Severity-corrected ratings, cross-fitted over ratees (K-fold).

    The pegawai are split at random into ``n_lipatan`` folds; the ratings a pegawai received
    are corrected with rater severities estimated by :func:`rater_effects` *without* the
    ratings of the pegawai in that fold. A rater seen only in the fold being corrected (e.g. a
    bawahan or pengguna layanan rating one person) gets no correction, so their rating cannot
    echo the model's estimate of the same person.

    Returns
    -------
    ndarray
        One value per rating of ``rating_data(ratings, periode)`` (self ratings excluded):
        ``nilai + keparahan`` of the rater from the other folds' fit (0 when unseen).

    References
    ----------
    .. [1] Chernozhukov, V., et al. (2018). Double/debiased machine learning for treatment and
       structural parameters. *The Econometrics Journal*, 21(1), C1–C68 (cross-fitting).
    """
    from ._effects import rater_effects  # here: _weights is imported without the solver

    if not (isinstance(n_lipatan, int | np.integer) and n_lipatan >= 2):
        raise ParameterError("`n_lipatan` harus bilangan bulat ≥ 2.")
    d = rating_data(ratings, periode)
    na = len(d.ratee_ids)
    fold = as_rng(seed).permutation(np.arange(na) % n_lipatan)
    row_fold = (
        pd.Series(fold, index=d.ratee_ids.astype(str))
        .reindex(ratings["nip"].astype(str))
        .to_numpy()
    )
    y = d.y.copy()
    raters = d.rater_ids.astype(str)
    for f in range(n_lipatan):  # K folds (5), not employees
        with warnings.catch_warnings():  # a fold's design warnings belong to the full fit
            warnings.simplefilter("ignore")
            fx = rater_effects(ratings.loc[row_fold != f], periode=d.periode or periode)
        sev = fx.raters["keparahan"].reindex(raters).fillna(0.0).to_numpy()
        sel = fold[d.ratee] == f
        y[sel] += sev[d.rater[sel]]
    return y


def role_means(
    ratings: pd.DataFrame, periode: str | None = None, effects: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-ratee mean rating of each rater role (self excluded) and the number of raters.

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table.
    periode : str, optional
        As in :func:`rater_effects` (default: latest period).
    effects : RaterEffects, "silang" or None
        ``None``: raw ratings. ``"silang"``: cross-fitted severity-corrected ratings
        (:func:`crossfit_ratings`, 5 folds, seed 0). A :class:`RaterEffects`: every rating is
        corrected with that fit's severity (``nilai + keparahan``; in-sample).

    Returns
    -------
    means, k : DataFrame
        Index ``nip``, one column per role (``diri`` excluded); ``means`` holds the mean of the
        per-rater means (each rater counts once), ``k`` the number of raters.
    """
    d = rating_data(ratings, periode)
    y = d.y
    if isinstance(effects, str):
        if effects != "silang":
            raise ParameterError("`effects` teks hanya boleh 'silang' (koreksi lintas-lipatan).")
        y = crossfit_ratings(ratings, periode)
    elif effects is not None:
        sev = effects.raters["keparahan"].reindex(d.rater_ids.astype(str)).fillna(0.0).to_numpy()
        y = y + sev[d.rater]
    na, nb, ng, _, npairs = d.sizes
    pair_mean = np.bincount(d.pair, weights=y, minlength=npairs) / d.pair_n
    cell = d.pair_ratee * ng + d.pair_role
    s = np.bincount(cell, weights=pair_mean, minlength=na * ng).reshape(na, ng)
    k = np.bincount(cell, minlength=na * ng).reshape(na, ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(k > 0, s / np.maximum(k, 1), np.nan)
    idx = pd.Index(d.ratee_ids.astype(str), name="nip")
    cols = pd.Index(d.role_ids.astype(str), name="peran_penilai")
    return pd.DataFrame(m, index=idx, columns=cols), pd.DataFrame(k, index=idx, columns=cols)


def weights_vector(weights: Any, roles: pd.Index, k: pd.DataFrame | None = None) -> np.ndarray:
    if isinstance(weights, pd.DataFrame) and "bobot" in weights.columns:
        w = weights["bobot"]
        if "peran_penilai" in weights.columns:
            w = weights.set_index("peran_penilai")["bobot"]
        weights = w.to_dict()
    if isinstance(weights, pd.Series):
        weights = weights.to_dict()
    if not isinstance(weights, Mapping):
        raise ParameterError(
            "Bobot harus berupa dict {peran_penilai: bobot}, Series, atau hasil source_weights()."
        )
    unknown = set(weights) - set(roles) - {"diri"}
    bad = [r for r in unknown if r not in ("atasan", "rekan", "bawahan", "pengguna_layanan")]
    if bad:
        raise ParameterError(f"Peran penilai tidak dikenal dalam bobot: {sorted(bad)}.")
    w = np.array([float(weights.get(r, 0.0)) for r in roles])
    if np.any(w < 0) or not np.isfinite(w).all():
        raise ParameterError("Bobot peran penilai harus angka ≥ 0.")
    if w.sum() <= 0:
        raise ParameterError("Jumlah bobot peran penilai harus lebih dari 0.")
    return w / w.sum()


def composite_scores(
    ratings: pd.DataFrame,
    weights: Any = "gabungan",
    periode: str | None = None,
    effects: Any = None,
) -> pd.Series:
    """360 composite per ratee under source weights (self excluded).

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table.
    weights : dict, Series, DataFrame or "gabungan"
        ``{peran_penilai: bobot}``; renormalised over the roles a ratee actually has (a staff
        member with no bawahan gets the other roles' weights scaled up). ``"gabungan"``: the
        plain mean of all non-self ratings (each role weighs by its headcount).
    periode : str, optional
        Period (default latest).
    effects : RaterEffects, optional
        Correct each rating for its rater's severity first.

    Returns
    -------
    Series
        Index ``nip``, name ``skor_komposit``.
    """
    if isinstance(weights, str):
        if weights != "gabungan":
            raise ParameterError("`weights` teks hanya boleh 'gabungan'.")
        d = rating_data(ratings, periode)
        y = d.y
        if effects is not None:
            sev = effects.raters["keparahan"].reindex(d.rater_ids.astype(str)).fillna(0.0)
            y = y + sev.to_numpy()[d.rater]
        na = len(d.ratee_ids)
        val = np.bincount(d.ratee, weights=y, minlength=na) / np.bincount(d.ratee, minlength=na)
        return pd.Series(
            val, index=pd.Index(d.ratee_ids.astype(str), name="nip"), name="skor_komposit"
        )
    m, _ = role_means(ratings, periode, effects)
    w = weights_vector(weights, m.columns)
    return pd.Series(composite(m.to_numpy(), w), index=m.index, name="skor_komposit")


@dataclass
class RoleComposite:
    """The role means of a 360 table, ready to be re-weighted many times (workshop sliders).

    Built once by :func:`role_composite`; each :meth:`score` / :meth:`reliability` call is
    then a few array operations.

    Attributes
    ----------
    means : DataFrame
        Index ``nip``, one column per role (as :func:`role_means`).
    cov : ndarray
        Covariance of the role means (pairwise over the pegawai having both roles).
    loadings : ndarray
        One-factor loadings of the roles (principal-axis factoring of ``cov``).
    """

    means: pd.DataFrame
    cov: np.ndarray
    loadings: np.ndarray
    moments: tuple = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not self.moments:
            self.moments = pattern_moments(self.means.to_numpy())

    @property
    def roles(self) -> list[str]:
        """The roles, in the order of the weight vectors."""
        return list(self.means.columns)

    def score(self, weights: np.ndarray) -> pd.Series:
        """Composite per ``nip``: weighted mean over the roles present (renormalised per row)."""
        values = composite(self.means.to_numpy(), np.asarray(weights, dtype=float))
        return pd.Series(values, index=self.means.index, name="skor_komposit")

    def reliability(self, weights: np.ndarray) -> float:
        """Reliability of the composite as the pegawai get it (see :func:`source_weights`)."""
        return reliability_as_used(np.asarray(weights, dtype=float), self.loadings, self.moments)


def role_composite(
    ratings: pd.DataFrame, periode: str | None = None, effects: Any = None
) -> RoleComposite | DataKurang:
    """The role means with their covariance and loadings, for weights chosen live.

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table.
    periode : str, optional
        Period (default the latest; ``"semua"`` pools every period).
    effects : RaterEffects, optional
        Correct each rating for its rater's severity first.

    Returns
    -------
    RoleComposite or DataKurang
        :class:`~kinerja_calib._display.DataKurang` when the table has no rating other than
        self-ratings.
    """
    if tanpa_penilai_lain(ratings, periode):
        return DataKurang(KURANG_PENILAI)
    m, _ = role_means(ratings, periode, effects)
    cov = pairwise_cov(m.to_numpy())
    return RoleComposite(m, cov, loadings(cov))


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        return np.nan
    xs, ys = x[ok] - x[ok].mean(), y[ok] - y[ok].mean()
    den = np.sqrt((xs**2).sum() * (ys**2).sum())
    return float((xs * ys).sum() / den) if den > 0 else np.nan


def _bounds(bounds: Mapping | None, roles: pd.Index) -> list[tuple[float, float]]:
    bounds = dict(bounds or {})
    unknown = set(bounds) - set(roles)
    if unknown:
        raise ParameterError(
            f"Batas bobot untuk peran yang tidak ada di data: {sorted(unknown)}. Peran yang ada: "
            f"{list(roles)}."
        )
    out = []
    for r in roles:
        lo, hi = bounds.get(r, (0.0, 1.0))
        if not 0 <= lo <= hi <= 1:
            raise ParameterError(
                f"Batas bobot '{r}' harus 0 ≤ bawah ≤ atas ≤ 1 (sekarang {lo}, {hi})."
            )
        out.append((float(lo), float(hi)))
    if sum(b[0] for b in out) > 1 + 1e-12 or sum(b[1] for b in out) < 1 - 1e-12:
        raise ParameterError(
            "Batas bobot tidak dapat dipenuhi: jumlah batas bawah harus ≤ 1 dan jumlah batas atas "
            "≥ 1."
        )
    return out


def _optimise(objective, bnds: list[tuple[float, float]], start=None) -> np.ndarray:
    from scipy.optimize import minimize  # here, not at module level: ~0.25 s to import

    G = len(bnds)
    lo = np.array([b[0] for b in bnds])
    hi = np.array([b[1] for b in bnds])
    if start is not None:
        starts = [np.asarray(start, dtype=float)]
    else:
        starts = [np.full(G, 1.0 / G)]
        starts += [np.eye(G)[g] * 0.5 + 0.5 / G for g in range(G)]
    best, best_val = None, np.inf
    for x0 in starts:
        x0 = np.clip(x0, lo, hi)
        x0 = x0 + (1 - x0.sum()) * (hi - x0) / max((hi - x0).sum(), 1e-12) if x0.sum() < 1 else x0
        x0 = np.clip(x0 - (x0.sum() - 1) * (x0 - lo) / max((x0 - lo).sum(), 1e-12), lo, hi)
        res = minimize(
            objective,
            x0,
            method="SLSQP",
            bounds=bnds,
            constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0}],
            options={"ftol": 1e-10, "maxiter": 200},
        )
        if res.fun < best_val and abs(res.x.sum() - 1) < 1e-6:
            best, best_val = res.x, res.fun
    if best is None:  # pragma: no cover - SLSQP failure on all starts
        best = np.full(G, 1.0 / G)
    return np.clip(best, lo, hi) / np.clip(best, lo, hi).sum()


def _solve_weights(m, crit, criterion, bnds, start=None) -> tuple[np.ndarray, float]:
    if criterion == "reliabilitas":
        lam = loadings(pairwise_cov(m))
        mom = pattern_moments(m)
        w = _optimise(lambda w: -np.nan_to_num(reliability_as_used(w, lam, mom)), bnds, start)
        return w, reliability_as_used(w, lam, mom)
    w = _optimise(lambda w: -np.nan_to_num(_corr(composite(m, w), crit), nan=-1.0), bnds, start)
    return w, _corr(composite(m, w), crit)


def source_weights(
    ratings: pd.DataFrame,
    criterion: Literal["reliabilitas", "kriteria", "kebenaran"] = "reliabilitas",
    bounds: Mapping[str, tuple[float, float]] | None = None,
    criterion_values: pd.Series | None = None,
    n_boot: int = 200,
    seed: SeedLike = None,
    periode: str | None = None,
    effects: Any = None,
    ci: float = 0.95,
) -> pd.DataFrame | DataKurang:
    """Weights per rater role (``peran_penilai``) chosen from evidence, with bootstrap intervals.

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table (self ratings are never weighted).
    criterion : {"reliabilitas", "kriteria", "kebenaran"}
        ``"reliabilitas"``: maximise the reliability of the weighted composite from the data's
        own variance components. ``"kriteria"``: maximise the correlation of the composite with
        an external criterion (e.g. each pegawai's hasil kerja capaian) given in
        ``criterion_values``. ``"kebenaran"``: the same with known truth (``sim.truth``,
        simulated data only).
    bounds : dict, optional
        Policy bounds ``{peran: (bawah, atas)}``, e.g. ``{"atasan": (0.4, 1.0)}``; other roles
        get ``(0, 1)``.
    criterion_values : Series, optional
        Index ``nip``; required for ``"kriteria"`` and ``"kebenaran"``.
    n_boot : int
        Bootstrap resamples of pegawai for the intervals (0 = none).
    seed : int, Generator or None
        Seed of the bootstrap.
    periode : str, optional
        Period (default latest).
    effects : {None, "silang"}
        Which ratings the role means are built from. ``None`` (default): the raw ratings —
        their reliability is what it claims on the simulator (see Notes). ``"silang"``: ratings
        corrected for rater severity by cross-fitting (:func:`crossfit_ratings`: 5 folds over
        pegawai, each corrected with severities estimated without that fold), the choice when
        the composite will be computed from calibrated ratings. A :class:`RaterEffects` fitted
        on the same ratings is refused: a rater of one person then echoes the model's estimate
        of that person, and the between-role covariances — hence the weights and the claimed
        reliability — are inflated (issue 16: bawahan 0.74, reliability 0.98 against an actual
        r² of 0.87).
    ci : float
        Interval coverage.

    Returns
    -------
    DataFrame
        One row per role: ``peran_penilai``, ``bobot`` (sums to 1), ``ci_low``, ``ci_high``,
        ``batas_bawah``, ``batas_atas``, ``k_rerata`` (mean raters per pegawai having the role),
        ``muatan`` (one-factor loading: how much of the common performance signal the role's
        mean carries). ``attrs["nilai_kriteria"]`` holds the reliability or correlation
        reached, ``attrs["kriteria"]`` the criterion.

    Notes
    -----
    **Reliability.** Each role's per-pegawai mean is modelled as ``M_g = λ_g T + e_g`` (one
    common factor ``T``: the performance every source sees; ``e_g`` = that source's rater error
    averaged over its ``k`` raters plus what only that source sees). The loadings ``λ`` come from
    the covariances *between* roles (different raters, so errors are independent), the
    variances from each role's own spread. Composites renormalise the weights over the roles a
    pegawai actually has (most have an atasan and rekan only), so the reliability maximised
    (SLSQP, ``scipy.optimize``) is that of the composite *as each pegawai gets it*:
    ``E[a_i]² / var(C)`` with ``a_i = Σ w_g λ_g / Σ w_g`` over the roles present and
    ``var(C)`` the composite's observed variance (:func:`_onefactor.reliability_as_used`) —
    not the reliability of a full four-role composite few pegawai have. Weights grow with the
    number of raters ``k`` of a source (Spearman–Brown) — the reason a fixed 60/40 rule can be
    far from the data's optimum (docs/praktik.md §A2).

    **How well the claim holds** (``benchmarks/bench_diagnostik.py``, 3,000 pegawai, seeds
    1–3): with no regional reading of the scale (``sd_wilayah = 0``) the claimed reliability
    of raw ratings is within −0.02…+0.07 of the actual r² of the composite with the true score;
    ``"silang"`` overstates it by 0.02–0.10 (severities estimated from a unit's other pegawai
    carry a shared error into all raters of a pegawai) while its composite reaches a higher r²
    (0.65–0.66 against 0.58–0.59 raw); an in-sample :class:`RaterEffects` overstates it by
    0.11–0.17. Anything every source of a pegawai shares counts as signal: with the
    simulator's default regional shifts (``sd_wilayah = 0.2``) the claim exceeds the r² with the
    true score by 0.13–0.20 — no weighting can tell a region's strict reading of the scale from
    its pegawai's performance.

    Bootstrap intervals are percentile intervals over resampled pegawai (the rater structure
    within a pegawai is kept; with ``"silang"`` the cross-fitted correction is not redone per
    resample).

    References
    ----------
    .. [1] Conway, J. M., & Huffcutt, A. I. (1997). Psychometric properties of multisource
       performance ratings. *Human Performance*, 10(4), 331–360.
    .. [2] Raykov, T. (2004). Estimation of maximal reliability. *Structural Equation Modeling*,
       11(1), 71–83.
    .. [3] Chernozhukov, V., et al. (2018). Double/debiased machine learning for treatment and
       structural parameters. *The Econometrics Journal*, 21(1), C1–C68 (cross-fitting).
    """
    if tanpa_penilai_lain(ratings, periode):
        return DataKurang(KURANG_PENILAI)
    if criterion not in ("reliabilitas", "kriteria", "kebenaran"):
        raise ParameterError("`criterion` harus 'reliabilitas', 'kriteria' atau 'kebenaran'.")
    if effects is not None and not (isinstance(effects, str) and effects == "silang"):
        raise ParameterError(
            "`effects` untuk bobot sumber hanya boleh None (nilai mentah) atau 'silang' (nilai "
            "dikoreksi lintas-lipatan). Efek penilai yang diestimasi dari data yang sama membuat "
            "bobot melingkar: penilai yang hanya menilai satu orang menggemakan skor model, "
            "sehingga bobot dan reliabilitasnya terlalu tinggi."
        )
    mdf, kdf = role_means(ratings, periode, effects)
    roles = mdf.columns
    bnds = _bounds(bounds, roles)
    m = mdf.to_numpy()
    crit = None
    if criterion != "reliabilitas":
        if criterion_values is None:
            raise ParameterError(
                f"Kriteria '{criterion}' membutuhkan `criterion_values`: Series ber-index nip "
                "(mis. capaian hasil kerja, atau sim.truth['skor_sebenarnya'])."
            )
        cv = pd.Series(criterion_values)
        cv.index = cv.index.astype(str)
        crit = pd.to_numeric(cv, errors="coerce").reindex(mdf.index).to_numpy(dtype=float)
        if np.isfinite(crit).sum() < 10:
            raise ParameterError(
                "Nilai kriteria cocok dengan kurang dari 10 pegawai yang dinilai; periksa index nip."
            )
    w, value = _solve_weights(m, crit, criterion, bnds)
    boots = np.full((max(n_boot, 0), len(roles)), np.nan)
    if n_boot > 0:
        rng = as_rng(seed)
        n = len(m)
        for b in range(n_boot):  # resamples, not employees: each draw re-solves a 4-variable QP
            idx = rng.integers(0, n, n)
            crit_b = None if crit is None else crit[idx]
            boots[b] = _solve_weights(m[idx], crit_b, criterion, bnds, start=w)[0]
    alpha = (1 - ci) / 2
    lo = np.nanquantile(boots, alpha, axis=0) if n_boot > 0 else np.full(len(roles), np.nan)
    hi = np.nanquantile(boots, 1 - alpha, axis=0) if n_boot > 0 else np.full(len(roles), np.nan)
    kk = kdf.to_numpy().astype(float)
    k_mean = np.where((kk > 0).sum(0) > 0, kk.sum(0) / np.maximum((kk > 0).sum(0), 1), np.nan)
    S = pairwise_cov(m)
    out = pd.DataFrame(
        {
            "peran_penilai": list(roles),
            "bobot": w,
            "ci_low": lo,
            "ci_high": hi,
            "batas_bawah": [b[0] for b in bnds],
            "batas_atas": [b[1] for b in bnds],
            "k_rerata": k_mean,
            "muatan": loadings(S),
        }
    )
    out.attrs["kriteria"] = criterion
    out.attrs["nilai_kriteria"] = float(value)
    return out


def role_reliability_curve(
    ratings: pd.DataFrame, k_max: int = 10, periode: str | None = None, effects: Any = None
) -> pd.DataFrame | DataKurang:
    """Reliability of the mean of ``k`` raters of each role (Spearman–Brown from the data).

    Not :func:`kinerja_calib.agreement.reliability_curve`, which bootstraps the mean of ``k``
    raters of one wide ratee × rater table.

    The single-rater reliability of role ``g`` is ``λ_g² / (λ_g² + k̄_g·(S_gg − λ_g²))``
    (the error variance of a role mean scaled back to one rater); the curve is
    ``k ρ / (1 + (k − 1) ρ)``.

    Returns
    -------
    DataFrame
        Columns ``peran_penilai``, ``k``, ``reliabilitas`` (tidy, one row per role and k), and
        ``k_data`` (the mean number of raters the role has in the data).
    """
    if tanpa_penilai_lain(ratings, periode):
        return DataKurang(KURANG_PENILAI)
    mdf, kdf = role_means(ratings, periode, effects)
    m = mdf.to_numpy()
    S = pairwise_cov(m)
    lam = loadings(S)
    kk = kdf.to_numpy().astype(float)
    kbar = kk.sum(0) / np.maximum((kk > 0).sum(0), 1)
    err1 = np.maximum(np.diag(np.nan_to_num(S)) - lam**2, 1e-12) * kbar
    rho1 = lam**2 / (lam**2 + err1)
    ks = np.arange(1, k_max + 1)
    rel = ks[None, :] * rho1[:, None] / (1 + (ks[None, :] - 1) * rho1[:, None])
    return pd.DataFrame(
        {
            "peran_penilai": np.repeat(list(mdf.columns), len(ks)),
            "k": np.tile(ks, len(mdf.columns)),
            "reliabilitas": rel.ravel(),
            "k_data": np.repeat(kbar, len(ks)),
        }
    )
