"""Tests of kinerja_calib.agreement: published worked examples, peer cross-checks, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _reference import require
from hypothesis import given, settings
from hypothesis import strategies as st

import kinerja_calib as kc
from kinerja_calib.errors import ParameterError

A = kc.agreement
nan = np.nan

# --------------------------------------------------------------------------------------------
# Published data sets
# --------------------------------------------------------------------------------------------

#: Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
#: reliability. Psychological Bulletin, 86(2), 420-428 — Table 2: 6 targets × 4 judges.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], float
)

#: Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
#: Communication, Univ. of Pennsylvania, example C: 4 observers × 12 units, values 1-5, with
#: missing values (given there as observers × units; transposed to units × observers here).
#: The same table is Gwet's (2014) 4-rater example, ``cac.raw4raters`` in R irrCAC.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
).T

#: Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
#: Bulletin, 76(5), 378-382, Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses
#: (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other), as the raw
#: table of R irr's ``diagnoses`` data set.
FLEISS_1971 = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ],
    float,
)  # fmt: skip

#: SAS/STAT PROC FREQ agreement example (3 × 3 table, n = 24), as printed by SAS and
#: reproduced in statsmodels' test_inter_rater.py (TestUnweightedCohens/TestWeightedCohens).
SAS_TABLE = np.array([[0, 4, 1], [0, 8, 0], [0, 1, 5]])

#: Anxiety ratings of 20 subjects by 3 raters (R package irr, ``anxiety``), raters 2 and 3.
ANXIETY_R2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
ANXIETY_R3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]


def _expand(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw rating pairs from a contingency table (categories 1..q)."""
    q = table.shape[0]
    a = np.repeat(np.repeat(np.arange(1, q + 1), q), table.ravel())
    b = np.repeat(np.tile(np.arange(1, q + 1), q), table.ravel())
    return a, b


def _random_wide(seed: int, n: int = 150, k: int = 5, p_missing: float = 0.0, cats: int = 5):
    rng = np.random.default_rng(seed)
    true = rng.normal(size=(n, 1))
    x = np.clip(np.round(3 + 1.1 * true + rng.normal(scale=0.9, size=(n, k))), 1, cats)
    if p_missing:
        x[rng.random((n, k)) < p_missing] = nan
    return x


# --------------------------------------------------------------------------------------------
# ICC
# --------------------------------------------------------------------------------------------


def test_icc_shrout_fleiss_1979_table_2():
    # Shrout & Fleiss (1979), Table 4: ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71,
    # ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91
    res = A.icc(SHROUT_FLEISS)
    assert list(res.index) == ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    assert list(res.columns) == ["icc", "f", "df1", "df2", "pval", "ci_low", "ci_high"]
    np.testing.assert_allclose(res["icc"].round(2), [0.17, 0.29, 0.71, 0.44, 0.62, 0.91])
    assert res.attrs["n_subjek"] == 6 and res.attrs["n_penilai"] == 4
    assert "listwise" in res.attrs["kebijakan_data_hilang"]


@pytest.mark.parametrize("p_missing", [0.0, 0.1])
def test_icc_matches_pingouin(p_missing):
    pg = require("pingouin")
    x = _random_wide(3, n=120, k=4, p_missing=p_missing)
    long = pd.DataFrame(x).rename_axis("s").reset_index().melt(id_vars="s", var_name="r")
    long = long.dropna()
    saved = pg.options.get("round.column.CI95")
    pg.options["round.column.CI95"] = None  # pingouin rounds the CI to 2 decimals by default
    try:
        ref = pg.intraclass_corr(long, targets="s", raters="r", ratings="value", nan_policy="omit")
    finally:
        pg.options["round.column.CI95"] = saved
    ours = A.icc(x)
    np.testing.assert_allclose(ours["icc"], ref["ICC"], atol=1e-9)
    np.testing.assert_allclose(ours["f"], ref["F"], atol=1e-9)
    np.testing.assert_allclose(ours["pval"], ref["pval"], atol=1e-9)
    np.testing.assert_allclose(ours["df2"], ref["df2"])
    np.testing.assert_allclose(ours[["ci_low", "ci_high"]], np.vstack(ref["CI95"]), atol=1e-9)
    assert ours.attrs["n_subjek_dibuang"] == x.shape[0] - ours.attrs["n_subjek"]


def test_icc1_matches_cronbach_alpha_relation():
    # ICC(3,k) equals Cronbach's alpha of the raters as items (McGraw & Wong 1996)
    pg = require("pingouin")
    x = _random_wide(8, n=80, k=5)
    alpha, _ = pg.cronbach_alpha(pd.DataFrame(x))
    assert A.icc(x).at["ICC3k", "icc"] == pytest.approx(alpha, abs=1e-9)


def test_icc_unbalanced_equals_listwise_on_complete_data():
    x = _random_wide(5, n=60, k=4)
    a, b = A.icc(x), A.icc(x, missing="unbalanced")
    np.testing.assert_allclose(a.loc[["ICC1", "ICC1k"]], b.loc[["ICC1", "ICC1k"]], atol=1e-12)
    assert b.loc[["ICC2", "ICC3", "ICC2k", "ICC3k"], "icc"].isna().all()
    assert "n0" in b.attrs["kebijakan_data_hilang"]


def test_icc_unbalanced_by_hand():
    # groups {1,2}, {4,6,8}, {3,5}: one-way ANOVA with unequal sizes, by hand
    x = np.array([[1, 2, nan], [4, 6, 8], [3, 5, nan], [7, nan, nan]])
    # subject 4 has 1 rating -> dropped. N = 7, a = 3, grand mean = 29/7
    means, m = np.array([1.5, 6, 4]), np.array([2, 3, 2])
    msb = np.sum(m * (means - 29 / 7) ** 2) / 2
    msw = (0.5 + 8 + 2) / (7 - 3)
    n0 = (7 - (4 + 9 + 4) / 7) / 2
    res = A.icc(x, missing="unbalanced")
    assert res.at["ICC1", "icc"] == pytest.approx((msb - msw) / (msb + (n0 - 1) * msw))
    assert res.at["ICC1k", "icc"] == pytest.approx((msb - msw) / msb)
    assert res.attrs["k"] == pytest.approx(n0)
    assert res.attrs["n_subjek_dibuang"] == 1


def test_icc_bad_parameters():
    with pytest.raises(ParameterError, match="listwise"):
        A.icc(SHROUT_FLEISS, missing="pairwise")
    with pytest.raises(ParameterError, match="dua dimensi"):
        A.icc(np.arange(5.0))


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    # Krippendorff (2011), example C: nominal .743, ordinal .815, interval .849, ratio .797
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_krippendorff_2011(level, expected):
    a = A.krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert round(a, 3) == expected
    assert a.n_subjek == 11  # unit 12 has one value: not pairable
    assert a.detail["n_nilai"] == 40


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("p_missing", [0.0, 0.15])
def test_alpha_matches_krippendorff_package(level, p_missing):
    kd = require("krippendorff")
    x = _random_wide(11, n=200, k=5, p_missing=p_missing)
    ref = kd.alpha(reliability_data=x.T, level_of_measurement=level)
    assert A.krippendorff_alpha(x, level) == pytest.approx(ref, abs=1e-9)


def test_alpha_continuous_values_and_wide_value_sets():
    kd = require("krippendorff")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(60, 1)) + rng.normal(scale=0.7, size=(60, 4))
    x[rng.random(x.shape) < 0.1] = nan
    ref = kd.alpha(reliability_data=x.T, level_of_measurement="interval")
    assert A.krippendorff_alpha(x) == pytest.approx(ref, abs=1e-9)
    # > 64 distinct values: sparse coincidence path, nominal and ratio
    y = np.round(np.abs(x) * 20) + 1
    for level in ("nominal", "ratio", "ordinal"):
        ref = kd.alpha(reliability_data=y.T, level_of_measurement=level)
        assert A.krippendorff_alpha(y, level) == pytest.approx(ref, abs=1e-9)


def test_coincidence_matrix_krippendorff_2011():
    # Krippendorff (2011), example C: n = 40 pairable values; counted by hand from the table,
    # n_c = 9, 13, 10, 5, 3 (value 2: 3 + 4 + 1 + 1 + 4 in units 2, 5, 6, 8, 9).
    # o_11 = 3·2/2 (unit 1) + 3·2/3 (unit 8) + 2·1/1 (unit 11) = 7; o_12 = 1/3 + 3/3.
    o, values = A.coincidence_matrix(KRIPPENDORFF_2011)
    np.testing.assert_allclose(values, [1, 2, 3, 4, 5])
    np.testing.assert_allclose(o.sum(axis=1), [9, 13, 10, 5, 3])
    np.testing.assert_allclose(o, o.T)
    assert o[0, 0] == pytest.approx(7.0) and o[0, 1] == pytest.approx(4 / 3)


# --------------------------------------------------------------------------------------------
# Fleiss, Cohen, Gwet
# --------------------------------------------------------------------------------------------


def test_fleiss_1971_diagnoses():
    # Fleiss (1971), p. 381: kappa = .430 (R irr kappam.fleiss: 0.4302445)
    k = A.fleiss_kappa(FLEISS_1971)
    assert round(k, 3) == 0.430
    assert k == pytest.approx(0.4302445, abs=1e-7)
    assert k.n_subjek == 30 and k.n_penilai == 6


@pytest.mark.parametrize("seed", [1, 2])
def test_fleiss_matches_statsmodels_on_complete_data(seed):
    ir = require("statsmodels.stats.inter_rater")
    x = _random_wide(seed, n=300, k=6)
    assert A.fleiss_kappa(x) == pytest.approx(ir.fleiss_kappa(ir.aggregate_raters(x)[0]), abs=1e-9)


def test_fleiss_and_ac1_gwet_2014_with_missing():
    # Gwet (2014) 4 raters × 12 subjects with missing ratings, as printed in the irrCAC
    # documentation (gwet.ac1.raw / fleiss.kappa.raw on cac.raw4raters):
    # AC1 = 0.77544, pa = 0.8181818, pe = 0.1903212, SE = 0.14295, CI (0.461, 1);
    # quadratic AC2 = 0.914 (pa 0.97538, pe 0.7137); Fleiss' kappa = 0.76117.
    ac1 = A.gwet_ac(KRIPPENDORFF_2011)
    assert ac1 == pytest.approx(0.77544, abs=5e-6)
    assert ac1.detail["pa"] == pytest.approx(0.8181818, abs=1e-7)
    assert ac1.detail["pe"] == pytest.approx(0.1903212, abs=1e-7)
    assert ac1.se == pytest.approx(0.14295, abs=5e-6)
    assert (round(ac1.ci_low, 3), ac1.ci_high) == (0.461, 1.0)
    ac2 = A.gwet_ac(KRIPPENDORFF_2011, weights="quadratic")
    assert round(ac2, 3) == 0.914
    assert ac2.detail["pa"] == pytest.approx(0.97538, abs=5e-6)
    assert ac2.detail["pe"] == pytest.approx(0.7137, abs=5e-5)
    assert A.fleiss_kappa(KRIPPENDORFF_2011) == pytest.approx(0.76117, abs=5e-6)


def test_gwet_textbook_formula_two_raters_by_hand():
    # Gwet (2008) eq. for 2 raters, binary: 40 both yes, 45 both no, 10 + 5 disagreements.
    # pa = .85, π_yes = (50 + 45) / 200 = .475, pe = 2 · .475 · .525 = .49875
    a = np.r_[np.ones(40), np.zeros(45), np.ones(10), np.zeros(5)]
    b = np.r_[np.ones(40), np.zeros(45), np.zeros(10), np.ones(5)]
    ac1 = A.gwet_ac(np.column_stack([a, b]))
    assert ac1.detail["pe"] == pytest.approx(0.49875)
    assert ac1 == pytest.approx((0.85 - 0.49875) / (1 - 0.49875))


def test_cohen_kappa_sas_example():
    # SAS PROC FREQ printout (statsmodels test_inter_rater.py): simple kappa 0.4842,
    # ASE 0.1380, 95% CI 0.2137-0.7547, ASE under H0 0.1484; weighted (Cicchetti-Allison =
    # linear) kappa 0.4701, ASE 0.1457, CI 0.1845-0.7558, ASE under H0 0.1426.
    a, b = _expand(SAS_TABLE)
    k = A.cohen_kappa(a, b)
    np.testing.assert_allclose(
        [k, k.se, k.ci_low, k.ci_high, k.detail["se0"]],
        [0.4842, 0.1380, 0.2137, 0.7547, 0.1484],
        atol=5e-5,
    )
    kw = A.cohen_kappa(a, b, weights="linear")
    np.testing.assert_allclose(
        [kw, kw.se, kw.ci_low, kw.ci_high, kw.detail["se0"]],
        [0.4701, 0.1457, 0.1845, 0.7558, 0.1426],
        atol=5e-5,
    )


def test_cohen_weighted_kappa_irr_anxiety():
    # R irr kappa2(anxiety[, 2:3], "squared") = 0.2520325 and "equal" = 0.1459075;
    # irr drops the unused level 5 and weights by level *rank*, so pass rank codes.
    levels = np.unique(ANXIETY_R2 + ANXIETY_R3)
    a = np.searchsorted(levels, ANXIETY_R2) + 1
    b = np.searchsorted(levels, ANXIETY_R3) + 1
    assert A.cohen_kappa(a, b, "quadratic") == pytest.approx(0.2520325, abs=1e-7)
    assert A.cohen_kappa(a, b, "linear") == pytest.approx(0.1459075, abs=1e-7)
    assert A.cohen_kappa(a, b) == pytest.approx(-0.006289308, abs=1e-9)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_matches_statsmodels(weights):
    ir = require("statsmodels.stats.inter_rater")
    x = _random_wide(21, n=250, k=2)
    k = A.cohen_kappa(x[:, 0], x[:, 1], weights)
    table, cats = k.detail["tabel"], k.detail["kategori"]
    ref = ir.cohens_kappa(table, weights=cats, wt=weights) if weights else ir.cohens_kappa(table)
    assert k == pytest.approx(ref.kappa, abs=1e-9)
    assert k.se == pytest.approx(ref.std_kappa, abs=1e-9)
    assert k.detail["se0"] == pytest.approx(ref.std_kappa0, abs=1e-9)


def test_cohen_pairwise_complete_and_labels():
    a, b = ["ya", "tidak", None, "ya"], ["ya", "tidak", "ya", "tidak"]
    k = A.cohen_kappa(a, b, missing="complete")
    assert k.n_subjek == 3 and k.detail["tabel"].sum() == 3
    # Gwet's default: po from the 3 pairs, rater b's marginals from all 4 of its ratings
    g = A.cohen_kappa(a, b)
    assert (g.n_subjek, g.detail["n_subjek_berpasangan"]) == (4, 3)
    assert g.detail["po"] == k.detail["po"] == pytest.approx(2 / 3)
    # categories sorted: tidak, ya. Rater a: 1/3, 2/3; rater b (all 4): 2/4, 2/4
    assert g.detail["pe"] == pytest.approx(1 / 3 * 1 / 2 + 2 / 3 * 1 / 2)
    with pytest.raises(ParameterError, match="sama panjang"):
        A.cohen_kappa([1, 2], [1, 2, 3])


# --------------------------------------------------------------------------------------------
# Kendall's W, r_wg
# --------------------------------------------------------------------------------------------


def test_kendall_w_with_ties_by_hand():
    # 4 subjects ranked by 3 raters; rater 2 ties subjects 1 and 2 (ranks 1.5, 1.5).
    # Rank sums 4.5, 4.5, 10, 11; mean 7.5; S = 9 + 9 + 6.25 + 12.25 = 36.5
    # Ties: T_2 = 2³ - 2 = 6.  W = 12 · 36.5 / (3² · (4³ - 4) - 3 · 6) = 438 / 522
    x = [[1, 1, 2], [2, 1, 1], [3, 3, 4], [4, 4, 3]]
    w = A.kendall_w(x)
    assert w == pytest.approx(438 / 522)
    assert w.detail["chi2"] == pytest.approx(3 * 3 * 438 / 522)


def test_kendall_w_equals_friedman():
    from scipy import stats

    x = _random_wide(4, n=12, k=6)  # many ties
    w = A.kendall_w(x)
    chi2 = stats.friedmanchisquare(*x).statistic  # subjects = treatments, raters = blocks
    assert w == pytest.approx(chi2 / (x.shape[1] * (x.shape[0] - 1)), abs=1e-12)
    y = x.copy()
    y[0, 0] = nan
    assert A.kendall_w(y).n_subjek == x.shape[0] - 1


def test_rwg_by_hand_and_truncation():
    # σ²_EU = (5² - 1) / 12 = 2.  Ratings 4, 4, 5: s² = 1/3 -> 1 - 1/6.  1, 5, 3: s² = 4 -> 0.
    r = A.rwg(pd.DataFrame([[4, 4, 5], [1, 5, 3], [3, nan, nan]], index=["a", "b", "c"]))
    assert list(r.index) == ["a", "b", "c"]
    assert r["a"] == pytest.approx(1 - 1 / 6)
    assert r["b"] == 0.0
    assert np.isnan(r["c"])


def test_rwg_j_by_hand():
    # 2 raters × 3 items for one ratee; item variances 0, 0.5, 2 -> mean 5/6; σ²_EU = 2.
    # r_wg(J) = 3 (1 - 5/12) / (3 (1 - 5/12) + 5/12) = 1.75 / 2.1667
    long = pd.DataFrame(
        {
            "nip": ["a"] * 6,
            "peran_penilai": ["rekan"] * 6,
            "nip_penilai": ["x", "x", "x", "y", "y", "y"],
            "aspek": ["p", "q", "r"] * 2,
            "nilai": [3, 3, 2, 3, 4, 4],
        }
    )
    out = A.rwg_j(long)
    ratio = (0 + 0.5 + 2) / 3 / 2
    assert out["rwg_j"].iloc[0] == pytest.approx(3 * (1 - ratio) / (3 * (1 - ratio) + ratio))
    assert out["n_item"].iloc[0] == 3 and out["n_penilai"].iloc[0] == 2


# --------------------------------------------------------------------------------------------
# Properties (hypothesis)
# --------------------------------------------------------------------------------------------

wide_strategy = st.integers(0, 10_000).map(
    lambda s: _random_wide(s, n=int(10 + s % 30), k=int(2 + s % 4), p_missing=0.1 * (s % 3))
)


@settings(max_examples=30, deadline=None)
@given(wide_strategy, st.randoms(use_true_random=False))
def test_alpha_invariant_to_rater_permutation(x, rnd):
    perm = list(range(x.shape[1]))
    rnd.shuffle(perm)
    for level in ("nominal", "interval"):
        a, b = A.krippendorff_alpha(x, level), A.krippendorff_alpha(x[:, perm], level)
        assert a == pytest.approx(b, abs=1e-12, nan_ok=True)


@settings(max_examples=30, deadline=None)
@given(wide_strategy)
def test_icc_at_most_one_and_fleiss_bounded(x):
    res = A.icc(x)
    assert (res["icc"].dropna() <= 1 + 1e-12).all()
    k = A.fleiss_kappa(x)
    assert np.isnan(k) or -1 - 1e-12 <= k <= 1 + 1e-12


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=4, max_size=40, unique=False), st.integers(2, 6))
def test_perfect_agreement_gives_one(values, k):
    if len(set(values)) < 2:
        values = [*values, values[0] % 5 + 1]
    x = np.repeat(np.asarray(values, float)[:, None], k, axis=1)
    assert A.krippendorff_alpha(x, "nominal") == pytest.approx(1.0)
    assert A.krippendorff_alpha(x, "interval") == pytest.approx(1.0)
    assert A.fleiss_kappa(x) == pytest.approx(1.0)
    assert A.gwet_ac(x) == pytest.approx(1.0)
    assert A.icc(x).at["ICC1", "icc"] == pytest.approx(1.0)
    assert (A.rwg(x) == 1.0).all()


def test_estimate_is_a_float():
    a = A.krippendorff_alpha(KRIPPENDORFF_2011, "nominal")
    assert isinstance(a, float) and f"{a:.3f}" == "0.743" and a + 0 == float(a)
    assert set(a.to_series().index) >= {"nilai", "se", "n_subjek", "metode"}
    import pickle

    assert pickle.loads(pickle.dumps(a)) == a


# --------------------------------------------------------------------------------------------
# to_wide, agreement tables, decision help
# --------------------------------------------------------------------------------------------


def _toy_360(seed: int = 0, n_ratee: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    true = rng.normal(size=n_ratee)
    for i in range(n_ratee):
        for role, n_r in (("atasan", 1), ("rekan", 2 + i % 3)):
            for j in range(n_r):
                rater = f"r{(i * 7 + j * 13 + (role == 'atasan')) % 90:03d}"
                for aspek in ("akuntabel", "kompeten"):
                    v = np.clip(np.round(3 + true[i] + rng.normal(scale=0.8)), 1, 5)
                    rows.append(("2026-S1", f"p{i:03d}", rater, role, aspek, v))
    cols = ["periode", "nip", "nip_penilai", "peran_penilai", "aspek", "nilai"]
    return pd.DataFrame(rows, columns=cols)


def test_to_wide_positional_and_duplicates():
    long = _toy_360()
    one = long[(long.aspek == "akuntabel") & (long.peran_penilai == "rekan")]
    wide = A.to_wide(one)
    assert wide.shape[0] == 40 and wide.notna().sum().sum() == len(one)
    slots = A.to_wide(one, positional=True)
    assert list(slots.columns) == ["penilai_1", "penilai_2", "penilai_3", "penilai_4"]
    vals = slots.to_numpy()
    np.testing.assert_allclose(np.sort(vals[~np.isnan(vals)]), np.sort(one.nilai.to_numpy()))
    with pytest.raises(ParameterError, match="pasangan ganda: nip='p000'"):
        A.to_wide(long[long.peran_penilai == "rekan"])
    with pytest.raises(ParameterError, match="tidak ada"):
        A.to_wide(one, value="skor")


def test_agreement_table_groups_and_labels():
    long = _toy_360(1, n_ratee=60)
    peg = pd.DataFrame({"nip": [f"p{i:03d}" for i in range(60)]})
    peg["kode_instansi"] = np.where(np.arange(60) < 30, "A", "B")
    inst = pd.DataFrame({"kode_instansi": ["A", "B"], "wilayah": ["Kota X", "Kab. Y"]})
    tab = A.agreement_table(long, by=["wilayah", "peran_penilai"], pegawai=peg, instansi=inst)
    assert list(tab.columns[:2]) == ["wilayah", "peran_penilai"] and len(tab) == 4
    atasan = tab[tab.peran_penilai == "atasan"]
    assert (atasan.n_subjek == 0).all() and (atasan.kategori_icc == "data kurang").all()
    rekan = tab[tab.peran_penilai == "rekan"].iloc[0]
    # same number as icc() on the slot table of that group
    sub = long[(long.peran_penilai == "rekan") & long.nip.isin(peg.nip[peg.kode_instansi == "B"])]
    wide = A.slot_table(sub, peran="rekan")
    assert rekan.icc1 == pytest.approx(A.icc(wide, missing="unbalanced").at["ICC1", "icc"])
    assert rekan.alpha == pytest.approx(float(A.krippendorff_alpha(wide)))
    assert rekan.kategori_icc in {"buruk", "sedang", "baik", "sangat baik"}
    assert "nip_penilai" not in tab.columns
    per_aspek = A.agreement_table(long, by=["aspek"], statistics=["icc1", "ac1", "fleiss"])
    assert set(per_aspek.aspek) == {"akuntabel", "kompeten"} and per_aspek.ac1.notna().all()
    with pytest.raises(ParameterError, match="aspek"):
        A.agreement_table(long, statistics=["ac1"])
    with pytest.raises(ParameterError, match="pegawai"):
        A.agreement_table(long, by=["wilayah"])


def test_labels_bands():
    # Koo & Li (2016); Krippendorff (2004); LeBreton & Senter (2008)
    assert A.label_icc([0.49, 0.5, 0.75, 0.9, 0.91, nan]).tolist() == [
        "buruk", "buruk", "sedang", "baik", "sangat baik", "data kurang"
    ]  # fmt: skip
    assert A.label_alpha([0.666, 0.667, 0.8]).tolist() == ["tidak andal", "tentatif", "andal"]


def test_raters_needed_and_spearman_brown():
    # Spearman-Brown: 0.37 -> 0.8 needs 0.8 · 0.63 / (0.37 · 0.2) = 6.81 -> 7 raters
    assert A.raters_needed(0.37) == 7
    assert A.raters_needed(0.5, 0.8) == 4  # exactly 4.0
    assert A.raters_needed(0.9) == 1 and A.raters_needed(-0.1) == np.inf
    np.testing.assert_allclose(A.raters_needed(np.array([0.37, 0.5])), [7, 4])
    assert A.spearman_brown(A.spearman_brown(0.3, 1), 4) == pytest.approx(1.2 / 1.9)


def test_reliability_curve_matches_spearman_brown():
    rng = np.random.default_rng(5)
    n, k = 400, 8
    x = rng.normal(size=(n, 1)) + rng.normal(scale=1.5, size=(n, k))  # ICC = 1 / 3.25
    x[rng.random(x.shape) < 0.2] = nan
    curve = A.reliability_curve(x, k_max=6, n_rep=50, seed=1)
    assert list(curve.k) == [1, 2, 3, 4, 5, 6]
    ok = curve.dropna()
    assert np.abs(ok.reliabilitas_resampling - ok.reliabilitas_prediksi).max() < 0.06
    assert curve.attrs["k_dibutuhkan"] == A.raters_needed(curve.attrs["icc1"])
    again = A.reliability_curve(x, k_max=6, n_rep=50, seed=1)
    pd.testing.assert_frame_equal(curve, again)


def test_bootstrap_seeded_and_covers():
    x = _random_wide(9, n=200, k=4, p_missing=0.1)
    b1 = A.bootstrap(A.krippendorff_alpha, x, n_boot=200, seed=3)
    b2 = A.bootstrap(A.krippendorff_alpha, x, n_boot=200, seed=3)
    assert b1 == A.krippendorff_alpha(x) and b1.ci_low == b2.ci_low
    assert b1.ci_low < b1 < b1.ci_high and 0 < b1.se < 0.1
    b3 = A.bootstrap(A.krippendorff_alpha, x, n_boot=50, seed=3, level="nominal")
    assert b3 == A.krippendorff_alpha(x, "nominal")


def test_fleiss_null_se_matches_r_irr():
    # R irr kappam.fleiss(diagnoses): z = 17.65183 (Fleiss, Nee & Landis 1979 SE under H0)
    k = A.fleiss_kappa(FLEISS_1971)
    assert k.detail["z"] == pytest.approx(17.65183, abs=5e-5)
    assert "se0" not in A.fleiss_kappa(KRIPPENDORFF_2011).detail  # unequal raters: not defined


def test_reliability_curve_accepts_long_table():
    long = _toy_360(2, n_ratee=60)
    a = A.reliability_curve(long, k_max=4, n_rep=20, seed=0, peran="rekan")
    b = A.reliability_curve(A.slot_table(long, peran="rekan"), k_max=4, n_rep=20, seed=0)
    pd.testing.assert_frame_equal(a, b)


def test_plots_return_figures():
    from matplotlib.figure import Figure

    from kinerja_calib.plots import agreement as gambar

    long = _toy_360(3, n_ratee=60)
    peg = pd.DataFrame({"nip": [f"p{i:03d}" for i in range(60)], "kode_instansi": "A"})
    tab = A.agreement_table(long, by=["kode_instansi", "peran_penilai"], pegawai=peg)
    figs = [
        gambar.peta_kesepakatan(tab, "kode_instansi", "peran_penilai", "icc1"),
        gambar.peta_kesepakatan(tab, "kode_instansi", "peran_penilai", "rata_nilai"),
        gambar.interval_kesepakatan(tab, "peran_penilai"),
        gambar.kurva_jumlah_penilai(A.reliability_curve(long, k_max=5, n_rep=10, seed=1)),
        gambar.sebaran_rwg(A.rwg_j(long), kelompok="peran_penilai"),
        gambar.sebaran_rwg(A.rwg(A.slot_table(long, peran="rekan"))),
    ]
    assert all(isinstance(f, Figure) for f in figs)
    titles = [f.axes[0].get_title() for f in figs]
    assert "Berapa penilai yang dibutuhkan?" in titles
    with pytest.raises(ParameterError):
        gambar.peta_kesepakatan(tab, "wilayah", "peran_penilai")


def test_siapkan_validates_parameters(samples_dir):
    with pytest.raises(ParameterError) as err:
        A.prepare(str(samples_dir), peran="teman", target=1.5, k_maks=1, seed="x")
    msg = str(err.value)
    assert "peran" in msg and "target" in msg and "k_maks" in msg and "seed" in msg
    if (samples_dir / "penilaian_360.csv").exists():
        with pytest.raises(ParameterError, match="Periode"):
            A.prepare(str(samples_dir), periode="1999-S1")


def test_alpha_interval_is_shift_invariant():
    # sums-of-squares path must not lose precision for values far from zero
    kd = require("krippendorff")
    x = _random_wide(12, n=100, k=4, p_missing=0.1)
    a = A.krippendorff_alpha(x)
    assert A.krippendorff_alpha(x + 1e7) == pytest.approx(a, abs=1e-9)
    ref = kd.alpha(reliability_data=(x + 1e7).T, level_of_measurement="interval")
    assert A.krippendorff_alpha(x + 1e7) == pytest.approx(ref, abs=1e-6)


@pytest.mark.parametrize("name", ["alpha", "icc1", "icc1k"])
def test_vectorised_bootstrap_equals_generic_loop(name):
    x = _random_wide(13, n=80, k=4, p_missing=0.2)
    generic = {
        "alpha": lambda w: float(A.krippendorff_alpha(w)),
        "icc1": lambda w: A.icc(w, missing="unbalanced").at["ICC1", "icc"],
        "icc1k": lambda w: A.icc(w, missing="unbalanced").at["ICC1k", "icc"],
    }[name]
    fast = A.bootstrap(name, x, n_boot=60, seed=4)
    slow = A.bootstrap(generic, x, n_boot=60, seed=4)
    np.testing.assert_allclose(fast.detail["replikasi"], slow.detail["replikasi"], atol=1e-10)
    assert fast == pytest.approx(slow) and fast.ci_low == pytest.approx(slow.ci_low)
    with pytest.raises(ParameterError, match="stat"):
        A.bootstrap("kappa", x, n_boot=10)


def test_agreement_table_overall_and_integer_categorical_keys():
    long = _toy_360(4, n_ratee=50)
    num = long.assign(
        nip=long.nip.str[1:].astype(np.int64),
        nip_penilai=long.nip_penilai.str[1:].astype(np.int64),
        peran_penilai=pd.Categorical(long.peran_penilai, categories=list(kc.labels.PERAN_PENILAI)),
    ).drop(columns=["aspek", "periode"])
    num = num.groupby(["nip", "nip_penilai", "peran_penilai"], observed=True).nilai.mean()
    num = num.reset_index()
    overall = A.agreement_table(num, by=[], statistics=("icc1", "alpha"))
    assert len(overall) == 1 and overall.n_subjek.iloc[0] == 50
    per = A.agreement_table(num, by=["peran_penilai"], statistics=("icc1", "alpha"))
    assert list(per.peran_penilai.astype(str)) == ["atasan", "rekan"]
    ref = A.agreement_table(long, by=["peran_penilai"], statistics=("icc1", "alpha"))
    np.testing.assert_allclose(per.icc1, ref.icc1, equal_nan=True)
