"""Reference tables live as package data files, not as literals in the code.

``kinerja_calib/referensi/provinsi.csv`` (national province table, read by ``nasional``) and
``kinerja_calib/referensi/indikator_contoh.toml`` (teaching catalogue of notebook 01, read by
``indicators.contoh_indikator``).
"""

from __future__ import annotations

import fnmatch
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

import kinerja_calib as kc
from kinerja_calib import _referensi, nasional

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "kinerja_calib"
FOLDER = PKG / "referensi"


def test_reference_files_are_package_data():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["kinerja_calib"]
    files = sorted(p.relative_to(PKG).as_posix() for p in FOLDER.iterdir() if p.is_file())
    assert {"referensi/provinsi.csv", "referensi/indikator_contoh.toml"} <= set(files)
    for f in files:
        assert any(fnmatch.fnmatch(f, g) for g in globs), f"{f} is not package data: {globs}"
    assert _referensi.FOLDER == FOLDER


def test_provinsi_comes_from_the_data_file():
    csv = pd.read_csv(FOLDER / "provinsi.csv", encoding="utf-8")
    assert list(csv.columns) == ["provinsi", "penduduk_juta"]
    assert list(nasional.PROVINSI) == list(csv["provinsi"])  # order of the file
    assert list(nasional.PROVINSI.values()) == list(csv["penduduk_juta"])
    assert len(nasional.PROVINSI) == 38 and csv["provinsi"].is_unique
    assert all(type(v) is float for v in nasional.PROVINSI.values())
    assert nasional.PROVINSI["Jambi"] == 3.55 and nasional.PROVINSI["Jawa Barat"] == 48.27
    # Sensus Penduduk 2020: 270,2 million; the four new Papua provinces split, rounded
    assert 268 < sum(nasional.PROVINSI.values()) < 272
    # the table is no longer a literal in the code
    kode = "".join(f.read_text(encoding="utf-8") for f in (PKG / "nasional").glob("*.py"))
    assert kode and '"Jawa Barat": 48.27' not in kode


def test_alokasi_uses_the_file_order_and_shares():
    n = nasional.alokasi_pegawai(100_000)
    assert list(n.index) == list(nasional.PROVINSI)
    assert n.sum() == 100_000
    assert n.idxmax() == "Jawa Barat" and n.idxmin() in {"Papua Selatan", "Papua Barat"}


def test_contoh_indikator_comes_from_the_data_file(tmp_path, monkeypatch):
    src = (FOLDER / "indikator_contoh.toml").read_text(encoding="utf-8")
    assert "Meningkatkan kemampuan mengajar" not in (PKG / "indicators.py").read_text(
        encoding="utf-8"
    )
    shutil.copytree(FOLDER, tmp_path, dirs_exist_ok=True)
    extra = (
        '\n[[indikator]]\nkode_indikator = "KES-4"\njabatan = "Bidan Terampil"\n'
        'nama_indikator = "Cakupan kunjungan nifas"\nsatuan = "%"\ntarget_min = 80.0\n'
        'target_max = 90.0\narah = "naik"\nbobot = 100\naspek = "kualitas"\n'
        'sumber_data = "laporan"\nkolom_tak_dikenal = "x"\n'
    )
    (tmp_path / "indikator_contoh.toml").write_text(src + extra, encoding="utf-8")
    monkeypatch.setattr(_referensi, "FOLDER", tmp_path)
    df = kc.indicators.contoh_indikator()
    assert list(df["kode_indikator"]) == [
        "KES-1",
        "KES-2",
        "KES-3",
        "DIK-1",
        "DIK-2",
        "DIK-3",
        "KES-4",
    ]
    last = df.iloc[-1]
    assert (last["target_min"], last["target_max"], last["bobot"]) == (80.0, 90.0, 100.0)
    assert np.isnan(last["target"])
    assert "kolom_tak_dikenal" not in df.columns  # only the indikator schema's columns


def test_contoh_indikator_keeps_its_deliberate_flaws():
    df = kc.indicators.contoh_indikator().set_index("kode_indikator")
    assert list(df.columns) == [c for c in kc.data.KOLOM["indikator"] if c != "kode_indikator"]
    assert (df["kode_instansi"] == "CONTOH").all()
    assert df.loc["DIK-1", "satuan"] == ""  # written but empty
    assert np.isnan(df.loc["DIK-1", "target"])
    assert pd.isna(df.loc["DIK-3", "arah"])  # not filled in
    assert (df.loc["DIK-2", "target_min"], df.loc["DIK-2", "target_max"]) == (3.5, 3.0)
    assert df.groupby("jabatan")["bobot"].sum().to_dict() == {
        "Guru Ahli Pertama": 90.0,
        "Perawat Ahli Pertama": 100.0,
    }
    for c in ("target", "target_min", "target_max", "bobot"):
        assert df[c].dtype == np.float64
