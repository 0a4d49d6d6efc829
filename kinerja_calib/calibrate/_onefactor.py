"""The one-factor model across rater roles: the composite, its covariance and reliability.

The 360 composite is a weighted mean of the role means; its reliability comes from the data's
own variance components (one common factor across roles, principal-axis loadings). Used by
:mod:`._weights` (the source weights) and, through it, :mod:`._banding` (their comparison).
"""

from __future__ import annotations

import numpy as np

__all__ = ["composite", "loadings", "pairwise_cov", "reliability"]


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
