"""Options of the additive model (issue 16): a hierarchical rater prior and rater slopes.

Both refine the default fit of :func:`~kinerja_calib.calibrate.rater_effects`, whose role and
aspect effects and variance components they reuse. On the pair means ``z`` (role and aspect
effects removed, grand mean ``μ`` subtracted) the model is::

    z[i, j] = g[G(j)] + u[j] + s[j] · α[i] + e

- ``kelompok_penilai``: every rater ``j`` belongs to a group ``G(j)`` (unit, instansi, wilayah);
  the group leniency ``g`` is *unpenalised* and the rater's own deviation ``u`` is shrunk toward
  the group by ``λ_u = σ²_eff / σ²_u`` (σ²_u: the rater variance within groups). The ratee
  effects ``α`` are unpenalised in this stage — a ratee penalty would push real differences
  between weakly linked groups into ``g`` — and Kelley's ratee shrinkage
  (``shrinkage_pegawai``) is applied afterwards, with the rater effects held fixed. Without
  groups the ratees keep the default's penalty in the joint fit (else the raters' shrinkage
  toward 0 would move a leniency shared by a weakly linked region into the ratees).
- ``kemiringan``: every rater has a slope ``s`` (scale use: below 1 = central tendency), shrunk
  toward 1 by ``λ_s = σ²_eff / σ²_s`` (σ²_s by moments of the per-rater least-squares slopes);
  the slopes are scaled to a rating-weighted mean of 1, so ``α`` stays on the rating scale.
  The model is bilinear: alternating least squares (a sparse LSMR solve of the linear part,
  then the closed-form 2 × 2 ridge regression of every rater) until the slopes settle.

Pairs carry the default fit's weights (their number of ratings, times the rater-consistency
weight when ``bobot_penilai``); ``se`` is the default fit's. Rater effects are centred within each connected
component as in the default, so scores stay comparable with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import lsmr

from ..errors import ParameterError
from ._triple import skor_distribusi
from ._types import RaterEffects, RatingData

__all__ = ["KELOMPOK_KOLOM", "hierarchical"]

#: Typical rater groups (columns of ``pegawai``; ``wilayah`` joined from ``instansi``).
KELOMPOK_KOLOM = ("unit_kerja", "kode_instansi", "wilayah")
_LAIN = "(tanpa kelompok)"


def _group_codes(
    data: RatingData, kelompok: Any, pegawai: pd.DataFrame | None
) -> tuple[np.ndarray, pd.Index]:
    """Group code of every rater (raters without a group share one group ``_LAIN``)."""
    nb = len(data.rater_ids)
    if kelompok is None:
        return np.zeros(nb, np.int64), pd.Index(["semua"])
    if isinstance(kelompok, str):
        if pegawai is None or kelompok not in pegawai.columns:
            raise ParameterError(
                f"`kelompok_penilai='{kelompok}'` memerlukan tabel `pegawai` dengan kolom "
                f"'{kelompok}' (misalnya {', '.join(KELOMPOK_KOLOM)})."
            )
        peg = pegawai.set_index("nip") if "nip" in pegawai.columns else pegawai
        mapping = peg[kelompok]
        mapping.index = mapping.index.astype(str)
    elif isinstance(kelompok, pd.Series | Mapping):
        mapping = pd.Series(kelompok)
        mapping.index = mapping.index.astype(str)
    else:
        raise ParameterError(
            "`kelompok_penilai` harus nama kolom tabel pegawai atau Series nip_penilai → kelompok."
        )
    mapping = mapping[~mapping.index.duplicated()]
    g = mapping.reindex(data.rater_ids.astype(str)).astype(object)
    g = g.where(g.notna(), _LAIN).astype(str)
    codes, labels = pd.factorize(g.to_numpy(), sort=True)
    return codes.astype(np.int64), pd.Index(labels)


def _pair_means(data: RatingData, effects: RaterEffects) -> np.ndarray:
    """Pair means with the default fit's role and aspect effects removed."""
    npairs = len(data.pair_n)
    ef = effects.efek
    role = ef[ef["jenis"] == "peran_penilai"].set_index("tingkat")["efek"]
    asp = ef[ef["jenis"] == "aspek"].set_index("tingkat")["efek"]
    c = role.reindex(data.role_ids.astype(str)).fillna(0.0).to_numpy()
    d = asp.reindex(data.aspect_ids.astype(str)).fillna(0.0).to_numpy()
    d_pair = np.bincount(data.pair, weights=d[data.aspect], minlength=npairs) / data.pair_n
    return data.pair_ysum / data.pair_n - c[data.pair_role] - d_pair


def _solve_linear(data, z, n, s, gp, ng, lam_u, x0, lam_a=0.0):
    """Least squares for (α, g, u) with the slopes ``s`` held fixed; ridge √λ_u on ``u`` and,
    when ``lam_a > 0``, √λ_a on ``α`` (then the first group's effect is the free intercept)."""
    na, nb = len(data.ratee_ids), len(data.rater_ids)
    npairs = len(z)
    w = np.sqrt(n)
    rows = np.repeat(np.arange(npairs), 3)
    cols = np.stack([data.pair_ratee, na + gp, na + ng + data.pair_rater], 1).ravel()
    # with α unpenalised the first group is the reference (g = 0): α carries the level, so
    # nothing is left to the near null space (α + c, g − c·s) once the slopes differ
    g_val = w if lam_a > 0 else np.where(gp > 0, w, 0.0)
    vals = np.stack([w * s[data.pair_rater], g_val, w], 1).ravel()
    ncol = na + ng + nb
    ridge = [(na + ng, nb, lam_u)] + ([(0, na, lam_a)] if lam_a > 0 else [])
    rows = [rows] + [
        npairs + sum(r[1] for r in ridge[:i]) + np.arange(m) for i, (_, m, _) in enumerate(ridge)
    ]
    cols = [cols] + [c0 + np.arange(m) for c0, m, _ in ridge]
    vals = [vals] + [np.full(m, np.sqrt(lam)) for _, m, lam in ridge]
    rows, cols, vals = (np.concatenate(v) for v in (rows, cols, vals))
    n_pad = sum(m for _, m, _ in ridge)
    colsq = np.bincount(cols, weights=vals**2, minlength=ncol)
    scale = 1.0 / np.sqrt(np.where(colsq > 0, colsq, 1.0))
    A = sparse.csr_matrix((vals * scale[cols], (rows, cols)), shape=(npairs + n_pad, ncol))
    rhs = np.concatenate([w * z, np.zeros(n_pad)])
    start = None if x0 is None else x0 / scale
    sol = lsmr(A, rhs, atol=1e-10, btol=1e-10, maxiter=20 * ncol + 1000, x0=start)
    x = sol[0] * scale
    return x[:na], x[na : na + ng], x[na + ng :], x


def _slope_prior(data, r, n, alpha, nb, s2_eff) -> float:
    """λ_s = σ²_eff / σ²_s, σ²_s by moments of the per-rater least-squares slopes (raters of at
    least three ratees), DerSimonian & Laird's (1986) between-rater variance.

    Their sampling variance uses the pooled residual variance of those per-rater regressions,
    not σ²_eff: the fitted ``α`` has absorbed part of every pair's error (a ratee has few
    raters), so σ²_eff would overstate it and drive σ²_s to 0.
    """
    a = alpha[data.pair_ratee]
    pr = data.pair_rater
    sn = np.bincount(pr, weights=n, minlength=nb)
    ac = a - (np.bincount(pr, weights=n * a, minlength=nb) / np.maximum(sn, 1e-12))[pr]
    rc = r - (np.bincount(pr, weights=n * r, minlength=nb) / np.maximum(sn, 1e-12))[pr]
    saa = np.bincount(pr, weights=n * ac * ac, minlength=nb)
    sra = np.bincount(pr, weights=n * ac * rc, minlength=nb)
    m = np.bincount(pr, minlength=nb)
    ok = (m >= 3) & (saa > 1e-9)
    if ok.sum() < 10:
        return 1e6  # too few raters with a slope to speak of: keep them at 1
    slope = np.where(ok, sra / np.where(ok, saa, 1.0), 0.0)
    res = n * (rc - slope[pr] * ac) ** 2
    s2_res = float(res[ok[pr]].sum() / np.sum(m[ok] - 2))
    # DerSimonian–Laird: precision-weighted, so raters whose ratees barely differ (tiny Σα²)
    # do not swamp the moment with their sampling variance
    w = saa[ok]
    q = float(np.sum(w * (slope[ok] - np.average(slope[ok], weights=w)) ** 2))
    s2_s = (q - (ok.sum() - 1) * s2_res) / float(w.sum() - np.sum(w * w) / w.sum())
    return float(s2_eff / s2_s) if s2_s > 1e-6 else 1e6


def hierarchical(
    effects: RaterEffects,
    data: RatingData,
    kelompok: Any = None,
    kemiringan: bool = False,
    pegawai: pd.DataFrame | None = None,
    max_iter: int = 30,
) -> RaterEffects:
    """Refit the default's rater and ratee effects with a group prior and/or rater slopes.

    Parameters
    ----------
    effects : RaterEffects
        The default additive fit on ``data`` (its role/aspect effects, σ²_eff, σ²_penilai and
        λ_pegawai are reused).
    data : RatingData
        The encoded ratings the fit was made on.
    kelompok : str, Series or mapping, optional
        Rater group: a column of ``pegawai`` looked up by the rater's NIP (``"unit_kerja"``,
        ``"kode_instansi"``, or ``"wilayah"`` once joined from the ``instansi`` table) or a
        mapping ``nip_penilai → kelompok``. Raters without a group share one.
    kemiringan : bool
        Fit rater slopes shrunk toward 1.
    pegawai : DataFrame, optional
        Needed when ``kelompok`` is a column name.
    max_iter : int
        Alternations of the bilinear fit (with slopes).

    Returns
    -------
    RaterEffects
        A copy with ``skor_terkalibrasi``, ``koreksi`` and ``keparahan`` replaced, a
        ``kemiringan`` column in ``.raters`` (with slopes) and ``info`` keys
        ``kelompok_penilai`` (Series of group leniency, + = lenient, rating-weighted mean 0),
        ``shrinkage_kelompok`` (λ_u), ``shrinkage_kemiringan`` (λ_s).
    """
    na, nb = len(data.ratee_ids), len(data.rater_ids)
    gcode, glabels = _group_codes(data, kelompok, pegawai)
    ng = len(glabels)
    # the default fit's pair weights (ratings × rater consistency when bobot_penilai)
    rater_w = effects.info.get("bobot_relatif_penilai", np.ones(nb))
    n = data.pair_n * np.asarray(rater_w, dtype=np.float64)[data.pair_rater]
    z0 = _pair_means(data, effects)
    mu = float(np.average(z0, weights=n))
    z = z0 - mu
    gp = gcode[data.pair_rater]
    s2_eff = float(effects.info["sigma2_eff"])
    lam = float(effects.shrinkage)
    s2_b = s2_eff / lam if lam > 0 else np.inf
    s = np.ones(nb)
    lam_u = lam
    lam_a = float(effects.info.get("shrinkage_pegawai", 0.0))
    # with groups the ratees are free in this stage and shrunk afterwards (a ratee penalty would
    # push real differences between weakly linked groups into the group leniency); without, they
    # keep the default's penalty, else the raters' shrinkage toward 0 would move leniency shared
    # by a whole weakly linked region into the ratees
    lam_a1 = lam_a if kelompok is None else 0.0
    alpha, g, u, x = _solve_linear(data, z, n, s, gp, ng, lam_u, None, lam_a1)
    if ng > 1 and np.isfinite(s2_b):  # rater variance within groups: total minus between
        n_r = np.bincount(data.pair_rater, weights=n, minlength=nb)
        n_g = np.bincount(gcode, weights=n_r, minlength=ng)
        gm = g - np.average(g[gcode], weights=np.maximum(n_r, 1e-12))
        s2_g = float(np.average(gm[gcode] ** 2) - np.mean(s2_eff / np.maximum(n_g[gcode], 1)))
        s2_u = max(s2_b - max(s2_g, 0.0), 0.1 * s2_b)
        lam_u = s2_eff / s2_u
        alpha, g, u, x = _solve_linear(data, z, n, s, gp, ng, lam_u, x, lam_a1)
    lam_s = np.inf
    if kemiringan:
        lam_s = _slope_prior(data, z - g[gp] - u[data.pair_rater], n, alpha, nb, s2_eff)
        for _ in range(max_iter):
            a = alpha[data.pair_ratee]
            r = z - g[gp]
            sums = [
                np.bincount(data.pair_rater, weights=n * v, minlength=nb)
                for v in (np.ones_like(a), a, a * a, r, r * a)
            ]
            sn, sa, saa, sr, sra = sums
            # (sn + λ_u) u + sa s = sr ;  sa u + (saa + λ_s) s = sra + λ_s
            a11, a22 = sn + lam_u, saa + lam_s
            det = a11 * a22 - sa * sa
            s_new = (a11 * (sra + lam_s) - sa * sr) / det
            s_new /= np.average(s_new, weights=sn)  # rating-weighted mean slope 1
            step = float(np.max(np.abs(s_new - s)))
            s = s_new
            alpha, g, u, x = _solve_linear(data, z, n, s, gp, ng, lam_u, None, lam_a1)
            if step < 1e-5:
                break
    # ratee shrinkage afterwards, rater effects fixed (Kelley: toward the grand mean)
    resid = z - g[gp] - u[data.pair_rater]
    sp = s[data.pair_rater]
    num = np.bincount(data.pair_ratee, weights=n * sp * resid, minlength=na)
    den = np.bincount(data.pair_ratee, weights=n * sp * sp, minlength=na)
    m_res = float(np.sum(num) / np.sum(den))  # the grand mean left in the residuals
    alpha = m_res + (num - m_res * den) / (den + lam_a)
    b = g[gcode] + u
    # identification as in the default: rater effects mean 0 within each component
    comp_b = effects.raters["komponen"].to_numpy()
    comp_a = effects.ratees["komponen"].to_numpy()
    ncomp = int(max(comp_a.max(), comp_b.max())) + 1
    bmean = np.bincount(comp_b, weights=b, minlength=ncomp) / np.maximum(
        np.bincount(comp_b, minlength=ncomp), 1
    )
    b = b - bmean[comp_b]
    score = mu + alpha + bmean[comp_a]
    ratees = effects.ratees.copy()
    ratees["skor_terkalibrasi"] = score
    ratees["koreksi"] = score - ratees["skor_mentah"].to_numpy()
    if "skor_distribusi" in ratees:  # the triple-goal score follows the refined posterior means
        skala = effects.info.get("skala_penilai")
        ratees["skor_distribusi"] = skor_distribusi(  # the additive fit's variance target
            score,
            ratees["se"].to_numpy(),
            effects.info.get(
                "sigma2_pegawai_lepas" if skala is None else "sigma2_pegawai_lepas_dalam"
            ),
            skala,
        )
    raters = effects.raters.copy()
    raters["keparahan"] = -b
    info = dict(effects.info)
    if kelompok is not None:
        n_r = np.bincount(data.pair_rater, weights=n, minlength=nb)
        lenient = g - np.average(g[gcode], weights=n_r)
        info["kelompok_penilai"] = pd.Series(lenient, index=glabels, name="kelonggaran")
        info["shrinkage_kelompok"] = float(lam_u)
    if kemiringan:
        raters["kemiringan"] = s
        info["shrinkage_kemiringan"] = float(lam_s)
    return RaterEffects(
        ratees,
        raters,
        effects.komponen,
        effects.jaringan,
        effects.efek,
        effects.shrinkage,
        effects.method,
        effects.periode,
        info,
    )
