"""What each 360 weighting does to predikat: the conventional weightings and their comparison."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._angka import persen
from .._display import DataKurang
from ..errors import ParameterError
from ..labels import PREDIKAT, RATING
from ._prepare import tanpa_penilai_lain
from ._types import KURANG_PENILAI
from ._weights import composite_scores, weights_vector

__all__ = ["KONVENSI_BOBOT", "PerbandinganBobot", "compare_weights", "predikat_from_score"]

#: Conventional weightings compared by :func:`compare_weights`. None of them is regulated: the
#: split of the perilaku score across rater sources is UNCONFIRMED under PP 30/2019, PermenPANRB
#: 8/2021 and 6/2022 (docs/regulasi.md §2.1, §10 item 5). "60/40" borrows the PP 30/2019 split of
#: SKP 60 % / perilaku 40 % as a teaching analogue (atasan 60 %, the other sources 40 %).
KONVENSI_BOBOT: dict[str, dict[str, float] | str] = {
    "gabungan (rata-rata semua penilai)": "gabungan",
    "sama rata per peran": {"atasan": 1.0, "rekan": 1.0, "bawahan": 1.0, "pengguna_layanan": 1.0},
    "60/40 (atasan 60 %, lainnya 40 %)": {
        "atasan": 0.60,
        "rekan": 0.40 / 3,
        "bawahan": 0.40 / 3,
        "pengguna_layanan": 0.40 / 3,
    },
}


# ---------------------------------------------------------------------------------------------
# predikat under weight choices
# ---------------------------------------------------------------------------------------------


def predikat_from_score(
    skor: pd.Series, hasil_kerja: pd.Series | str | None = None, rules: Any = None
) -> pd.Series:
    """Predikat per pegawai from a 360 perilaku score (and a hasil kerja rating).

    ``rating_perilaku`` comes from :func:`kinerja_calib.scoring.rating_perilaku` (the rules'
    ``ambang.perilaku`` thresholds, UNCONFIRMED defaults 3.0 / 4.0), the predikat from the
    PermenPANRB 6/2022 matrix (:func:`kinerja_calib.scoring.predikat`).

    Parameters
    ----------
    skor : Series
        Index ``nip``: perilaku composite on the rating scale.
    hasil_kerja : Series or str, optional
        Rating hasil kerja per nip (labels of :data:`kinerja_calib.labels.RATING`) or one label
        for everyone; default "Sesuai ekspektasi".
    rules : Rules or str, optional
        Rules (default ``permenpanrb-6-2022``).

    Returns
    -------
    Series
        Index ``nip``, name ``predikat`` (ordered categorical over ``labels.PREDIKAT``).
    """
    from .. import scoring

    skor = pd.Series(skor)
    rp = scoring.rating_perilaku(skor.astype(float), rules=rules)
    if hasil_kerja is None:
        hasil_kerja = RATING[1]
    if isinstance(hasil_kerja, str):
        hk = pd.Series(hasil_kerja, index=skor.index)
    else:
        hk = pd.Series(hasil_kerja).reindex(skor.index)
    hk = hk.astype(object).where(hk.notna(), RATING[1])
    out = scoring.predikat(
        hk, pd.Series(np.asarray(rp, dtype=object), index=skor.index), rules=rules
    )
    out = pd.Series(
        pd.Categorical(np.asarray(out, dtype=object), categories=PREDIKAT, ordered=True),
        index=skor.index,
        name="predikat",
    )
    return out


@dataclass
class PerbandinganBobot:
    """Result of :func:`compare_weights`.

    Attributes
    ----------
    ringkasan : DataFrame
        One row per weighting (``skema``): ``n_pegawai``, ``n_berubah`` (predikat differs from
        the reference weighting), ``nip_berubah`` (list of nip; never rater ids), the share of
        each predikat, and ``bobot`` (the weights used, as text).
    skor : DataFrame
        Index ``nip``, one composite column per weighting.
    predikat : DataFrame
        Index ``nip``, one predikat column per weighting.
    acuan : str
        The reference weighting.
    """

    ringkasan: pd.DataFrame
    skor: pd.DataFrame
    predikat: pd.DataFrame
    acuan: str


def compare_weights(
    ratings: pd.DataFrame,
    weights_dict: Mapping[str, Any] | None = None,
    hasil_kerja: pd.Series | str | None = None,
    rules: Any = None,
    periode: str | None = None,
    effects: Any = None,
    acuan: str | None = None,
) -> PerbandinganBobot | DataKurang:
    """Compare 360 source weightings: composites, predikat shares and who changes predikat.

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table.
    weights_dict : dict, optional
        ``{nama_skema: weights}`` where weights is a ``{peran: bobot}`` dict, the output of
        :func:`source_weights`, or ``"gabungan"``. The conventions of :data:`KONVENSI_BOBOT`
        (pooled mean, equal per role, 60/40) are always included.
    hasil_kerja : Series or str, optional
        Rating hasil kerja per nip for the predikat matrix (default "Sesuai ekspektasi").
    rules : Rules or str, optional
        Thresholds and matrix (default ``permenpanrb-6-2022``).
    periode : str, optional
        Period (default latest).
    effects : RaterEffects, optional
        Severity-correct the ratings first.
    acuan : str, optional
        Reference weighting for ``n_berubah`` (default the first convention: the pooled mean).

    Returns
    -------
    PerbandinganBobot
    """
    if tanpa_penilai_lain(ratings, periode):
        return DataKurang(KURANG_PENILAI)
    schemes: dict[str, Any] = dict(KONVENSI_BOBOT)
    schemes.update(dict(weights_dict or {}))
    acuan = acuan or next(iter(schemes))
    if acuan not in schemes:
        raise ParameterError(f"Skema acuan '{acuan}' tidak ada; pilih dari {list(schemes)}.")
    scores = {name: composite_scores(ratings, w, periode, effects) for name, w in schemes.items()}
    skor = pd.DataFrame(scores)
    pred = pd.DataFrame(
        {name: predikat_from_score(skor[name], hasil_kerja, rules) for name in schemes}
    )
    ref = pred[acuan].astype(object)
    rows = []
    for name, w in schemes.items():
        changed = pred[name].astype(object).ne(ref) & pred[name].notna()
        shares = pred[name].value_counts(normalize=True).reindex(PREDIKAT, fill_value=0.0)
        if isinstance(w, str):
            wtxt = "rata-rata semua penilai (bobot = jumlah penilai)"
        else:
            vec = weights_vector(w, pd.Index(["atasan", "rekan", "bawahan", "pengguna_layanan"]))
            wtxt = ", ".join(
                f"{r} {persen(v, 0)}"
                for r, v in zip(
                    ["atasan", "rekan", "bawahan", "pengguna_layanan"], vec, strict=True
                )
                if v > 0
            )
        rows.append(
            {
                "skema": name,
                "bobot": wtxt,
                "n_pegawai": int(pred[name].notna().sum()),
                "n_berubah": int(changed.sum()),
                "nip_berubah": sorted(pred.index[changed].tolist()),
                **{f"porsi_{p}": float(shares[p]) for p in PREDIKAT},
            }
        )
    return PerbandinganBobot(pd.DataFrame(rows), skor, pred, acuan)
