"""Variance components of ``rater_effects`` (issue 16): unbiased moments, warnings, user λ.

The moment estimator (``calibrate/_varcomp.py``, Henderson-type ANOVA moments) replaces the
components taken from the residuals of the fixed-effects fit, which collapsed when no residual
degrees of freedom were left (λ → 0, the default silently turned into OLS).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _reference import require

from kinerja_calib.calibrate import PeringatanKalibrasi, rater_effects
from kinerja_calib.simulate import sparse_design
from kinerja_calib.simulate._design import SPARSE_DESIGN_ASPEK as ASPEK

#: True components of :func:`_crossed`: σ²_pegawai, σ²_penilai, σ²_int (rater × ratee), σ²_w.
S2 = {"pegawai": 1.0, "penilai": 0.36, "penilai_x_pegawai": 0.09, "galat": 0.5}
#: Standard deviation of each estimate over 30 seeded replicates (seeds 0–29) of the default
#: :func:`_crossed` design, measured once (means 0.993, 0.365, 0.090, 0.499 — no visible
#: bias); σ²_eff: mean 0.858, SD 0.015; λ: SD ≈ 0.19 (20 seeds).
SD = {"pegawai": 0.030, "penilai": 0.028, "penilai_x_pegawai": 0.0039, "galat": 0.0039}


def _crossed(seed, n_ratee=2000, n_rater=400, per_ratee=5, k=4):
    """Connected crossed design: each ratee rated by ``per_ratee`` distinct raters (one atasan,
    the rest rekan, +0.3 atasan effect), ``k`` aspects per pair with fixed aspect effects."""
    rng = np.random.default_rng(seed)
    a = rng.normal(0, np.sqrt(S2["pegawai"]), n_ratee)
    b = rng.normal(0, np.sqrt(S2["penilai"]), n_rater)
    start = rng.integers(0, n_rater, n_ratee)
    rater = ((start[:, None] + np.arange(per_ratee) * (n_rater // per_ratee)) % n_rater).ravel()
    ratee = np.repeat(np.arange(n_ratee), per_ratee)
    role = np.where(np.arange(len(ratee)) % per_ratee == 0, "atasan", "rekan")
    e = rng.normal(0, np.sqrt(S2["penilai_x_pegawai"]), len(ratee))
    pair = a[ratee] + b[rater] + e + np.where(role == "atasan", 0.3, 0.0)
    y = (
        3.0
        + np.repeat(pair, k)
        + np.tile(np.linspace(-0.2, 0.2, k), len(ratee))
        + rng.normal(0, np.sqrt(S2["galat"]), len(ratee) * k)
    )
    nip = np.array([f"P{i:05d}" for i in range(n_ratee)])
    df = pd.DataFrame(
        {
            "nip": np.repeat(nip[ratee], k),
            "nip_penilai": np.repeat([f"R{j:04d}" for j in rater], k),
            "peran_penilai": np.repeat(role, k),
            "aspek": np.tile(ASPEK[:k], len(ratee)),
            "nilai": y,
        }
    )
    return df, pd.Series(a, index=nip)


def _sparse(seed, n=3000, k=1):
    """1 atasan + 1 rekan per pegawai, every rater rates 2 pegawai, ``k`` ratings per pair:
    with k = 1 no residual degree of freedom is left (pairs 2n, parameters ≈ 2n)."""
    return sparse_design(n, seed, per_atasan=2, k=k)


def _quiet(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PeringatanKalibrasi)
        return rater_effects(df, **kw)


# ------------------------------------------------------------------ recovery of known components
def test_moments_recover_known_components_on_one_large_design():
    """Seed 0 (2,000 ratees × 5 raters × 4 aspects): each component within 4 replicate SDs of
    its true value; σ²_eff = σ²_w + 4·σ²_int = 0.86 and λ = σ²_eff / σ²_penilai ≈ 2.39."""
    df, _ = _crossed(0)
    fx = rater_effects(df)
    k = fx.komponen["varians"]
    for name, true in S2.items():
        assert k[name] == pytest.approx(true, abs=4 * SD[name]), name
    assert fx.info["sigma2_eff"] == pytest.approx(0.86, abs=4 * 0.015)
    assert fx.shrinkage == pytest.approx(0.86 / 0.36, abs=4 * 0.19)
    assert fx.info["peringatan"] == []


def test_moments_are_unbiased_over_replicates():
    """Mean over seeds 0–7: within 4 standard errors (SD / √8) of the truth — a biased
    estimator (e.g. the fixed-effects residual variance, biased low) would miss."""
    est = pd.DataFrame([_quiet(_crossed(s)[0]).komponen["varians"] for s in range(8)])
    for name, true in S2.items():
        assert est[name].mean() == pytest.approx(true, abs=4 * SD[name] / np.sqrt(8)), name


def test_components_match_statsmodels_mixedlm_reml():
    """Small design (120 ratees × 4 of 30 raters × 4 aspects): the REML fit of the crossed
    model on the pair means (statsmodels MixedLM, variance components) and our moments agree,
    and so do the shrunk scores. Seed 101, ours / REML: σ²_pegawai 1.218 / 1.215, σ²_penilai
    0.345 / 0.307, pair-mean residual 0.206 / 0.205, λ 2.39 / 2.67, scores r 0.999.
    Tolerances about one sampling SD of our estimate at this size (20 seeded replicates:
    0.137, 0.066 and 0.013) — the two estimators on the same data differ by much less."""
    df, _ = _crossed(101, n_ratee=120, n_rater=30, per_ratee=4, k=4)
    fx = rater_effects(df)
    m = _mixedlm_fit(df)
    vc = dict(zip(m.model.exog_vc.names, m.vcomp, strict=True))
    k = fx.komponen["varians"]
    assert k["pegawai"] == pytest.approx(vc["pegawai"], abs=0.1)
    assert k["penilai"] == pytest.approx(vc["penilai"], abs=0.07)
    # residual of a pair mean: σ²_int + σ²_w / 4 = σ²_eff / 4 (truth 0.215)
    assert fx.info["sigma2_eff"] / 4 == pytest.approx(m.scale, abs=0.02)
    re = m.random_effects[1]
    peg = re[[i for i in re.index if i.startswith("pegawai")]]
    peg.index = [i.split("[")[-1].rstrip("]") for i in peg.index]
    r = np.corrcoef(peg.reindex(fx.ratees.index), fx.ratees["skor_terkalibrasi"])[0, 1]
    assert r > 0.995


def _with_raters_of_many(seed, n_big=2, per=300, slope=0.4):
    """:func:`_crossed` plus ``n_big`` atasan who each rate ``per`` ratees on a compressed
    scale (``slope`` × the ratee effect: a scale use the additive model does not have)."""
    df, a = _crossed(seed)
    rng = np.random.default_rng(100 + seed)
    k = df["aspek"].nunique()
    who = np.concatenate([rng.choice(a.index.to_numpy(), per, replace=False) for _ in range(n_big)])
    pair = slope * (a.reindex(who).to_numpy() + rng.normal(0, 0.3, len(who)))
    big = pd.DataFrame(
        {
            "nip": np.repeat(who, k),
            "nip_penilai": np.repeat([f"BESAR{j}" for j in range(n_big)], per * k),
            "peran_penilai": "atasan",
            "aspek": np.tile(ASPEK[:k], len(who)),
            "nilai": 3.0
            + np.repeat(pair, k)
            + np.tile(np.linspace(-0.2, 0.2, k), len(who))
            + rng.normal(0, 0.7, len(who) * k),
        }
    )
    return pd.concat([df, big], ignore_index=True), a


def test_moments_are_not_carried_by_a_few_raters_of_many():
    """Two raters of 300 ratees each hold 5.7 % of the pairs. The moments weight each rater by
    its degrees of freedom (k − 1), so σ²_pegawai stays with REML's (measured 0.938 / 0.948;
    truth 1.0 for everyone else). The pairwise U-statistic weights used before 2026-12-06
    (k(k − 1)) let those two carry 43 % of the within-rater equation (6 % now): 0.611. In
    kc.simulate's default in 2 instansi the ten raters with the most pegawai carry 65 % of it;
    there σ²_pegawai ranged 0.026–0.237 over seeds 1–10 at 3,000 and 5,000 pegawai (now
    0.121–0.135) and 95 % coverage fell to 0.674 on one seed (benchmarks/HASIL.md)."""
    df, _ = _with_raters_of_many(0)
    mom = _quiet(df, varcomp="moments").komponen["varians"]
    reml = _quiet(df, varcomp="reml").komponen["varians"]
    assert mom["pegawai"] == pytest.approx(0.938, abs=0.002)
    assert mom["pegawai"] == pytest.approx(reml["pegawai"], abs=0.02)
    assert mom["penilai"] == pytest.approx(reml["penilai"], abs=0.04)


# ------------------------------------------------------------------ sparse designs
def test_lambda_does_not_collapse_in_a_sparse_design():
    """One rating per pair, every rater rates 2 pegawai: no residual degree of freedom. The
    residual-based components gave λ = 0.0032 here (the default became OLS: r 0.435 against
    raw 0.774); the moments give λ 2.80 (truth (1 + 0.09)/0.36 = 3.03; over seeds 0–19 mean
    3.00, SD 0.39), λ_pegawai 0.98 (truth 1.09; mean 1.055, SD 0.06) and r 0.777."""
    df, truth = _sparse(1)
    with pytest.warns(PeringatanKalibrasi, match="derajat bebas sisa"):
        fx = rater_effects(df)
    assert fx.shrinkage == pytest.approx(3.03, abs=4 * 0.39)
    assert fx.info["shrinkage_pegawai"] == pytest.approx(1.09, abs=4 * 0.06)
    t = truth.reindex(fx.ratees.index)
    r_cal = np.corrcoef(fx.ratees["skor_terkalibrasi"], t)[0, 1]
    r_raw = np.corrcoef(fx.ratees["skor_mentah"], t)[0, 1]
    assert r_cal > r_raw - 0.01
    assert r_cal > 0.75
    assert fx.info["peringatan"] and "derajat bebas" in fx.info["peringatan"][0]


def test_moment_equations_recover_components_in_a_sparse_design():
    """7 aspects per pair, raters of 2 pegawai: 500 residual degrees of freedom of 6,000 pairs,
    so all three components come from the moment equations. Over seeds 0–19: σ²_pegawai 1.012
    (SD 0.031), σ²_penilai 0.359 (SD 0.023), λ 4.49 (SD 0.78; truth (1 + 7·0.09)/0.36 = 4.53),
    λ_pegawai 1.58 (SD 0.21; truth 1.63). Seed 0 within 4 SDs of the truth."""
    fx = _quiet(_sparse(0, k=7)[0])
    k = fx.komponen["varians"]
    assert k["pegawai"] == pytest.approx(1.0, abs=4 * 0.031)
    assert k["penilai"] == pytest.approx(0.36, abs=4 * 0.023)
    assert k["galat"] == pytest.approx(1.0, abs=4 * 0.007)
    assert fx.shrinkage == pytest.approx(4.53, abs=4 * 0.78)
    assert fx.info["shrinkage_pegawai"] == pytest.approx(1.63, abs=4 * 0.21)


def test_ols_warns_when_many_raters_rate_one_pegawai():
    df, _ = _sparse(2, n=400, k=3)
    # half of the raters lose one of their two pegawai: they rate one person only
    keep = ~(df["nip_penilai"].str.startswith("R") & (df["nip"].str[1:].astype(int) % 2 == 0))
    with pytest.warns(PeringatanKalibrasi, match="hanya menilai satu pegawai"):
        rater_effects(df[keep], shrinkage=None)


def test_no_warning_on_a_well_connected_design():
    df, _ = _crossed(3, n_ratee=600, n_rater=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PeringatanKalibrasi)
        fx = rater_effects(df)
        ols = rater_effects(df, shrinkage=None)
    assert fx.info["peringatan"] == [] and ols.info["peringatan"] == []


# ------------------------------------------------------------------ a user λ
@pytest.mark.parametrize("design", ["sparse", "crossed"])
def test_user_lambda_leaves_ratee_shrinkage_unchanged(design):
    """σ²_eff and λ_pegawai come from the unshrunk fit: a user λ of 0.5 or 1e4 changes the
    rater shrinkage only (before, λ = 1e4 pushed λ_pegawai toward 1e6 in sparse designs)."""
    df = _sparse(4, n=600, k=2)[0] if design == "sparse" else _crossed(4, 600, 100)[0]
    auto = _quiet(df)
    for lam in (0.5, 1e4):
        fx = _quiet(df, shrinkage=lam)
        assert fx.shrinkage == lam
        assert fx.info["sigma2_eff"] == pytest.approx(auto.info["sigma2_eff"], rel=1e-9)
        assert fx.info["shrinkage_pegawai"] == pytest.approx(
            auto.info["shrinkage_pegawai"], rel=1e-9
        )
    assert np.isfinite(auto.info["shrinkage_pegawai"]) and auto.info["shrinkage_pegawai"] < 10


# ------------------------------------------------------------------ where the warning surfaces
def test_report_shows_the_design_warning_once_as_a_note(tmp_path):
    """The report fits the 360 model with the warning silenced (no Python warning on the
    page) and prints its Indonesian sentence once, in the rater section's note. Instansi
    K2 of the small-instansi fixture has one rater–ratee pair: 0 residual degrees of freedom."""
    import importlib.util
    from pathlib import Path

    from kinerja_calib import reports

    path = Path(__file__).parent / "fixtures" / "reports" / "kecil.py"
    spec = importlib.util.spec_from_file_location("kecil_workbook", path)
    kecil = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kecil)
    kecil.tulis_kecil(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ctx = reports.prepare_report(str(tmp_path), "K2")
        bagian = reports.section_penilai(ctx)
        ringkasan = reports.section_ringkasan(ctx)  # shares the cached fit: still no warning
    assert bagian.catatan.count("derajat bebas sisa") == 1
    assert "derajat bebas" not in bagian.teks and "derajat bebas" not in ringkasan.catatan


def test_notebook_shows_a_peringatan_as_its_sentence_only():
    """In a kernel, ``pasang_tampilan`` routes a kinerja-calib warning to one plain line (no
    file path, no class name: the small-instansi scan forbids both); others as before."""
    import io

    from kinerja_calib import _display

    seen = []
    show = _display._show_warning(lambda *a: seen.append(a))
    out = io.StringIO()
    show(PeringatanKalibrasi("Desain penilaian jarang."), PeringatanKalibrasi, "/x/y.py", 3, out)
    assert out.getvalue() == "Peringatan: Desain penilaian jarang.\n" and seen == []
    show(UserWarning("lain"), UserWarning, "/x/y.py", 3, out)
    assert len(seen) == 1 and out.getvalue().count("\n") == 1


# ------------------------------------------------------------------ REML for small designs
def _mixedlm_fit(df):
    """statsmodels MixedLM (REML) on the pair means: crossed pegawai and penilai variance
    components, role fixed effects."""
    smf = require("statsmodels.formula.api")
    pm = df.groupby(["nip", "nip_penilai", "peran_penilai"], as_index=False)["nilai"].mean()
    pm["g"] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels convergence chatter
        return smf.mixedlm(
            "nilai ~ C(peran_penilai)",
            pm,
            groups="g",
            vc_formula={"pegawai": "0 + C(nip)", "penilai": "0 + C(nip_penilai)"},
            re_formula="0",
        ).fit(reml=True)


def _mixedlm_reml(df):
    m = _mixedlm_fit(df)
    return dict(zip(m.model.exog_vc.names, m.vcomp, strict=True)), m.scale


@pytest.mark.parametrize("seed", [101, 7])
def test_reml_components_equal_statsmodels_mixedlm(seed):
    """Same model, same criterion: on the pair means (every pair rates 4 aspects, so the
    pair-mean residual σ²_int + σ²_w / 4 is one free variance, as in MixedLM) our REML and
    statsmodels' agree to 1e-3 relative (seed 101: 1.21497 / 1.21496, 0.307241 / 0.307243,
    0.205068 / 0.205068; the moments gave 1.218, 0.345). The design (120 ratees) is below
    ``BATAS_REML``, so the default uses REML."""
    from kinerja_calib.calibrate._reml import BATAS_REML

    df, _ = _crossed(seed, n_ratee=120, n_rater=30, per_ratee=4, k=4)
    assert 30 <= BATAS_REML
    vc, scale = _mixedlm_reml(df)
    fx = rater_effects(df, varcomp="reml")
    k = fx.komponen["varians"]
    assert k["pegawai"] == pytest.approx(vc["pegawai"], rel=1e-3)
    assert k["penilai"] == pytest.approx(vc["penilai"], rel=1e-3)
    assert fx.info["sigma2_eff"] / 4 == pytest.approx(scale, rel=1e-3)
    assert fx.info["reml"] is True
    assert rater_effects(df).info["reml"] is True  # the default at this size
    assert rater_effects(df, varcomp="moments").info["reml"] is False


def test_reml_keeps_lambda_in_a_sparse_design_without_residual_df():
    """300 pegawai, one rating per pair, raters of 2: no residual degree of freedom, so the
    residual variance of the fixed-effects fit is 0; REML (random effects) still separates
    σ²_int from σ²_penilai. Over seeds 0–11 λ 3.62 (SD 2.0, smallest 1.55; truth 3.03),
    λ_pegawai 1.20 (SD 0.31; truth 1.09), r equal to the moments' (0.750); the collapse gave
    λ 0.003."""
    for seed in range(4):
        df, truth = sparse_design(300, seed, per_atasan=2, k=1)
        with pytest.warns(PeringatanKalibrasi, match="derajat bebas sisa"):
            fx = rater_effects(df)
        assert fx.info["reml"] is True
        assert 1.0 < fx.shrinkage < 12.0, seed
        assert 0.5 < fx.info["shrinkage_pegawai"] < 3.0, seed
        t = truth.reindex(fx.ratees.index)
        r_cal = np.corrcoef(fx.ratees["skor_terkalibrasi"], t)[0, 1]
        r_raw = np.corrcoef(fx.ratees["skor_mentah"], t)[0, 1]
        assert r_cal > r_raw - 0.005


def test_designs_above_the_reml_limits_keep_the_moments_exactly(monkeypatch):
    """3,000 pegawai and 2,500 raters (both above ``BATAS_REML``): the default takes REML on
    the sparse factor (its work is within ``BATAS_KERJA_REML``), equal to ``varcomp="reml"``;
    over that work budget the default is bit for bit the moment estimate; a small design
    takes the dense REML."""
    from kinerja_calib.calibrate import _reml, _variance

    df, _ = sparse_design(3000, 5)
    assert min(df["nip"].nunique(), df["nip_penilai"].nunique()) > _reml.BATAS_REML
    auto, mom, reml = _quiet(df), _quiet(df, varcomp="moments"), _quiet(df, varcomp="reml")
    assert auto.info["reml"] is True and reml.info["reml"] is True
    pd.testing.assert_frame_equal(auto.komponen, reml.komponen, check_exact=True)
    assert auto.shrinkage != mom.shrinkage
    monkeypatch.setattr(_variance, "BATAS_KERJA_REML", 0.0)  # every sparse factor too costly
    over = _quiet(df)
    assert over.info["reml"] is False
    pd.testing.assert_frame_equal(over.ratees, mom.ratees, check_exact=True)
    pd.testing.assert_frame_equal(over.komponen, mom.komponen, check_exact=True)
    assert over.shrinkage == mom.shrinkage
    assert _quiet(df, varcomp="reml").info["reml"] is True  # asked for: dense then
    small, _ = sparse_design(400, 5)
    assert _quiet(small).info["reml"] is True
    assert _quiet(small).shrinkage != _quiet(small, varcomp="moments").shrinkage


@pytest.mark.parametrize("n, per_atasan", [(400, 3), (600, 2)])
def test_sparse_reml_equals_the_dense_one(n, per_atasan):
    """The REML on the sparse factor (selected inverse of the Schur complement) gives the
    dense factor's likelihood, gradient and average information to rounding, and so the
    same components; measured 1e-12 on the gradient."""
    from kinerja_calib.calibrate import _reml
    from kinerja_calib.calibrate._diagnostics import components
    from kinerja_calib.calibrate._lsmr import fit_additive, layout
    from kinerja_calib.calibrate._prepare import rating_data

    df, _ = sparse_design(n, 3, per_atasan=per_atasan)
    data = rating_data(df)
    cr, cb, _ = components(data)
    fit, _ = fit_additive(data, 0.0, True, True, cr, cb, 1e-10, layout(data, cr, cb))
    dense = _reml._Problem(data, fit, 0.5, True, jarang=False)
    sparse_ = _reml._Problem(data, fit, 0.5, True, jarang=True)
    for x in (np.log([0.5, 0.3, 0.2]), np.log([1.5, 0.05, 0.8])):
        fd, gd, hd = dense.evaluate(x)
        fs, gs, hs = sparse_.evaluate(x)
        assert fs == pytest.approx(fd, rel=1e-10)
        np.testing.assert_allclose(gs, gd, rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(hs, hd, rtol=1e-7, atol=1e-8)
    start = {"s2_a": 0.5, "s2_b": 0.3, "s2_int": 0.2}
    a = _reml.reml_components(data, fit, 0.5, start, jarang=False)
    b = _reml.reml_components(data, fit, 0.5, start, jarang=True)
    for k in ("s2_a", "s2_b", "s2_int", "s2_eff"):
        assert b[k] == pytest.approx(a[k], rel=1e-7)
    assert _reml.reml_components(data, fit, 0.5, start, jarang=True, batas_kerja=0.0) is None


def test_varcomp_rejects_an_unknown_method():
    from kinerja_calib.errors import ParameterError

    with pytest.raises(ParameterError, match="varcomp"):
        rater_effects(_crossed(1, 60, 12, 3, 2)[0], varcomp="ml")
