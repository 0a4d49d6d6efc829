"""Tests of kinerja_calib.survey (SKM / IKM, PermenPANRB 14/2017)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kinerja_calib as kc
from kinerja_calib.errors import DataError, ParameterError

# [S25] reference worked example (repository rennn9/GASPUL_BACKEND,
# rumus_perhitungan_ikm_lengkap.md, "Triwulan III"): 29 respondents; answer counts per unsur
# as (n answering 4, n answering 3, n answering 2).
COUNTS_S25 = {
    "u1": (18, 11, 0),  # total 105, NRR 3.6207
    "u2": (14, 15, 0),  # 101, 3.4828
    "u3": (15, 12, 2),  # 100, 3.4483
    "u4": (29, 0, 0),  # 116, 4.0000
    "u5": (15, 14, 0),  # 102, 3.5172
    "u6": (18, 11, 0),  # 105, 3.6207
    "u7": (19, 10, 0),  # 106, 3.6552
    "u8": (18, 11, 0),  # 105, 3.6207
    "u9": (28, 1, 0),  # 115, 3.9655
}
NRR_S25 = [3.6207, 3.4828, 3.4483, 4.0000, 3.5172, 3.6207, 3.6552, 3.6207, 3.9655]
# NRR tertimbang as printed in [S25]: these equal NRR x 0.11 (not x 0.1111 as the text says).
TERTIMBANG_S25 = [0.3983, 0.3831, 0.3793, 0.4400, 0.3869, 0.3983, 0.4021, 0.3983, 0.4362]


@pytest.fixture
def s25() -> pd.DataFrame:
    cols = {u: [4] * a + [3] * b + [2] * c for u, (a, b, c) in COUNTS_S25.items()}
    df = pd.DataFrame(cols).astype(float)
    df.insert(0, "id_responden", [f"R{i + 1}" for i in range(len(df))])
    return df


def test_reference_totals(s25):
    # [S25]: total of all answers 955 over 29 x 9 cells.
    assert len(s25) == 29
    assert s25.filter(like="u").to_numpy().sum() == 955


def test_nrr_per_unsur_reference(s25):
    out = kc.survey.nrr(s25, metode="bobot_0_11")
    assert out["unsur"].tolist() == [f"u{i}" for i in range(1, 10)]
    np.testing.assert_allclose(out["nrr"].round(4), NRR_S25)  # [S25] NRR/Unsur column
    # [S25] NRR tertimbang column: 3.6207 -> 0.3983 is x 0.11 (3.6207 x 0.1111 = 0.4023).
    np.testing.assert_allclose(out["nrr_tertimbang"].round(4), TERTIMBANG_S25, atol=1e-4)
    assert out["nrr_tertimbang"].iloc[0].round(4) == 0.3983
    assert (out["n_jawaban"] == 29).all()


def test_ikm_reference_two_methods(s25):
    tertimbang = kc.survey.ikm(s25, metode="bobot_0_11").iloc[0]
    # [S25]: total NRR tertimbang 3.6224, IKM = 3.6224 x 25 = 90.56
    assert round(tertimbang["nrr_tertimbang"], 4) == 3.6224
    assert round(tertimbang["ikm"], 2) == 90.56
    rata = kc.survey.ikm(s25, metode="rata_rata").iloc[0]
    # [S25]: "rata-rata NRR = 32.9311 / 9 = 3.6590; IKM = 91.48" (= 955 / 261 x 25)
    assert round(rata["nrr_tertimbang"], 4) == 3.6590
    assert round(rata["ikm"], 2) == 91.48
    assert rata["ikm"] == pytest.approx(955 / 261 * 25)
    # [S25]: both fall in mutu A, Sangat Baik (>= 88.31)
    for row in (tertimbang, rata):
        assert row["mutu"] == "A"
        assert row["kinerja"] == "Sangat Baik"
        assert row["n_responden"] == 29
    assert tertimbang["metode"] == "bobot_0_11" and rata["metode"] == "rata_rata"


def test_default_method_is_exact(s25):
    assert kc.survey.ikm(s25)["metode"].iloc[0] == "rata_rata"


def test_max_ikm_depends_on_method():
    # regulasi.md §4: with 0.11 the maximum is 99, with 1/9 exactly 100.
    df = pd.DataFrame({f"u{i}": [4.0, 4.0] for i in range(1, 10)})
    assert kc.survey.ikm(df, metode="rata_rata")["ikm"].iloc[0] == pytest.approx(100.0)
    assert kc.survey.ikm(df, metode="bobot_0_11")["ikm"].iloc[0] == pytest.approx(99.0)
    low = pd.DataFrame({f"u{i}": [1.0] for i in range(1, 10)})
    assert kc.survey.ikm(low)["ikm"].iloc[0] == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("value", "expected", "label"),
    [
        # interval table [S25] / regulasi.md §4
        (25.00, "D", "Tidak Baik"),
        (64.99, "D", "Tidak Baik"),
        (65.00, "C", "Kurang Baik"),
        (76.60, "C", "Kurang Baik"),
        (76.61, "B", "Baik"),
        (88.30, "B", "Baik"),
        (88.31, "A", "Sangat Baik"),
        (100.0, "A", "Sangat Baik"),
    ],
)
def test_mutu_boundaries(value, expected, label):
    assert kc.survey.mutu(value) == expected
    assert kc.survey.kinerja_unit(value) == label


def test_mutu_vectorised_shapes():
    s = pd.Series([64.99, np.nan, 88.31], index=["a", "b", "c"])
    out = kc.survey.mutu(s)
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b", "c"]
    assert out["a"] == "D" and out["c"] == "A" and pd.isna(out["b"])
    arr = kc.survey.mutu(np.array([65.0, 76.61]))
    assert arr.tolist() == ["C", "B"]
    assert kc.survey.mutu(None) is None


def test_mutu_rejects_unconverted_scale():
    with pytest.raises(ParameterError, match="x 25"):
        kc.survey.mutu(120.0)


def test_grouped_ikm_matches_per_group(s25):
    a = s25.assign(kode_instansi="K1", unit_layanan="Loket A")
    b = s25.assign(kode_instansi="K1", unit_layanan="Loket B")
    b[[f"u{i}" for i in range(1, 10)]] = 3.0
    out = kc.survey.ikm(pd.concat([a, b]), by=["kode_instansi", "unit_layanan"])
    assert out[["kode_instansi", "unit_layanan"]].values.tolist() == [
        ["K1", "Loket A"],
        ["K1", "Loket B"],
    ]
    assert out["ikm"].iloc[0] == pytest.approx(955 / 261 * 25)
    assert out["ikm"].iloc[1] == pytest.approx(75.0)
    assert out["mutu"].tolist() == ["A", "C"]
    assert {f"nrr_u{i}" for i in range(1, 10)} <= set(out.columns)


def test_missing_answers_are_skipped():
    df = pd.DataFrame({f"u{i}": [4.0, 2.0] for i in range(1, 10)})
    df.loc[1, "u1"] = np.nan
    out = kc.survey.nrr(df)
    assert out.loc[out["unsur"] == "u1", "nrr"].item() == 4.0
    assert out.loc[out["unsur"] == "u1", "n_jawaban"].item() == 1
    assert kc.survey.ikm(df)["n_responden"].item() == 2


def test_unanswered_unsur_gives_nan():
    df = pd.DataFrame({f"u{i}": [4.0] for i in range(1, 10)})
    df["u9"] = np.nan
    assert np.isnan(kc.survey.ikm(df)["ikm"].item())


def test_out_of_scale_reported_with_rows():
    df = pd.DataFrame({f"u{i}": [4, 3, 2] for i in range(1, 10)})
    df.loc[2, "u3"] = 5
    with pytest.raises(DataError) as err:
        kc.survey.ikm(df)
    (p,) = err.value.problems
    assert (p.row, p.column) == (4, "u3")  # header = row 1, third respondent = row 4


def test_missing_column_and_bad_method():
    df = pd.DataFrame({f"u{i}": [4] for i in range(1, 9)})
    with pytest.raises(DataError, match="u9"):
        kc.survey.ikm(df)
    df["u9"] = 4
    with pytest.raises(ParameterError, match="metode"):
        kc.survey.ikm(df, metode="0.1111")


def test_unsur_list_order():
    unsur = kc.survey.daftar_unsur()
    assert unsur["kode"].tolist() == [f"u{i}" for i in range(1, 10)]
    assert unsur["nama"].iloc[0] == "Persyaratan"
    assert unsur["nama"].iloc[-1].startswith("Penanganan pengaduan")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(1, 4), min_size=9, max_size=9),
        min_size=1,
        max_size=30,
    )
)
def test_ikm_properties(rows):
    df = pd.DataFrame(rows, columns=[f"u{i}" for i in range(1, 10)]).astype(float)
    exact = kc.survey.ikm(df, metode="rata_rata")["ikm"].item()
    rounded = kc.survey.ikm(df, metode="bobot_0_11")["ikm"].item()
    # exact method = grand mean x 25; the 0.11 method is exactly 0.99 of it
    assert exact == pytest.approx(df.to_numpy().mean() * 25)
    assert rounded == pytest.approx(exact * 0.99)
    assert 25 - 1e-9 <= exact <= 100 + 1e-9
