"""The vignette bank of rater training: loads, keys agree with the rules engine, coverage."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib import labels
from kinerja_calib.errors import ParameterError
from kinerja_calib.pelatihan._bank import KESALAHAN, load_bank

ASPEK = tuple(labels.ASPEK_BERAKHLAK)


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def _kunci(bank, butir):
    k = bank.kunci
    return k[k["butir"] == butir].set_index("kode")["nilai"]


def test_bank_size_and_pairs(bank):
    assert len(bank.kasus) >= 24
    assert bank.kasus["kode"].is_unique
    par = dict(zip(bank.kasus["kode"], bank.kasus["paralel"], strict=True))
    for kode, p in par.items():
        assert p and p != kode
        assert par[p] == kode
        assert bank.kasus_paralel(kode) == p
    with pytest.raises(ParameterError, match="V99"):
        bank.kasus_paralel("V99")


def test_hasil_kerja_key_equals_engine(bank):
    ind = bank.indikator
    cap = kc.indicators.capaian(
        ind["realisasi"], ind["target"], ind["arah"].to_numpy(), ind["target_atas"].to_numpy()
    )
    d = ind.assign(rating=kc.scoring.rating_butir(pd.Series(np.asarray(cap))).to_numpy())
    got = kc.scoring.agregasi_rating(d, "kode", "rating", "jenis").set_index("kode")["rating"]
    key = _kunci(bank, "rating_hasil_kerja")
    pd.testing.assert_series_equal(
        got.astype(str).sort_index(), key.sort_index(), check_names=False
    )
    # Every rating level occurs, so the bank can train all three.
    assert set(key) == set(labels.RATING)


def test_perilaku_key_follows_aspects(bank):
    k = bank.kunci[bank.kunci["butir"].isin(ASPEK)].copy()
    skor = k["nilai"].astype(int).astype(float)
    k["rating"] = np.asarray(kc.scoring.rating_perilaku(skor.to_numpy()))
    got = kc.scoring.agregasi_rating(k, "kode", "rating").set_index("kode")["rating"]
    key = _kunci(bank, "rating_perilaku")
    pd.testing.assert_series_equal(
        got.astype(str).sort_index(), key.sort_index(), check_names=False
    )
    assert set(key) == set(labels.RATING)


def test_predikat_key_from_matrix(bank):
    hk, pk = _kunci(bank, "rating_hasil_kerja"), _kunci(bank, "rating_perilaku")
    got = pd.Series(
        np.asarray(kc.scoring.predikat(hk.to_numpy(), pk.loc[hk.index].to_numpy())),
        index=hk.index,
    )
    key = _kunci(bank, "predikat")
    assert (got.astype(str) == key.loc[hk.index]).all()
    assert key.nunique() >= 4


def test_every_case_complete(bank):
    n = len(bank.kasus)
    assert len(bank.perilaku) == 7 * n
    assert (bank.perilaku.groupby("kode")["aspek"].apply(set) == set(ASPEK)).all()
    assert bank.perilaku["bukti"].str.len().min() > 20
    butir = {"rating_hasil_kerja", "rating_perilaku", "predikat", *ASPEK}
    assert (bank.kunci.groupby("kode")["butir"].apply(set) == butir).all()
    assert bank.kunci["alasan"].str.len().min() > 20
    assert bank.butir_dinilai == ("rating_hasil_kerja", "rating_perilaku", *ASPEK)
    assert bank.indikator.groupby("kode")["bobot"].sum().round(9).eq(100).all()


def test_coverage(bank):
    k = bank.kasus
    assert set(k["jenis_jabatan"]) == set(labels.JENIS_JABATAN)
    assert k["jenis_jabatan"].value_counts().min() >= 4
    assert k["instansi_jenis"].nunique() >= 6
    sasaran = k["kesalahan_sasaran"].str.split(",").explode()
    assert set(sasaran) == set(KESALAHAN)
    ind = bank.indikator
    assert (ind["arah"] == "turun").groupby(ind["kode"]).any().sum() >= 6
    assert ind["target_atas"].notna().groupby(ind["kode"]).any().sum() >= 6
    assert (ind["jenis"] == "tambahan").any()


def _copy_bank(tmp_path):
    src = tmp_path / "bank"
    root = __import__("importlib").resources.files("kinerja_calib.pelatihan").joinpath("bank")
    src.mkdir()
    for p in root.iterdir():
        if p.name.endswith(".toml"):
            (src / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    return src


def test_errors_name_file_and_field(tmp_path):
    src = _copy_bank(tmp_path)
    f = sorted(src.glob("*.toml"))[0]
    teks = f.read_text(encoding="utf-8")
    f.write_text(teks.replace("[perilaku]\nberorientasi_pelayanan =", "[perilaku]\nx_ ="))
    with pytest.raises(ParameterError, match=rf"{f.name}.*'perilaku'"):
        load_bank(src)
    f.write_text(teks.replace('arah = "naik"', 'arah = "atas"', 1), encoding="utf-8")
    with pytest.raises(ParameterError, match=rf"{f.name}.*'indikator #\d+\.arah'"):
        load_bank(src)
    f.write_text(teks, encoding="utf-8")
    shutil.copy(f, src / "zz_salinan.toml")
    with pytest.raises(ParameterError, match="lebih dari satu berkas"):
        load_bank(src)
    (src / "zz_salinan.toml").unlink()
    assert len(load_bank(src).kasus) == len(load_bank().kasus)
    with pytest.raises(ParameterError, match="tidak ditemukan"):
        load_bank(tmp_path / "tidak_ada")
