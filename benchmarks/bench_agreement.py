"""Agreement statistics: kinerja_calib vs pingouin, krippendorff and statsmodels, same run.

Usage::

    .venv/bin/python benchmarks/bench_agreement.py            # 10 k, 100 k, 300 k, 1 M × 5
    .venv/bin/python benchmarks/bench_agreement.py --quick    # 2 k and 10 k only
    .venv/bin/python benchmarks/bench_agreement.py --markdown # also print a Markdown table

Each statistic is timed for ours and the peer alternately (interleaved), ``--repeats`` times,
and the median wall time is reported; peak memory of one extra call is measured with
``tracemalloc`` (numpy registers its buffers there). The peer gets its own input format,
prepared outside the timing (pingouin: long table; krippendorff: raters × units;
statsmodels: raw subjects × raters, so ``aggregate_raters``/``to_table`` are timed as part
of the peer since users must call them). A peer is skipped at a size where its previous
time × the size ratio would exceed ``--max-peer-seconds`` (default 120 s).

The α benchmark uses 10 % missing values; ICC, Fleiss κ and Cohen κ complete data
(pingouin drops incomplete subjects, statsmodels' ``aggregate_raters`` would turn NaN into
a category).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from _ukur import PeerBudget, peak_mb, timed

import kinerja_calib as kc

A = kc.agreement
warnings.filterwarnings("ignore")


def make_data(n: int, k: int = 5, p_missing: float = 0.0, seed: int = 2026) -> np.ndarray:
    """Integer ratings 1–5 from a latent-score model (subject + rater noise)."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1)) + rng.normal(scale=0.8, size=(n, k))
    x = np.clip(np.round(3 + latent), 1, 5)
    if p_missing:
        x[rng.random((n, k)) < p_missing] = np.nan
    return x


def compare(
    name: str,
    n: int,
    ours: Callable[[], float],
    peer: Callable[[], float] | None,
    repeats: int,
) -> dict:
    t_ours, t_peer = [], []
    v_ours = v_peer = np.nan
    for _ in range(repeats):
        dt, v_ours = timed(ours)
        t_ours.append(dt)
        if peer is not None:
            dt, v_peer = timed(peer)
            t_peer.append(dt)
    row = {
        "statistik": name,
        "n_subjek": n,
        "kami_s": statistics.median(t_ours),
        "pembanding_s": statistics.median(t_peer) if t_peer else np.nan,
        "kami_MB": peak_mb(ours),
        "pembanding_MB": peak_mb(peer) if peer is not None else np.nan,
        "selisih_maks": abs(float(v_ours) - float(v_peer)) if peer is not None else np.nan,
    }
    row["rasio"] = row["pembanding_s"] / row["kami_s"]
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only (2 k, 10 k)")
    ap.add_argument("--repeats", type=int, default=None, help="repeats per size (default 5/3)")
    ap.add_argument("--max-peer-seconds", type=float, default=120.0)
    ap.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = ap.parse_args()

    import krippendorff
    import pingouin as pg
    from statsmodels.stats import inter_rater as ir

    sizes = [2_000, 10_000] if args.quick else [10_000, 100_000, 300_000, 1_000_000]
    k = 5
    budget = PeerBudget(args.max_peer_seconds)
    rows = []

    for n in sizes:
        reps = args.repeats or (5 if n <= 100_000 else 3)
        full = make_data(n, k)
        gaps = make_data(n, k, p_missing=0.1)
        wide = pd.DataFrame(full)
        long = wide.rename_axis("s").reset_index().melt(id_vars="s", var_name="r", value_name="y")

        def icc_ours(w=wide):
            return A.icc(w).at["ICC2", "icc"]

        def icc_peer(lg=long):
            return pg.intraclass_corr(lg, targets="s", raters="r", ratings="y")["ICC"].iloc[1]

        def alpha_ours(x=gaps, level="interval"):
            return float(A.krippendorff_alpha(x, level))

        def alpha_peer(x=gaps, level="interval"):
            return krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)

        def fleiss_ours(x=full):
            return float(A.fleiss_kappa(x))

        def fleiss_peer(x=full):
            return ir.fleiss_kappa(ir.aggregate_raters(x)[0])

        def cohen_ours(x=full):
            return float(A.cohen_kappa(x[:, 0], x[:, 1], "quadratic"))

        def cohen_peer(x=full):
            table = ir.to_table(x[:, :2])[0]
            return ir.cohens_kappa(table, wt="quadratic", return_results=False)

        plan = [
            ("ICC (6 bentuk, F, p, CI) vs pingouin", icc_ours, icc_peer),
            ("alpha interval 10% hilang vs krippendorff", alpha_ours, alpha_peer),
            (
                "alpha ordinal 10% hilang vs krippendorff",
                lambda: alpha_ours(level="ordinal"),
                lambda: alpha_peer(level="ordinal"),
            ),
            ("Fleiss kappa vs statsmodels", fleiss_ours, fleiss_peer),
            ("Cohen kappa kuadratik vs statsmodels", cohen_ours, cohen_peer),
        ]
        for name, ours, peer in plan:
            use_peer = budget.allowed(name, n)
            row = compare(name, n, ours, peer if use_peer else None, reps)
            if use_peer:
                budget.record(name, n, row["pembanding_s"])
            rows.append(row)
            print(
                f"{name:45s} n={n:>9,d}  kami {row['kami_s']:8.4f} s  "
                f"pembanding {row['pembanding_s']:8.4f} s  rasio {row['rasio']:7.1f}x  "
                f"selisih {row['selisih_maks']:.1e}",
                flush=True,
            )

    table = pd.DataFrame(rows)
    print()
    print(
        f"Mesin: {platform.processor() or platform.machine()}, {os.cpu_count()} inti, "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"pingouin {pg.__version__}, krippendorff {getattr(krippendorff, '__version__', '?')}"
    )
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round({"kami_s": 4, "pembanding_s": 4, "kami_MB": 1, "pembanding_MB": 1,
                           "rasio": 1}).to_string(index=False))  # fmt: skip
    if args.markdown:
        print()
        print(table.to_markdown(index=False, floatfmt=".4g"))


if __name__ == "__main__":
    main()
