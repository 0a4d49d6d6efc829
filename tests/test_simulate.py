"""Tests of the rater-bias simulator (kinerja_calib.simulate)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_calib.errors import ParameterError
from kinerja_calib.labels import ASPEK_BERAKHLAK, PERAN_PENILAI
from kinerja_calib.simulate import (
    KOLOM_PENILAIAN,
    Scenario,
    rate_organisation,
    simulate_ratings,
    variance_shares,
)


@pytest.fixture(scope="module")
def sim():
    return simulate_ratings(Scenario(n_pegawai=800, periode=("2026-S1", "2026-S2")), seed=11)


def test_same_seed_identical_different_seed_differs():
    a = simulate_ratings(Scenario(n_pegawai=300), seed=5)
    b = simulate_ratings(Scenario(n_pegawai=300), seed=5)
    c = simulate_ratings(Scenario(n_pegawai=300), seed=6)
    pd.testing.assert_frame_equal(a.ratings, b.ratings)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    pd.testing.assert_frame_equal(a.raters, b.raters)
    pd.testing.assert_frame_equal(a.pegawai, b.pegawai)
    assert not a.pegawai["nip"].equals(c.pegawai["nip"])
    assert not np.array_equal(a.truth["skor_sebenarnya"], c.truth["skor_sebenarnya"])


def test_structure_invariants(sim):
    r = sim.ratings
    assert tuple(r.columns) == KOLOM_PENILAIAN
    assert set(r["peran_penilai"].unique()) <= set(PERAN_PENILAI)
    assert set(r["aspek"].unique()) == set(ASPEK_BERAKHLAK)
    assert set(r["nilai"].unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert r["nilai"].dtype == np.float64
    # self-rating only as diri, and every pegawai rates themself
    assert ((r["nip"] == r["nip_penilai"]) == (r["peran_penilai"] == "diri")).all()
    # every rater rates every aspect once per ratee and period; no double roles
    per_pair = r.groupby(["periode", "nip", "nip_penilai", "peran_penilai"]).size()
    assert (per_pair == len(ASPEK_BERAKHLAK)).all()
    pairs = per_pair.reset_index()
    assert not pairs.duplicated(["periode", "nip", "nip_penilai"]).any()
    # atasan rating = nip_atasan
    at = pairs[pairs["peran_penilai"] == "atasan"].merge(sim.pegawai[["nip", "nip_atasan"]])
    assert (at["nip_penilai"] == at["nip_atasan"]).all()
    heads_with_atasan = sim.pegawai["nip_atasan"].notna().sum()
    assert at["nip"].nunique() == heads_with_atasan
    # external raters carry PL- ids, only as pengguna_layanan
    pl = pairs["nip_penilai"].str.startswith("PL-")
    assert (pairs.loc[pl, "peran_penilai"] == "pengguna_layanan").all()
    # truth and raters tables
    assert sim.truth.index.name == "nip" and len(sim.truth) == len(sim.pegawai)
    for a in ASPEK_BERAKHLAK:
        assert f"sebenarnya_{a}" in sim.truth
    assert {"skor_sebenarnya", "hasil_kerja_sebenarnya"} <= set(sim.truth.columns)
    assert sim.raters.index.name == "nip_penilai"
    assert abs(sim.raters["keparahan"].mean()) < 1e-12
    assert set(r["nip_penilai"].unique()) == set(sim.raters.index)


def test_nip_valid_and_unique(sim):
    nip = sim.pegawai["nip"]
    assert nip.is_unique and nip.str.fullmatch(r"\d{18}").all()
    birth = pd.to_datetime(nip.str[:8], format="%Y%m%d", errors="coerce")
    assert birth.notna().all()
    assert nip.str[14].isin(["1", "2"]).all()
    heads = sim.pegawai["nip_atasan"].isna()
    assert heads.sum() == len(sim.instansi)


def test_invalid_scenario_message_in_indonesian():
    with pytest.raises(ParameterError, match="harus"):
        Scenario(sd_halo=-1)


def test_default_variance_shares_match_scullen_2000():
    # Scullen, Mount & Goff (2000): rater 53–62 %, ratee 21–25 %, error 11–18 %
    v = variance_shares(Scenario())
    assert 0.50 <= v["rater"] <= 0.62
    assert 0.20 <= v["sebenarnya"] <= 0.26
    assert 0.10 <= v["galat"] <= 0.20


def test_rate_existing_organisation_keeps_truth(sim):
    peg = sim.pegawai.assign(skor_sebenarnya=np.linspace(-2, 2, len(sim.pegawai)))
    out = rate_organisation(peg, Scenario(), seed=3, instansi=sim.instansi)
    np.testing.assert_allclose(out.truth["skor_sebenarnya"], peg["skor_sebenarnya"])
    assert set(out.raters["wilayah"]) <= set(sim.instansi["wilayah"])
