"""Calibration: rater effects, 360 source weights, the kurva distribusi, indicator weights.

What agencies calibrate with:

- :func:`rater_effects` — who rated whom: an additive (ratee + rater + role + aspect) model fitted
  by sparse least squares with shrinkage for raters with few ratings, or an ordinal many-facet
  Rasch model; rater diagnostics in Indonesian, variance components and the rater network.
- :func:`source_weights`, :func:`compare_weights`, :func:`role_reliability_curve` — 360 source
  weights from evidence (composite reliability, an external criterion, or known truth).
- :func:`calibrate_distribution` — the fewest predikat moves that meet the SE MenPANRB 3/2023
  curve, as a *proposal* for the calibration meeting.
- :func:`ahp_weights`, :func:`effective_weights` — indicator weights: Saaty's AHP and the share of
  the composite's variance each indicator really carries.

The statistics never import matplotlib; figures live in :mod:`kinerja_calib.plots.calibrate`.
"""

from __future__ import annotations

from ._ahp import RANDOM_INDEX, AHPResult, ahp_weights, effective_weights
from ._banding import KONVENSI_BOBOT, PerbandinganBobot, compare_weights, predikat_from_score
from ._distribution import CATATAN_USULAN, DistributionProposal, calibrate_distribution
from ._effects import AMBANG_DIAGNOSIS, PeringatanKalibrasi, RaterEffects, rater_effects
from ._koreksi import koreksi_penilaian, predikat_terkalibrasi
from ._notebook import check_planted, prepare
from ._ordinal import category_probabilities
from ._triple import skor_distribusi_skala
from ._weights import (
    RoleComposite,
    composite_scores,
    role_composite,
    role_means,
    role_reliability_curve,
    source_weights,
)

# aliases kept for one release (issue 14)
reliability_curve = role_reliability_curve
predikat_dari_skor = predikat_from_score
cek_ditanam = check_planted
siapkan = prepare

__all__ = [
    "PeringatanKalibrasi",
    "AMBANG_DIAGNOSIS",
    "koreksi_penilaian",
    "predikat_terkalibrasi",
    "CATATAN_USULAN",
    "KONVENSI_BOBOT",
    "RANDOM_INDEX",
    "AHPResult",
    "PerbandinganBobot",
    "DistributionProposal",
    "RaterEffects",
    "RoleComposite",
    "ahp_weights",
    "calibrate_distribution",
    "category_probabilities",
    "compare_weights",
    "composite_scores",
    "effective_weights",
    "predikat_dari_skor",
    "predikat_from_score",
    "rater_effects",
    "reliability_curve",
    "role_composite",
    "role_means",
    "role_reliability_curve",
    "cek_ditanam",
    "check_planted",
    "prepare",
    "siapkan",
    "skor_distribusi_skala",
    "source_weights",
]
