"""Issue 13, "thresholds are exact": every score is compared with a rules threshold at 9 decimals.

The thresholds are read from the rules files themselves. ``test_every_threshold_is_tested``
walks every rules file and fails when a threshold appears that no test below drives, so a new
threshold (or a new rules file) cannot be forgotten silently.

For each threshold ``t`` (or the half-up boundary ``b = t − ½ step`` where the rules round
first) the tests put values *at* it computed the noisy way (weighted means, sums of
fractions, products) and one ulp either side — all must count as reaching it — and values
``10**-PRESISI``, 1e-6 and 0.25 below (below it) and above (reaching it).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from _workbook_kecil import NIP, tables

import kinerja_calib as kc
from kinerja_calib import competency, labels, scoring, survey, talent
from kinerja_calib._precision import PRESISI, bulatkan, bulatkan_setengah_atas, tingkat
from kinerja_calib.calibrate._distribution import _limit
from kinerja_calib.indicators import capaian, capaian_pegawai, target_efektif

STEP = 10.0**-PRESISI
B, S, A = labels.RATING
K_M = labels.PREDIKAT[1]


# --------------------------------------------------------------------------- helpers
def noisy(t: float) -> dict[str, float]:
    """Values equal to ``t`` on paper, computed the way the package computes scores."""
    forms = {
        # the 360 composite: atasan t − 1, three rekan t + 2, weights 0.4 / 0.2
        "komposit 0,4/0,2": (0.4 * (t - 1) + 0.2 * (t + 2)) / (0.4 + 0.2),
        "nilai 0,6/0,4": 0.6 * (t + 2) + 0.4 * (t - 3),
        "nilai 0,7/0,3": 0.7 * (t + 3) + 0.3 * (t - 7),
        "jumlah sepersepuluh": sum([t / 10] * 10),
        "jumlah sepertiga": sum([t / 3] * 3),
        "rerata sembilan unsur": sum([t / 25] * 9) / 9 * 25,
        "kali 0,1 bagi 0,1": t * 0.1 / 0.1,
        "persen dari rasio": (t / 100 * 0.3) / 0.3 * 100,
        "tambah lalu kurangi 0,1": (t + 0.1) - 0.1,
        "kurangi lalu tambah 0,7": (t - 0.7) + 0.7,
        "kali lalu bagi 1,1": t * 1.1 / 1.1,
        "ulp bawah": float(np.nextafter(t, -np.inf)),
        "ulp atas": float(np.nextafter(t, np.inf)),
    }
    return forms


def at_and_around(b: float) -> tuple[list[float], list[float]]:
    """(values that must reach the boundary ``b``, values that must stay below it)."""
    reach = [*noisy(b).values(), b, b + STEP, b + 1e-6, b + 0.25]
    below = [b - STEP, b - 1e-6, b - 0.25]
    return reach, below


def _assert_noise_is_real(b: float) -> None:
    """The noisy forms really produce float noise (else the test would prove nothing); a
    boundary that binary cannot hold exactly (76.605 is 76.60499999999999…) is noisy itself."""
    off = [k for k, v in noisy(b).items() if v != b and not k.startswith("ulp")]
    inexact = Fraction(b) != Fraction(repr(b))
    assert off or inexact or b == 0.0, f"no noisy form differs from {b!r}; add one"


def _ascending(bands, key: str = "batas_bawah") -> list[float]:
    return sorted(float(x[key]) for x in bands)


# --------------------------------------------------------------------------- the helper
def test_presisi_helper_documented_contract():
    assert PRESISI == 9
    assert float(bulatkan((0.4 * 2 + 0.2 * 5) / 0.6)) == 3.0
    assert float(bulatkan(0.2 * 15)) == 3.0 and float(bulatkan(0.7 * 3)) == 2.1
    # a difference a person can write down (1e-9) still decides; float noise does not
    assert tingkat(3.0 - STEP, [3.0]).item() == 0
    assert tingkat(np.nextafter(3.0, 0), [3.0]).item() == 1
    assert tingkat([np.nan, -np.inf, np.inf], [0.0]).tolist() == [-1, 0, 1]
    assert tingkat(np.zeros((2, 3)), [0.0, 1.0]).shape == (2, 3)
    # halves go up after the noise is removed: 76.605 is 76.60499999999999 in binary
    assert float(bulatkan_setengah_atas(76.605, 2)) == 76.61
    assert float(bulatkan_setengah_atas(0.995 * 100)) == 100.0
    assert np.isnan(bulatkan_setengah_atas(np.nan))


# --------------------------------------------------------------------------- coverage
# A threshold is a numeric leaf whose key holds one of these, or the ``capaian`` of a
# nilai_capaian_iki break point. Scale bounds (``skala``, ``level``: ranges that validate data
# as entered) and formula constants are not compared with computed scores.
_THRESHOLD_KEYS = (
    "batas",
    "ambang",
    "proporsi",
    "minimal_",
    "maksimum_per_indikator",
    "sebagian_besar",
)

# Every threshold of every rules file, as a path with list items written [*], and the test
# that drives it. A rules change adding a threshold makes test_every_threshold_is_tested fail.
COVERED = {
    "permenpanrb-6-2022": {
        "ambang.capaian.batas_bawah": "test_rating_thresholds",
        "ambang.capaian.batas_atas": "test_rating_thresholds",
        "ambang.perilaku.batas_bawah": "test_rating_thresholds",
        "ambang.perilaku.batas_atas": "test_rating_thresholds",
        "kurva.*[*].proporsi": "test_kurva_counts_are_exact",
        "kurva.*[*].minimal_orang": "test_kurva_counts_are_exact",
        "capaian.maksimum_per_indikator": "test_capaian_cap_per_indicator",
        "rating_per_butir.sebagian_besar": "test_sebagian_besar_share_is_exact",
        "cek_smart.minimal_indikator": "test_cek_smart_minimal_counts",
        "cek_smart.minimal_realisasi": "test_cek_smart_minimal_counts",
        "cek_smart.minimal_pemegang": "test_cek_smart_minimal_counts",
        "keterbandingan.minimal_penghubung": "test_minimal_penghubung_boundary",
    },
    "pp-30-2019": {
        "predikat.pita[*].batas_bawah": "test_pp30_bands",
        "nilai_capaian_iki.titik[*].capaian": "test_nilai_capaian_iki_breakpoints",
    },
    "pp-46-2011": {
        "sebutan.pita[*].batas_bawah": "test_pp46_bands",
        "waktu_biaya.ambang_efisiensi": "test_pp46_efisiensi_24",
        "tambahan.tugas_tambahan_batas": "test_pp46_tugas_tambahan_counts",
    },
    "skm-14-2017": {
        "interval.batas_bawah_nik": "test_ikm_categories",
        "interval.batas_atas_nik": "test_ikm_interval_table_consistent",
        "interval.batas_bawah_ni": "test_ikm_interval_table_consistent",
        "interval.batas_atas_ni": "test_ikm_interval_table_consistent",
    },
    "kompetensi-38-2017": {
        "jpm.kategori.batas_bawah": "test_jpm_categories",
    },
    "talenta-3-2020": {
        "pendidikan_lanjutan.minimal_kompetensi_kurang": "test_talenta_minimal_kompetensi_kurang",
    },
}


def _threshold_paths(node, path: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict) or hasattr(node, "items"):
        for k, v in node.items():
            sub = f"{path}.{k}" if path else str(k)
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            numeric = numeric or (
                isinstance(v, tuple | list)
                and v
                and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
            )
            if numeric and any(s in str(k) for s in _THRESHOLD_KEYS):
                found.add(sub)
            elif numeric and str(k) == "capaian" and "titik" in path:
                found.add(sub)
            else:
                found |= _threshold_paths(v, sub)
    elif isinstance(node, tuple | list):
        for v in node:
            found |= _threshold_paths(v, f"{path}[*]")
    return found


def _normalise(p: str) -> str:
    parts = p.split(".")
    if parts[0] == "kurva" and len(parts) > 2:  # kurva.<predikat organisasi>[*].x
        head = parts[1].split("[", 1)
        parts[1] = "*" + ("[" + head[1] if len(head) > 1 else "")
    return ".".join(parts)


def test_every_threshold_is_tested():
    assert set(kc.rules.available()) == set(COVERED), "a new rules file needs threshold tests"
    for name in kc.rules.available():
        r = kc.rules.load(name)
        found = {_normalise(p) for p in _threshold_paths(r)}
        assert found == set(COVERED[name]), (
            f"{name}: thresholds without a test {sorted(found - set(COVERED[name]))}; "
            f"stale entries {sorted(set(COVERED[name]) - found)}"
        )
    # the tests named above exist
    for tests in COVERED.values():
        for t in tests.values():
            assert callable(globals()[t]), t


# --------------------------------------------------------------------------- PP 46/2011 tugas tambahan
def test_pp46_tugas_tambahan_counts():
    """A count reaching a batas earns that level's points; one below earns the level before."""
    from kinerja_calib.tahunan import nilai_skp_pp46

    t = kc.rules.load("pp-46-2011")["tambahan"]
    batas, poin = list(t["tugas_tambahan_batas"]), list(t["tugas_tambahan"])
    at = nilai_skp_pp46(np.zeros(len(batas)), [int(b) for b in batas])
    below = nilai_skp_pp46(np.zeros(len(batas)), [int(b) - 1 for b in batas])
    np.testing.assert_array_equal(at, poin)
    np.testing.assert_array_equal(below, [0.0, *poin[:-1]])


# --------------------------------------------------------------------------- SMART practice counts
def test_cek_smart_minimal_counts():
    """Each count of the SMART check warns at the rules value and is quiet one below it."""
    from test_indicators_smart import _catalogue, _history

    from kinerja_calib.indicators import check_smart

    r = kc.rules.load("permenpanrb-6-2022")
    n_ind = int(r["cek_smart"]["minimal_indikator"])
    lopsided = [90.0] + [10.0 / (n_ind - 1)] * (n_ind - 1)
    names = [f"Jumlah dokumen {i}" for i in range(n_ind)]
    assert check_smart(_catalogue(names, "naik", lopsided))["temuan"].str.startswith("Bobot").any()
    assert check_smart(
        _catalogue(names[:-1], "naik", [90.0] + [10.0 / (n_ind - 2)] * (n_ind - 2))
    ).empty
    # the history check: 3 past values per holder; far target (500 against 40-60)
    ind = _catalogue([f"Jumlah surat {i}" for i in range(n_ind)], "naik")
    ind.loc[0, "target"] = 500.0
    holders = int(r["cek_smart"]["minimal_pemegang"])
    warned = lambda h, **o: (  # noqa: E731
        check_smart(ind, realisasi=_history(h), rules=kc.rules.load(overrides=o))["kriteria"] == "A"
    ).any()
    assert warned(holders) and not warned(holders - 1)
    # minimal_realisasi: with one holder allowed, 3 values reach a threshold of 3, not of 4
    assert int(r["cek_smart"]["minimal_realisasi"]) == 3
    assert warned(1, **{"cek_smart.minimal_pemegang": 1})
    assert not warned(1, **{"cek_smart.minimal_pemegang": 1, "cek_smart.minimal_realisasi": 4})


# --------------------------------------------------------------------------- ratings (6/2022)
_RATING_FN = {"capaian": scoring.rating_hasil_kerja, "perilaku": scoring.rating_perilaku}


def test_rating_thresholds():
    r = kc.rules.load("permenpanrb-6-2022")
    assert set(r["ambang"]) == set(_RATING_FN), "a new ambang section needs its rating function"
    for bagian, fn in _RATING_FN.items():
        a = r["ambang"][bagian]
        for t, at, below in ((a["batas_bawah"], S, B), (a["batas_atas"], A, S)):
            _assert_noise_is_real(t)
            reach, under = at_and_around(float(t))
            got = fn(pd.Series(reach + under), rules=r)
            expected = [at] * len(reach) + [below] * len(under)
            assert got.astype(str).tolist() == expected, (bagian, t, reach + under)
            # scalar and ndarray paths agree
            assert [fn(v, rules=r) for v in reach + under] == expected
            assert list(fn(np.array(reach + under), rules=r)) == expected


def test_worked_example_360_rating_and_predikat():
    # issue 13: atasan 2 and three rekan 5 under role weights 0.4 / 0.2
    skor = (0.4 * 2 + 0.2 * 5) / (0.4 + 0.2)
    assert skor == 2.9999999999999996  # the float noise the issue found
    assert scoring.rating_perilaku(skor) == S
    assert scoring.predikat(S, scoring.rating_perilaku(skor)) == "Baik"
    from kinerja_calib.simulate._analysis import _rating3

    assert _rating3(np.array([skor, np.nextafter(4.0, 0), 3.0 - STEP]), 3.0, 4.0).tolist() == [
        1,
        2,
        0,
    ]


def _worked_example_tables() -> dict[str, pd.DataFrame]:
    """Pegawai d: capaian 94 % (Sesuai); 360 = atasan 2 and three rekan 5 on every aspect."""
    t = tables()
    p = t["penilaian_360"]
    d = NIP["d"]
    keep = ~((p["nip"] == d) & (p["peran_penilai"].isin(["atasan", "rekan"])))
    rows = []
    for periode in ("2026-S1", "2026-S2"):
        for aspek in ("berorientasi_pelayanan", "akuntabel"):
            rows.append((periode, d, NIP["kepala"], "atasan", aspek, 2.0))
            for k in ("a", "b", "c"):
                rows.append((periode, d, NIP[k], "rekan", aspek, 5.0))
    t["penilaian_360"] = pd.concat(
        [p[keep], pd.DataFrame(rows, columns=p.columns)], ignore_index=True
    )
    return t


def test_worked_example_end_to_end_score_workbook():
    wb = kc.data.validate_tables(_worked_example_tables(), source="uji-ambang")
    key = (NIP["d"], "2026-S1")
    # the average rule (before issue 19): the composite 2.9999999999999996 is 3.0
    rata = kc.rules.load("permenpanrb-6-2022", overrides={"rating_per_butir.metode": "rata_rata"})
    s = kc.score_workbook(wb, rules=rata).set_index(["nip", "periode"])
    row = s.loc[key]
    assert row["skor_perilaku"] == pytest.approx(3.0, abs=1e-12)
    assert row["rating_hasil_kerja"] == S
    assert row["rating_perilaku"] == S
    assert row["predikat"] == "Baik"  # was Kurang/Misconduct on the raw float
    assert row["metode_rating"] == "rata_rata" and row["penentu_perilaku"] == "komposit_360"
    # per item with the 360 composite deciding: each aspect's composite is the same noisy 3.0
    kom = kc.rules.load("permenpanrb-6-2022", overrides={"perilaku.penentu": "komposit_360"})
    k = kc.score_workbook(wb, rules=kom).set_index(["nip", "periode"]).loc[key]
    assert (k["rating_perilaku"], k["predikat"], k["n_aspek_di_bawah"]) == (S, "Baik", 0)
    assert k["penentu_perilaku"] == "komposit_360" and not k["selisih_360"]
    # per item with the atasan deciding (the default): the atasan's 2 on both aspects is
    # below expectation; the rekan's 5s are shown as a discrepancy to discuss
    d = kc.score_workbook(wb).set_index(["nip", "periode"]).loc[key]
    assert (d["rating_perilaku"], d["predikat"], d["n_aspek_di_bawah"]) == (B, K_M, 2)
    assert d["penentu_perilaku"] == "atasan" and d["metode_rating"] == "per_butir"
    assert d["rating_360_lain"] == A and d["selisih_360"]
    # PP 30/2019: the 360 composite converts to exactly 90 (konversi_perilaku 3 → 90)
    s30 = kc.score_workbook(wb, rules="pp-30-2019").set_index(["nip", "periode"])
    assert s30.loc[(NIP["d"], "2026-S1"), "nilai_perilaku"] == 90.0
    # 9-box: predikat Baik → kinerja "Sesuai ekspektasi" → kotak 5 with potensi menengah
    peta = talent.peta_talenta(
        pd.DataFrame({"nip": [NIP["d"]], "kinerja": [row["predikat"]], "potensi": ["menengah"]})
    )
    assert peta["kotak"].tolist() == [5]


def test_capaian_per_indicator_noisy_at_rating_thresholds():
    """capaian() of naik / turun indicators whose decimal capaian is exactly a threshold."""
    r = kc.rules.load("permenpanrb-6-2022")
    a = r["ambang"]["capaian"]
    cases = []
    for t, at in ((a["batas_bawah"], S), (a["batas_atas"], A)):
        ft = Fraction(str(t)) / 100
        for T in ("0.3", "0.7", "1.1", "6.1", "12.7", "7", "100"):
            for arah, ratio in (("naik", ft), ("turun", 2 - ft)):
                R = Fraction(T) * ratio
                cases.append((float(R), float(T), arah, at))
    got = [capaian(R, T, arah) for R, T, arah, _ in cases]
    assert any(g != round(g) for g in got), "no noisy capaian among the cases"
    assert any(g < round(g) for g in got), "no capaian noisy below its threshold"
    ratings = scoring.rating_hasil_kerja(np.array(got), rules=r)
    assert list(ratings) == [c[3] for c in cases]


def test_capaian_range_bounds_are_exact():
    # realisasi computed as 0.1 * 3 (0.30000000000000004) and 0.1 * 7 (0.7000000000000001)
    _, inside = target_efektif(np.array([0.1 * 3, 0.1 * 7, 0.3 - 1e-6]), 0.3, 0.7)
    assert inside.tolist() == [True, True, False]
    got = capaian(np.array([0.1 * 3, 0.1 * 7]), 0.3, target_max=0.7)
    assert got.tolist() == [100.0, 100.0]  # dalam_rentang, not 100.00000000000001


def test_capaian_pegawai_end_to_end_noisy_mean():
    """Pegawai whose indicators are exactly 80 % / 110 % on paper (``turun`` indicators
    whose float capaian is 79.99999999999999 / 109.99999999999999) are rated at the
    threshold: Sesuai / Di atas ekspektasi."""
    t = tables()
    ind, rea = t["indikator"], t["realisasi"]
    ind.loc[ind["kode_indikator"] == "P1", ["target", "arah"]] = [6.1, "turun"]
    ind.loc[ind["kode_indikator"] == "P2", ["target", "arah"]] = [12.7, "turun"]
    for k, (p1, p2) in {"a": (7.32, 15.24), "d": (5.49, np.nan)}.items():
        m = rea["nip"] == NIP[k]
        rea.loc[m & (rea["kode_indikator"] == "P1"), "realisasi"] = p1
        rea.loc[m & (rea["kode_indikator"] == "P2"), "realisasi"] = p2
    t["realisasi"] = rea.dropna(subset=["realisasi"])
    wb = kc.data.validate_tables(t, source="uji-capaian")
    cp = capaian_pegawai(wb).per_pegawai.set_index(["nip", "periode"])["capaian"]
    a, d = cp[(NIP["a"], "2026-S1")], cp[(NIP["d"], "2026-S1")]
    assert (a, d) == (79.99999999999999, 109.99999999999999)  # the float noise
    assert scoring.rating_hasil_kerja(a) == S
    assert scoring.rating_hasil_kerja(d) == A
    s = kc.score_workbook(wb).set_index(["nip", "periode"])
    assert s.loc[(NIP["a"], "2026-S1"), "rating_hasil_kerja"] == S
    assert s.loc[(NIP["d"], "2026-S1"), "rating_hasil_kerja"] == A


def test_capaian_cap_per_indicator():
    """An indicator over the cap counts as the cap exactly; the weighted mean that is 110 on
    paper (60 × 120 + 40 × 95) / 100 is rated Di atas ekspektasi."""
    r = kc.rules.load("permenpanrb-6-2022")
    cap = float(r["capaian"]["maksimum_per_indikator"])
    t = tables()
    rea = t["realisasi"]
    m = rea["nip"] == NIP["a"]
    over = cap + 10.0
    rea.loc[m & (rea["kode_indikator"] == "P1"), "realisasi"] = over  # target 100 → over %
    rea.loc[m & (rea["kode_indikator"] == "P2"), "realisasi"] = 31.5  # turun, 30 → 95 %
    wb = kc.data.validate_tables(t, source="uji-batas")
    cp = capaian_pegawai(wb, rules=r)
    per = cp.per_pegawai.set_index(["nip", "periode"])["capaian"]
    mean = per[(NIP["a"], "2026-S1")]
    assert mean == pytest.approx((60 * cap + 40 * 95) / 100)
    assert scoring.rating_hasil_kerja(mean, rules=r) == A
    # the cap itself reached by noise (0.1 × 1200 = 120.00000000000001) is the cap
    assert scoring.rating_hasil_kerja(np.clip(0.1 * 1200, None, cap), rules=r) == A


def test_sebagian_besar_share_is_exact():
    """The share of items of one rating is compared with ``sebagian_besar`` at 9 decimals:
    a share equal to it on paper is not "more", one item more is (issue 19)."""
    r0 = kc.rules.load("permenpanrb-6-2022")
    t = float(r0["rating_per_butir"]["sebagian_besar"])
    # k of n items above with k / n == t on paper, for the default and other values
    for s, k, n in ((t, 2, 4), (0.6, 3, 5), (2 / 3, 2, 3), (0.75, 3, 4)):
        for noisy_s in (s, float(np.nextafter(s, 0)), float(np.nextafter(s, 1)), (s + 0.1) - 0.1):
            r = kc.rules.load(
                "permenpanrb-6-2022", overrides={"rating_per_butir.sebagian_besar": noisy_s}
            )
            for above, expected in ((k, S), (k + 1, A)):
                d = pd.DataFrame({"nip": "X", "rating": [A] * above + [S] * (n - above)})
                got = scoring.agregasi_rating(d, "nip", rules=r)["rating"].iloc[0]
                assert got == expected, (s, noisy_s, above, n)


# --------------------------------------------------------------------------- PP 30/2019
def test_pp30_bands():
    r = kc.rules.load("pp-30-2019")
    pita = r["predikat"]["pita"]
    names = [b["label"] for b in pita][::-1]  # low → high
    lows = _ascending(pita)
    for i, t in enumerate(lows):
        _assert_noise_is_real(t)
        reach, under = at_and_around(t)
        got = scoring.predikat_pp30(pd.Series(reach + under), inovasi=True, rules=r)
        expected = [names[i]] * len(reach) + [names[max(i - 1, 0)]] * len(under)
        assert got.astype(str).tolist() == expected, t
    # the composite the package computes: 0.6 × SKP + 0.4 × perilaku, exactly on 90 and 110
    for t, label in ((90.0, "Baik"), (110.0, "Sangat Baik")):
        v = scoring.nilai_pp30(t + 2, t - 3, rules=r, pakai_360=True)
        assert scoring.predikat_pp30(v, inovasi=True, rules=r) == label
    assert scoring.predikat_pp30(np.nextafter(110.0, 0), inovasi=False, rules=r) == "Baik"


def test_nilai_capaian_iki_breakpoints():
    r = kc.rules.load("pp-30-2019")
    titik = r["nilai_capaian_iki"]["titik"]
    for tt in titik:
        c, v = float(tt["capaian"]), float(tt["nilai_iki"])
        for x in noisy(c).values():
            assert scoring.nilai_capaian_iki(x, rules=r) == v, (c, x)
    # celah = "bulatkan": the half-up boundary c − 0.5 computed noisily (0.995 × 100) → c
    rb = kc.rules.load("pp-30-2019", overrides={"nilai_capaian_iki.celah": "bulatkan"})
    for tt in titik:
        c = float(tt["capaian"])
        if c == 0.0:
            continue
        want_at = scoring.nilai_capaian_iki(c, rules=r)
        want_below = scoring.nilai_capaian_iki(c - 1.0, rules=r)
        reach, under = at_and_around(c - 0.5)
        reach = [x for x in reach if x < c + 0.5]
        reach.append((c - 0.5) / 100 * 100)
        got = scoring.nilai_capaian_iki(np.array(reach + under), rules=rb).tolist()
        assert got == [want_at] * len(reach) + [want_below] * len(under), c
    assert scoring.nilai_capaian_iki(0.995 * 100, rules=rb) == 109.0  # 99.49999999999999
    # target maksimal: a capaian of 100 % computed noisily still earns 120
    tm = r["nilai_capaian_iki"]["target_maksimal_nilai"]
    got = scoring.nilai_capaian_iki(
        np.array([*noisy(100.0).values(), 100.0 - STEP]), target_maksimal=True, rules=r
    )
    assert got[:-1].tolist() == [tm] * len(noisy(100.0))
    assert got[-1] < tm


# --------------------------------------------------------------------------- PP 46/2011
@pytest.mark.parametrize("pecahan", ["turun", "bulatkan"])
def test_pp46_bands(pecahan):
    r = kc.rules.load("pp-46-2011", overrides={"sebutan.pecahan": pecahan})
    pita = r["sebutan"]["pita"]
    names = [b["label"] for b in pita][::-1]
    half = 0.5 if pecahan == "bulatkan" else 0.0
    for i, t in enumerate(_ascending(pita)):
        if t == 0.0 and half:
            continue  # nothing below the lowest band
        b = t - half
        _assert_noise_is_real(b)
        reach, under = at_and_around(b)
        got = scoring.sebutan_pp46(pd.Series(reach + under), rules=r)
        expected = [names[i]] * len(reach) + [names[max(i - 1, 0)]] * len(under)
        assert got.astype(str).tolist() == expected, (pecahan, t)
    # 60 % SKP + 40 % perilaku exactly on 76
    assert scoring.sebutan_pp46(scoring.nilai_pp46(78.0, 73.0, rules=r), rules=r) == "Baik"


def test_pp46_efisiensi_24():
    r = kc.rules.load("pp-46-2011")
    amb = float(r["waktu_biaya"]["ambang_efisiensi"])
    ratio = (100 - Fraction(str(amb))) / 100  # 0.76
    pairs = []
    for T in ("0.05", "0.29", "0.07", "2.5", "12", "0.22"):
        pairs.append((float(Fraction(T) * ratio), float(T)))
    effs = [100 - R / T * 100 for R, T in pairs]
    assert any(e > amb for e in effs) and any(e < amb for e in effs), effs  # noise both ways
    got = scoring.nilai_waktu_biaya(
        np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    )
    assert got.tolist() == [100.0] * len(pairs)  # efisiensi = 24 % → first branch
    # efisiensi 24 % + δ: the second branch, 76 − δ ; 24 % − δ: the first, 100 + δ
    for d in (STEP * 10, 1e-6, 0.25):
        T = 10.0
        above = scoring.nilai_waktu_biaya((float(ratio) - d / 100) * T, T, rules=r)
        below = scoring.nilai_waktu_biaya((float(ratio) + d / 100) * T, T, rules=r)
        assert above == pytest.approx(76.0 - d, abs=1e-9)
        assert below == pytest.approx(100.0 - d, abs=1e-9)


# --------------------------------------------------------------------------- SKM 14/2017
def test_ikm_categories():
    r = kc.rules.load("skm-14-2017")
    lows = [float(x) for x in r["interval"]["batas_bawah_nik"]]
    desimal = int(r["interval"]["desimal"])
    half = 0.5 * 10.0**-desimal
    for field, fn in (("mutu", survey.mutu), ("kinerja", survey.kinerja_unit)):
        names = list(r["interval"][field])
        for i, t in enumerate(lows):
            b = t - half  # 76.605 rounds half up to 76.61
            _assert_noise_is_real(b)
            reach, under = at_and_around(b)
            reach = [x for x in reach if x <= 100.0]
            got = fn(pd.Series(reach + under), rules=r)
            expected = [names[i]] * len(reach) + [names[max(i - 1, 0)]] * len(under)
            assert got.tolist() == expected, (field, t)
    # IKM of a survey that is exactly 65.00 on paper: 5 respondents, 117 points / 45 answers
    answers = np.array([3] * 27 + [2] * 18)  # mean 2.6 → ×25 = 65
    df = pd.DataFrame(answers.reshape(5, 9), columns=[f"u{i}" for i in range(1, 10)])
    out = survey.ikm(df, rules=r)
    assert out["ikm"].iloc[0] == pytest.approx(65.0)
    assert out["mutu"].iloc[0] == "C"
    assert survey.mutu(76.605, rules=r) == "B" and survey.mutu(76.605 - STEP, rules=r) == "C"


def test_ikm_interval_table_consistent():
    """The NI (1–4) table is the NIK (25–100) table ÷ 25, and the upper bounds close the gaps
    at the table's decimals — so classifying the NIK (as the code does) covers them all."""
    iv = kc.rules.load("skm-14-2017")["interval"]
    step = Fraction(1, 10 ** int(iv["desimal"]))
    lo_nik = [Fraction(str(x)) for x in iv["batas_bawah_nik"]]
    hi_nik = [Fraction(str(x)) for x in iv["batas_atas_nik"]]
    assert [h + step for h in hi_nik[:-1]] == lo_nik[1:]
    assert [Fraction(str(x)) for x in iv["batas_bawah_ni"]] == [x / 25 for x in lo_nik]
    assert [Fraction(str(x)) for x in iv["batas_atas_ni"]] == [x / 25 for x in hi_nik]
    for lo, hi, m in zip(iv["batas_bawah_nik"], iv["batas_atas_nik"], iv["mutu"], strict=True):
        assert survey.mutu(lo) == m and survey.mutu(hi) == m


# --------------------------------------------------------------------------- JPM
def test_jpm_categories():
    r = kc.rules.load("kompetensi-38-2017")
    names = list(r["jpm"]["kategori"]["nama"])
    for i, t in enumerate(float(x) for x in r["jpm"]["kategori"]["batas_bawah"]):
        _assert_noise_is_real(t)
        reach, under = at_and_around(t)
        got = competency.kategori_jpm(pd.Series(reach + under), rules=r)
        expected = [names[i]] * len(reach) + [names[max(i - 1, 0)]] * len(under)
        assert got.tolist() == expected, t
    assert competency.kategori_jpm(0.3 * 3 * 100, rules=r) == "Optimal"  # 89.99999999999999


# --------------------------------------------------------------------------- kurva
def _exact_batas(p: float, n: int, jenis: str, mo: int, mode: str) -> int:
    if math.isnan(p):
        return n if jenis == "maks" else mo
    pn = Fraction(str(p)) * n
    if mode == "ke_bawah_untuk_maks_ke_atas_untuk_min":
        v = math.floor(pn) if jenis == "maks" else math.ceil(pn)
    elif mode == "ke_atas_untuk_maks_ke_bawah_untuk_min":
        v = math.ceil(pn) if jenis == "maks" else math.floor(pn)
    else:
        v = math.floor(pn + Fraction(1, 2))
    return v if jenis == "maks" else max(v, mo)


_MODES = [
    "ke_bawah_untuk_maks_ke_atas_untuk_min",
    "ke_atas_untuk_maks_ke_bawah_untuk_min",
    "terdekat",
]


def test_kurva_counts_are_exact():
    r = kc.rules.load("permenpanrb-6-2022")
    cons = pd.concat(
        [scoring.kurva_constraints(o, r) for o in labels.PREDIKAT_ORGANISASI], ignore_index=True
    )
    n_rules = sum(len(v) for v in r["kurva"].values() if isinstance(v, tuple))
    assert len(cons) == n_rules  # every [[kurva.*]] entry is a constraint
    props = [*cons["proporsi"].tolist(), 0.2, 0.15, 0.35, 0.45]  # + instansi overrides
    mos = [*cons["minimal_orang"].tolist(), 0, 1, 2, 0]
    n = np.arange(1, 301)
    noisy_seen = 0
    for p, mo in zip(props, mos, strict=True):
        if not math.isnan(p):
            noisy_seen += int(np.sum(p * n != np.round(p * n)) > 0)
        for jenis in ("maks", "min"):
            for mode in _MODES:
                got = scoring._batas(p, n.astype(float), jenis, mo, mode)
                want = [_exact_batas(p, int(k), jenis, int(mo), mode) for k in n]
                assert got.astype(int).tolist() == want, (p, jenis, mode, mo)
                assert [_limit(p, int(k), jenis, int(mo), mode) for k in (3, 10, 15)] == [
                    want[2],
                    want[9],
                    want[14],
                ]
    assert noisy_seen > 0
    # the brief's example: 0.2 × 15 is 3 persons both ways (3.0000000000000004 in floats)
    assert scoring._batas(0.2, 15.0, "maks", 0, _MODES[0]) == 3
    assert scoring._batas(0.2, 15.0, "min", 0, _MODES[0]) == 3
    with pytest.raises(kc.errors.ParameterError, match="pembulatan"):
        scoring._batas(0.2, 15.0, "maks", 0, "acak")


@pytest.mark.parametrize("n", [10, 20, 30])
def test_cek_kurva_at_noisy_integer_count(n):
    # Baik: maks 70 % (0.7 × 10 = 7.000000000000001, × 20 = 14.000000000000002, × 30 = 21)
    k = round(0.7 * n)
    ok = ["Baik"] * k + ["Butuh Perbaikan"] * (n - k)
    assert cek_kurva_row(ok, "Baik-1")["terpenuhi"]
    bad = ["Baik"] * (k + 1) + ["Butuh Perbaikan"] * (n - k - 1)
    row = cek_kurva_row(bad, "Baik-1")
    assert (row["batas"], row["harus_pindah"], row["terpenuhi"]) == (k, 1, False)
    # the distribution proposal counts the same limit
    s = pd.DataFrame(
        {"nip": [f"{i:02d}" for i in range(n)], "kode_instansi": "X", "predikat": ok,
         "skor_terkalibrasi": np.arange(n, dtype=float)}
    )  # fmt: skip
    p = kc.calibrate.calibrate_distribution(s, "Baik")
    assert p.ringkasan["status"].tolist() == ["sudah sesuai"]


def cek_kurva_row(mix, aturan):
    v = scoring.check_kurva(mix, "Baik", semua=True)
    return v.set_index("aturan").loc[aturan]


# --------------------------------------------------------------------------- talenta
def test_talenta_minimal_kompetensi_kurang():
    r = kc.rules.load("talenta-3-2020")
    minimal = int(r["pendidikan_lanjutan"]["minimal_kompetensi_kurang"])
    rows, nips = [], []
    for n_kurang in (minimal - 1, minimal, minimal + 1):
        if n_kurang < 0:
            continue
        nip = f"19900101201501{n_kurang:04d}"
        nips.append((nip, n_kurang))
        for j in range(3):
            rows.append((nip, f"K{j}", 3, 2 if j < n_kurang else 3))
    komp = pd.DataFrame(rows, columns=["nip", "kompetensi", "level_standar", "level_aktual"])
    df = pd.DataFrame({"nip": [n for n, _ in nips], "kinerja": A, "potensi": "tinggi"})
    out = talent.peta_talenta(df, kompetensi=komp, rules=r)
    want = [k >= minimal for _, k in nips]
    assert out["usulan_pendidikan_lanjutan"].tolist() == want


# --------------------------------------------------------------------------- keterbandingan
def test_minimal_penghubung_boundary():
    """Two units linked by exactly the rules' minimum of distinct raters are comparable; one
    rater fewer and the smaller unit is not (rater_effects reads the rules value)."""
    import warnings

    k = int(kc.rules.load("permenpanrb-6-2022").get_path("keterbandingan.minimal_penghubung"))
    rng = np.random.default_rng(11)
    a = [f"a{i}" for i in range(12)]
    b = [f"b{i}" for i in range(8)]
    peg = pd.DataFrame({"nip": a + b, "unit_kerja": ["A"] * 12 + ["B"] * 8})

    def flags(n_link: int) -> pd.Series:
        rows = [(i, j) for unit in (a, b) for i in unit for j in unit if i != j]
        rows += [(b[m], a[m]) for m in range(n_link)]  # rater a[m] also rates b[m]
        r = pd.DataFrame(rows, columns=["nip", "nip_penilai"]).assign(
            peran_penilai="rekan", aspek="x", nilai=rng.integers(1, 6, len(rows)).astype(float)
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", kc.calibrate.PeringatanKalibrasi)
            fx = kc.calibrate.rater_effects(r, pegawai=peg)
        assert fx.info["kekuatan_hubungan"] == n_link
        return fx.ratees["dapat_dibandingkan"].groupby(peg.set_index("nip")["unit_kerja"]).all()

    assert flags(k).tolist() == [True, True]
    assert flags(k - 1).tolist() == [True, False]
