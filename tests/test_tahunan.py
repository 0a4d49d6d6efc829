"""Annual predikat from periodic ones (6/2022) and PP 46/2011 tugas tambahan / kreativitas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib import labels
from kinerja_calib.errors import ParameterError
from kinerja_calib.tahunan import nilai_skp_pp46, predikat_tahunan

SB, B, BP, KM, SK = labels.PREDIKAT[::-1]
MEDIAN = kc.rules.load(overrides={"predikat_tahunan.metode": "median"})


def _table():
    rows = [
        ("A", "2025-TW4", SK),
        ("A", "2026-TW3", B),
        ("A", "2026-TW1", SB),  # out of order on purpose
        ("A", "2026-TW4", BP),
        ("A", "2026-TW2", B),
        ("B", "2026-S1", KM),
        ("B", "2026-S2", None),  # not rated yet: ignored
    ]
    return pd.DataFrame(rows, columns=["nip", "periode", "predikat"])


def test_last_period_is_the_default_and_years_are_separate():
    out = predikat_tahunan(_table())
    assert out.attrs["metode"] == "periode_terakhir"
    got = {(r.nip, r.tahun): (r.predikat_tahunan, r.n_periode) for r in out.itertuples()}
    assert got == {("A", "2025"): (SK, 1), ("A", "2026"): (BP, 4), ("B", "2026"): (KM, 1)}
    assert out.loc[out["nip"] == "B", "periode_terakhir"].item() == "2026-S1"


def test_median_takes_the_lower_middle():
    out = predikat_tahunan(_table(), rules=MEDIAN).set_index(["nip", "tahun"])
    # 2026 for A: BP < B = B < SB → middle pair (B, B) → B
    assert out.loc[("A", "2026"), "predikat_tahunan"] == B
    two = pd.DataFrame({"nip": "C", "periode": ["2026-S1", "2026-S2"], "predikat": [SB, BP]})
    assert predikat_tahunan(two, rules=MEDIAN)["predikat_tahunan"].item() == BP


def test_median_matches_a_plain_reference_on_random_data():
    rng = np.random.default_rng(11)
    n, k = 300, 4
    ranks = rng.integers(0, 5, size=(n, k))
    df = pd.DataFrame(
        {
            "nip": np.repeat([f"{i:018d}" for i in range(n)], k),
            "periode": np.tile([f"2026-TW{j + 1}" for j in range(k)], n),
            "predikat": np.asarray(labels.PREDIKAT, dtype=object)[ranks.ravel()],
        }
    ).sample(frac=1.0, random_state=3)
    out = predikat_tahunan(df, rules=MEDIAN).set_index("nip")["predikat_tahunan"]
    expect = [labels.PREDIKAT[int(np.sort(row)[(k - 1) // 2])] for row in ranks]
    assert out.sort_index().tolist() == expect
    last = predikat_tahunan(df).set_index("nip")["predikat_tahunan"].sort_index()
    assert last.tolist() == [labels.PREDIKAT[int(r)] for r in ranks[:, -1]]


def test_predikat_tahunan_errors():
    bad = _table().assign(predikat=["Istimewa"] * 7)
    with pytest.raises(ParameterError, match="tidak dikenal"):
        predikat_tahunan(bad)
    with pytest.raises(ParameterError, match="kolom"):
        predikat_tahunan(_table().drop(columns="periode"))
    with pytest.raises(ParameterError, match="predikat_tahunan.metode"):
        predikat_tahunan(_table(), rules="pp-30-2019")  # a regime without the rule
    with pytest.raises(ParameterError, match="predikat_tahunan.metode"):
        kc.rules.load(overrides={"predikat_tahunan.metode": "rata_rata"})


def test_nilai_skp_pp46_point_tables_from_rules():
    counts = [0, 1, 3, 4, 6, 7, 20]
    got = nilai_skp_pp46(np.full(7, 80.0), counts)
    np.testing.assert_array_equal(got - 80.0, [0, 1, 1, 2, 2, 3, 3])
    kr = nilai_skp_pp46([70.0, 70.0, 70.0, 70.0], 0, ["unit_kerja", "organisasi", "negara", None])
    np.testing.assert_array_equal(kr, [73.0, 76.0, 82.0, 70.0])
    # an instansi's own table (overrides) is used and marked as its own
    r = kc.rules.load("pp-46-2011", overrides={"tambahan.tugas_tambahan_batas": [1.0, 3.0, 5.0]})
    np.testing.assert_array_equal(nilai_skp_pp46(np.zeros(3), [2, 3, 5], rules=r), [1, 2, 3])
    assert r.info("tambahan.tugas_tambahan_batas")["sumber"] == "ditetapkan instansi"


def test_nilai_skp_pp46_flags_and_errors():
    keys = set(kc.rules.load("pp-46-2011").belum_terkonfirmasi()["kunci"])
    assert {
        "tambahan.tugas_tambahan_batas",
        "tambahan.tugas_tambahan",
        "tambahan.kreativitas_tingkat",
        "tambahan.kreativitas",
    } <= keys
    with pytest.raises(ParameterError, match="kreativitas"):
        nilai_skp_pp46([80.0], 0, ["provinsi"])
    with pytest.raises(ParameterError, match="≥ 0"):
        nilai_skp_pp46([80.0], [-1])
    with pytest.raises(ParameterError, match="naik tegas"):
        kc.rules.load("pp-46-2011", overrides={"tambahan.tugas_tambahan_batas": [4.0, 1.0, 7.0]})
    with pytest.raises(ParameterError, match="tabel 'tambahan'"):
        nilai_skp_pp46([80.0], rules="pp-30-2019")
