"""Rater-consistency weights with an empirical-Bayes prior (κ) and the blended σ²_int (issue 16)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from kinerja_calib.calibrate import rater_effects


def _units(seed: int, erratic: float = 0.0, n: int = 1200, k: int = 7):
    """Units of 12: the atasan rates the unit, 3 rekan from the unit; ``erratic`` of the raters
    rate with 3× the noise SD. Returns the long ratings, the truth and the erratic raters."""
    rng = np.random.default_rng(seed)
    unit = np.arange(n) // 12
    ratee = [np.arange(n)]
    rater = [np.array([f"A{u:04d}" for u in unit], object)]
    for _ in range(3):
        peer = unit * 12 + rng.integers(0, 12, n)
        peer = np.where(peer == np.arange(n), unit * 12 + (peer - unit * 12 + 1) % 12, peer)
        ratee.append(np.arange(n))
        rater.append(np.array([f"P{p:05d}" for p in peer], object))
    ratee, rater = np.concatenate(ratee), np.concatenate(rater)
    ids = np.array([f"N{i:05d}" for i in range(n)], object)
    truth = pd.Series(rng.normal(0, 0.5, n), index=ids)
    uniq = pd.unique(rater)
    b = pd.Series(rng.normal(0, 0.5, len(uniq)), index=uniq)
    sd = pd.Series(np.where(rng.random(len(uniq)) < erratic, 2.4, 0.8), index=uniq)
    rr, jj = np.repeat(ratee, k), np.repeat(rater, k)
    y = (
        3.0
        + truth.to_numpy()[rr]
        + np.repeat(b.reindex(rater).to_numpy() + rng.normal(0, 0.3, len(ratee)), k)
        + rng.normal(0, 1, len(rr)) * sd.reindex(jj).to_numpy()
    )
    df = pd.DataFrame(
        {
            "nip": ids[rr],
            "nip_penilai": jj,
            "peran_penilai": np.where(pd.Series(jj).str.startswith("A"), "atasan", "rekan"),
            "aspek": np.tile([f"a{i}" for i in range(k)], len(ratee)),
            "nilai": y,
        }
    )
    return df, truth, sd[sd > 1].index


def _fit(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rater_effects(df, **kw)


def _r(fx, truth):
    s = fx.ratees["skor_terkalibrasi"]
    return float(np.corrcoef(s, truth.reindex(s.index))[0, 1])


def test_equally_consistent_raters_get_no_weights():
    df, truth, _ = _units(1)
    fx, plain = _fit(df), _fit(df, bobot_penilai=False)
    assert fx.info["kappa_bobot_penilai"] == 1e9  # no heterogeneity beyond sampling
    np.testing.assert_allclose(
        fx.ratees["skor_terkalibrasi"], plain.ratees["skor_terkalibrasi"], atol=1e-6
    )


def test_erratic_raters_are_down_weighted_and_the_scores_gain():
    df, truth, erratic = _units(2, erratic=0.25)
    fx, plain = _fit(df), _fit(df, bobot_penilai=False)
    kappa = fx.info["kappa_bobot_penilai"]
    # recorded with REML components (1,200 pegawai: the sparse REML); with the moments the
    # figures were κ 15.24, weights 0.902 / 1.074, r 0.8194 against 0.8026
    assert fx.info["reml"] is True
    assert kappa == pytest.approx(16.17, abs=0.01)  # at least KAPPA_MIN = 10
    w = pd.Series(fx.info["bobot_relatif_penilai"], index=fx.raters.index)
    is_err = w.index.isin(erratic)
    # mean relative weight 0.90 (erratic) vs 1.07 (the others)
    assert w[is_err].mean() == pytest.approx(0.904, abs=0.002)
    assert w[~is_err].mean() == pytest.approx(1.069, abs=0.002)
    # r with the truth 0.8179 against 0.8016 unweighted
    assert _r(fx, truth) == pytest.approx(0.8179, abs=5e-4)
    assert _r(plain, truth) == pytest.approx(0.8016, abs=5e-4)


def _small_org(seed: int, n: int = 300, k: int = 7):
    """One organisation of 300: an atasan rates 5, two rekan per pegawai from pools whose
    members rate 1–2 people (15–17 % residual df: below the 20 % of ``AMBANG_DF_SISA``)."""
    rng = np.random.default_rng(seed)
    ratee = [np.arange(n)]
    rater = [np.array([f"A{i // 5:04d}" for i in range(n)], object)]
    for r in range(2):
        owner = np.repeat(np.arange(n), rng.integers(1, 3, n))[:n]
        ratee.append(rng.permutation(n))
        rater.append(np.array([f"R{r}{j:04d}" for j in owner], object))
    ratee, rater = np.concatenate(ratee), np.concatenate(rater)
    ids = np.array([f"N{i:04d}" for i in range(n)], object)
    truth = pd.Series(rng.normal(0, 0.5, n), index=ids)
    uniq = pd.unique(rater)
    b = pd.Series(rng.normal(0, 0.5, len(uniq)), index=uniq)
    rr, jj = np.repeat(ratee, k), np.repeat(rater, k)
    y = (
        3.0
        + truth.to_numpy()[rr]
        + np.repeat(b.reindex(rater).to_numpy() + rng.normal(0, 0.3, len(ratee)), k)
        + rng.normal(0, 0.8, len(rr))
    )
    df = pd.DataFrame(
        {
            "nip": ids[rr],
            "nip_penilai": jj,
            "peran_penilai": np.where(pd.Series(jj).str.startswith("A"), "atasan", "rekan"),
            "aspek": np.tile([f"a{i}" for i in range(k)], len(ratee)),
            "nilai": y,
        }
    )
    return df, truth


def test_small_organisation_blends_the_interaction_variance():
    """Between 0 and 20 % residual df σ²_int is a blend of the residual and moment estimates;
    over ten such organisations the log-λ RMSE around the true 5.08 is 0.234, median λ 5.28
    (with the moments' former pairwise weights 0.229 and 5.23; the moments alone, the former
    rule below 20 %: 0.242, 5.11). The default at this size (300 pegawai, 455 penilai: below
    ``BATAS_REML``) is REML: log-λ RMSE 0.184, median 5.09."""
    lams = {"moments": [], "auto": []}
    for seed in range(10):
        df, truth = _small_org(seed)
        for vc in lams:
            fx = _fit(df, bobot_penilai=False, varcomp=vc)
            assert fx.info["peringatan"] and "derajat bebas" in fx.info["peringatan"][0]
            assert fx.info["reml"] is (vc == "auto")
            lams[vc].append(fx.shrinkage)
    mom, reml = np.array(lams["moments"]), np.array(lams["auto"])
    assert float(np.median(mom)) == pytest.approx(5.284, abs=0.005)
    assert float(np.sqrt(np.mean(np.log(mom / 5.08) ** 2))) == pytest.approx(0.2336, abs=0.001)
    assert float(np.median(reml)) == pytest.approx(5.086, abs=0.005)
    assert float(np.sqrt(np.mean(np.log(reml / 5.08) ** 2))) == pytest.approx(0.1837, abs=0.001)
