"""Scoring: ratings, the 6/2022 predikat matrix, legacy numeric regimes, kurva distribusi.

Every regulatory number comes from a rules file (:mod:`kinerja_calib.rules`); nothing is
hard-coded here. All functions are vectorised over pandas Series / numpy arrays. Every
comparison of a score with a threshold (ratings, bands, kurva person counts) is made after
rounding both to 9 decimals (:mod:`kinerja_calib._precision`), never on raw float noise.

The pieces, in the order the course uses them:

- :func:`nilai_capaian_iki` — PermenPANRB 8/2021 capaian (%) → nilai capaian IKI (0–120).
- :func:`rating_hasil_kerja`, :func:`rating_perilaku` — a capaian (%) or a 360 composite
  (1–5) → the three-level rating, with the instansi-configurable thresholds of the rules.
- :func:`predikat` — (rating hasil kerja, rating perilaku) → predikat (6/2022 matrix).
- :func:`kurva_constraints`, :func:`check_kurva` — SE MenPANRB 3/2023 pola distribusi.
- :func:`perilaku_score` — 360 composite per pegawai × periode (self excluded, shown apart).
- :func:`nilai_pp30`, :func:`predikat_pp30`, :func:`nilai_waktu_biaya`, :func:`nilai_pp46`,
  :func:`sebutan_pp46` — the legacy numeric regimes.
- :func:`score_workbook`, :func:`compare_regimes` — whole workbooks.
- :func:`rating_butir`, :func:`agregasi_rating`, :func:`rating_hasil_kerja_per_butir`,
  :func:`rating_perilaku_per_aspek` — per-item ratings and the regulation's "sebagian
  besar" aggregation (:mod:`kinerja_calib._butir`; how :func:`score_workbook` rates by
  default).

The rooms of this package: ``_rating`` (6/2022 ratings and the predikat matrix),
``_distribusi`` (kurva), ``_perilaku`` (360 composite), ``_lama`` (PP 30/2019, PP 46/2011,
angka kredit), ``_workbook`` (whole workbooks), ``_dasar`` (shared helpers). This
``__init__`` only re-exports.
"""

from __future__ import annotations

from .._butir import (
    METODE_RATING,
    NAMA_CARA_RATING,
    agregasi_rating,
    keterangan_metode,
    porsi_cara_rating,
    rating_butir,
    rating_hasil_kerja_per_butir,
    rating_perilaku_per_aspek,
)
from .._butir import (
    metode_rating as metode_rating,
)
from .._butir import (
    penentu_perilaku as penentu_perilaku,
)
from .._kurva import batas_kurva as _batas  # noqa: F401  (tests reach the kurva rounding here)
from ._distribusi import check_kurva, kurva_constraints
from ._lama import (
    angka_kredit,
    nilai_pp30,
    nilai_pp46,
    nilai_waktu_biaya,
    predikat_pp30,
    sebutan_pp46,
)
from ._perilaku import perilaku_score
from ._rating import (
    nilai_capaian_iki,
    predikat,
    rating_from_score,
    rating_hasil_kerja,
    rating_perilaku,
)
from ._workbook import (
    VARIAN_RATING,
    compare_regimes,
    kepala_unit,
    score_workbook,
    sensitivitas_bobot,
)

# aliases kept for one release (issue 14)
skor_perilaku = perilaku_score
rating_dari_skor = rating_from_score
cek_kurva = check_kurva

__all__ = [
    "METODE_RATING",
    "NAMA_CARA_RATING",
    "VARIAN_RATING",
    "agregasi_rating",
    "angka_kredit",
    "cek_kurva",
    "check_kurva",
    "compare_regimes",
    "kepala_unit",
    "keterangan_metode",
    "kurva_constraints",
    "nilai_capaian_iki",
    "nilai_pp30",
    "nilai_pp46",
    "nilai_waktu_biaya",
    "predikat",
    "predikat_pp30",
    "porsi_cara_rating",
    "rating_butir",
    "rating_dari_skor",
    "rating_from_score",
    "rating_hasil_kerja",
    "rating_hasil_kerja_per_butir",
    "rating_perilaku",
    "rating_perilaku_per_aspek",
    "score_workbook",
    "sebutan_pp46",
    "sensitivitas_bobot",
    "skor_perilaku",
    "perilaku_score",
]
