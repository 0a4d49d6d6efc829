"""Gwet's (2014) missing-data Cohen's κ and weighted Fleiss κ: irrCAC values, hand formulas.

irrCAC is never a dependency of ours (it pins scipy 1.12 / numpy < 2; see
``benchmarks/bench_gwet.py``), so its results are recorded here as literals: computed with
irrCAC 0.4.4 (``from irrCAC.raw import CAC``, ``digits=10``) in a separate virtualenv by
``benchmarks/irrcac/nilai_uji.py``, on its ``cac.raw4raters``, R irrCAC's ``cac.raw2raters`` and
Gwet's (2014) Tables 3.5 and 3.9, whose printed κ (0.7772, 0.5107) are also asserted. Gwet's
two raters are irrCAC's Conger κ, which is Cohen's κ when r = 2.
"""

from __future__ import annotations

import numpy as np
import pytest
from _gwet_tabel import RAW2_R1, RAW2_R2, T35_R1, T35_R2, T39
from hypothesis import given, settings
from hypothesis import strategies as st

import kinerja_calib as kc
from kinerja_calib.errors import ParameterError

A = kc.agreement
nan = np.nan

#: irrCAC ``cac.raw4raters`` = Krippendorff (2011) example C: 12 subjects × 4 raters, 1-5.
RAW4 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
).T

# (weights, κ, se, ci_low, p value, pa, pe) from irrCAC 0.4.4 CAC(...).conger() / .fleiss()
IRRCAC_CONGER_RAW2 = [
    (None, 0.7012345679, 0.2169210664, 0.2237945198, 0.007977235527, 0.8, 0.3305785124),
    ("quadratic", 0.6333333333, 0.2882596099, -0.0011217903, 0.05034098249, 0.875, 0.6590909091),
    ("linear", 0.6669724771, 0.2426368292, 0.1329324167, 0.01892950698, 0.85, 0.5495867769),
]
IRRCAC_FLEISS_RAW4 = [
    (None, 0.7611692754, 0.1530192035, 0.4243762794, 0.0004191730385, 0.8181818182, 0.2387152778),
    ("quadratic", 0.8649350649, 0.1460336108, 0.5435172548, 9.976081321e-05, 0.9753787879,
     0.8177083333),
    ("linear", 0.8179447671, 0.1485043555, 0.4910888844, 0.0001840392582, 0.9393939394,
     0.6671006944),
]  # fmt: skip
IRRCAC_CONGER_T35 = [
    (None, 0.6186440678, 0.2611685337, 0.036724311, 0.03936083893, 0.75, 0.3444444444),
    ("quadratic", 0.7772277228, 0.1954584992, 0.3417190469, 0.002615996805, 0.9375,
     0.7194444444),
    ("linear", 0.6917808219, 0.2259770764, 0.1882725183, 0.01201805803, 0.875, 0.5944444444),
]  # fmt: skip
IRRCAC_FLEISS_T39 = [
    (None, 0.3652892562, 0.1608403815, 0.022466098, 0.03829939966, 0.5625, 0.3107096354),
    ("quadratic", 0.5106542993, 0.2257481284, 0.0294835537, 0.03897437606, 0.9205729167,
     0.8376871745),
    ("linear", 0.4437301947, 0.1854040762, 0.0485507606, 0.03021708985, 0.8333333333,
     0.7003851997),
]  # fmt: skip


def test_gwet_published_values():
    # Gwet (2014): Example 3.2 prints 0.7772 (Cohen, quadratic, his missing-data rule; complete
    # cases give 0.75) and Example 3.3 prints 0.5107 (Fleiss, quadratic, with gaps)
    k = A.cohen_kappa(T35_R1, T35_R2, "quadratic")
    assert round(k, 4) == 0.7772
    assert round(A.cohen_kappa(T35_R1, T35_R2, "quadratic", missing="complete"), 4) == 0.75
    assert round(A.fleiss_kappa(T39, weights="quadratic"), 4) == 0.5107
    # by hand: A, B, C = 1, 2, 3, w = 1 - d²/4; eight subjects rated by both, two of them one
    # step apart (w = 0.75): po = 7.5 / 8. Rater 1's ten ratings: A 3, B 5, C 2; rater 2's
    # nine: A 1, B 4, C 4.
    w = 1 - (np.subtract.outer([1, 2, 3], [1, 2, 3]) ** 2) / 4
    pe = np.array([3, 5, 2]) / 10 @ w @ (np.array([1, 4, 4]) / 9)
    assert k.detail["po"] == pytest.approx(0.9375)
    assert k == pytest.approx((0.9375 - pe) / (1 - pe), abs=1e-12)
    assert (k.n_subjek, k.detail["n_subjek_berpasangan"]) == (11, 8)


def _rows(**tables):
    """pytest params ``(data, row)`` over named data sets and their irrCAC rows."""
    return [
        pytest.param(data, row, id=f"{name}-{row[0]}")
        for name, (data, rows) in tables.items()
        for row in rows
    ]


@pytest.mark.parametrize(
    ("raters", "row"),
    _rows(
        raw2=((RAW2_R1, RAW2_R2), IRRCAC_CONGER_RAW2),
        gwet35=((T35_R1, T35_R2), IRRCAC_CONGER_T35),
    ),
)
def test_cohen_gwet_missing_matches_irrcac(raters, row):
    weights, kappa, se, lo, pval, pa, pe = row
    k = A.cohen_kappa(*raters, weights)
    np.testing.assert_allclose(
        [k, k.se, k.ci_low, k.pval, k.detail["po"], k.detail["pe"]],
        [kappa, se, lo, pval, pa, pe],
        atol=1e-9,
        rtol=1e-8,
    )
    assert k.ci_high == 1.0  # irrCAC truncates at 1


def test_cohen_gwet_by_hand_and_complete_cases():
    # Quadratic weights on A=1, B=2, C=3: w = 1 - d²/4. Ten subjects rated by both, the
    # pairs disagree on (C, A) once and (A, B) once: po = (8 + 0 + 0.75) / 10 = 0.875.
    # Rater 1 over its 11 ratings: A 4, B 3, C 4; rater 2 over its 11: A 4, B 4, C 3.
    p1, p2 = np.array([4, 3, 4]) / 11, np.array([4, 4, 3]) / 11
    w = 1 - (np.subtract.outer([1, 2, 3], [1, 2, 3]) ** 2) / 4
    pe = p1 @ w @ p2
    k = A.cohen_kappa(RAW2_R1, RAW2_R2, "quadratic")
    assert (k.n_subjek, k.detail["n_subjek_berpasangan"]) == (12, 10)
    assert k.detail["po"] == pytest.approx(0.875)
    assert k == pytest.approx((0.875 - pe) / (1 - pe), abs=1e-12)
    assert round(k, 4) == 0.6333
    # complete cases: both marginals from the ten pairs only
    c = A.cohen_kappa(RAW2_R1, RAW2_R2, "quadratic", missing="complete")
    q1, q2 = np.array([4, 3, 3]) / 10, np.array([4, 4, 2]) / 10
    pe_c = q1 @ w @ q2
    assert c == pytest.approx((0.875 - pe_c) / (1 - pe_c), abs=1e-12)
    assert round(c, 4) == 0.6032 and c.n_subjek == 10
    assert np.isfinite(c.detail["se0"]) and np.isnan(k.detail["se0"])


def test_cohen_missing_bad_value():
    with pytest.raises(ParameterError, match="missing"):
        A.cohen_kappa([1, 2], [1, 2], missing="pairwise")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=4, max_size=30),
    st.sampled_from([None, "linear", "quadratic"]),
)
def test_cohen_gwet_equals_complete_without_gaps_and_is_symmetric(pairs, weights):
    a, b = (np.array(v, float) for v in zip(*pairs, strict=True))
    g = A.cohen_kappa(a, b, weights)
    c = A.cohen_kappa(a, b, weights, missing="complete")
    if np.isnan(c):
        assert np.isnan(g)
        return
    assert g == pytest.approx(float(c), abs=1e-12) and g.se == pytest.approx(c.se, nan_ok=True)
    # with a gap on each side, swapping the raters changes nothing (symmetric weights)
    a2, b2 = np.r_[a, nan, 1.0], np.r_[b, 2.0, nan]
    ab, ba = A.cohen_kappa(a2, b2, weights), A.cohen_kappa(b2, a2, weights)
    assert ab == pytest.approx(float(ba), abs=1e-12, nan_ok=True)
    assert ab.se == pytest.approx(ba.se, abs=1e-12, nan_ok=True)


@pytest.mark.parametrize(
    ("wide", "row"), _rows(raw4=(RAW4, IRRCAC_FLEISS_RAW4), gwet39=(T39, IRRCAC_FLEISS_T39))
)
def test_weighted_fleiss_matches_irrcac(wide, row):
    weights, kappa, se, lo, pval, pa, pe = row
    k = A.fleiss_kappa(wide, weights=weights)
    np.testing.assert_allclose(
        [k, k.se, k.ci_low, k.pval, k.detail["pa"], k.detail["pe"]],
        [kappa, se, lo, pval, pa, pe],
        atol=1e-9,
        rtol=1e-8,
    )


def test_weighted_fleiss_identity_matrix_is_fleiss_and_weights_on_values():
    assert A.fleiss_kappa(RAW4, weights=np.eye(5)) == pytest.approx(
        float(A.fleiss_kappa(RAW4)), abs=1e-15
    )
    # interval scores 0.5..2.5: weights on the values, same as on 1..5 (equal spacing)
    half = (RAW4 + 0) * 0.5
    assert A.fleiss_kappa(half, weights="quadratic") == pytest.approx(0.8649350649, abs=1e-9)
    # κ_w = 1 - E_obs[1 - w] / E_chance[1 - w]: the span of the scale cancels, so an unused
    # end of the scale leaves weighted Fleiss κ unchanged (unlike Gwet's AC2, whose pe uses q)
    wider = A.fleiss_kappa(RAW4, weights="quadratic", categories=[1, 2, 3, 4, 5, 6, 7])
    assert wider == pytest.approx(0.8649350649, abs=1e-9)
    ac2 = A.gwet_ac(RAW4, weights="quadratic")
    assert A.gwet_ac(RAW4, weights="quadratic", categories=range(1, 8)) != pytest.approx(
        float(ac2), abs=1e-3
    )
