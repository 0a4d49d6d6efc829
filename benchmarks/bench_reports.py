"""Per-instansi report batch: serial (1 worker) vs parallel (2 workers) on data/samples.

Usage::

    .venv/bin/python benchmarks/bench_reports.py            # report template, 13 instansi, 3×
    .venv/bin/python benchmarks/bench_reports.py --quick    # the 4 smallest instansi, 1×
    .venv/bin/python benchmarks/bench_reports.py --kursus   # also the main job (template +
                                                            # course notebooks 01-05), 1×

Each mode calls :func:`kinerja_calib.reports.run_batch` exactly as the CLI does, serial
(``pekerja=1``) and parallel (``pekerja=2``) **interleaved** (serial, parallel, serial, …); the
median wall time of the repeats gives the speed-up. Besides the wall time the table shows
where it goes, read from papermill's timestamps in the executed notebooks:

- ``awal`` — from the call until the first notebook starts (the parent loads and validates
  the province once, writes the per-instansi cache, starts the worker processes);
- ``ekor`` — from the last notebook's end until the call returns (its HTML export, the index);
- ``sibuk`` — notebook seconds summed over all notebooks ÷ (workers × the time between the
  first start and the last end): how well the workers were kept busy.

Peak memory is the largest resident set of any child process (``resource.RUSAGE_CHILDREN``).
The 1-minute load average before each run is printed: on a shared machine other jobs steal
the second core and the speed-up then says more about them than about the batch. Never run
from the test suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kinerja_calib import reports  # noqa: E402

SAMPLES = ROOT / "data" / "samples"


@dataclass
class Ukuran:
    """One batch run: wall seconds and where they went."""

    wall: float
    awal: float
    ekor: float
    sibuk: float
    sel: list[float]  # seconds in cells per report (kernel start-up excluded)
    kode: int


def _timestamps(folder: Path) -> tuple[list[tuple[float, float]], list[float]]:
    """(start, end) epoch seconds of every executed notebook, and cell seconds per report."""
    spans, cells = [], []
    for nb_path in sorted(folder.glob("*/*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        meta = nb.metadata.get("papermill", {})
        if meta.get("start_time") and meta.get("end_time"):
            spans.append(
                (
                    datetime.fromisoformat(meta["start_time"]).timestamp(),
                    datetime.fromisoformat(meta["end_time"]).timestamp(),
                )
            )
        if nb_path.stem == "laporan_instansi":
            cells.append(
                sum(
                    float(c.metadata.get("papermill", {}).get("duration") or 0.0)
                    for c in nb.cells
                    if c.cell_type == "code"
                )
            )
    return spans, cells


def _run(codes: list[str], workers: int, kursus: bool) -> Ukuran:
    with tempfile.TemporaryDirectory() as tmp:
        begin = time.time()
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
        spans, cells = _timestamps(Path(tmp) / "keluaran")
    first = min(s for s, _ in spans)
    last = max(e for _, e in spans)
    busy = sum(e - s for s, e in spans) / (workers * (last - first))
    return Ukuran(wall, first - begin, begin + wall - last, busy, cells, code)


def _measure(codes: list[str], kursus: bool, repeats: int) -> None:
    n_nb = len(codes) * (6 if kursus else 1)
    what = "laporan + kursus 01-05 (pekerjaan utama)" if kursus else "templat laporan saja"
    print(f"\n{len(codes)} instansi, {n_nb} notebook: {what}; {repeats} ulangan berselang-seling")
    runs: dict[int, list[Ukuran]] = {1: [], 2: []}
    for rep in range(repeats):
        for workers in (1, 2):
            load = os.getloadavg()[0]
            u = _run(codes, workers, kursus)
            status = "ok" if u.kode == 0 else f"GAGAL (kode {u.kode})"
            print(
                f"  ulangan {rep + 1}, pekerja={workers}: {u.wall:6.1f} s  {status}  "
                f"(awal {u.awal:.1f} s, ekor {u.ekor:.1f} s, sibuk {u.sibuk:.0%}; "
                f"beban mesin sebelum {load:.1f})",
                flush=True,
            )
            runs[workers].append(u)
    serial = statistics.median(u.wall for u in runs[1])
    print(
        f"\n{'mode':<24}{'detik':>8}{'detik/notebook':>16}{'awal':>7}{'ekor':>7}"
        f"{'sibuk':>7}{'percepatan':>12}"
    )
    for workers, name in ((1, "serial (--pekerja 1)"), (2, "paralel (--pekerja 2)")):
        us = runs[workers]
        wall = statistics.median(u.wall for u in us)
        print(
            f"{name:<24}{wall:>8.1f}{wall / n_nb:>16.2f}"
            f"{statistics.median(u.awal for u in us):>7.1f}"
            f"{statistics.median(u.ekor for u in us):>7.1f}"
            f"{statistics.median(u.sibuk for u in us):>7.0%}{serial / wall:>11.2f}x"
        )
    pairs = [a.wall / b.wall for a, b in zip(runs[1], runs[2], strict=True)]
    print(f"Percepatan per pasangan ulangan: {', '.join(f'{p:.2f}x' for p in pairs)}")
    cells = [c for u in runs[1] + runs[2] for c in u.sel]
    if cells:
        print(
            f"Waktu di sel per laporan (di luar start kernel): median "
            f"{statistics.median(cells):.2f} s, maks {max(cells):.2f} s (n={len(cells)})"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the 4 smallest instansi, 1×")
    ap.add_argument("--ulang", type=int, default=None, help="repeats per mode (default 3; 1 quick)")
    ap.add_argument("--kursus", action="store_true", help="also the main job (with 01-05), 1×")
    args = ap.parse_args(argv)

    peg = pd.read_csv(SAMPLES / "pegawai.csv", dtype=str, usecols=["kode_instansi"])
    order = peg["kode_instansi"].value_counts().sort_values(kind="stable").index.tolist()
    codes = order[:4] if args.quick else order
    repeats = args.ulang or (1 if args.quick else 3)
    print(f"Mesin: {os.cpu_count()} inti CPU; beban rata-rata 1 menit {os.getloadavg()[0]:.1f}")
    _measure(codes, False, repeats)
    if args.kursus:
        _measure(codes, True, args.ulang or 1)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nMemori puncak satu proses anak: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
