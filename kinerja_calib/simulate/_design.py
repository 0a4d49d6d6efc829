"""A sparse two-rater design with known variance components, for calibration checks.

Unlike :func:`.simulate_ratings` (a whole organisation with every rater role and bias),
:func:`sparse_design` draws the crossed random-effects model of ``calibrate.rater_effects``
itself on the sparsest design it meets in practice — one atasan and one rekan per pegawai — so
the true scores and variance components are known. The calibration tests and
``benchmarks/bench_varcomp.py`` share it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._util import SeedLike, as_rng

__all__ = ["SPARSE_DESIGN_ASPEK", "sparse_design"]

#: The ``aspek`` labels of :func:`sparse_design`, in order (the first ``k`` are used). Short
#: forms of the BerAKHLAK keys, kept so that seeded designs stay bit-identical.
SPARSE_DESIGN_ASPEK = (
    "berorientasi",
    "akuntabel",
    "kompeten",
    "harmonis",
    "loyal",
    "adaptif",
    "kolaboratif",
)


def sparse_design(
    n: int, seed: SeedLike, per_atasan: int = 3, k: int = 7, sd_b: float = 0.6
) -> tuple[pd.DataFrame, pd.Series]:
    """Ratings of ``n`` pegawai by one atasan and one rekan each, with known effects.

    Each pegawai is rated by an atasan who rates ``per_atasan`` pegawai and by a rekan who
    rates 2 (a random pairing), ``k`` ratings (aspects) per pair::

        nilai = 3 + skor[i] + leniency[j] + interaction[i, j] + noise

    with σ_pegawai 1, σ_penilai ``sd_b``, pair interaction SD 0.3 and noise SD 1. With
    ``per_atasan=2`` and ``k=1`` no residual degree of freedom is left (pairs 2n, parameters
    ≈ 2n): the design where residual-based variance components collapse.

    Parameters
    ----------
    n : int
        Number of pegawai (NIP ``P00000``, ``P00001``, …).
    seed : int, numpy.random.Generator or None
        Same seed → identical output.
    per_atasan : int
        Pegawai per atasan (NIP ``A…``); rekan have NIP ``R…``.
    k : int
        Ratings per pair, one per aspect: the first ``k`` of :data:`SPARSE_DESIGN_ASPEK`.
    sd_b : float
        Standard deviation of the rater leniencies.

    Returns
    -------
    ratings : DataFrame
        Long 360 table: ``nip``, ``nip_penilai``, ``peran_penilai`` (``"atasan"`` /
        ``"rekan"``), ``aspek``, ``nilai`` (continuous, not rounded to the rating scale).
    truth : Series
        The true score of each pegawai (mean 0), indexed by ``nip``.

    Examples
    --------
    >>> from kinerja_calib.simulate import sparse_design
    >>> ratings, truth = sparse_design(6, seed=1, per_atasan=2, k=1)
    >>> ratings.shape, truth.shape
    ((12, 5), (6,))
    >>> ratings.groupby("peran_penilai")["nip_penilai"].nunique().to_dict()
    {'atasan': 3, 'rekan': 3}
    >>> ratings.groupby("nip_penilai").size().unique().tolist()
    [2]
    """
    rng = as_rng(seed)
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
    ratings = pd.DataFrame(
        {
            "nip": np.repeat(ratee, k),
            "nip_penilai": np.repeat(raters, k),
            "peran_penilai": np.repeat(np.repeat(["atasan", "rekan"], n), k),
            "aspek": np.tile(list(SPARSE_DESIGN_ASPEK[:k]), len(ratee)),
            "nilai": y,
        }
    )
    return ratings, truth
