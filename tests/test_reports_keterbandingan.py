"""The instansi report says which groups' calibrated scores cannot be compared (issue 16)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib import reports

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
TEKNIS = [f"198501{1 + i % 28:02d}201001{1 + i % 2}{i:03d}" for i in range(41, 47)]


def _mini():
    spec = importlib.util.spec_from_file_location("mini_workbook", FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def terpisah(tmp_path_factory):
    """The mini workbook plus a unit "Bidang Teknis" of UJI-A (6 staff) whose 360 ratings
    come only from each other (4 rekan each, all 5s): a separate component of the rater
    network."""
    mini = _mini()
    folder = tmp_path_factory.mktemp("terpisah")
    facts = mini.tulis_mini(folder)
    peg = pd.read_csv(folder / "pegawai.csv", dtype=str)
    head = peg.loc[peg["jabatan"] == "Kepala Dinas", "nip"].iloc[0]
    extra = pd.DataFrame(
        {
            "nip": TEKNIS,
            "nama": [f"Pegawai Teknis {i}" for i in range(6)],
            "kode_instansi": "UJI-A",
            "unit_kerja": "Bidang Teknis",
            "jabatan": "Analis Layanan",
            "jenis_jabatan": "fungsional",
            "nip_atasan": head,
            "potensi": "menengah",
        }
    )
    pd.concat([peg, extra]).to_csv(folder / "pegawai.csv", index=False)
    real = pd.read_csv(folder / "realisasi.csv", dtype={"nip": str})
    add = [
        (per, nip, "UJI-A-A1", 120.0 + k) for per in mini.PERIODE for k, nip in enumerate(TEKNIS)
    ] + [(per, nip, "UJI-A-A2", 3.0) for per in mini.PERIODE for nip in TEKNIS]
    real = pd.concat([real, pd.DataFrame(add, columns=real.columns)])
    real.to_csv(folder / "realisasi.csv", index=False)
    pen = pd.read_csv(folder / "penilaian_360.csv", dtype={"nip": str, "nip_penilai": str})
    rows = [
        (per, ratee, rater, "rekan", aspek, 5.0)
        for per in mini.PERIODE
        for i, ratee in enumerate(TEKNIS)
        for rater in [TEKNIS[(i + d) % 6] for d in (1, 2, 3, 4)]
        for aspek in mini.ASPEK
    ]
    pen = pd.concat([pen, pd.DataFrame(rows, columns=pen.columns)])
    pen.to_csv(folder / "penilaian_360.csv", index=False)
    return folder, facts


def test_connected_instansi_has_no_paragraph(tmp_path):
    _mini().tulis_mini(tmp_path)
    ctx = reports.prepare_report(str(tmp_path), "UJI-A")
    b = reports.section_penilai(ctx)
    assert "tidak dapat dibandingkan" not in b.teks
    assert ctx._cache["efek"].ratees["dapat_dibandingkan"].all()


def test_separate_unit_is_named_in_plain_words(terpisah):
    folder, facts = terpisah
    ctx = reports.prepare_report(str(folder), "UJI-A")
    b = reports.section_penilai(ctx)
    assert "**Skor yang tidak dapat dibandingkan.**" in b.teks
    assert "6 dari 13 pegawai" in b.teks
    assert (
        "- unit kerja Bidang Teknis (6 pegawai): tidak ada penilai yang menilai pegawai "
        "kelompok ini sekaligus pegawai di luar kelompok ini" in b.teks
    )
    for nip in TEKNIS + sorted(facts["penilai"]):  # no rater (nor pegawai) identity
        assert nip not in b.teks


def test_kurva_proposal_does_not_rank_the_separate_unit(terpisah):
    folder, _ = terpisah
    ctx = reports.prepare_report(str(folder), "UJI-A")
    moves = reports._sections_360.proposal(ctx, kc.calibrate)
    assert len(moves) and not moves["nip"].isin(TEKNIS).any()
    assert ctx._cache["usulan_terpisah"] == 6
    kurva = reports.section_kurva(ctx)
    assert "6 pegawai tidak diikutkan dalam usulan" in kurva.teks


def test_paragraph_names_the_largest_and_pools_the_rest():
    """Seven classes: the five largest at or above the anonymity threshold are named (largest
    first), the tiny one and the sixth are pooled; a lemah link is told without its count."""
    from types import SimpleNamespace

    rows = [
        (k, "lemah" if k == 2 else "terpisah", "unit_kerja", [f"Unit {k}"], k == 3, n, 2.0)
        for k, n in zip(range(1, 8), [4, 30, 12, 9, 7, 5, 2], strict=True)
    ]
    tab = pd.DataFrame(
        rows,
        columns=["kelas", "jenis", "tingkat", "kelompok", "sebagian", "n_pegawai", "n_penghubung"],
    )
    fx = SimpleNamespace(
        info={"tidak_dibandingkan": tab, "minimal_penghubung": 3},
        ratees=pd.DataFrame(index=range(200)),
    )
    text = reports._sections_360.paragraf_keterbandingan(fx, 3)
    assert "69 dari 200 pegawai" in text
    named = [
        line for line in text.splitlines() if line.startswith("- unit") or "- sebagian" in line
    ]
    assert [line.split(" (")[0] for line in named] == [
        "- unit kerja Unit 2",
        "- sebagian pegawai unit kerja Unit 3",
        "- unit kerja Unit 4",
        "- unit kerja Unit 5",
        "- unit kerja Unit 6",
    ]
    assert "melalui kurang dari 3 penilai" in named[0] and "2,0" not in text
    assert "- 2 kelompok lain (6 pegawai; tidak dirinci satu per satu)" in text
    assert "Unit 1" not in text and "Unit 7" not in text
    empty = SimpleNamespace(info={"tidak_dibandingkan": tab.iloc[:0]}, ratees=fx.ratees)
    assert reports._sections_360.paragraf_keterbandingan(empty, 3) == ""
