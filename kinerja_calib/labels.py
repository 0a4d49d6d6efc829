"""Controlled vocabularies shared by the data schema, scoring and plots.

Orders run from low to high. The regulation *content* (matrices, thresholds,
panduan perilaku) lives in the rules files under ``kinerja_calib/rules``; this
module only names the categories the data may hold.
"""

from __future__ import annotations

#: Three-level rating of hasil kerja and perilaku kerja (PermenPANRB 6/2022), low → high.
RATING = ("Di bawah ekspektasi", "Sesuai ekspektasi", "Di atas ekspektasi")

#: Employee predikat (PermenPANRB 6/2022), low → high as on the kurva distribusi axis.
PREDIKAT = ("Sangat Kurang", "Kurang/Misconduct", "Butuh Perbaikan", "Baik", "Sangat Baik")

#: Organisation predikat (SE MenPANRB 3/2023), low → high.
PREDIKAT_ORGANISASI = ("Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Istimewa")

#: 360 rater roles; ``diri`` is the self rating.
PERAN_PENILAI = ("atasan", "rekan", "bawahan", "diri", "pengguna_layanan")

#: Roles exempt from the anonymity threshold (not anonymous by design).
PERAN_TIDAK_ANONIM = ("atasan", "diri")

#: BerAKHLAK core values (SE MenPANRB 20/2021): data key → display name.
ASPEK_BERAKHLAK = {
    "berorientasi_pelayanan": "Berorientasi Pelayanan",
    "akuntabel": "Akuntabel",
    "kompeten": "Kompeten",
    "harmonis": "Harmonis",
    "loyal": "Loyal",
    "adaptif": "Adaptif",
    "kolaboratif": "Kolaboratif",
}

JENIS_INSTANSI = ("pusat", "provinsi", "kabupaten", "kota")
JENIS_JABATAN = ("struktural", "fungsional", "pelaksana")
ARAH = ("naik", "turun")
ASPEK_INDIKATOR = ("kuantitas", "kualitas", "waktu", "biaya")
SUMBER_DATA = ("laporan", "survei", "umpan_balik")
POTENSI = ("rendah", "menengah", "tinggi")
#: Kind of an indicator (optional ``indikator.jenis``; empty = ``utama``): hasil kerja utama
#: or tambahan (PermenPANRB 6/2022).
JENIS_INDIKATOR = ("utama", "tambahan")

#: Role display names for plots and reports.
NAMA_PERAN = {
    "atasan": "Atasan",
    "rekan": "Rekan kerja",
    "bawahan": "Bawahan",
    "diri": "Diri sendiri",
    "pengguna_layanan": "Pengguna layanan",
}
