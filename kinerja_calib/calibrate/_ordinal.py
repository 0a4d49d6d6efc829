"""Ordinal option: the many-facet Rasch rating-scale model (Linacre's FACETS form).

For ratee *n*, rater *j* (role *g*), aspect *i* and category *k* = 0..K−1::

    ln(P_k / P_{k-1}) = B_n − C_j − R_g − D_i − τ_k,        Σ τ_k = 0

``C_j`` is the rater's severity (+ = severe) in logits. Fitted by (lightly penalised) joint
maximum likelihood with vectorised Newton steps per facet, the classic JMLE iteration of
FACETS/Winsteps; the Gaussian penalty (``prior_sd``) keeps extreme scores (all 5s) finite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._diagnostics import AMBANG_DIAGNOSIS, components, jaringan_table
from ._triple import skor_distribusi
from ._types import RaterEffects, RatingData

__all__ = ["category_probabilities", "fit_mfrm"]


def category_probabilities(eta: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Rating-scale category probabilities, shape ``(len(eta), len(tau) + 1)``.

    Parameters
    ----------
    eta : array
        Linear predictor ``B − C − R − D`` per observation (logits).
    tau : array
        Rasch–Andrich thresholds ``τ_1..τ_{K−1}``.
    """
    k = np.arange(len(tau) + 1)
    cum_tau = np.concatenate([[0.0], np.cumsum(tau)])
    logits = np.multiply.outer(eta, k) - cum_tau
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return p


#: SD (logits) of the weak prior on each component's mean ratee measure (keeps a component
#: whose ratings are all extreme finite; ~unpenalised otherwise).
SD_KOMPONEN = 3.0
_SD_BATAS = (0.05, 10.0)  # the estimated prior SDs stay within these bounds (logits)


def _newton(codes, n, resid, var, theta, prior):
    """One Newton step per level; ``theta`` is the deviation from the prior mean."""
    g = np.bincount(codes, weights=resid, minlength=n) - theta / prior**2
    h = np.bincount(codes, weights=var, minlength=n) + 1.0 / prior**2
    step = np.clip(g / h, -1.0, 1.0)
    return step, h


def _sd_step(dev: np.ndarray, h: np.ndarray) -> float:
    """``sqrt(mean(dev² + 1/h))`` within :data:`_SD_BATAS`."""
    return float(np.clip(np.sqrt(np.mean(dev**2 + 1.0 / h)), *_SD_BATAS))


def _prior_sds(prior_sd) -> dict[str, float | None]:
    """``{"pegawai": sd or None, "penilai": sd or None}`` (None = estimate)."""
    if isinstance(prior_sd, str):
        if prior_sd != "auto":
            raise ParameterError("`prior_sd` harus 'auto', angka > 0, atau dict per faset.")
        out: dict[str, float | None] = {"pegawai": None, "penilai": None}
    elif isinstance(prior_sd, dict):
        unknown = set(prior_sd) - {"pegawai", "penilai"}
        if unknown:
            raise ParameterError(
                f"`prior_sd` hanya mengenal faset 'pegawai' dan 'penilai', bukan {sorted(unknown)}."
            )
        out = {"pegawai": prior_sd.get("pegawai"), "penilai": prior_sd.get("penilai")}
    else:
        out = {"pegawai": prior_sd, "penilai": prior_sd}
    for k, v in out.items():
        if v is not None and not (np.isfinite(float(v)) and float(v) > 0):
            raise ParameterError(f"`prior_sd` untuk {k} harus angka > 0.")
        out[k] = None if v is None else float(v)
    return out


def fit_mfrm(
    data: RatingData,
    include_role: bool = True,
    include_aspect: bool = True,
    max_iter: int = 500,
    tol: float = 1e-3,
    prior_sd: float | str | dict = "auto",
    centre: str = "component",
) -> RaterEffects:
    """Fit the many-facet Rasch rating-scale model to prepared 360 data.

    Called by :func:`rater_effects` with ``method="ordinal"``.

    Parameters
    ----------
    data : RatingData
        Output of :func:`kinerja_calib.calibrate._prepare.rating_data`.
    include_role, include_aspect : bool
        Model the role and aspect facets.
    max_iter, tol : int, float
        Newton iterations and convergence (largest change of any measure in a full sweep, in
        logits; FACETS stops at 0.01).
    prior_sd : "auto", float or dict
        SD (logits) of the Gaussian prior on the ratee and rater measures. ``"auto"``
        (default) estimates one SD per facet from the data; a number fixes both (the explicit
        override: ``3.0`` is the former default, nearly unshrunk); a dict ``{"pegawai": …,
        "penilai": …}`` fixes the facets it names and estimates the others.
    centre : {"component", "global"}
        ``"component"`` (default): rater severities have mean 0 within each connected
        component of the rater network (as in the additive model) and each ratee is shrunk
        toward the mean of their component, so differences between components stay in the
        ratee measures. ``"global"``: the former identification — rater mean 0 over the whole
        network, ratees shrunk toward 0 — which, between components that share no rater,
        splits each component's level between its raters and its ratees by the penalties.

    Returns
    -------
    RaterEffects
        ``keparahan`` and ratee ``ukuran_logit`` in logits; ``skor_terkalibrasi`` is the fair
        average (expected rating for a rater, role and aspect of average measure).
        ``info["prior_sd"]``: the SDs used per facet (estimated or given).

    Notes
    -----
    **Prior SDs.** The ratee and rater measures are random effects, ``B_n ~ N(μ_c, σ_B²)``
    with ``μ_c ~ N(0, 3²)`` per component ``c`` and ``C_j ~ N(0, σ_C²)``. Each σ is estimated
    by the Laplace-approximate EM step of penalised quasi-likelihood (Breslow & Clayton
    1993; Schall 1991) after every sweep, ``σ² ← mean((θ̂ − μ)² + 1 / h)`` with ``h`` the
    posterior precision (Fisher information + 1/σ²), which maximises the approximate marginal
    likelihood at convergence; bounded to 0.05–10 logits. Role and aspect effects stay
    unpenalised fixed effects (few levels, many ratings each).

    References
    ----------
    .. [1] Linacre, J. M. (1989). *Many-facet Rasch measurement*. Chicago: MESA Press.
    .. [2] Eckes, T. (2015). *Introduction to many-facet Rasch measurement* (2nd ed.). Peter Lang.
    .. [3] Myford, C. M., & Wolfe, E. W. (2003). Detecting and measuring rater effects using
       many-facet Rasch measurement: Part I. *Journal of Applied Measurement*, 4(4), 386–422.
    .. [4] Breslow, N. E., & Clayton, D. G. (1993). Approximate inference in generalized linear
       mixed models. *JASA*, 88(421), 9–25.
    .. [5] Schall, R. (1991). Estimation in generalized linear models with random effects.
       *Biometrika*, 78(4), 719–727.
    """
    na, nb, ng, nk, _ = data.sizes
    y = data.y
    if np.any(np.abs(y - np.round(y)) > 1e-9):
        raise ParameterError(
            "Model ordinal (Rasch) membutuhkan nilai bulat pada skala penilaian (mis. 1–5); "
            "gunakan method='additive' untuk nilai pecahan."
        )
    lo = int(np.round(y.min()))
    K = int(np.round(y.max())) - lo + 1
    if K < 2:
        raise ParameterError("Model ordinal membutuhkan minimal dua kategori nilai yang terpakai.")
    x = np.round(y).astype(np.int64) - lo
    B = np.zeros(na)
    C = np.zeros(nb)
    R = np.zeros(ng)
    D = np.zeros(nk)
    tau = np.zeros(K - 1)
    kk = np.arange(K)
    converged = False
    it = 0
    counts_ge = (x[:, None] >= kk[None, 1:]).sum(axis=0).astype(np.float64)

    def moments():
        eta = B[data.ratee] - C[data.rater] - R[data.role] - D[data.aspect]
        p = category_probabilities(eta, tau)
        e = p @ kk
        v = np.maximum(p @ (kk**2) - e**2, 1e-9)
        return p, x - e, v

    if centre not in ("component", "global"):
        raise ParameterError("`centre` harus 'component' atau 'global'.")
    fixed = _prior_sds(prior_sd)
    s_B = fixed["pegawai"] or 1.0
    s_C = fixed["penilai"] or 1.0
    comp_ratee, comp_rater, n_comp = components(data)
    n_comp_ratee = np.bincount(comp_ratee, minlength=n_comp).astype(float)
    n_comp_rater = np.maximum(np.bincount(comp_rater, minlength=n_comp), 1).astype(float)
    mu = np.zeros(n_comp)  # prior mean of the ratee measures, per component
    facets = []
    if include_role and ng > 1:
        facets.append((data.role, R, -1.0, 1e3))
    if include_aspect and nk > 1:
        facets.append((data.aspect, D, -1.0, 1e3))
    for it in range(1, max_iter + 1):  # noqa: B007 (count reported)
        before = np.concatenate([B, C, R, D, tau, [s_B, s_C]])
        # Gauss-Seidel over facets: each Newton step sees the previous facet's update
        _, r, v = moments()
        step, h_B = _newton(data.ratee, na, r, v, B - mu[comp_ratee], s_B)
        B += step
        _, r, v = moments()
        step, h_C = _newton(data.rater, nb, -r, v, C, s_C)
        C += step
        for codes, theta, sign, prior in facets:
            _, r, v = moments()
            step, _ = _newton(codes, len(theta), sign * r, v, theta, prior)
            theta += step
        p, _, _ = moments()
        # thresholds: P(X >= h) for h = 1..K-1
        ge_p = np.cumsum(p[:, ::-1], axis=1)[:, ::-1][:, 1:]
        g = counts_ge - ge_p.sum(axis=0)
        h = (ge_p * (1 - ge_p)).sum(axis=0) + 1e-9
        st = np.clip(g / h, -1.0, 1.0)
        tau -= st
        tau -= tau.mean()
        # centre: rater (per component, or overall), role, aspect mean 0 (shift into ratees)
        if centre == "component" and nb:
            shift = np.bincount(comp_rater, weights=C, minlength=n_comp) / n_comp_rater
            C -= shift[comp_rater]
            B -= shift[comp_ratee]
        for arr in (R, D) if centre == "component" else (C, R, D):
            shift = arr.mean() if len(arr) else 0.0
            arr -= shift
            B -= shift
        if centre == "component":  # μ_c: the component mean under its weak N(0, 3²) prior
            tot = np.bincount(comp_ratee, weights=B, minlength=n_comp)
            mu = tot / (n_comp_ratee + s_B**2 / SD_KOMPONEN**2)
        # the prior SDs: the Laplace-EM step (Breslow & Clayton 1993)
        if fixed["pegawai"] is None and na > 1:
            s_B = _sd_step(B - mu[comp_ratee], h_B)
        if fixed["penilai"] is None and nb > 1:
            s_C = _sd_step(C, h_C)
        big = float(np.abs(np.concatenate([B, C, R, D, tau, [s_B, s_C]]) - before).max())
        if big < tol:
            converged = True
            break
    eta = B[data.ratee] - C[data.rater] - R[data.role] - D[data.aspect]
    p = category_probabilities(eta, tau)
    e = p @ kk
    v = np.maximum(p @ (kk**2) - e**2, 1e-9)
    z2 = (x - e) ** 2 / v
    n_ratee = np.bincount(data.ratee, minlength=na).astype(float)
    n_rater = np.bincount(data.rater, minlength=nb).astype(float)
    info_B = np.bincount(data.ratee, weights=v, minlength=na)
    info_C = np.bincount(data.rater, weights=v, minlength=nb)
    outfit = np.bincount(data.rater, weights=z2, minlength=nb) / np.maximum(n_rater, 1)
    infit = np.bincount(data.rater, weights=(x - e) ** 2, minlength=nb) / np.maximum(info_C, 1e-9)
    fair = category_probabilities(B, tau) @ kk + lo
    raw = np.bincount(data.ratee, weights=y, minlength=na) / n_ratee
    ratees = pd.DataFrame(
        {
            "skor_mentah": raw,
            "skor_terkalibrasi": fair,
            # se of the fair average by the delta method: d fair / d B = Var(X | B)
            "skor_distribusi": skor_distribusi(fair, fair_se(B, tau, kk, info_B, s_B)),
            "se": 1.0 / np.sqrt(info_B + 1.0 / s_B**2),
            "n": n_ratee.astype(np.int64),
            "n_penilai": np.bincount(data.pair_ratee, minlength=na),
            "koreksi": fair - raw,
            "skor_diri": data.skor_diri.reindex(data.ratee_ids.astype(str)).to_numpy(),
            "komponen": comp_ratee,
            "ukuran_logit": B,
        },
        index=pd.Index(data.ratee_ids.astype(str), name="nip"),
    )
    thr = AMBANG_DIAGNOSIS
    se_C = 1.0 / np.sqrt(info_C + 1.0 / s_C**2)
    enough = n_rater >= thr["min_n"]
    ref = C[enough] if enough.sum() >= 5 else C
    rsd = 1.4826 * np.median(np.abs(ref - np.median(ref))) or float(np.std(ref))
    big = np.abs(C) > thr["keparahan_sd"] * rsd
    zc = C / se_C
    flags = {
        "terlalu lunak": enough & big & (zc < -thr["z"]),
        "terlalu keras": enough & big & (zc > thr["z"]),
        "terlalu seragam (halo/sentral)": enough & (infit < 0.5),
        "tidak konsisten": enough & (infit > thr["msr"]),
    }
    text = np.full(nb, "", dtype=object)
    for label, mask in flags.items():
        text = np.where(mask, np.where(text == "", label, text + "; " + label), text)
    raters = pd.DataFrame(
        {
            "keparahan": C,
            "se": se_C,
            "n": n_rater.astype(np.int64),
            "n_pegawai": np.bincount(data.pair_rater, minlength=nb),
            "skor_rerata": np.bincount(data.rater, weights=y, minlength=nb)
            / np.maximum(n_rater, 1),
            "komponen": comp_rater,
            "msr": outfit,
            "infit": infit,
            "diagnosis": np.where(text == "", "wajar", text),
        },
        index=pd.Index(data.rater_ids.astype(str), name="nip_penilai"),
    )
    efek = pd.concat(
        [
            pd.DataFrame(
                {
                    "jenis": "peran_penilai",
                    "tingkat": data.role_ids.astype(str),
                    "efek": -R,
                    "n": np.bincount(data.role, minlength=ng),
                }
            ),
            pd.DataFrame(
                {
                    "jenis": "aspek",
                    "tingkat": data.aspect_ids.astype(str),
                    "efek": -D,
                    "n": np.bincount(data.aspect, minlength=nk),
                }
            ),
            pd.DataFrame(
                {
                    "jenis": "ambang",
                    "tingkat": [f"τ{h}" for h in range(1, K)],
                    "efek": tau,
                    "n": np.bincount(x, minlength=K)[1:],
                }
            ),
        ],
        ignore_index=True,
    )
    sd = {
        "pegawai": np.var(B),
        "penilai": np.var(C),
        "peran_penilai": np.var(R),
        "aspek": np.var(D),
    }
    komponen = pd.DataFrame(
        {"varians": list(sd.values()), "keterangan": ["varians ukuran (logit²)"] * 4},
        index=pd.Index(list(sd), name="komponen"),
    )
    komponen.insert(1, "proporsi", komponen["varians"] / komponen["varians"].sum())
    jaringan = jaringan_table(data, comp_ratee, comp_rater, n_comp)
    info = {
        "iterasi": it,
        "konvergen": converged,
        "kategori": K,
        "skala_min": lo,
        "prior_sd": {"pegawai": float(s_B), "penilai": float(s_C)},
        "sentring": centre,
    }
    return RaterEffects(
        ratees, raters, komponen, jaringan, efek, 0.0, "ordinal", data.periode, info
    )


def fair_se(B, tau, kk, info_B, prior_sd) -> np.ndarray:
    """Standard error of the fair average (rating scale): the logit se times Var(X | B)."""
    p = category_probabilities(B, tau)
    slope = np.maximum(p @ (kk**2) - (p @ kk) ** 2, 1e-9)
    return slope / np.sqrt(info_B + 1.0 / prior_sd**2)
