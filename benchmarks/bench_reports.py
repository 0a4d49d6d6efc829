"""Per-instansi report batch: serial (1 worker) vs parallel (2 workers) on data/samples.

Usage::

    .venv/bin/python benchmarks/bench_reports.py            # all instansi, report template only
    .venv/bin/python benchmarks/bench_reports.py --quick    # the 4 smallest instansi
    .venv/bin/python benchmarks/bench_reports.py --kursus   # also the course notebooks 01-05

Runs are interleaved (serial, parallel, serial, parallel …) and the median wall time is
reported, with the speed-up, the seconds per report, and the time each report spends in
its cells (= beyond kernel start, from papermill's per-cell metadata). Peak memory is the
largest resident set of any child process (``resource.RUSAGE_CHILDREN``). The 1-minute load
average before/after each run is printed: on a shared machine other jobs steal the second
core and the speed-up then says more about them than about the batch. Never run from the
test suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kinerja_calib import reports  # noqa: E402

SAMPLES = ROOT / "data" / "samples"


def _cell_seconds(folder: Path) -> list[float]:
    """Seconds spent in cells per executed report (excludes kernel start-up)."""
    out = []
    for nb_path in sorted(folder.glob("*/laporan_instansi.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        out.append(
            sum(
                float(c.metadata.get("papermill", {}).get("duration") or 0.0)
                for c in nb.cells
                if c.cell_type == "code"
            )
        )
    return out


def _run(codes: list[str], workers: int, kursus: bool) -> tuple[float, list[float], int]:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        code = reports.run_batch(
            SAMPLES,
            Path(tmp) / "keluaran",
            instansi=codes,
            pekerja=workers,
            hanya_laporan=not kursus,
            tampilkan=False,
        )
        wall = time.perf_counter() - t0
        cells = _cell_seconds(Path(tmp) / "keluaran")
    return wall, cells, code


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the 4 smallest instansi")
    ap.add_argument("--ulang", type=int, default=1, help="repeats per mode (interleaved)")
    ap.add_argument("--kursus", action="store_true", help="also run notebooks 01-05")
    args = ap.parse_args(argv)

    peg = pd.read_csv(SAMPLES / "pegawai.csv", dtype=str, usecols=["kode_instansi"])
    order = peg["kode_instansi"].value_counts().sort_values(kind="stable").index.tolist()
    codes = order[:4] if args.quick else order
    n_nb = len(codes) * (6 if args.kursus else 1)
    print(
        f"Mesin: {os.cpu_count()} inti; {len(codes)} instansi, {n_nb} notebook"
        f"{' (laporan + kursus 01-05)' if args.kursus else ' (templat laporan)'}"
    )

    walls: dict[int, list[float]] = {1: [], 2: []}
    cells: list[float] = []
    for rep in range(args.ulang):
        for workers in (1, 2):
            load0 = os.getloadavg()[0]
            wall, cell, code = _run(codes, workers, args.kursus)
            status = "ok" if code == 0 else f"GAGAL (kode {code})"
            print(
                f"  ulangan {rep + 1}, pekerja={workers}: {wall:6.1f} s  {status}  "
                f"(beban mesin sebelum/sesudah: {load0:.1f}/{os.getloadavg()[0]:.1f})"
            )
            walls[workers].append(wall)
            cells += cell
    serial, parallel = statistics.median(walls[1]), statistics.median(walls[2])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = [
        ("serial (--pekerja 1)", serial, serial / n_nb, 1.0),
        ("paralel (--pekerja 2)", parallel, parallel / n_nb, serial / parallel),
    ]
    print()
    print(f"{'mode':<24}{'detik':>8}{'detik/notebook':>16}{'percepatan':>12}")
    for name, w, per, speed in rows:
        print(f"{name:<24}{w:>8.1f}{per:>16.2f}{speed:>11.2f}x")
    if cells:
        print(
            f"\nWaktu di sel per laporan (di luar start kernel): median "
            f"{statistics.median(cells):.2f} s, maks {max(cells):.2f} s "
            f"(n={len(cells)})"
        )
    print(f"Memori puncak satu proses anak: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
