"""National pipeline: simulate → score → calibrate → agreement for a whole country.

Usage::

    .venv/bin/python benchmarks/bench_nasional.py              # 10 k, 100 k, 1 M pegawai
    .venv/bin/python benchmarks/bench_nasional.py --quick      # 10 k and 100 k
    .venv/bin/python benchmarks/bench_nasional.py --nasional   # also 4,3 M (≈ 200 M ratings)

Each configuration runs :func:`kinerja_calib.nasional.run_country` in a **fresh Python process**
(so peak memory is that run's own) and is compared with itself on one worker: the same
country, the same seed, serial (1 process) vs the process pool (2 workers on a 2-core
machine), interleaved. The figures reported:

- ``detik`` — wall clock of the whole run (median of the repeats);
- ``detik CPU`` — user + system CPU of the parent and all workers (what the run costs on an
  idle machine; wall ≈ CPU / cores when nothing else runs);
- ``memori puncak`` — peak of the summed RSS of the parent and its workers, sampled every
  0.2 s by the run itself;
- the machine's 1-minute load average before each run (other processes share the cores, so
  wall clock is only comparable between runs made at a similar load).

The stage table (simulasi, skor, kalibrasi, kesepakatan) of the last run of each size is
printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

SIZES = (10_000, 100_000, 1_000_000)
NASIONAL = 4_300_000


def _one(pegawai: int, pekerja: int, seed: int) -> dict:
    from kinerja_calib import nasional

    load = os.getloadavg()[0]
    h = nasional.run_country(pegawai, seed, pekerja=pekerja, progress=False)
    total = h.tahap.iloc[-1]
    return {
        "pegawai": pegawai,
        "pekerja": h.pekerja,
        "bagian": h.info["n_bagian"],
        "penilaian": int(h.ringkasan["n_penilaian"].sum()),
        "detik": h.detik,
        "detik_cpu": float(total["detik_cpu"]),
        "memori_mib": h.memori_puncak_mib,
        "beban": load,
        "tahap": nasional.format_tahap(h.tahap),
    }


def _run_child(pegawai: int, pekerja: int, seed: int) -> dict:
    cmd = [sys.executable, __file__, "--satu", str(pegawai), str(pekerja), str(seed)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt(x: float, d: int = 1) -> str:
    return f"{x:,.{d}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark pipeline nasional kinerja-calib.")
    parser.add_argument("--quick", action="store_true", help="hanya 10 rb dan 100 rb pegawai")
    parser.add_argument("--nasional", action="store_true", help="tambahkan 4,3 juta pegawai")
    parser.add_argument("--repeats", type=int, default=3, help="ulangan untuk ukuran < 1 juta")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pekerja", type=int, default=2, help="pekerja untuk mode paralel")
    parser.add_argument("--satu", nargs=3, type=int, metavar=("N", "PEKERJA", "SEED"))
    args = parser.parse_args(argv)
    if args.satu:
        print(json.dumps(_one(*args.satu)))
        return 0

    sizes = list(SIZES[:2] if args.quick else SIZES)
    if args.nasional:
        sizes.append(NASIONAL)
    print(f"Mesin: {os.cpu_count()} inti CPU; beban rata-rata 1 menit saat mulai "
          f"{os.getloadavg()[0]:.1f}.\n")  # fmt: skip
    head = (
        f"{'pegawai':>10} {'penilaian':>12} {'pekerja':>7} {'bagian':>6} {'detik':>8} "
        f"{'detik CPU':>9} {'memori puncak':>14} {'penilaian/detik':>16} {'beban':>6}"
    )
    lines = [head, "-" * len(head)]
    print("\n".join(lines), flush=True)
    tahap = {}
    for n in sizes:
        # serial only up to 1 M (4.3 M serial would take the shared machine for too long)
        configs = [1, args.pekerja] if n <= 1_000_000 else [args.pekerja]
        reps = args.repeats if n < 1_000_000 else 1
        if args.quick and n >= 100_000:
            reps = 1
        results: dict[int, list[dict]] = {w: [] for w in configs}
        for _ in range(reps):  # interleaved: serial, parallel, serial, parallel, ...
            for w in configs:
                results[w].append(_run_child(n, w, args.seed))
        for w in configs:
            rs = results[w]
            wall = statistics.median(r["detik"] for r in rs)
            r0 = rs[-1]
            lines.append(
                f"{_fmt(n, 0):>10} {_fmt(r0['penilaian'], 0):>12} {r0['pekerja']:>7} "
                f"{r0['bagian']:>6} "
                f"{_fmt(wall):>8} {_fmt(statistics.median(r['detik_cpu'] for r in rs)):>9} "
                f"{_fmt(max(r['memori_mib'] for r in rs), 0) + ' MiB':>14} "
                f"{_fmt(r0['penilaian'] / wall, 0):>16} "
                f"{_fmt(statistics.median(r['beban'] for r in rs)):>6}"
            )
            tahap[(n, r0["pekerja"])] = r0["tahap"]
            print(lines[-1], flush=True)
    for (n, w), t in tahap.items():
        print(f"\nTahap untuk {_fmt(n, 0)} pegawai, {w} pekerja:")
        print(t)
    print(
        "\ndetik per tahap = jumlah waktu semua pekerja; 'total' = jam dinding. Memori = RSS "
        "induk + pekerja (sampel tiap 0,2 detik)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
