"""Tests of kinerja_calib.data: loading, every validation rule, formats, round trips."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinerja_calib as kc
from kinerja_calib import labels
from kinerja_calib.data import TABLES, Workbook, load_workbook, validate_tables
from kinerja_calib.errors import DataError, ParameterError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

# An actionable Indonesian message names what to do.
FIX_VERBS = re.compile(
    r"\b(Isi|Ganti|Perbaiki|Tambahkan|Hapus|Tulis|Format|Periksa|Sesuaikan|Pakai|Kosongkan|"
    r"Gunakan|Simpan|Tukar|Beri|Pilih)\b",
    re.IGNORECASE,
)


def nip(birth: str, tmt: str = "201001", sex: str = "1", serial: str = "001") -> str:
    """A structurally valid NIP: yyyymmdd + yyyymm + sex + serial."""
    return f"{birth}{tmt}{sex}{serial}"


# ---------------------------------------------------------------- a small valid workbook
H1 = nip("19700101", "199503")
K1 = nip("19750512", "200003", "2")
P1 = nip("19850220", "201001", "2", "002")
P2 = nip("19880707", "201203", "1", "003")
P3 = nip("19900915", "201501", "2", "004")
H2 = nip("19710303", "199601")
G1 = nip("19820410", "200703", "2", "005")
G2 = nip("19840611", "200903", "1", "006")
G3 = nip("19860812", "201103", "2", "007")
S1 = nip("19921130", "201801", "1", "008")


def valid_tables() -> dict[str, pd.DataFrame]:
    """Every table as strings, exactly as a spreadsheet would hold them."""
    instansi = pd.DataFrame(
        {
            "kode_instansi": ["D01", "D02"],
            "nama_instansi": ["Dinas Kesehatan Kab. Muaro Jambi", "Dinas Pendidikan Kota Jambi"],
            "jenis": ["kabupaten", "kota"],
            "wilayah": ["Muaro Jambi", "Kota Jambi"],
            "predikat_organisasi": ["Baik", "Istimewa"],
        }
    )
    peg = [
        (H1, "Ahmad", "D01", "Sekretariat", "Kepala Dinas", "struktural", "", "tinggi"),
        (K1, "Siti", "D01", "Bidang Pelayanan", "Kepala Bidang", "struktural", H1, "menengah"),
        (P1, "Rina", "D01", "Bidang Pelayanan", "Perawat", "fungsional", K1, "tinggi"),
        (P2, "Budi", "D01", "Bidang Pelayanan", "Perawat", "fungsional", K1, ""),
        (P3, "Dewi", "D01", "Bidang Pelayanan", "Perawat", "fungsional", K1, "rendah"),
        (H2, "Hasan", "D02", "Sekretariat", "Kepala Dinas", "struktural", "", "menengah"),
        (G1, "Lina", "D02", "SMPN 1", "Guru", "fungsional", H2, "menengah"),
        (G2, "Yusuf", "D02", "SMPN 1", "Guru", "fungsional", H2, "tinggi"),
        (G3, "Maya", "D02", "SMPN 1", "Guru", "fungsional", H2, "rendah"),
        (S1, "Agus", "D02", "Sekretariat", "Staf Umum", "pelaksana", H2, "menengah"),
    ]
    pegawai = pd.DataFrame(
        peg,
        columns=[
            "nip",
            "nama",
            "kode_instansi",
            "unit_kerja",
            "jabatan",
            "jenis_jabatan",
            "nip_atasan",
            "potensi",
        ],
    )
    ind = [
        # kode, inst, jabatan, nama, satuan, target, tmin, tmax, arah, bobot, aspek, sumber
        ("IK01", "D01", "Kepala Dinas", "Capaian SPM", "%", "100", "", "", "naik", "60",
         "kuantitas", "laporan"),
        ("IK02", "D01", "Kepala Dinas", "Indeks kepuasan", "indeks", "80", "", "", "naik", "40",
         "kualitas", "survei"),
        ("IK03", "D01", "Kepala Bidang", "Waktu tunggu", "menit", "", "10", "30", "turun",
         "100", "waktu", "laporan"),
        ("IK04", "D01", "Perawat", "Pasien dilayani", "orang", "1200", "", "", "naik", "50",
         "kuantitas", "laporan"),
        ("IK05", "D01", "Perawat", "Kepatuhan SOP", "%", "95.5", "", "", "naik", "30",
         "kualitas", "laporan"),
        ("IK06", "D01", "Perawat", "Umpan balik pasien", "skor", "4", "", "", "naik", "20",
         "kualitas", "umpan_balik"),
        ("IK07", "D02", "Kepala Dinas", "Angka partisipasi", "%", "98", "", "", "naik", "100",
         "kuantitas", "laporan"),
        ("IK08", "D02", "Guru", "Kemampuan mengajar", "skor", "85", "", "", "naik", "70",
         "kualitas", "umpan_balik"),
        ("IK09", "D02", "Guru", "Ketepatan nilai rapor", "hari", "5", "", "", "turun", "30",
         "waktu", "laporan"),
        ("IK10", "D02", "Staf Umum", "Biaya ATK", "rupiah", "2500000", "", "", "turun", "100",
         "biaya", "laporan"),
    ]  # fmt: skip
    indikator = pd.DataFrame(
        ind,
        columns=[
            "kode_indikator",
            "kode_instansi",
            "jabatan",
            "nama_indikator",
            "satuan",
            "target",
            "target_min",
            "target_max",
            "arah",
            "bobot",
            "aspek",
            "sumber_data",
        ],
    )
    by_jab = indikator.groupby(["kode_instansi", "jabatan"])["kode_indikator"].apply(list)
    rea = []
    for k, (p, inst, jab) in enumerate(
        pegawai[["nip", "kode_instansi", "jabatan"]].itertuples(index=False)
    ):
        for j, kode in enumerate(by_jab[(inst, jab)]):
            rea.append(("2026-S1", p, kode, f"{50 + 7 * k + j}.25"))
    realisasi = pd.DataFrame(rea, columns=["periode", "nip", "kode_indikator", "realisasi"])
    r360 = []
    aspek = list(labels.ASPEK_BERAKHLAK)[:3]
    for k, row in enumerate(pegawai.itertuples(index=False)):
        raters = [(row.nip, "diri")]
        if row.nip_atasan:
            raters.append((row.nip_atasan, "atasan"))
        peers = pegawai[(pegawai.jabatan == row.jabatan) & (pegawai.nip != row.nip)]
        raters += [(q, "rekan") for q in peers.nip[:2] if q != row.nip_atasan]
        subs = pegawai[pegawai.nip_atasan == row.nip]
        raters += [(q, "bawahan") for q in subs.nip[:2]]
        if row.jabatan == "Perawat":
            raters.append((f"PL-{k:03d}", "pengguna_layanan"))
        for r, (rater, peran) in enumerate(raters):
            for a, asp in enumerate(aspek):
                r360.append(("2026-S1", row.nip, rater, peran, asp, str(1 + (k + r + a) % 5)))
    penilaian = pd.DataFrame(
        r360, columns=["periode", "nip", "nip_penilai", "peran_penilai", "aspek", "nilai"]
    )
    skm = pd.DataFrame(
        [
            ("2026-S1", "D01", "Poli Umum", f"R{i}", *[str(1 + (i + u) % 4) for u in range(9)])
            for i in range(4)
        ],
        columns=["periode", "kode_instansi", "unit_layanan", "id_responden"]
        + [f"u{i}" for i in range(1, 10)],
    )
    kompetensi = pd.DataFrame(
        [
            (P1, "Asuhan keperawatan", "3", "4"),
            (P1, "Komunikasi", "3", "2"),
            (G1, "Pedagogik", "4", "4"),
        ],
        columns=["nip", "kompetensi", "level_standar", "level_aktual"],
    )
    return {
        "instansi": instansi,
        "pegawai": pegawai,
        "indikator": indikator,
        "realisasi": realisasi,
        "penilaian_360": penilaian,
        "survei_skm": skm,
        "kompetensi": kompetensi,
    }


def write_csvs(folder: Path, tables: dict[str, pd.DataFrame], sep=",", encoding="utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if frame is None:
            continue
        frame.to_csv(folder / f"{name}.csv", sep=sep, index=False, encoding=encoding)
    return folder


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return valid_tables()


@pytest.fixture
def valid_dir(tmp_path, tables) -> Path:
    return write_csvs(tmp_path / "valid", tables)


def load_problems(folder: Path) -> list:
    with pytest.raises(DataError) as info:
        load_workbook(folder)
    return info.value.problems


# ---------------------------------------------------------------- the valid workbook
def test_valid_workbook_loads_with_documented_dtypes(valid_dir):
    wb = load_workbook(valid_dir)
    assert isinstance(wb, Workbook)
    assert wb.path == str(valid_dir)
    assert len(wb.pegawai) == 10 and len(wb.instansi) == 2
    assert pd.api.types.is_string_dtype(wb.pegawai["nip"])
    assert wb.pegawai["nip"].iloc[0] == H1
    assert wb.pegawai["nip_atasan"].isna().sum() == 2  # the two heads
    assert wb.penilaian_360["nilai"].dtype == np.float64
    assert wb.realisasi["realisasi"].dtype == np.float64
    assert wb.survei_skm["u1"].dtype == np.int64
    assert wb.kompetensi["level_aktual"].dtype == np.int64
    assert wb.indikator["target"].dtype == np.float64
    assert wb.indikator.loc[2, "target_min"] == 10 and np.isnan(wb.indikator.loc[2, "target"])
    assert wb.indikator.loc[4, "target"] == 95.5
    assert wb.periode == ["2026-S1"]
    # every row in -> every row out
    for name, frame in valid_tables().items():
        assert len(getattr(wb, name)) == len(frame)


def test_optional_tables_may_be_absent(tmp_path, tables):
    for name in ("realisasi", "survei_skm", "kompetensi"):
        tables.pop(name)
    wb = load_workbook(write_csvs(tmp_path / "d", tables))
    assert wb.realisasi is None and wb.survei_skm is None and wb.kompetensi is None
    assert "(tidak ada)" in wb.ringkasan()


def test_optional_columns_absent_are_added_as_na(tmp_path, tables):
    tables["pegawai"] = tables["pegawai"].drop(columns="potensi")
    tables["indikator"] = tables["indikator"].drop(columns=["target_min", "target_max"])
    tables["indikator"].loc[2, "target"] = "30"
    wb = load_workbook(write_csvs(tmp_path / "d", tables))
    assert wb.pegawai["potensi"].isna().all()
    assert wb.indikator["target_min"].isna().all()


def test_extra_columns_are_kept_as_text(tmp_path, tables):
    tables["pegawai"]["catatan"] = ["x"] * 9 + [""]
    wb = load_workbook(write_csvs(tmp_path / "d", tables))
    assert wb.pegawai["catatan"].iloc[0] == "x" and pd.isna(wb.pegawai["catatan"].iloc[-1])


def test_ringkasan_is_indonesian_summary(valid_dir):
    text = load_workbook(valid_dir).ringkasan()
    assert "Data valid" in text and "Periode: 2026-S1" in text
    assert "D01" in text and "5 pegawai" in text
    assert re.search(r"penilaian_360\s+\d+ baris", text)


# ---------------------------------------------------------------- one fault per rule
def _set(table, row, col, value):
    """Mutation: set cell (0-based data row) of a table."""

    def f(t):
        t[table].loc[row, col] = value

    return f


def _drop_col(table, col):
    def f(t):
        t[table] = t[table].drop(columns=col)

    return f


def _dup_row(table, row):
    def f(t):
        t[table] = pd.concat([t[table], t[table].iloc[[row]]], ignore_index=True)

    return f


def _remove(table):
    def f(t):
        t[table] = None

    return f


def _rows(n):
    """Spreadsheet row of 0-based data row n."""
    return n + 2


N360 = len(valid_tables()["penilaian_360"])
NREA = len(valid_tables()["realisasi"])


def _row_of(table, **where):
    t = valid_tables()[table]
    mask = np.ones(len(t), dtype=bool)
    for k, v in where.items():
        mask &= (t[k] == v).to_numpy()
    return int(np.flatnonzero(mask)[0])


REKAN_ROW = _row_of("penilaian_360", peran_penilai="rekan")
DIRI_ROW = _row_of("penilaian_360", peran_penilai="diri")
PL_ROW = _row_of("penilaian_360", peran_penilai="pengguna_layanan")
REA_P1 = _row_of("realisasi", nip=P1)

# (id, mutation, file, row, column, message pattern, only this problem?)
CASES = [
    # structure
    ("missing-file", _remove("pegawai"), "pegawai.csv", None, None, "tidak ditemukan", False),
    ("missing-column", _drop_col("pegawai", "jabatan"), "pegawai.csv", 1, "jabatan",
     r"Kolom wajib 'jabatan'.*Kolom yang diharapkan: nip, nama", False),
    ("missing-target-columns", _drop_col("indikator", ["target", "target_max"]),
     "indikator.csv", 1, "target", "target_min", False),
    # numbers
    ("number-garbage", _set("indikator", 3, "bobot", "lima puluh"), "indikator.csv", _rows(3),
     "bobot", "'lima puluh' bukan angka", False),
    ("number-excel-error", _set("realisasi", 0, "realisasi", "#DIV/0!"), "realisasi.csv",
     _rows(0), "realisasi", "galat Excel", True),
    ("number-percent", _set("realisasi", 1, "realisasi", "85%"), "realisasi.csv", _rows(1),
     "realisasi", "tanpa tanda %", True),
    ("number-empty", _set("realisasi", 1, "realisasi", ""), "realisasi.csv", _rows(1),
     "realisasi", "Sel kosong", True),
    ("text-empty", _set("pegawai", 4, "nama", ""), "pegawai.csv", _rows(4), "nama",
     "Isi kolom 'nama'", True),
    ("integer-required", _set("survei_skm", 2, "u4", "2,5"), "survei_skm.csv", _rows(2), "u4",
     "bilangan bulat", True),
    # NIP
    ("nip-short", _set("kompetensi", 0, "nip", "19850220201001200"), "kompetensi.csv", _rows(0),
     "nip", "tepat 18 digit", True),
    ("nip-excel-sci", _set("kompetensi", 0, "nip", "1.98502E+17"), "kompetensi.csv", _rows(0),
     "nip", "NIP rusak oleh Excel.*format sel sebagai Teks|Format sel sebagai Teks", True),
    ("nip-excel-sci-comma", _set("kompetensi", 1, "nip", "1,98502E+17"), "kompetensi.csv",
     _rows(1), "nip", "NIP rusak oleh Excel", True),
    ("nip-excel-float", _set("kompetensi", 2, "nip", G1 + ".0"), "kompetensi.csv", _rows(2),
     "nip", "NIP rusak oleh Excel", True),
    ("nip-birth-date", _set("kompetensi", 2, "nip", nip("19821310", "200703", "2", "005")),
     "kompetensi.csv", _rows(2), "nip", "tanggal lahir", True),
    ("nip-tmt-month", _set("kompetensi", 2, "nip", nip("19820410", "200713", "2", "005")),
     "kompetensi.csv", _rows(2), "nip", "TMT CPNS", True),
    ("nip-tmt-too-early", _set("kompetensi", 2, "nip", nip("19820410", "198703", "2", "005")),
     "kompetensi.csv", _rows(2), "nip", "TMT CPNS", True),
    ("nip-sex-digit", _set("kompetensi", 2, "nip", nip("19820410", "200703", "3", "005")),
     "kompetensi.csv", _rows(2), "nip", "digit ke-15", True),
    ("nip-spaces", _set("kompetensi", 2, "nip", "19820410 200703 2 005"), "kompetensi.csv",
     _rows(2), "nip", "spasi", True),
    ("nip-atasan-excel", _set("pegawai", 2, "nip_atasan", "1.97505E+17"), "pegawai.csv",
     _rows(2), "nip_atasan", "NIP rusak oleh Excel", True),
    ("nip-rater-internal", _set("penilaian_360", REKAN_ROW, "nip_penilai", "budi"),
     "penilaian_360.csv", _rows(REKAN_ROW), "nip_penilai", "18 digit", True),
    ("nip-rater-empty", _set("penilaian_360", PL_ROW, "nip_penilai", ""),
     "penilaian_360.csv", _rows(PL_ROW), "nip_penilai", "Sel kosong", True),
    # duplicates
    ("dup-instansi", _dup_row("instansi", 1), "instansi.csv", 4, "kode_instansi",
     "Baris ganda.*baris 3", True),
    ("dup-pegawai", _dup_row("pegawai", 3), "pegawai.csv", 12, "nip",
     r"Baris ganda: nip=\d{18} sudah ada di baris 5", True),
    ("dup-indikator", _set("indikator", 1, "kode_indikator", "IK01"), "indikator.csv", 3,
     "kode_indikator", "Baris ganda.*baris 2", False),
    ("dup-realisasi", _dup_row("realisasi", 0), "realisasi.csv", NREA + 2,
     "periode, nip, kode_indikator", "baris 2", True),
    ("dup-360", _dup_row("penilaian_360", 5), "penilaian_360.csv", N360 + 2,
     "periode, nip, nip_penilai, aspek", "baris 7", True),
    ("dup-skm", _dup_row("survei_skm", 1), "survei_skm.csv", 6,
     "periode, kode_instansi, unit_layanan, id_responden", "baris 3", True),
    ("dup-kompetensi", _dup_row("kompetensi", 0), "kompetensi.csv", 5, "nip, kompetensi",
     "baris 2", True),
    # references
    ("ref-pegawai-instansi", _set("pegawai", 9, "kode_instansi", "D03"), "pegawai.csv",
     _rows(9), "kode_instansi", "'D03' tidak ada.*instansi.csv", False),
    ("ref-indikator-instansi", _set("indikator", 9, "kode_instansi", "D9"), "indikator.csv",
     _rows(9), "kode_instansi", "tidak ada.*instansi.csv", False),
    ("ref-realisasi-indikator", _set("realisasi", 0, "kode_indikator", "IK99"),
     "realisasi.csv", _rows(0), "kode_indikator", "'IK99' tidak ada.*indikator.csv", True),
    ("ref-realisasi-nip", _set("realisasi", 0, "nip", nip("19990101", "202001")),
     "realisasi.csv", _rows(0), "nip", "tidak ada.*pegawai.csv", True),
    ("ref-360-nip", _set("penilaian_360", REKAN_ROW, "nip", nip("19990101", "202001")),
     "penilaian_360.csv", _rows(REKAN_ROW), "nip", "tidak ada.*pegawai.csv", True),
    ("ref-360-rater", _set("penilaian_360", REKAN_ROW, "nip_penilai", nip("19990101", "202001")),
     "penilaian_360.csv", _rows(REKAN_ROW), "nip_penilai", "tidak ada.*pegawai.csv", True),
    ("ref-atasan", _set("pegawai", 2, "nip_atasan", nip("19990101", "202001")), "pegawai.csv",
     _rows(2), "nip_atasan", "tidak ada di kolom 'nip'", True),
    ("ref-skm-instansi", _set("survei_skm", 0, "kode_instansi", "D7"), "survei_skm.csv",
     _rows(0), "kode_instansi", "tidak ada.*instansi.csv", False),
    ("ref-kompetensi-nip", _set("kompetensi", 0, "nip", nip("19990101", "202001")),
     "kompetensi.csv", _rows(0), "nip", "tidak ada.*pegawai.csv", True),
    ("ref-realisasi-jabatan", _set("realisasi", REA_P1, "kode_indikator", "IK01"),
     "realisasi.csv", _rows(REA_P1), "kode_indikator",
     "milik jabatan 'Kepala Dinas'.*'Perawat'", True),
    # categories
    ("cat-peran", _set("penilaian_360", REKAN_ROW, "peran_penilai", "Rekan"),
     "penilaian_360.csv", _rows(REKAN_ROW), "peran_penilai",
     "'Rekan' tidak dikenal.*atasan, rekan, bawahan.*Mungkin maksud Anda 'rekan'", True),
    ("cat-arah", _set("indikator", 0, "arah", "naik turun"), "indikator.csv", _rows(0), "arah",
     "Ganti dengan salah satu: naik, turun", True),
    ("cat-aspek-indikator", _set("indikator", 1, "aspek", "kwalitas"), "indikator.csv", _rows(1),
     "aspek", "Mungkin maksud Anda 'kualitas'", True),
    ("cat-aspek-360", _set("penilaian_360", 0, "aspek", "integritas"), "penilaian_360.csv",
     _rows(0), "aspek", "berorientasi_pelayanan, akuntabel", True),
    ("cat-jenis", _set("instansi", 0, "jenis", "kab"), "instansi.csv", _rows(0), "jenis",
     "pusat, provinsi, kabupaten, kota", True),
    ("cat-jenis-jabatan", _set("pegawai", 6, "jenis_jabatan", "Fungsional"), "pegawai.csv",
     _rows(6), "jenis_jabatan", "Mungkin maksud Anda 'fungsional'", True),
    ("cat-predikat-organisasi", _set("instansi", 1, "predikat_organisasi", "baik sekali"),
     "instansi.csv", _rows(1), "predikat_organisasi", "Istimewa", True),
    ("cat-sumber-data", _set("indikator", 2, "sumber_data", "survey"), "indikator.csv", _rows(2),
     "sumber_data", "Mungkin maksud Anda 'survei'", True),
    ("cat-potensi", _set("pegawai", 0, "potensi", "sedang"), "pegawai.csv", _rows(0), "potensi",
     "rendah, menengah, tinggi", True),
    # scales and values
    ("scale-nilai-high", _set("penilaian_360", 3, "nilai", "6"), "penilaian_360.csv", _rows(3),
     "nilai", "di luar skala 1–5", True),
    ("scale-nilai-zero", _set("penilaian_360", 4, "nilai", "0"), "penilaian_360.csv", _rows(4),
     "nilai", "di luar skala 1–5", True),
    ("scale-skm", _set("survei_skm", 3, "u9", "5"), "survei_skm.csv", _rows(3), "u9",
     "bilangan bulat 1–4", True),
    ("scale-kompetensi", _set("kompetensi", 1, "level_aktual", "6"), "kompetensi.csv", _rows(1),
     "level_aktual", "1–5", True),
    ("target-zero", _set("indikator", 6, "target", "0"), "indikator.csv", _rows(6), "target",
     "lebih dari 0", True),
    ("target-range-order", _set("indikator", 2, "target_min", "40"), "indikator.csv", _rows(2),
     "target_min", "target_min lebih besar dari target_max", True),
    ("target-missing", _set("indikator", 6, "target", ""), "indikator.csv", _rows(6), "target",
     "Target kosong", True),
    ("target-both-forms", _set("indikator", 6, "target_min", "5"), "indikator.csv", _rows(6),
     "target", "jangan keduanya", False),
    ("target-range-half", _set("indikator", 2, "target_max", ""), "indikator.csv", _rows(2),
     "target_max", "target_min' dan 'target_max' sekaligus", True),
    ("realisasi-negative", _set("realisasi", 2, "realisasi", "-3"), "realisasi.csv", _rows(2),
     "realisasi", "negatif", True),
    ("bobot-sum", _set("indikator", 4, "bobot", "20"), "indikator.csv", _rows(3), "bobot",
     r"instansi 'D01', jabatan 'Perawat' adalah 90, harus 100", True),
    ("bobot-nonpositive", _set("indikator", 6, "bobot", "-100"), "indikator.csv", _rows(6),
     "bobot", "lebih dari 0", True),
    # self rating
    ("self-rating-not-diri", _set("penilaian_360", REKAN_ROW, "nip_penilai",
                                  valid_tables()["penilaian_360"].loc[REKAN_ROW, "nip"]),
     "penilaian_360.csv", _rows(REKAN_ROW), "nip_penilai", "menilai dirinya sendiri.*'rekan'",
     False),
    ("diri-other-rater", _set("penilaian_360", DIRI_ROW, "nip_penilai", P3),
     "penilaian_360.csv", _rows(DIRI_ROW), "nip_penilai", "Peran 'diri' tetapi", False),
    # periode
    ("periode-slash", _set("realisasi", 3, "periode", "2026/s1"), "realisasi.csv", _rows(3),
     "periode", "Mungkin maksud Anda '2026-S1'", True),
    ("periode-unknown", _set("penilaian_360", 2, "periode", "Semester 1"), "penilaian_360.csv",
     _rows(2), "periode", "YYYY-TW1", True),
    ("periode-skm", _set("survei_skm", 0, "periode", "2026-TW5"), "survei_skm.csv", _rows(0),
     "periode", "YYYY-B01", True),
    # hierarchy
    ("cycle", _set("pegawai", 0, "nip_atasan", P1), "pegawai.csv", _rows(0), "nip_atasan",
     rf"melingkar \(3 pegawai\).*{H1}.*{P1}|melingkar \(3 pegawai\).*{P1}.*{H1}", False),
    ("self-atasan", _set("pegawai", 5, "nip_atasan", H2), "pegawai.csv", _rows(5), "nip_atasan",
     "atasannya sendiri", True),
    ("atasan-other-instansi", _set("pegawai", 9, "nip_atasan", H1), "pegawai.csv", _rows(9),
     "nip_atasan", "instansi 'D01', bukan 'D02'", True),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_rule_reports_table_row_column_in_indonesian(tmp_path, case):
    _, mutate, file, row, column, pattern, only = case
    tables = valid_tables()
    mutate(tables)
    problems = load_problems(write_csvs(tmp_path / "d", tables))
    hits = [
        p
        for p in problems
        if p.file == file and p.row == row and p.column == column and re.search(pattern, p.message)
    ]
    assert hits, "\n".join(map(str, problems))
    for p in hits:
        assert FIX_VERBS.search(p.message), p.message
    if only:
        assert len(problems) == 1, "\n".join(map(str, problems))


def test_empty_file_zero_bytes(tmp_path, tables):
    folder = write_csvs(tmp_path / "d", tables)
    (folder / "instansi.csv").write_bytes(b"")
    problems = load_problems(folder)
    p = next(p for p in problems if p.file == "instansi.csv")
    assert p.row is None and "kosong" in p.message and FIX_VERBS.search(p.message)


def test_empty_file_header_only(tmp_path, tables):
    """A required table with only its header is an error; an optional one a warning."""
    tables["pegawai"] = tables["pegawai"].iloc[:0]
    problems = load_problems(write_csvs(tmp_path / "d", tables))
    assert len(problems) == 1
    assert problems[0].file == "pegawai.csv" and "hanya berisi baris judul" in problems[0].message


@pytest.mark.parametrize("how", ["header", "nol_bita", "baris_kosong"])
def test_empty_optional_table_is_a_warning_and_skipped(tmp_path, tables, how):
    folder = write_csvs(tmp_path / "d", tables)
    path = folder / "kompetensi.csv"
    if how == "header":
        path.write_text("nip,kompetensi,level_standar,level_aktual\n", encoding="utf-8")
    elif how == "nol_bita":
        path.write_bytes(b"")
    else:
        path.write_text("nip,kompetensi,level_standar,level_aktual\n,,,\n , ,,\n", encoding="utf-8")
    wb = load_workbook(folder)
    assert wb.kompetensi is None and len(wb.penilaian_360) == N360
    [w] = wb.peringatan
    assert (w.file, w.tingkat) == ("kompetensi.csv", "peringatan")
    assert "dilewati" in w.message and "kompetensi" in w.message
    assert "Peringatan (1)" in wb.ringkasan()


def test_row_with_wrong_number_of_cells(tmp_path, valid_dir):
    path = valid_dir / "instansi.csv"
    path.write_text(path.read_text() + "D03,Dinas X,kota,Jambi,Baik,extra\n", encoding="utf-8")
    [p] = load_problems(valid_dir)
    assert (p.file, p.row, p.column) == ("instansi.csv", 4, None)
    assert "6 sel" in p.message and "Periksa pemisah" in p.message


def test_blank_lines_are_skipped_but_counted(tmp_path, valid_dir):
    path = valid_dir / "instansi.csv"
    lines = path.read_text().splitlines()
    lines.insert(2, ",,,,")
    lines[3] = lines[3].replace("kota", "kotaa")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [p] = load_problems(valid_dir)
    assert (p.row, p.column) == (4, "jenis")  # blank line 3 still counts as a row


def test_headers_are_normalised(tmp_path, tables):
    tables["instansi"].columns = [
        " Kode Instansi",
        "NAMA_INSTANSI",
        "Jenis",
        "wilayah",
        "predikat_organisasi",
    ]
    wb = load_workbook(write_csvs(tmp_path / "d", tables))
    assert list(wb.instansi.columns)[:2] == ["kode_instansi", "nama_instansi"]


def test_duplicate_header_and_unnamed_column(tmp_path, valid_dir):
    path = valid_dir / "kompetensi.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",nip,"] + [ln + ",x,y" for ln in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = load_problems(valid_dir)
    assert {(p.row, p.column) for p in problems} == {(1, "nip"), (1, None)}
    assert all(p.file == "kompetensi.csv" and FIX_VERBS.search(p.message) for p in problems)


# ---------------------------------------------------------------- several faults at once
def test_several_faults_in_several_tables_come_back_together(tmp_path, tables):
    tables["instansi"].loc[0, "jenis"] = "desa"
    tables["pegawai"].loc[3, "nip"] = "1.98807E+17"
    tables["penilaian_360"].loc[10, "nilai"] = "9"
    tables["penilaian_360"].loc[11, "nilai"] = "tinggi"
    tables["survei_skm"].loc[0, "u1"] = "0"
    tables["indikator"].loc[0, "bobot"] = "50"
    problems = load_problems(write_csvs(tmp_path / "d", tables))
    files = {p.file for p in problems}
    assert {
        "instansi.csv",
        "pegawai.csv",
        "penilaian_360.csv",
        "survei_skm.csv",
        "indikator.csv",
    } <= files
    where = {(p.file, p.row, p.column) for p in problems}
    assert ("penilaian_360.csv", 12, "nilai") in where and (
        "penilaian_360.csv",
        13,
        "nilai",
    ) in where
    assert ("pegawai.csv", 5, "nip") in where
    # problems come sorted in table order, then row
    order = [TABLES.index(p.file.split(".")[0]) for p in problems]
    assert order == sorted(order)


def test_problems_are_capped_per_rule(tables):
    n = 1500
    r = pd.DataFrame(
        {
            "periode": "2026-S1",
            "nip": P1,
            "nip_penilai": [f"PL{i}" for i in range(n)],
            "peran_penilai": "pengguna_layanan",
            "aspek": "akuntabel",
            "nilai": 9.0,
        }
    )
    tables["penilaian_360"] = r
    with pytest.raises(DataError) as info:
        validate_tables(tables, source="uji")
    probs = info.value.problems
    assert len(probs) == 1001
    assert probs[-1].row is None and "dan 500 baris lain" in probs[-1].message
    assert probs[0].file == "uji:penilaian_360" and probs[0].row == 2


# ---------------------------------------------------------------- formats
def _indonesian_numbers(tables):
    """Rewrite every numeric cell with a decimal comma, as Indonesian Excel exports it."""
    out = {k: v.copy() for k, v in tables.items()}
    for name, cols in {
        "indikator": ["target", "target_min", "target_max", "bobot"],
        "realisasi": ["realisasi"],
    }.items():
        for c in cols:
            out[name][c] = out[name][c].str.replace(".", ",", regex=False)
    return out


def test_semicolon_and_decimal_comma(tmp_path, tables):
    ref = load_workbook(write_csvs(tmp_path / "a", tables))
    folder = write_csvs(tmp_path / "b", _indonesian_numbers(tables), sep=";")
    assert ";" in (folder / "realisasi.csv").read_text().splitlines()[0]
    assert "95,5" in (folder / "indikator.csv").read_text()
    wb = load_workbook(folder)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(wb, name), getattr(ref, name))


def test_tab_separated(tmp_path, tables):
    wb = load_workbook(write_csvs(tmp_path / "t", tables, sep="\t"))
    assert len(wb.penilaian_360) == N360


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bom_and_cp1252(tmp_path, tables, encoding):
    tables["pegawai"].loc[0, "nama"] = "Dédé Sütisna"
    tables["instansi"].loc[0, "nama_instansi"] = "Dinas Kesehatan – Muaro Jambi"
    folder = write_csvs(tmp_path / "e", tables, encoding=encoding)
    raw = (folder / "instansi.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    wb = load_workbook(folder)
    assert wb.pegawai.loc[0, "nama"] == "Dédé Sütisna"
    assert wb.instansi.loc[0, "nama_instansi"] == "Dinas Kesehatan – Muaro Jambi"
    assert list(wb.instansi.columns)[0] == "kode_instansi"  # BOM not glued to the header


def test_undecodable_bytes(tmp_path, valid_dir):
    (valid_dir / "kompetensi.csv").write_bytes(b"nip,kompetensi\n\x81\x8d\x90,\xff\xfe\n")
    [p] = load_problems(valid_dir)
    assert p.file == "kompetensi.csv" and "CSV UTF-8" in p.message


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            ["85", "85.5", "1.234,5"],
            [85.0, 85.5, None],
        ),  # mixed evidence is fine when each is clear
        (["1.234,5", "1,234.5", "1.234.567"], [1234.5, 1234.5, 1234567.0]),
        (["85,5", "1.500"], [85.5, 1500.0]),  # the column uses a decimal comma -> 1.500 = 1500
        (["1,5", "3.903"], [1.5, 3903.0]),
        (["85,5", "1,500"], [85.5, 1.5]),
        (["12.5", "85"], [12.5, 85.0]),  # a decimal point alone is clear
        (["1.234,5", "3.903"], [1234.5, 3903.0]),
        (["0,125", "2E3", "1,5e2", "+7"], [0.125, 2000.0, 150.0, 7.0]),
    ],
)
def test_number_formats(tmp_path, tables, cells, expected):
    cells = [c for c, e in zip(cells, expected, strict=True) if e is not None]
    expected = [e for e in expected if e is not None]
    tables["realisasi"]["realisasi"] = "7"
    for i, c in enumerate(cells):
        tables["realisasi"].loc[i, "realisasi"] = c
    wb = load_workbook(write_csvs(tmp_path / "n", tables))
    np.testing.assert_allclose(wb.realisasi["realisasi"].iloc[: len(cells)], expected)


def test_ambiguous_thousands_without_evidence_is_reported(tmp_path, tables):
    tables["realisasi"]["realisasi"] = "7"
    tables["realisasi"].loc[4, "realisasi"] = "1.500"
    [p] = load_problems(write_csvs(tmp_path / "n", tables))
    assert (p.file, p.row, p.column) == ("realisasi.csv", 6, "realisasi")
    assert "ambigu" in p.message and "Tulis" in p.message


@pytest.mark.parametrize("bad", ["inf", "nan", "1e999", "٣", "1_000", "=SUM(A1:A3)", "0x10"])
def test_number_garbage_forms_are_rejected(tmp_path, tables, bad):
    tables["realisasi"].loc[0, "realisasi"] = bad
    [p] = load_problems(write_csvs(tmp_path / "n", tables))
    assert (p.row, p.column) == (2, "realisasi") and "bukan angka" in p.message


# ---------------------------------------------------------------- xlsx
def test_xlsx_round_trip_equals_csv(tmp_path, valid_dir):
    wb = load_workbook(valid_dir)
    xlsx = wb.to_excel(tmp_path / "data.xlsx")
    wb2 = load_workbook(xlsx)
    assert wb2.path == str(xlsx)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(wb2, name), getattr(wb, name))


def test_xlsx_problems_name_file_and_sheet(tmp_path, valid_dir):
    import openpyxl

    xlsx = load_workbook(valid_dir).to_excel(tmp_path / "data.xlsx")
    book = openpyxl.load_workbook(xlsx)
    book["pegawai"]["A3"] = 198703152010011001  # NIP typed as a number by Excel
    book["pegawai"]["A4"] = 1.98703152010011e17
    book["penilaian_360"]["F2"] = "sangat baik"
    del book["instansi"]
    book.save(xlsx)
    problems = load_problems(xlsx)
    where = {(p.file, p.row, p.column) for p in problems}
    assert ("data.xlsx:pegawai", 3, "nip") in where
    assert ("data.xlsx:penilaian_360", 2, "nilai") in where
    assert ("data.xlsx:instansi", None, None) in where
    # the two NIPs Excel turned into numbers: one problem for the column, naming both rows
    [p] = [p for p in problems if p.file == "data.xlsx:pegawai" and p.column == "nip"]
    assert p.row == 3 and p.jumlah >= 2
    assert "NIP rusak oleh Excel di 2 baris" in p.message and "baris 3, 4" in p.message


def test_xlsx_text_starting_with_equals_is_not_a_formula(tmp_path, tables):
    tables["pegawai"].loc[0, "nama"] = '=HYPERLINK("x")'
    wb = load_workbook(write_csvs(tmp_path / "d", tables))
    wb2 = load_workbook(wb.to_excel(tmp_path / "f.xlsx"))
    assert wb2.pegawai.loc[0, "nama"] == '=HYPERLINK("x")'


def test_unknown_path_and_broken_xlsx(tmp_path):
    with pytest.raises(DataError) as info:
        load_workbook(tmp_path / "tidak_ada")
    assert "tidak ditemukan" in info.value.problems[0].message
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"bukan zip")
    with pytest.raises(DataError) as info:
        load_workbook(bad)
    assert info.value.problems[0].file == "rusak.xlsx"


# ---------------------------------------------------------------- in-memory tables
def test_validate_tables_accepts_typed_frames(tables):
    t = {k: v.copy() for k, v in tables.items()}
    t["penilaian_360"]["nilai"] = t["penilaian_360"]["nilai"].astype(float)
    t["survei_skm"][[f"u{i}" for i in range(1, 10)]] = t["survei_skm"][
        [f"u{i}" for i in range(1, 10)]
    ].astype(int)
    t["pegawai"]["nip_atasan"] = t["pegawai"]["nip_atasan"].replace("", None)
    wb = validate_tables(t, source="simulasi")
    assert wb.path == "simulasi"
    ref = validate_tables(tables)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(wb, name), getattr(ref, name))


def test_validate_tables_float_nip_is_excel_damage(tables):
    tables["kompetensi"]["nip"] = tables["kompetensi"]["nip"].astype(float)
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    assert {p.column for p in info.value.problems} == {"nip"}
    assert all("NIP rusak oleh Excel" in p.message for p in info.value.problems)


def test_validate_tables_rejects_unknown_table(tables):
    tables["lain"] = tables["instansi"]
    with pytest.raises(ParameterError, match="Tabel tidak dikenal"):
        validate_tables(tables)


def test_custom_scale(tmp_path, tables):
    tables["penilaian_360"].loc[0, "nilai"] = "7"
    folder = write_csvs(tmp_path / "d", tables)
    assert load_workbook(folder, skala=(1, 7)).penilaian_360["nilai"].max() == 7
    [p] = load_problems(folder)
    assert "1–5" in p.message
    with pytest.raises(ParameterError):
        load_workbook(folder, skala=(5, 1))


# ---------------------------------------------------------------- untuk_instansi
def test_untuk_instansi_filters_every_table(valid_dir):
    wb = load_workbook(valid_dir)
    d2 = wb.untuk_instansi("D02")
    assert list(d2.instansi["kode_instansi"]) == ["D02"]
    assert set(d2.pegawai["nip"]) == {H2, G1, G2, G3, S1}
    assert set(d2.indikator["kode_instansi"]) == {"D02"}
    assert set(d2.realisasi["nip"]) <= set(d2.pegawai["nip"])
    assert set(d2.penilaian_360["nip"]) == set(d2.pegawai["nip"])
    assert len(d2.survei_skm) == 0
    assert list(d2.kompetensi["nip"]) == [G1]
    assert d2.pegawai.index.equals(pd.RangeIndex(len(d2.pegawai)))
    # no row lost across the split
    d1 = wb.untuk_instansi("D01")
    for name in TABLES:
        assert len(getattr(d1, name)) + len(getattr(d2, name)) == len(getattr(wb, name))


def test_untuk_instansi_unknown_code(valid_dir):
    wb = load_workbook(valid_dir)
    with pytest.raises(ParameterError, match=r"'D2' tidak ada.*D01, D02.*'D02'"):
        wb.untuk_instansi("D2")


# ---------------------------------------------------------------- CLI
def test_cli_validasi(valid_dir, capsys, tmp_path, tables):
    from kinerja_calib.cli import main

    assert main(["validasi", str(valid_dir)]) == 0
    assert "Data valid" in capsys.readouterr().out
    tables["pegawai"].loc[0, "jenis_jabatan"] = "eselon"
    assert main(["validasi", str(write_csvs(tmp_path / "bad", tables))]) == 1
    out = capsys.readouterr().out
    assert "pegawai.csv" in out and "jenis_jabatan" in out


# ---------------------------------------------------------------- property test
GARBAGE = st.one_of(
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["", " ", "=CMD()", "#N/A", "1.98703E+17", "1,5", "1.500", '"', ";", ",", "\n", "\x00",
         "NaN", "None", "-", "٣٤", "\u202e", "2026-S3", "atasan", H1, "1e400"]
    ),
)  # fmt: skip
BASE = valid_tables()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_garbage_cells_raise_only_data_error(tmp_path_factory, data):
    tables = {k: v.copy() for k, v in BASE.items()}
    for _ in range(data.draw(st.integers(1, 4))):
        name = data.draw(st.sampled_from(TABLES))
        frame = tables[name]
        col = data.draw(st.integers(0, frame.shape[1] - 1))
        row = data.draw(st.integers(-1, len(frame) - 1))  # -1 = the header
        value = data.draw(GARBAGE)
        if row < 0:
            frame.columns = [value if i == col else c for i, c in enumerate(frame.columns)]
        else:
            frame.iloc[row, col] = value
    sep = data.draw(st.sampled_from([",", ";"]))
    folder = write_csvs(tmp_path_factory.mktemp("g"), tables, sep=sep)
    try:
        wb = load_workbook(folder)
    except DataError as err:
        assert err.problems and all(isinstance(p.message, str) for p in err.problems)
        err.to_frame()
    else:
        assert isinstance(wb, Workbook)
        assert len(wb.penilaian_360) == len(BASE["penilaian_360"])


# ---------------------------------------------------------------- larger in-memory data
def test_large_360_table_validates(tables):
    rng = np.random.default_rng(1)
    n = 50_000
    raters = rng.integers(0, 10**6, n)
    big = pd.DataFrame(
        {
            "periode": "2026-S1",
            "nip": P1,
            "nip_penilai": [f"PL{i}-{j}" for i, j in zip(raters, range(n), strict=True)],
            "peran_penilai": "pengguna_layanan",
            "aspek": "akuntabel",
            "nilai": rng.integers(1, 6, n).astype(float),
        }
    )
    tables["penilaian_360"] = big
    wb = validate_tables(tables)
    assert len(wb.penilaian_360) == n
    assert wb.penilaian_360["nilai"].to_numpy().sum() == big["nilai"].sum()


# ---------------------------------------------------------------- the committed samples
def test_samples_load_cleanly():
    if not SAMPLES.is_dir() or not any(SAMPLES.glob("*.csv")):
        pytest.skip("data/samples/ belum berisi CSV (dibuat oleh scripts/buat_sampel.py)")
    start = time.perf_counter()
    wb = load_workbook(SAMPLES)
    elapsed = time.perf_counter() - start
    assert len(wb.instansi) >= 6
    assert 1000 <= len(wb.pegawai) <= 3000
    assert set(wb.penilaian_360["peran_penilai"]) >= {"atasan", "rekan", "bawahan", "diri"}
    print(f"load_workbook(data/samples): {elapsed:.2f} s")


def test_top_level_reexport():
    assert kc.load_workbook is load_workbook and kc.Workbook is Workbook


def test_samples_subset_xlsx_round_trip(tmp_path):
    """A real instansi of the samples survives .xlsx exactly (Excel number/text cells)."""
    if not SAMPLES.is_dir() or not any(SAMPLES.glob("*.csv")):
        pytest.skip("data/samples/ belum berisi CSV (dibuat oleh scripts/buat_sampel.py)")
    wb = load_workbook(SAMPLES)
    kode = wb.pegawai["kode_instansi"].value_counts().idxmin()
    sub = wb.untuk_instansi(kode)
    xlsx = sub.to_excel(tmp_path / "instansi.xlsx")
    back = load_workbook(xlsx)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(back, name), getattr(sub, name))


def test_xlsx_typed_cells(tmp_path, valid_dir):
    """Dates, booleans and formulas without cached values in Excel cells are reported."""
    import datetime

    import openpyxl

    xlsx = load_workbook(valid_dir).to_excel(tmp_path / "data.xlsx")
    book = openpyxl.load_workbook(xlsx)
    book["realisasi"]["A2"] = datetime.datetime(2026, 1, 1)
    book["penilaian_360"]["F3"] = True
    book["kompetensi"]["D2"] = "=C2+1"  # formula never calculated by Excel: no cached value
    book.save(xlsx)
    problems = load_problems(xlsx)
    where = {(p.file, p.row, p.column): p.message for p in problems}
    assert "tidak dikenal" in where[("data.xlsx:realisasi", 2, "periode")]
    assert "bukan angka" in where[("data.xlsx:penilaian_360", 3, "nilai")]
    assert "Sel kosong" in where[("data.xlsx:kompetensi", 2, "level_aktual")]


# --------------------------------------------------------------------------- cache


def test_workbook_cache_hit_is_identical_and_changed_data_invalidates(
    valid_dir, tmp_path, monkeypatch
):
    from kinerja_calib import data as data_mod

    wb = load_workbook(valid_dir)
    cache = tmp_path / "cache"
    data_mod.write_cache(cache, valid_dir, wb)
    monkeypatch.setenv(data_mod.ENV_CACHE, str(cache))
    # a hit never reads the files: make any read fail loudly
    monkeypatch.setattr(data_mod, "_read_csv", lambda *a, **k: pytest.fail("data read"))
    hit = load_workbook(valid_dir)
    for name in TABLES:
        a, b = getattr(wb, name), getattr(hit, name)
        assert (a is None and b is None) or a.equals(b)
        if a is not None:
            pd.testing.assert_frame_equal(a, b)
    kode = str(wb.instansi["kode_instansi"].iloc[0])
    part = data_mod.load_cached_workbook(valid_dir, kode)
    pd.testing.assert_frame_equal(part.pegawai, wb.untuk_instansi(kode).pegawai)
    # another rating scale is another key: the cache is not used
    assert data_mod.load_cached_workbook(valid_dir, skala=(1, 7)) is None
    monkeypatch.undo()
    monkeypatch.setenv(data_mod.ENV_CACHE, str(cache))
    # a changed data file invalidates it: the data is read (and validated) again
    f = valid_dir / "instansi.csv"
    f.write_text(f.read_text() + "\n")
    assert data_mod.load_cached_workbook(valid_dir) is None
    calls = []
    real = data_mod._read_csv
    monkeypatch.setattr(data_mod, "_read_csv", lambda *a, **k: calls.append(a) or real(*a, **k))
    again = load_workbook(valid_dir)
    assert calls and len(again.pegawai) == len(wb.pegawai)


def test_workbook_cache_unset_or_broken_is_ignored(valid_dir, tmp_path, monkeypatch):
    from kinerja_calib import data as data_mod

    monkeypatch.delenv(data_mod.ENV_CACHE, raising=False)
    assert data_mod.load_cached_workbook(valid_dir) is None
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "_semua.pkl").write_bytes(b"not a pickle")
    monkeypatch.setenv(data_mod.ENV_CACHE, str(cache))
    assert data_mod.load_cached_workbook(valid_dir) is None
    assert len(load_workbook(valid_dir).pegawai) > 0


# --------------------------------------------------------------------------- xlsx via calamine
@pytest.mark.slow
def test_samples_xlsx_equals_csv_folder(tmp_path):
    """The whole sample province read from one .xlsx equals the CSV folder, table by table."""
    if not SAMPLES.is_dir() or not any(SAMPLES.glob("*.csv")):
        pytest.skip("data/samples/ belum berisi CSV (dibuat oleh scripts/buat_sampel.py)")
    wb = load_workbook(SAMPLES)
    back = load_workbook(wb.to_excel(tmp_path / "provinsi.xlsx"))
    for name in TABLES:
        a, b = getattr(back, name), getattr(wb, name)
        if b is None:
            assert a is None, name
        else:
            pd.testing.assert_frame_equal(a, b, obj=name)


def _tricky_xlsx(path: Path) -> Path:
    """One sheet 'pegawai' of awkward Excel cells; formula caches patched into the XML."""
    import datetime
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "pegawai"
    cells = {
        "bulat": 42,
        "pecahan": 85.5,
        "nol_depan": "0012",
        "nip_teks": "198503152010011001",
        "nip_angka": 198503152010011001,  # Excel keeps 15 digits: 1.98503152010011e+17
        "tanggal": datetime.datetime(2026, 1, 1),
        "tanggal_jam": datetime.datetime(2026, 1, 1, 13, 45, 7),
        "hanya_tanggal": datetime.date(2026, 2, 3),
        "jam": datetime.time(8, 30),
        "benar": True,
        "salah": False,
        "kosong": None,
        "rumus": "=A2+1",  # cached value 43 patched in below
        "rumus_galat": "=1/0",  # cached #DIV/0! patched in below
        "galat": "#N/A",  # openpyxl stores this as an error cell (t="e")
        "rumus_tanpa_nilai": "=A2*2",  # never calculated: no cached value
        "tiga_koma_nol": 3.0,
        "nol_negatif": -0.0,
        "sepertiga": 1 / 3,
        "besar": 1e20,
        "spasi": "  teks  ",
    }
    ws.append(list(cells))
    ws.append(list(cells.values()))
    ws.append([None] * len(cells))  # a blank row: dropped, later row numbers kept
    ws.append(["baris4"])
    book.save(path)
    col = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(cells)}
    patches = {
        f'<c r="{col["rumus"]}2"><f>A2+1</f><v /></c>': (
            f'<c r="{col["rumus"]}2"><f>A2+1</f><v>43</v></c>'
        ),
        f'<c r="{col["rumus_galat"]}2"><f>1/0</f><v /></c>': (
            f'<c r="{col["rumus_galat"]}2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        ),
    }
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for old, new in patches.items():
                    assert old in text, old
                    text = text.replace(old, new)
                data = text.encode()
            zout.writestr(info, data)
    return path


def test_xlsx_tricky_cells_read_as_openpyxl_text(tmp_path):
    """Each kind of Excel cell gives the text openpyxl's reader gave (python-calamine)."""
    from kinerja_calib import data as data_mod

    probs = data_mod._Problems()
    out = data_mod._read_xlsx(_tricky_xlsx(tmp_path / "sulit.xlsx"), probs)
    t = out["pegawai"]
    assert list(t.rows) == [2, 4]
    got = t.frame.iloc[0].to_dict()
    assert got == {
        "bulat": "42",
        "pecahan": "85.5",
        "nol_depan": "0012",
        "nip_teks": "198503152010011001",
        "nip_angka": "1.98503152010011e+17",
        "tanggal": "2026-01-01T00:00:00",
        "tanggal_jam": "2026-01-01T13:45:07",
        "hanya_tanggal": "2026-02-03T00:00:00",
        "jam": "08:30:00",
        "benar": "TRUE",
        "salah": "FALSE",
        "kosong": "",
        "rumus": "43",
        "rumus_galat": "#DIV/0!",
        "galat": "#N/A",
        "rumus_tanpa_nilai": "",
        "tiga_koma_nol": "3",
        "nol_negatif": "0",
        "sepertiga": "0.3333333333333333",
        "besar": "1e+20",
        "spasi": "teks",
    }
    assert t.frame.iloc[1]["bulat"] == "baris4" and t.frame.iloc[1]["besar"] == ""


def test_xlsx_error_cells_are_reported_not_read_as_empty(tmp_path, valid_dir):
    """#N/A in nip_atasan (a failed VLOOKUP) must not silently make the employee a head."""
    import openpyxl

    xlsx = load_workbook(valid_dir).to_excel(tmp_path / "data.xlsx")
    book = openpyxl.load_workbook(xlsx)
    ws = book["pegawai"]
    header = [c.value for c in ws[1]]
    atasan = openpyxl.utils.get_column_letter(header.index("nip_atasan") + 1)
    row = next(r for r in range(2, ws.max_row + 1) if ws[f"{atasan}{r}"].value)
    ws[f"{atasan}{row}"] = "#N/A"
    header = [c.value for c in book["realisasi"][1]]
    real = openpyxl.utils.get_column_letter(header.index("realisasi") + 1)
    book["realisasi"][f"{real}2"] = "#DIV/0!"
    book.save(xlsx)
    problems = load_problems(xlsx)
    where = {(p.file, p.row, p.column): p.message for p in problems}
    assert ("data.xlsx:pegawai", row, "nip_atasan") in where
    assert "galat Excel" in where[("data.xlsx:realisasi", 2, "realisasi")]


def test_xlsx_locked_or_truncated_file_is_one_clear_problem(tmp_path, valid_dir):
    """A password-protected workbook (an OLE file, not a zip) and a cut-off sheet XML."""
    import zipfile

    locked = tmp_path / "terkunci.xlsx"
    locked.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)  # OLE/CFB header
    xlsx = load_workbook(valid_dir).to_excel(tmp_path / "data.xlsx")
    cut = tmp_path / "terpotong.xlsx"
    with zipfile.ZipFile(xlsx) as zin, zipfile.ZipFile(cut, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet2"):
                data = data[: len(data) // 2]
            zout.writestr(info, data)
    for path in (locked, cut):
        [p] = load_problems(path)
        assert p.file == path.name and p.row is None
        assert p.message.startswith("Berkas Excel tidak dapat dibuka (")
        assert "terkunci sandi" in p.message


def test_xlsx_numbers_text_equals_openpyxl_reference(tmp_path):
    """Seeded random numbers of every magnitude: calamine text == openpyxl's value text."""
    import openpyxl
    import python_calamine

    from kinerja_calib import data as data_mod

    rng = np.random.default_rng(2026)
    ints = [int(x) for x in rng.integers(-(10**6), 10**6, 300)]
    ints += [int(x) * 10**k for k, x in enumerate(rng.integers(1, 99, 19))]  # up to 1e20
    floats = list(rng.normal(0, 1, 300) * 10.0 ** rng.integers(-8, 20, 300))
    floats += [round(float(x), 2) for x in rng.uniform(0, 100, 300)] + [
        float(k) for k in range(-5, 6)
    ]
    values = ints + floats
    path = tmp_path / "angka.xlsx"
    book = openpyxl.Workbook()
    for v in values:
        book.active.append([v])
    book.save(path)
    ref = openpyxl.load_workbook(path, read_only=True, data_only=True)
    expected = [data_mod._cell_text(r[0]) for r in ref.active.iter_rows(values_only=True)]
    ref.close()
    with python_calamine.CalamineWorkbook.from_path(path) as cal:
        got = [data_mod._xlsx_cell_text(r[0]) for r in cal.get_sheet_by_index(0).to_python()]
    assert len(got) == len(values) and got == expected


# --------------------------------------------------------------------------- issue 13 item 7
def _load_err(path) -> DataError:
    with pytest.raises(DataError) as info:
        load_workbook(path)
    return info.value


@pytest.mark.parametrize("cell", ["3.903", "1,500"])
def test_ambiguous_number_in_a_decimal_point_column_is_reported(tmp_path, tables, cell):
    """realisasi holds '50.25' etc.: '3.903' (Indonesian 3903) must not be read as 3.903."""
    tables["realisasi"].loc[3, "realisasi"] = cell
    [p] = load_problems(write_csvs(tmp_path / "n", tables))
    assert (p.file, p.row, p.column) == ("realisasi.csv", 5, "realisasi")
    digits = cell.replace(".", "").replace(",", "")
    assert f"'{cell}' ambigu" in p.message and f"Tulis {digits}" in p.message


def test_ambiguous_numbers_of_one_value_are_one_problem(tmp_path, tables):
    tables["realisasi"]["realisasi"] = "7"
    tables["realisasi"].loc[[2, 5, 9], "realisasi"] = "3.903"
    [p] = load_problems(write_csvs(tmp_path / "n", tables))
    assert (p.row, p.jumlah) == (4, 3) and "Mempengaruhi 3 baris (baris 4, 7, 11)" in p.message


def test_typed_number_cells_are_never_ambiguous(tmp_path, valid_dir, tables):
    """An .xlsx number cell 3.903 and a float 3.903 in a frame are 3.903 (no separator)."""
    import openpyxl

    xlsx = load_workbook(valid_dir).to_excel(tmp_path / "data.xlsx")
    book = openpyxl.load_workbook(xlsx)
    ws = book["realisasi"]
    col = [c.value for c in ws[1]].index("realisasi") + 1
    for r in range(2, ws.max_row + 1):
        ws.cell(r, col).value = 7
    ws.cell(2, col).value = 3.903
    ws.cell(3, col).value = "3.903"  # a text cell is as ambiguous as in a CSV
    book.save(xlsx)
    [p] = load_problems(xlsx)
    assert (p.file, p.row, p.column) == ("data.xlsx:realisasi", 3, "realisasi")
    ws.cell(3, col).value = 8
    book.save(xlsx)
    assert load_workbook(xlsx).realisasi["realisasi"].iloc[0] == 3.903
    tables["realisasi"]["realisasi"] = 7.0
    tables["realisasi"].loc[0, "realisasi"] = 3.903
    assert validate_tables(tables).realisasi["realisasi"].iloc[0] == 3.903


def test_one_foreign_byte_in_a_utf8_file_is_reported_by_row(tmp_path, valid_dir):
    """A cp1252 'é' in one row: that cell is reported; 'André' (UTF-8) is never mojibake."""
    path = valid_dir / "pegawai.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",Ahmad,", ",André,")
    lines[4] = lines[4].replace(",Budi,", ",Jos\udce9,")  # the byte 0xE9 on its own
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
    err = _load_err(valid_dir)
    [p] = err.problems
    assert (p.file, p.row, p.column) == ("pegawai.csv", 5, "nama")
    assert "tidak sah dalam UTF-8" in p.message and "Simpan berkas sebagai UTF-8" in p.message
    assert "Ã" not in str(err)
    lines[4] = lines[4].replace("Jos\udce9", "José")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_workbook(valid_dir).pegawai["nama"].iloc[0] == "André"


def test_whole_cp1252_file_is_read_with_a_warning(tmp_path, tables):
    tables["pegawai"].loc[0, "nama"] = "André"
    folder = write_csvs(tmp_path / "e", tables)
    (folder / "pegawai.csv").write_bytes(
        (folder / "pegawai.csv").read_bytes().decode().encode("cp1252")
    )
    wb = load_workbook(folder)
    assert wb.pegawai.loc[0, "nama"] == "André"
    [w] = wb.peringatan
    assert w.file == "pegawai.csv" and "Windows-1252" in w.message


def test_one_bad_nip_in_pegawai_is_one_problem(tmp_path, tables):
    """A digit dropped from one pegawai NIP: one problem, counting every row referring to it."""
    peg = tables["pegawai"]
    peg.loc[peg["nip"] == K1, "nip"] = K1[:-1]
    refs = sum(
        int((tables[t][c] == K1).sum())
        for t, c in [
            ("pegawai", "nip_atasan"),
            ("realisasi", "nip"),
            ("penilaian_360", "nip"),
            ("penilaian_360", "nip_penilai"),
            ("kompetensi", "nip"),
        ]
    )
    assert refs > 10
    [p] = load_problems(write_csvs(tmp_path / "d", tables))
    assert (p.file, p.row, p.column) == ("pegawai.csv", 3, "nip")
    assert p.jumlah == 1 + refs
    assert f"'{K1}'" in p.message and f"{refs} baris merujuk" in p.message
    assert "penilaian_360.csv kolom 'nip_penilai'" in p.message


def test_one_invalid_nip_used_everywhere_is_one_problem(tmp_path, tables):
    bad = K1[:4] + "13" + K1[6:]  # month 13
    n = 0
    for t in tables.values():
        for c in ("nip", "nip_atasan", "nip_penilai"):
            if c in t:
                n += int((t[c] == K1).sum())
                t.loc[t[c] == K1, c] = bad
    [p] = load_problems(write_csvs(tmp_path / "d", tables))
    assert (p.file, p.column, p.jumlah) == ("pegawai.csv", "nip", n)
    assert "tanggal lahir" in p.message and f"NIP yang sama dipakai di {n - 1} baris" in p.message


def test_missing_nip_referenced_by_many_rows_is_one_problem_per_column(tmp_path, tables):
    r = tables["penilaian_360"]
    gone = nip("19990101", "202001")
    rows = np.flatnonzero((r["nip"] == P1).to_numpy())
    r.loc[r["nip"] == P1, "nip"] = gone
    problems = load_problems(write_csvs(tmp_path / "d", tables))
    [p] = [p for p in problems if p.file == "penilaian_360.csv" and p.column == "nip"]
    assert (p.row, p.jumlah) == (rows[0] + 2, len(rows))
    assert (
        f"Mempengaruhi {len(rows)} baris" in p.message and "tidak ada di kolom 'nip'" in p.message
    )


def test_xlsx_with_numeric_nips_is_a_few_problems(tmp_path, valid_dir):
    """Every NIP typed as a number (Excel's default): no flood, each names the fix."""
    import openpyxl

    xlsx = load_workbook(valid_dir).to_excel(tmp_path / "data.xlsx")
    book = openpyxl.load_workbook(xlsx)
    cells = 0
    for ws in book.worksheets:
        header = [c.value for c in ws[1]]
        for j, h in enumerate(header, start=1):
            if h in ("nip", "nip_atasan", "nip_penilai"):
                for r in range(2, ws.max_row + 1):
                    v = ws.cell(r, j).value
                    if isinstance(v, str) and v.isdigit():
                        ws.cell(r, j).value = int(v)
                        cells += 1
    book.save(xlsx)
    problems = load_problems(xlsx)
    assert 1 <= len(problems) <= 6, "\n".join(map(str, problems))
    assert sum(p.jumlah for p in problems) == cells
    for p in problems:
        assert "NIP rusak oleh Excel" in p.message and "sebagai Teks" in p.message


def test_messages_say_kosong_never_na_none_nan(tables):
    tables["pegawai"]["kode_instansi"] = tables["pegawai"]["kode_instansi"].astype(object)
    tables["pegawai"].loc[9, "kode_instansi"] = None
    tables["pegawai"].loc[8, "nama"] = np.nan
    tables["pegawai"].loc[7, "unit_kerja"] = pd.NA
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    text = str(info.value) + "\n".join(map(str, info.value.problems))
    assert not re.search(r"<NA>|\bNone\b|\bnan\b|\bNaN\b|''", text), text
    frame = info.value.to_frame()
    assert not frame["kolom"].isna().any()


def test_folder_with_only_an_xlsx_points_at_it(tmp_path, valid_dir):
    folder = tmp_path / "hanya_excel"
    folder.mkdir()
    load_workbook(valid_dir).to_excel(folder / "data.xlsx")
    [p] = load_problems(folder)
    assert "hanya berisi data.xlsx" in p.message
    assert f"DATA={folder / 'data.xlsx'}" in p.message
    empty = tmp_path / "kosong"
    empty.mkdir()
    [p] = load_problems(empty)
    assert "tidak berisi satu pun berkas tabel" in p.message


@pytest.mark.parametrize(
    ("table", "old", "new"),
    [("pegawai", "nip_atasan", "atasan"), ("penilaian_360", "nilai", "nilai_")],
)
def test_misnamed_column_hint_reads_the_right_way_round(tmp_path, tables, table, old, new):
    tables[table] = tables[table].rename(columns={old: new})
    problems = load_problems(write_csvs(tmp_path / "d", tables))
    p = next(p for p in problems if p.row == 1)
    assert p.column == new
    assert f"Kolom '{new}' tidak dikenal; mungkin maksud Anda '{old}'?" in p.message
    assert f"'{old}' tidak ada" not in p.message


def test_misnamed_optional_column_is_a_warning(tmp_path, tables):
    tables["pegawai"] = tables["pegawai"].rename(columns={"potensi": "potensial"})
    wb = load_workbook(write_csvs(tmp_path / "d", tables))
    [w] = wb.peringatan
    assert w.column == "potensial" and "mungkin maksud Anda 'potensi'" in w.message


def test_memory_error_becomes_one_indonesian_problem(valid_dir, monkeypatch):
    from kinerja_calib import data as data_mod

    def boom(*a, **k):
        raise MemoryError

    monkeypatch.setattr(data_mod, "_load", boom)
    [p] = _load_err(valid_dir).problems
    assert "Memori tidak cukup" in p.message and "pecah" in p.message


# --------------------------------------------------------------------------- issue 13 item 8
@pytest.mark.parametrize("wide", [False, True])
def test_chunked_reading_equals_one_chunk(tmp_path, valid_dir, monkeypatch, wide):
    """Chunk boundaries (C parser and the csv-module fallback) change nothing, rows included."""
    from kinerja_calib import data as data_mod

    path = valid_dir / "penilaian_360.csv"
    lines = path.read_text().splitlines()
    lines.insert(9, ",,,,,")  # a blank row inside a chunk
    lines[30] = lines[30].rsplit(",", 1)[0] + ",9"
    if wide:
        lines[40] += ",x"  # a row wider than the header: the fallback reader
    path.write_text("\n".join(lines) + "\n")
    whole = [str(p) for p in load_problems(valid_dir)]
    monkeypatch.setattr(data_mod, "_CHUNK_ROWS", 7)
    chunked = [str(p) for p in load_problems(valid_dir)]
    assert chunked == whole
    assert any("baris 31, kolom 'nilai'" in p for p in whole)
    assert any("baris 41:" in p for p in whole) == wide


def test_text_columns_are_categorical_while_validating(valid_dir):
    """Only distinct values are Python strings while a table is checked."""
    from kinerja_calib import data as data_mod

    probs = data_mod._Problems()
    t = data_mod._read_csv("penilaian_360", valid_dir / "penilaian_360.csv", probs)
    assert all(isinstance(t.frame[c].dtype, pd.CategoricalDtype) for c in t.frame)
    assert len(t.frame["aspek"].cat.categories) == 3


def test_numeric_nips_only_in_pegawai_sheet_are_one_problem(tmp_path, valid_dir):
    """pegawai's NIPs typed as numbers, the other sheets' as text: the references that no
    longer find their pegawai are counted under the one pegawai problem."""
    import openpyxl

    xlsx = load_workbook(valid_dir).to_excel(tmp_path / "data.xlsx")
    book = openpyxl.load_workbook(xlsx)
    ws = book["pegawai"]
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 1).value = int(ws.cell(r, 1).value)
    book.save(xlsx)
    [p] = load_problems(xlsx)
    assert (p.file, p.row, p.column) == ("data.xlsx:pegawai", 2, "nip")
    assert "NIP rusak oleh Excel di 10 baris" in p.message and "10 NIP" in p.message
    n_360 = len(valid_tables()["penilaian_360"])
    assert p.jumlah > n_360  # every 360 row refers to a damaged pegawai


def test_sheet_records_keep_typed_flags_with_their_cells():
    """Short rows padded, empty tails trimmed, blank and too-wide rows dropped: a kept row's
    typed-number flags stay with its own cells, a padded cell is never typed (seeded)."""
    from kinerja_calib.data._builder import from_records
    from kinerja_calib.data._problems import Problems

    rng = np.random.default_rng(14)
    for _ in range(400):
        width = int(rng.integers(1, 5))
        records, typed = [[f"k{j}" for j in range(width)]], [[False] * width]
        for _ in range(int(rng.integers(1, 8))):
            n = int(rng.integers(0, width + 3))
            records.append([str(v) for v in rng.choice(["", " ", "a", "7"], n)])
            typed.append([bool(v) for v in rng.random(n) < 0.5])
        pad = bool(rng.integers(2))
        t = from_records("pegawai", "f.xlsx:pegawai", records, Problems(), pad=pad, typed=typed)
        rows, text, flags = [], [], []  # what a sheet shows, row by row
        for r, (rec, ty) in enumerate(zip(records[1:], typed[1:], strict=True), start=2):
            if pad and len(rec) < width:
                rec, ty = rec + [""] * (width - len(rec)), ty + [False] * (width - len(ty))
            if len(rec) > width and not any(c.strip() for c in rec[width:]):
                rec, ty = rec[:width], ty[:width]
            if len(rec) == width and any(c.strip() for c in rec):
                rows.append(r)
                text.append([c.strip() for c in rec])
                flags.append(ty)
        if not rows:
            assert t is None
            continue
        assert list(t.rows) == rows
        assert t.frame.astype(str).to_numpy().tolist() == text
        for j, col in enumerate(t.frame.columns):
            expected = [f[j] for f in flags]
            if any(expected):
                assert t.typed[col].tolist() == expected
            else:
                assert col not in t.typed
