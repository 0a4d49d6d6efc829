"""Tests of the rules loader and the built-in rule files."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib import labels
from kinerja_calib.errors import ParameterError

MINE = ("permenpanrb-6-2022", "pp-30-2019", "pp-46-2011")


def test_available_lists_builtin_files():
    names = kc.rules.available()
    for n in MINE:
        assert n in names


@pytest.mark.parametrize("name", MINE)
def test_builtin_files_load_with_identity(name):
    r = kc.rules.load(name)
    assert r.nama == name == r.name
    assert r.rezim == name
    assert r.judul and r.sumber and r.berlaku_sejak
    df = r.belum_terkonfirmasi()
    assert list(df.columns) == ["aturan", "kunci", "nilai", "catatan"]
    assert len(df) > 0
    assert (df["catatan"].str.len() > 10).all()


def test_every_builtin_file_loads():
    for name in kc.rules.available():
        assert kc.rules.load(name).nama == name


def test_labels_match_vocabulary():
    r = kc.rules.load()
    assert r["rating"]["label"] == labels.RATING
    assert r["predikat"]["pegawai"] == labels.PREDIKAT
    assert r["predikat"]["organisasi"] == labels.PREDIKAT_ORGANISASI
    assert set(r["berakhlak"]) - {"sumber"} == set(labels.ASPEK_BERAKHLAK)
    # SE MenPANRB 20/2021: 7 values × 3 panduan perilaku = 21
    assert sum(len(r["berakhlak"][k]) for k in labels.ASPEK_BERAKHLAK) == 21


def test_unconfirmed_items_of_regulasi_are_flagged():
    r = kc.rules.load()
    keys = set(r.belum_terkonfirmasi()["kunci"])
    # regulasi.md §10 items 1, 3, 5 and §1.5 rounding
    assert "matriks.predikat" in keys
    assert "kurva.pembulatan" in keys
    assert "kurva.Istimewa[0].proporsi" in keys
    assert "bobot_peran.atasan" in keys
    assert "ambang.capaian.batas_bawah" in keys
    r30 = kc.rules.load("pp-30-2019")
    k30 = set(r30.belum_terkonfirmasi()["kunci"])
    assert "nilai_capaian_iki.titik[6].nilai_iki" in k30  # 100 % → 109, rule text unconfirmed
    assert "nilai_capaian_iki.titik[7].capaian" in k30  # Sangat Baik 101–110 inferred
    assert "predikat.pita[3].batas_bawah" in k30  # Pasal 41(5)(d) inclusivity
    # confirmed numbers are not listed: Cukup 80 % → 70 and > 110 % → 120 [S18]
    assert "nilai_capaian_iki.titik[4].nilai_iki" not in k30
    assert "nilai_capaian_iki.maksimum" not in k30
    r46 = kc.rules.load("pp-46-2011")
    k46 = set(r46.belum_terkonfirmasi()["kunci"])
    assert "waktu_biaya.rumus_efisiensi_tinggi" in k46
    assert "waktu_biaya.konstanta" not in k46


def test_rules_are_read_only():
    r = kc.rules.load()
    with pytest.raises(TypeError):
        r["ambang"]["capaian"]["batas_bawah"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        r["kurva"]["Baik"][0]["jenis"] = "min"  # type: ignore[index]


def test_get_path_and_info():
    r = kc.rules.load()
    assert r.get_path("kurva.Butuh Perbaikan[1].proporsi") == pytest.approx(0.10)
    assert math.isnan(r.get_path("kurva.Baik[2].proporsi"))
    info = r.info("ambang.capaian.batas_atas")
    assert info["terkonfirmasi"] is False and info["ditetapkan_instansi"] is False
    with pytest.raises(ParameterError, match="tidak memiliki kunci"):
        r.get_path("ambang.tidak_ada")


def test_override_marks_source_and_leaves_unconfirmed_list():
    r = kc.rules.load(
        "permenpanrb-6-2022",
        overrides={"ambang": {"capaian": {"batas_bawah": 85}}, "kurva.pembulatan": "terdekat"},
    )
    assert r["ambang"]["capaian"]["batas_bawah"] == 85
    assert r["kurva"]["pembulatan"] == "terdekat"
    info = r.info("ambang.capaian.batas_bawah")
    assert info["sumber"] == "ditetapkan instansi"
    assert info["ditetapkan_instansi"] is True
    keys = set(r.belum_terkonfirmasi()["kunci"])
    assert "ambang.capaian.batas_bawah" not in keys
    assert "kurva.pembulatan" not in keys
    own = r.ditetapkan_instansi()
    assert set(own["kunci"]) == {"ambang.capaian.batas_bawah", "kurva.pembulatan"}
    assert (own["sumber"] == "ditetapkan instansi").all()
    # the original is untouched
    assert kc.rules.load()["ambang"]["capaian"]["batas_bawah"] == 80.0


def test_override_of_whole_list_marks_every_leaf():
    new = [{"predikat": ["Sangat Baik"], "jenis": "maks", "proporsi": 0.5, "minimal_orang": 0}]
    r = kc.rules.load(overrides={"kurva": {"Istimewa": new}})
    assert r.get_path("kurva.Istimewa[0].proporsi") == 0.5
    assert r.info("kurva.Istimewa[0].proporsi")["sumber"] == "ditetapkan instansi"
    assert len(r["kurva"]["Istimewa"]) == 1


def test_override_errors_are_indonesian():
    with pytest.raises(ParameterError, match="tidak ada di aturan"):
        kc.rules.load(overrides={"ambang": {"capian": {"batas_bawah": 85}}})
    with pytest.raises(ParameterError, match="harus bertipe angka"):
        kc.rules.load(overrides={"ambang.capaian.batas_bawah": "delapan puluh"})
    with pytest.raises(ParameterError, match="batas_bawah"):
        kc.rules.load(overrides={"ambang.capaian.batas_bawah": 120})  # > batas_atas
    with pytest.raises(ParameterError, match="pembulatan"):
        kc.rules.load(overrides={"kurva.pembulatan": "acak"})


def test_load_accepts_rules_object_and_own_file(tmp_path):
    base = kc.rules.load()
    again = kc.rules.load(base, overrides={"ambang.perilaku.batas_atas": 4.5})
    assert again["ambang"]["perilaku"]["batas_atas"] == 4.5
    src = (kc.rules._FOLDER / "permenpanrb-6-2022.toml").read_text(encoding="utf-8")
    own = src.replace('nama = "permenpanrb-6-2022"', 'nama = "dinkes-kota-uji"').replace(
        "batas_bawah = { nilai = 80.0", "batas_bawah = { nilai = 75.0"
    )
    path = tmp_path / "dinkes.toml"
    path.write_text(own, encoding="utf-8")
    r = kc.rules.load(path)
    assert r.nama == "dinkes-kota-uji" and r.rezim == "permenpanrb-6-2022"
    assert r["ambang"]["capaian"]["batas_bawah"] == 75.0
    assert kc.scoring.predikat("Di atas ekspektasi", "Di atas ekspektasi", rules=r) == "Sangat Baik"


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('judul = "x"\nsumber = "y"\nberlaku_sejak = "2020"\n', "'nama' wajib ada"),
        ('nama = "x"\njudul = "x"\nsumber = "y"\nberlaku_sejak = "kemarin"\n', "berlaku_sejak"),
        (
            'nama = "x"\njudul = "x"\nsumber = "y"\nberlaku_sejak = "2020"\n'
            "a = { nilai = 1, terkonfirmasi = false }\n",
            "tanpa 'catatan'",
        ),
        (
            'nama = "x"\njudul = "x"\nsumber = "y"\nberlaku_sejak = "2020"\n'
            "a = { nilai = 1, lain = 2 }\n",
            "kunci 'nilai' bersama",
        ),
        ('nama = "x" judul', "bukan TOML yang sah"),
        (
            'nama = "x"\njudul = "x"\nsumber = "y"\nberlaku_sejak = "2020"\n'
            'rezim = "permenpanrb-6-2022"\n',
            "wajib ada",
        ),
    ],
)
def test_malformed_files_raise_parameter_error(tmp_path, text, pattern):
    path = tmp_path / "salah.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=pattern):
        kc.rules.load(path)


def test_unknown_name():
    with pytest.raises(ParameterError, match="tidak dikenal"):
        kc.rules.load("permenpanrb-99-2099")


def test_catatan_note_is_visible_markdown():
    note = kc.rules.catatan_belum_terkonfirmasi(kc.rules.load(), bagian="kurva")
    assert note.startswith("> **⚠ Catatan: aturan belum terkonfirmasi**")
    assert "kurva.pembulatan" in note and "ambang" not in note
    r = kc.rules.load(overrides={"ambang.capaian.batas_bawah": 85})
    note = kc.rules.catatan_belum_terkonfirmasi(r, bagian="ambang.capaian")
    assert "Ditetapkan instansi" in note and "batas_bawah` = 85" in note


def test_parameter_table_lists_confirmed_and_unconfirmed():
    p = kc.rules.load("pp-46-2011").parameter()
    assert {"aturan", "kunci", "nilai", "terkonfirmasi", "sumber", "catatan"} <= set(p.columns)
    row = p.set_index("kunci").loc["waktu_biaya.konstanta"]
    assert row["nilai"] == 1.76 and bool(row["terkonfirmasi"])
    assert isinstance(p, pd.DataFrame)
