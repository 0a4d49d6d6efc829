"""Rater-bias simulator: synthetic 360 ratings with known, documented rater effects.

Two generators share one organisational design:

* ``model="laten"`` (default) — the continuous latent score + thresholds model
  (true score + leniency + role offset + halo + noise, then central tendency,
  range restriction and per-region thresholds);
* ``model="mfrm"`` — the many-facet Rasch model in rating-scale form
  (Linacre's FACETS), sampled by inverse CDF over adjacent-category logits.

Everything is vectorised: the design (atasan, rekan, bawahan, diri, pengguna
layanan) is built with numpy index arithmetic, and the ratings of all pairs and
aspects are drawn as arrays; there is no Python loop over employees or ratings
(only over a handful of periods, peer slots and memory chunks).

:func:`sparse_design` draws, apart from these, the crossed random-effects model of
``calibrate.rater_effects`` on a sparse one-atasan-one-rekan design with known components.

Examples
--------
>>> import kinerja_calib as kc
>>> sim = kc.simulate.simulate_ratings(kc.simulate.Scenario(n_pegawai=200), seed=1)
>>> list(sim.ratings.columns)
['periode', 'nip', 'nip_penilai', 'peran_penilai', 'aspek', 'nilai']
>>> sorted(sim.ratings["nilai"].unique().tolist())
[1.0, 2.0, 3.0, 4.0, 5.0]
"""

from __future__ import annotations

from ._analysis import (
    BIAS,
    METRIK,
    bandingkan_predikat,
    confusion_predikat,
    monte_carlo,
    prepare,
    scenario_bias,
)
from ._design import sparse_design
from ._model import rate_organisation, simulate_ratings
from ._organisation import generate_organisation
from ._result import Simulation
from ._scenario import KOLOM_PENILAIAN, Scenario, variance_shares

# alias kept for one release (issue 14)
siapkan = prepare

__all__ = [
    "BIAS",
    "KOLOM_PENILAIAN",
    "METRIK",
    "Scenario",
    "Simulation",
    "bandingkan_predikat",
    "confusion_predikat",
    "generate_organisation",
    "monte_carlo",
    "rate_organisation",
    "scenario_bias",
    "prepare",
    "siapkan",
    "simulate_ratings",
    "sparse_design",
    "variance_shares",
]
