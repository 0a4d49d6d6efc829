"""Rater agreement: ICC, Krippendorff's alpha, kappas, Gwet AC1/AC2, Kendall's W, r_wg.

Every statistic takes a **wide** table — rows are subjects (ratees), columns are raters,
``NaN`` is missing — as a DataFrame or 2-D array, and handles missing ratings with a
documented policy:

================================  ===========================================================
statistic                         missing ratings
================================  ===========================================================
:func:`icc`                       ``listwise`` (default, as pingouin) or ``unbalanced``
                                  (one-way ANOVA, n0 correction; for raters nested in ratees)
:func:`krippendorff_alpha`        all values in units with >= 2 values (Krippendorff 2011)
:func:`fleiss_kappa`              Gwet (2014): agreement over subjects with >= 2 ratings,
:func:`gwet_ac`                   category shares over all rated subjects
:func:`cohen_kappa`               ``gwet`` (default; Gwet 2014): agreement over subjects rated
                                  by both, each rater's marginals from all of their ratings;
                                  or ``complete`` (subjects rated by both only)
:func:`kendall_w`                 listwise (ranks need complete rows)
:func:`rwg`, :func:`rwg_j`        available ratings per subject / item (>= 2)
================================  ===========================================================

Coefficients come back as :class:`Estimate` — a ``float`` carrying ``se``, ``ci_low``,
``ci_high``, ``pval``, ``n_subjek``, ``n_penilai`` and ``metode``; :func:`icc` returns the
Shrout & Fleiss table. For 360 data (each ratee has different raters) build the wide table
per role with :func:`slot_table` or ``to_wide(..., positional=True)``, or use
:func:`agreement_table` to get one row per instansi / wilayah / role / aspect with
Indonesian interpretation labels. :func:`raters_needed` and :func:`reliability_curve` answer
"berapa rekan kerja yang perlu menilai?".

All computations are vectorised numpy (bincount-based coincidence and category counts, no
loop over subjects). Cross-checked against pingouin, krippendorff and statsmodels in
``tests/test_agreement.py``; timings in ``benchmarks/bench_agreement.py``.
"""

from __future__ import annotations

from ._alpha import coincidence_matrix, krippendorff_alpha
from ._base import Estimate, to_wide
from ._decide import bootstrap, raters_needed, reliability_curve, spearman_brown
from ._icc import icc
from ._kappa import cohen_kappa, fleiss_kappa, gwet_ac, weight_matrix
from ._notebook import load_truth, prepare
from ._table import STATISTICS, agreement_table, label_alpha, label_icc, label_rwg, slot_table
from ._within import kendall_w, rwg, rwg_j

# aliases kept for one release (issue 14)
baca_kebenaran = load_truth
siapkan = prepare

__all__ = [
    "STATISTICS",
    "Estimate",
    "agreement_table",
    "baca_kebenaran",
    "load_truth",
    "bootstrap",
    "coincidence_matrix",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac",
    "icc",
    "kendall_w",
    "krippendorff_alpha",
    "label_alpha",
    "label_icc",
    "label_rwg",
    "raters_needed",
    "reliability_curve",
    "rwg",
    "rwg_j",
    "prepare",
    "siapkan",
    "slot_table",
    "spearman_brown",
    "to_wide",
    "weight_matrix",
]
