"""Calibrated predikat: each rating with its rater's severity removed, then rated as the rules say.

The additive model of :func:`kinerja_calib.calibrate.rater_effects` estimates each rater's
``keparahan`` (+ = severe) on the rating scale. :func:`koreksi_penilaian` adds it to each of
that rater's ratings and rounds to the nearest category of the scale (halves up, clipped to
``skala_360``): the category a rater of average severity would have given. Rounding matters:
the rating thresholds sit on categories (an aspect is *sesuai* from 3), so an unrounded
correction of −0,1 would push every 3 of a slightly lenient rater below expectation while a
severe rater's 2 needs a whole point to come up — measured on the sample province, the
unrounded version doubled Kurang/Misconduct (4,7 → 10,9 %). :func:`predikat_terkalibrasi` then makes the rating perilaku and the predikat
exactly as :func:`kinerja_calib.scoring.score_workbook` does — per item with the atasan
deciding by default (``rating_per_butir.metode``, ``perilaku.penentu``), or from the 360
composite under ``rata_rata`` — so the calibrated predikat answers "what would the predikat be
if every rater were of average severity?" under the same rule as the raw one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import labels, scoring
from .. import rules as _rules
from .._display import DataKurang
from .._precision import bulatkan_setengah_atas
from ..errors import ParameterError
from ..privacy import AMBANG_BAWAAN

__all__ = ["koreksi_penilaian", "predikat_terkalibrasi"]


def koreksi_penilaian(penilaian: pd.DataFrame, effects, rules=None) -> pd.DataFrame:
    """The 360 table with each rating corrected for its rater's severity.

    Parameters
    ----------
    penilaian : DataFrame
        Long 360 table (``nip_penilai``, ``nilai`` and the other columns, kept as they are).
    effects : RaterEffects
        :func:`kinerja_calib.calibrate.rater_effects` with ``method="additive"`` fitted on
        these ratings (or a superset).
    rules : Rules or str, optional
        Rules with ``skala_360.minimum``/``maksimum`` (default ``permenpanrb-6-2022``: 1–5).

    Returns
    -------
    DataFrame
        A copy with ``nilai`` replaced by ``nilai + keparahan`` of its rater rounded to the
        nearest category (halves up) within the scale; raters the model did not estimate
        (self ratings, hidden groups) keep their rating.

    Examples
    --------
    >>> import types
    >>> effects = types.SimpleNamespace(method="additive",
    ...     raters=pd.DataFrame({"keparahan": [0.5, -0.25]}, index=["K", "L"]))
    >>> p = pd.DataFrame({"nip_penilai": ["K", "L", "X"], "nilai": [2, 4, 3]})
    >>> koreksi_penilaian(p, effects)["nilai"].tolist()
    [3.0, 4.0, 3.0]
    """
    if isinstance(effects, DataKurang):  # too little data for rater effects: nothing is corrected
        effects = None
    elif getattr(effects, "method", "additive") != "additive":
        raise ParameterError(
            "Koreksi penilaian memerlukan model aditif (rater_effects(..., method='additive')): "
            "keparahan model ordinal dalam logit, bukan dalam satuan nilai."
        )
    raters = getattr(effects, "raters", None)
    kep = raters["keparahan"] if raters is not None else pd.Series(dtype=float)
    kep = kep[~kep.index.duplicated()]
    geser = penilaian["nip_penilai"].astype(str).map(kep).astype(float)
    r = _rules.resolve(rules, "permenpanrb-6-2022")
    lo = float(r.get_path("skala_360.minimum", 1.0))
    hi = float(r.get_path("skala_360.maksimum", 5.0))
    x = penilaian["nilai"].to_numpy(dtype=float) + np.nan_to_num(geser.to_numpy(), nan=0.0)
    out = penilaian.copy()
    out["nilai"] = np.clip(bulatkan_setengah_atas(x), lo, hi)
    return out


def predikat_terkalibrasi(
    skor: pd.DataFrame,
    penilaian: pd.DataFrame,
    effects,
    rules=None,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> pd.DataFrame:
    """Predikat per pegawai with rater severity removed, under the rules' way of rating.

    Parameters
    ----------
    skor : DataFrame
        :func:`kinerja_calib.scoring.score_workbook` rows of one period (``periode``, ``nip``,
        ``rating_hasil_kerja``, ``rating_perilaku``, ``predikat``).
    penilaian : DataFrame
        The 360 ratings of that period (kept groups; hidden ones are dropped again here).
    effects : RaterEffects
        Additive rater effects fitted on ``penilaian``.
    rules : Rules or str, optional
        ``permenpanrb-6-2022`` rules (default).
    ambang_anonimitas : int, default 3
        Anonymous groups below it enter nothing (:mod:`kinerja_calib.privacy`).

    Returns
    -------
    DataFrame
        ``skor`` with ``rating_perilaku`` and ``predikat`` recomputed from the corrected
        ratings, the raw ones kept as ``rating_perilaku_mentah`` and ``predikat_mentah``,
        and ``berubah`` (the predikat moved). Hasil kerja is not touched: capaian has no
        rater.
    """
    r = _rules.resolve(rules, "permenpanrb-6-2022")
    kor = koreksi_penilaian(penilaian, effects, r)
    key = ["periode", "nip"]
    if "periode" not in kor.columns:
        kor = kor.assign(periode=skor["periode"].iloc[0] if len(skor) else "")
    ada = set(kor["periode"].dropna())
    per = sorted(p for p in skor["periode"].dropna().unique() if p in ada)
    if not per:  # no 360 rating in these periods: no rating perilaku
        rating_p = np.full(len(skor), None, dtype=object)
    elif scoring.metode_rating(r) == "per_butir":
        pr = scoring.rating_perilaku_per_aspek(
            kor, rules=r, periode=per, ambang_anonimitas=ambang_anonimitas
        )
        rp = skor[key].merge(pr[[*key, "rating_perilaku"]], on=key, how="left")
        rating_p = rp["rating_perilaku"].astype(object).to_numpy()
    else:
        sp = scoring.perilaku_score(kor, r, periode=per, ambang_anonimitas=ambang_anonimitas)
        sp = skor[key].merge(sp[[*key, "skor_perilaku"]], on=key, how="left")
        rating_p = np.asarray(
            scoring.rating_perilaku(sp["skor_perilaku"].to_numpy(float), r), dtype=object
        )
    out = skor.copy()
    out["rating_perilaku_mentah"] = skor["rating_perilaku"]
    out["predikat_mentah"] = skor["predikat"]
    cat = pd.CategoricalDtype(list(labels.RATING), ordered=True)
    out["rating_perilaku"] = pd.Series(rating_p, index=out.index).astype(cat)
    out["predikat"] = scoring.predikat(out["rating_hasil_kerja"], out["rating_perilaku"], r)
    out["berubah"] = out["predikat"].astype(object).ne(out["predikat_mentah"].astype(object)) & (
        out["predikat_mentah"].notna()
    )
    return out
