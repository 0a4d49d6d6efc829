"""``kinerja-calib pelatihan …``: create, simulate, summarise, serve, report and export a session.

Kept out of :mod:`kinerja_calib.cli` so the main command only registers the group; the
heavy imports (SQLAlchemy, pandas, the vignette bank) happen when a subcommand runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "jupyter_command", "run"]

_DB_HELP = (
    "folder sesi (satu berkas SQLite per sesi) atau URL SQLAlchemy, mis. postgresql+psycopg://…"
)


def add_parser(sub) -> None:
    """Register ``pelatihan`` and its subcommands on the main command's subparsers."""
    group = sub.add_parser(
        "pelatihan", help="pelatihan penilai: sesi, simulasi, ringkasan, laporan, mulai, ekspor"
    )
    inner = group.add_subparsers(
        dest="pelatihan_perintah", metavar="PERINTAH", parser_class=type(group)
    )
    inner.required = True

    p = inner.add_parser("buat", help="buat sesi baru (ronde 1 langsung dibuka)")
    p.add_argument("--db", required=True, help=_DB_HELP)
    p.add_argument("--nama", required=True, help="nama sesi yang dilihat peserta")
    p.add_argument("--kasus", nargs="+", metavar="KODE", help="kode kasus ronde 1 (default: semua)")
    p.add_argument("--ronde", type=int, default=2, help="jumlah ronde (default 2)")

    p = inner.add_parser("simulasi", help="isi sesi baru dengan peserta simulasi (untuk berlatih)")
    p.add_argument("--db", required=True, help=_DB_HELP)
    p.add_argument("--nama", default="Sesi simulasi", help="nama sesi (default 'Sesi simulasi')")
    p.add_argument("--peserta", type=int, default=30, help="jumlah peserta simulasi (default 30)")
    p.add_argument("--kasus", nargs="+", metavar="KODE", help="kode kasus (default: semua)")
    p.add_argument(
        "--perbaikan",
        type=float,
        default=0.5,
        help="bagian kesalahan yang hilang di ronde 2 (default 0,5)",
    )
    p.add_argument("--seed", type=int, default=0, help="benih acak (default 0)")

    p = inner.add_parser("ringkasan", help="tampilkan kesepakatan, akurasi dan kasus untuk dibahas")
    p.add_argument("--db", required=True, help=_DB_HELP)
    p.add_argument("--sesi", required=True, help="kode sesi (PLT-…)")
    p.add_argument("--ronde", type=int, default=None, help="hanya ronde ini (default: semua)")

    p = inner.add_parser(
        "laporan", help="laporan sesi tanpa kode (papermill) + halaman pribadi per peserta"
    )
    p.add_argument("--db", required=True, help=_DB_HELP)
    p.add_argument("--sesi", required=True, help="kode sesi (PLT-…)")
    p.add_argument("--keluaran", type=Path, required=True, help="folder hasil laporan")
    p.add_argument("--pdf", action="store_true", help="juga tulis PDF (memerlukan Chromium)")
    p.add_argument(
        "--kunci", type=Path, default=None, help="berkas CSV kunci (default: bank vinyet bawaan)"
    )

    p = inner.add_parser(
        "mulai", help="jalankan halaman peserta dan dasbor pelatih (server web ringan)"
    )
    p.add_argument("--db", required=True, help=_DB_HELP)
    p.add_argument("--sesi", required=True, help="kode sesi (PLT-…)")
    p.add_argument(
        "--host", default="127.0.0.1", help="alamat (default 127.0.0.1; 0.0.0.0 untuk LAN ruangan)"
    )
    p.add_argument("--port", type=int, default=8870, help="port (default 8870)")
    p.add_argument(
        "--jupyter",
        nargs="?",
        const="lab",
        choices=("lab", "server"),
        help="sajikan halaman di server Jupyter yang sama dengan notebook pelatih "
        "(jupyter lab, atau jupyter server untuk Voilà), di <alamat>/pelatihan/",
    )

    p = inner.add_parser("ekspor", help="ekspor penilaian ke .csv atau .xlsx (tanpa token)")
    p.add_argument("--db", required=True, help=_DB_HELP)
    p.add_argument("--sesi", required=True, help="kode sesi (PLT-…)")
    p.add_argument("--keluaran", type=Path, required=True, help="berkas .csv atau .xlsx")


def _db(value: str):
    return value if "://" in value else Path(value)


def _buat(args: argparse.Namespace) -> int:
    from ._sesi import Sesi

    sesi = Sesi.buat(_db(args.db), args.nama, kode_vinyet=args.kasus, ronde=args.ronde)
    print(f"Sesi dibuat: {sesi.kode_sesi} ({sesi.nama}), {sesi.jumlah_ronde} ronde.")
    print(f"Kasus ronde 1: {', '.join(sesi.kasus_ronde(1))}")
    print(f"Token pelatih (simpan, jangan dibagikan): {sesi.token_pelatih}")
    return 0


def _simulasi(args: argparse.Namespace) -> int:
    from ._sesi import Sesi, resolve_bank
    from ._simulasi import simulate_session

    bank = resolve_bank()
    sesi = Sesi.buat(_db(args.db), args.nama, kode_vinyet=args.kasus, bank=bank)
    simulate_session(
        sesi, bank.kunci, n_peserta=args.peserta, perbaikan=args.perbaikan, seed=args.seed
    )
    print(
        f"Sesi simulasi: {sesi.kode_sesi}, {args.peserta} peserta, {sesi.jumlah_ronde} ronde terisi."
    )
    print(
        f"Lihat ringkasannya: kinerja-calib pelatihan ringkasan --db {args.db} --sesi {sesi.kode_sesi}"
    )
    return 0


def _ringkasan(args: argparse.Namespace) -> int:
    from .._angka import desimal, persen
    from ._sesi import Sesi

    summary = Sesi.buka(_db(args.db), args.sesi).ringkasan(args.ronde)
    print("Kesepakatan antarpeserta (rentang 95 %):")
    for row in summary.kesepakatan.itertuples():
        print(
            f"  ronde {row.ronde} {row.skala:<6} {row.statistik:<13} {desimal(row.nilai, 2)} "
            f"[{desimal(row.ci_low, 2)}; {desimal(row.ci_high, 2)}]"
        )
    print("Akurasi terhadap kunci:")
    for row in summary.akurasi.itertuples():
        print(
            f"  ronde {row.ronde} {row.skala:<6} tepat {persen(row.tepat, 0)}, jarak rata-rata "
            f"{desimal(row.jarak, 2)}, kelonggaran {desimal(row.kelonggaran, 2, tanda=True)}"
        )
    print("Kasus yang perlu dibahas lebih dulu:")
    for row in summary.kasus.groupby("ronde").head(3).itertuples():
        print(f"  ronde {row.ronde} {row.kode_vinyet}: sebaran {desimal(row.sebaran, 2)}")
    if summary.perubahan is not None:
        print("Perubahan ronde 1 → 2 (negatif = membaik; rentang 95 % bootstrap):")
        for row in summary.perubahan.itertuples():
            print(
                f"  {row.skala:<6} {row.ukuran:<8} {desimal(row.perubahan, 2, tanda=True)} "
                f"[{desimal(row.ci_low, 2)}; {desimal(row.ci_high, 2)}]"
            )
    return 0


def _laporan(args: argparse.Namespace) -> int:
    from ._laporan import render_report

    written = render_report(args.db, args.sesi, args.keluaran, pdf=args.pdf, kunci_csv=args.kunci)
    print(f"Laporan sesi: {written[0]}")
    print(
        f"Halaman pribadi peserta: {sum(p.parent.name == 'peserta' for p in written)} berkas di {written[0].parent / 'peserta'}"
    )
    return 0


def jupyter_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The command and environment that start ``jupyter lab``/``jupyter server`` with the
    session's pages enabled by the shipped config file (see :mod:`.jupyter`)."""
    import os
    import sys

    from .jupyter import CONFIG_FILE, ENV

    env = {**os.environ, ENV["db"]: args.db, ENV["sesi"]: args.sesi}
    cmd = [sys.executable, "-m", "jupyter", args.jupyter, f"--config={CONFIG_FILE}"]
    cmd += [f"--ip={args.host}", f"--port={args.port}", "--no-browser"]
    return cmd, env


def _mulai(args: argparse.Namespace) -> int:
    if args.jupyter:
        import subprocess

        cmd, env = jupyter_command(args)
        print(
            "Alamat peserta dan dasbor pelatih tercetak di log Jupyter (kinerja_calib.pelatihan)."
        )
        return subprocess.call(cmd, env=env)
    import asyncio
    import socket

    from ._server import make_app, qr_teks
    from ._sesi import Sesi, resolve_bank

    sesi = Sesi.buka(_db(args.db), args.sesi)
    bank = resolve_bank()
    shown = socket.gethostbyname(socket.gethostname()) if args.host == "0.0.0.0" else args.host
    base = f"http://{shown}:{args.port}"

    async def serve() -> None:
        app = make_app(sesi, host=shown, bank=bank, url_peserta=f"{base}/daftar")
        app.listen(args.port, address=args.host)
        print(f"Peserta membuka: {base}/daftar", flush=True)
        print(f"Dasbor pelatih (jangan dibagikan): {base}/pelatih?token={sesi.token_pelatih}")
        if args.host not in ("127.0.0.1", "localhost", "::1"):  # a room's LAN: scan to join
            print("Kode QR alamat peserta (juga tampil di dasbor pelatih):")
            print(qr_teks(f"{base}/daftar"), flush=True)
        print("Hentikan dengan Ctrl+C.")
        await asyncio.Event().wait()

    asyncio.run(serve())
    return 0


def _ekspor(args: argparse.Namespace) -> int:
    from ._sesi import Sesi

    path = Sesi.buka(_db(args.db), args.sesi).ekspor(args.keluaran)
    print(f"Ditulis: {path}")
    return 0


_SUBCOMMANDS = {
    "buat": _buat,
    "simulasi": _simulasi,
    "ringkasan": _ringkasan,
    "mulai": _mulai,
    "laporan": _laporan,
    "ekspor": _ekspor,
}


def run(args: argparse.Namespace) -> int:
    """Run the ``pelatihan`` subcommand named in ``args``."""
    return _SUBCOMMANDS[args.pelatihan_perintah](args)
