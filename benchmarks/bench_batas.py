"""Benchmark: the linear limit of rater calibration (issue 16) — how much of the attainable gain
``rater_effects`` reaches.

Five seeded scenarios from a generator independent of ``kc.simulate`` (continuous ratings,
7 aspects per (ratee, rater) pair; rating = 3 + aspect + role + rater leniency + slope × true
score + pair interaction + noise):

* ``bawaan``: 3,000 pegawai in units of 12; an atasan rates the whole unit, 3 rekan from the
  unit and 1 from another unit (the link); σ_pegawai 0.5, σ_penilai 0.5, interaction 0.3,
  noise 0.8 per aspect rating;
* ``jarang``: 1 atasan (rating 3) + 1 rekan (rating 2) per pegawai, raters from outside;
* ``unit kecil``: ten organisations of 300, each fitted on its own (as the report fits each
  instansi); an atasan rates 5, two rekan per pegawai drawn from a pool whose members rate
  1–2 people;
* ``sentral``: the ``bawaan`` design with 30 % of the raters using 0.5 of the scale (slope 0.5:
  central tendency);
* ``dua wilayah``: the ``bawaan`` design split into two regions; region B's raters are +0.5
  more lenient (the true scores do not differ); 5 % of the cross-unit links cross regions.

Estimators: ``mentah`` (raw mean), ``bawaan`` (``rater_effects`` default), ``tanpa bobot
penilai`` (``bobot_penilai=False``), ``λ benar`` (``rater_effects`` given the true λ and
λ_pegawai, no rater weights: the same estimator as BLUP-benar through our solver), ``OLS``
(``shrinkage=None``), the options of this issue (``kelompok_penilai`` by region / unit,
``kemiringan``), ``BLUP-benar`` — the mixed-model equations solved with the generator's *true*
variance components (rater and ratee effects random, role fixed, pair error σ²_int + σ²_w / n):
the best any linear estimator of this model can do — and ``oracle`` (true rater leniency
removed from every rating; in ``sentral`` also ``oracle+kemiringan``, the slopes known).
Reported: r with the true score, RMSE (after centring both), spread (SD of the estimate / SD
of the truth) and the share of gain ``(r − r_mentah) / (r_ref − r_mentah)`` for ref = BLUP-benar
and the oracle. In ``dua wilayah`` also ``BLUP-benar+wilayah``: the region as a fixed rater
effect plus raters random around it with the true within-region variance (the limit of the
hierarchical prior), and the calibrated B − A gap. The peer: statsmodels MixedLM (crossed
random effects, REML, on pair means) on a 150-ratee subset of three scenarios, beside the
default and BLUP-benar on the same subset (the first and last 75 pegawai: whole units, one half
per region in ``dua wilayah``; MixedLM's time grows fast with the rows — 150 ratees already take
20–30 s each on 2 shared cores, so the ~300 of the issue would exceed the benchmark's budget).

Figures (one run, 2026-12-05 12:53 UTC, mean of seeds 1–3, ``--tanpa-mixedlm``): share of the
BLUP-benar gain reached by the default 0.997 / 0.999 / 0.942 / 0.988 / 0.950 (bawaan / jarang /
unit kecil / sentral / dua wilayah); without rater weights 1.006 / 0.999 / 0.950 / 1.008 /
0.962; given the true λ 1.006 / 1.000 / 0.981 / 1.006 / 1.007. Before the empirical-Bayes κ of
the rater weights and the blended σ²_int (branch blup-kecil) the default reached 0.973 / 0.949 /
0.861 / 0.948 / 0.932. REML variance components below ``BATAS_REML`` (branch reml, one run
2026-12-05 16:17 UTC, same seeds and flags): 0.997 / 0.999 / 0.951 / 0.988 / 0.950 — ``unit
kecil`` (its organisations are below the limit) from 0.942 to 0.951 (seed minimum 0.909 →
0.923; without rater weights 0.950 → 0.960), 0.81 s for its ten fits against 0.25 s; the
other four scenarios are above the limit and unchanged. On ``kc.simulate`` (3,000 pegawai, seeds 1–4) r with the truth is
0.7839 against 0.7838 (κ stays 10–15 there). BLUP-benar itself reaches 0.51–0.76 of the
oracle's gain. ``kelompok_penilai`` by region: r 0.909 vs 0.885 in dua wilayah (hierarchical
BLUP 0.913); by unit it loses where there is no group leniency (0.909 vs 0.915, 0.868 vs
0.880). ``kemiringan``: equal to the default without planted slopes, 0.882 vs 0.880 in sentral.

Usage::

    python benchmarks/bench_batas.py            # ~1-2 min on 2 shared cores
    python benchmarks/bench_batas.py --tanpa-mixedlm
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import spsolve

K = 7
SD_A, SD_B, SD_INT, SD_W = 0.5, 0.5, 0.3, 0.8


# ---------------------------------------------------------------------------------------------
# the generator (independent of kc.simulate)
# ---------------------------------------------------------------------------------------------


def _ratings(rng, ratee, rater, role, truth, b, slope, ratee_ids):
    """Long table of K aspect ratings per (ratee, rater) pair."""
    npair = len(ratee)
    role_eff = np.where(role == "atasan", -0.1, 0.05)
    asp = np.linspace(-0.2, 0.2, K)
    mean = (
        3.0
        + role_eff
        + b.reindex(rater).to_numpy()
        + slope.reindex(rater).to_numpy() * truth.to_numpy()[ratee]
        + rng.normal(0, SD_INT, npair)
    )
    y = np.repeat(mean, K) + np.tile(asp, npair) + rng.normal(0, SD_W, npair * K)
    return pd.DataFrame(
        {
            "nip": np.repeat(ratee_ids[ratee], K),
            "nip_penilai": np.repeat(rater, K),
            "peran_penilai": np.repeat(role, K),
            "aspek": np.tile([f"aspek{k}" for k in range(K)], npair),
            "nilai": y,
        }
    )


def _unit_design(rng, n, unit_size=12, n_rekan=3, regions=1, cross_region=0.05):
    """Pairs (ratee, rater id, role, rater region) of the unit design."""
    ids = np.array([f"P{i:05d}" for i in range(n)], dtype=object)
    unit = np.arange(n) // unit_size
    n_unit = unit.max() + 1
    region_of_unit = (np.arange(n_unit) * regions) // n_unit
    ratee, rater = [np.arange(n)], [np.array([f"K{u:04d}" for u in unit], object)]
    role = [np.full(n, "atasan", object)]
    starts = np.searchsorted(unit, np.arange(n_unit))
    size = np.bincount(unit)
    for r in range(n_rekan):  # colleagues in the unit (not oneself)
        off = 1 + (r + rng.integers(0, size[unit] - 1)) % (size[unit] - 1)
        peer = starts[unit] + ((np.arange(n) - starts[unit]) + off) % size[unit]
        ratee.append(np.arange(n))
        rater.append(ids[peer])
        role.append(np.full(n, "rekan", object))
    # one link per pegawai: a colleague from another unit (same region, or across w.p. cross)
    other = rng.integers(0, n, n)
    if regions > 1:
        reg = region_of_unit[unit]
        same = rng.random(n) >= cross_region
        pool = [np.flatnonzero(reg == g) for g in range(regions)]
        draw = rng.integers(0, n, n)
        cand = np.array([pool[g][draw % len(pool[g])] for g in range(regions)])  # (regions, n)
        other = np.where(same, cand[reg, np.arange(n)], other)
    other = np.where(unit[other] == unit, (other + unit_size) % n, other)
    ratee.append(np.arange(n))
    rater.append(ids[other])
    role.append(np.full(n, "rekan", object))
    rater = np.concatenate(rater)
    ratee = np.concatenate(ratee)
    region = {f"K{u:04d}": region_of_unit[u] for u in range(n_unit)}
    region.update({ids[i]: region_of_unit[unit[i]] for i in range(n)})
    unit_of = {f"K{u:04d}": u for u in range(n_unit)}
    unit_of.update({ids[i]: unit[i] for i in range(n)})
    return ids, ratee, rater, np.concatenate(role), region, unit_of


def scenario(name: str, seed: int = 1) -> dict:
    """One scenario: ratings, truth, the true rater effects and variance components."""
    rng = np.random.default_rng(seed)
    groups = None
    org = None
    if name in ("bawaan", "sentral", "dua wilayah"):
        n = 3000
        regions = 2 if name == "dua wilayah" else 1
        ids, ratee, rater, role, region, unit_of = _unit_design(rng, n, regions=regions)
        groups = pd.Series(region)
        unit_groups = pd.Series(unit_of)
    elif name == "jarang":
        n = 3000
        ids = np.array([f"P{i:05d}" for i in range(n)], dtype=object)
        atasan = np.array([f"A{i // 3:05d}" for i in range(n)], object)
        rekan = np.array([f"R{j:05d}" for j in rng.permutation(np.arange(n) // 2)], object)
        ratee = np.concatenate([np.arange(n), np.arange(n)])
        rater = np.concatenate([atasan, rekan])
        role = np.repeat(np.array(["atasan", "rekan"], object), n)
        unit_groups = None
    elif name == "unit kecil":
        n, per = 3000, 300
        ids = np.array([f"P{i:05d}" for i in range(n)], dtype=object)
        org = np.arange(n) // per
        atasan = np.array([f"A{i // 5:05d}" for i in range(n)], object)
        parts_ratee, parts_rater = [np.arange(n)], [atasan]
        for r in range(2):
            # each pool member rates 1 or 2 pegawai of the same organisation
            sizes = rng.integers(1, 3, n)
            owner = np.repeat(np.arange(n), sizes)[:n]
            perm = np.concatenate([rng.permutation(per) + o * per for o in range(n // per)])
            parts_ratee.append(perm)
            parts_rater.append(np.array([f"R{r}{j:05d}" for j in owner], object))
        ratee = np.concatenate(parts_ratee)
        rater = np.concatenate(parts_rater)
        role = np.repeat(np.array(["atasan", "rekan", "rekan"], object), n)
        unit_groups = None
    else:
        raise ValueError(name)
    truth = pd.Series(rng.normal(0, SD_A, n), index=ids)
    uniq = pd.unique(rater)
    u = rng.normal(0, SD_B, len(uniq))
    group_eff = np.zeros(len(uniq))
    if name == "dua wilayah":
        group_eff = 0.5 * groups.reindex(uniq).to_numpy()
    b = pd.Series(u + group_eff, index=uniq)
    slope = pd.Series(1.0, index=uniq)
    if name == "sentral":
        slope[:] = np.where(rng.random(len(uniq)) < 0.3, 0.5, 1.0)
    df = _ratings(rng, ratee, rater, role, truth, b, slope, ids)
    s2_b = SD_B**2 + (float(np.var(group_eff)) if name == "dua wilayah" else 0.0)
    return {
        "name": name,
        "ratings": df,
        "truth": truth,
        "b": b,
        "slope": slope,
        "groups": groups,
        "unit_groups": unit_groups,
        "org": None if org is None else pd.Series(org, index=ids),
        "vc": {
            "s2_a": SD_A**2,
            "s2_b": s2_b,
            "s2_u": SD_B**2,
            "s2_int": SD_INT**2,
            "s2_w": SD_W**2,
        },
    }


# ---------------------------------------------------------------------------------------------
# the limit and the oracle
# ---------------------------------------------------------------------------------------------


def blup_true(df: pd.DataFrame, vc: dict, groups: pd.Series | None = None) -> pd.Series:
    """Ratee BLUPs from the mixed-model equations with the true variance components.

    Pair means ``z = μ + role + a_i + b_j + e`` with ``Var e = σ²_int + σ²_w / n``; ratee and
    rater effects random (σ²_a, σ²_b), intercept and role fixed. With ``groups`` (rater →
    group) a fixed group effect is added and the raters are random around it with σ²_u.
    Aspects cancel in the pair means (every pair rates every aspect).
    """
    pm = df.groupby(["nip", "nip_penilai", "peran_penilai"], sort=False)["nilai"].agg(
        ["mean", "size"]
    )
    pm = pm.reset_index()
    ratee, ratee_ids = pd.factorize(pm["nip"])
    rater, rater_ids = pd.factorize(pm["nip_penilai"])
    role, _ = pd.factorize(pm["peran_penilai"])
    na, nb, npair = len(ratee_ids), len(rater_ids), len(pm)
    rows = np.arange(npair)
    blocks = [
        sparse.csr_matrix((np.ones(npair), (rows, ratee)), shape=(npair, na)),
        sparse.csr_matrix((np.ones(npair), (rows, rater)), shape=(npair, nb)),
        sparse.csr_matrix(np.ones((npair, 1))),
    ]
    nrole = role.max() + 1
    if nrole > 1:
        blocks.append(
            sparse.csr_matrix((np.ones(npair), (rows, role)), shape=(npair, nrole))[:, 1:]
        )
    s2_b = vc["s2_b"]
    if groups is not None:
        g, _ = pd.factorize(groups.reindex(rater_ids).to_numpy())
        ng = g.max() + 1
        blocks.append(
            sparse.csr_matrix((np.ones(npair), (rows, g[rater])), shape=(npair, ng))[:, 1:]
        )
        s2_b = vc["s2_u"]
    X = sparse.hstack(blocks).tocsr()
    w = 1.0 / (vc["s2_int"] + vc["s2_w"] / pm["size"].to_numpy())
    pen = np.zeros(X.shape[1])
    pen[:na] = 1.0 / vc["s2_a"]
    pen[na : na + nb] = 1.0 / s2_b
    XtW = X.T.multiply(w).tocsr()
    C = (XtW @ X + sparse.diags(pen)).tocsc()
    sol = spsolve(C, XtW @ pm["mean"].to_numpy())
    return pd.Series(sol[:na], index=ratee_ids)


def oracle(sc: dict, slopes: bool = False) -> pd.Series:
    """Mean rating with the true rater leniency removed (and, with ``slopes``, each rating
    divided back by the rater's true slope: a weighted least-squares fit of the true score)."""
    df = sc["ratings"]
    z = df["nilai"].to_numpy() - sc["b"].reindex(df["nip_penilai"]).to_numpy()
    if not slopes:
        return pd.Series(z, index=df["nip"]).groupby(level=0).mean()
    s = sc["slope"].reindex(df["nip_penilai"]).to_numpy()
    num = pd.Series(s * (z - 3.0), index=df["nip"]).groupby(level=0).sum()
    den = pd.Series(s * s, index=df["nip"]).groupby(level=0).sum()
    return num / den


# ---------------------------------------------------------------------------------------------
# the estimators and the table
# ---------------------------------------------------------------------------------------------


def _fit(df: pd.DataFrame, org: pd.Series | None, **kw) -> pd.Series:
    import kinerja_calib as kc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if org is None:
            return kc.calibrate.rater_effects(df, **kw).ratees["skor_terkalibrasi"]
        parts = []
        for _, part in df.groupby(org.reindex(df["nip"]).to_numpy()):
            parts.append(kc.calibrate.rater_effects(part, **kw).ratees["skor_terkalibrasi"])
        return pd.concat(parts)


def _stats(est: pd.Series, truth: pd.Series) -> dict:
    e = est.reindex(truth.index).to_numpy()
    t = truth.to_numpy()
    r = float(np.corrcoef(e, t)[0, 1])
    rmse = float(np.sqrt(np.mean(((e - e.mean()) - (t - t.mean())) ** 2)))
    return {"r": r, "rmse": rmse, "sebaran": float(np.std(e) / np.std(t))}


def _options(sc: dict) -> dict:
    """The issue's options, where the installed package has them."""
    import inspect

    import kinerja_calib as kc

    params = inspect.signature(kc.calibrate.rater_effects).parameters
    out = {}
    if "kelompok_penilai" in params:
        if sc["groups"] is not None and sc["groups"].nunique() > 1:
            out["kelompok=wilayah"] = {"kelompok_penilai": sc["groups"]}
        if sc["unit_groups"] is not None:
            out["kelompok=unit"] = {"kelompok_penilai": sc["unit_groups"]}
    if "kemiringan" in params:
        out["kemiringan"] = {"kemiringan": True}
    return out


def run(name: str, seed: int = 1) -> list[dict]:
    sc = scenario(name, seed)
    df, truth, org = sc["ratings"], sc["truth"], sc["org"]
    rows = {}
    t0 = time.perf_counter()
    rows["mentah"] = df.groupby("nip")["nilai"].mean()
    times = {}
    fits = {
        "bawaan": {},
        "tanpa bobot penilai": {"bobot_penilai": False},
        "OLS": {"shrinkage": None},
    }
    vc = sc["vc"]
    s2_eff = vc["s2_w"] + K * vc["s2_int"]  # one rating's error, as rater_effects counts it
    fits["λ benar"] = {
        "bobot_penilai": False,
        "shrinkage": s2_eff / vc["s2_b"],
        "shrinkage_pegawai": s2_eff / vc["s2_a"],
    }
    for label, kw in {**fits, **_options(sc)}.items():
        t0 = time.perf_counter()
        rows[label] = _fit(df, org, **kw)
        times[label] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows["BLUP-benar"] = blup_true(df, sc["vc"])
    times["BLUP-benar"] = time.perf_counter() - t0
    if name == "dua wilayah":
        rows["BLUP-benar+wilayah"] = blup_true(df, sc["vc"], sc["groups"])
    rows["oracle"] = oracle(sc)
    if name == "sentral":
        rows["oracle+kemiringan"] = oracle(sc, slopes=True)
    stats = {k: _stats(v, truth) for k, v in rows.items()}
    r_raw, r_blup, r_or = (stats[k]["r"] for k in ("mentah", "BLUP-benar", "oracle"))
    out = []
    for k, s in stats.items():
        row = {
            "skenario": name,
            "penaksir": k,
            **s,
            "bagian_BLUP": (s["r"] - r_raw) / (r_blup - r_raw),
            "bagian_oracle": (s["r"] - r_raw) / (r_or - r_raw),
            "t (s)": times.get(k, np.nan),
        }
        if name == "dua wilayah":
            reg = sc["groups"].reindex(rows[k].index)
            est = rows[k]
            row["selisih B−A"] = float(est[reg == 1].mean() - est[reg == 0].mean())
        out.append(row)
    return out


def peer(name: str, n_sub: int = 150, seed: int = 1) -> dict:
    """MixedLM (REML) on a subset beside the default and BLUP-benar on the same subset."""
    from bench_varcomp import _mixedlm  # the peer as bench_varcomp runs it

    sc = scenario(name, seed)
    df, truth = sc["ratings"], sc["truth"]
    # the first and last n_sub / 2 pegawai (whole units; in "dua wilayah" one half per region)
    keep = truth.index[: n_sub // 2].append(truth.index[-(n_sub - n_sub // 2) :])
    sub = df[df["nip"].isin(keep)]
    t_sub = truth.reindex(pd.unique(sub["nip"]))
    raw = _stats(sub.groupby("nip")["nilai"].mean(), t_sub)["r"]
    t0 = time.perf_counter()
    dflt = _stats(_fit(sub, None), t_sub)["r"]
    t_d = time.perf_counter() - t0
    blup = _stats(blup_true(sub, sc["vc"]), t_sub)["r"]
    ml = _mixedlm(sub, t_sub)
    return {
        "skenario": name,
        "n_sub": len(t_sub),
        "r mentah": raw,
        "r bawaan": dflt,
        "r MixedLM": ml["r"],
        "r BLUP-benar": blup,
        "bagian_BLUP bawaan": (dflt - raw) / (blup - raw),
        "bagian_BLUP MixedLM": (ml["r"] - raw) / (blup - raw),
        "t bawaan (s)": t_d,
        "t MixedLM (s)": ml["t"],
    }


SCENARIOS = ["bawaan", "jarang", "unit kecil", "sentral", "dua wilayah"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Batas linear kalibrasi penilai (issue 16).")
    ap.add_argument("--tanpa-mixedlm", action="store_true", help="lewati pembanding statsmodels")
    ap.add_argument("--quick", action="store_true", help="(sama; ukuran sudah kecil)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", type=int, nargs="*", default=[2, 3], help="seed tambahan (rerata)")
    args = ap.parse_args(argv)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    t0 = time.process_time()
    rows = [row for name in SCENARIOS for row in run(name, args.seed)]
    tab = pd.DataFrame(rows).set_index(["skenario", "penaksir"])
    print(f"# bench_batas — seed {args.seed}, 3.000 pegawai per skenario, {K} aspek per pasangan")
    print()
    print(tab.round(3).to_string())
    if args.seeds:
        more = [row for seed in args.seeds for name in SCENARIOS for row in run(name, seed)] + rows
        rep = pd.DataFrame(more).groupby(["skenario", "penaksir"], sort=False)
        seeds = sorted({args.seed, *args.seeds})
        print()
        print(f"## rerata seed {', '.join(map(str, seeds))}: r dan bagian dari gain BLUP-benar")
        summ = rep[["r", "bagian_BLUP"]].agg(["mean", "min", "max"])
        summ.columns = [f"{a} {b}" for a, b in summ.columns]
        print(summ.round(3).to_string())
    if not args.tanpa_mixedlm:
        print()
        print("## pembanding: statsmodels MixedLM (REML, efek acak bersilang) pada subset")
        peers = [peer(name, seed=args.seed) for name in ("bawaan", "jarang", "dua wilayah")]
        print(pd.DataFrame(peers).set_index("skenario").round(3).to_string())
    print(f"\nCPU total {time.process_time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
