"""Tests of capaian (PermenPANRB 8/2021 formulas) and the SMART checker."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _workbook_kecil import NIP, tables, workbook
from hypothesis import given
from hypothesis import strategies as st

import kinerja_calib as kc
from kinerja_calib.errors import ParameterError
from kinerja_calib.indicators import capaian, capaian_pegawai, check_smart

pos = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)


# ---- worked examples: PermenPANRB 8/2021 Lampiran Bab VI.A [S18], regulasi.md §2.4
def test_kondisi_normal():
    assert capaian(98, 100) == pytest.approx(98.0)  # R/T × 100


def test_kondisi_khusus():
    assert capaian(8, 10, "turun") == pytest.approx(120.0)  # (1 + (1 − 8/10)) × 100


def test_range_below_uses_lower_bound():
    # target 80–90 %, realisasi 70 % → 70/80 = 87.5 % [S18]
    assert capaian(70, 80, target_max=90) == pytest.approx(87.5)


def test_range_above_uses_upper_bound():
    # target 80–90 %, realisasi 92 % → the regulation's rule "use the upper bound" gives
    # 92/90 = 102.2 %. regulasi.md quotes the example as "92/90 = 113 %", which is
    # internally inconsistent (92/90 ≠ 1.13); we test the formula, not the misprint.
    assert capaian(92, 80, target_max=90) == pytest.approx(92 / 90 * 100)
    assert capaian(92, 80, target_max=90) == pytest.approx(102.22, abs=0.01)


def test_range_khusus_examples():
    # kondisi khusus, target 7–8 bulan [S18]
    assert capaian(6.5, 7, "turun", 8) == pytest.approx(107.14, abs=0.01)  # 1 + (1 − 6.5/7)
    assert capaian(9, 7, "turun", 8) == pytest.approx(87.5)  # 1 + (1 − 9/8)


def test_inside_range_is_default_100_and_configurable():
    assert capaian(85, 80, target_max=90) == 100.0
    assert capaian(7.5, 7, "turun", 8) == 100.0
    r = kc.rules.load(overrides={"capaian.dalam_rentang": 105.0})
    assert capaian(85, 80, target_max=90, rules=r) == 105.0


def test_vectorised_with_mixed_direction_and_series_index():
    real = pd.Series([50.0, 8.0, 92.0, np.nan], index=list("abcd"))
    out = capaian(
        real, [100, 10, 80, 10], ["naik", "turun", "naik", "naik"], [np.nan, np.nan, 90, np.nan]
    )
    assert list(out.index) == list("abcd")
    np.testing.assert_allclose(out.to_numpy()[:3], [50.0, 120.0, 92 / 90 * 100])
    assert np.isnan(out.iloc[3])


def test_zero_target_gives_nan_and_floor_at_zero():
    assert np.isnan(capaian(5, 0))
    assert capaian(30, 10, "turun") == 0.0  # (2 − 3) × 100 = −200 → floored at 0 %


def test_bad_direction_is_reported():
    with pytest.raises(ParameterError, match="arah"):
        capaian(1, 1, "naik_turun")


@given(pos, pos, pos)
def test_monotone_in_realisasi_for_naik(r1, r2, t):
    lo, hi = sorted((r1, r2))
    assert capaian(lo, t) <= capaian(hi, t) + 1e-9


@given(pos, pos, pos)
def test_antitone_in_realisasi_for_turun(r1, r2, t):
    lo, hi = sorted((r1, r2))
    assert capaian(lo, t, "turun") >= capaian(hi, t, "turun") - 1e-9


@given(pos, pos, pos, pos)
def test_range_targets_monotone_for_naik(r1, r2, a, b):
    lo_t, hi_t = sorted((a, b))
    if hi_t - lo_t < 1e-6:
        hi_t = lo_t + 1
    lo, hi = sorted((r1, r2))
    assert capaian(lo, lo_t, "naik", hi_t) <= capaian(hi, lo_t, "naik", hi_t) + 1e-9


# ---- workbook
def test_capaian_pegawai_weighted():
    per_ind, per_peg = capaian_pegawai(workbook(), periode="2026-S1")
    row = per_peg.set_index("nip").loc[NIP["c"]]
    # 60 % × 60 + 50 % × 40 (turun: 2 − 45/30 = 0.5) → 56 %
    assert row["capaian"] == pytest.approx(56.0)
    assert row["n_indikator"] == 2 and row["bobot_terisi"] == 100
    a = per_ind[(per_ind["nip"] == NIP["a"]) & (per_ind["kode_indikator"] == "P2")]
    assert a["capaian"].item() == pytest.approx(120.0)
    assert set(per_peg["periode"]) == {"2026-S1"}


def test_capaian_pegawai_caps_each_indicator():
    t = tables()
    t["realisasi"].loc[t["realisasi"]["nip"] == NIP["a"], "realisasi"] = [300.0, 24.0] * 2
    wb = kc.data.validate_tables(t)
    _, per_peg = capaian_pegawai(wb, periode="")  # "" = latest period
    a = per_peg.set_index("nip").loc[NIP["a"]]
    # P1 300 % capped at 120 (capaian.maksimum_per_indikator, UNCONFIRMED default)
    assert a["capaian"] == pytest.approx(120.0)
    assert per_peg["periode"].unique().tolist() == ["2026-S2"]


def test_unknown_period():
    with pytest.raises(ParameterError, match="tidak ada di data"):
        capaian_pegawai(workbook(), periode="2030-S1")


# ---- SMART
def _catalogue():
    return pd.DataFrame(
        {
            "kode_indikator": ["I1", "I2", "I3", "I4", "I5"],
            "kode_instansi": ["D01"] * 5,
            "jabatan": ["Perawat", "Perawat", "Perawat", "Guru", "Guru"],
            "nama_indikator": [
                "Jumlah pasien yang dilayani",
                "Meningkatkan pelayanan secara optimal",
                "Waktu tunggu pasien",
                "Persentase siswa tuntas KKM",
                "Skor observasi pengelolaan kelas",
            ],
            "satuan": ["pasien", "", "menit", "%", "skor"],
            "target": [100.0, np.nan, 30.0, np.nan, 0.0],
            "target_min": [np.nan, np.nan, np.nan, 90.0, np.nan],
            "target_max": [np.nan, np.nan, np.nan, 80.0, np.nan],
            "arah": ["naik", "naik", None, "naik", "naik"],
            "bobot": [50.0, 30.0, 20.0, 60.0, 30.0],
            "aspek": ["kuantitas", "kualitas", "waktu", "kualitas", "kualitas"],
            "sumber_data": ["laporan"] * 5,
        }
    )


def test_cek_smart_findings():
    f = check_smart(_catalogue())
    assert list(f.columns) == kc.indicators.KOLOM_TEMUAN
    by = {(r.kode_indikator, r.kriteria) for r in f.itertuples()}
    assert ("I2", "S") in by  # vague wording
    assert ("I2", "M") in by  # no satuan / no target
    assert ("I3", "S") in by  # no direction
    assert ("I4", "M") in by  # inverted range
    assert ("I5", "A") in by  # target 0
    assert ("I1", "S") not in by
    w = f[(f["kode_indikator"] == "") & (f["kriteria"] == "R")]
    assert set(w["jabatan"]) == {"Guru"}  # Guru weights sum to 90
    assert set(f["tingkat"]) <= {"galat", "peringatan"}
    assert f["temuan"].str.len().gt(0).all() and f["saran"].str.len().gt(0).all()


def test_cek_smart_clean_catalogue_and_history():
    t = tables()
    assert check_smart(t["indikator"], pegawai=t["pegawai"]).empty
    # history: past realisasi of P1 between 60 and 120; a target of 500 is out of reach
    ind = t["indikator"].copy()
    ind.loc[ind["kode_indikator"] == "P1", "target"] = 500.0
    f = check_smart(ind, realisasi=t["realisasi"], pegawai=t["pegawai"])
    a = f[f["kriteria"] == "A"]
    assert a["kode_indikator"].tolist() == ["P1"]
    assert "di luar rentang realisasi terdahulu (60–120)" in a["temuan"].item()


def test_cek_smart_relevance_against_pegawai():
    t = tables()
    ind = t["indikator"].copy()
    ind.loc[ind["kode_indikator"] == "K1", "jabatan"] = "Kepala Seksi"
    f = check_smart(ind, pegawai=t["pegawai"])
    assert ("K1", "R") in {(r.kode_indikator, r.kriteria) for r in f.itertuples()}


# ---- weight sensitivity, teaching catalogue, figures and widgets
def test_sensitivitas_bobot_shares_sum_to_one_and_weight_zero_equals_drop():
    # ambang 1: the fixture's small 360 groups count (this test is about the weights)
    # weights matter only under the average rule (per item, items are counted)
    rata = kc.rules.load(
        "permenpanrb-6-2022",
        overrides={"rating_per_butir.metode": "rata_rata", "perilaku.penentu": "komposit_360"},
    )
    s = kc.indicators.sensitivitas_bobot(
        workbook(), "P1", [0, 60, 100], rules=rata, periode="2026-S1", ambang_anonimitas=1
    )
    assert s.attrs["metode"] == "rata_rata"
    tot = s.groupby("bobot")["proporsi"].sum()
    np.testing.assert_allclose(tot.to_numpy(), 1.0)
    assert s.attrs["bobot_asli"] == 60.0 and s.attrs["jabatan"] == "Perawat"
    # weight 100 on P1 → capaian = P1 only: a 120 %, b 100 %, c 60 %, d 90 %
    w100 = s[s["bobot"] == 100].set_index("predikat")["jumlah"]
    # ratings: a di atas/di atas → SB; b sesuai/sesuai → Baik; c di bawah/di bawah → SK;
    # d sesuai/di bawah → K/M
    assert w100["Sangat Baik"] == 1 and w100["Baik"] == 1
    assert w100["Sangat Kurang"] == 1 and w100["Kurang/Misconduct"] == 1
    with pytest.raises(ParameterError, match="tidak ada"):
        kc.indicators.sensitivitas_bobot(workbook(), "ZZZ")


def test_contoh_indikator_has_the_intended_flaws():
    f = check_smart(kc.indicators.contoh_indikator())
    assert set(f["kode_indikator"]) == {"DIK-1", "DIK-2", "DIK-3", ""}


def test_indicator_figures_and_widgets():
    from matplotlib.figure import Figure

    from kinerja_calib.plots import indicators as gambar
    from kinerja_calib.widgets import indicators as app

    s = kc.indicators.sensitivitas_bobot(workbook(), "P1", periode="2026-S1")
    assert isinstance(gambar.weight_sensitivity(s), Figure)
    assert isinstance(gambar.ringkasan_smart(check_smart(kc.indicators.contoh_indikator())), Figure)
    skor = kc.score_workbook(workbook(), periode="2026-S1")
    assert isinstance(gambar.distribusi_capaian(skor), Figure)
    w = app.pembangun_indikator()
    draft = w.draf()
    assert len(draft) == 1 and check_smart(draft).empty
    nama = w.children[1].children[0]
    nama.value = "Meningkatkan pelayanan secara optimal"
    assert "S" in set(check_smart(w.draf())["kriteria"])
    panel = app.panel_sensitivitas(workbook(), "P1", periode="2026-S1")
    assert panel.children[0].value == "P1"
    assert "Tidak ada temuan" in app.tabel_temuan_html(check_smart(draft))
