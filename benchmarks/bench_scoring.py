"""Scoring: kinerja_calib (vectorised) vs the row-by-row style of typical SKP apps, same run.

Usage::

    .venv/bin/python benchmarks/bench_scoring.py            # 100 k and 1 M values
    .venv/bin/python benchmarks/bench_scoring.py --quick    # 10 k and 100 k

The peer is the way public SKP/e-kinerja apps compute these numbers: one Python call per
employee (a dict lookup for the 6/2022 matrix, an if/elif ladder for the PermenPANRB 8/2021
nilai capaian IKI bands, a loop over units for the kurva check). Both sides get the same
input and must give the same answer (checked once per size). Ours and the peer are timed
alternately (interleaved), ``--repeats`` times; the median wall time is reported, and peak
memory of one extra call with ``tracemalloc``. ``score_workbook`` on ``data/samples`` is
timed alone (no peer scores whole workbooks). Never run from the test suite.

Reading the table: from plain Python lists of labels, the predikat lookup costs about the
same as a dict comprehension (converting the strings dominates); from the ordered
categoricals that ``score_workbook`` produces it is many times faster. The numeric band
ladder and the kurva check gain one to two orders of magnitude.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _ukur import peak_mb

import kinerja_calib as kc
from kinerja_calib import labels

ROOT = Path(__file__).resolve().parents[1]


def timed(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():  # interleaved
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


# ---- peers (row by row, as apps do it)
_MATRIX = {(h, p): kc.scoring.predikat(h, p) for h in labels.RATING for p in labels.RATING}


def peer_predikat(h: list, p: list) -> list:
    return [_MATRIX.get((a, b)) for a, b in zip(h, p, strict=True)]


def peer_nilai_iki(c: list) -> list:
    out = []
    for x in c:
        if x > 110:
            v = 120.0
        elif x >= 101:
            v = 110 + (120 - 110) / (110 - 101) * (x - 101)
        elif x >= 100:
            v = 109 + (x - 100)
        elif x >= 99:
            v = 89 + 20 * (x - 99)
        elif x >= 80:
            v = 70 + (89 - 70) / (99 - 80) * (x - 80)
        elif x >= 79:
            v = 69 + (x - 79)
        elif x >= 60:
            v = 50 + (69 - 50) / (79 - 60) * (x - 60)
        elif x >= 59:
            v = 49 + (x - 59)
        elif x >= 0:
            v = x / 59 * 49
        else:
            v = 0.0
        out.append(v)
    return out


def peer_kurva(df: pd.DataFrame, org: dict) -> int:
    """Count violated constraints unit by unit (loop over units and constraints)."""
    bad = 0
    cons = {o: kc.scoring.kurva_constraints(o).to_dict("records") for o in set(org.values())}
    for unit, sub in df.groupby("unit"):
        counts = sub["predikat"].value_counts()
        n = len(sub)
        for c in cons[org[unit]]:
            have = sum(int(counts.get(p, 0)) for p in c["predikat"])
            p = c["proporsi"]
            if c["jenis"] == "maks":
                limit = np.floor(p * n + 1e-9) if not np.isnan(p) else n
                bad += have > limit
            else:
                need = max(np.ceil(p * n - 1e-9) if not np.isnan(p) else 0, c["minimal_orang"])
                bad += have < need
    return bad


def run_size(n: int, rng: np.random.Generator, repeats: int) -> list[tuple]:
    """Time ours and the peer at one size (the closures bind this call's data)."""
    rows = []
    h = rng.choice(labels.RATING, size=n).tolist()
    p = rng.choice(labels.RATING, size=n).tolist()
    ours = kc.scoring.predikat(h, p)
    assert list(ours) == peer_predikat(h, p)
    t = timed(
        {"ours": lambda: kc.scoring.predikat(h, p), "peer": lambda: peer_predikat(h, p)},
        repeats,
    )
    rows.append(
        (
            "predikat, masukan list",
            n,
            t["ours"],
            t["peer"],
            peak_mb(lambda: kc.scoring.predikat(h, p)),
            peak_mb(lambda: peer_predikat(h, p)),
        )
    )
    # the format score_workbook passes along: ordered categoricals
    hc = pd.Series(pd.Categorical(h, categories=list(labels.RATING), ordered=True))
    pc = pd.Series(pd.Categorical(p, categories=list(labels.RATING), ordered=True))
    t = timed(
        {"ours": lambda: kc.scoring.predikat(hc, pc), "peer": lambda: peer_predikat(h, p)},
        repeats,
    )
    rows.append(
        (
            "predikat, masukan kategorikal",
            n,
            t["ours"],
            t["peer"],
            peak_mb(lambda: kc.scoring.predikat(hc, pc)),
            peak_mb(lambda: peer_predikat(h, p)),
        )
    )

    c = rng.uniform(0, 130, size=n)
    cl = c.tolist()
    np.testing.assert_allclose(kc.scoring.nilai_capaian_iki(c), peer_nilai_iki(cl))
    t = timed(
        {"ours": lambda: kc.scoring.nilai_capaian_iki(c), "peer": lambda: peer_nilai_iki(cl)},
        repeats,
    )
    rows.append(
        (
            "nilai_capaian_iki (8/2021)",
            n,
            t["ours"],
            t["peer"],
            peak_mb(lambda: kc.scoring.nilai_capaian_iki(c)),
            peak_mb(lambda: peer_nilai_iki(cl)),
        )
    )

    units = n // 50
    df = pd.DataFrame(
        {
            "unit": rng.integers(0, units, size=n),
            "predikat": rng.choice(labels.PREDIKAT, size=n, p=[0.02, 0.1, 0.1, 0.7, 0.08]),
        }
    )
    org = dict(zip(range(units), rng.choice(labels.PREDIKAT_ORGANISASI, size=units), strict=True))
    ours_n = len(kc.scoring.check_kurva(df, org, by="unit"))
    assert ours_n == peer_kurva(df, org)
    t = timed(
        {
            "ours": lambda: kc.scoring.check_kurva(df, org, by="unit"),
            "peer": lambda: peer_kurva(df, org),
        },
        max(1, repeats // 2),
    )
    rows.append(
        (
            f"check_kurva ({units} unit)",
            n,
            t["ours"],
            t["peer"],
            peak_mb(lambda: kc.scoring.check_kurva(df, org, by="unit")),
            peak_mb(lambda: peer_kurva(df, org)),
        )
    )

    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark penilaian (scoring).")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    sizes = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    rng = np.random.default_rng(2026)
    rows = [r for n in sizes for r in run_size(n, rng, args.repeats)]
    out = pd.DataFrame(
        rows, columns=["fungsi", "n", "kita_s", "pembanding_s", "kita_MB", "pembanding_MB"]
    )
    out["percepatan"] = out["pembanding_s"] / out["kita_s"]
    print("Penilaian: vektor (kinerja_calib) vs baris demi baris (gaya aplikasi SKP)")
    print(out.to_string(index=False, float_format=lambda x: f"{x:.4g}"))

    samples = ROOT / "data" / "samples"
    if (samples / "pegawai.csv").exists():
        wb = kc.load_workbook(samples)
        t = timed(
            {"score": lambda: kc.score_workbook(wb), "compare": lambda: kc.compare_regimes(wb)},
            args.repeats,
        )
        print()
        print(
            f"score_workbook pada data/samples ({len(wb.pegawai)} pegawai, "
            f"{len(wb.penilaian_360)} baris 360): median {t['score']:.3f} s; "
            f"compare_regimes: {t['compare']:.3f} s; puncak memori "
            f"{peak_mb(lambda: kc.score_workbook(wb)):.0f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
