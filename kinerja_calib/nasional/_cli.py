"""``kinerja-calib nasional``: the stage table as text, the CSV summary, the command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ParameterError
from ._chunks import alokasi_pegawai
from ._driver import HasilNasional, run_country

__all__ = ["format_tahap", "run_and_write", "write_summary"]


# ---------------------------------------------------------------------------------------------
# CLI entry
# ---------------------------------------------------------------------------------------------
def _angka(x: float, desimal: int = 0) -> str:
    s = f"{x:,.{desimal}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def format_tahap(tahap: pd.DataFrame) -> str:
    """The stage table as text (Indonesian number format)."""
    head = f"{'tahap':<22}{'detik':>10}{'detik CPU':>11}{'memori puncak':>17}{'baris':>16}"
    lines = [head, "-" * len(head)]
    for r in tahap.itertuples(index=False):
        lines.append(
            f"{r.tahap:<22}{_angka(r.detik, 1):>10}"
            f"{_angka(r.detik_cpu, 1) if r.detik_cpu == r.detik_cpu else '–':>11}"
            f"{_angka(r.memori_puncak_mib) + ' MiB':>17}"
            f"{_angka(r.baris):>16}"
        )
    return "\n".join(lines)


def write_summary(hasil: HasilNasional, keluaran: Path) -> list[Path]:
    """Write ``ringkasan_provinsi.csv``, ``predikat_provinsi.csv``, ``kesepakatan_provinsi.csv``
    and ``tahap.csv`` atomically into ``keluaran``."""
    from .._berkas import write_atomic

    keluaran = Path(keluaran)
    files = {
        "ringkasan_provinsi.csv": hasil.ringkasan,
        "predikat_provinsi.csv": hasil.predikat,
        "kesepakatan_provinsi.csv": hasil.kesepakatan,
        "tahap.csv": hasil.tahap,
    }
    return [write_atomic(keluaran / name, df.to_csv(index=False)) for name, df in files.items()]


def run_and_write(pegawai: int, seed: int, keluaran: Path | None) -> int:
    """``kinerja-calib nasional``: run :func:`run_country`, print the stage table, write CSVs.

    Returns the exit code (0 = success). Parameter problems raise
    :class:`kinerja_calib.errors.ParameterError` (the CLI prints them in Indonesian).
    """
    alok = alokasi_pegawai(pegawai)  # validates before any work
    if keluaran is not None and Path(keluaran).exists() and not Path(keluaran).is_dir():
        raise ParameterError(
            f"--keluaran {keluaran} adalah berkas, bukan folder; berikan nama folder (akan "
            "dibuat bila belum ada)."
        )
    print(
        f"Simulasi nasional: {_angka(int(alok.sum()))} pegawai di {len(alok)} provinsi "
        f"(benih {seed}).",
        flush=True,
    )
    hasil = run_country(pegawai, seed)
    r = hasil.ringkasan
    print(
        f"Selesai dalam {_angka(hasil.detik, 1)} detik dengan {hasil.pekerja} proses pekerja "
        f"({hasil.info['n_bagian']} bagian); memori puncak total "
        f"{_angka(hasil.memori_puncak_mib)} MiB.",
        flush=True,
    )
    print()
    print(format_tahap(hasil.tahap))
    print(
        "\n(detik per tahap = jumlah waktu semua bagian di semua pekerja; memori per tahap = RSS "
        "puncak proses terbesar; baris 'total' = jam dinding, CPU dan memori induk + pekerja.)"
    )
    n = r["n_pegawai"].sum()
    w = r["n_pegawai"] / n
    print(
        f"\nPredikat berubah karena kalibrasi: {_angka(100 * (w * r['porsi_berubah']).sum(), 1)} %"
        f" pegawai. Predikat keliru terhadap kebenaran simulasi: mentah "
        f"{_angka(100 * (w * r['porsi_keliru_mentah']).sum(), 1)} %, terkalibrasi "
        f"{_angka(100 * (w * r['porsi_keliru_terkalibrasi']).sum(), 1)} %."
    )
    print(
        "(Predikat terkalibrasi memakai skor distribusi: urutan pegawai sama dengan skor "
        "terkalibrasi, tetapi sebarannya mengikuti sebaran skor sebenarnya yang ditaksir, "
        "sehingga porsi tiap predikat tidak menyempit ke arah Baik.)"
    )
    print(
        f"Kesepakatan penilai (semua peran kecuali diri): α Krippendorff median "
        f"{_angka(r['alpha'].median(), 3)}, ICC(1) median {_angka(r['icc1'].median(), 3)} "
        f"antarprovinsi."
    )
    if keluaran is not None:
        paths = write_summary(hasil, keluaran)
        print(f"\nRingkasan ditulis ke {Path(keluaran)}: " + ", ".join(p.name for p in paths))
    return 0
