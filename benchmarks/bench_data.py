"""Reading a workbook: CSV folder vs one .xlsx (python-calamine) vs pandas + openpyxl, same run.

Usage::

    .venv/bin/python benchmarks/bench_data.py            # the whole sample province (±4 min)
    .venv/bin/python benchmarks/bench_data.py --quick    # one instansi of the samples

The sample data (``data/samples``, or one instansi of it with ``--quick``) is written once
to a temporary ``.xlsx`` with :meth:`Workbook.to_excel`. Then, interleaved, ``--repeats``
times each:

- ``load_workbook(folder CSV)`` and ``load_workbook(.xlsx)``: read *and validate* every
  table (kinerja_calib reads .xlsx with python-calamine);
- the peer ``pandas.read_excel(.xlsx, sheet_name=None, engine="openpyxl")``: only parses the
  same sheets into DataFrames (no validation, no text/NIP handling) — what an analyst's
  script would do, and the engine kinerja_calib used before;
- ``pandas.read_excel(..., engine="calamine")`` for reference (parsing only).

Median wall time and median CPU time (``time.process_time``; steadier on a shared machine)
are reported, and the peak traced Python memory of one extra call (``tracemalloc``; Rust
buffers of calamine are not traced, its Python lists of cells are). Before the timings the
tables read from .xlsx are checked equal to the CSV folder's. Never run from the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from _ukur import peak_mb

import kinerja_calib as kc
from kinerja_calib import data as data_mod

ROOT = Path(__file__).resolve().parents[1]


def timed(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of each function, the functions run interleaved."""
    wall: dict[str, list[float]] = {k: [] for k in fns}
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            cpu[k].append(time.process_time() - c)
            wall[k].append(time.perf_counter() - w)
    return {k: (statistics.median(wall[k]), statistics.median(cpu[k])) for k in fns}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Benchmark membaca data (CSV vs .xlsx).")
    ap.add_argument("--quick", action="store_true", help="satu instansi saja")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "samples")
    args = ap.parse_args(argv)
    os.environ.pop(data_mod.ENV_CACHE, None)  # always read, never a validated-workbook cache

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wb = kc.load_workbook(args.data)
        if args.quick:
            kode = wb.pegawai["kode_instansi"].value_counts().index[len(wb.instansi) // 2]
            wb = wb.untuk_instansi(str(kode))
            csv_dir = tmp / "csv"
            csv_dir.mkdir()
            for name, frame in wb.tables.items():
                frame.to_csv(csv_dir / f"{name}.csv", index=False)
        else:
            csv_dir = args.data
        xlsx = wb.to_excel(tmp / "data.xlsx")
        sheets = [n for n, f in wb.tables.items() if f is not None]
        rows = sum(len(f) for f in wb.tables.values())
        size_mb = xlsx.stat().st_size / 2**20

        # same answer first: .xlsx (calamine) gives the CSV folder's tables exactly
        a, b = kc.load_workbook(csv_dir), kc.load_workbook(xlsx)
        for name in sheets:
            pd.testing.assert_frame_equal(getattr(b, name), getattr(a, name), obj=name)
        peer = pd.read_excel(xlsx, sheet_name=None, engine="openpyxl")
        assert {n: len(f) for n, f in peer.items()} == {n: len(wb.tables[n]) for n in sheets}

        fns = {
            "load_workbook(folder CSV)": lambda: kc.load_workbook(csv_dir),
            "load_workbook(.xlsx) [calamine]": lambda: kc.load_workbook(xlsx),
            "pandas.read_excel openpyxl (peer)": lambda: pd.read_excel(
                xlsx, sheet_name=None, engine="openpyxl"
            ),
            "pandas.read_excel calamine": lambda: pd.read_excel(
                xlsx, sheet_name=None, engine="calamine"
            ),
        }
        times = timed(fns, args.repeats)
        peaks = {k: peak_mb(fn) for k, fn in fns.items()}

    what = "satu instansi" if args.quick else "seluruh sampel provinsi"
    print(
        f"Membaca data ({what}: {len(sheets)} tabel, {rows:,} baris; .xlsx "
        f"{size_mb:.1f} MiB), "
        f"median dari {args.repeats} ulangan berselang-seling"
    )
    print(f"{'cara':36s} {'dinding s':>10s} {'CPU s':>8s} {'puncak MiB':>11s}")
    for k, (w, c) in times.items():
        print(f"{k:36s} {w:10.2f} {c:8.2f} {peaks[k]:11.0f}")
    ours = times["load_workbook(.xlsx) [calamine]"][1]
    peer = times["pandas.read_excel openpyxl (peer)"][1]
    print(
        f"load_workbook(.xlsx) vs pandas+openpyxl (CPU): {peer / ours:.1f}x lebih cepat, "
        "padahal load_workbook juga memvalidasi"
    )


if __name__ == "__main__":
    main()
