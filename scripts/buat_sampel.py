"""Generate the synthetic Provinsi Jambi sample workbook (``data/samples``).

Usage::

    python scripts/buat_sampel.py [--keluaran data/samples] [--seed 2026]

Everything is drawn from one fixed seed, so a fresh run reproduces the committed
files byte for byte (``tests/test_samples.py`` checks this). The organisation is
built from small templates (instansi -> units -> sub-units -> staff); the only
Python loops run over those templates, never over employees or ratings.

Ground truth for the planted effects (rater severity, regional scale reading,
self-inflation, weak indicators, low performers) is written to
``<keluaran>/kebenaran/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import kinerja_calib as kc
from kinerja_calib import labels
from kinerja_calib._util import as_rng

__all__ = ["SEED", "PERIODE", "build_tables", "main", "write_tables"]

SEED = 2026
PERIODE = ("2026-S1", "2026-S2")
ASPEK = tuple(labels.ASPEK_BERAKHLAK)

#: Which generator produces ``penilaian_360``: "internal" (this script) or
#: "simulator" (``kc.simulate.rate_organisation``).
MESIN_360 = "simulator"

# ---------------------------------------------------------------------------
# Wilayah and instansi
# ---------------------------------------------------------------------------

WILAYAH = {
    # wilayah -> (short code, threshold shift of the rating scale; negative = the
    # region reads the scale generously, so the same behaviour gets higher nilai)
    "Kota Jambi": ("JMB", 0.0),
    "Kab. Muaro Jambi": ("MRJ", 0.0),
    "Kab. Tanjung Jabung Timur": ("TJT", -0.6),
}


@dataclass(frozen=True)
class InstansiSpec:
    kode: str
    nama: str
    jenis: str
    wilayah: str
    predikat: str
    tipe: str  # dinkes | disdik | rsud | dukcapil | bkpsdm | kecamatan
    ukuran: float = 1.0  # multiplies staff counts
    satuan: tuple[str, ...] = field(default_factory=tuple)  # puskesmas / schools / ...


INSTANSI = (
    InstansiSpec(
        "JMB-DINKES",
        "Dinas Kesehatan Kota Jambi",
        "kota",
        "Kota Jambi",
        "Istimewa",
        "dinkes",
        1.0,
        (
            "Simpang Kawat",
            "Putri Ayu",
            "Paal X",
            "Kenali Besar",
            "Olak Kemang",
            "Talang Banjar",
            "Pakuan Baru",
            "Tahtul Yaman",
        ),
    ),
    InstansiSpec(
        "JMB-DISDIK",
        "Dinas Pendidikan Kota Jambi",
        "kota",
        "Kota Jambi",
        "Baik",
        "disdik",
        1.0,
        tuple(
            f"SD Negeri {n}/IV Kota Jambi"
            for n in (4, 11, 17, 26, 47, 58, 63, 79, 91, 102, 117, 131)
        )
        + tuple(f"SMP Negeri {n} Kota Jambi" for n in (1, 7, 11, 16, 22)),
    ),
    InstansiSpec(
        "JMB-DUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil Kota Jambi",
        "kota",
        "Kota Jambi",
        "Baik",
        "dukcapil",
        1.3,
    ),
    InstansiSpec(
        "JMB-KEC-TELANAI",
        "Kecamatan Telanaipura",
        "kota",
        "Kota Jambi",
        "Butuh Perbaikan",
        "kecamatan",
        1.0,
    ),
    InstansiSpec(
        "PROV-RSUD-RM",
        "RSUD Raden Mattaher Provinsi Jambi",
        "provinsi",
        "Kota Jambi",
        "Baik",
        "rsud",
        1.6,
    ),
    InstansiSpec(
        "MRJ-DINKES",
        "Dinas Kesehatan Kabupaten Muaro Jambi",
        "kabupaten",
        "Kab. Muaro Jambi",
        "Baik",
        "dinkes",
        0.9,
        ("Sengeti", "Sekernan", "Jambi Kecil", "Sungai Bahar", "Kumpeh", "Mestong", "Pondok Meja"),
    ),
    InstansiSpec(
        "MRJ-DISDIK",
        "Dinas Pendidikan Kabupaten Muaro Jambi",
        "kabupaten",
        "Kab. Muaro Jambi",
        "Butuh Perbaikan",
        "disdik",
        0.9,
        tuple(
            f"SD Negeri {n}/IX Muaro Jambi"
            for n in (2, 9, 14, 23, 38, 45, 57, 66, 74, 88, 96, 120, 143)
        )
        + tuple(f"SMP Negeri {n} Muaro Jambi" for n in (1, 5, 9, 14, 21)),
    ),
    InstansiSpec(
        "MRJ-BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kabupaten Muaro Jambi",
        "kabupaten",
        "Kab. Muaro Jambi",
        "Istimewa",
        "bkpsdm",
        1.0,
    ),
    InstansiSpec(
        "MRJ-KEC-SEKERNAN",
        "Kecamatan Sekernan",
        "kabupaten",
        "Kab. Muaro Jambi",
        "Sangat Kurang",
        "kecamatan",
        0.9,
    ),
    InstansiSpec(
        "TJT-RSUD",
        "RSUD Nurdin Hamzah Kabupaten Tanjung Jabung Timur",
        "kabupaten",
        "Kab. Tanjung Jabung Timur",
        "Baik",
        "rsud",
        1.0,
    ),
    InstansiSpec(
        "TJT-DINKES",
        "Dinas Kesehatan Kabupaten Tanjung Jabung Timur",
        "kabupaten",
        "Kab. Tanjung Jabung Timur",
        "Baik",
        "dinkes",
        0.9,
        ("Muara Sabak", "Nipah Panjang", "Rantau Rasau", "Mendahara", "Dendang"),
    ),
    InstansiSpec(
        "TJT-DUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Tanjung Jabung Timur",
        "kabupaten",
        "Kab. Tanjung Jabung Timur",
        "Istimewa",
        "dukcapil",
        1.0,
    ),
    InstansiSpec(
        "TJT-KEC-MST",
        "Kecamatan Muara Sabak Timur",
        "kabupaten",
        "Kab. Tanjung Jabung Timur",
        "Kurang",
        "kecamatan",
        1.0,
    ),
)

#: Mean shift of true performance (z units) by organisation predikat: better
#: organisations employ (on average) better performers.
GESER_PREDIKAT = {
    "Istimewa": 0.35,
    "Baik": 0.1,
    "Butuh Perbaikan": -0.25,
    "Kurang": -0.5,
    "Sangat Kurang": -0.75,
}

# ---------------------------------------------------------------------------
# Jabatan catalogue: name -> (jenis_jabatan, indicator template, serves the
# public (gets pengguna_layanan ratings), gelar style, competency standard level)
# ---------------------------------------------------------------------------

JABATAN: dict[str, tuple[str, str, bool, str, int]] = {
    "Dokter Ahli Pertama": ("fungsional", "dokter", True, "dr", 2),
    "Dokter Ahli Muda": ("fungsional", "dokter", True, "dr", 3),
    "Dokter Gigi Ahli Pertama": ("fungsional", "dokter_gigi", True, "drg", 2),
    "Dokter Spesialis Ahli Muda": ("fungsional", "dokter_spesialis", True, "drsp", 3),
    "Perawat Terampil": ("fungsional", "perawat", True, "amdkep", 2),
    "Perawat Ahli Pertama": ("fungsional", "perawat", True, "ners", 2),
    "Bidan Terampil": ("fungsional", "bidan", True, "amdkeb", 2),
    "Bidan Ahli Pertama": ("fungsional", "bidan", True, "skeb", 2),
    "Nutrisionis Terampil": ("fungsional", "nutrisionis", False, "amdgz", 2),
    "Nutrisionis Ahli Pertama": ("fungsional", "nutrisionis", False, "sgz", 2),
    "Sanitarian Terampil": ("fungsional", "sanitarian", False, "amdkl", 2),
    "Pranata Laboratorium Kesehatan Terampil": ("fungsional", "lab", False, "amdak", 2),
    "Asisten Apoteker Terampil": ("fungsional", "farmasi", True, "amdfarm", 2),
    "Apoteker Ahli Pertama": ("fungsional", "farmasi", True, "apt", 2),
    "Perekam Medis Terampil": ("fungsional", "rekam_medis", False, "amdrmik", 2),
    "Radiografer Terampil": ("fungsional", "radiografer", False, "amdrad", 2),
    "Epidemiolog Kesehatan Ahli Pertama": ("fungsional", "epidemiolog", False, "skm", 2),
    "Penyuluh Kesehatan Masyarakat Ahli Pertama": ("fungsional", "penyuluh", False, "skm", 2),
    "Administrator Kesehatan Ahli Pertama": ("fungsional", "adminkes", False, "skm", 2),
    "Guru Ahli Pertama": ("fungsional", "guru", False, "spd", 2),
    "Guru Ahli Muda": ("fungsional", "guru", False, "spd", 3),
    "Guru Ahli Madya": ("fungsional", "guru", False, "mpd", 3),
    "Kepala Sekolah": ("fungsional", "kepala_sekolah", True, "mpd", 3),
    "Pengawas Sekolah Ahli Muda": ("fungsional", "pengawas_sekolah", False, "mpd", 3),
    "Analis Kebijakan Ahli Pertama": ("fungsional", "analis_kebijakan", False, "umum", 2),
    "Perencana Ahli Pertama": ("fungsional", "perencana", False, "umum", 2),
    "Analis Sumber Daya Manusia Aparatur Ahli Pertama": (
        "fungsional",
        "analis_sdm",
        False,
        "umum",
        2,
    ),
    "Analis Sumber Daya Manusia Aparatur Ahli Muda": ("fungsional", "analis_sdm", False, "umum", 3),
    "Asesor Sumber Daya Manusia Aparatur Ahli Pertama": ("fungsional", "asesor", False, "psi", 2),
    "Pranata Komputer Ahli Pertama": ("fungsional", "pranata_komputer", False, "kom", 2),
    "Administrator Database Kependudukan Ahli Pertama": (
        "fungsional",
        "pranata_komputer",
        False,
        "kom",
        2,
    ),
    "Polisi Pamong Praja Terampil": ("fungsional", "satpol", True, "none", 2),
    "Pengadministrasi Perkantoran": ("pelaksana", "administrasi", False, "pelaksana", 2),
    "Pengelola Keuangan": ("pelaksana", "keuangan", False, "se", 2),
    "Penata Laporan Keuangan": ("pelaksana", "keuangan", False, "se", 2),
    "Pengelola Barang Milik Daerah": ("pelaksana", "bmd", False, "pelaksana", 2),
    "Pengolah Data Kepegawaian": ("pelaksana", "data_kepegawaian", False, "pelaksana", 2),
    "Verifikator Data Kependudukan": ("pelaksana", "verifikator_dukcapil", True, "pelaksana", 2),
    "Operator Layanan Kependudukan": ("pelaksana", "operator_dukcapil", True, "pelaksana", 2),
    "Pengelola Layanan Operasional": ("pelaksana", "ptsp", True, "pelaksana", 2),
    "Pengelola Data Pemerintahan": ("pelaksana", "data_pemerintahan", False, "pelaksana", 2),
}

# Indicator templates: (nama, satuan, target or (min, max), arah, aspek, sumber_data, bobot)
# Targets are per semester.
IND = tuple[str, str, float | tuple[float, float], str, str, str, int]
INDIKATOR: dict[str, list[IND]] = {
    "kepala_instansi": [
        (
            "Persentase capaian indikator kinerja utama (IKU) perangkat daerah",
            "%",
            100,
            "naik",
            "kualitas",
            "laporan",
            35,
        ),
        ("Nilai evaluasi SAKIP perangkat daerah", "nilai", 70, "naik", "kualitas", "laporan", 25),
        ("Persentase realisasi anggaran", "%", 95, "naik", "biaya", "laporan", 20),
        ("Indeks kepuasan masyarakat (IKM) layanan", "nilai", 82, "naik", "kualitas", "survei", 20),
    ],
    "kepala_unit": [
        (
            "Persentase program unit yang terlaksana sesuai rencana",
            "%",
            95,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        ("Persentase realisasi anggaran unit", "%", 95, "naik", "biaya", "laporan", 25),
        (
            "Waktu penyampaian laporan kinerja unit setelah akhir periode",
            "hari",
            7,
            "turun",
            "waktu",
            "laporan",
            20,
        ),
        (
            "Tingkat kepuasan pegawai terhadap pembinaan atasan",
            "%",
            (75, 85),
            "naik",
            "kualitas",
            "umpan_balik",
            15,
        ),
    ],
    "kepala_subunit": [
        (
            "Jumlah kegiatan seksi/subbagian yang terlaksana",
            "kegiatan",
            12,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase dokumen seksi/subbagian yang diterima tanpa revisi",
            "%",
            90,
            "naik",
            "kualitas",
            "laporan",
            30,
        ),
        ("Rata-rata waktu penyelesaian kegiatan", "hari", 10, "turun", "waktu", "laporan", 30),
    ],
    "kepala_puskesmas": [
        (
            "Jumlah kunjungan pasien puskesmas",
            "kunjungan",
            9000,
            "naik",
            "kuantitas",
            "laporan",
            30,
        ),
        ("Cakupan imunisasi dasar lengkap", "%", 95, "naik", "kualitas", "laporan", 25),
        ("Indeks kepuasan masyarakat puskesmas", "nilai", 82, "naik", "kualitas", "survei", 25),
        (
            "Waktu tunggu rata-rata pelayanan rawat jalan",
            "menit",
            45,
            "turun",
            "waktu",
            "survei",
            20,
        ),
    ],
    "kepala_sekolah": [
        ("Persentase ketuntasan belajar peserta didik", "%", 85, "naik", "kualitas", "laporan", 30),
        (
            "Skor literasi rapor pendidikan sekolah",
            "skor",
            (60, 70),
            "naik",
            "kualitas",
            "laporan",
            25,
        ),
        ("Persentase guru yang disupervisi akademik", "%", 100, "naik", "kuantitas", "laporan", 25),
        (
            "Waktu penyampaian laporan penggunaan dana BOS",
            "hari",
            10,
            "turun",
            "waktu",
            "laporan",
            20,
        ),
    ],
    "dokter": [
        ("Jumlah pasien dilayani", "pasien", 1800, "naik", "kuantitas", "laporan", 35),
        ("Tingkat kepuasan pasien", "%", 85, "naik", "kualitas", "survei", 25),
        ("Waktu tunggu pelayanan", "menit", 30, "turun", "waktu", "survei", 20),
        ("Kelengkapan pengisian rekam medis", "%", 95, "naik", "kualitas", "laporan", 20),
    ],
    "dokter_gigi": [
        (
            "Jumlah pasien gigi dan mulut dilayani",
            "pasien",
            900,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        ("Tingkat kepuasan pasien", "%", 85, "naik", "kualitas", "survei", 30),
        ("Waktu tunggu pelayanan", "menit", 30, "turun", "waktu", "survei", 30),
    ],
    "dokter_spesialis": [
        ("Jumlah pasien dilayani", "pasien", 1200, "naik", "kuantitas", "laporan", 30),
        ("Tingkat kepuasan pasien", "%", 85, "naik", "kualitas", "survei", 20),
        ("Waktu tunggu pelayanan poliklinik", "menit", 60, "turun", "waktu", "survei", 20),
        ("Kepatuhan terhadap panduan praktik klinis", "%", 90, "naik", "kualitas", "laporan", 15),
        ("Jumlah tindakan medis spesialistik", "tindakan", 150, "naik", "kuantitas", "laporan", 15),
    ],
    "perawat": [
        (
            "Jumlah pasien yang diberi asuhan keperawatan",
            "pasien",
            900,
            "naik",
            "kuantitas",
            "laporan",
            35,
        ),
        (
            "Persentase dokumentasi asuhan keperawatan lengkap",
            "%",
            95,
            "naik",
            "kualitas",
            "laporan",
            25,
        ),
        (
            "Tingkat kepuasan pasien terhadap pelayanan keperawatan",
            "%",
            85,
            "naik",
            "kualitas",
            "survei",
            25,
        ),
        ("Waktu respons panggilan pasien", "menit", 5, "turun", "waktu", "umpan_balik", 15),
    ],
    "bidan": [
        ("Jumlah persalinan yang ditolong", "persalinan", 60, "naik", "kuantitas", "laporan", 30),
        (
            "Jumlah kunjungan ibu hamil yang dilayani",
            "kunjungan",
            240,
            "naik",
            "kuantitas",
            "laporan",
            30,
        ),
        ("Tingkat kepuasan pasien", "%", 85, "naik", "kualitas", "survei", 20),
        ("Waktu penyampaian laporan KIA bulanan", "hari", 5, "turun", "waktu", "laporan", 20),
    ],
    "nutrisionis": [
        (
            "Jumlah balita yang dipantau status gizinya",
            "balita",
            600,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase balita gizi kurang yang mendapat makanan tambahan",
            "%",
            90,
            "naik",
            "kualitas",
            "laporan",
            30,
        ),
        ("Jumlah sesi konseling gizi", "sesi", 48, "naik", "kuantitas", "laporan", 30),
    ],
    "sanitarian": [
        ("Jumlah inspeksi kesehatan lingkungan", "lokasi", 80, "naik", "kuantitas", "laporan", 40),
        (
            "Persentase tempat pengelolaan pangan yang memenuhi syarat",
            "%",
            (70, 80),
            "naik",
            "kualitas",
            "laporan",
            30,
        ),
        ("Waktu penyampaian laporan inspeksi", "hari", 5, "turun", "waktu", "laporan", 30),
    ],
    "lab": [
        (
            "Jumlah pemeriksaan laboratorium",
            "pemeriksaan",
            2500,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        ("Waktu penyelesaian hasil pemeriksaan", "jam", 2, "turun", "waktu", "laporan", 30),
        (
            "Persentase hasil pemantapan mutu internal sesuai standar",
            "%",
            95,
            "naik",
            "kualitas",
            "laporan",
            30,
        ),
    ],
    "farmasi": [
        ("Jumlah resep dilayani", "resep", 4000, "naik", "kuantitas", "laporan", 40),
        ("Waktu tunggu pelayanan resep", "menit", 20, "turun", "waktu", "survei", 30),
        ("Persentase resep sesuai formularium", "%", 90, "naik", "kualitas", "laporan", 30),
    ],
    "rekam_medis": [
        (
            "Jumlah berkas rekam medis yang dikode",
            "berkas",
            3000,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        ("Persentase kelengkapan rekam medis", "%", 95, "naik", "kualitas", "laporan", 30),
        (
            "Waktu penyediaan berkas rekam medis rawat jalan",
            "menit",
            10,
            "turun",
            "waktu",
            "laporan",
            30,
        ),
    ],
    "radiografer": [
        ("Jumlah pemeriksaan radiologi", "pemeriksaan", 1500, "naik", "kuantitas", "laporan", 40),
        ("Persentase foto ulang", "%", 5, "turun", "kualitas", "laporan", 30),
        ("Waktu tunggu hasil radiologi", "jam", 3, "turun", "waktu", "survei", 30),
    ],
    "epidemiolog": [
        (
            "Persentase laporan surveilans mingguan tepat waktu",
            "%",
            90,
            "naik",
            "waktu",
            "laporan",
            35,
        ),
        ("Jumlah penyelidikan epidemiologi", "kegiatan", 6, "naik", "kuantitas", "laporan", 30),
        ("Kelengkapan data surveilans", "%", 95, "naik", "kualitas", "laporan", 35),
    ],
    "penyuluh": [
        (
            "Jumlah kegiatan penyuluhan kesehatan",
            "kegiatan",
            36,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        ("Jumlah peserta penyuluhan", "orang", 900, "naik", "kuantitas", "laporan", 30),
        (
            "Persentase peserta yang memahami materi (post-test)",
            "%",
            75,
            "naik",
            "kualitas",
            "survei",
            30,
        ),
    ],
    "adminkes": [
        (
            "Jumlah dokumen perencanaan dan evaluasi program kesehatan",
            "dokumen",
            8,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase rekomendasi evaluasi yang ditindaklanjuti",
            "%",
            70,
            "naik",
            "kualitas",
            "laporan",
            30,
        ),
        ("Waktu penyusunan dokumen setelah permintaan", "hari", 5, "turun", "waktu", "laporan", 30),
    ],
    "guru": [
        (
            "Kemampuan mengajar (skor supervisi akademik)",
            "skor",
            85,
            "naik",
            "kualitas",
            "umpan_balik",
            30,
        ),
        (
            "Pengelolaan kelas (skor observasi kelas)",
            "skor",
            80,
            "naik",
            "kualitas",
            "umpan_balik",
            20,
        ),
        ("Interaksi dengan siswa (survei siswa)", "%", 80, "naik", "kualitas", "survei", 20),
        ("Persentase ketuntasan belajar siswa", "%", (75, 85), "naik", "kualitas", "laporan", 20),
        ("Jumlah jam tatap muka per minggu", "jam", 24, "naik", "kuantitas", "laporan", 10),
    ],
    "pengawas_sekolah": [
        (
            "Jumlah sekolah binaan yang disupervisi",
            "sekolah",
            10,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase guru binaan yang mencapai standar supervisi",
            "%",
            80,
            "naik",
            "kualitas",
            "laporan",
            35,
        ),
        ("Waktu penyampaian laporan pengawasan", "hari", 7, "turun", "waktu", "laporan", 25),
    ],
    "analis_kebijakan": [
        (
            "Jumlah rekomendasi kebijakan yang disusun",
            "dokumen",
            4,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase rekomendasi yang diterima pimpinan",
            "%",
            60,
            "naik",
            "kualitas",
            "umpan_balik",
            35,
        ),
        ("Waktu penyusunan kajian kebijakan", "hari", 20, "turun", "waktu", "laporan", 25),
    ],
    "perencana": [
        (
            "Jumlah dokumen perencanaan yang disusun",
            "dokumen",
            6,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase program yang selaras dengan RPJMD",
            "%",
            95,
            "naik",
            "kualitas",
            "laporan",
            30,
        ),
        (
            "Waktu penyampaian dokumen perencanaan setelah tenggat",
            "hari",
            5,
            "turun",
            "waktu",
            "laporan",
            30,
        ),
    ],
    "analis_sdm": [
        (
            "Jumlah usulan kenaikan pangkat yang diproses",
            "usulan",
            150,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase usulan dikembalikan karena berkas tidak lengkap",
            "%",
            5,
            "turun",
            "kualitas",
            "laporan",
            30,
        ),
        ("Rata-rata waktu pemrosesan usulan", "hari", 14, "turun", "waktu", "laporan", 30),
    ],
    "asesor": [
        (
            "Jumlah pegawai yang dinilai kompetensinya",
            "orang",
            120,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        ("Persentase laporan asesmen selesai tepat waktu", "%", 90, "naik", "waktu", "laporan", 30),
        ("Tingkat kepuasan pengguna hasil asesmen", "%", 80, "naik", "kualitas", "survei", 30),
    ],
    "pranata_komputer": [
        (
            "Persentase ketersediaan layanan sistem informasi",
            "%",
            99,
            "naik",
            "kualitas",
            "laporan",
            35,
        ),
        ("Jumlah data ganda yang dibersihkan", "rekaman", 500, "naik", "kuantitas", "laporan", 35),
        ("Waktu pemulihan gangguan sistem", "jam", 4, "turun", "waktu", "laporan", 30),
    ],
    "satpol": [
        ("Jumlah kegiatan patroli ketertiban", "kegiatan", 48, "naik", "kuantitas", "laporan", 40),
        (
            "Persentase pengaduan ketertiban yang ditindaklanjuti",
            "%",
            90,
            "naik",
            "kualitas",
            "laporan",
            30,
        ),
        ("Waktu respons pengaduan masyarakat", "jam", 24, "turun", "waktu", "umpan_balik", 30),
    ],
    "administrasi": [
        ("Jumlah naskah dinas yang diproses", "naskah", 600, "naik", "kuantitas", "laporan", 40),
        ("Persentase naskah dinas tanpa kesalahan", "%", 95, "naik", "kualitas", "umpan_balik", 30),
        ("Waktu penyelesaian naskah dinas", "hari", 2, "turun", "waktu", "laporan", 30),
    ],
    "keuangan": [
        ("Jumlah SPJ yang diverifikasi", "dokumen", 400, "naik", "kuantitas", "laporan", 40),
        ("Persentase SPJ tanpa koreksi", "%", 95, "naik", "kualitas", "laporan", 30),
        ("Waktu penyampaian laporan keuangan bulanan", "hari", 10, "turun", "waktu", "laporan", 30),
    ],
    "bmd": [
        (
            "Jumlah barang milik daerah yang diinventarisasi",
            "unit",
            800,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase kesesuaian data aset dengan fisik",
            "%",
            95,
            "naik",
            "kualitas",
            "laporan",
            30,
        ),
        (
            "Waktu penyampaian laporan barang milik daerah",
            "hari",
            10,
            "turun",
            "waktu",
            "laporan",
            30,
        ),
    ],
    "data_kepegawaian": [
        (
            "Jumlah data kepegawaian yang dimutakhirkan",
            "data",
            1500,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        ("Persentase data SIASN yang valid", "%", 98, "naik", "kualitas", "laporan", 30),
        ("Waktu pemutakhiran data setelah SK terbit", "hari", 3, "turun", "waktu", "laporan", 30),
    ],
    "verifikator_dukcapil": [
        (
            "Jumlah dokumen kependudukan yang diverifikasi",
            "dokumen",
            3000,
            "naik",
            "kuantitas",
            "laporan",
            35,
        ),
        (
            "Persentase dokumen terbit tanpa kesalahan data",
            "%",
            98,
            "naik",
            "kualitas",
            "laporan",
            25,
        ),
        ("Ketepatan waktu layanan dokumen", "hari", 3, "turun", "waktu", "laporan", 25),
        ("Tingkat kepuasan pemohon", "%", 85, "naik", "kualitas", "survei", 15),
    ],
    "operator_dukcapil": [
        ("Jumlah dokumen kependudukan terbit", "dokumen", 2500, "naik", "kuantitas", "laporan", 40),
        ("Waktu pelayanan per pemohon", "menit", 20, "turun", "waktu", "survei", 30),
        ("Tingkat kepuasan pemohon", "%", 85, "naik", "kualitas", "survei", 30),
    ],
    "ptsp": [
        (
            "Jumlah permohonan layanan PATEN kecamatan yang diselesaikan",
            "berkas",
            500,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        ("Waktu penyelesaian layanan", "hari", 3, "turun", "waktu", "laporan", 30),
        ("Tingkat kepuasan pemohon", "%", 85, "naik", "kualitas", "survei", 30),
    ],
    "data_pemerintahan": [
        (
            "Jumlah data administrasi desa/kelurahan yang dimutakhirkan",
            "data",
            200,
            "naik",
            "kuantitas",
            "laporan",
            40,
        ),
        (
            "Persentase laporan desa/kelurahan diterima tepat waktu",
            "%",
            90,
            "naik",
            "waktu",
            "laporan",
            30,
        ),
        ("Persentase data profil desa yang lengkap", "%", 95, "naik", "kualitas", "laporan", 30),
    ],
}

# Planted weak indicators (for the SMART checker in notebook 01). Each entry:
# (kode_instansi, jabatan, index of the template indicator to replace or None to
# add, replacement dict, jenis_kelemahan, penjelasan).
INDIKATOR_LEMAH = (
    (
        "JMB-DISDIK",
        "Guru Ahli Pertama",
        4,
        dict(
            nama="Meningkatkan kualitas pembelajaran",
            satuan="kegiatan",
            target=1.0,
            aspek="kualitas",
            bobot=10,
        ),
        "tidak_terukur",
        "Rumusan kabur (tidak menyebut apa yang diukur); target 1 kegiatan selalu tercapai "
        "sehingga tidak membedakan kinerja. Ganti dengan ukuran yang jelas, misalnya skor "
        "supervisi atau persentase ketuntasan.",
    ),
    (
        "MRJ-DINKES",
        "Perawat Terampil",
        0,
        dict(target=4000.0),
        "target_tidak_realistis",
        "Target 4.000 pasien per semester jauh di atas volume yang wajar (kolom target_wajar); "
        "hampir semua perawat mendapat capaian di bawah 35 %. Target harus menantang tetapi "
        "dapat dicapai.",
    ),
    (
        "TJT-DUKCAPIL",
        "Operator Layanan Kependudukan",
        0,
        dict(target=100.0),
        "target_terlalu_rendah",
        "Target 100 dokumen per semester jauh di bawah volume yang wajar (kolom target_wajar); "
        "capaian ribuan persen tidak bermakna. Tetapkan target dari data realisasi periode "
        "lalu.",
    ),
    (
        "JMB-DINKES",
        "Dokter Ahli Pertama",
        2,
        dict(arah="naik"),
        "arah_keliru",
        "Waktu tunggu (menit) ditandai 'naik' padahal semakin singkat semakin baik; dokter "
        "yang melayani paling cepat justru mendapat capaian terendah. Arah harus 'turun'.",
    ),
    (
        "MRJ-BKPSDM",
        "Analis Sumber Daya Manusia Aparatur Ahli Pertama",
        None,
        dict(bobot=(75, 15, 10)),
        "bobot_timpang",
        "Satu indikator berbobot 75 % sehingga indikator mutu dan waktu hampir tidak "
        "berpengaruh. Bobot sebaiknya seimbang dengan pentingnya tiap hasil kerja.",
    ),
)

# ---------------------------------------------------------------------------
# Organisation templates
# ---------------------------------------------------------------------------


@dataclass
class Unit:
    """A node of the organisation template."""

    nama: str
    kepala: str | None  # jabatan of the unit head (None = staff report to the parent head)
    staf: list[tuple[str, int]] = field(default_factory=list)
    sub: list[Unit] = field(default_factory=list)
    tipe_kepala: str = "kepala_subunit"  # indicator template of the head
    jenis_kepala: str = "struktural"
    level_kepala: int = 3  # competency standard level of the head


def _sekretariat(sebutan: str = "Sekretariat", kepala: str = "Sekretaris") -> Unit:
    return Unit(
        sebutan,
        kepala,
        [],
        tipe_kepala="kepala_unit",
        sub=[
            Unit(
                "Subbagian Umum dan Kepegawaian",
                "Kepala Subbagian Umum dan Kepegawaian",
                [
                    ("Pengadministrasi Perkantoran", 3),
                    ("Pengolah Data Kepegawaian", 1),
                    ("Pengelola Barang Milik Daerah", 1),
                ],
            ),
            Unit(
                "Subbagian Keuangan",
                "Kepala Subbagian Keuangan",
                [("Pengelola Keuangan", 2), ("Penata Laporan Keuangan", 1)],
            ),
            Unit(
                "Subbagian Perencanaan dan Pelaporan",
                "Kepala Subbagian Perencanaan dan Pelaporan",
                [("Perencana Ahli Pertama", 1), ("Analis Kebijakan Ahli Pertama", 1)],
            ),
        ],
    )


def _bidang(nama: str, seksi: list[tuple[str, list[tuple[str, int]]]]) -> Unit:
    return Unit(
        nama,
        f"Kepala {nama}",
        [],
        tipe_kepala="kepala_unit",
        sub=[Unit(s, f"Kepala {s}", staf) for s, staf in seksi],
    )


def template(spec: InstansiSpec) -> tuple[str, str, list[Unit]]:
    """Return (head jabatan, head indicator template, level-2 units) for an instansi."""
    if spec.tipe == "dinkes":
        units = [
            _sekretariat(),
            _bidang(
                "Bidang Kesehatan Masyarakat",
                [
                    (
                        "Seksi Kesehatan Keluarga dan Gizi",
                        [("Nutrisionis Ahli Pertama", 2), ("Pengadministrasi Perkantoran", 1)],
                    ),
                    (
                        "Seksi Promosi Kesehatan",
                        [("Penyuluh Kesehatan Masyarakat Ahli Pertama", 2)],
                    ),
                ],
            ),
            _bidang(
                "Bidang Pencegahan dan Pengendalian Penyakit",
                [
                    (
                        "Seksi Surveilans dan Imunisasi",
                        [
                            ("Epidemiolog Kesehatan Ahli Pertama", 2),
                            ("Pengadministrasi Perkantoran", 1),
                        ],
                    ),
                    (
                        "Seksi Penyakit Tidak Menular",
                        [("Administrator Kesehatan Ahli Pertama", 1), ("Sanitarian Terampil", 1)],
                    ),
                ],
            ),
            _bidang(
                "Bidang Pelayanan dan Sumber Daya Kesehatan",
                [
                    ("Seksi Pelayanan Kesehatan", [("Administrator Kesehatan Ahli Pertama", 2)]),
                    (
                        "Seksi Kefarmasian dan Alat Kesehatan",
                        [("Apoteker Ahli Pertama", 1), ("Asisten Apoteker Terampil", 1)],
                    ),
                ],
            ),
        ]
        for pkm in spec.satuan:
            units.append(
                Unit(
                    f"UPT Puskesmas {pkm}",
                    f"Kepala UPT Puskesmas {pkm}",
                    [
                        ("Dokter Ahli Pertama", 2),
                        ("Dokter Ahli Muda", 1),
                        ("Dokter Gigi Ahli Pertama", 1),
                        ("Perawat Terampil", 5),
                        ("Perawat Ahli Pertama", 2),
                        ("Bidan Terampil", 5),
                        ("Bidan Ahli Pertama", 1),
                        ("Nutrisionis Terampil", 1),
                        ("Sanitarian Terampil", 1),
                        ("Pranata Laboratorium Kesehatan Terampil", 1),
                        ("Asisten Apoteker Terampil", 1),
                        ("Perekam Medis Terampil", 1),
                    ],
                    sub=[
                        Unit(
                            "Subbagian Tata Usaha",
                            f"Kepala Subbagian Tata Usaha Puskesmas {pkm}",
                            [("Pengadministrasi Perkantoran", 2), ("Pengelola Keuangan", 1)],
                        )
                    ],
                    tipe_kepala="kepala_puskesmas",
                )
            )
        return "Kepala Dinas Kesehatan", "kepala_instansi", units
    if spec.tipe == "disdik":
        units = [
            _sekretariat(),
            _bidang(
                "Bidang Pembinaan Sekolah Dasar",
                [
                    (
                        "Seksi Kurikulum dan Penilaian SD",
                        [("Pengawas Sekolah Ahli Muda", 2), ("Pengadministrasi Perkantoran", 1)],
                    ),
                    (
                        "Seksi Kelembagaan dan Sarana Prasarana SD",
                        [("Pengelola Barang Milik Daerah", 1), ("Pengadministrasi Perkantoran", 1)],
                    ),
                ],
            ),
            _bidang(
                "Bidang Pembinaan Sekolah Menengah Pertama",
                [
                    (
                        "Seksi Kurikulum dan Penilaian SMP",
                        [("Pengawas Sekolah Ahli Muda", 2), ("Pengadministrasi Perkantoran", 1)],
                    ),
                    (
                        "Seksi Peserta Didik dan Pembangunan Karakter",
                        [("Analis Kebijakan Ahli Pertama", 1)],
                    ),
                ],
            ),
            _bidang(
                "Bidang Pendidik dan Tenaga Kependidikan",
                [
                    (
                        "Seksi Pendidik dan Tenaga Kependidikan SD",
                        [
                            ("Analis Sumber Daya Manusia Aparatur Ahli Pertama", 1),
                            ("Pengolah Data Kepegawaian", 1),
                        ],
                    ),
                    (
                        "Seksi Pendidik dan Tenaga Kependidikan SMP",
                        [("Pengolah Data Kepegawaian", 1)],
                    ),
                ],
            ),
        ]
        for sek in spec.satuan:
            if sek.startswith("SD"):
                staf = [
                    ("Guru Ahli Pertama", 3),
                    ("Guru Ahli Muda", 4),
                    ("Guru Ahli Madya", 1),
                    ("Pengadministrasi Perkantoran", 1),
                ]
            else:
                staf = [
                    ("Guru Ahli Pertama", 4),
                    ("Guru Ahli Muda", 6),
                    ("Guru Ahli Madya", 3),
                    ("Pengadministrasi Perkantoran", 2),
                ]
            units.append(
                Unit(
                    sek,
                    "Kepala Sekolah",
                    staf,
                    tipe_kepala="kepala_sekolah",
                    jenis_kepala="fungsional",
                )
            )
        return "Kepala Dinas Pendidikan", "kepala_instansi", units
    if spec.tipe == "rsud":
        units = [
            Unit(
                "Bagian Tata Usaha",
                "Kepala Bagian Tata Usaha",
                [],
                tipe_kepala="kepala_unit",
                sub=_sekretariat().sub,
            ),
            _bidang(
                "Bidang Pelayanan Medik",
                [
                    (
                        "Seksi Pelayanan Rawat Jalan",
                        [
                            ("Dokter Spesialis Ahli Muda", 6),
                            ("Dokter Ahli Pertama", 3),
                            ("Dokter Gigi Ahli Pertama", 1),
                            ("Perawat Terampil", 6),
                            ("Perawat Ahli Pertama", 3),
                        ],
                    ),
                    (
                        "Seksi Pelayanan Rawat Inap dan Gawat Darurat",
                        [
                            ("Dokter Spesialis Ahli Muda", 3),
                            ("Dokter Ahli Pertama", 5),
                            ("Dokter Ahli Muda", 2),
                        ],
                    ),
                ],
            ),
            _bidang(
                "Bidang Keperawatan",
                [
                    (
                        "Seksi Asuhan Keperawatan",
                        [("Perawat Terampil", 14), ("Perawat Ahli Pertama", 7)],
                    ),
                    (
                        "Seksi Pelayanan Kebidanan",
                        [("Bidan Terampil", 5), ("Bidan Ahli Pertama", 2)],
                    ),
                ],
            ),
            _bidang(
                "Bidang Penunjang",
                [
                    (
                        "Seksi Penunjang Medik",
                        [
                            ("Apoteker Ahli Pertama", 2),
                            ("Asisten Apoteker Terampil", 3),
                            ("Pranata Laboratorium Kesehatan Terampil", 4),
                            ("Radiografer Terampil", 2),
                            ("Nutrisionis Terampil", 2),
                        ],
                    ),
                    (
                        "Seksi Penunjang Nonmedik",
                        [
                            ("Perekam Medis Terampil", 4),
                            ("Pranata Komputer Ahli Pertama", 1),
                            ("Sanitarian Terampil", 1),
                        ],
                    ),
                ],
            ),
        ]
        return "Direktur", "kepala_instansi", units
    if spec.tipe == "dukcapil":
        units = [
            _sekretariat(),
            _bidang(
                "Bidang Pelayanan Pendaftaran Penduduk",
                [
                    (
                        "Seksi Identitas Penduduk",
                        [
                            ("Operator Layanan Kependudukan", 5),
                            ("Verifikator Data Kependudukan", 3),
                        ],
                    ),
                    (
                        "Seksi Pindah Datang Penduduk",
                        [
                            ("Operator Layanan Kependudukan", 3),
                            ("Verifikator Data Kependudukan", 2),
                        ],
                    ),
                ],
            ),
            _bidang(
                "Bidang Pelayanan Pencatatan Sipil",
                [
                    (
                        "Seksi Kelahiran dan Kematian",
                        [
                            ("Operator Layanan Kependudukan", 3),
                            ("Verifikator Data Kependudukan", 2),
                        ],
                    ),
                    ("Seksi Perkawinan dan Perceraian", [("Verifikator Data Kependudukan", 2)]),
                ],
            ),
            _bidang(
                "Bidang Pengelolaan Informasi Administrasi Kependudukan",
                [
                    (
                        "Seksi Sistem Informasi Administrasi Kependudukan",
                        [
                            ("Administrator Database Kependudukan Ahli Pertama", 2),
                            ("Pranata Komputer Ahli Pertama", 1),
                        ],
                    ),
                    (
                        "Seksi Pengolahan dan Penyajian Data",
                        [
                            ("Analis Kebijakan Ahli Pertama", 1),
                            ("Verifikator Data Kependudukan", 1),
                        ],
                    ),
                ],
            ),
        ]
        return "Kepala Dinas Kependudukan dan Pencatatan Sipil", "kepala_instansi", units
    if spec.tipe == "bkpsdm":
        units = [
            _sekretariat(),
            _bidang(
                "Bidang Mutasi dan Promosi",
                [
                    (
                        "Subbidang Kepangkatan dan Pensiun",
                        [
                            ("Analis Sumber Daya Manusia Aparatur Ahli Pertama", 3),
                            ("Analis Sumber Daya Manusia Aparatur Ahli Muda", 1),
                            ("Pengolah Data Kepegawaian", 2),
                        ],
                    ),
                    (
                        "Subbidang Mutasi dan Jabatan",
                        [
                            ("Analis Sumber Daya Manusia Aparatur Ahli Pertama", 2),
                            ("Pengolah Data Kepegawaian", 1),
                        ],
                    ),
                ],
            ),
            _bidang(
                "Bidang Pengembangan Kompetensi Aparatur",
                [
                    (
                        "Subbidang Penilaian Kompetensi",
                        [
                            ("Asesor Sumber Daya Manusia Aparatur Ahli Pertama", 3),
                            ("Pengadministrasi Perkantoran", 1),
                        ],
                    ),
                    (
                        "Subbidang Pendidikan dan Pelatihan",
                        [("Analis Sumber Daya Manusia Aparatur Ahli Pertama", 2)],
                    ),
                ],
            ),
            _bidang(
                "Bidang Penilaian Kinerja dan Penghargaan",
                [
                    (
                        "Subbidang Penilaian Kinerja",
                        [
                            ("Analis Sumber Daya Manusia Aparatur Ahli Muda", 1),
                            ("Analis Sumber Daya Manusia Aparatur Ahli Pertama", 2),
                        ],
                    ),
                    (
                        "Subbidang Data dan Sistem Informasi Kepegawaian",
                        [("Pranata Komputer Ahli Pertama", 2), ("Pengolah Data Kepegawaian", 2)],
                    ),
                ],
            ),
        ]
        return "Kepala Badan", "kepala_instansi", units
    if spec.tipe == "kecamatan":
        units = [
            Unit(
                "Sekretariat Kecamatan",
                "Sekretaris Camat",
                [],
                tipe_kepala="kepala_unit",
                sub=[
                    Unit(
                        "Subbagian Umum dan Kepegawaian",
                        "Kepala Subbagian Umum dan Kepegawaian",
                        [("Pengadministrasi Perkantoran", 3), ("Pengelola Barang Milik Daerah", 1)],
                    ),
                    Unit(
                        "Subbagian Perencanaan dan Keuangan",
                        "Kepala Subbagian Perencanaan dan Keuangan",
                        [("Pengelola Keuangan", 2)],
                    ),
                ],
            ),
            Unit(
                "Seksi Pemerintahan",
                "Kepala Seksi Pemerintahan",
                [("Pengelola Data Pemerintahan", 3)],
            ),
            Unit(
                "Seksi Pelayanan Umum",
                "Kepala Seksi Pelayanan Umum",
                [("Pengelola Layanan Operasional", 5), ("Pengadministrasi Perkantoran", 1)],
            ),
            Unit(
                "Seksi Kesejahteraan Sosial",
                "Kepala Seksi Kesejahteraan Sosial",
                [("Pengelola Data Pemerintahan", 2)],
            ),
            Unit(
                "Seksi Ketenteraman dan Ketertiban Umum",
                "Kepala Seksi Ketenteraman dan Ketertiban Umum",
                [("Polisi Pamong Praja Terampil", 4)],
            ),
        ]
        return "Camat", "kepala_instansi", units
    raise ValueError(spec.tipe)


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

NAMA_LAKI = (
    "Ahmad",
    "Muhammad",
    "Rizki",
    "Budi",
    "Hendra",
    "Agus",
    "Dedi",
    "Firman",
    "Joko",
    "Andi",
    "Bambang",
    "Eko",
    "Fajar",
    "Hadi",
    "Irwan",
    "Yusuf",
    "Zulkifli",
    "Syahrial",
    "Rahmat",
    "Taufik",
    "Arif",
    "Dodi",
    "Hasan",
    "Iqbal",
    "Novri",
    "Rudi",
    "Sutrisno",
    "Wahyu",
    "Yudi",
    "Fikri",
    "Heru",
    "Ilham",
    "Kurniadi",
    "Mardianto",
    "Nazaruddin",
    "Riko",
    "Sahrul",
    "Teguh",
    "Zainal",
    "Bayu",
    "Candra",
    "Darmawan",
    "Erwin",
    "Gunawan",
    "Junaidi",
    "Lukman",
    "Misran",
)
NAMA_PEREMPUAN = (
    "Siti",
    "Nur",
    "Dewi",
    "Rina",
    "Sri",
    "Fitri",
    "Ratna",
    "Yuliana",
    "Mega",
    "Putri",
    "Lestari",
    "Aisyah",
    "Nurhayati",
    "Rahmawati",
    "Wulan",
    "Indah",
    "Eka",
    "Desi",
    "Novita",
    "Rosmawati",
    "Yeni",
    "Fatimah",
    "Maya",
    "Herlina",
    "Erna",
    "Susanti",
    "Dian",
    "Ayu",
    "Rika",
    "Lina",
    "Marlina",
    "Juwita",
    "Tri",
    "Yusnita",
    "Elvi",
    "Nurul",
    "Reni",
    "Sartika",
    "Winda",
    "Zuraida",
    "Hasnah",
    "Meli",
    "Ulfa",
    "Asmawati",
    "Leni",
    "Puspita",
)
NAMA_BELAKANG_LAKI = (
    "Saputra",
    "Hidayat",
    "Pratama",
    "Kurniawan",
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Wijaya",
    "Setiawan",
    "Firmansyah",
    "Ramadhan",
    "Santoso",
    "Hakim",
    "Syahputra",
    "Rahman",
    "Hasibuan",
    "Simanjuntak",
    "Sembiring",
    "Permana",
    "Purnomo",
    "Maulana",
    "Effendi",
    "Fauzi",
    "Amri",
    "Yani",
    "Sulaiman",
    "Nugroho",
    "Abdullah",
    "Alamsyah",
    "Hamzah",
    "Ismail",
)
NAMA_BELAKANG_PEREMPUAN = (
    "Saputri",
    "Sari",
    "Anggraini",
    "Handayani",
    "Wati",
    "Lestari",
    "Rahmadani",
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Puspitasari",
    "Wulandari",
    "Oktaviani",
    "Susanti",
    "Yuliani",
    "Febriani",
    "Kartika",
    "Maharani",
    "Utami",
    "Hasibuan",
    "Purnamasari",
    "Fitriani",
    "Novianti",
    "Rahayu",
    "Amelia",
    "Safitri",
    "Ningsih",
)
GELAR_DEPAN = {"dr": "dr. ", "drg": "drg. ", "drsp": "dr. ", "drdir": "dr. "}
GELAR_BELAKANG = {
    "drsp": (", Sp.PD", ", Sp.A", ", Sp.OG", ", Sp.B", ", Sp.An", ", Sp.Rad"),
    "amdkep": (", A.Md.Kep.",),
    "ners": (", S.Kep., Ners",),
    "amdkeb": (", A.Md.Keb.",),
    "skeb": (", S.Keb., Bd.",),
    "amdgz": (", A.Md.Gz.",),
    "sgz": (", S.Gz.",),
    "amdkl": (", A.Md.KL.",),
    "amdak": (", A.Md.AK.",),
    "amdfarm": (", A.Md.Farm.",),
    "apt": (", S.Farm., Apt.",),
    "amdrmik": (", A.Md.RMIK.",),
    "amdrad": (", A.Md.Rad.",),
    "skm": (", S.KM.", ", S.KM., M.Kes."),
    "spd": (", S.Pd.", ", S.Pd.I.", ", S.Pd."),
    "mpd": (", S.Pd., M.Pd.", ", M.Pd."),
    "umum": (", S.E.", ", S.Sos.", ", S.H.", ", S.AP.", ", M.Si."),
    "psi": (", S.Psi.", ", M.Psi."),
    "kom": (", S.Kom.", ", S.T."),
    "se": (", S.E.", ", S.Ak.", ""),
    "pelaksana": ("", "", "", ", S.E.", ", S.Sos.", ", A.Md."),
    "str_dinkes": (", S.KM., M.Kes.", ", S.Kep., M.Kes.", ", S.KM.", ", S.E., M.M."),
    "str_rsud": (", S.KM., M.Kes.", ", S.Kep., Ners, M.Kep.", ", S.E., M.M.", ", S.KM."),
    "str_disdik": (", S.Pd., M.Pd.", ", S.Sos., M.Si.", ", S.E., M.M."),
    "str_dukcapil": (", S.Sos., M.Si.", ", S.Kom.", ", S.H., M.H.", ", S.E."),
    "str_bkpsdm": (", S.Sos., M.Si.", ", S.Psi., M.Psi.", ", S.H., M.H.", ", S.AP."),
    "str_kecamatan": (", S.STP., M.Si.", ", S.Sos.", ", S.IP.", ", S.E."),
    "none": ("",),
    "drdir": (", M.Kes.", ", M.A.R.S.", ", Sp.PD", ", M.K.M."),
}

# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------

KOMPETENSI = (
    "Integritas",
    "Kerjasama",
    "Komunikasi",
    "Orientasi pada Hasil",
    "Pelayanan Publik",
    "Pengembangan Diri dan Orang Lain",
    "Mengelola Perubahan",
    "Pengambilan Keputusan",
    "Perekat Bangsa",
)


def _slots() -> pd.DataFrame:
    """Expand the templates into one row per position (loops over templates only)."""
    rows: list[tuple] = []  # (instansi, unit_kerja, jabatan, jenis, tipe_ind, level, parent)

    def add(kode, unit, jab, jenis, tipe, level, parent, lvl_komp, n=1):
        first = len(rows)
        rows.extend([(kode, unit, jab, jenis, tipe, level, parent, lvl_komp)] * n)
        return first

    for spec in INSTANSI:
        kepala, tipe_kepala, units = template(spec)
        head = add(spec.kode, "Pimpinan", kepala, "struktural", tipe_kepala, 1, -1, 4)
        for u in units:
            uh = add(spec.kode, u.nama, u.kepala, u.jenis_kepala, u.tipe_kepala, 2, head, 3)
            for jab, n in u.staf:
                k = max(1, round(n * spec.ukuran))
                add(
                    spec.kode,
                    u.nama,
                    jab,
                    JABATAN[jab][0],
                    JABATAN[jab][1],
                    4,
                    uh,
                    JABATAN[jab][4],
                    k,
                )
            for s in u.sub:
                sh = add(
                    spec.kode,
                    u.nama,
                    s.kepala,
                    s.jenis_kepala,
                    s.tipe_kepala,
                    3,
                    uh,
                    s.level_kepala,
                )
                for jab, n in s.staf:
                    k = max(1, round(n * spec.ukuran))
                    add(
                        spec.kode,
                        u.nama,
                        jab,
                        JABATAN[jab][0],
                        JABATAN[jab][1],
                        4,
                        sh,
                        JABATAN[jab][4],
                        k,
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "kode_instansi",
            "unit_kerja",
            "jabatan",
            "jenis_jabatan",
            "tipe_indikator",
            "level",
            "induk",
            "level_standar",
        ],
    )


def _nip(
    rng: np.random.Generator, level: np.ndarray, perempuan: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Valid unique 18-digit NIPs (birth yyyymmdd + TMT yyyymm + sex + serial) and sex."""
    n = len(level)
    lo = np.select([level == 1, level == 2, level == 3], [1966, 1968, 1972], 1970)
    hi = np.select([level == 1, level == 2, level == 3], [1976, 1982, 1988], 2000)
    year = rng.integers(lo, hi + 1)
    birth = pd.to_datetime(pd.DataFrame({"year": year, "month": 1, "day": 1})) + pd.to_timedelta(
        rng.integers(0, 365, n), unit="D"
    )
    tmt_year = np.minimum(year + rng.integers(22, 33, n), 2025)
    tmt_year = np.maximum(tmt_year, year + 18)
    tmt_month = np.where(rng.random(n) < 0.7, 3, rng.integers(1, 13, n))
    sex = np.where(perempuan, 2, rng.integers(1, 3, n))  # bidan are women
    stem = (
        birth.dt.strftime("%Y%m%d").to_numpy(dtype=str).astype(object)
        + pd.Series(tmt_year).astype(str).to_numpy(dtype=object)
        + pd.Series(tmt_month).map("{:02d}".format).to_numpy(dtype=object)
        + sex.astype(str).astype(object)
    )
    base = rng.integers(1, 900, n)
    serial = base + pd.Series(stem).groupby(stem).cumcount().to_numpy()
    nip = stem + pd.Series(serial).map("{:03d}".format).to_numpy(dtype=object)
    assert len(set(nip)) == n
    return nip.astype(str), sex


def _names(rng: np.random.Generator, sex: np.ndarray, gelar: np.ndarray) -> np.ndarray:
    n = len(sex)
    male = sex == 1
    first = np.where(
        male,
        np.array(NAMA_LAKI)[rng.integers(0, len(NAMA_LAKI), n)],
        np.array(NAMA_PEREMPUAN)[rng.integers(0, len(NAMA_PEREMPUAN), n)],
    )
    last = np.where(
        male,
        np.array(NAMA_BELAKANG_LAKI)[rng.integers(0, len(NAMA_BELAKANG_LAKI), n)],
        np.array(NAMA_BELAKANG_PEREMPUAN)[rng.integers(0, len(NAMA_BELAKANG_PEREMPUAN), n)],
    )
    nama = pd.Series(first, dtype=object) + " " + pd.Series(last, dtype=object)
    pick = rng.random(n)
    depan = pd.Series(gelar).map(GELAR_DEPAN).fillna("")
    belakang = pd.Series([""] * n, dtype=object)
    for g, opts in GELAR_BELAKANG.items():  # loop over the small list of gelar styles
        m = gelar == g
        idx = np.floor(pick[m] * len(opts)).astype(int)
        belakang[m] = np.array(opts, dtype=object)[idx]
    return (depan + nama + belakang).to_numpy(dtype=str)


def build_pegawai(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (pegawai table, truth table indexed like pegawai)."""
    s = _slots()
    n = len(s)
    nip, sex = _nip(rng, s["level"].to_numpy(), s["jabatan"].str.startswith("Bidan").to_numpy())
    gelar = s["jabatan"].map({k: v[3] for k, v in JABATAN.items()})
    tipe_inst = s["kode_instansi"].map({i.kode: i.tipe for i in INSTANSI})
    gelar = gelar.where(s["jenis_jabatan"] != "struktural", "str_" + tipe_inst)
    gelar = gelar.where(~s["jabatan"].eq("Kepala Sekolah"), "mpd")
    gelar = gelar.where(~s["jabatan"].eq("Direktur"), "drdir").to_numpy(dtype=str)
    nama = _names(rng, sex, gelar)
    inst = pd.DataFrame(
        [(i.kode, i.predikat, i.wilayah) for i in INSTANSI],
        columns=["kode_instansi", "predikat", "wilayah"],
    ).set_index("kode_instansi")
    geser = s["kode_instansi"].map(inst["predikat"].map(GESER_PREDIKAT)).to_numpy()
    # True general performance (z units), a stable per-person trait.
    g = geser + rng.normal(0.0, 1.0, n)
    # True hasil kerja: correlated with g (r about 0.6) plus a person-specific part.
    h = 0.6 * g + 0.8 * rng.normal(0.0, 1.0, n)
    # A few planted low performers (capaian well below target).
    rendah = rng.random(n) < 0.025
    aspek_true = 0.85 * g[:, None] + 0.5 * rng.normal(0.0, 1.0, (n, len(ASPEK)))
    z = 0.9 * g + 0.45 * s["level"].rsub(4).to_numpy() * 0.3 + rng.normal(0, 0.8, n)
    potensi = np.select([z > 0.9, z > -0.5], ["tinggi", "menengah"], "rendah")
    induk = s["induk"].to_numpy()
    atasan = np.where(induk >= 0, nip[np.maximum(induk, 0)], None)
    peg = pd.DataFrame(
        {
            "nip": nip,
            "nama": nama,
            "kode_instansi": s["kode_instansi"],
            "unit_kerja": s["unit_kerja"],
            "jabatan": s["jabatan"],
            "jenis_jabatan": s["jenis_jabatan"],
            "nip_atasan": pd.array(atasan, dtype="string"),
            "potensi": potensi,
        }
    )
    truth = pd.DataFrame(
        {
            "nip": nip,
            "kode_instansi": s["kode_instansi"],
            "wilayah": s["kode_instansi"].map(inst["wilayah"]),
            "tipe_indikator": s["tipe_indikator"],
            "level": s["level"],
            "level_standar": s["level_standar"],
            "skor_sebenarnya": g,
            "hasil_kerja_sebenarnya": h,
            "kinerja_rendah_ditanam": rendah,
            **{f"sebenarnya_{a}": aspek_true[:, j] for j, a in enumerate(ASPEK)},
        }
    )
    return peg, truth


def build_instansi() -> pd.DataFrame:
    return pd.DataFrame(
        [(i.kode, i.nama, i.jenis, i.wilayah, i.predikat) for i in INSTANSI],
        columns=["kode_instansi", "nama_instansi", "jenis", "wilayah", "predikat_organisasi"],
    )


def jenis_indikator(ind: pd.DataFrame) -> np.ndarray:
    """``utama`` / ``tambahan`` per indicator (PermenPANRB 6/2022 hasil kerja tambahan).

    Where a jabatan has four or more indicators, the one with the smallest weight (the last
    among ties) is a hasil kerja tambahan; every other indicator is utama (about 9 % of the
    indicators are tambahan). Deterministic: no random draw, so nothing else moves.
    """
    key = ["kode_instansi", "jabatan"]
    n = ind.groupby(key)["urut"].transform("size").to_numpy()
    order = ind.sort_values([*key, "bobot", "urut"], ascending=[True, True, True, False])
    kecil = order.groupby(key).head(1).index
    return np.where(ind.index.isin(kecil) & (n >= 4), "tambahan", "utama")


def build_indikator(
    pegawai: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Indicators per (instansi, jabatan): (indikator, planted weak ones, hidden parameters)."""
    pairs = (
        pd.DataFrame(
            {
                "kode_instansi": pegawai["kode_instansi"],
                "jabatan": pegawai["jabatan"],
                "tipe": truth["tipe_indikator"],
            }
        )
        .drop_duplicates(["kode_instansi", "jabatan"])
        .sort_values(["kode_instansi", "jabatan"])
    )
    tpl = pd.DataFrame(
        [(k, i, *row) for k, rows in INDIKATOR.items() for i, row in enumerate(rows)],
        columns=[
            "tipe",
            "urut",
            "nama_indikator",
            "satuan",
            "target_raw",
            "arah",
            "aspek",
            "sumber_data",
            "bobot",
        ],
    )
    ind = pairs.merge(tpl, on="tipe", how="left", validate="many_to_many")
    assert ind["nama_indikator"].notna().all()
    # Per-instansi jitter on count targets (different service volumes), rounded.
    is_range = ind["target_raw"].map(lambda t: isinstance(t, tuple))
    base = ind["target_raw"].map(lambda t: float(np.mean(t)) if isinstance(t, tuple) else t)
    base = base.astype(float)
    jitter = np.exp(rng.normal(0.0, 0.12, len(ind)))
    count_like = (ind["satuan"] != "%") & (base >= 50) & ~is_range
    base = np.where(count_like, np.round(base * jitter / 10) * 10, base)
    ind["target_wajar"] = base
    ind["arah_sebenarnya"] = ind["arah"]
    ind["target"] = np.where(is_range, np.nan, base)
    ind["target_min"] = ind["target_raw"].map(lambda t: t[0] if isinstance(t, tuple) else np.nan)
    ind["target_max"] = ind["target_raw"].map(lambda t: t[1] if isinstance(t, tuple) else np.nan)
    ind["bobot"] = ind["bobot"].astype(float)
    ind = ind.sort_values(["kode_instansi", "jabatan", "urut"]).reset_index(drop=True)
    ind["kode_indikator"] = (
        ind["kode_instansi"]
        + "-"
        + (ind.groupby("kode_instansi").cumcount() + 1).map("{:03d}".format)
    )
    lemah = []
    for kode, jab, urut, ganti, jenis, penjelasan in INDIKATOR_LEMAH:
        m = (ind["kode_instansi"] == kode) & (ind["jabatan"] == jab)
        assert m.any(), (kode, jab)
        if "bobot" in ganti and isinstance(ganti["bobot"], tuple):
            ind.loc[m, "bobot"] = np.array(ganti["bobot"], dtype=float)
            sel = m & (ind["urut"] == 0)
        else:
            sel = m & (ind["urut"] == urut)
            for col, val in ganti.items():
                ind.loc[sel, {"nama": "nama_indikator"}.get(col, col)] = val
            if "nama" in ganti:  # a vague indicator: realisasi is always exactly the target
                ind.loc[sel, "target_wajar"] = np.nan
        lemah.append(
            pd.DataFrame(
                {
                    "kode_indikator": ind.loc[sel, "kode_indikator"],
                    "kode_instansi": kode,
                    "jabatan": jab,
                    "nama_indikator": ind.loc[sel, "nama_indikator"],
                    "jenis_kelemahan": jenis,
                    "target_tertulis": ind.loc[sel, "target"],
                    "target_wajar": ind.loc[sel, "target_wajar"].fillna(ind.loc[sel, "target"]),
                    "penjelasan": penjelasan,
                }
            )
        )
    assert (ind.groupby(["kode_instansi", "jabatan"])["bobot"].sum() == 100).all()
    ind["jenis"] = jenis_indikator(ind)
    cols = [*kc.data.KOLOM["indikator"], "jenis"]
    hidden = ind[
        ["kode_indikator", "target_wajar", "arah_sebenarnya", "target_min", "target_max", "satuan"]
    ]
    return ind[cols], pd.concat(lemah, ignore_index=True), hidden


def build_realisasi(
    pegawai: pd.DataFrame,
    truth: pd.DataFrame,
    indikator: pd.DataFrame,
    hidden: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Realisasi per pegawai x indikator x periode, driven by the true hasil kerja."""
    peg = pegawai[["nip", "kode_instansi", "jabatan"]].assign(
        h=truth["hasil_kerja_sebenarnya"].to_numpy(),
        rendah=truth["kinerja_rendah_ditanam"].to_numpy(),
    )
    ind = indikator[["kode_indikator", "kode_instansi", "jabatan"]].merge(
        hidden, on="kode_indikator"
    )
    frames = []
    for k, per in enumerate(PERIODE):
        x = peg.merge(ind, on=["kode_instansi", "jabatan"], how="inner")
        n = len(x)
        # Latent capaian ratio: centred slightly above target, sd about 9 %.
        c = (
            1.0
            + 0.02 * k
            + 0.07 * x["h"].to_numpy()
            + 0.05 * rng.normal(0.0, 1.0, n)
            + 0.03 * rng.normal(0.0, 1.0, n).clip(-2, 2)
        )
        c = np.where(x["rendah"].to_numpy(), rng.uniform(0.35, 0.6, n), c)
        c = np.clip(c, 0.2, 1.6)
        tw = x["target_wajar"].to_numpy(dtype=float)
        tmin = x["target_min"].to_numpy(dtype=float)
        tmax = x["target_max"].to_numpy(dtype=float)
        ref = np.where(np.isnan(tw), (tmin + tmax) / 2, tw)
        naik = x["arah_sebenarnya"].to_numpy() == "naik"
        r = np.where(naik, ref * c, ref * np.clip(2.0 - c, 0.05, None))
        pct = x["satuan"].to_numpy() == "%"
        r = np.where(pct, np.minimum(r, 100.0), r)
        big = (ref >= 50) & ~pct
        r = np.where(big, np.round(r), np.round(r, 1))
        small_count = np.isin(x["satuan"].to_numpy(), ["kegiatan", "dokumen", "sekolah", "jam"])
        r = np.where(small_count & (x["satuan"].to_numpy() != "jam"), np.round(r), r)
        vague = (
            x["kode_indikator"]
            .isin(
                hidden.loc[
                    hidden["target_wajar"].isna() & hidden["target_min"].isna(), "kode_indikator"
                ]
            )
            .to_numpy()
        )
        r = np.where(vague, 1.0, r)
        frames.append(
            pd.DataFrame(
                {
                    "periode": per,
                    "nip": x["nip"],
                    "kode_indikator": x["kode_indikator"],
                    "realisasi": r,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------
# 360 ratings (internal generator; used until/unless the simulator is chosen)
# ---------------------------------------------------------------------------

#: Role offsets on the latent scale (1 unit = 1 rating category). Self-inflation is
#: the planted ``diri`` offset.
OFFSET_PERAN = {"atasan": 0.0, "rekan": 0.1, "bawahan": 0.2, "diri": 0.5, "pengguna_layanan": 0.15}


def _pairs_360(
    pegawai: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator, periode: str
) -> pd.DataFrame:
    """Who rates whom in one period (vectorised)."""
    n = len(pegawai)
    idx = np.arange(n)
    nip = pegawai["nip"].to_numpy(dtype=str)
    pos = pd.Series(idx, index=nip)
    atasan = pegawai["nip_atasan"]
    has_atasan = atasan.notna().to_numpy()
    parts = [pd.DataFrame({"i": idx, "nip_penilai": nip, "peran_penilai": "diri"})]
    parts.append(
        pd.DataFrame(
            {
                "i": idx[has_atasan],
                "nip_penilai": atasan[has_atasan].to_numpy(dtype=str),
                "peran_penilai": "atasan",
            }
        )
    )
    # bawahan: up to 3 direct subordinates rate their atasan
    sub = pd.DataFrame(
        {
            "sub": idx[has_atasan],
            "boss": pos[atasan[has_atasan]].to_numpy(),
            "key": rng.random(has_atasan.sum()),
        }
    ).sort_values(["boss", "key"])
    sub = sub[sub.groupby("boss").cumcount() < 3]
    parts.append(
        pd.DataFrame(
            {
                "i": sub["boss"].to_numpy(),
                "nip_penilai": nip[sub["sub"].to_numpy()],
                "peran_penilai": "bawahan",
            }
        )
    )
    # rekan: colleagues with the same atasan (up to 3, cyclic after a shuffle)
    sib = pd.DataFrame(
        {
            "i": idx[has_atasan],
            "boss": atasan[has_atasan].to_numpy(dtype=str),
            "key": rng.random(has_atasan.sum()),
        }
    ).sort_values(["boss", "key"])
    sib["k"] = sib.groupby("boss").cumcount().to_numpy()
    sib["m"] = sib.groupby("boss")["i"].transform("size").to_numpy()
    start = sib.groupby("boss")["i"].transform("first")  # noqa: F841 (kept for clarity)
    first_pos = np.arange(len(sib)) - sib["k"].to_numpy()
    arr_i = sib["i"].to_numpy()
    for off in (1, 2, 3):  # loop over 3 offsets, not over employees
        ok = sib["m"].to_numpy() > off
        j = first_pos + (sib["k"].to_numpy() + off) % sib["m"].to_numpy()
        parts.append(
            pd.DataFrame(
                {"i": arr_i[ok], "nip_penilai": nip[arr_i[j[ok]]], "peran_penilai": "rekan"}
            )
        )
    # pengguna_layanan: for about 40 % of the public-facing jabatan, 3 service users
    chosen = idx[melayani_publik(pegawai) & (rng.random(n) < 0.4)]
    k = np.repeat(chosen, 3)
    ids = np.char.add(
        f"PL-{periode.replace('-', '')}-", np.char.zfill(np.arange(1, len(k) + 1).astype(str), 5)
    )
    parts.append(pd.DataFrame({"i": k, "nip_penilai": ids, "peran_penilai": "pengguna_layanan"}))
    return pd.concat(parts, ignore_index=True)


def ratings_internal(
    pegawai: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Internal 360 generator: continuous latent score + rater effects + thresholds."""
    nip = pegawai["nip"].to_numpy(dtype=str)
    n = len(nip)
    # Rater parameters for every pegawai: severity (+ = severe) and halo spread.
    kep = rng.normal(0.0, 0.4, n)
    halo = rng.uniform(0.2, 0.7, n)
    # Planted raters: atasan with >= 6 direct reports; 5 very lenient, 5 very severe.
    n_bawahan = pegawai["nip_atasan"].value_counts()
    cand = np.sort(n_bawahan[n_bawahan >= 6].index.to_numpy(dtype=str))
    pick = rng.choice(cand, size=10, replace=False)
    lunak, keras = np.sort(pick[:5]), np.sort(pick[5:])
    pos = pd.Series(np.arange(n), index=nip)
    kep[pos[lunak].to_numpy()] = -1.2
    kep[pos[keras].to_numpy()] = 1.2
    kep = kep - kep.mean()
    raters = pd.DataFrame(
        {"nip_penilai": nip, "keparahan": kep, "halo": halo, "peran_utama": "pegawai"}
    )
    t = truth[[f"sebenarnya_{a}" for a in ASPEK]].to_numpy()
    shift = truth["wilayah"].map({w: v[1] for w, v in WILAYAH.items()}).to_numpy()
    frames = []
    pl_frames = []
    for per in PERIODE:  # two periods
        p = _pairs_360(pegawai, truth, rng, per)
        m = len(p)
        is_pl = (p["peran_penilai"] == "pengguna_layanan").to_numpy()
        rpos = pos.reindex(p["nip_penilai"]).to_numpy()
        rk = np.where(is_pl, 0.0, kep[np.nan_to_num(rpos, nan=0).astype(int)])
        rh = np.where(is_pl, 0.3, halo[np.nan_to_num(rpos, nan=0).astype(int)])
        pl_kep = rng.normal(0.0, 0.4, m)
        rk = np.where(is_pl, pl_kep, rk)
        if is_pl.any():
            pl_frames.append(
                pd.DataFrame(
                    {
                        "nip_penilai": p.loc[is_pl, "nip_penilai"],
                        "keparahan": pl_kep[is_pl],
                        "halo": 0.3,
                        "peran_utama": "pengguna_layanan",
                    }
                )
            )
        i = p["i"].to_numpy()
        off = p["peran_penilai"].map(OFFSET_PERAN).to_numpy()
        y = (
            3.55
            + 0.5 * t[i]
            + off[:, None]
            - rk[:, None]
            + rh[:, None] * rng.normal(0.0, 1.0, (m, 1))
            + 0.55 * rng.normal(0.0, 1.0, (m, len(ASPEK)))
        )
        cuts = np.array([1.5, 2.5, 3.5, 4.5])[None, None, :] + shift[i][:, None, None]
        nilai = 1 + (y[:, :, None] > cuts).sum(axis=2)
        frames.append(
            pd.DataFrame(
                {
                    "periode": per,
                    "nip": np.repeat(nip[i], len(ASPEK)),
                    "nip_penilai": np.repeat(p["nip_penilai"].to_numpy(dtype=str), len(ASPEK)),
                    "peran_penilai": np.repeat(p["peran_penilai"].to_numpy(dtype=str), len(ASPEK)),
                    "aspek": np.tile(np.array(ASPEK), m),
                    "nilai": nilai.reshape(-1),
                }
            )
        )
    ratings = pd.concat(frames, ignore_index=True)
    raters = pd.concat([raters, *pl_frames], ignore_index=True)
    used = pd.unique(ratings["nip_penilai"])
    raters = raters[raters["nip_penilai"].isin(used)].copy()
    raters["ditanam"] = np.select(
        [raters["nip_penilai"].isin(lunak), raters["nip_penilai"].isin(keras)],
        ["lunak", "keras"],
        "",
    )
    return ratings, raters


#: Scenario for ``kc.simulate.rate_organisation`` (everything else = simulator defaults:
#: rater idiosyncrasy about 59 % of rating variance, true performance 25 %, noise 16 %,
#: self-inflation d = 0.4, central tendency, range restriction for 10 % of raters).
SKENARIO_360 = dict(
    # effect sizes pinned here (equal to the simulator defaults when written) so the
    # documented ground truth does not move if the simulator's defaults change
    model="laten",
    sd_umum=1.0,
    sd_aspek=0.35,
    sd_keparahan=1.15,
    sd_halo=1.15,
    keragaman_halo=4.0,
    sd_galat=0.85,
    geser_peran={
        # the atasan's rating decides (PermenPANRB 6/2022) and has consequences (tunjangan,
        # pangkat): administrative-purpose ratings run about 1/3 SD more lenient than ratings
        # for research or feedback (Jawahar & Williams 1997, Personnel Psychology 50, 905-925)
        "atasan": 0.3,
        "rekan": 0.10,
        "bawahan": 0.15,
        "diri": 0.70,  # self-inflation d = 0.4 above the atasan
        "pengguna_layanan": -0.10,
    },
    sentral=0.9,
    sd_sentral=0.1,
    porsi_rentang_sempit=0.10,
    rentang=0.5,
    proporsi_skala=(0.03, 0.10, 0.37, 0.37, 0.13),
    p_rekan_lintas_unit=0.1,
    # design
    k_rekan=3,  # three peers = exactly the default anonymity threshold
    k_bawahan=3,
    # drawn for 45 % of all ratees; only those in public-facing jabatan keep them
    porsi_pengguna_layanan=0.45,
    k_pengguna_layanan=3,
    sd_wilayah=0.0,  # no random regional readings: only the planted one below
    geser_wilayah={"Kab. Tanjung Jabung Timur": -0.35},  # reads the scale generously
    porsi_penilai_lunak=0.003,
    besar_penilai_lunak=1.5,
    porsi_penilai_keras=0.003,
    besar_penilai_keras=1.5,
)


def melayani_publik(pegawai: pd.DataFrame) -> np.ndarray:
    """Boolean mask: jabatan that serve the public directly (get pengguna_layanan ratings)."""
    jab = pegawai["jabatan"].astype(str)
    flag = jab.map({k: v[2] for k, v in JABATAN.items()}).fillna(False).astype(bool)
    heads = jab.str.startswith(("Kepala UPT Puskesmas", "Camat", "Kepala Seksi Pelayanan Umum"))
    return (flag | heads).to_numpy()


def ratings_simulator(
    pegawai: pd.DataFrame,
    truth: pd.DataFrame,
    instansi: pd.DataFrame,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    """360 ratings from ``kc.simulate.rate_organisation`` (the simulator's latent model).

    Returns (ratings, raters, per-aspect truth indexed by nip, wilayah threshold shifts in
    scale-SD units).
    """
    sim_mod = kc.simulate
    peg = pegawai.assign(skor_sebenarnya=truth["skor_sebenarnya"].to_numpy())
    scenario = sim_mod.Scenario(**SKENARIO_360)
    sim = sim_mod.rate_organisation(peg, scenario, seed=rng, instansi=instansi, periode=PERIODE)
    ratings = sim.ratings.astype({"nilai": "int64"})
    # service users rate only staff who serve the public (drops the simulator's draws
    # for back-office staff; those external raters rated nobody else)
    layanan = pegawai["nip"][melayani_publik(pegawai)].astype(str)
    is_pl = ratings["peran_penilai"].astype(str) == "pengguna_layanan"
    ratings = ratings[~is_pl | ratings["nip"].astype(str).isin(layanan)].reset_index(drop=True)
    for col in ("periode", "nip", "nip_penilai", "peran_penilai", "aspek"):
        ratings[col] = ratings[col].astype(str)
    raters = sim.raters.reset_index()
    raters = raters[raters["nip_penilai"].isin(pd.unique(ratings["nip_penilai"]))]
    raters["nip_penilai"] = raters["nip_penilai"].astype(str)
    raters["ditanam"] = raters.pop("penilai_ekstrem").fillna("").astype(str)
    raters["wilayah"] = raters["wilayah"].astype(str)
    raters["peran_utama"] = raters["peran_utama"].astype(str)
    raters["rentang"] = raters["rentang"].replace(np.inf, np.nan)
    aspek = sim.truth[[f"sebenarnya_{a}" for a in ASPEK]]
    aspek.index = aspek.index.astype(str)
    shifts = sim.wilayah / scenario.sd_skala
    return ratings, raters, aspek, shifts


# ---------------------------------------------------------------------------
# SKM survey and competencies
# ---------------------------------------------------------------------------


#: Service units per instansi type (kode suffix, name) with a quality level on the
#: 1-4 scale; puskesmas/schools come from the instansi spec.
def _unit_layanan() -> pd.DataFrame:
    rows = []
    for spec in INSTANSI:
        if spec.tipe == "dinkes":
            names = [f"UPT Puskesmas {p}" for p in spec.satuan[:4]]
        elif spec.tipe == "rsud":
            names = [
                "Poliklinik Penyakit Dalam",
                "Poliklinik Anak",
                "Instalasi Gawat Darurat",
                "Instalasi Farmasi",
            ]
        elif spec.tipe == "dukcapil":
            names = ["Loket KTP-el", "Loket Kartu Keluarga dan Akta"]
        elif spec.tipe == "kecamatan":
            names = ["Layanan PATEN Kecamatan"]
        elif spec.tipe == "bkpsdm":
            names = ["Layanan Administrasi Kepegawaian"]
        else:
            names = ["Layanan Mutasi Peserta Didik"]
        rows += [(spec.kode, nm) for nm in names]
    return pd.DataFrame(rows, columns=["kode_instansi", "unit_layanan"])


def build_skm(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    units = _unit_layanan()
    n_u = len(units)
    # Unit quality (mean perception, 1-4 scale): spread so IKM mutu covers A-D.
    q = rng.uniform(2.5, 3.75, n_u)
    q[rng.choice(n_u, 2, replace=False)] = [2.2, 2.35]  # two clearly poor units (mutu D)
    unsur = rng.normal(0.0, 0.15, (n_u, 9))
    frames = []
    for k, per in enumerate(PERIODE):
        size = rng.integers(40, 151, n_u)
        u = np.repeat(np.arange(n_u), size)
        m = len(u)
        lat = (
            q[u, None]
            + 0.05 * k
            + unsur[u]
            + rng.normal(0.0, 0.35, (m, 1))
            + rng.normal(0.0, 0.45, (m, 9))
        )
        val = np.clip(np.rint(lat), 1, 4).astype(int)
        df = pd.DataFrame(val, columns=[f"u{j}" for j in range(1, 10)])
        df.insert(
            0,
            "id_responden",
            np.char.add(
                f"SKM{per.replace('-', '')}-", np.char.zfill(np.arange(1, m + 1).astype(str), 5)
            ),
        )
        df.insert(0, "unit_layanan", units["unit_layanan"].to_numpy()[u])
        df.insert(0, "kode_instansi", units["kode_instansi"].to_numpy()[u])
        df.insert(0, "periode", per)
        frames.append(df)
    truth = units.assign(mutu_sebenarnya=q)
    return pd.concat(frames, ignore_index=True), truth


def build_kompetensi(
    pegawai: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    n, k = len(pegawai), len(KOMPETENSI)
    std = truth["level_standar"].to_numpy()
    g = truth["skor_sebenarnya"].to_numpy()
    lat = std[:, None] - 0.1 + 0.5 * g[:, None] + rng.normal(0.0, 0.5, (n, k))
    akt = np.clip(np.rint(lat), 1, 5).astype(int)
    return pd.DataFrame(
        {
            "nip": np.repeat(pegawai["nip"].to_numpy(dtype=str), k),
            "kompetensi": np.tile(np.array(KOMPETENSI), n),
            "level_standar": np.repeat(std, k),
            "level_aktual": akt.reshape(-1),
        }
    )


# ---------------------------------------------------------------------------
# Assembly and writing
# ---------------------------------------------------------------------------


def build_tables(seed: int = SEED, mesin_360: str = MESIN_360) -> dict[str, pd.DataFrame]:
    """Build every table; keys are file stems (``kebenaran/...`` for the truth)."""
    master = as_rng(seed)
    r_peg, r_ind, r_real, r_360, r_skm, r_komp = master.spawn(6)
    instansi = build_instansi()
    pegawai, truth = build_pegawai(r_peg)
    indikator, lemah, hidden = build_indikator(pegawai, truth, r_ind)
    realisasi = build_realisasi(pegawai, truth, indikator, hidden, r_real)
    if mesin_360 == "simulator":
        p360, raters, aspek, shifts = ratings_simulator(pegawai, truth, instansi, r_360)
        # the simulator draws the per-aspect truths from skor_sebenarnya: keep its draw
        for a in ASPEK:
            truth[f"sebenarnya_{a}"] = aspek[f"sebenarnya_{a}"].reindex(truth["nip"]).to_numpy()
        geser = {w: float(shifts.get(w, 0.0)) for w in WILAYAH}
    else:
        p360, raters = ratings_internal(pegawai, truth, r_360)
        geser = {w: v[1] for w, v in WILAYAH.items()}
    skm, skm_truth = build_skm(r_skm)
    komp = build_kompetensi(pegawai, truth, r_komp)

    kb_pegawai = truth.drop(columns=["tipe_indikator", "level", "level_standar", "wilayah"])
    kb_wilayah = pd.DataFrame(
        [(w, c, geser[w]) for w, (c, _) in WILAYAH.items()],
        columns=["wilayah", "kode", "geser_ambang"],
    )
    kb_wilayah["keterangan"] = np.where(
        kb_wilayah["geser_ambang"] != 0,
        "Penilai di wilayah ini membaca skala lebih longgar: ambang kategori bergeser "
        "sehingga perilaku yang sama mendapat nilai lebih tinggi.",
        "Tidak ada pergeseran.",
    )
    if mesin_360 == "simulator":
        offs = kc.simulate.Scenario(**SKENARIO_360).geser_peran
    else:
        offs = OFFSET_PERAN
    kb_peran = pd.DataFrame({"peran_penilai": list(labels.PERAN_PENILAI)})
    kb_peran["geser_rata_rata"] = kb_peran["peran_penilai"].map(offs).fillna(0.0)
    return {
        "instansi": instansi.sort_values("kode_instansi"),
        "pegawai": pegawai.sort_values(["kode_instansi", "nip"]),
        "indikator": indikator.sort_values("kode_indikator"),
        "realisasi": realisasi.sort_values(["periode", "nip", "kode_indikator"]),
        "penilaian_360": p360.sort_values(
            ["periode", "nip", "peran_penilai", "nip_penilai", "aspek"]
        ),
        "survei_skm": skm.sort_values(["periode", "kode_instansi", "unit_layanan", "id_responden"]),
        "kompetensi": komp.sort_values(["nip", "kompetensi"]),
        "kebenaran/pegawai": kb_pegawai.sort_values("nip"),
        "kebenaran/penilai": raters.sort_values("nip_penilai"),
        "kebenaran/wilayah": kb_wilayah.sort_values("wilayah"),
        "kebenaran/peran": kb_peran,
        "kebenaran/indikator_lemah": lemah.sort_values("kode_indikator"),
        "kebenaran/unit_layanan": skm_truth.sort_values(["kode_instansi", "unit_layanan"]),
    }


def _fmt(x: float) -> str:
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write every table as UTF-8 CSV with '\\n' line ends and fixed float format."""
    written = []
    for stem, df in tables.items():
        path = out / f"{stem}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, lineterminator="\n", float_format=_fmt, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Buat data contoh Provinsi Jambi (sintetis).")
    ap.add_argument(
        "--keluaran",
        default=str(Path(__file__).resolve().parents[1] / "data" / "samples"),
        help="folder tujuan",
    )
    ap.add_argument("--seed", type=int, default=SEED, help="benih acak (bawaan 2026)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    tables = build_tables(args.seed)
    paths = write_tables(tables, Path(args.keluaran))
    dt = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{len(paths)} berkas ditulis ke {args.keluaran} ({size / 1e6:.1f} MB) "
        f"dalam {dt:.1f} detik."
    )
    for stem, df in tables.items():
        print(f"  {stem:28s} {len(df):>8d} baris")
    return 0


if __name__ == "__main__":
    sys.exit(main())
