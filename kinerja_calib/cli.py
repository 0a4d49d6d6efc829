"""The ``kinerja-calib`` command: a thin layer that parses arguments and calls the package.

Subcommands
-----------
validasi   check a workbook and print every problem as a table (exit 1 when any).
laporan    per-instansi reports with papermill (see :mod:`kinerja_calib.reports`).
workshop   the Voila workshop dashboard (see :mod:`kinerja_calib.workshop`).
lab        JupyterLab on the course notebooks.
nasional   simulate, score, calibrate and summarise a whole country (benchmark run).
umpan-balik  feedback sheets per pegawai and per rater (see :mod:`kinerja_calib.umpan_balik`).
pelatihan  rater-training sessions (see :mod:`kinerja_calib.pelatihan.cli`).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from .errors import KinerjaCalibError

#: argparse's own English phrases and their Indonesian wording.
_ARGPARSE_ID = (
    ("the following arguments are required", "argumen berikut wajib diisi"),
    ("unrecognized arguments", "argumen tidak dikenal"),
    ("invalid choice", "pilihan tidak dikenal"),
    ("choose from", "pilih dari"),
    ("invalid int value", "bukan bilangan bulat"),
    ("invalid float value", "bukan bilangan"),
    ("expected one argument", "membutuhkan satu nilai"),
    ("argument ", "argumen "),
)


class _Formatter(argparse.HelpFormatter):
    """Help formatter with an Indonesian usage prefix."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "penggunaan: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose own messages are in Bahasa Indonesia."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "opsi"
        if not any(a.dest == "help" for a in self._actions):
            self.add_argument(
                "-h", "--help", action="help", help="tampilkan bantuan ini lalu keluar"
            )

    def error(self, message: str):  # pragma: no cover - argparse exits
        for en, id_ in _ARGPARSE_ID:
            message = message.replace(en, id_)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: galat: {message}\nGunakan --help untuk bantuan.\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kinerja-calib",
        description="Buku kerja pelatihan dan kalibrasi penilaian kinerja ASN.",
    )
    parser.add_argument(
        "--versi", action="version", version="%(prog)s 0.1.0", help="tampilkan versi lalu keluar"
    )
    sub = parser.add_subparsers(dest="perintah", metavar="PERINTAH", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("validasi", help="periksa data buku kerja dan tampilkan semua masalah")
    p.add_argument("data", type=Path, help="folder CSV atau berkas .xlsx")
    p.add_argument(
        "--masalah",
        type=Path,
        metavar="BERKAS",
        help="tulis daftar lengkap masalah ke berkas .xlsx atau .csv (mis. masalah.xlsx)",
    )
    p.add_argument(
        "--tampilkan",
        type=int,
        default=_TAMPILKAN,
        metavar="N",
        help=f"jumlah masalah yang ditampilkan di layar (default {_TAMPILKAN})",
    )

    p = sub.add_parser("laporan", help="buat laporan per instansi dengan papermill")
    p.add_argument("data", type=Path, help="folder CSV atau berkas .xlsx")
    p.add_argument("--keluaran", type=Path, required=True, help="folder hasil laporan")
    p.add_argument(
        "--instansi", nargs="+", metavar="KODE", help="hanya instansi ini (default: semua)"
    )
    p.add_argument(
        "--pekerja",
        type=int,
        default=None,
        help="jumlah proses paralel (default: satu per inti CPU)",
    )
    p.add_argument(
        "--dask-scheduler",
        metavar="ALAMAT",
        help="alamat scheduler Dask distributed (mis. tcp://10.0.0.5:8786)",
    )
    p.add_argument(
        "--ulang",
        type=int,
        default=1,
        help="berapa kali mencoba ulang bila kernel gagal mulai/mati atau proses pekerja "
        "berhenti mendadak (default 1)",
    )
    p.add_argument(
        "--hanya-laporan",
        action="store_true",
        help="jalankan templat laporan saja, tanpa notebook kursus 01-05",
    )
    p.add_argument("--excel", action="store_true", help="juga tulis ringkasan .xlsx per instansi")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="juga tulis laporan_instansi.pdf (A4) di samping HTML; memerlukan Chromium "
        "(apt-get install chromium, atau variabel KINERJA_CALIB_CHROMIUM)",
    )
    p.add_argument("--periode", default=None, help="periode penilaian (default: yang terakhir)")
    p.add_argument("--aturan", default="permenpanrb-6-2022", help="nama berkas aturan")
    p.add_argument(
        "--ambang-anonimitas",
        type=int,
        default=3,
        help="jumlah penilai minimum per kelompok 360 (default 3)",
    )

    p = sub.add_parser(
        "workshop",
        help="jalankan dasbor workshop (Voila) tanpa kode",
        description=(
            "Menjalankan dasbor workshop dengan Voila. Setiap kali dijalankan dibuat token "
            "acak baru; alamat lengkap yang ditampilkan (http://...:PORT/?token=...) wajib "
            "dipakai untuk membuka dasbor. Ctrl+C menghentikan server beserta semua sesinya."
        ),
    )
    p.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    p.add_argument("--no-browser", action="store_true", help="jangan buka peramban otomatis")
    p.add_argument(
        "--ip",
        default="127.0.0.1",
        help=(
            "alamat tempat server mendengarkan (default 127.0.0.1: hanya komputer ini). "
            "Untuk LAN ruang workshop, beri satu alamat IP laptop ini (mis. 192.168.1.10); "
            "server tetap mewajibkan token, jadi bagikan alamat lengkap dengan token hanya "
            "kepada peserta"
        ),
    )
    p.add_argument(
        "--maks-kernel",
        type=int,
        default=40,
        metavar="N",
        help=(
            "jumlah sesi dasbor (kernel, ~210 MB masing-masing) paling banyak sekaligus; "
            "pemuatan berikutnya mendapat pesan server penuh (default 40)"
        ),
    )
    p.add_argument(
        "--batas-menganggur",
        type=float,
        default=20.0,
        metavar="MENIT",
        help=(
            "sesi tanpa halaman terbuka yang menganggur selama ini (menit) ditutup "
            "otomatis (default 20)"
        ),
    )

    from .umpan_balik import command as umpan_balik_command

    umpan_balik_command.add_parser(sub)

    p = sub.add_parser("lab", help="buka JupyterLab pada folder notebooks/")
    p.add_argument("--port", type=int, default=None, help="port lokal")
    p.add_argument("--no-browser", action="store_true", help="jangan buka peramban otomatis")

    p = sub.add_parser("nasional", help="simulasi nasional: simulasi, skor, kalibrasi, kesepakatan")
    p.add_argument(
        "--pegawai", type=int, default=4_300_000, help="jumlah pegawai (default 4,3 juta)"
    )
    p.add_argument("--seed", type=int, default=2026, help="benih acak (default 2026)")
    p.add_argument("--keluaran", type=Path, default=None, help="folder ringkasan (opsional)")

    from .pelatihan import cli as pelatihan_cli

    pelatihan_cli.add_parser(sub)
    return parser


_TAMPILKAN = 30  # problems printed on the console by `validasi`


def _validasi(args: argparse.Namespace) -> int:
    from .data import load_workbook
    from .errors import DataError, ParameterError

    tujuan = args.masalah
    if tujuan is not None and tujuan.suffix.lower() not in (".xlsx", ".csv"):
        raise ParameterError(
            f"--masalah '{tujuan}': berikan nama berkas berakhiran .xlsx atau .csv, "
            "mis. --masalah masalah.xlsx."
        )
    try:
        wb = load_workbook(args.data)
    except DataError as err:
        problems, warnings = err.problems, err.peringatan
    else:
        problems, warnings = [], wb.peringatan
    if tujuan is not None:
        _tulis_masalah(problems + warnings, tujuan)
    n = max(0, args.tampilkan)
    if not problems:  # the summary lists the warnings
        print(wb.ringkasan())
    for p in problems[:n]:
        print(f"- {p}")
    shown = min(n, len(problems))
    if problems:
        for p in warnings[: n - shown]:
            print(f"- peringatan: {p}")
        shown += min(n - shown, len(warnings))
    else:
        shown = len(warnings)
    rows = sum(p.jumlah for p in problems)
    if problems:
        print(
            f"\n{len(problems)} masalah ditemukan di {args.data}"
            + (f" (mengenai {rows} baris)" if rows > len(problems) else "")
            + (f", {len(warnings)} peringatan" if warnings else "")
            + ". Perbaiki lalu jalankan lagi."
        )
    if tujuan is not None:
        print(f"Daftar lengkap ({len(problems) + len(warnings)} baris) ditulis ke {tujuan}.")
    elif shown < len(problems) + len(warnings):
        print(
            f"Ditampilkan {shown} dari {len(problems) + len(warnings)}. Tulis daftar lengkap "
            f"dengan: kinerja-calib validasi {args.data} --masalah masalah.xlsx"
        )
    return 1 if problems else 0


def _tulis_masalah(problems, path: Path) -> None:
    """Write the problem list to .xlsx or .csv (Indonesian headers, no formula runs)."""
    from .errors import KinerjaCalibError, tabel_masalah
    from .reports import netralkan_formula

    frame = tabel_masalah(problems, tingkat=True)
    for col in ("berkas", "kolom", "masalah"):
        frame[col] = frame[col].map(netralkan_formula)
    try:
        if path.suffix.lower() == ".csv":
            frame.to_csv(path, index=False, encoding="utf-8-sig")
        else:
            frame.to_excel(path, index=False, sheet_name="masalah", engine="openpyxl")
    except OSError as err:
        raise KinerjaCalibError(
            f"Daftar masalah tidak dapat ditulis ke '{path}' ({err.strerror or err}). "
            "Periksa foldernya ada dan boleh ditulisi, dan berkasnya tidak sedang dibuka di Excel."
        ) from None


def _laporan(args: argparse.Namespace) -> int:
    from . import reports

    return reports.run_batch(
        args.data,
        args.keluaran,
        instansi=args.instansi,
        pekerja=args.pekerja,
        dask_scheduler=args.dask_scheduler,
        ulang=args.ulang,
        hanya_laporan=args.hanya_laporan,
        excel=args.excel,
        pdf=args.pdf,
        periode=args.periode,
        aturan=args.aturan,
        ambang_anonimitas=args.ambang_anonimitas,
    )


def _workshop(args: argparse.Namespace) -> int:
    from . import workshop

    return workshop.serve(
        port=args.port,
        open_browser=not args.no_browser,
        ip=args.ip,
        maks_kernel=args.maks_kernel,
        menganggur_menit=args.batas_menganggur,
    )


def _lab(args: argparse.Namespace) -> int:
    from . import workshop

    return workshop.lab(port=args.port, open_browser=not args.no_browser)


def _nasional(args: argparse.Namespace) -> int:
    from . import nasional

    return nasional.run_and_write(pegawai=args.pegawai, seed=args.seed, keluaran=args.keluaran)


def _pelatihan(args: argparse.Namespace) -> int:
    from .pelatihan import cli as pelatihan_cli

    return pelatihan_cli.run(args)


_COMMANDS = {
    "validasi": _validasi,
    "laporan": _laporan,
    "workshop": _workshop,
    "lab": _lab,
    "nasional": _nasional,
    "umpan-balik": lambda args: __import__(
        "kinerja_calib.umpan_balik.command"
    ).umpan_balik.command.run(args),
    "pelatihan": _pelatihan,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kinerja-calib`` command; returns the exit code."""
    args = _build_parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.perintah](args) or 0)
    except KinerjaCalibError as err:
        print(f"galat: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as err:
        # `laporan` turns SIGINT/SIGTERM/SIGHUP into reports.Dihentikan after its clean-up
        signum = int(getattr(err, "signum", signal.SIGINT))
        if signum == signal.SIGINT:
            print("\nDihentikan oleh pengguna.", file=sys.stderr)
        else:
            print(f"\nDihentikan oleh sinyal {signal.Signals(signum).name}.", file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:  # e.g. `kinerja-calib validasi DATA | head`
        sys.stdout = open(os.devnull, "w")  # silence the flush at exit
        return 0
    except OSError as err:  # a file or folder that cannot be read or written: one sentence
        from ._berkas import alasan_os as _alasan_os

        where = err.filename or "berkas/folder"
        print(
            f"galat: {where} tidak dapat dibaca atau ditulis ({_alasan_os(err)}).", file=sys.stderr
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
