"""National run: simulate the whole country, score, calibrate and summarise agreement.

``kinerja-calib nasional --pegawai N --seed S [--keluaran DIR]`` calls :func:`run_and_write`,
which runs the computation :func:`run_country`, prints the stage table and writes the CSVs.

The country is a union of provinces and every 360 rater network lives inside one instansi
(atasan, rekan, bawahan and pengguna layanan never cross instansi), so the national run is
processed in *bagian* (parts): each of the 38 provinces is split into parts of at most
``ukuran_bagian`` pegawai and each part is simulated, scored and calibrated on its own — in
a process pool on more than one core. Agreement is then computed once per province from the
rater × ratee means of all its parts. Only per-part counts and the compact rater × ratee
means travel back to the parent, so memory stays bounded by the size of one part (plus the
means of one province), whatever the size of the country.

Stages of each part (all functions of this package, none reimplemented here):

1. ``simulasi`` — :func:`kinerja_calib.simulate.simulate_ratings` (``kompak=True``: ids,
   roles and aspects as categoricals);
2. ``skor`` — :func:`kinerja_calib.simulate.bandingkan_predikat`: the 360 composite with the
   rules' role weights (self excluded), ``rating_perilaku`` and ``rating_hasil_kerja`` with the
   rules' thresholds and the predikat of :func:`kinerja_calib.scoring.predikat`; hasil kerja
   comes from the simulator's true ``hasil_kerja_sebenarnya`` as capaian = 100 + 12·z (%)
   (the atasan's leniency leaks in by ``Scenario.bocor_hasil_kerja``), next to the true
   predikat;
3. ``kalibrasi`` — :func:`kinerja_calib.calibrate.rater_effects`; the calibrated predikat is
   :func:`kinerja_calib.scoring.predikat` of the same hasil kerja rating and
   :func:`kinerja_calib.scoring.rating_perilaku` of ``skor_distribusi`` (the triple-goal score:
   the ranks of ``skor_terkalibrasi`` with the spread of the true scores, so that the predikat
   shares are not squeezed toward Baik — issue 16);
4. ``kesepakatan`` (per province) — :func:`kinerja_calib.agreement.agreement_table` with ICC(1)
   and Krippendorff's α (interval) on the ratee × rater-slot layout, per role and pooled over
   the roles other than ``diri``.

Province sizes are a rough, documented assumption (not BKN data): 70 % of the pegawai are
spread by population (Sensus Penduduk 2020) and 30 % evenly, because small provinces have
more ASN per inhabitant. Each province reads the scale a little differently (one shift per
province, ``Scenario.sd_wilayah``).
"""

from __future__ import annotations

from ._chunks import PROVINSI, alokasi_pegawai
from ._chunks import kesepakatan_provinsi as _kesepakatan  # noqa: F401  (tests)
from ._chunks import pasangan_rata as _pasangan_rata  # noqa: F401  (tests)
from ._cli import format_tahap, run_and_write, write_summary  # noqa: F401  (public, as before)
from ._driver import HasilNasional, run_country

# alias kept for one release (issue 14)
jalankan = run_country
# alias kept for one release (issue 14)
tulis_ringkasan = write_summary
# alias kept for one release (issue 14)
run = run_and_write

__all__ = [
    "PROVINSI",
    "HasilNasional",
    "alokasi_pegawai",
    "jalankan",
    "run",
    "run_and_write",
    "run_country",
]
