"""Benchmark: kc.calibrate.rater_effects at scale, and against statsmodels OLS fixed effects.

Each measurement runs in a fresh subprocess (so peak memory is that of one fit) on a
simulated organisation from ``kc.simulate.simulate_ratings``:

* scale: 10 k / 100 k / 1 M ratees (≈ 40 ratings each → ≈ 40 M ratings at 1 M); ``--quick``
  runs 2 k / 20 k;
* peer: ``statsmodels`` OLS ``nilai ~ C(nip) + C(nip_penilai) + C(peran_penilai) + C(aspek)``
  against ``rater_effects(..., shrinkage=None)`` (the same estimator) on sizes a dense dummy
  design can hold; timings interleaved, median of repeats, max |Δ fitted| reported.

Time is wall-clock and CPU of the fit only (simulation excluded); memory is the tracemalloc peak
of one extra, traced fit (numpy/scipy buffers are traced; tracing slows the fit, so it is not the
timed call) and the process peak RSS.

Usage::

    python benchmarks/bench_calibrate.py            # 10 k, 100 k, 1 M (several minutes)
    python benchmarks/bench_calibrate.py --quick    # small sizes, < 1 min
    python benchmarks/bench_calibrate.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np


def _simulate(n: int, seed: int = 1):
    import kinerja_calib as kc

    s = kc.simulate.Scenario(n_pegawai=n, n_instansi=max(6, n // 2000), kompak=True)
    return kc.simulate.simulate_ratings(s, seed=seed)


def worker_scale(n: int) -> dict:
    import kinerja_calib as kc

    t0 = time.perf_counter()
    sim = _simulate(n)
    t_sim = time.perf_counter() - t0
    ratings = sim.ratings
    del sim
    fit = kc.calibrate.rater_effects  # import outside the timed, traced region
    t0, c0 = time.perf_counter(), time.process_time()
    fx = fit(ratings)
    t_fit, c_fit = time.perf_counter() - t0, time.process_time() - c0
    # peak memory from one extra, traced call: tracing slows this fit ~3x (measured at 100 k
    # pegawai: 12 s CPU traced vs 3.5-4.8 s untraced), so it must not be the timed one
    tracemalloc.start()
    fit(ratings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "n_pegawai": n,
        "n_penilaian": int(fx.info["n_penilaian"]),
        "n_pasangan": int(fx.info["n_pasangan"]),
        "n_penilai": len(fx.raters),
        "detik_simulasi": t_sim,
        "detik_fit": t_fit,
        "detik_cpu_fit": c_fit,
        "puncak_tracemalloc_mb": peak / 2**20,
        "puncak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "iterasi_lsmr": int(fx.info["iterasi_lsmr"]),
    }


def _blas_threads(n: int | None):
    from contextlib import nullcontext

    if not n:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n, user_api="blas")


def worker_peer(n: int, repeats: int, blas_threads: int | None = 1) -> dict:
    import statsmodels.formula.api as smf

    import kinerja_calib as kc

    r = _simulate(n).ratings
    r = r.astype({c: "string" for c in ("nip", "nip_penilai", "peran_penilai", "aspek")})
    d = r[r["peran_penilai"] != "diri"].reset_index(drop=True)
    ours, theirs = [], []
    formula = "nilai ~ C(nip) + C(nip_penilai) + C(peran_penilai) + C(aspek)"
    for _ in range(repeats):  # interleaved
        t0 = time.perf_counter()
        fx = kc.calibrate.rater_effects(r, shrinkage=None)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with _blas_threads(blas_threads):
            ols = smf.ols(formula, d).fit()
        theirs.append(time.perf_counter() - t0)

    def fitted(fx) -> np.ndarray:
        eff = fx.efek.set_index(["jenis", "tingkat"])["efek"]
        return (
            fx.ratees["skor_terkalibrasi"].reindex(d["nip"]).to_numpy()
            - fx.raters["keparahan"].reindex(d["nip_penilai"]).to_numpy()
            + eff.loc["peran_penilai"].reindex(d["peran_penilai"]).to_numpy()
            + eff.loc["aspek"].reindex(d["aspek"]).to_numpy()
        )

    # LSMR is iterative: the timed fit uses the default tolerance (1e-10); one untimed fit at
    # 1e-13 shows that the estimator itself equals OLS to rounding
    tight = kc.calibrate.rater_effects(r, shrinkage=None, tol=1e-13)
    ref = ols.fittedvalues.to_numpy()
    return {
        "n_pegawai": n,
        "n_penilaian": len(d),
        "n_kolom": len(ols.params),
        "detik_kita": statistics.median(ours),
        "detik_statsmodels": statistics.median(theirs),
        "maks_selisih_fitted": float(np.max(np.abs(fitted(fx) - ref))),
        "maks_selisih_fitted_tol13": float(np.max(np.abs(fitted(tight) - ref))),
    }


def _run(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument("--sizes", type=int, nargs="*", help="ratee counts for the scale run")
    ap.add_argument("--peer-sizes", type=int, nargs="*", help="ratee counts vs statsmodels")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads for statsmodels (0 = library default); ours always uses 1",
    )
    ap.add_argument("--worker", choices=["scale", "peer"], help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker == "scale":
        print(json.dumps(worker_scale(a.n)))
        return
    if a.worker == "peer":
        print(json.dumps(worker_peer(a.n, a.repeats, a.blas_threads)))
        return
    sizes = a.sizes or ([2_000, 20_000] if a.quick else [10_000, 100_000, 1_000_000])
    peer = a.peer_sizes or ([100, 150] if a.quick else [150, 300])
    print(
        f"# bench_calibrate — {platform.python_version()}, {platform.machine()}, "
        f"numpy {np.__version__}"
    )
    print(
        "\n## rater_effects vs statsmodels OLS fixed effects (same estimator, shrinkage=None; "
        f"statsmodels BLAS threads: {a.blas_threads or 'default'})"
    )
    print(
        f"{'pegawai':>8} {'penilaian':>10} {'kolom':>6} {'kita (s)':>9} {'statsmodels (s)':>16} "
        f"{'rasio':>7} {'maks |Δ fitted|':>16} {'… tol 1e-13':>12}"
    )
    for n in peer:
        if n <= 0:  # --peer-sizes 0 skips the comparison
            continue
        r = _run(
            [
                "--worker",
                "peer",
                "--n",
                str(n),
                "--repeats",
                str(a.repeats),
                "--blas-threads",
                str(a.blas_threads),
            ]
        )
        print(
            f"{r['n_pegawai']:>8,} {r['n_penilaian']:>10,} {r['n_kolom']:>6,} "
            f"{r['detik_kita']:>9.3f} {r['detik_statsmodels']:>16.3f} "
            f"{r['detik_statsmodels'] / r['detik_kita']:>6.0f}× {r['maks_selisih_fitted']:>16.1e} "
            f"{r['maks_selisih_fitted_tol13']:>12.1e}"
        )
    print("\n## rater_effects at scale (default: shrinkage auto, rater weighting)")
    print(
        f"{'pegawai':>10} {'penilaian':>12} {'pasangan':>11} {'penilai':>10} {'fit (s)':>8} "
        f"{'CPU (s)':>8} "
        f"{'tracemalloc (MB)':>17} {'RSS puncak (MB)':>16} {'iter':>5} {'simulasi (s)':>13}"
    )
    for n in (n for n in sizes if n > 0):  # --sizes 0: only the comparison
        r = _run(["--worker", "scale", "--n", str(n)])
        print(
            f"{r['n_pegawai']:>10,} {r['n_penilaian']:>12,} {r['n_pasangan']:>11,} "
            f"{r['n_penilai']:>10,} {r['detik_fit']:>8.1f} {r['detik_cpu_fit']:>8.1f} "
            f"{r['puncak_tracemalloc_mb']:>17,.0f} "
            f"{r['puncak_rss_mb']:>16,.0f} {r['iterasi_lsmr']:>5} {r['detik_simulasi']:>13.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
