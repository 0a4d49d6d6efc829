"""The distribution-faithful score: Shen & Louis's triple-goal estimates of the ratee scores.

:func:`~kinerja_calib.calibrate.rater_effects` returns two scores with two purposes:

- ``skor_terkalibrasi`` — the posterior mean (BLUP, Kelley's regressed true score). It is the
  best guess of each pegawai's own score (smallest squared error) and orders pegawai best, so it
  serves **ranking** and the **kurva proposal** (who moves first). But the posterior means of
  an ensemble are *under-dispersed*: their variance is the prior variance minus the average
  posterior variance (Louis 1984), so fixed bands (rating perilaku thresholds 3 / 4, predikat
  shares) put too few pegawai in the tails. Measured on the simulator's default scenario: spread
  0.66–0.83 of the truth's (seeds 1–5); nationally (60,000 pegawai) Sangat Baik 2.4 % against
  a true 5.8 % (3.6 % with ``skor_distribusi``), Baik 84.7 % against 79.5 % (80.9 %).
- ``skor_distribusi`` — the triple-goal ("GR") estimate of Shen & Louis (1998): the same ranks
  as ``skor_terkalibrasi``, but the values are the quantiles of the estimated distribution of
  the true scores,

  .. math:: \\bar G(t) = \\frac1K \\sum_k P(\\theta_k \\le t \\mid Y)
            = \\frac1K \\sum_k \\Phi\\big((t - \\hat\\theta_k) / \\mathrm{se}_k\\big),

  the average posterior distribution, whose variance is ``var(θ̂) + mean(se²)`` (the prior's,
  not the shrunk one's). Pegawai ``k`` with rank ``R_k`` gets ``Ḡ⁻¹((R_k − ½) / K)``. Its
  histogram estimates the histogram of the true scores, so it serves the **bands and predikat
  shares** (how many pegawai are above / below expectation). It is not a better estimate of
  any one pegawai's score than the posterior mean: use it for counts, not for individual
  decisions near a threshold.

Constrained Bayes (Louis 1984; Ghosh 1992) matches the first two moments only, by stretching
the posterior means around their mean; the triple-goal estimate matches the whole distribution
(also its skew near the scale's ends), at the same ranks. A one-off comparison on seeds 1–3
of the simulator's default found them within 0.5 pp on every predikat share.

**A second, steadier estimate of the spread.** Ḡ's variance, ``var(θ̂) + mean(se²)``, is one
EM step from the moment estimate of σ²_pegawai (``_varcomp``), which varies a lot between
seeds (0.06–0.24 at 3,000 pegawai, seeds 1–10 of the simulator's default), so a low moment
estimate squeezes Ḡ too. :func:`~kinerja_calib.calibrate.rater_effects` therefore also fits
the ratees *unshrunk* (rater shrinkage kept) and passes ``var(â) − mean(se²)`` of that fit
(0.11–0.17 on the same seeds, against 0.12–0.14 for the ratee variance on the average rater's
scale); when it exceeds Ḡ's variance the triple-goal values are stretched linearly around
their mean to it (constrained-Bayes style, Louis 1984), at the same ranks. They are never
squeezed: taking it as the target on every seed (also squeezing) lowered the spread of the
seeds where the moment estimate was high and worsened their largest predikat share error
(seeds 2 / 4 / 8 of a probe: 2.1 → 3.5, 1.8 → 3.7, 3.1 → 5.6 pp), because on the simulator the
additive model's variance is *below* the truth's anyway (next paragraph), so the larger of the
two estimates is the closer one. Measured (``bench_varcomp.py --dua-skor``): seeds 9 / 10
spread 0.680 / 0.742 → 0.829 / 0.830 of the truth's, largest predikat share error 8.8 / 7.7 →
4.7 / 5.2 pp; seeds 1–8 unchanged (within 0.002).

**Limits.** Ḡ is the distribution of the ratee effects on the *average rater's* scale. On the
simulator that scale is 0.82–0.87 of the unbiased panel's (raters' central tendency and halo
flatten the expected rating; the additive model cannot see it — rater slopes can, in part:
``kemiringan=True`` added 0.01–0.03 of spread on a probe), so an *accurate* ratee variance
gives a spread of only ≈ 0.85 of the truth's and Baik ≈ +3.5 pp. The spread reached is
0.815–0.942 of the truth's (seeds 1–10, REML components; ``benchmarks/HASIL.md``, 2026-12-06)
and the largest predikat share error 1.6–5.9 pp: far better than the shrunk score (0.68–0.81,
5.2–10.1 pp), but the 0.90–1.10 / 2 pp goal of issue 16 holds only on seed 6. (With the
former pairwise moment weights it held on seeds 3, 4 and 6, where σ²_pegawai happened to be
over-estimated by about the scale's shortfall.) The level also sits 0.03–0.05 above the
truth's (the raters' average leniency, not identifiable from the ratings), which adds to Baik
and takes from Kurang.

**Diagnosis** (``bench_varcomp.py --dua-skor-saja``, simulator default, 3,000 pegawai,
seeds 1–10, with oracles from the simulator's hidden truth). Every miss of the goal is Baik too
high and Kurang too low, i.e. the spread. Stretched to the truth's variance, all 10 seeds meet
it (largest error 0.7–1.4 pp; the rest is ranking error); with the truth's mean only, 5/10 (the
level is 0.03–0.05 above the truth's). Stretched to the *exact* ratee variance on the average
rater's scale (slope of the raw mean on the truth, 0.83–0.87, squared, times the truth's
variance), 0/10 (spread 0.83–0.87, 3.1–5.1 pp). That scale cannot be estimated: scaling every
rater's compression by ``k`` and the ratee, halo and noise deviations by ``1/k`` leaves every
rating unchanged. The seed-to-seed spread of the default follows the variance estimates (Ḡ's
variance 0.08–0.19, ``sigma2_pegawai_lepas`` 0.115–0.168, against 0.12–0.14 on the raters'
scale), not the scale: ``sigma2_pegawai_lepas`` overshoots exactly where the two instansi of
the simulation (separate components of the rater network, each with its own regional reading)
end up apart — a component's mean is confounded with its raters' leniency, so that offset is
not ratee variance. Taken within components (:func:`varians_dalam_komponen`, on a
ratee-unshrunk fit with its own rater weights) the estimate is 0.117–0.128, within 0.018 of
the raters'-scale oracle on every seed.

**A stated scale** (``skala_penilai``, opt-in, no default): the ratio of the average rater's
scale use to the reference panel's, an input about the rating culture (e.g. an anchor study).
``rater_effects(..., skala_penilai=s)`` sets ``skor_distribusi``'s variance to the
within-component estimate ``/ s²`` (stretched or squeezed). Seeds 1–10: ``s = 0.85`` meets the
goal on 10/10 (spread 0.962–0.995, 1.0–1.8 pp), 0.80 on 10/10, 0.90 on 1/10, 1.00 on 0/10;
correlation with the truth unchanged (same ranks).

The posterior means are ranked directly (Shen & Louis rank the posterior expected ranks,
which differ only when the posterior variances differ a lot between neighbours); ties keep
equal values.

References
----------
.. [1] Louis, T. A. (1984). Estimating a population of parameter values using Bayes and
   empirical Bayes methods. *JASA*, 79(386), 393–398.
.. [2] Shen, W., & Louis, T. A. (1998). Triple-goal estimates in two-stage hierarchical
   models. *JRSS B*, 60(2), 455–471.
.. [3] Ghosh, M. (1992). Constrained Bayes estimation with applications. *JASA*, 87(418),
   533–540.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ..errors import ParameterError

__all__ = [
    "cek_skala",
    "distribusi_prior",
    "skor_distribusi",
    "skor_distribusi_skala",
    "varians_dalam_komponen",
]

_GRID = 513  # points of the grid on which Ḡ is evaluated and inverted (linear between)
_CHUNK = 1 << 22  # grid × units evaluated at once (memory bound: 32 MB of float64)
_KELOMPOK_SE = 32  # se groups of equal log-width for the convolution


def _konvolusi(score: np.ndarray, se: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Ḡ on a uniform grid by convolution: the scores spread onto the grid (linear
    "cloud-in-cell" weights), one normal-CDF kernel per group of similar se (32 groups of
    equal log-width, the group's geometric-mean se). Cost O(32 · grid²), whatever the
    number of pegawai; differs from the exact mixture by < 1e-3 (tests/test_dua_skor.py)."""
    m = len(grid)
    h = (grid[-1] - grid[0]) / (m - 1)
    u = np.clip((score - grid[0]) / h, 0.0, m - 1 - 1e-9)
    i0 = u.astype(np.int64)
    f = u - i0
    lse = np.log(se)
    lo, hi = float(lse.min()), float(lse.max())
    n_g = _KELOMPOK_SE if hi - lo > 1e-6 else 1
    grp = np.minimum(((lse - lo) / max(hi - lo, 1e-12) * n_g).astype(np.int64), n_g - 1)
    key = grp * (m + 1) + i0
    hist = np.bincount(key, weights=1.0 - f, minlength=n_g * (m + 1))
    hist += np.bincount(key + 1, weights=f, minlength=n_g * (m + 1))
    hist = hist.reshape(n_g, m + 1)[:, :m]
    cnt = np.bincount(grp, minlength=n_g)
    se_g = np.exp(np.bincount(grp, weights=lse, minlength=n_g) / np.maximum(cnt, 1))
    d = np.arange(-(m - 1), m) * h
    G = np.zeros(m)
    for g in np.flatnonzero(cnt):  # ≤ 32 se groups, not a loop over pegawai
        G += np.convolve(hist[g], ndtr(d / se_g[g]))[m - 1 : 2 * m - 1]
    return G / len(score)


def distribusi_prior(score, se, grid: np.ndarray | None = None):
    """The estimated distribution of the true scores, ``Ḡ(t) = mean_k Φ((t − θ̂_k) / se_k)``.

    Parameters
    ----------
    score, se : array
        Posterior means and posterior standard deviations (finite; se > 0).
    grid : array, optional
        Where to evaluate Ḡ exactly (every unit's normal CDF at every point). Default: a
        uniform grid of 513 points covering every unit's ±8 se, on which Ḡ is computed by
        convolution (:func:`_konvolusi`).

    Returns
    -------
    (grid, G) : tuple of arrays
        ``G`` is non-decreasing, from ≈0 to ≈1.
    """
    score = np.asarray(score, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    if grid is None:
        grid = np.linspace(float(np.min(score - 8 * se)), float(np.max(score + 8 * se)), _GRID)
        return grid, _konvolusi(score, se, grid)
    G = np.zeros(len(grid))
    step = max(1, _CHUNK // len(grid))
    for a in range(0, len(score), step):  # a few chunks of units, not a loop over pegawai
        z = (grid[:, None] - score[None, a : a + step]) / se[None, a : a + step]
        G += ndtr(z).sum(axis=1)
    return grid, G / len(score)


def skor_distribusi(
    score, se, varians: float | None = None, skala_penilai: float | None = None
) -> np.ndarray:
    """Triple-goal (Shen & Louis 1998) scores: the ranks of ``score``, the distribution Ḡ.

    Parameters
    ----------
    score : array
        Posterior means (``skor_terkalibrasi``); NaN allowed (kept NaN).
    se : array
        Their posterior standard deviations (``se``); a unit with NaN or non-positive se
        keeps its posterior mean as a point mass.
    varians : float, optional
        A second estimate of the ratee variance (``rater_effects`` passes the variance of the
        ratee-unshrunk effects minus their mean se², ``info["sigma2_pegawai_lepas"]``). When it
        exceeds Ḡ's variance, the values are stretched linearly around their mean to it (never
        squeezed; see the module's **Limits**). Same ranks either way.
    skala_penilai : float, optional
        An *assumption about the rating culture*, not estimated: the ratio of the average
        rater's use of the scale to the reference panel's (1 = the raters use the scale as
        the reference does; 0.85 = they compress it to 85 %). The ratings cannot carry it
        (module **Diagnosis**); it has to come from outside, e.g. an anchor study in which
        trained raters and the usual raters rate the same pegawai. When given, Ḡ's values
        are stretched *or squeezed* around their mean to the variance
        ``varians / skala_penilai²`` (``varians`` falling back to Ḡ's own variance when
        missing, not finite or not positive): ``varians`` is then taken as the estimate of
        the ratee variance on the raters' scale, not as a floor. ``None`` (default): no
        assumption, the floor rule above.

    Returns
    -------
    ndarray
        ``Ḡ⁻¹((R_k − ½) / K)`` for the unit of rank ``R_k`` among the ``K`` finite scores
        (average ranks for ties): the same order as ``score``; mean and variance those of Ḡ,
        ``mean(score)`` and ``var(score) + mean(se²)``.

    Examples
    --------
    >>> import numpy as np
    >>> pm = np.array([-1.0, 0.0, 1.0]); se = np.full(3, 0.5)
    >>> out = skor_distribusi(pm, se)
    >>> bool(np.all(np.diff(out) > 0)), bool(abs(out[1]) < 1e-9), bool(out[2] > 1.0)
    (True, True, True)
    >>> wide = skor_distribusi(pm, se, varians=0.25, skala_penilai=0.5)  # target 0.25 / 0.5²
    >>> round(float(np.var(wide)), 6)
    1.0
    """
    cek_skala(skala_penilai)
    score = np.asarray(score, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    out = np.full(len(score), np.nan)
    ok = np.isfinite(score)
    if not ok.any():
        return out
    s = score[ok]
    e = np.where(np.isfinite(se[ok]) & (se[ok] > 0), se[ok], 0.0)
    spread = float(np.std(s)) or 1.0
    e = np.maximum(e, 1e-9 * spread)  # a point mass as a very narrow normal
    grid, G = distribusi_prior(s, e)
    p = (pd.Series(s).rank(method="average").to_numpy() - 0.5) / len(s)
    # the generalised inverse inf{t: Ḡ(t) ≥ p}, interpolated within its grid step (where Ḡ is
    # flat between point masses this picks the next mass, not the midpoint)
    i = np.clip(np.searchsorted(G, p, side="left"), 1, len(G) - 1)
    g0, g1 = G[i - 1], G[i]
    frac = np.clip(np.divide(p - g0, g1 - g0, out=np.ones_like(p), where=g1 > g0), 0.0, 1.0)
    v = grid[i - 1] + frac * (grid[i] - grid[i - 1])
    var_v = float(np.var(v))
    has_var = varians is not None and bool(np.isfinite(varians)) and varians > 0
    if skala_penilai is not None and var_v > 0:  # an estimate: stretched or squeezed
        target = (float(varians) if has_var else var_v) / float(skala_penilai) ** 2
        v = v.mean() + (v - v.mean()) * np.sqrt(target / var_v)
    elif has_var and varians > var_v > 0:  # no assumption: a floor (never squeezed)
        v = v.mean() + (v - v.mean()) * np.sqrt(varians / var_v)
    out[ok] = v
    return out


def cek_skala(skala_penilai) -> None:
    if skala_penilai is None:
        return
    if isinstance(skala_penilai, bool) or not isinstance(
        skala_penilai, (int, float, np.integer, np.floating)
    ):
        raise ParameterError("`skala_penilai` harus angka (misalnya 0,85) atau None.")
    if not (np.isfinite(skala_penilai) and 0.2 <= float(skala_penilai) <= 5.0):
        raise ParameterError(
            "`skala_penilai` harus di antara 0,2 dan 5 (rasio pemakaian skala oleh penilai "
            "terhadap panel acuan; 1 = sama)."
        )


def skor_distribusi_skala(fx, skala_penilai: float) -> pd.Series:
    """``skor_distribusi`` of a fitted :func:`~kinerja_calib.calibrate.rater_effects` result
    under a stated assumption ``skala_penilai`` about the raters' use of the scale.

    The fit is not repeated: the posterior means, their se and
    ``info["sigma2_pegawai_lepas"]`` of ``fx`` go to :func:`skor_distribusi` with
    ``skala_penilai`` (see there and the module's **Diagnosis**). Same ranks as
    ``skor_terkalibrasi``; use it, like ``skor_distribusi``, for counts (bands, predikat
    shares), not for decisions about one pegawai.

    Parameters
    ----------
    fx : RaterEffects
        A fit with ``skor_terkalibrasi`` and ``se`` in ``fx.ratees``.
    skala_penilai : float
        Ratio of the average rater's scale use to the reference panel's (0.2–5; 1 = the
        same). An input about the rating culture, not estimable from the ratings.

    Returns
    -------
    pandas.Series
        Named ``skor_distribusi``, indexed like ``fx.ratees``.
    """
    cek_skala(skala_penilai)
    if skala_penilai is None:
        raise ParameterError("`skala_penilai` wajib diisi (misalnya 0,85).")
    r = fx.ratees
    varians = fx.info.get("sigma2_pegawai_lepas_dalam", np.nan)
    if varians is None or not np.isfinite(varians):
        raise ParameterError(
            "Hasil ini dibuat tanpa `skala_penilai`; jalankan rater_effects(..., "
            "skala_penilai=...) sekali, lalu nilai lain dapat dicoba dengan fungsi ini."
        )
    v = skor_distribusi(
        r["skor_terkalibrasi"].to_numpy(), r["se"].to_numpy(), varians, skala_penilai
    )
    return pd.Series(v, index=r.index, name="skor_distribusi")


def varians_dalam_komponen(a, se, komponen) -> float:
    """The ratee variance *within* connected components of the rater network, net of the
    estimation error: ``[Σ_c Σ_i (a_i − ā_c)² − Σ_i se_i² (1 − 1/n_c)] / (N − C)`` over the
    ``C`` components with at least two ratees (``N`` ratees in them).

    A component's mean is not identified (its ratees' average is confounded with its raters'
    average leniency), so the spread between component means is not ratee variance the
    ratings can vouch for; on the simulator (components = instansi, each with its own random
    regional reading of the scale) it added 0.000–0.051 to ``var(a) − mean(se²)``
    (module **Diagnosis**). ``a`` are ratee effects estimated *without* ratee shrinkage.

    Examples
    --------
    >>> a = np.array([0.0, 2.0, 10.0, 12.0]); k = np.array([0, 0, 1, 1])
    >>> varians_dalam_komponen(a, np.zeros(4), k)  # within: (1 + 1 + 1 + 1) / (4 − 2)
    2.0
    """
    a = np.asarray(a, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    k = np.asarray(komponen)
    ok = np.isfinite(a) & np.isfinite(se)
    a, se, k = a[ok], se[ok], k[ok]
    if len(a) == 0:
        return float("nan")
    codes, n_c = np.unique(k, return_inverse=True, return_counts=True)[1:]
    keep = n_c[codes] >= 2
    if not keep.any():
        return float("nan")
    a, se, codes = a[keep], se[keep], codes[keep]
    n = n_c[codes].astype(np.float64)
    mean_c = np.bincount(codes, weights=a, minlength=len(n_c)) / np.maximum(n_c, 1)
    ss = float(np.sum((a - mean_c[codes]) ** 2))
    err = float(np.sum(se**2 * (1.0 - 1.0 / n)))
    df = len(a) - len(np.unique(codes))
    return (ss - err) / df
