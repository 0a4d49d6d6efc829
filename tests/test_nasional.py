"""The national pipeline (``kinerja-calib nasional``) on a small country (fast)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_calib import agreement, nasional
from kinerja_calib.cli import main
from kinerja_calib.errors import ParameterError
from kinerja_calib.labels import PERAN_PENILAI, PREDIKAT

N = 3000

KOLOM_RINGKASAN = [
    "provinsi",
    "n_pegawai",
    "n_instansi",
    "n_penilaian",
    "n_penilai",
    "n_tanpa_predikat",
    "porsi_berubah",
    "porsi_keliru_mentah",
    "porsi_keliru_terkalibrasi",
    "alpha",
    "icc1",
    "icc1_ci_low",
    "icc1_ci_high",
    "kategori_alpha",
    "kategori_icc",
]


@pytest.fixture(scope="module")
def keluaran(tmp_path_factory):
    out = tmp_path_factory.mktemp("nasional")
    assert nasional.run_and_write(pegawai=N, seed=1, keluaran=out) == 0
    return out


def test_alokasi_sums_and_minimum():
    a = nasional.alokasi_pegawai(4_300_000)
    assert int(a.sum()) == 4_300_000
    assert len(a) == 38 and a.index.is_unique
    assert a.idxmax() == "Jawa Barat"
    small = nasional.alokasi_pegawai(760)
    assert (small == 20).all()


@pytest.mark.parametrize("bad", [759, 10, 3.5, True])
def test_alokasi_rejects_bad_sizes(bad):
    with pytest.raises(ParameterError, match="pegawai"):
        nasional.alokasi_pegawai(bad)


def test_run_writes_summaries(keluaran):
    names = {p.name for p in keluaran.iterdir()}
    assert {
        "ringkasan_provinsi.csv",
        "predikat_provinsi.csv",
        "kesepakatan_provinsi.csv",
        "tahap.csv",
    } <= names
    assert not [n for n in names if n.startswith(".")]  # no temporary files left
    r = pd.read_csv(keluaran / "ringkasan_provinsi.csv")
    assert list(r.columns[: len(KOLOM_RINGKASAN)]) == KOLOM_RINGKASAN
    assert list(r["provinsi"]) == list(nasional.PROVINSI)  # one row per province, in order
    assert r["n_pegawai"].sum() == N
    # ≈ 40–50 ratings per pegawai (7 aspects × atasan, diri, 3–5 rekan, bawahan, public)
    assert 35 < r["n_penilaian"].sum() / N < 60
    for versi in ("mentah", "terkalibrasi"):
        cols = [c for c in r.columns if c.startswith(f"porsi_{versi}_")]
        assert len(cols) == len(PREDIKAT)
        np.testing.assert_allclose(r[cols].sum(axis=1), 1.0)
    for c in ("porsi_berubah", "porsi_keliru_mentah", "porsi_keliru_terkalibrasi"):
        assert r[c].between(0, 1).all()
    ok = r["alpha"].notna()
    assert ok.mean() > 0.8
    assert r.loc[ok, "alpha"].between(-1, 1).all()
    assert (r.loc[ok, "icc1_ci_low"] <= r.loc[ok, "icc1"]).all()
    assert (r.loc[ok, "icc1"] <= r.loc[ok, "icc1_ci_high"]).all()


def test_predikat_table_is_tidy(keluaran):
    p = pd.read_csv(keluaran / "predikat_provinsi.csv")
    assert list(p.columns) == ["provinsi", "versi", "predikat", "n", "porsi"]
    assert set(p["versi"]) == {"mentah", "terkalibrasi", "sebenarnya"}
    assert set(p["predikat"]) <= set(PREDIKAT)
    assert len(p) == 38 * 3 * len(PREDIKAT)
    sums = p.groupby(["provinsi", "versi"])["porsi"].sum()
    np.testing.assert_allclose(sums, 1.0)
    r = pd.read_csv(keluaran / "ringkasan_provinsi.csv").set_index("provinsi")
    n = p[p["versi"] == "sebenarnya"].groupby("provinsi")["n"].sum()
    assert (n == r["n_pegawai"].reindex(n.index)).all()


def test_agreement_table_per_role(keluaran):
    k = pd.read_csv(keluaran / "kesepakatan_provinsi.csv")
    assert set(k["peran_penilai"]) <= set(PERAN_PENILAI) - {"diri"}
    assert k.groupby("provinsi").size().max() <= 4
    # one atasan per pegawai: agreement among atasan cannot be measured
    assert (k.loc[k["peran_penilai"] == "atasan", "n_subjek"] == 0).all()
    assert k.loc[k["peran_penilai"] == "rekan", "icc1"].notna().mean() > 0.8
    assert "nip_penilai" not in k.columns


@pytest.fixture(scope="module")
def kecil():
    """The smallest country (20 pegawai per province), in this process."""
    return nasional.run_country(760, seed=3, pekerja=1, progress=False)


def test_other_seed_differs(kecil):
    b = nasional.run_country(760, seed=4, progress=False).ringkasan
    assert (kecil.ringkasan["n_pegawai"] == b["n_pegawai"]).all()
    assert not np.allclose(kecil.ringkasan["porsi_berubah"], b["porsi_berubah"])


def test_process_pool_gives_the_same_summaries(kecil):
    """Two worker processes (the national default) reproduce the in-process run exactly."""
    b = nasional.run_country(760, seed=3, pekerja=2, progress=False)
    assert kecil.pekerja == 1 and b.pekerja == 2
    pd.testing.assert_frame_equal(kecil.ringkasan, b.ringkasan, check_exact=True)
    pd.testing.assert_frame_equal(kecil.predikat, b.predikat, check_exact=True)
    pd.testing.assert_frame_equal(kecil.kesepakatan, b.kesepakatan, check_exact=True)
    assert b.memori_puncak_mib > 0


def test_pre_averaged_pairs_equal_agreement_on_long_table():
    """The province agreement from rater × ratee means equals agreement_table on the long
    table (which averages over the aspects itself)."""
    from kinerja_calib import simulate

    s = simulate.Scenario(n_pegawai=400, n_instansi=2, kompak=True)
    sim = simulate.simulate_ratings(s, seed=5)
    r = sim.ratings
    got = nasional._kesepakatan("Jambi", [nasional._pasangan_rata(r)])
    long = r[r["peran_penilai"] != "diri"]
    want = agreement.agreement_table(long, by=["peran_penilai"], statistics=("icc1", "alpha"))
    got_t = got["per_peran"].set_index("peran_penilai")
    want_t = want.set_index(want["peran_penilai"].astype(str))
    for peran in ("rekan", "bawahan", "pengguna_layanan"):
        for col in ("n_subjek", "icc1", "alpha"):
            np.testing.assert_allclose(
                float(got_t.at[peran, col]), float(want_t.at[peran, col]), rtol=1e-6
            )
    pooled = agreement.agreement_table(long, by=[], statistics=("icc1", "alpha")).iloc[0]
    np.testing.assert_allclose(got["semua"]["alpha"], pooled["alpha"], rtol=1e-6)


def test_cli_same_seed_same_summaries(keluaran, tmp_path, capsys):
    """The CLI run with the same seed reproduces the summaries exactly (and prints the stages)."""
    assert main(["nasional", "--pegawai", str(N), "--seed", "1", "--keluaran", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for word in ("tahap", "simulasi", "skor", "kalibrasi", "kesepakatan", "memori puncak"):
        assert word in out
    for name in ("ringkasan_provinsi.csv", "predikat_provinsi.csv", "kesepakatan_provinsi.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(keluaran / name), pd.read_csv(tmp_path / name), check_exact=True
        )
    t = pd.read_csv(tmp_path / "tahap.csv")
    assert list(t.columns) == ["tahap", "detik", "detik_cpu", "memori_puncak_mib", "baris"]
    assert list(t["tahap"][:4]) == ["simulasi", "skor", "kalibrasi", "kesepakatan"]
    assert (t["memori_puncak_mib"] > 0).all()


def test_cli_rejects_file_as_output_folder(tmp_path, capsys):
    f = tmp_path / "bukan_folder.csv"
    f.write_text("x")
    assert main(["nasional", "--pegawai", "760", "--seed", "1", "--keluaran", str(f)]) == 1
    assert "folder" in capsys.readouterr().err
    assert f.read_text() == "x"


def test_cli_rejects_tiny_country(capsys):
    assert main(["nasional", "--pegawai", "100", "--seed", "1"]) == 1
    assert "minimal" in capsys.readouterr().err
