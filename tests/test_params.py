"""Shared notebook-parameter check (kinerja_calib.params)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from kinerja_calib import data as data_mod
from kinerja_calib.errors import DataError, ParameterError
from kinerja_calib.params import ProblemCollector, validate

FIXTURES = Path(__file__).parent / "fixtures" / "reports"


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The two-instansi hand-made workbook of the report tests (UJI-A, UJI-B; 2026-S1/S2)."""
    spec = importlib.util.spec_from_file_location("mini_workbook", FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    folder = tmp_path_factory.mktemp("mini")
    mod.tulis_mini(folder)
    return folder


def test_pemeriksa_number_and_choice_messages():
    cek = ProblemCollector()
    assert cek.angka("seed", 3, bulat=True)
    assert not cek.angka("seed", "x", bulat=True)
    assert not cek.angka("n", True, 0, bulat=True)  # bool is not a number here
    assert not cek.angka("target", 1.0, 0, 1, buka=True, contoh="0.8")
    assert cek.angka("batas", 1.0, 0, 1)
    assert not cek.angka("k", 1, 2, 50, bulat=True)
    assert not cek.pilihan("peran", "teman", ["atasan", "rekan"])
    assert cek.pilihan("peran", "rekan", ["atasan", "rekan"])
    assert cek.masalah == [
        "seed harus bilangan bulat, bukan 'x'.",
        "n harus bilangan bulat ≥ 0, bukan True.",
        "target harus angka di antara 0 dan 1 (mis. 0.8), bukan 1.0.",
        "k harus bilangan bulat 2–50, bukan 1.",
        "peran harus salah satu dari ['atasan', 'rekan'], bukan 'teman'.",
    ]
    with pytest.raises(ParameterError, match=r"(?s)seed.*n harus.*target.*k harus.*peran"):
        cek.periksa()
    ProblemCollector().periksa()  # nothing to report: no error


def test_validate_defaults_whole_province_latest_period(mini):
    ctx = validate(str(mini))
    assert ctx.kode_instansi == "" and ctx.periode == "2026-S2"
    assert ctx.periode_semua == ["2026-S1", "2026-S2"]
    assert ctx.aturan.name == "permenpanrb-6-2022"
    assert set(ctx.wb.instansi["kode_instansi"]) == {"UJI-A", "UJI-B"}
    assert ctx.data == Path(mini).resolve() and ctx.kebenaran is None


def test_validate_filters_instansi_and_checks_period(mini):
    ctx = validate(str(mini), "UJI-B", "2026-S1", aturan=None)
    assert set(ctx.wb.pegawai["kode_instansi"]) == {"UJI-B"}
    assert ctx.periode == "2026-S1" and ctx.aturan is None


def test_validate_collects_every_problem_in_one_error(mini):
    cek = ProblemCollector()
    cek.angka("seed", "x", bulat=True)
    with pytest.raises(ParameterError) as err:
        validate(str(mini), "UJI-Z", "2026-S1", "aturan-fiktif", pemeriksa=cek)
    msg = str(err.value)
    assert "seed" in msg and "aturan-fiktif" in msg and "tidak dikenal" in msg
    assert "Kode instansi 'UJI-Z' tidak ada di data" in msg and "UJI-A, UJI-B" in msg
    with pytest.raises(ParameterError) as err:
        validate(str(mini) + "-tidak-ada", 101, 7)
    msg = str(err.value)
    assert "tidak ditemukan" in msg and "kode_instansi harus teks" in msg
    assert "periode harus teks" in msg
    with pytest.raises(ParameterError, match=r"Periode '2030-S1'.*2026-S1, 2026-S2"):
        validate(str(mini), "UJI-A", "2030-S1")


def test_validate_required_table_and_period_table(mini, tmp_path):
    folder = tmp_path / "tanpa"
    shutil.copytree(mini, folder)
    (folder / "kompetensi.csv").unlink()
    (folder / "realisasi.csv").unlink()
    with pytest.raises(ParameterError, match="tabel kompetensi.*uji membutuhkannya"):
        validate(str(folder), wajib=["kompetensi"], tabel_periode="penilaian_360", untuk="uji")
    with pytest.raises(ParameterError, match="tidak memiliki periode pada realisasi"):
        validate(str(folder), tabel_periode="realisasi")
    assert validate(str(folder), tabel_periode="penilaian_360").periode == "2026-S2"


def test_validate_data_error_stays_data_error(tmp_path):
    (tmp_path / "instansi.csv").write_text("kode_instansi\n")
    with pytest.raises(DataError):
        validate(str(tmp_path))


def test_validate_uses_the_instansi_cache(mini, tmp_path, monkeypatch):
    wb = data_mod.load_workbook(mini)
    data_mod.write_cache(tmp_path / "c", mini, wb)
    monkeypatch.setenv(data_mod.ENV_CACHE, str(tmp_path / "c"))
    monkeypatch.setattr(data_mod, "load_workbook", lambda *a, **k: pytest.fail("data read"))
    ctx = validate(str(mini), "UJI-A")
    assert set(ctx.wb.instansi["kode_instansi"]) == {"UJI-A"}
