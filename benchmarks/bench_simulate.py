"""Rater-bias simulator: kinerja_calib (vectorised) vs a straightforward per-ratee loop.

Usage::

    .venv/bin/python benchmarks/bench_simulate.py            # 10 k, 100 k, 1 M ratees
    .venv/bin/python benchmarks/bench_simulate.py --quick    # 10 k and 100 k ratees

For each size a synthetic organisation is generated and rated
(:func:`kinerja_calib.simulate.simulate_ratings`, ``kompak=True`` so ids, roles and
aspects are categoricals). Wall time is the median of ``--repeats`` runs (one run at
≥ 1 M); peak memory is measured on one extra run with ``tracemalloc`` (numpy and pandas
register their buffers there) and the process peak RSS is printed at the end.

The peer is the loop a careful analyst would write first: per ratee, draw the rater
set, then per rater and aspect draw the latent score and threshold it (same model,
same organisation). It is timed on small sizes only (interleaved with ours) and its
per-rating cost is reported next to ours.
"""

from __future__ import annotations

import argparse
import resource
import statistics

import numpy as np
import pandas as pd
from _ukur import peak_mb, timed

from kinerja_calib import simulate as S
from kinerja_calib.labels import ASPEK_BERAKHLAK


def naive_rate(pegawai: pd.DataFrame, s: S.Scenario, seed: int) -> pd.DataFrame:
    """Per-ratee Python loop (the peer): atasan, diri, peers from the unit, direct reports."""
    rng = np.random.default_rng(seed)
    kappa = s.ambang()
    aspek = list(ASPEK_BERAKHLAK)
    nips = pegawai["nip"].tolist()
    atasan = dict(zip(nips, pegawai["nip_atasan"].tolist(), strict=True))
    unit = dict(zip(nips, (pegawai["kode_instansi"] + "/" + pegawai["unit_kerja"]).tolist(),
                    strict=True))  # fmt: skip
    members: dict[str, list[str]] = {}
    reports: dict[str, list[str]] = {}
    for n in nips:
        members.setdefault(unit[n], []).append(n)
        if isinstance(atasan[n], str):
            reports.setdefault(atasan[n], []).append(n)
    truth = {n: rng.normal() for n in nips}
    leniency: dict[str, float] = {}
    rows = []
    k_lo, k_hi = s._k_rekan_range()
    for n in nips:
        raters = [(n, "diri")]
        if isinstance(atasan[n], str):
            raters.append((atasan[n], "atasan"))
        others = [m for m in members[unit[n]] if m != n]
        k = min(int(rng.integers(k_lo, k_hi + 1)), len(others))
        raters += [(m, "rekan") for m in rng.choice(others, k, replace=False)] if k else []
        raters += [(m, "bawahan") for m in reports.get(n, [])[: s.k_bawahan]]
        for r, peran in raters:
            if r not in leniency:
                leniency[r] = rng.normal(0, s.sd_keparahan)
            halo = rng.normal(0, s.sd_halo)
            for a in aspek:
                y = truth[n] + rng.normal(0, s.sd_aspek) + leniency[r] + halo
                y += s.geser_peran.get(peran, 0.0) * s.sd_skala + rng.normal(0, s.sd_galat)
                rows.append(("2026-S1", n, r, peran, a, float(np.searchsorted(kappa, y) + 1)))
    return pd.DataFrame(rows, columns=list(S.KOLOM_PENILAIAN))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark simulator bias penilai.")
    parser.add_argument("--quick", action="store_true", help="10 k dan 100 k pegawai saja")
    parser.add_argument("--repeats", type=int, default=3, help="ulangan per ukuran (median)")
    args = parser.parse_args(argv)
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    naive_sizes = [1_000, 5_000] if args.quick else [1_000, 5_000, 20_000]

    print("Simulator bias penilai: kinerja_calib (tervektor) vs loop per pegawai")
    print()
    header = (
        f"{'pegawai':>10} {'baris nilai':>12} {'model':>6} {'waktu (s)':>10} "
        f"{'µs/baris':>9} {'puncak MB':>10}"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        for model in ("laten", "mfrm") if n <= 100_000 else ("laten",):
            sc = S.Scenario(n_pegawai=n, n_instansi=max(n // 400, 1), kompak=True, model=model)
            reps = 1 if n >= 1_000_000 else args.repeats
            times, rows = [], 0
            for i in range(reps):
                t, sim = timed(lambda sc=sc, i=i: S.simulate_ratings(sc, seed=2026 + i))
                times.append(t)
                rows = len(sim.ratings)
                del sim
            peak = peak_mb(lambda sc=sc: S.simulate_ratings(sc, seed=2026))
            med = statistics.median(times)
            print(
                f"{n:>10,} {rows:>12,} {model:>6} {med:>10.2f} {med / rows * 1e6:>9.3f} "
                f"{peak:>10,.0f}",
                flush=True,
            )
    print()
    print("Dibandingkan dengan loop per pegawai (model laten, organisasi yang sama):")
    header = (
        f"{'pegawai':>10} {'kita (s)':>9} {'loop (s)':>9} {'µs/baris kita':>14} "
        f"{'µs/baris loop':>14} {'lebih cepat':>12}"
    )
    print(header)
    print("-" * len(header))
    for n in naive_sizes:
        sc = S.Scenario(n_pegawai=n, n_instansi=max(n // 400, 1), kompak=True,
                        porsi_pengguna_layanan=0.0)  # fmt: skip
        pegawai, _ = S.generate_organisation(sc, np.random.default_rng(1))
        ours, peer, rows_o, rows_p = [], [], 0, 0
        for i in range(args.repeats):  # interleaved
            t, sim = timed(lambda sc=sc, i=i, p=pegawai: S.rate_organisation(p, sc, seed=i))
            ours.append(t)
            rows_o = len(sim.ratings)
            t, tab = timed(lambda sc=sc, i=i, p=pegawai: naive_rate(p, sc, seed=i))
            peer.append(t)
            rows_p = len(tab)
        mo, mp = statistics.median(ours), statistics.median(peer)
        uo, up = mo / rows_o * 1e6, mp / rows_p * 1e6
        print(f"{n:>10,} {mo:>9.3f} {mp:>9.2f} {uo:>14.3f} {up:>14.2f} {up / uo:>11.0f}×",
              flush=True)  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"Puncak RSS proses: {rss:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
