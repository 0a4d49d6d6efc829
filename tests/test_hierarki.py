"""The opt-in hierarchical rater prior and rater slopes of ``rater_effects`` (issue 16, ``_hierarki``).

Seeded planted designs: a group leniency (region B +0.6) and central-tendency raters (slope 0.4);
with both options off the result is exactly main's (values recorded from main at afe27df).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib.errors import ParameterError


def _planted_regions(seed=3, n=600, lenient=0.6, cross=0.1):
    """Two regions of n/2 pegawai; each rated by 4 raters of their region's pool (150 raters,
    ~8 ratees each), a share ``cross`` of ratings from the other region's pool; region B's
    raters are ``lenient`` more lenient; true scores do not differ by region."""
    rng = np.random.default_rng(seed)
    nip = np.array([f"P{i:04d}" for i in range(n)], dtype=object)
    region = (np.arange(n) >= n // 2).astype(int)
    truth = pd.Series(rng.normal(0, 0.5, n), index=nip)
    pool = 150
    rater_region = np.repeat(region, 4)
    other = rng.random(4 * n) < cross
    rater_region = np.where(other, 1 - rater_region, rater_region)
    rater_idx = rater_region * pool + rng.integers(0, pool, 4 * n)
    raters = np.array([f"R{j:04d}" for j in range(2 * pool)], dtype=object)
    lenience = rng.normal(0, 0.4, 2 * pool) + lenient * (np.arange(2 * pool) >= pool)
    ratee = np.repeat(np.arange(n), 4)
    k = 5
    y = 3 + truth.to_numpy()[ratee] + lenience[rater_idx] + rng.normal(0, 0.2, 4 * n)
    y = np.repeat(y, k) + rng.normal(0, 0.6, 4 * n * k)
    df = pd.DataFrame(
        {
            "nip": np.repeat(nip[ratee], k),
            "nip_penilai": np.repeat(raters[rater_idx], k),
            "peran_penilai": "rekan",
            "aspek": np.tile([f"a{i}" for i in range(k)], 4 * n),
            "nilai": y,
        }
    )
    groups = pd.Series(np.where(np.arange(2 * pool) >= pool, "B", "A"), index=raters)
    return df, truth, groups, pd.Series(region, index=nip)


def _planted_slopes(seed=5, n=400, n_raters=60, per=6, low=0.4):
    """Each pegawai rated by ``per`` of ``n_raters`` raters (~40 ratees each); half the raters
    use ``low`` of the scale (central tendency)."""
    rng = np.random.default_rng(seed)
    nip = np.array([f"P{i:04d}" for i in range(n)], dtype=object)
    truth = pd.Series(rng.normal(0, 0.6, n), index=nip)
    raters = np.array([f"R{j:03d}" for j in range(n_raters)], dtype=object)
    slope = np.where(np.arange(n_raters) % 2 == 0, low, 1.0)
    lenience = rng.normal(0, 0.3, n_raters)
    ratee = np.repeat(np.arange(n), per)
    rater = np.concatenate([rng.choice(n_raters, per, replace=False) for _ in range(n)])
    k = 5
    y = 3 + lenience[rater] + slope[rater] * truth.to_numpy()[ratee] + rng.normal(0, 0.1, n * per)
    y = np.repeat(y, k) + rng.normal(0, 0.4, n * per * k)
    df = pd.DataFrame(
        {
            "nip": np.repeat(nip[ratee], k),
            "nip_penilai": np.repeat(raters[rater], k),
            "peran_penilai": "rekan",
            "aspek": np.tile([f"a{i}" for i in range(k)], n * per),
            "nilai": y,
        }
    )
    return df, truth, pd.Series(slope, index=raters)


def _fit(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kc.calibrate.rater_effects(df, **kw)


def _gap(scores: pd.Series, region: pd.Series) -> float:
    reg = region.reindex(scores.index)
    return float(scores[reg == 1].mean() - scores[reg == 0].mean())


def test_options_off_is_main_exactly():
    df, *_ = _planted_regions()
    plain = _fit(df)
    off = _fit(df, kelompok_penilai=None, kemiringan=False)
    pd.testing.assert_frame_equal(plain.ratees, off.ratees, check_exact=True)
    pd.testing.assert_frame_equal(plain.raters, off.raters, check_exact=True)
    # recorded on this fixture (REML variance components below BATAS_REML, started from the
    # moments: their df weights of 2026-12-06 moved REML's stopping point by 3e-7; with
    # the moments, branch blup-kecil, 4.2507, 2.3117, 3.5284 / 0.5122, 0.6992, 0.8893, λ 2.711)
    assert plain.info["reml"] is True
    assert plain.ratees["skor_terkalibrasi"].iloc[:3].tolist() == pytest.approx(
        [4.2595665605744495, 2.313417782724051, 3.5313650012906685], abs=1e-9
    )
    assert plain.raters["keparahan"].iloc[:3].tolist() == pytest.approx(
        [0.520471680758151, 0.7074868710567326, 0.9052936676831641], abs=1e-9
    )
    assert plain.shrinkage == pytest.approx(2.336947706101811, rel=1e-7)
    assert "kelompok_penilai" not in plain.info and "kemiringan" not in plain.raters


def test_group_prior_recovers_planted_leniency():
    df, truth, groups, region = _planted_regions()
    base = _fit(df)
    hier = _fit(df, kelompok_penilai=groups)
    lenient = hier.info["kelompok_penilai"]
    # planted +0.6 (the drawn raters' own deviations shift it a little): estimated 0.590
    assert lenient["B"] - lenient["A"] == pytest.approx(0.590, abs=0.005)
    # the region gap of the scores (truth: none) goes from 0.055 to -0.008 (0.063 with the
    # moment components of the default before REML)
    assert _gap(base.ratees["skor_terkalibrasi"], region) == pytest.approx(0.055, abs=0.003)
    assert abs(_gap(hier.ratees["skor_terkalibrasi"], region)) < 0.01
    r = {
        k: float(np.corrcoef(f.ratees["skor_terkalibrasi"], truth.reindex(f.ratees.index))[0, 1])
        for k, f in (("base", base), ("hier", hier))
    }
    assert r["base"] == pytest.approx(0.9351, abs=5e-4)  # 0.9346 with the moments
    assert r["hier"] == pytest.approx(0.9354, abs=5e-4)  # 0.9352


def test_group_by_pegawai_column():
    df, _, groups, _ = _planted_regions()
    pegawai = pd.DataFrame(
        {"nip": groups.index, "kode_instansi": "X", "wilayah": groups.to_numpy()}
    )
    by_col = _fit(df, kelompok_penilai="wilayah", pegawai=pegawai)
    by_map = _fit(df, kelompok_penilai=groups)
    np.testing.assert_allclose(
        by_col.ratees["skor_terkalibrasi"], by_map.ratees["skor_terkalibrasi"], atol=1e-9
    )
    with pytest.raises(ParameterError):
        _fit(df, kelompok_penilai="wilayah")
    with pytest.raises(ParameterError):
        _fit(df, kelompok_penilai=groups, shrinkage=None)


def test_slopes_recover_planted_central_tendency():
    df, truth, slope = _planted_slopes()
    base = _fit(df)
    fx = _fit(df, kemiringan=True)
    est = fx.raters["kemiringan"]
    true = slope.reindex(est.index)
    assert float(np.corrcoef(est, true)[0, 1]) == pytest.approx(0.975, abs=0.002)
    # planted 0.4 / 1.0, i.e. 0.571 / 1.429 at mean 1; shrunk toward 1: 0.628 / 1.366
    means = est.groupby(true).mean()
    assert 0.95 < float(est.mean()) < 1.05  # slopes scaled to a weighted mean of 1
    assert means[0.4] == pytest.approx(0.628, abs=0.003)
    assert means[1.0] == pytest.approx(1.366, abs=0.003)
    r = {
        k: float(np.corrcoef(f.ratees["skor_terkalibrasi"], truth.reindex(f.ratees.index))[0, 1])
        for k, f in (("base", base), ("slopes", fx))
    }
    assert r["base"] == pytest.approx(0.9600, abs=5e-4)
    assert r["slopes"] == pytest.approx(0.9772, abs=5e-4)


def test_both_options_together():
    df, truth, groups, region = _planted_regions()
    fx = _fit(df, kelompok_penilai=groups, kemiringan=True)
    s = fx.ratees["skor_terkalibrasi"]
    assert np.isfinite(s).all() and np.isfinite(fx.raters["kemiringan"]).all()
    # no planted slopes here: the slope variance is estimated small (λ_s 221), so the group fit
    # barely moves: largest change 0.0107 (0.0092 with the moment components before REML)
    only_groups = _fit(df, kelompok_penilai=groups).ratees["skor_terkalibrasi"]
    assert float(np.max(np.abs(s - only_groups))) < 0.015
    assert abs(_gap(s, region)) < 0.01


def test_refined_fit_recomputes_the_triple_goal_score():
    """The options change the posterior means; ``skor_distribusi`` follows them (same ranks)."""
    df, _, _ = _planted_slopes()
    base = _fit(df).ratees
    fx = _fit(df, kemiringan=True).ratees
    moved = base["skor_terkalibrasi"].rank() != fx["skor_terkalibrasi"].rank()
    assert moved.sum() > 10  # the slopes reorder people, so a stale score would show
    assert (fx["skor_terkalibrasi"].rank() == fx["skor_distribusi"].rank()).all()
    df, _, groups, _ = _planted_regions()
    fx = _fit(df, kelompok_penilai=groups.to_dict()).ratees
    assert (fx["skor_terkalibrasi"].rank() == fx["skor_distribusi"].rank()).all()
