"""The 360 perilaku composite per pegawai × periode (self excluded, shown apart)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import labels
from .._periode import pilih_periode as _pick_periode
from ..privacy import AMBANG_BAWAAN
from ._dasar import rules_for

__all__ = ["perilaku_score"]


# --------------------------------------------------------------------------- 360
def perilaku_score(
    penilaian_360: pd.DataFrame, rules=None, periode=None, ambang_anonimitas: int = AMBANG_BAWAAN
) -> pd.DataFrame:
    """The 360 perilaku composite per pegawai × periode (self excluded, shown apart).

    Parameters
    ----------
    penilaian_360 : DataFrame
        Long table ``periode, nip, nip_penilai, peran_penilai, aspek, nilai``.
    rules : Rules or str, optional
        Rules with ``bobot_peran`` (default ``permenpanrb-6-2022``; UNCONFIRMED defaults
        atasan 0.4, rekan 0.2, bawahan 0.2, pengguna_layanan 0.2, diri 0).
    periode : str, list or None
        ``None`` = every period, ``""`` = the latest, or labels.
    ambang_anonimitas : int, default 3
        Anonymity threshold: anonymous rater groups (rekan, bawahan, pengguna layanan) with
        fewer distinct raters per pegawai × periode are dropped first
        (:func:`kinerja_calib.privacy.suppress_360`); ``1`` keeps every rating.

    Returns
    -------
    DataFrame
        ``periode, nip, skor_perilaku, skor_diri, n_penilai`` (kept raters other than self)
        and ``skor_<peran>`` per role (mean over that role's kept raters and aspects).

    Notes
    -----
    Each role's score is the mean of all its ratings (raters × BerAKHLAK aspects). The
    composite is the weighted mean of the role scores present for that pegawai, with the
    weights renormalised over the roles present. A role with weight 0 (by default
    ``diri``) never enters the composite. A suppressed group is absent: it enters no score,
    no rating and no count, so the atasan (never suppressed) and the kept groups decide
    (see :mod:`kinerja_calib.privacy`).
    """
    from ..privacy import suppress_360

    r = rules_for(rules, "permenpanrb-6-2022")
    w_cfg = r.get_path("bobot_peran")
    roles = list(labels.PERAN_PENILAI)
    weights = np.array([float(w_cfg.get(k, 0.0)) for k in roles])
    df = penilaian_360
    per = _pick_periode(sorted(df["periode"].dropna().unique()), periode)
    if per is not None:
        df = df[df["periode"].isin(per)]
    df = suppress_360(df, ambang_anonimitas)[0]
    grp = df.groupby(["periode", "nip", "peran_penilai"], sort=True, observed=True)["nilai"]
    means = grp.mean().unstack("peran_penilai").reindex(columns=roles)
    raters = (
        df[df["peran_penilai"] != "diri"]
        .groupby(["periode", "nip"], sort=True, observed=True)["nip_penilai"]
        .nunique()
    )
    m = means.to_numpy(dtype=float)
    present = ~np.isnan(m)
    wm = np.where(present, weights, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        comp = np.where(wm.sum(1) > 0, np.nansum(m * wm, axis=1) / wm.sum(1), np.nan)
    out = pd.DataFrame(index=means.index)
    out["skor_perilaku"] = comp
    out["skor_diri"] = means["diri"].to_numpy(dtype=float)
    out["n_penilai"] = raters.reindex(means.index).fillna(0).astype(int).to_numpy()
    for k in roles:
        if k != "diri":
            out[f"skor_{k}"] = means[k].to_numpy(dtype=float)
    return out.reset_index()
