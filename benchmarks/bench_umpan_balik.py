"""Feedback sheets (issue 18): sheets per second, peak memory, Dask, and the papermill peer.

Usage::

    .venv/bin/python benchmarks/bench_umpan_balik.py                    # samples + 100 000 pegawai
    .venv/bin/python benchmarks/bench_umpan_balik.py --pegawai 10000 --peer 20
    .venv/bin/python benchmarks/bench_umpan_balik.py --quick           # 10 000 pegawai, 5 peers

Measured 2026-12-05 on the shared 2-core machine (``--pegawai 10000 --peer 20``): samples
1 910 sheets in 7.0 s (272 sheets/s, load included; tracemalloc peak 25 MiB); 11 207 pegawai
(13 370 sheets) in 41.7 s (321 sheets/s); Dask LocalCluster 2 workers 10.5 s on the samples
(each task loads the data itself); papermill per pegawai 0.43 sheets/s — 626× slower. The
projection to 4.3 M pegawai is ~4.4 h in one process, i.e. ~2.2 h on 2 workers, before I/O.

Default run (``--pegawai 100000 --peer 20``), 2026-12-05 on a quiet 2-core machine: samples
1 910 sheets in 7.1 s (269 sheets/s); 100 863 pegawai (120 330 sheets) in 665 s (181 sheets/s:
slower per sheet than at 11 k, not yet explained; peak memory of this row not measured);
Dask 2 workers 4.3 s on the samples; papermill per pegawai 0.42 sheets/s, 640× slower. The
projection from the 100 k row is ~7.9 h in one process for 4.3 M pegawai, ~4 h on 2 workers.

Rows of the table, all in the same run:

- ``sampel``: :func:`kinerja_calib.umpan_balik.tulis_semua` on data/samples (1 601 pegawai,
  13 instansi), load included, one process;
- ``skala``: the sample province copied until it holds ``--pegawai`` pegawai (each copy its
  own kode_instansi and NIPs: a simulated country of identical provinces), one process; the
  national 4.3 M is projected from its sheets/s (linear: preparation and rendering are per
  instansi);
- ``dask``: the samples on a Dask LocalCluster with 2 workers (one task per instansi);
- ``papermill``: the peer — one parameterised notebook per pegawai (load, score, render one
  sheet), ``--peer`` sheets; the ratio is sheets/s of ``sampel`` over this.

Peak memory is tracemalloc's peak of Python allocations in the parent (``sampel``/``skala``).
Never run from the test suite.
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
