"""Issue 14 renamed public names to one vocabulary (CONTRIBUTING.md §2–3); each old name stays
an alias of the new object for one release, because callers outside this change still use it."""

from __future__ import annotations

import pytest

import kinerja_calib as kc
from kinerja_calib import _rules_access, indicators, nasional, params, reports, workshop
from kinerja_calib.plots import indicators as plots_indicators
from kinerja_calib.plots import simulate as plots_simulate

ALIASES = [
    (nasional, "jalankan", "run_country"),
    (nasional, "run", "run_and_write"),
    (kc.calibrate, "reliability_curve", "role_reliability_curve"),
    (kc.scoring, "skor_perilaku", "perilaku_score"),
    (kc.scoring, "rating_dari_skor", "rating_from_score"),
    (kc.calibrate, "predikat_dari_skor", "predikat_from_score"),
    (kc.scoring, "cek_kurva", "check_kurva"),
    (indicators, "cek_smart", "check_smart"),
    (workshop, "cek_lingkungan", "check_environment"),
    (kc.calibrate, "cek_ditanam", "check_planted"),
    (reports, "periksa_kode", "validate_kode"),
    (params, "Pemeriksa", "ProblemCollector"),
    (reports, "tulis_atomik", "write_atomic"),
    (reports, "tulis_cache", "write_cache"),
    (reports, "tulis_indeks", "write_index"),
    (reports, "ekspor_excel", "write_excel"),
    (reports, "ekspor_html", "render_html"),
    (reports, "workbook_dari_cache", "load_cached_workbook"),
    (kc.data, "tulis_cache", "write_cache"),
    (kc.data, "workbook_dari_cache", "load_cached_workbook"),
    (kc.agreement, "baca_kebenaran", "load_truth"),
    (kc.agreement, "siapkan", "prepare"),
    (plots_indicators, "sensitivitas_bobot", "weight_sensitivity"),
    (plots_simulate, "panel_bias", "distribution_and_confusion"),
    (kc.calibrate, "siapkan", "prepare"),
    (kc.simulate, "siapkan", "prepare"),
    (reports, "siapkan_laporan", "prepare_report"),
    (reports, "tampilkan_ringkasan", "show_summary"),
    (reports, "bagian_judul", "section_judul"),
    (reports, "bagian_ringkasan", "section_ringkasan"),
    (reports, "bagian_capaian", "section_capaian"),
    (reports, "bagian_kurva", "section_kurva"),
    (reports, "bagian_360", "section_360"),
    (reports, "bagian_agreement", "section_agreement"),
    (reports, "bagian_penilai", "section_penilai"),
    (reports, "bagian_ikm", "section_ikm"),
    (reports, "bagian_kompetensi", "section_kompetensi"),
    (reports, "bagian_talenta", "section_talenta"),
    (reports, "bagian_tren", "section_tren"),
    (reports, "bagian_aturan", "section_aturan"),
]


@pytest.mark.parametrize(("module", "old", "new"), ALIASES, ids=[a[1] for a in ALIASES])
def test_old_name_is_the_new_object_and_both_are_exported(module, old, new):
    assert getattr(module, old) is getattr(module, new)
    assert new in module.__all__ and old in module.__all__


def test_names_outside_all_keep_their_alias():
    assert nasional.tulis_ringkasan is nasional.write_summary
    assert _rules_access.muat is _rules_access.load


def test_role_reliability_curve_is_not_the_agreement_one():
    """The rename removed a collision: the two reliability curves are different functions."""
    assert kc.calibrate.role_reliability_curve is not kc.agreement.reliability_curve


def test_plots_talenta_is_an_alias_module_of_plots_talent():
    from kinerja_calib.plots import talent, talenta

    assert set(talent.__all__) <= set(talenta.__all__)
    for name in talenta.__all__:
        assert getattr(talenta, name) is getattr(talent, name)
