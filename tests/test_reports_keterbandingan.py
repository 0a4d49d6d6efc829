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
