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
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from _ukur import peak_mb, timed  # noqa: E402

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pegawai", type=int, default=100_000)
    ap.add_argument("--peer", type=int, default=20)
    ap.add_argument("--tanpa-dask", action="store_true")
    ap.add_argument("--quick", action="store_true", help="10 000 pegawai, 5 notebook pembanding")
    args = ap.parse_args()
    if args.quick:
        args.pegawai, args.peer = min(args.pegawai, 10_000), min(args.peer, 5)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)

        def sampel():
            wb = kc.load_workbook(SAMPLES)
            return ub.tulis_semua(wb, tmp / "sampel", tampilkan=False)

        detik, hasil = timed(sampel)
        n = int(hasil["pegawai"].sum() + hasil["penilai"].sum())
        mem = peak_mb(lambda: ub.tulis_semua(kc.load_workbook(SAMPLES), tmp / "m", tampilkan=False))
        rows.append(("sampel", n, detik, n / detik, mem))
        wb = kc.load_workbook(SAMPLES)
        besar = perbesar(wb, args.pegawai)
        detik_b, hasil_b = timed(lambda: ub.tulis_semua(besar, tmp / "skala", tampilkan=False))
        nb = int(hasil_b["pegawai"].sum() + hasil_b["penilai"].sum())
        rows.append(
            (f"skala {kc.bilangan(len(besar.pegawai))}", nb, detik_b, nb / detik_b, float("nan"))
        )
        if not args.tanpa_dask:
            from distributed import Client, LocalCluster

            with (
                LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c,
                Client(c) as client,
            ):
                d, h = timed(
                    lambda: ub.tulis_semua(wb, tmp / "dask", dask_scheduler=client, tampilkan=False)
                )
            nd = int(h["pegawai"].sum() + h["penilai"].sum())
            rows.append(("dask 2 pekerja", nd, d, nd / d, float("nan")))
        peer_dir = tmp / "peer"
        peer_dir.mkdir()
        dp = papermill_peer(list(wb.pegawai["nip"].iloc[: args.peer]), peer_dir)
        rows.append(
            (f"papermill/pegawai ({args.peer})", args.peer, dp, args.peer / dp, float("nan"))
        )
    tab = pd.DataFrame(rows, columns=["cara", "lembar", "detik", "lembar_per_detik", "puncak_MiB"])
    print(tab.to_string(index=False, float_format=lambda v: kc.desimal(v, 2)))
    print(f"\nrasio sampel / papermill: {kc.bilangan(tab.iloc[0, 3] / tab.iloc[-1, 3])}×")
    per_peg = nb / len(besar.pegawai)
    print(
        f"proyeksi nasional {NASIONAL:,} pegawai (~{per_peg:.2f} lembar per pegawai), "
        f"satu proses: {NASIONAL * per_peg / tab.iloc[1, 3] / 3600:,.1f} jam"
    )


if __name__ == "__main__":
    main()
