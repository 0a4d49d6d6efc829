"""Comparability of calibrated scores: dapat_dibandingkan, link strength (calibrate._jaringan),
calibrate_distribution by comparison class, and the ordinal model's per-component centring."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib.calibrate._jaringan import minimal_penghubung


def design(
    seed: int = 0,
    units: tuple[int, int] = (6, 4),
    size: int = 10,
    k_rekan: int = 4,
    p_lintas: float = 0.3,
    anchors: int | None = None,
    gap_true: float = 0.0,
    gap_rater: float = 0.0,
    aspects: int = 3,
    ordinal: bool = False,
):
    """Two regions ("Utara" with ``units[0]`` units, "Selatan" with ``units[1]``) of ``size``
    pegawai per unit. Each pegawai is rated by ``k_rekan`` peers of the unit and, with
    probability ``p_lintas``, by one pegawai of another unit of the same region. The regions
    share no rater unless ``anchors`` raters of Utara also rate 5 pegawai of Selatan each.
    Selatan's pegawai are ``gap_true`` better and its raters ``gap_rater`` more lenient."""
    rng = np.random.default_rng(seed)
    n_units = sum(units)
    unit = np.repeat(np.arange(n_units), size)
    wil = (unit >= units[0]).astype(int)
    n = len(unit)
    nip = np.array([f"19{i:06d}" for i in range(n)])
    theta = rng.normal(0, 0.5, n) + gap_true * wil
    lenient = rng.normal(0, 0.3, n) + gap_rater * wil
    ratee, rater = [], []
    for u in range(n_units):  # test data only
        members = np.flatnonzero(unit == u)
        others = np.flatnonzero((wil == wil[members[0]]) & (unit != u))
        for i in members:
            ratee += [i] * k_rekan
            rater += list(rng.choice(members[members != i], k_rekan, replace=False))
            if rng.random() < p_lintas:
                ratee.append(i)
                rater.append(rng.choice(others))
    if anchors:
        for j in rng.choice(np.flatnonzero(wil == 0), anchors, replace=False):
            for i in rng.choice(np.flatnonzero(wil == 1), 5, replace=False):
                ratee.append(i)
                rater.append(j)
    r = np.repeat(np.array(ratee), aspects)
    j = np.repeat(np.array(rater), aspects)
    asp = np.tile(np.arange(aspects), len(ratee))
    y = 3.5 + theta[r] + lenient[j] + rng.normal(0, 0.5, len(r))
    if ordinal:
        y = np.clip(np.round(y), 1, 5)
    ratings = pd.DataFrame(
        {
            "nip": nip[r],
            "nip_penilai": nip[j],
            "peran_penilai": "rekan",
            "aspek": [f"a{k}" for k in asp],
            "nilai": y,
        }
    )
    pegawai = pd.DataFrame(
        {
            "nip": nip,
            "kode_instansi": "X",
            "wilayah": np.array(["Utara", "Selatan"])[wil],
            "unit_kerja": [f"Unit {u}" for u in unit],
        }
    )
    return ratings, pegawai, pd.Series(theta, index=nip)


def _fit(ratings, pegawai, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kc.calibrate.PeringatanKalibrasi)
        return kc.calibrate.rater_effects(ratings, pegawai=pegawai, **kw)


def test_threshold_is_an_unconfirmed_rules_value():
    r = kc.rules.load("permenpanrb-6-2022")
    info = r.info("keterbandingan.minimal_penghubung")
    assert info["nilai"] == minimal_penghubung() == 3
    assert info["terkonfirmasi"] is False


def test_two_disconnected_regions_minor_region_not_comparable():
    ratings, pegawai, _ = design(seed=1)
    fx = _fit(ratings, pegawai)
    d = fx.ratees.join(pegawai.set_index("nip"))
    assert d["komponen"].nunique() == 2
    by_wil = d.groupby("wilayah")["dapat_dibandingkan"].agg(["all", "any"])
    assert by_wil.loc["Utara", "all"] and not by_wil.loc["Selatan", "any"]
    assert (d.loc[d["wilayah"] == "Selatan", "kelas_banding"] == 1).all()
    assert (d.loc[d["wilayah"] == "Utara", "kelas_banding"] == 0).all()
    assert d.loc[d["wilayah"] == "Selatan", "alasan_banding"].str.contains("tidak terhubung").all()
    rest = fx.info["tidak_dibandingkan"]
    assert rest[["kelas", "jenis", "tingkat", "n_pegawai", "n_penghubung"]].values.tolist() == [
        [1, "terpisah", "wilayah", 40, 0.0]
    ]
    assert rest["kelompok"].iloc[0] == ["Selatan"] and not rest["sebagian"].iloc[0]


def test_connected_design_all_comparable():
    ratings, pegawai, _ = design(seed=2, anchors=12)
    fx = _fit(ratings, pegawai)
    assert fx.ratees["dapat_dibandingkan"].all()
    assert (fx.ratees["kelas_banding"] == 0).all()
    assert (fx.ratees["alasan_banding"] == "").all()
    # the weakest group still has at least the minimum of rater-disjoint links
    assert fx.info["kekuatan_hubungan"] >= 3
    assert fx.info["keterkaitan"]["utama"].all()
    assert fx.info["tidak_dibandingkan"].empty
    assert "tidak dapat dibandingkan" not in fx.ringkasan()
    assert fx.ringkasan().endswith("(minimal 3; memadai).")


@pytest.mark.parametrize("anchors", [1, 2])
def test_anchor_raters_flagged_as_weak_link(anchors):
    ratings, pegawai, _ = design(seed=3, anchors=anchors)
    fx = _fit(ratings, pegawai)
    d = fx.ratees.join(pegawai.set_index("nip"))
    assert d["komponen"].nunique() == 1  # one component: the old check saw nothing
    assert fx.info["kekuatan_hubungan"] == anchors
    sel = d["wilayah"] == "Selatan"
    assert not d.loc[sel, "dapat_dibandingkan"].any() and d.loc[~sel, "dapat_dibandingkan"].all()
    weak = fx.info["keterkaitan"].query("tingkat == 'wilayah' and not utama")
    assert weak["n_penghubung"].tolist() == [anchors]
    rest = fx.info["tidak_dibandingkan"]
    assert rest[["jenis", "tingkat", "n_pegawai", "n_penghubung"]].values.tolist() == [
        ["lemah", "wilayah", 40, anchors]
    ]
    assert d.loc[sel, "alasan_banding"].iloc[0] == (
        f"wilayah Selatan hanya terhubung dengan kelompok utama melalui {anchors} penilai "
        "bersama (minimal 3)"
    )
    # the printed summary says both, in Indonesian
    lines = fx.ringkasan().splitlines()
    assert f"40 dari {len(d)} pegawai tidak dapat dibandingkan dengan kelompok utama" in lines[-2]
    assert lines[-1] == (
        f"Kekuatan hubungan antarkelompok: {anchors} penilai penghubung pada kelompok terlemah "
        "(minimal 3; lemah)."
    )
    # a lower (instansi-set) threshold accepts the link
    fx1 = _fit(ratings, pegawai, minimal_penghubung=1)
    assert fx1.ratees["dapat_dibandingkan"].all()
    assert "tidak dapat dibandingkan" not in fx1.ringkasan()
    assert fx1.ringkasan().endswith("(minimal 1; memadai).")


def test_one_rater_linking_many_groups_counts_once():
    """A head rating one pegawai in each of five otherwise separate units links them by one
    rater, not by the ten unit pairs it touches (rater-vertex cut, not edge count)."""
    rng = np.random.default_rng(5)
    rows = []
    for u in range(5):
        m = [f"{u}{i}" for i in range(6)]
        for i in m:
            for j in rng.choice([x for x in m if x != i], 3, replace=False):
                rows.append((i, j))
        rows.append((m[0], "kepala"))
    r = pd.DataFrame(rows, columns=["nip", "nip_penilai"]).assign(
        peran_penilai="rekan", aspek="a", nilai=rng.integers(1, 6, len(rows)).astype(float)
    )
    peg = pd.DataFrame({"nip": [f"{u}{i}" for u in range(5) for i in range(6)]})
    peg["unit_kerja"] = "U" + peg["nip"].str[0]
    peg = pd.concat([peg, pd.DataFrame({"nip": ["kepala"], "unit_kerja": ["Pimpinan"]})])
    fx = _fit(r, peg)
    assert fx.info["kekuatan_hubungan"] == 1
    assert fx.ratees["dapat_dibandingkan"].sum() == 6  # one unit is the reference


def test_calibrate_distribution_does_not_mix_components():
    ratings, pegawai, _ = design(seed=1, gap_rater=0.8)
    fx = _fit(ratings, pegawai)
    s = fx.ratees[["skor_terkalibrasi", "kelas_banding", "alasan_banding"]].join(
        pegawai.set_index("nip")
    )
    s["predikat"] = "Baik"
    prop = kc.calibrate.calibrate_distribution(s, "Baik")
    selatan = set(pegawai.loc[pegawai["wilayah"] == "Selatan", "nip"])
    utara = set(pegawai["nip"]) - selatan
    # every mover is from the main region; Selatan is reported apart, with the reason
    assert len(prop.perpindahan) and set(prop.perpindahan["nip"]) <= utara
    assert set(prop.tidak_dibandingkan["nip"]) == selatan
    assert prop.tidak_dibandingkan["alasan"].str.startswith("tidak terhubung").all()
    assert prop.ringkasan[["n_pegawai", "n_tidak_dibandingkan"]].values.tolist() == [[60, 40]]
    # the curve (Baik ≤ 70 %) is applied to the 60 comparable pegawai: 60 − 42 = 18 moves
    assert len(prop.perpindahan) == 18
    assert prop.predikat.set_index("nip").loc[sorted(selatan), "dibandingkan"].eq(False).all()
    assert len(prop.predikat) == 100
    assert "40 pegawai tidak diikutkan" in prop.catatan
    # without the class column the two regions are ranked together (the old behaviour):
    # Selatan keeps its raters' +0.8 leniency, so 29–30 of the 30 moved down are from Utara
    # (30 with the adaptive rater weights, 29 with the fixed prior before) although Utara
    # holds 60 % of the pegawai (18 of 30 expected if the ranking were fair)
    mixed = kc.calibrate.calibrate_distribution(s, "Baik", kelas=None)
    assert len(mixed.perpindahan) == 30 and mixed.tidak_dibandingkan.empty
    assert mixed.perpindahan["nip"].isin(utara).sum() >= 29


def test_calibrate_distribution_connected_unchanged():
    ratings, pegawai, _ = design(seed=2, anchors=12)
    fx = _fit(ratings, pegawai)
    s = fx.ratees[["skor_terkalibrasi", "kelas_banding"]].join(pegawai.set_index("nip"))
    s["predikat"] = "Baik"
    a = kc.calibrate.calibrate_distribution(s, "Baik")
    b = kc.calibrate.calibrate_distribution(s, "Baik", kelas=None)
    assert a.tidak_dibandingkan.empty
    pd.testing.assert_frame_equal(a.perpindahan, b.perpindahan)


# --------------------------------------------------------------------------- ordinal model
TAU = np.array([-1.5, -0.5, 0.5, 1.5])


def rasch_design(seed: int, gap: float = 1.0, sd_c: float = 0.5, connected: bool = False):
    """Ratings 1–5 drawn from the rating-scale Rasch model (thresholds ``TAU``): ratee
    measures N(0, 1) (+ ``gap`` in the second region), rater severities N(0, sd_c²), 4 rekan
    of the unit and one of another unit per ratee (of the same region unless ``connected``),
    3 aspects."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(10), 10)
    wil = (unit >= 6).astype(int)
    n = len(unit)
    nip = np.array([f"19{i:06d}" for i in range(n)])
    b = rng.normal(0, 1, n) + gap * wil
    c = rng.normal(0, sd_c, n)
    ratee, rater = [], []
    for u in range(10):  # test data only
        m = np.flatnonzero(unit == u)
        same = wil == wil[m[0]] if not connected else np.ones(n, bool)
        o = np.flatnonzero(same & (unit != u))
        for i in m:
            ratee += [i] * 5
            rater += [*rng.choice(m[m != i], 4, replace=False), rng.choice(o)]
    r = np.repeat(ratee, 3)
    j = np.repeat(rater, 3)
    p = kc.calibrate.category_probabilities(b[r] - c[j], TAU)
    x = (p.cumsum(axis=1) > rng.random(len(r))[:, None]).argmax(axis=1) + 1
    ratings = pd.DataFrame(
        {
            "nip": nip[r],
            "nip_penilai": nip[j],
            "peran_penilai": "rekan",
            "aspek": np.tile(["a", "b", "c"], len(ratee)),
            "nilai": x.astype(float),
        }
    )
    fair = kc.calibrate.category_probabilities(b, TAU) @ np.arange(5) + 1
    return ratings, pd.Series(fair, index=nip), pd.Series(c, index=nip), wil


def _fair_gap(fx, fair: pd.Series, wil: np.ndarray) -> tuple[float, float]:
    """Share of the true between-region gap in fair averages that the fit keeps, and the
    correlation of its fair averages with the true ones."""
    m = fx.ratees["skor_terkalibrasi"].reindex(fair.index).to_numpy()
    t = fair.to_numpy()
    gap = (m[wil == 1].mean() - m[wil == 0].mean()) / (t[wil == 1].mean() - t[wil == 0].mean())
    return float(gap), float(np.corrcoef(m, t)[0, 1])


def test_ordinal_centres_per_component():
    """Two regions sharing no rater, the second region's pegawai 1 logit better and raters
    equally severe on average. Measured (seed 0): per-component centring with estimated prior
    SDs keeps 0.85 of the true gap in fair averages (r 0.956 with the true fair averages);
    global centring keeps 0.68, and the former default (global, prior_sd=3) 0.46 (r 0.915)."""
    ratings, fair, _, wil = rasch_design(seed=0)
    fits = {
        "component": _fit(ratings, None, method="ordinal"),
        "global": _fit(ratings, None, method="ordinal", centre="global"),
        "former": _fit(ratings, None, method="ordinal", centre="global", prior_sd=3.0),
    }
    gap = {k: _fair_gap(fx, fair, wil) for k, fx in fits.items()}
    assert gap["component"][0] == pytest.approx(0.85, abs=0.03)
    assert gap["global"][0] == pytest.approx(0.68, abs=0.03)
    assert gap["former"][0] == pytest.approx(0.46, abs=0.03)
    assert gap["component"][1] - gap["former"][1] > 0.03
    # rater severities have mean 0 within each component
    kep = fits["component"].raters.groupby("komponen")["keparahan"].mean()
    np.testing.assert_allclose(kep.to_numpy(), 0.0, atol=1e-9)
    assert fits["component"].info["sentring"] == "component"


@pytest.mark.parametrize("sd_c", [0.5, 1.0])
def test_ordinal_prior_sd_estimated_per_facet(sd_c):
    """The estimated SDs follow the truth's ratio of rater to ratee spread (1 logit for
    ratees): measured 0.43–0.52 for 0.5 and 0.98–1.13 for 1.0 over seeds 0–2."""
    for seed in range(3):
        ratings, _, _, _ = rasch_design(seed, gap=0.0, sd_c=sd_c, connected=True)
        sd = _fit(ratings, None, method="ordinal").info["prior_sd"]
        assert sd["penilai"] / sd["pegawai"] == pytest.approx(sd_c, rel=0.25)
        assert 0.6 < sd["pegawai"] < 1.1


def test_ordinal_prior_sd_override():
    ratings, _, _, _ = rasch_design(1, gap=0.0, connected=True)
    assert _fit(ratings, None, method="ordinal", prior_sd=3.0).info["prior_sd"] == {
        "pegawai": 3.0,
        "penilai": 3.0,
    }
    sd = _fit(ratings, None, method="ordinal", prior_sd={"penilai": 0.2}).info["prior_sd"]
    assert sd["penilai"] == 0.2 and sd["pegawai"] != 0.2
    for bad in ("kira-kira", -1.0, {"aspek": 1.0}):
        with pytest.raises(kc.ParameterError):
            _fit(ratings, None, method="ordinal", prior_sd=bad)


@pytest.mark.parametrize(("per_side", "kappa", "comparable"), [(1, 2, 14), (2, 4, 18)])
def test_links_through_a_third_group_add_up(per_side, kappa, comparable):
    """Unit A (4 pegawai) shares ``per_side`` raters with each of B and C (7 each), which
    share 5: A's connectivity to the main group is the sum over both routes (rater-disjoint
    paths), not the best single pair."""
    rng = np.random.default_rng(8)
    units = {"A": 4, "B": 7, "C": 7}
    nips = {u: [f"{u}{i}" for i in range(k)] for u, k in units.items()}
    rows = [(i, j) for m in nips.values() for i in m for j in m if i != j]
    rows += [(nips["C"][k], nips["B"][k]) for k in range(5)]  # B's raters also rate C
    for k in range(per_side):
        rows += [(nips["A"][k], nips["B"][6 - k]), (nips["A"][3 - k], nips["C"][6 - k])]
    r = pd.DataFrame(rows, columns=["nip", "nip_penilai"]).assign(
        peran_penilai="rekan", aspek="x", nilai=rng.integers(1, 6, len(rows)).astype(float)
    )
    peg = pd.DataFrame(
        {
            "nip": sum(nips.values(), []),
            "unit_kerja": [u for u, k in units.items() for _ in range(k)],
        }
    )
    fx = _fit(r, peg)
    assert fx.info["kekuatan_hubungan"] == kappa
    assert int(fx.ratees["dapat_dibandingkan"].sum()) == comparable


def test_empty_result_has_the_comparability_columns():
    r = pd.DataFrame(
        {"nip": ["a", "b"], "nip_penilai": ["a", "b"], "peran_penilai": "diri", "aspek": "x"}
    ).assign(nilai=[4.0, 5.0])
    fx = kc.calibrate.rater_effects(r)
    assert {"dapat_dibandingkan", "kelas_banding", "alasan_banding"} <= set(fx.ratees.columns)
    assert fx.info["tidak_dibandingkan"].empty and np.isnan(fx.info["kekuatan_hubungan"])
