"""Feedback sheets (issue 18): sheets per second, peak memory, Dask, and the papermill peer.

Usage::

    .venv/bin/python benchmarks/bench_umpan_balik.py                     # samples, 11 k, 100 k
    .venv/bin/python benchmarks/bench_umpan_balik.py --sebelum           # + the pre-split batch
    .venv/bin/python benchmarks/bench_umpan_balik.py --pegawai 10000 --peer 20
    .venv/bin/python benchmarks/bench_umpan_balik.py --quick            # 10 000 pegawai, 5 peers

Earlier (2026-12-05, quiet machine, before the split): samples 1 910 sheets in 7.0 s
(272 sheets/s); 11 207 pegawai 321 sheets/s; 100 863 pegawai (120 330 sheets) 665 s,
181 sheets/s; papermill 640× slower. The 100 k row was slower per sheet because each of its
819 instansi filtered *every* table of the whole workbook (``Workbook.untuk_instansi``:
7.8 M 360 rows, 0.57 s a call, ~470 s in all at 100 k against ~3 s at 11 k — instansi ×
rows). The batch now groups each table by instansi once per workbook and takes rows by
position (``umpan_balik._batch.split_instansi``; the sheets are byte-identical).

Run of 2026-12-05 12:13 UTC (``--pegawai 11000 100000 --sebelum --peer 20``) on the shared
2-core machine, 1-minute load 1–7 during the run, so read the CPU columns (parent process)
for before/after; wall clock moved up to 3× with the other sessions' load:

======================  ======  ======  =========  =====  ============  =========
row                     sheets  wall s  sheets/s   CPU s  sheets/CPU-s  peak RSS
======================  ======  ======  =========  =====  ============  =========
sampel                   1 910    15,0     127,5     7,2         267      106 MiB
11 207 after            13 370   112,9     118,5    47,1         284      378 MiB
11 207 before           13 370   232,6      57,5    54,5         245      378 MiB
100 863 after          120 330   503,1     239,2   331,5         363    2 581 MiB
100 863 before         120 330   573,4     209,9   549,8         219    2 519 MiB
dask 2 workers           1 910     4,0     475,5       –           –    2 754 MiB
papermill (20)              20    45,3       0,4       –           –    2 651 MiB
======================  ======  ======  =========  =====  ============  =========

After the split, a sheet costs no more CPU at 100 k than at 11 k (363 vs 284 sheets per
CPU second; before: 219 at 100 k). Peak RSS (parent + children, Dask workers and papermill
kernels included) of the 100 k row is 2 581 MiB, of which the simulated 100 k workbook held
in memory before the row is ~2 460 MiB and the batch itself adds 120 MiB (one instansi's
copy at a time); the dask and papermill rows still have that workbook alive in the parent.
In the 100 k "after" row wall exceeds CPU by 170 s: a py-spy sample of 90 s of it put 36 %
of wall time in ``write_atomic``'s per-sheet ``fsync`` (0.5–0.7 ms a file here when
idle, more under other sessions' I/O). Papermill is 289× slower than ``sampel`` in this run
(``sampel`` ran at load 4, papermill at 1.6; 640× on the quiet run above). Projection for
4.3 M pegawai (1.19 sheets each) from the 100 k row: 6.0 h wall in one process at this run's
rate, 3.9 h of CPU; ~2–3 h on 2 Dask workers, before the fsync cost.

Rows of the table, all in the same run:

- ``sampel``: :func:`kinerja_calib.umpan_balik.tulis_semua` on data/samples (1 601 pegawai,
  13 instansi), load included, one process;
- ``skala``: the sample province copied until it holds ``--pegawai`` pegawai (each copy its
  own kode_instansi and NIPs: a simulated country of identical provinces), one process; the
  national 4.3 M is projected from its sheets/s (linear: preparation and rendering are per
  instansi);
- ``dask``: the samples on a Dask LocalCluster with 2 workers (one task per instansi);
- ``papermill``: the peer — one parameterised notebook per pegawai (load, score, render one
  sheet), ``--peer`` sheets; the ratio is sheets/s of ``sampel`` over this;
- ``… sebelum`` (``--sebelum``): the batch as it was before the split — ``untuk_instansi``
  of the whole workbook for every instansi — on the same simulated country.

Every row prints wall seconds, the parent's CPU seconds (children not included), the load
average, and the peak summed RSS of the process and all its children sampled every 0.2 s
(``_ukur.PeakRSS``, as :mod:`kinerja_calib.nasional` samples its workers) with its growth
during the row. Never run from the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from _ukur import PeakRSS, timed  # noqa: E402

import kinerja_calib as kc  # noqa: E402
from kinerja_calib import umpan_balik as ub  # noqa: E402
from kinerja_calib.data import Workbook  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
NASIONAL = 4_300_000


def perbesar(wb, pegawai: int):
    """The sample province copied until ``pegawai`` pegawai (new kode_instansi and NIPs)."""
    copies = max(1, -(-pegawai // len(wb.pegawai)))
    t = {k: [] for k, v in wb.tables.items() if v is not None}
    for c in range(copies):
        pre = f"{c + 10:02d}"

        def nip(s: pd.Series, pre=pre) -> pd.Series:
            return pre + s.astype(str).str[2:]

        for name, df in wb.tables.items():
            if df is None:
                continue
            df = df.copy()
            for col in ("nip", "nip_atasan", "nip_penilai"):
                if col in df.columns:
                    df[col] = nip(df[col]).where(df[col].notna() & (df[col] != ""), df[col])
            for col in ("kode_instansi", "kode_indikator"):
                if col in df.columns:
                    df[col] = f"X{c:03d}-" + df[col].astype(str)
            t[name].append(df)
    tables = {k: pd.concat(v, ignore_index=True) for k, v in t.items()}
    return Workbook(**tables)


def papermill_peer(nips: list[str], out: Path) -> float:
    """Seconds to write ``len(nips)`` sheets with one papermill notebook per pegawai."""
    import nbformat
    import papermill as pm

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('nip = ""\nkeluaran = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import kinerja_calib as kc\n"
            f"wb = kc.load_workbook({str(SAMPLES)!r})\n"
            "html = kc.umpan_balik.lembar_pegawai(wb, nip)\n"
            "open(keluaran, 'w', encoding='utf-8').write(html)"
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    src = out / "lembar.ipynb"
    nbformat.write(nb, src)
    t0 = time.perf_counter()
    for nip in nips:
        pm.execute_notebook(
            str(src),
            str(out / f"{nip}.ipynb"),
            parameters={"nip": nip, "keluaran": str(out / f"{nip}.html")},
            progress_bar=False,
            kernel_name="python3",
        )
    return time.perf_counter() - t0


def jalur_lama(wb, out: Path) -> pd.DataFrame:
    """The batch before the one-pass split: ``untuk_instansi`` of the whole workbook per instansi."""
    from kinerja_calib.umpan_balik._batch import write_instansi

    kode = sorted(wb.instansi["kode_instansi"].astype(str))
    return pd.DataFrame([write_instansi(wb, k, out, sub=wb.untuk_instansi(k)) for k in kode])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pegawai", type=int, nargs="+", default=[11_000, 100_000])
    ap.add_argument("--peer", type=int, default=20)
    ap.add_argument("--tanpa-dask", action="store_true")
    ap.add_argument(
        "--sebelum",
        action="store_true",
        help="juga ukur jalur lama (untuk_instansi per instansi) pada setiap ukuran",
    )
    ap.add_argument("--quick", action="store_true", help="10 000 pegawai, 5 notebook pembanding")
    args = ap.parse_args()
    if args.quick:
        args.pegawai, args.peer = [min(min(args.pegawai), 10_000)], min(args.peer, 5)
    rows = []

    def row(cara: str, fn, lembar=None):
        cpu = time.process_time()
        with PeakRSS() as mem:
            detik, hasil = timed(fn)
        cpu = time.process_time() - cpu
        n = lembar if lembar is not None else int(hasil["pegawai"].sum() + hasil["penilai"].sum())
        rows.append((cara, n, detik, n / detik, cpu, n / cpu, mem.puncak, mem.puncak - mem.awal))
        print(
            f"  {cara}: {n} lembar, {detik:.1f} s, CPU induk {cpu:.1f} s ({n / cpu:.0f} lembar/s "
            f"CPU), RSS puncak {mem.puncak:.0f} MiB (+{mem.puncak - mem.awal:.0f}), "
            f"beban {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        return n

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        row("sampel", lambda: ub.tulis_semua(kc.load_workbook(SAMPLES), tmp / "s", tampilkan=False))
        wb = kc.load_workbook(SAMPLES)
        for size in args.pegawai:
            besar = perbesar(wb, size)
            label = f"skala {kc.bilangan(len(besar.pegawai))}"
            nb = row(label, lambda b=besar: ub.tulis_semua(b, tmp / "skala", tampilkan=False))
            shutil.rmtree(tmp / "skala")
            n_besar, i_besar = len(besar.pegawai), len(rows) - 1
            if args.sebelum and size != args.pegawai[-1]:
                row(f"{label} sebelum", lambda b=besar: jalur_lama(b, tmp / "lama"))
                shutil.rmtree(tmp / "lama")
            if size != args.pegawai[-1]:
                del besar
        if not args.tanpa_dask:
            from distributed import Client, LocalCluster

            with (
                LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c,
                Client(c) as client,
            ):
                row(
                    "dask 2 pekerja",
                    lambda: ub.tulis_semua(
                        wb, tmp / "dask", dask_scheduler=client, tampilkan=False
                    ),
                )
        peer_dir = tmp / "peer"
        peer_dir.mkdir()
        nips = list(wb.pegawai["nip"].iloc[: args.peer])
        row(f"papermill/pegawai ({args.peer})", lambda: papermill_peer(nips, peer_dir), args.peer)
        if args.sebelum:  # the slowest row last
            row(f"{label} sebelum", lambda b=besar: jalur_lama(b, tmp / "lama"))
    kolom = ["cara", "lembar", "detik", "lembar_per_detik", "detik_CPU", "lembar_per_detik_CPU"]
    kolom += ["RSS_puncak_MiB", "RSS_naik_MiB"]
    tab = pd.DataFrame(rows, columns=kolom)
    print(tab.to_string(index=False, float_format=lambda v: kc.desimal(v, 1)))
    papermill = tab.loc[tab["cara"].str.startswith("papermill"), "lembar_per_detik"].iloc[0]
    print(f"\nrasio sampel / papermill: {kc.bilangan(tab.iloc[0, 3] / papermill)}×")
    per_peg = nb / n_besar
    print(
        f"proyeksi nasional {NASIONAL:,} pegawai (~{per_peg:.2f} lembar per pegawai), "
        f"satu proses: {NASIONAL * per_peg / tab.iloc[i_besar, 3] / 3600:,.1f} jam"
    )


if __name__ == "__main__":
    main()
