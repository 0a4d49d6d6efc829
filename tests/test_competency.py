"""Tests of kinerja_calib.competency (JPM, PermenPANRB 38/2017)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kinerja_calib as kc
from kinerja_calib.errors import DataError, ParameterError

MANAJERIAL = [
    "Integritas",
    "Kerjasama",
    "Komunikasi",
    "Orientasi pada Hasil",
    "Pelayanan Publik",
    "Pengembangan Diri dan Orang Lain",
    "Mengelola Perubahan",
    "Pengambilan Keputusan",
]


def _table(levels: dict[str, tuple[list[int], list[int]]]) -> pd.DataFrame:
    rows = []
    for nip, (aktual, standar) in levels.items():
        for i, (a, s) in enumerate(zip(aktual, standar, strict=True)):
            rows.append((nip, MANAJERIAL[i], s, a))
    return pd.DataFrame(rows, columns=["nip", "kompetensi", "level_standar", "level_aktual"])


def test_dictionary():
    d = kc.competency.daftar_kompetensi()
    # regulasi.md §5.1 [S28]: 8 manajerial (M.01 Integritas ...) + Perekat Bangsa
    assert d["nama"].tolist() == [*MANAJERIAL, "Perekat Bangsa"]
    assert d["kode"].iloc[0] == "M.01"
    assert (d["jenis"] == "manajerial").sum() == 8
    assert d["jenis"].iloc[-1] == "sosial kultural"


def test_jpm_formula():
    # [S29]: JPM = sum(level individu) / sum(level standar) x 100 %
    assert kc.competency.jpm([3, 3, 3], [3, 3, 3]) == pytest.approx(100.0)
    assert kc.competency.jpm([2, 3, 4, 3], [3, 3, 3, 3]) == pytest.approx(100.0)
    assert kc.competency.jpm([2, 3, 3, 3], [3, 3, 3, 3]) == pytest.approx(11 / 12 * 100)


def test_jpm_above_100_without_cap():
    # [S29]: one public app shows JPM 138.89 % -> no cap there; e.g. 25 of 18 = 138.89 %.
    aktual = [4, 4, 3, 3, 3, 4, 4]  # sum 25
    standar = [3, 3, 2, 2, 2, 3, 3]  # sum 18
    assert round(kc.competency.jpm(aktual, standar), 2) == 138.89
    assert kc.competency.jpm(aktual, standar, batasi=True) == pytest.approx(100.0)


def test_capping_option_changes_only_surplus():
    aktual, standar = [5, 1, 3], [3, 3, 3]
    assert kc.competency.jpm(aktual, standar) == pytest.approx(100.0)
    assert kc.competency.jpm(aktual, standar, batasi=True) == pytest.approx(7 / 9 * 100)


def test_jpm_2d_and_nan():
    a = np.array([[3, 3, np.nan], [1, 1, 1]])
    s = np.array([[3, 3, 3], [2, 2, 2]])
    np.testing.assert_allclose(kc.competency.jpm(a, s), [100.0, 50.0])
    assert np.isnan(kc.competency.jpm([np.nan], [3]))


def test_jpm_shape_mismatch():
    with pytest.raises(ParameterError):
        kc.competency.jpm([1, 2], [1, 2, 3])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Peraturan BRIN 3/2023 Pasal 33 [S29a]: Optimal >= 90, Cukup 78 <= x < 90, Kurang < 78
        (100.0, "Optimal"),
        (90.0, "Optimal"),
        (89.99, "Cukup Optimal"),
        (78.0, "Cukup Optimal"),
        (77.99, "Kurang Optimal"),
        (0.0, "Kurang Optimal"),
        (138.89, "Optimal"),
    ],
)
def test_kategori_boundaries(value, expected):
    assert kc.competency.kategori_jpm(value) == expected


def test_kategori_override_thresholds():
    # Permen KKP 39/2023 Pasal 52 (other jabatan) [S29b]: 85 / 75 with its own names.
    rules = {
        "level": {"minimum": 1, "maksimum": 5},
        "jpm": {
            "batasi": False,
            "kategori": {"nama": ["Kurang", "Baik", "Sangat Baik"], "batas_bawah": [0, 75, 85]},
        },
    }
    out = kc.competency.kategori_jpm([74.9, 75, 84.9, 85], rules=rules)
    assert out.tolist() == ["Kurang", "Baik", "Baik", "Sangat Baik"]


def test_jpm_table():
    t = _table(
        {
            "199001012015031001": ([3, 2, 1, 3], [3, 3, 3, 3]),  # 9/12 = 75 % -> Kurang
            "199001012015031002": ([3, 3, 2, 3], [3, 3, 3, 3]),  # 11/12 = 91.7 % -> Optimal
            "199001012015031003": ([4, 4, 4, 4], [3, 3, 3, 3]),  # 133 %, no gaps
        }
    )
    out = kc.competency.jpm_table(t).set_index("nip")
    assert out["jpm"].round(2).tolist() == [75.0, 91.67, 133.33]
    assert out["kategori"].tolist() == ["Kurang Optimal", "Optimal", "Optimal"]
    assert out["n_kompetensi_kurang"].tolist() == [2, 1, 0]
    assert out["total_kesenjangan"].tolist() == [-3.0, -1.0, 0.0]
    # largest gap first
    assert out.loc["199001012015031001", "kompetensi_kurang"] == ("Komunikasi", "Kerjasama")
    assert out.loc["199001012015031003", "kompetensi_kurang"] == ()
    capped = kc.competency.jpm_table(t, batasi=True).set_index("nip")
    assert capped.loc["199001012015031003", "jpm"] == pytest.approx(100.0)


def test_jpm_table_matches_array_form():
    rng = np.random.default_rng(7)
    a = rng.integers(1, 6, size=(20, 8))
    s = rng.integers(2, 5, size=(20, 8))
    t = _table({f"{i:018d}": (a[i].tolist(), s[i].tolist()) for i in range(20)})
    for batasi in (False, True):
        table = kc.competency.jpm_table(t, batasi=batasi)["jpm"].to_numpy()
        np.testing.assert_allclose(table, kc.competency.jpm(a, s, batasi=batasi))


def test_kesenjangan_and_matrix():
    t = _table({"1": ([4, 2], [3, 3]), "2": ([3, 1], [3, 3])})
    g = kc.competency.kesenjangan(t)
    assert g["kesenjangan"].tolist() == [1.0, -1.0, 0.0, -2.0]
    assert g["memenuhi_standar"].tolist() == [True, False, True, False]
    m = kc.competency.matriks_kesenjangan(t.assign(unit_kerja="Sekretariat"), by="unit_kerja")
    assert list(m.columns) == ["Integritas", "Kerjasama"]
    assert m.loc["Sekretariat"].tolist() == [0.5, -1.5]


def test_bad_levels_reported():
    t = _table({"1": ([4, 2], [3, 3])})
    t.loc[1, "level_aktual"] = 7
    with pytest.raises(DataError) as err:
        kc.competency.jpm_table(t)
    assert err.value.problems[0].row == 3
    assert err.value.problems[0].column == "level_aktual"
    with pytest.raises(DataError, match="level_standar"):
        kc.competency.jpm_table(t.drop(columns="level_standar"))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=9),
)
def test_jpm_properties(pairs):
    a, s = zip(*pairs, strict=True)
    free = kc.competency.jpm(a, s)
    capped = kc.competency.jpm(a, s, batasi=True)
    assert capped <= free + 1e-9
    assert capped <= 100 + 1e-9
    # meeting every standard <=> capped JPM is exactly 100
    assert (capped == pytest.approx(100.0)) == all(x >= y for x, y in pairs)


def test_ringkasan_kompetensi():
    t = _table({"1": ([4, 2], [3, 3]), "2": ([3, 1], [3, 3]), "3": ([2, 3], [3, 3])})
    r = kc.competency.ringkasan_kompetensi(t)
    assert r["kompetensi"].tolist() == ["Kerjasama", "Integritas"]  # largest mean gap first
    assert r["kesenjangan_rata_rata"].tolist() == pytest.approx([-1.0, 0.0])
    assert r["pegawai_di_bawah_standar"].tolist() == [2, 1]
    assert r["persen_di_bawah_standar"].tolist() == pytest.approx([200 / 3, 100 / 3])
    assert r["n_pegawai"].tolist() == [3, 3]
