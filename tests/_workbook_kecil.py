"""A tiny hand-made workbook for the scoring/indicator tests (values chosen by hand)."""

from __future__ import annotations

import pandas as pd

import kinerja_calib as kc

NIP = {
    "kepala": "197502102000031001",
    "a": "198503152010011002",
    "b": "198607202011012003",
    "c": "199001012015031004",
    "d": "199203042018012005",
}


def tables() -> dict[str, pd.DataFrame]:
    instansi = pd.DataFrame(
        {
            "kode_instansi": ["D01"],
            "nama_instansi": ["Dinas Kesehatan Kota Uji"],
            "jenis": ["kota"],
            "wilayah": ["Kota Uji"],
            "predikat_organisasi": ["Baik"],
        }
    )
    pegawai = pd.DataFrame(
        {
            "nip": list(NIP.values()),
            "nama": ["Kepala", "Ani", "Budi", "Cici", "Dodi"],
            "kode_instansi": ["D01"] * 5,
            "unit_kerja": ["Bidang Pelayanan"] * 5,
            "jabatan": ["Kepala Bidang"] + ["Perawat"] * 4,
            "jenis_jabatan": ["struktural"] + ["fungsional"] * 4,
            "nip_atasan": [None] + [NIP["kepala"]] * 4,
        }
    )
    indikator = pd.DataFrame(
        {
            "kode_indikator": ["K1", "P1", "P2"],
            "kode_instansi": ["D01"] * 3,
            "jabatan": ["Kepala Bidang", "Perawat", "Perawat"],
            "nama_indikator": [
                "Persentase puskesmas terakreditasi",
                "Jumlah pasien rawat jalan yang dilayani",
                "Waktu tunggu rata-rata pasien",
            ],
            "satuan": ["%", "pasien", "menit"],
            "target": [90.0, 100.0, 30.0],
            "arah": ["naik", "naik", "turun"],
            "bobot": [100.0, 60.0, 40.0],
            "aspek": ["kualitas", "kuantitas", "waktu"],
            "sumber_data": ["laporan", "laporan", "laporan"],
        }
    )
    # realisasi: a high, b on target, c low, d mixed; two periods
    rows = []
    vals = {
        "a": (120.0, 24.0),  # 120 %, turun: 2 - 24/30 = 120 %
        "b": (100.0, 30.0),  # 100 %, 100 %
        "c": (60.0, 45.0),  # 60 %, 50 %
        "d": (90.0, 30.0),  # 90 %, 100 %
    }
    for periode in ("2026-S1", "2026-S2"):
        rows.append((periode, NIP["kepala"], "K1", 81.0))
        for k, (p1, p2) in vals.items():
            rows.append((periode, NIP[k], "P1", p1))
            rows.append((periode, NIP[k], "P2", p2))
    realisasi = pd.DataFrame(rows, columns=["periode", "nip", "kode_indikator", "realisasi"])
    # 360: every staff rated by the head (atasan), two peers and self on 2 aspects
    r360 = []
    score = {"a": 4.5, "b": 3.5, "c": 2.0, "d": 3.0}
    staff = ["a", "b", "c", "d"]
    for periode in ("2026-S1", "2026-S2"):
        for k in staff:
            peers = [p for p in staff if p != k][:2]
            for aspek in ("berorientasi_pelayanan", "akuntabel"):
                r360.append((periode, NIP[k], NIP["kepala"], "atasan", aspek, score[k]))
                for p in peers:
                    r360.append((periode, NIP[k], NIP[p], "rekan", aspek, score[k] - 0.5))
                r360.append((periode, NIP[k], NIP[k], "diri", aspek, 5.0))
            for aspek in ("berorientasi_pelayanan", "akuntabel"):
                r360.append((periode, NIP["kepala"], NIP[k], "bawahan", aspek, 4.0))
        for aspek in ("berorientasi_pelayanan", "akuntabel"):
            r360.append((periode, NIP["kepala"], NIP["kepala"], "diri", aspek, 4.0))
    penilaian = pd.DataFrame(
        r360, columns=["periode", "nip", "nip_penilai", "peran_penilai", "aspek", "nilai"]
    )
    return {
        "instansi": instansi,
        "pegawai": pegawai,
        "indikator": indikator,
        "realisasi": realisasi,
        "penilaian_360": penilaian,
    }


def workbook():
    return kc.data.validate_tables(tables(), source="uji-kecil")
