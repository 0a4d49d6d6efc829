"""The ``kinerja-calib umpan-balik`` subcommand: its arguments and its run (thin)."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Add ``umpan-balik`` to the subparsers ``sub`` of the ``kinerja-calib`` command."""
    p = sub.add_parser(
        "umpan-balik",
        help="tulis lembar umpan balik per pegawai dan lembar kecenderungan per penilai",
    )
    p.add_argument("data", type=Path, help="folder CSV atau berkas .xlsx")
    p.add_argument("--keluaran", type=Path, required=True, help="folder hasil (DIR)")
    p.add_argument(
        "--instansi", nargs="+", metavar="KODE", help="hanya instansi ini (default: semua)"
    )
    p.add_argument(
        "--periode",
        default=None,
        help="periode penilaian (default: yang terakhir), atau 'semua': satu lembar per "
        "pegawai per periode, di DIR/<kode>/<periode>/",
    )
    p.add_argument("--aturan", default="permenpanrb-6-2022", help="nama atau berkas aturan")
    p.add_argument(
        "--ambang-anonimitas",
        type=int,
        default=3,
        help="jumlah penilai minimum per kelompok 360 (default 3)",
    )
    p.add_argument(
        "--minimal-dinilai",
        type=int,
        default=None,
        metavar="N",
        help="lembar penilai hanya untuk yang menilai sedikitnya N pegawai "
        "(default dari referensi/umpan_balik.toml: 5)",
    )
    p.add_argument(
        "--lanjut", action="store_true", help="lewati lembar yang sudah tertulis lengkap"
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="juga tulis PDF setiap lembar (satu Chromium untuk seluruh batch)",
    )
    p.add_argument(
        "--dask-scheduler",
        metavar="ALAMAT",
        help="alamat scheduler Dask distributed (mis. tcp://10.0.0.5:8786)",
    )


def _periode(hasil) -> list[str]:
    """The distinct periods written, sorted."""
    return sorted({p for s in hasil["periode"] for p in str(s).split(",") if p})


def run(args: argparse.Namespace) -> int:
    """Load the data, write every sheet, print one summary line; exit code 0."""
    from .. import load_workbook
    from .._angka import bilangan
    from ._batch import tulis_semua

    wb = load_workbook(args.data)
    hasil = tulis_semua(
        wb,
        args.keluaran,
        periode=args.periode,
        rules=args.aturan,
        ambang_anonimitas=args.ambang_anonimitas,
        minimal_dinilai=args.minimal_dinilai,
        instansi=args.instansi,
        lanjut=args.lanjut,
        pdf=args.pdf,
        dask_scheduler=args.dask_scheduler,
    )
    print(
        f"{bilangan(hasil['pegawai'].sum())} lembar pegawai dan "
        f"{bilangan(hasil['penilai'].sum())} lembar penilai ditulis, "
        f"{bilangan(hasil['dilewati'].sum())} dilewati (sudah ada), untuk "
        f"{bilangan(len(hasil))} instansi di {args.keluaran}"
        + (f" (periode {', '.join(_periode(hasil))})." if args.periode == "semua" else ".")
    )
    return 0
