"""SMART checker: direction contradicting the wording, lopsided weights, quiet small jabatan."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib.indicators import check_smart


def _catalogue(names, arah, bobot=None, jabatan="Perawat"):
    n = len(names)
    return pd.DataFrame(
        {
            "kode_instansi": "X",
            "jabatan": jabatan,
            "kode_indikator": [f"I{i}" for i in range(n)],
            "nama_indikator": names,
            "satuan": "kasus",
            "target": 10.0,
            "arah": arah,
            "bobot": bobot if bobot is not None else [100.0 / n] * n,
        }
    )


def _flagged(f: pd.DataFrame, word: str) -> list[str]:
    return sorted(f.loc[f["temuan"].str.contains(word), "kode_indikator"])


def test_direction_contradicting_the_wording():
    names = [
        "Menurunkan angka infeksi nosokomial",  # I0 naik: wrong
        "Waktu tunggu pelayanan",  # I1 naik: wrong (smaller is better)
        "Meningkatkan jumlah peserta vaksinasi 90 %",  # I2 turun: wrong
        "Persentase penurunan angka stunting",  # I3 naik: right (counts the change)
        "Persentase pengaduan yang ditindaklanjuti",  # I4 naik: right
        "Rata-rata waktu penyelesaian layanan",  # I5 turun: right
        "Berkurangnya tunggakan retribusi",  # I6 turun: right
        "Ketepatan waktu layanan dokumen",  # I7 naik: right (punctuality)
    ]
    arah = ["naik", "naik", "turun", "naik", "naik", "turun", "turun", "naik"]
    f = check_smart(_catalogue(names, arah))
    assert _flagged(f, "bertentangan") == ["I0", "I1", "I2"]
    row = f[f["kode_indikator"] == "I1"].iloc[0]
    assert (row["kriteria"], row["tingkat"]) == ("S", "peringatan")
    assert "Waktu tunggu pelayanan" in row["temuan"] and "'turun'" in row["saran"]


def test_lopsided_weights_threshold_and_small_jabatan_from_rules():
    f = check_smart(_catalogue(["Jumlah a", "Jumlah b", "Jumlah c"], "naik", [70.0, 15, 15]))
    w = f[f["temuan"].str.startswith("Bobot timpang")]
    assert len(w) == 1 and w["kode_indikator"].item() == "" and w["kriteria"].item() == "R"
    assert "70 %" in w["temuan"].item() and "(3 indikator)" in w["temuan"].item()
    # exactly at the threshold (0.6 in the rules file) is not lopsided
    assert check_smart(
        _catalogue(["Jumlah a", "Jumlah b", "Jumlah c"], "naik", [60.0, 20, 20])
    ).empty
    # two indicators: below minimal_indikator = 3, quiet however uneven
    assert check_smart(_catalogue(["Jumlah a", "Jumlah b"], "naik", [90.0, 10])).empty
    # the thresholds are read from the rules: an instansi that sets 0.5 gets the warning
    r = kc.rules.load(overrides={"cek_smart.bobot_timpang": 0.5})
    g = check_smart(
        _catalogue(["Jumlah a", "Jumlah b", "Jumlah c"], "naik", [60.0, 20, 20]), rules=r
    )
    assert g["temuan"].str.startswith("Bobot timpang").sum() == 1
    assert r.info("cek_smart.bobot_timpang")["sumber"] == "ditetapkan instansi"
    # a rules file without a check_smart section skips the practice checks (no hidden default)
    h = check_smart(
        _catalogue(["Jumlah a", "Jumlah b", "Jumlah c"], "naik", [90.0, 5, 5]), rules="pp-30-2019"
    )
    assert not h["temuan"].str.startswith("Bobot timpang").any()


def test_thresholds_are_flagged_unconfirmed():
    keys = set(kc.rules.load().belum_terkonfirmasi()["kunci"])
    for k in ("bobot_timpang", "minimal_indikator", "minimal_realisasi", "minimal_pemegang"):
        assert f"cek_smart.{k}" in keys
    assert "predikat_tahunan.metode" in keys


def _history(n_holders: int) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = [
        (f"2025-S{s}", f"19800101200001100{h}", "I0", float(v))
        for h in range(n_holders)
        for s, v in zip((1, 2, 3), rng.uniform(40, 60, 3), strict=True)
    ]
    return pd.DataFrame(rows, columns=["periode", "nip", "kode_indikator", "realisasi"])


@pytest.mark.parametrize(("holders", "warned"), [(1, False), (3, False), (4, True), (6, True)])
def test_history_check_quiet_on_jabatan_held_by_few(holders, warned):
    ind = _catalogue(["Jumlah dokumen", "Jumlah surat", "Jumlah arsip"], "naik")
    ind.loc[0, "target"] = 500.0  # far above every past realisasi (40-60)
    f = check_smart(ind, realisasi=_history(holders))
    assert (f["kriteria"] == "A").any() == warned
    r = kc.rules.load(overrides={"cek_smart.minimal_pemegang": 1})
    assert (check_smart(ind, realisasi=_history(holders), rules=r)["kriteria"] == "A").any()


def test_sample_catalogue_catches_all_planted_weak_indicators(samples_dir):
    ind = pd.read_csv(samples_dir / "indikator.csv", dtype={"kode_instansi": str})
    rl = pd.read_csv(samples_dir / "realisasi.csv", dtype={"nip": str})
    pg = pd.read_csv(samples_dir / "pegawai.csv", dtype={"nip": str})
    weak = pd.read_csv(samples_dir / "kebenaran" / "indikator_lemah.csv")
    f = check_smart(ind, realisasi=rl, pegawai=pg)
    per_ind = weak["kode_indikator"].isin(f["kode_indikator"])
    per_jab = weak.set_index(["kode_instansi", "jabatan"]).index.isin(
        f.loc[f["kode_indikator"] == "", ["kode_instansi", "jabatan"]].apply(tuple, axis=1)
    )
    assert (per_ind | per_jab).all(), weak.loc[~(per_ind | per_jab), "jenis_kelemahan"].tolist()
    kinds = dict(zip(weak["jenis_kelemahan"], per_ind | per_jab, strict=True))
    assert kinds["arah_keliru"] and kinds["bobot_timpang"]
    # quiet: 1,323 indicators, at most a handful of findings beyond the 5 planted ones
    assert len(f) <= 10
