"""Tests of scoring: 8/2021 nilai capaian IKI, 6/2022 matrix, kurva, legacy regimes."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from _workbook_kecil import NIP, tables, workbook
from hypothesis import given
from hypothesis import strategies as st

import kinerja_calib as kc
from kinerja_calib import labels
from kinerja_calib.errors import ParameterError
from kinerja_calib.scoring import (
    check_kurva,
    kurva_constraints,
    nilai_capaian_iki,
    nilai_pp30,
    nilai_pp46,
    nilai_waktu_biaya,
    perilaku_score,
    predikat,
    predikat_pp30,
    rating_hasil_kerja,
    rating_perilaku,
    sebutan_pp46,
)

B, S, A = labels.RATING  # di bawah, sesuai, di atas


# ---- PermenPANRB 8/2021 nilai capaian IKI [S18]
@pytest.mark.parametrize(
    ("capaian", "expected", "source"),
    [
        (98.0, 88.0, "Lampiran 8/2021 worked example: Cukup, 70 + (98 − 80) = 88"),
        (100.0, 109.0, "Lampiran 8/2021 worked example: Baik → 109"),
        (111.0, 120.0, "> 110 % → 120"),
        (250.0, 120.0, "> 110 % → 120"),
        (80.0, 70.0, "Cukup lower end: 70 + 19/19 × 0"),
        (99.0, 89.0, "Cukup upper end: 70 + 19/19 × 19"),
        (60.0, 50.0, "Kurang lower end"),
        (79.0, 69.0, "Kurang upper end"),
        (59.0, 49.0, "Sangat Kurang: 59/59 × 49"),
        (29.5, 24.5, "Sangat Kurang: 29.5/59 × 49"),
        (0.0, 0.0, "Sangat Kurang at 0"),
        (101.0, 110.0, "Sangat Baik lower end (UNCONFIRMED formula)"),
        (110.0, 120.0, "Sangat Baik upper end"),
    ],
)
def test_nilai_capaian_iki_published_points(capaian, expected, source):
    assert nilai_capaian_iki(capaian) == pytest.approx(expected), source


def test_nilai_capaian_iki_target_maksimal_and_vector():
    # 'bebas temuan material' 100 % where the target is the maximum → Sangat Baik 120 [S18]
    out = nilai_capaian_iki(np.array([100.0, 100.0]), target_maksimal=[True, False])
    np.testing.assert_allclose(out, [120.0, 109.0])
    s = nilai_capaian_iki(pd.Series([98.0, np.nan], index=["x", "y"]))
    assert s.index.tolist() == ["x", "y"] and s["x"] == 88.0 and np.isnan(s["y"])


def test_nilai_capaian_iki_gap_rule_bulatkan():
    r = kc.rules.load("pp-30-2019", overrides={"nilai_capaian_iki.celah": "bulatkan"})
    assert nilai_capaian_iki(99.4, rules=r) == 89.0
    assert nilai_capaian_iki(99.5, rules=r) == 109.0
    assert nilai_capaian_iki(99.5) == pytest.approx(99.0)  # default: linear across the gap


finite = st.floats(min_value=-50, max_value=300, allow_nan=False)


@given(finite, finite)
def test_nilai_capaian_iki_monotone(a, b):
    lo, hi = sorted((a, b))
    assert nilai_capaian_iki(lo) <= nilai_capaian_iki(hi) + 1e-9


@pytest.mark.parametrize(("lo", "hi"), [(0, 59), (60, 79), (80, 99), (101, 110)])
def test_nilai_capaian_iki_continuous_inside_confirmed_bands(lo, hi):
    x = np.linspace(lo, hi, 2001)
    y = nilai_capaian_iki(x)
    slope = np.diff(y) / np.diff(x)
    assert np.ptp(slope) < 1e-9  # linear → continuous inside the band
    assert np.all(np.diff(y) > 0)


def test_nilai_capaian_iki_bands_meet_at_confirmed_boundaries():
    # Kurang's formula at 80 equals Cukup's at 80 (both 70): continuous across 79→80
    kurang_at_80 = 50 + (69 - 50) / (79 - 60) * (80 - 60)
    assert kurang_at_80 == pytest.approx(nilai_capaian_iki(80.0))


# ---- PermenPANRB 6/2022 matrix, all 9 cells (regulasi.md §1.3 [S8][S40])
MATRIX = {
    (A, B): "Kurang/Misconduct",
    (A, S): "Baik",
    (A, A): "Sangat Baik",
    (S, B): "Kurang/Misconduct",
    (S, S): "Baik",
    (S, A): "Baik",
    (B, B): "Sangat Kurang",
    (B, S): "Butuh Perbaikan",
    (B, A): "Butuh Perbaikan",
}


@pytest.mark.parametrize(("cell", "expected"), list(MATRIX.items()))
def test_predikat_matrix_cell(cell, expected):
    assert predikat(*cell) == expected


def test_predikat_vectorised_series_and_missing():
    pairs = list(itertools.product(labels.RATING, labels.RATING))
    h = pd.Series([p[0] for p in pairs] + [None], index=range(10, 20))
    p = pd.Series([p[1] for p in pairs] + [S], index=range(10, 20))
    out = predikat(h, p)
    assert out.index.tolist() == list(range(10, 20))
    assert out.iloc[:9].tolist() == [MATRIX[c] for c in pairs]
    assert pd.isna(out.iloc[9])
    assert out.cat.categories.tolist() == list(labels.PREDIKAT) and out.cat.ordered


def test_predikat_unknown_label():
    with pytest.raises(ParameterError, match="tidak dikenal"):
        predikat(["Luar biasa"], [S])


def test_ratings_from_numbers_use_rules_thresholds():
    assert rating_hasil_kerja(79.99) == B and rating_hasil_kerja(80.0) == S
    assert rating_hasil_kerja(109.99) == S and rating_hasil_kerja(110.0) == A
    assert rating_perilaku(2.99) == B and rating_perilaku(3.0) == S and rating_perilaku(4.0) == A
    r = kc.rules.load(overrides={"ambang": {"capaian": {"batas_bawah": 90.0}}})
    assert rating_hasil_kerja(85.0, rules=r) == B


# ---- kurva distribusi (SE MenPANRB 3/2023 as paraphrased by [S10a]; all UNCONFIRMED)
def _mix(sb=0, b=0, bp=0, km=0, sk=0):
    return (
        ["Sangat Baik"] * sb
        + ["Baik"] * b
        + ["Butuh Perbaikan"] * bp
        + ["Kurang/Misconduct"] * km
        + ["Sangat Kurang"] * sk
    )


def test_kurva_constraints_contract():
    for org in labels.PREDIKAT_ORGANISASI:
        k = kurva_constraints(org)
        assert {
            "aturan",
            "predikat",
            "jenis",
            "proporsi",
            "minimal_orang",
            "terkonfirmasi",
            "keterangan",
        } <= set(k.columns)
        assert set(k["jenis"]) <= {"min", "maks"}
        assert all(isinstance(t, tuple) for t in k["predikat"])
        assert not k["terkonfirmasi"].any()  # every SE percentage is UNCONFIRMED
    k = kurva_constraints("Sangat Kurang")
    sb = k[k["predikat"] == ("Sangat Baik",)]
    assert sb["jenis"].item() == "maks" and sb["proporsi"].item() == 0.0
    with pytest.raises(ParameterError, match="tidak dikenal"):
        kurva_constraints("Cukup")


@pytest.mark.parametrize(
    ("org", "mix"),
    [
        ("Istimewa", _mix(sb=7, b=3)),  # 70 % SB is the cap
        ("Baik", _mix(sb=1, b=7, bp=1, km=1)),  # 70 % Baik, BP/KM present
        ("Butuh Perbaikan", _mix(sb=1, b=3, bp=6)),  # 60 % BP, 10 % SB
        ("Kurang", _mix(sb=1, bp=1, km=6, b=2)),
        ("Sangat Kurang", _mix(sk=6, km=1, b=3)),
    ],
)
def test_cek_kurva_compliant(org, mix):
    assert check_kurva(mix, org).empty


@pytest.mark.parametrize(
    ("org", "mix", "aturan", "pindah"),
    [
        ("Istimewa", _mix(sb=8, b=2), "Istimewa-1", 1),  # 80 % SB > 70 %
        ("Istimewa", _mix(b=10), "Istimewa-2", 1),  # no Sangat Baik at all
        ("Baik", _mix(b=8, bp=2), "Baik-1", 1),  # 80 % Baik > 70 %
        ("Baik", _mix(sb=3, b=7), "Baik-3", 1),  # nobody Butuh Perbaikan / Kurang
        ("Butuh Perbaikan", _mix(b=5, bp=5), "Butuh Perbaikan-1", 1),  # 50 % < 60 %
        ("Butuh Perbaikan", _mix(sb=2, bp=8), "Butuh Perbaikan-2", 1),  # 20 % SB > 10 %
        ("Kurang", _mix(km=6, b=4), "Kurang-2", 1),  # no 10 % Butuh Perbaikan
        ("Sangat Kurang", _mix(sk=6, km=1, sb=1, b=2), "Sangat Kurang-3", 1),  # SB must be 0
    ],
)
def test_cek_kurva_violations(org, mix, aturan, pindah):
    v = check_kurva(mix, org)
    row = v.set_index("aturan").loc[aturan]
    assert row["harus_pindah"] == pindah
    assert not row["terpenuhi"]


def test_cek_kurva_small_units_rounding():
    # 7 pegawai, Butuh Perbaikan: maks 10 % SB → floor(0.7) = 0 persons (literal reading)
    mix = _mix(sb=1, bp=6)
    v = check_kurva(mix, "Butuh Perbaikan")
    assert v["aturan"].tolist() == ["Butuh Perbaikan-2"] and v["batas"].item() == 0
    # min 60 % of 7 → ceil(4.2) = 5 persons
    v = check_kurva(_mix(bp=4, b=3), "Butuh Perbaikan")
    assert v.set_index("aturan").loc["Butuh Perbaikan-1", "batas"] == 5
    # the lenient rounding allows ceil(0.7) = 1 Sangat Baik and needs floor(4.2) = 4 BP
    r = kc.rules.load(overrides={"kurva.pembulatan": "ke_atas_untuk_maks_ke_bawah_untuk_min"})
    assert check_kurva(mix, "Butuh Perbaikan", rules=r).empty
    assert check_kurva(_mix(bp=4, b=3), "Butuh Perbaikan", rules=r).empty


def test_cek_kurva_grouped_by_instansi_and_all_rows():
    df = pd.DataFrame(
        {
            "kode_instansi": ["X"] * 10 + ["Y"] * 10,
            "predikat": _mix(b=7, bp=3) + _mix(sb=9, b=1),
        }
    )
    v = check_kurva(df, {"X": "Baik", "Y": "Istimewa"}, by="kode_instansi")
    assert v["kode_instansi"].tolist() == ["Y"]
    assert v["harus_pindah"].item() == 2  # 9 SB, at most 7
    allrows = check_kurva(df, "Baik", by="kode_instansi", semua=True)
    assert set(allrows["kode_instansi"]) == {"X", "Y"} and "terpenuhi" in allrows


def test_cek_kurva_ignores_missing_predikat():
    assert check_kurva(_mix(sb=7, b=3) + [None], "Istimewa").empty


# ---- PP 30/2019 Pasal 41(5) bands [S12][S17]
@pytest.mark.parametrize(
    ("nilai", "inovasi", "expected"),
    [
        (120.0, True, "Sangat Baik"),
        (110.0, True, "Sangat Baik"),
        (110.0, False, "Baik"),  # ≥ 110 without innovation is Baik
        (109.99, True, "Baik"),
        (90.0, False, "Baik"),
        (89.99, False, "Cukup"),
        (70.0, False, "Cukup"),
        (69.99, False, "Kurang"),
        (50.0, False, "Kurang"),  # 50 ≤ x < 70 (inclusivity UNCONFIRMED)
        (49.99, False, "Sangat Kurang"),
    ],
)
def test_predikat_pp30_boundaries(nilai, inovasi, expected):
    assert predikat_pp30(nilai, inovasi=inovasi) == expected


def test_nilai_pp30_weights():
    assert nilai_pp30(100.0, 80.0, pakai_360=False) == pytest.approx(94.0)  # 70/30
    assert nilai_pp30(100.0, 80.0, pakai_360=True) == pytest.approx(92.0)  # 60/40


# ---- PP 46/2011 + Perka BKN 1/2013 [S21][S22][S23][S24]
def test_rule_176():
    assert nilai_waktu_biaya(12.0, 12.0) == pytest.approx(76.0)  # RW = TW → 76
    assert nilai_waktu_biaya(0.76 * 12, 12.0) == pytest.approx(100.0)  # RW = 0.76 TW → 100
    # efficiency 50 % (> 24 %): 76 − (((1.76·12 − 6)/12·100) − 100) = 76 − 26 = 50
    assert nilai_waktu_biaya(6.0, 12.0) == pytest.approx(50.0)
    # late: RW = 1.2 TW → (1.76 − 1.2) × 100 = 56
    assert nilai_waktu_biaya(14.4, 12.0) == pytest.approx(56.0)


@pytest.mark.parametrize(
    ("nilai", "expected"),
    [
        (100, "Sangat Baik"),
        (91, "Sangat Baik"),
        (90.9, "Baik"),
        (76, "Baik"),
        (75, "Cukup"),
        (61, "Cukup"),
        (60, "Kurang"),
        (51, "Kurang"),
        (50, "Buruk"),
        (0, "Buruk"),
    ],
)
def test_sebutan_pp46_boundaries(nilai, expected):
    assert sebutan_pp46(float(nilai)) == expected


def test_sebutan_pp46_rounding_option():
    r = kc.rules.load("pp-46-2011", overrides={"sebutan.pecahan": "bulatkan"})
    assert sebutan_pp46(90.5, rules=r) == "Sangat Baik"
    assert sebutan_pp46(90.5) == "Baik"


def test_nilai_pp46_weights():
    assert nilai_pp46(80.0, 90.0) == pytest.approx(84.0)  # 60/40


# ---- 360 composite and whole workbooks
def test_perilaku_score_excludes_self_and_weights_roles():
    r360 = tables()["penilaian_360"]
    sp = perilaku_score(r360, periode="2026-S1", ambang_anonimitas=1).set_index("nip")
    a = sp.loc[NIP["a"]]
    # atasan 4.5 (w 0.4), rekan 4.0 (w 0.2); renormalised: (0.4·4.5 + 0.2·4.0)/0.6
    assert a["skor_perilaku"] == pytest.approx((0.4 * 4.5 + 0.2 * 4.0) / 0.6)
    assert a["skor_diri"] == 5.0 and a["n_penilai"] == 3
    r = kc.rules.load(overrides={"bobot_peran": {"atasan": 0.5, "rekan": 0.5}})
    sp2 = perilaku_score(r360, r, periode="2026-S1", ambang_anonimitas=1).set_index("nip")
    assert sp2.loc[NIP["a"], "skor_perilaku"] == pytest.approx(4.25)
    # default threshold 3: a's two rekan are hidden -> atasan alone, one rater counted
    d = perilaku_score(r360, periode="2026-S1").set_index("nip").loc[NIP["a"]]
    assert d["skor_perilaku"] == 4.5 and d["n_penilai"] == 1 and pd.isna(d["skor_rekan"])


def test_score_workbook_contract():
    s = kc.score_workbook(workbook())
    need = [
        "nip",
        "kode_instansi",
        "unit_kerja",
        "jabatan",
        "periode",
        "capaian",
        "rating_hasil_kerja",
        "skor_perilaku",
        "skor_diri",
        "rating_perilaku",
        "predikat",
    ]
    assert all(c in s.columns for c in need)
    assert len(s) == 5 * 2 and not s.duplicated(["nip", "periode"]).any()
    row = s[(s["nip"] == NIP["c"]) & (s["periode"] == "2026-S1")].iloc[0]
    assert row["capaian"] == pytest.approx(56.0)
    assert row["predikat"] == "Sangat Kurang"
    a = s[(s["nip"] == NIP["a"])].iloc[0]
    assert a["predikat"] == "Sangat Baik"


def test_head_of_unit_uses_unit_capaian():
    s = kc.score_workbook(workbook(), periode="2026-S1").set_index("nip")
    head = s.loc[NIP["kepala"]]
    assert bool(head["kepala_unit"]) and head["capaian"] == pytest.approx(90.0)
    assert head["capaian_dasar_rating"] == pytest.approx(s["capaian"].mean())
    r = kc.rules.load(overrides={"kepala_unit.metode": "individu"})
    s2 = kc.score_workbook(workbook(), rules=r, periode="2026-S1").set_index("nip")
    assert s2.loc[NIP["kepala"], "capaian_dasar_rating"] == pytest.approx(90.0)


def test_score_workbook_numeric_regimes():
    s30 = kc.score_workbook(workbook(), "pp-30-2019", periode="2026-S1").set_index("nip")
    b = s30.loc[NIP["b"]]
    assert b["nilai_hasil_kerja"] == pytest.approx(109.0)  # both indicators at 100 % → 109
    assert b["nilai_akhir"] == pytest.approx(0.6 * 109 + 0.4 * b["nilai_perilaku"])
    assert b["predikat"] == "Baik" and "predikat_6_2022" in s30
    inov = kc.score_workbook(
        workbook(), "pp-30-2019", periode="2026-S1", inovasi={NIP["a"]}
    ).set_index("nip")
    assert inov.loc[NIP["a"], "predikat"] == "Sangat Baik"
    s46 = kc.score_workbook(workbook(), "pp-46-2011", periode="2026-S1").set_index("nip")
    # b: kuantitas 100, waktu on time → 76; mean 88
    assert s46.loc[NIP["b"], "nilai_hasil_kerja"] == pytest.approx(88.0)


def test_compare_regimes_columns():
    c = kc.compare_regimes(workbook(), periode="")
    assert {"predikat_6_2022", "nilai_pp30", "predikat_pp30", "nilai_pp46", "sebutan_pp46"} <= set(
        c.columns
    )
    assert len(c) == 5 and set(c["periode"]) == {"2026-S2"}


def test_score_workbook_unknown_regime():
    with pytest.raises(ParameterError):
        kc.score_workbook(workbook(), rules="skm-14-2017")


# ---- figures (smoke: they draw, return a Figure, and carry Indonesian labels)
def test_scoring_figures():
    from matplotlib.figure import Figure

    from kinerja_calib.plots import scoring as gambar

    s = kc.score_workbook(workbook(), periode="2026-S1")
    fig = gambar.matriks_predikat(s)
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("Sangat Baik" in t and "n = 1" in t for t in texts)
    fig = gambar.kurva_distribusi(s)
    assert isinstance(fig, Figure) and "D01" in fig.axes[0].get_title()
    with pytest.raises(ParameterError, match="lebih dari satu periode"):
        gambar.kurva_distribusi(kc.score_workbook(workbook()))
    fig = gambar.perbandingan_rezim(kc.compare_regimes(workbook(), periode=""))
    assert fig.axes[0].get_yticklabels()[0].get_text() == "PermenPANRB 6/2022"


@pytest.mark.slow
def test_samples_score_fast_enough_and_consistent(samples_dir):
    if not (samples_dir / "pegawai.csv").exists():
        pytest.skip("data/samples belum dibuat")
    wb = kc.load_workbook(samples_dir)
    s = kc.score_workbook(wb)
    assert len(s) == len(wb.pegawai) * len(set(wb.realisasi["periode"]))
    assert set(s["predikat"].dropna()) <= set(labels.PREDIKAT)
    # self never enters the composite: the composite ignores the diri column
    sp = perilaku_score(wb.penilaian_360)
    with_self = kc.rules.load(overrides={"bobot_peran.diri": 1.0})
    sp2 = perilaku_score(wb.penilaian_360, with_self)
    assert not np.allclose(sp["skor_perilaku"], sp2["skor_perilaku"])
    v = check_kurva(
        s[s["periode"] == s["periode"].max()], "predikat_organisasi", by="kode_instansi", semua=True
    )
    assert set(v["kode_instansi"]) == set(wb.instansi["kode_instansi"])


def test_angka_kredit_bkn_3_2023_examples():
    # BKN deck "Perhitungan konversi predikat kinerja dalam angka kredit" [S16]:
    # Ahli Pertama koefisien 12.5 → Sangat Baik 150 % → 18.75; 2 bulan Baik → 2.08
    assert kc.scoring.angka_kredit("Sangat Baik", 12.5) == pytest.approx(18.75)
    assert kc.scoring.angka_kredit("Baik", 12.5, bulan=2) == pytest.approx(2.0833, abs=1e-4)
    s = kc.scoring.angka_kredit(pd.Series(["Butuh Perbaikan", None]), 12.5)
    assert s.iloc[0] == pytest.approx(9.375) and np.isnan(s.iloc[1])


rating = st.sampled_from(labels.RATING)


@given(rating, rating, rating)
def test_predikat_monotone_in_each_rating(r1, r2, other):
    # a better hasil kerja (or perilaku) never gives a worse predikat (6/2022 matrix)
    lo, hi = sorted((r1, r2), key=labels.RATING.index)
    rank = labels.PREDIKAT.index
    assert rank(predikat(lo, other)) <= rank(predikat(hi, other))
    assert rank(predikat(other, lo)) <= rank(predikat(other, hi))


def test_cek_kurva_by_two_columns():
    df = pd.DataFrame(
        {
            "kode_instansi": ["X"] * 20,
            "periode": ["2026-S1"] * 10 + ["2026-S2"] * 10,
            "predikat": _mix(b=7, bp=3) + _mix(b=10),
        }
    )
    v = check_kurva(df, "Baik", by=["kode_instansi", "periode"])
    assert set(v["periode"]) == {"2026-S2"}
    assert set(v["aturan"]) == {"Baik-1", "Baik-3"}


def test_score_workbook_pp30_without_360_uses_70_30():
    s = kc.score_workbook(workbook(), "pp-30-2019", periode="2026-S1", pakai_360=False)
    b = s.set_index("nip").loc[NIP["b"]]
    assert b["nilai_akhir"] == pytest.approx(0.7 * 109 + 0.3 * b["nilai_perilaku"])
