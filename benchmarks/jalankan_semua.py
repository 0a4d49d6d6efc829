"""Run every benchmark and write the tables to ``benchmarks/HASIL.md``.

    python benchmarks/jalankan_semua.py            # full sizes (long: tens of minutes)
    python benchmarks/jalankan_semua.py --quick    # small sizes, a few minutes
    python benchmarks/jalankan_semua.py --hanya agreement calibrate
    python benchmarks/jalankan_semua.py --nasional --kursus   # + 4,3 M pegawai, + main job

Each ``bench_<topic>.py`` prints a table of ours vs a peer library measured in the same
run. This runner only collects those tables with a description of the machine; it never
asserts anything (performance is reported, not tested).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _memory_gib() -> float:
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**30
    except (ValueError, OSError, AttributeError):
        return float("nan")


def machine_description() -> str:
    """One Markdown line describing the machine the figures come from."""
    import numpy as np
    import pandas as pd
    import scipy

    return (
        f"{platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} inti CPU, {_memory_gib():.0f} GiB memori; "
        f"numpy {np.__version__}, pandas {pd.__version__}, scipy {scipy.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Jalankan semua benchmark kinerja-calib.")
    parser.add_argument("--quick", action="store_true", help="ukuran kecil (beberapa menit)")
    parser.add_argument("--hanya", nargs="+", metavar="TOPIK", help="hanya topik ini")
    parser.add_argument("--keluaran", type=Path, default=HERE / "HASIL.md", help="berkas hasil")
    parser.add_argument(
        "--nasional", action="store_true", help="bench_nasional juga 4,3 juta pegawai (±6 menit)"
    )
    parser.add_argument(
        "--kursus",
        action="store_true",
        help="bench_reports juga pekerjaan utama: laporan + notebook kursus 01-05 (±7 menit)",
    )
    args = parser.parse_args(argv)

    scripts = sorted(HERE.glob("bench_*.py"))
    if args.hanya:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.hanya]
    parts = [
        "# Hasil benchmark kinerja-calib",
        "",
        f"Dijalankan {datetime.now(UTC):%Y-%m-%d %H:%M} UTC dengan "
        f"`python benchmarks/jalankan_semua.py{' '.join([''] + (argv or sys.argv[1:]))}`.",
        "",
        f"Mesin: {machine_description()}; beban rata-rata 1 menit saat mulai "
        f"{os.getloadavg()[0]:.1f}.",
        "",
        "Setiap tabel membandingkan kinerja-calib dengan pustaka lain yang diukur dalam proses yang "
        "sama (berselang-seling, median beberapa ulangan). Angka ini laporan, bukan uji.",
        "",
        "Sasaran (issue 9), untuk dibaca berdampingan dengan tabel di bawah: ICC ≥ 30× pingouin "
        "pada 100 rb × 5; α Krippendorff ≥ 2× paket `krippendorff` pada 300 rb–1 jt × 5 dengan "
        "10 % hilang; Fleiss κ ≥ 4× statsmodels; setiap statistik sama dengan pembanding pada "
        "1e-9; pipeline nasional 4,3 jt pegawai < 10 menit dan < 16 GiB pada 2 inti "
        "(`--nasional`); batch laporan ≥ 1,8× serial dengan 2 pekerja.",
        "",
    ]
    failed = 0
    for script in scripts:
        topic = script.stem.removeprefix("bench_")
        extra = {
            "nasional": ["--nasional"] * args.nasional,
            "reports": ["--kursus"] * args.kursus,
            "varcomp": ["--lengkap"],  # + the two scores and the interval coverage
            "widget": ["--beban", "--ulang", "2"],  # idle, lost replies are rare (≈ 1 in 1,000)
        }
        cmd = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
        cmd += extra.get(topic, [])
        print(f"== {script.name}", flush=True)
        load = os.getloadavg()[0]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        print(proc.stdout, flush=True)
        if proc.returncode != 0:
            failed += 1
            print(proc.stderr[-4000:], file=sys.stderr)
        status = "" if proc.returncode == 0 else f" — GAGAL (kode {proc.returncode})"
        parts += [
            f"## {topic}{status}",
            "",
            f"`{' '.join(Path(c).name if c.endswith('.py') else c for c in cmd[1:])}` "
            f"({seconds:.0f} s; beban mesin 1 menit sebelum mulai {load:.1f})",
            "",
            "```",
            proc.stdout.rstrip(),
            "```",
            "",
        ]
    args.keluaran.write_text("\n".join(parts), encoding="utf-8")
    print(f"Hasil ditulis ke {args.keluaran}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
