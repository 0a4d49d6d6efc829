"""Calibrated predikat (issue 19): rater severity removed, then rated as the rules say."""

from __future__ import annotations

import types

import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib import labels
from kinerja_calib.errors import ParameterError

B, S, A = labels.RATING
ASPEK = list(labels.ASPEK_BERAKHLAK)[:3]


def _fx(keparahan: dict[str, float], method: str = "additive"):
    raters = pd.DataFrame({"keparahan": list(keparahan.values())}, index=list(keparahan))
    return types.SimpleNamespace(method=method, raters=raters)


def _tabel(atasan: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """X rated ``atasan`` on three aspects by K; score table with hasil kerja Sesuai."""
    rows = [("2026-S1", "X", "K", "atasan", a, atasan) for a in ASPEK]
    p = pd.DataFrame(
        rows, columns=["periode", "nip", "nip_penilai", "peran_penilai", "aspek", "nilai"]
    )
    skor = pd.DataFrame(
        {
            "periode": ["2026-S1"],
            "nip": ["X"],
            "rating_hasil_kerja": pd.Categorical([S], categories=list(labels.RATING), ordered=True),
            "rating_perilaku": pd.Categorical([B], categories=list(labels.RATING), ordered=True),
            "predikat": [labels.PREDIKAT[1]],
        }
    )
    return p, skor


def test_rounding_to_the_nearest_category_within_the_scale():
    p = pd.DataFrame({"nip_penilai": ["K", "K", "L", "L", "M"], "nilai": [2, 5, 3, 1, 4]})
    got = kc.calibrate.koreksi_penilaian(p, _fx({"K": 0.5, "L": -0.49}))["nilai"].tolist()
    # 2 + 0,5 = 2,5 → 3 (halves up); 5,5 → clipped to 5; 3 − 0,49 → 3; 1 − 0,49 → 1; M unknown
    assert got == [3.0, 5.0, 3.0, 1.0, 4.0]


def test_severe_atasan_corrected_moves_the_predikat():
    p, skor = _tabel(2.0)
    keras = kc.calibrate.predikat_terkalibrasi(skor, p, _fx({"K": 1.2}))
    row = keras.iloc[0]
    assert (row["rating_perilaku_mentah"], row["predikat_mentah"]) == (B, labels.PREDIKAT[1])
    assert (row["rating_perilaku"], row["predikat"], bool(row["berubah"])) == (S, "Baik", True)
    # a small severity (less than half a category) changes nothing
    kecil = kc.calibrate.predikat_terkalibrasi(skor, p, _fx({"K": 0.4})).iloc[0]
    assert (kecil["predikat"], bool(kecil["berubah"])) == (labels.PREDIKAT[1], False)


def test_average_rule_uses_the_corrected_composite():
    p, skor = _tabel(2.0)
    rata = kc.rules.load("permenpanrb-6-2022", overrides={"rating_per_butir.metode": "rata_rata"})
    row = kc.calibrate.predikat_terkalibrasi(skor, p, _fx({"K": 1.0}), rules=rata).iloc[0]
    assert row["rating_perilaku"] == S


def test_ordinal_model_refused_in_indonesian():
    p, skor = _tabel(2.0)
    with pytest.raises(ParameterError, match="model aditif"):
        kc.calibrate.predikat_terkalibrasi(skor, p, _fx({"K": 1.0}, method="ordinal"))


def test_on_the_sample_province_calibration_targets_true_low_performers():
    p = kc.calibrate.prepare("data/samples", "", "", "permenpanrb-6-2022")
    fx = kc.calibrate.rater_effects(p.ratings, pegawai=p.wb.pegawai)
    out = kc.calibrate.predikat_terkalibrasi(p.skor, p.ratings, fx, rules=p.aturan)
    truth = pd.read_csv("data/samples/kebenaran/pegawai.csv", dtype={"nip": str})
    truth = truth.set_index("nip")["skor_sebenarnya"]
    low = {labels.PREDIKAT[0], labels.PREDIKAT[1]}
    km_raw = out["predikat_mentah"].astype(str).isin(low)
    km_cal = out["predikat"].astype(str).isin(low)
    # fewer pegawai below expectation on behaviour, and those left are truly weaker
    assert km_cal.sum() < km_raw.sum()
    assert (
        truth.reindex(out.loc[km_cal, "nip"]).mean() < truth.reindex(out.loc[km_raw, "nip"]).mean()
    )
    # hasil kerja has no rater: it never changes
    assert out["rating_hasil_kerja"].astype(str).equals(p.skor["rating_hasil_kerja"].astype(str))


def test_no_360_in_the_period_or_too_little_data():
    p, skor = _tabel(2.0)
    lain = p.assign(periode="2025-S2")  # ratings of another period only
    row = kc.calibrate.predikat_terkalibrasi(skor, lain, _fx({"K": 1.0})).iloc[0]
    assert pd.isna(row["rating_perilaku"]) and pd.isna(row["predikat"])
    # a DataKurang note instead of rater effects: nothing is corrected
    from kinerja_calib._display import DataKurang

    same = kc.calibrate.predikat_terkalibrasi(skor, p, DataKurang("sedikit")).iloc[0]
    assert (same["rating_perilaku"], bool(same["berubah"])) == (B, False)
