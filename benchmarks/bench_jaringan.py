"""Benchmark: which scores can be compared (issue 16) — the cost of the link strength beside the
fit it annotates, and what per-component centring does to the ordinal model.

* **Cost.** ``rater_effects(ratings)`` (components only, the peer in the same run) against
  ``rater_effects(ratings, pegawai=...)`` (plus the rater connectivity κ between units /
  instansi / wilayah: Gusfield's flow tree, ``calibrate/_jaringan.py``) on the simulator's
  default scenario, fitted as one network and per instansi (as the report does).
* **Ordinal centring.** The rating-scale Rasch generator of
  ``tests/test_calibrate_jaringan.py`` (two regions sharing no rater, the second region's
  pegawai 1 logit better): share of the true between-region gap in fair averages the fit
  keeps and r with the true fair averages, for per-component centring with estimated prior
  SDs (the default), global centring, and the former default (global, prior_sd = 3).

Figures (one run, 2026-12-05, 2 shared cores)::

    cost   6 000 pegawai (762 units): fit 0.3 s | + pegawai 1.0 s; 19.8 % comparable with the
           largest instansi (51 classes), weakest link κ 1; per instansi 3.5 % not comparable
          30 000 pegawai (3 770 units): fit 1.4 s | + pegawai 5.5 s; 7.0 % comparable
           (204 classes), weakest link κ 1; per instansi 2.9 % not comparable
    ordinal, seeds 0-3 (kept share of the gap / r with the true fair averages):
        component  0.85 0.84 0.89 0.71 / 0.956-0.959
        global     0.68 0.63 0.72 0.52 / 0.942-0.953
        former     0.46 0.47 0.55 0.41 / 0.901-0.935

The link strength costs about n − 1 minimum cuts per component of n groups (~1.5 ms each):
2-4x the fit when the pegawai table is given; the national run (``nasional``) fits without it.

Usage::

    python benchmarks/bench_jaringan.py            # ~40 s
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

import kinerja_calib as kc

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def cost(n: int, seed: int = 1) -> None:
    s = kc.simulate.Scenario(n_pegawai=n, n_instansi=max(6, n // 2000), kompak=True)
    sim = kc.simulate.simulate_ratings(s, seed=seed)
    t0 = time.perf_counter()
    kc.calibrate.rater_effects(sim.ratings)
    t1 = time.perf_counter()
    fx = kc.calibrate.rater_effects(sim.ratings, pegawai=sim.pegawai)
    t2 = time.perf_counter()
    units = sim.pegawai[["kode_instansi", "unit_kerja"]].drop_duplicates().shape[0]
    print(
        f"{n:>7} pegawai, {units} units: fit {t1 - t0:.1f} s | + pegawai {t2 - t1:.1f} s; "
        f"comparable {fx.ratees['dapat_dibandingkan'].mean():.3f}, "
        f"classes {fx.ratees['kelas_banding'].nunique()}, "
        f"weakest link {fx.info['kekuatan_hubungan']:.0f}"
    )
    inst = sim.pegawai.set_index(sim.pegawai["nip"].astype(str))["kode_instansi"]
    key = sim.ratings["nip"].astype(str).map(inst)
    out = n_all = 0
    for k, part in sim.ratings.groupby(key, observed=True):  # per instansi, as the report
        one = kc.calibrate.rater_effects(
            part, pegawai=sim.pegawai[sim.pegawai["kode_instansi"] == k]
        )
        out += int((~one.ratees["dapat_dibandingkan"]).sum())
        n_all += len(one.ratees)
    print(f"         per instansi: {out / n_all:.3f} of pegawai not comparable in their instansi")


def ordinal(seeds=range(4)) -> None:
    from test_calibrate_jaringan import _fair_gap, rasch_design

    variants = {
        "component": {},
        "global": {"centre": "global"},
        "former": {"centre": "global", "prior_sd": 3.0},
    }
    rows = {k: [] for k in variants}
    for seed in seeds:
        ratings, fair, _, wil = rasch_design(seed)
        for name, kw in variants.items():
            fx = kc.calibrate.rater_effects(ratings, method="ordinal", **kw)
            rows[name].append(_fair_gap(fx, fair, wil))
    for name, vals in rows.items():
        gap = " ".join(f"{g:.2f}" for g, _ in vals)
        r = [c for _, c in vals]
        print(f"  {name:<10} kept gap {gap} / r {min(r):.3f}-{max(r):.3f}")


def main() -> None:
    warnings.simplefilter("ignore", kc.calibrate.PeringatanKalibrasi)
    print("cost of the link strength (peer: the fit without pegawai, same run)")
    for n in (6000, 30000):
        cost(n)
    print("ordinal model, two regions sharing no rater, +1 logit planted")
    ordinal()
    print(f"numpy {np.__version__}")


if __name__ == "__main__":
    main()
