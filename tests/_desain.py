"""Seeded rating designs shared by the calibration tests (one generator, not one per file)."""

from __future__ import annotations

import numpy as np
import pandas as pd

ASPEK = ["berorientasi", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]


def sparse_design(n, seed, per_atasan=3, k=7, sd_b=0.6):
    """1 atasan (rating ``per_atasan`` pegawai) + 1 rekan (rating 2) per pegawai, ``k`` ratings
    per pair: σ_pegawai 1, σ_penilai ``sd_b``, pair interaction 0.3, noise 1 (the design of
    ``benchmarks/bench_varcomp.py``'s ``sparse_design``). With ``per_atasan=2`` and k = 1 no
    residual degree of freedom is left (pairs 2n, parameters ≈ 2n)."""
    rng = np.random.default_rng(seed)
    nip = np.array([f"P{i:05d}" for i in range(n)])
    truth = pd.Series(rng.normal(0, 1, n), index=nip)
    atasan = np.array([f"A{i // per_atasan:05d}" for i in range(n)])
    rekan = np.array([f"R{j:05d}" for j in rng.permutation(np.arange(n) // 2)])
    raters = np.concatenate([atasan, rekan])
    ratee = np.concatenate([nip, nip])
    uniq = pd.unique(raters)
    b = pd.Series(rng.normal(0, sd_b, len(uniq)), index=uniq)
    pair = truth.reindex(ratee).to_numpy() + b.reindex(raters).to_numpy()
    pair += rng.normal(0, 0.3, len(ratee))
    y = 3.0 + np.repeat(pair, k) + rng.normal(0, 1.0, len(ratee) * k)
    df = pd.DataFrame(
        {
            "nip": np.repeat(ratee, k),
            "nip_penilai": np.repeat(raters, k),
            "peran_penilai": np.repeat(np.repeat(["atasan", "rekan"], n), k),
            "aspek": np.tile(ASPEK[:k], len(ratee)),
            "nilai": y,
        }
    )
    return df, truth
