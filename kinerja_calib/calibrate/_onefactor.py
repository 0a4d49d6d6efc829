"""The one-factor model across rater roles: the composite, its covariance and reliability.

The 360 composite is a weighted mean of the role means; its reliability comes from the data's
own variance components (one common factor across roles, principal-axis loadings). Used by
:mod:`._weights` (the source weights) and, through it, :mod:`._banding` (their comparison).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "composite",
    "loadings",
    "pairwise_cov",
    "pattern_moments",
    "reliability",
    "reliability_as_used",
]


def composite(m: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean over the roles present for each ratee (weights renormalised per row)."""
    have = np.isfinite(m)
    ww = np.where(have, w[None, :], 0.0)
    tot = ww.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, (np.nan_to_num(m) * ww).sum(axis=1) / tot, np.nan)


def pairwise_cov(m: np.ndarray) -> np.ndarray:
    """Covariance of the role means over the pegawai having both roles (NaN below 3)."""
    G = m.shape[1]
    fin = np.isfinite(m)
    z = np.where(fin, m, 0.0)
    S = np.full((G, G), np.nan)
    for g in range(G):  # ≤ 5 roles: a loop over role pairs, not over employees
        for h in range(g, G):
            both = fin[:, g] & fin[:, h]
            nb = int(both.sum())
            if nb < 3:
                continue
            x, y = z[both, g], z[both, h]
            S[g, h] = S[h, g] = float(((x - x.mean()) * (y - y.mean())).sum() / (nb - 1))
    return S


def loadings(S: np.ndarray) -> np.ndarray:
    """One-factor loadings by principal-axis factoring (communalities iterated)."""
    G = S.shape[0]
    diag = np.nan_to_num(np.diag(S))
    if G == 1:
        return np.sqrt(np.maximum(diag * 0.5, 1e-12))
    off = np.where(np.isfinite(S) & ~np.eye(G, dtype=bool), S, 0.0)
    # start: each role's communality = its largest covariance with another role
    h2 = np.clip(np.abs(off).max(axis=1), 1e-12, np.maximum(diag, 1e-12))
    lam = np.sqrt(h2)
    for _ in range(500):
        R = off + np.diag(h2)
        vals, vecs = np.linalg.eigh(R)
        v = vecs[:, -1] * np.sign(vecs[:, -1].sum() or 1.0)
        lam_new = np.sqrt(max(vals[-1], 1e-12)) * v
        lam_new = np.clip(lam_new, 1e-6, np.sqrt(np.maximum(diag, 1e-12)))
        h2 = lam_new**2
        done = np.max(np.abs(lam_new - lam)) < 1e-9
        lam = lam_new
        if done:
            break
    return lam


def reliability(w: np.ndarray, lam: np.ndarray, S: np.ndarray) -> float:
    num = float(w @ lam) ** 2
    den = float(w @ np.nan_to_num(S) @ w)
    return num / den if den > 0 else np.nan


def pattern_moments(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Moments of the role means per pattern of roles present (≤ 2^G patterns).

    Returns ``have`` (P, G) bool, ``n`` (P,), ``s`` (P, G) sums and ``q`` (P, G, G) sums of
    cross-products of the role means of the pegawai with that pattern (absent roles as 0), so
    that the mean and variance of any composite are a few (P, G, G) operations.
    """
    fin = np.isfinite(m)
    G = m.shape[1]
    code = fin.astype(np.int64) @ (1 << np.arange(G))
    codes, inv = np.unique(code, return_inverse=True)
    P = len(codes)
    z = np.where(fin, m, 0.0)
    n = np.bincount(inv, minlength=P).astype(float)
    s = np.stack([np.bincount(inv, weights=z[:, g], minlength=P) for g in range(G)], axis=1)
    q = np.empty((P, G, G))
    for g in range(G):  # ≤ 5 roles, not employees
        for h in range(g, G):
            q[:, g, h] = q[:, h, g] = np.bincount(inv, weights=z[:, g] * z[:, h], minlength=P)
    have = ((codes[:, None] >> np.arange(G)) & 1).astype(bool)
    return have, n, s, q


def reliability_as_used(w: np.ndarray, lam: np.ndarray, moments: tuple[np.ndarray, ...]) -> float:
    """Reliability of the composite as each pegawai actually gets it (roles present only).

    The composite of pegawai ``i`` is ``C_i = Σ_g w_g M_ig / Σ_{g present} w_g``; under the
    one-factor model ``M_ig = μ_g + λ_g T_i + e_ig`` (``var T = 1``) it carries
    ``a_i = Σ w_g λ_g / Σ w_g`` over the roles present, so ``cov(C, T) = E[a_i]`` and the
    squared correlation with ``T`` is ``E[a_i]² / var(C)``, with ``var(C)`` the composite's
    observed variance over pegawai (which includes the spread added by pegawai having
    different roles, different numbers of raters and the roles' mean offsets).
    """
    have, n, s, q = moments
    ww = np.where(have, w[None, :], 0.0)
    tot = ww.sum(axis=1)
    use = (tot > 0) & (n > 0)
    if not use.any():
        return float("nan")
    ww, tot, n, s, q = ww[use], tot[use], n[use], s[use], q[use]
    N = n.sum()
    mean_c = float(((s * ww).sum(axis=1) / tot).sum() / N)
    e_c2 = float((np.einsum("pg,pgh,ph->p", ww, q, ww) / tot**2).sum() / N)
    var_c = (e_c2 - mean_c**2) * N / max(N - 1, 1)
    a = (ww @ lam) / tot
    e_a = float((a * n).sum() / N)
    return float(np.clip(e_a**2 / var_c, 0.0, 1.0)) if var_c > 0 else float("nan")
