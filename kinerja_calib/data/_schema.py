"""The schema of a workbook: tables, columns, kinds, keys and the limits of a check."""

from __future__ import annotations

from dataclasses import dataclass

from .. import labels

#: Tables of a workbook in reading order (docs/skema-data.md §1).
TABLES = (
    "instansi",
    "pegawai",
    "indikator",
    "realisasi",
    "penilaian_360",
    "survei_skm",
    "kompetensi",
)
#: Tables that may be absent (their attribute is then ``None``).
OPTIONAL_TABLES = ("realisasi", "survei_skm", "kompetensi")

MAX_PER_RULE = 1000  # problems per (file, column, rule) before a summary problem
MIN_AGE_AT_TMT = 15  # TMT CPNS year must be at least birth year + this
SKM_ITEMS = tuple(f"u{i}" for i in range(1, 10))
PERIODE_RE = r"[0-9]{4}(?:-(?:S[12]|TW[1-4]|B(?:0[1-9]|1[0-2])))?"
PERIODE_FORMS = (
    "YYYY (tahunan), YYYY-S1/S2 (semester), YYYY-TW1…TW4 (triwulan) atau "
    "YYYY-B01…B12 (bulanan), mis. 2026-S1"
)


@dataclass(frozen=True)
class _Col:
    name: str
    kind: str  # text | nip | rater | num | int | cat | periode
    present: bool = True  # column must exist
    filled: bool = True  # cells must be non-empty
    choices: tuple[str, ...] = ()
    always: bool = True  # in the output even when absent from the input (then all NA)


def _c(name, kind="text", present=True, filled=True, choices=(), always=True):
    return _Col(name, kind, present, filled, tuple(choices), always)


SCHEMA: dict[str, tuple[_Col, ...]] = {
    "instansi": (
        _c("kode_instansi"),
        _c("nama_instansi"),
        _c("jenis", "cat", choices=labels.JENIS_INSTANSI),
        _c("wilayah"),
        _c("predikat_organisasi", "cat", choices=labels.PREDIKAT_ORGANISASI),
    ),
    "pegawai": (
        _c("nip", "nip"),
        _c("nama"),
        _c("kode_instansi"),
        _c("unit_kerja"),
        _c("jabatan"),
        _c("jenis_jabatan", "cat", choices=labels.JENIS_JABATAN),
        _c("nip_atasan", "nip", filled=False),
        _c("potensi", "cat", present=False, filled=False, choices=labels.POTENSI),
    ),
    "indikator": (
        _c("kode_indikator"),
        _c("kode_instansi"),
        _c("jabatan"),
        _c("nama_indikator"),
        _c("satuan"),
        _c("target", "num", present=False, filled=False),
        _c("target_min", "num", present=False, filled=False),
        _c("target_max", "num", present=False, filled=False),
        _c("arah", "cat", choices=labels.ARAH),
        _c("bobot", "num"),
        _c("aspek", "cat", choices=labels.ASPEK_INDIKATOR),
        _c("sumber_data", "cat", choices=labels.SUMBER_DATA),
        # hasil kerja utama / tambahan (issue 19); absent → not in the output, empty = utama
        _c(
            "jenis",
            "cat",
            present=False,
            filled=False,
            choices=labels.JENIS_INDIKATOR,
            always=False,
        ),
    ),
    "realisasi": (
        _c("periode", "periode"),
        _c("nip", "nip"),
        _c("kode_indikator"),
        _c("realisasi", "num"),
    ),
    "penilaian_360": (
        _c("periode", "periode"),
        _c("nip", "nip"),
        _c("nip_penilai", "rater"),
        _c("peran_penilai", "cat", choices=labels.PERAN_PENILAI),
        _c("aspek", "cat", choices=tuple(labels.ASPEK_BERAKHLAK)),
        _c("nilai", "num"),
    ),
    "survei_skm": (
        _c("periode", "periode"),
        _c("kode_instansi"),
        _c("unit_layanan"),
        _c("id_responden"),
        *(_c(u, "int") for u in SKM_ITEMS),
    ),
    "kompetensi": (
        _c("nip", "nip"),
        _c("kompetensi"),
        _c("level_standar", "int"),
        _c("level_aktual", "int"),
    ),
}

#: Column order of every table (docs/skema-data.md §2), for code that builds tables to validate: the
#: columns every loaded table has (optional columns that stay absent when the input lacks
#: them, such as ``indikator.jenis``, are in :data:`KOLOM_OPSIONAL` instead).
KOLOM: dict[str, tuple[str, ...]] = {
    table: tuple(col.name for col in cols if col.always) for table, cols in SCHEMA.items()
}
#: Optional columns kept only when the input has them (validated like the others).
KOLOM_OPSIONAL: dict[str, tuple[str, ...]] = {
    table: tuple(col.name for col in cols if not col.always) for table, cols in SCHEMA.items()
}

KEYS = {
    "instansi": ("kode_instansi",),
    "pegawai": ("nip",),
    "indikator": ("kode_indikator",),
    "realisasi": ("periode", "nip", "kode_indikator"),
    "penilaian_360": ("periode", "nip", "nip_penilai", "aspek"),
    "survei_skm": ("periode", "kode_instansi", "unit_layanan", "id_responden"),
    "kompetensi": ("nip", "kompetensi"),
}
