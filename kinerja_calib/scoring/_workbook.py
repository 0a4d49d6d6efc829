"""Whole workbooks: score_workbook, compare_regimes, heads of unit, indicator-weight sensitivity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import labels
from .. import rules as _rules
from .._butir import (
    metode_rating,
    penentu_perilaku,
    rating_hasil_kerja_per_butir,
    rating_perilaku_per_aspek,
)
from .._capaian import as_float, capaian_pegawai
from .._periode import pilih_periode as _pick_periode
from ..errors import ParameterError
from ..privacy import AMBANG_BAWAAN
from ._dasar import ArrayLike
from ._lama import (
    konversi_perilaku,
    nilai_indikator_pp46,
    nilai_pp30,
    nilai_pp46,
    predikat_pp30,
    sebutan_pp46,
)
from ._perilaku import perilaku_score
from ._rating import nilai_capaian_iki, predikat, rating_hasil_kerja, rating_perilaku

__all__ = [
    "VARIAN_RATING",
    "compare_regimes",
    "kepala_unit",
    "score_workbook",
    "sensitivitas_bobot",
]


# --------------------------------------------------------------------------- workbook
def kepala_unit(pegawai: pd.DataFrame) -> pd.Series:
    """Boolean Series (index aligned with ``pegawai``): the head of each unit kerja.

    A head is a pegawai whose atasan is outside the unit (or absent) and who is the atasan
    of at least one pegawai of the same unit (``kode_instansi`` + ``unit_kerja``).
    """
    unit = pegawai["kode_instansi"].astype("string") + "|" + pegawai["unit_kerja"].astype("string")
    unit_of = pd.Series(unit.to_numpy(), index=pegawai["nip"].to_numpy())
    unit_of = unit_of[~unit_of.index.duplicated()]
    at_unit = pegawai["nip_atasan"].map(unit_of)
    same = (at_unit == unit).fillna(False).to_numpy(bool)
    top = ~same
    bosses = set(pegawai.loc[same, "nip_atasan"].dropna())
    return pd.Series(
        top & pegawai["nip"].isin(bosses).to_numpy(), index=pegawai.index, name="kepala_unit"
    )


def _inovasi_flags(inovasi, nip: pd.Series) -> np.ndarray:
    if inovasi is None or inovasi is False:
        return np.zeros(len(nip), dtype=bool)
    if inovasi is True:
        return np.ones(len(nip), dtype=bool)
    if isinstance(inovasi, pd.Series):
        return nip.map(inovasi).fillna(False).astype(bool).to_numpy()
    return nip.isin(set(inovasi)).to_numpy()


_ID_COLS = ["nip", "kode_instansi", "unit_kerja", "jabatan", "periode"]


#: The ways of rating compared by :func:`compare_regimes` (name → metode, penentu).
VARIAN_RATING = {
    "per_butir_atasan": ("per_butir", "atasan"),
    "per_butir_komposit_360": ("per_butir", "komposit_360"),
    "rata_rata": ("rata_rata", "komposit_360"),
}


def _komponen(
    wb,
    rules_6_2022: _rules.Rules,
    periode,
    ambang_anonimitas: int = AMBANG_BAWAAN,
    varian: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Base table (pegawai × periode with capaian, 360 and 6/2022 ratings) + per indikator.

    ``varian``: names of :data:`VARIAN_RATING` whose predikat is added as ``predikat_<name>``.
    """
    rea, r360 = wb.realisasi, wb.penilaian_360
    # a periode asked for may be in only one of the two tables (e.g. an instansi without 360
    # ratings): each table is read for the periods it has; unknown in both is an error
    if isinstance(periode, str | list | tuple) and periode != "":
        wanted = [periode] if isinstance(periode, str) else list(periode)
        ada = set()
        for t in (rea, r360):
            if t is not None:
                ada |= set(t["periode"].dropna())
        _pick_periode(sorted(ada), wanted)  # raises on a periode in neither table

        def untuk(t):
            return [p for p in wanted if t is not None and p in set(t["periode"].dropna())]

        per_rea, per_360 = untuk(rea), untuk(r360)
    else:
        per_rea = per_360 = periode
    cp = capaian_pegawai(wb, periode=per_rea, rules=rules_6_2022)
    sp = (
        perilaku_score(r360, rules_6_2022, periode=per_360, ambang_anonimitas=ambang_anonimitas)
        if r360 is not None and len(r360) and per_360 != []
        else pd.DataFrame(columns=["periode", "nip", "skor_perilaku", "skor_diri", "n_penilai"])
    )
    periods = sorted(set(cp.per_pegawai["periode"]) | set(sp["periode"]))
    if not periods:
        raise ParameterError(
            "Tidak ada data realisasi maupun penilaian 360 untuk periode yang dipilih."
        )
    peg = wb.pegawai
    cols = [
        c
        for c in ["nip", "kode_instansi", "unit_kerja", "jabatan", "jenis_jabatan"]
        if c in peg.columns
    ]
    base = peg[cols].assign(kepala_unit=kepala_unit(peg).to_numpy())
    base = base.merge(
        pd.DataFrame({"periode": pd.array(periods, dtype=peg["nip"].dtype)}), how="cross"
    )
    base = base.merge(cp.per_pegawai, on=["periode", "nip"], how="left")
    base = base.merge(sp, on=["periode", "nip"], how="left")
    if "predikat_organisasi" in wb.instansi.columns:
        org = wb.instansi.set_index("kode_instansi")["predikat_organisasi"]
        base["predikat_organisasi"] = base["kode_instansi"].map(org)
    # Head of unit: the unit's capaian becomes the head's basis for the hasil kerja rating.
    unit_cap = base.groupby(["periode", "kode_instansi", "unit_kerja"], observed=True, sort=False)[
        "capaian"
    ].transform("mean")
    base["capaian_unit"] = unit_cap
    metode = rules_6_2022.get_path("kepala_unit.metode", "individu")
    use_unit = base["kepala_unit"].to_numpy(bool) & (metode == "organisasi")
    dari_unit = use_unit & base["capaian_unit"].notna().to_numpy()
    base["capaian_dasar_rating"] = np.where(
        dari_unit, base["capaian_unit"].to_numpy(float), base["capaian"].to_numpy(float)
    )
    # per-item hasil kerja does not depend on the way of rating: computed once for all of them
    key = ["periode", "nip"]
    hk_cnt = rating_hasil_kerja_per_butir(wb, rules=rules_6_2022, per_indikator=cp.per_indikator)
    hk_cnt = base[key].merge(hk_cnt, on=key, how="left")
    args = (base, hk_cnt, wb.penilaian_360, per_360, rules_6_2022, ambang_anonimitas, dari_unit)
    base = base.assign(**_ratings_6_2022(*args))
    for nama in varian:
        base[f"predikat_{nama}"] = _ratings_6_2022(*args, *VARIAN_RATING[nama])["predikat"]
    order = [*_ID_COLS, *[c for c in base.columns if c not in _ID_COLS]]
    base = base[order].sort_values(["periode", "kode_instansi", "nip"], kind="stable")
    return base.reset_index(drop=True), cp.per_indikator


def _ratings_6_2022(
    base: pd.DataFrame,
    hk_cnt: pd.DataFrame,
    r360: pd.DataFrame | None,
    per_360,
    rules_6_2022: _rules.Rules,
    ambang_anonimitas: int,
    dari_unit: np.ndarray,
    metode: str | None = None,
    penentu: str | None = None,
) -> dict[str, Any]:
    """Rating hasil kerja, rating perilaku and predikat columns of ``base`` (same order).

    ``metode`` (default ``rating_per_butir.metode``): ``per_butir`` — each indicator and each
    BerAKHLAK aspect is rated, then "sebagian besar" (:mod:`kinerja_calib._butir`), perilaku
    decided by ``penentu`` (default ``perilaku.penentu``); ``rata_rata`` — the weighted mean
    capaian and the 360 composite against the thresholds (the rule before issue 19). A head
    of unit rated on the unit (``dari_unit``) gets the rating of the unit's capaian as one
    item in both methods. ``hk_cnt``: the per-item hasil kerja of ``base``'s rows (same
    order, from :func:`rating_hasil_kerja_per_butir`).
    """
    metode = metode_rating(rules_6_2022) if metode is None else metode
    penentu = penentu_perilaku(rules_6_2022) if penentu is None else penentu
    key = ["periode", "nip"]
    idx = base[key]
    if r360 is not None and len(r360) and per_360 != []:
        pr = rating_perilaku_per_aspek(
            r360,
            mode=penentu,
            rules=rules_6_2022,
            periode=per_360,
            ambang_anonimitas=ambang_anonimitas,
        )
    else:
        pr = pd.DataFrame(columns=[*key, "rating_perilaku", "n_di_atas", "n_di_bawah"])
        pr = pr.assign(penentu=None, rating_360_lain=None, selisih_360=False)
    pr = idx.merge(pr, on=key, how="left")
    out: dict[str, Any] = {}
    rh_avg = np.asarray(
        rating_hasil_kerja(base["capaian_dasar_rating"], rules_6_2022), dtype=object
    )
    if metode == "per_butir":
        rh = np.where(dari_unit, rh_avg, hk_cnt["rating_hasil_kerja"].astype(object).to_numpy())
        rp = pr["rating_perilaku"].astype(object).to_numpy()
        pen = pr["penentu"].astype(object).to_numpy()
    else:
        rh = rh_avg
        rp = np.asarray(
            rating_perilaku(base["skor_perilaku"].astype(float), rules_6_2022), dtype=object
        )
        pen = np.where(base["skor_perilaku"].notna(), "komposit_360", None)
    cat = pd.CategoricalDtype(list(labels.RATING), ordered=True)
    out["rating_hasil_kerja"] = pd.Series(rh, index=base.index).astype(cat)
    out["rating_perilaku"] = pd.Series(rp, index=base.index).astype(cat)
    out["predikat"] = predikat(out["rating_hasil_kerja"], out["rating_perilaku"], rules_6_2022)
    out["metode_rating"] = metode
    out["penentu_perilaku"] = pd.Series(pen, index=base.index).astype(object)
    out["n_indikator_di_atas"] = hk_cnt["n_di_atas"].to_numpy()
    out["n_indikator_di_bawah"] = hk_cnt["n_di_bawah"].to_numpy()
    out["n_utama_di_bawah"] = hk_cnt["n_utama_di_bawah"].to_numpy()
    out["n_aspek_di_atas"] = pr["n_di_atas"].to_numpy()
    out["n_aspek_di_bawah"] = pr["n_di_bawah"].to_numpy()
    out["rating_360_lain"] = pd.Series(
        pr["rating_360_lain"].astype(object).to_numpy(), index=base.index
    ).astype(cat)
    out["selisih_360"] = pr["selisih_360"].fillna(False).astype(bool).to_numpy() & (
        metode == "per_butir"
    )
    return out


def _weighted(per_ind: pd.DataFrame, values: np.ndarray, weighted: bool = True) -> pd.DataFrame:
    ok = ~np.isnan(values)
    w = per_ind["bobot"].to_numpy(float) if weighted else np.ones(len(per_ind))
    w = np.where(ok, w, 0.0)
    tmp = pd.DataFrame(
        {
            "periode": per_ind["periode"],
            "nip": per_ind["nip"],
            "wx": w * np.nan_to_num(values),
            "w": w,
        }
    )
    g = tmp.groupby(["periode", "nip"], sort=False, observed=True)[["wx", "w"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(g["w"] > 0, g["wx"] / g["w"], np.nan)
    return pd.DataFrame({"nilai": v}, index=g.index).reset_index()


def _numerik(
    base: pd.DataFrame, per_ind: pd.DataFrame, r: _rules.Rules, inovasi, pakai_360
) -> pd.DataFrame:
    """nilai_hasil_kerja, nilai_perilaku, nilai_akhir, predikat of a numeric regime."""
    if r.rezim == "pp-30-2019":
        v = np.asarray(nilai_capaian_iki(per_ind["capaian"].to_numpy(float), rules=r), float)
        hk = _weighted(per_ind, v)
    else:
        v = nilai_indikator_pp46(per_ind, r)
        hk = _weighted(per_ind, v, weighted=r["skp"]["rata_rata"] == "bobot")
    nhk = base[["periode", "nip"]].merge(hk, on=["periode", "nip"], how="left")["nilai"]
    out = pd.DataFrame(index=base.index)
    out["nilai_hasil_kerja"] = nhk.to_numpy(float)
    out["nilai_perilaku"] = konversi_perilaku(base["skor_perilaku"].to_numpy(float), r)
    if r.rezim == "pp-30-2019":
        out["nilai_akhir"] = np.asarray(
            nilai_pp30(
                out["nilai_hasil_kerja"].to_numpy(), out["nilai_perilaku"].to_numpy(), r, pakai_360
            ),
            float,
        )
        out["predikat"] = predikat_pp30(out["nilai_akhir"], _inovasi_flags(inovasi, base["nip"]), r)
    else:
        out["nilai_akhir"] = np.asarray(
            nilai_pp46(out["nilai_hasil_kerja"].to_numpy(), out["nilai_perilaku"].to_numpy(), r),
            float,
        )
        out["predikat"] = sebutan_pp46(out["nilai_akhir"], r)
    return out


def score_workbook(
    wb,
    rules="permenpanrb-6-2022",
    periode=None,
    inovasi=None,
    pakai_360: bool | None = None,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> pd.DataFrame:
    """Score every pegawai × periode of a workbook.

    Parameters
    ----------
    wb : Workbook
        See :func:`kinerja_calib.load_workbook`.
    rules : str, path or Rules, default "permenpanrb-6-2022"
        The regime: ``permenpanrb-6-2022`` (or an instansi copy/override of it),
        ``pp-30-2019`` or ``pp-46-2011``.
    periode : str, list or None
        ``None`` = every period, ``""`` = the latest, or labels.
    inovasi : Series (index nip → bool), iterable of nip, or bool, optional
        PP 30/2019 only: who "menciptakan ide baru ..." (needed for Sangat Baik).
    pakai_360 : bool, optional
        PP 30/2019 only: 60/40 instead of 70/30 (default from the rules: true).
    ambang_anonimitas : int, default 3
        Anonymity threshold of :func:`perilaku_score`: anonymous 360 groups below it enter
        no score, rating, predikat or count.

    Returns
    -------
    DataFrame
        One row per pegawai × periode: ``nip, kode_instansi, unit_kerja, jabatan, periode,
        jenis_jabatan, kepala_unit, capaian`` (weighted mean of capaian per indikator,
        capped at ``capaian.maksimum_per_indikator``), ``bobot_terisi, n_indikator,
        skor_perilaku`` (360 composite, self excluded, role weights from the rules),
        ``skor_diri, n_penilai, skor_<peran>, predikat_organisasi, capaian_unit,
        capaian_dasar_rating`` (the unit's capaian for heads of unit, else their own),
        ``rating_hasil_kerja, rating_perilaku, predikat``, ``metode_rating``
        (``per_butir`` or ``rata_rata``, from ``rating_per_butir.metode``),
        ``penentu_perilaku`` (``atasan`` or ``komposit_360``: who decided the rating
        perilaku of that row), the per-item counts ``n_indikator_di_atas,
        n_indikator_di_bawah, n_utama_di_bawah, n_aspek_di_atas, n_aspek_di_bawah``,
        ``rating_360_lain`` (the per-aspect rating from the kept raters other than atasan
        and self) and ``selisih_360`` (the atasan decided and the others differ: for
        discussion, it changes nothing). For the numeric regimes also
        ``nilai_hasil_kerja`` (nilai SKP), ``nilai_perilaku`` (360 composite converted with
        ``konversi_perilaku``, UNCONFIRMED), ``nilai_akhir``, and ``predikat`` is that
        regime's predikat/sebutan (``predikat_6_2022`` keeps the 6/2022 one). Capaian per
        indicator: :func:`kinerja_calib.indicators.capaian_pegawai`.

    Notes
    -----
    Ratings follow the regulation's wording item by item by default
    (``rating_per_butir.metode = "per_butir"``): each indicator is rated from its own
    capaian, each BerAKHLAK aspect from the atasan's score (``perilaku.penentu =
    "atasan"``; a pegawai without an atasan rating falls back to the 360 composite), then
    "sebagian besar" with the hasil kerja utama condition (:mod:`kinerja_calib._butir`).
    ``"rata_rata"`` puts the thresholds on the weighted mean capaian and on the 360
    composite instead. Thresholds are instansi-configurable (UNCONFIRMED defaults); for a
    numeric regime the default 6/2022 rules are used for them. Heads of unit
    (:func:`kepala_unit`) are rated on the mean capaian of their unit when
    ``kepala_unit.metode = "organisasi"`` (default; an approximation of the organisation's
    capaian, UNCONFIRMED) — in both methods the unit's capaian is then their one item.
    """
    r = _rules.resolve(rules)
    if r.rezim not in ("permenpanrb-6-2022", "pp-30-2019", "pp-46-2011"):
        raise ParameterError(
            f"score_workbook tidak mengenal rezim '{r.rezim}'. Pilih permenpanrb-6-2022, "
            "pp-30-2019 atau pp-46-2011."
        )
    rules_6_2022 = r if r.rezim == "permenpanrb-6-2022" else _rules.load("permenpanrb-6-2022")
    base, per_ind = _komponen(wb, rules_6_2022, periode, ambang_anonimitas)
    if r.rezim == "permenpanrb-6-2022":
        return base
    num = _numerik(base, per_ind, r, inovasi, pakai_360)
    base = base.rename(columns={"predikat": "predikat_6_2022"})
    return pd.concat([base, num], axis=1)


def compare_regimes(
    wb,
    periode=None,
    inovasi=None,
    pakai_360: bool | None = None,
    rules: Mapping | None = None,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> pd.DataFrame:
    """How each pegawai fares under each regime (same data, three rule sets).

    Parameters
    ----------
    wb : Workbook
    periode, inovasi, pakai_360
        As in :func:`score_workbook`.
    rules : dict, optional
        Rules per regime name to use instead of the built-in files, e.g.
        ``{"permenpanrb-6-2022": kc.rules.load(overrides=...)}``.
    ambang_anonimitas : int, default 3
        As in :func:`score_workbook`.

    Returns
    -------
    DataFrame
        ``nip, kode_instansi, unit_kerja, jabatan, periode, capaian, skor_perilaku,
        predikat_6_2022`` (as the 6/2022 rules are configured), the 6/2022 predikat under
        each way of rating (:data:`VARIAN_RATING`): ``predikat_per_butir_atasan`` (per item,
        the atasan decides perilaku), ``predikat_per_butir_komposit_360`` (per item, the 360
        composite decides) and ``predikat_rata_rata`` (thresholds on the weighted mean
        capaian and the 360 composite, the rule before issue 19), then ``nilai_pp30,
        predikat_pp30, nilai_pp46, sebutan_pp46``.
    """
    given = dict(rules or {})
    rules_6_2022 = _rules.resolve(given.get("permenpanrb-6-2022"), "permenpanrb-6-2022")
    r30 = _rules.resolve(given.get("pp-30-2019"), "pp-30-2019")
    r46 = _rules.resolve(given.get("pp-46-2011"), "pp-46-2011")
    base, per_ind = _komponen(
        wb, rules_6_2022, periode, ambang_anonimitas, varian=tuple(VARIAN_RATING)
    )
    n30 = _numerik(base, per_ind, r30, inovasi, pakai_360)
    n46 = _numerik(base, per_ind, r46, inovasi, pakai_360)
    out = base[[*_ID_COLS, "capaian", "skor_perilaku"]].copy()
    out["predikat_6_2022"] = base["predikat"]
    for nama in VARIAN_RATING:
        out[f"predikat_{nama}"] = base[f"predikat_{nama}"]
    out["nilai_pp30"] = n30["nilai_akhir"]
    out["predikat_pp30"] = n30["predikat"]
    out["nilai_pp46"] = n46["nilai_akhir"]
    out["sebutan_pp46"] = n46["predikat"]
    return out


# --------------------------------------------------------------------------- indicator weights
def sensitivitas_bobot(
    wb,
    kode_indikator: str,
    bobot: ArrayLike | None = None,
    rules=None,
    periode="",
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> pd.DataFrame:
    """How the predikat shares of a jabatan move when one indicator's weight moves.

    The chosen indicator gets weight ``w``; the other indicators of the same instansi and
    jabatan are rescaled proportionally so that the weights still sum to 100. Capaian and
    the 360 composite stay as observed; the hasil kerja rating and the predikat are
    recomputed for every pegawai holding the jabatan.

    Parameters
    ----------
    wb : Workbook
    kode_indikator : str
    bobot : array-like of float, optional
        Weights to try (percent, 0–100). Default ``0, 10, ..., 100``.
    rules : Rules or str, optional
        6/2022 rules (default) for the thresholds and the matrix.
    periode : str, default "" (the latest period)
    ambang_anonimitas : int, default 3
        Anonymity threshold of the 360 composite
        (:func:`kinerja_calib.scoring.perilaku_score`).

    Returns
    -------
    DataFrame
        ``bobot, predikat, jumlah, proporsi`` (one row per weight × predikat), plus the
        attribute ``attrs["bobot_asli"]`` (the indicator's current weight) and
        ``attrs["jabatan"]``.

    Notes
    -----
    Heads of unit are rated here on their own capaian (the unit-capaian rule of
    :func:`kinerja_calib.scoring.score_workbook` is not applied). Weights matter only when
    ``rating_per_butir.metode = "rata_rata"`` (a threshold on the weighted mean capaian);
    under the regulation's per-item rating (``per_butir``, the default) items are counted,
    not weighted, so every weight gives the same shares (``attrs["metode"]`` says which).
    """
    r = _rules.resolve(rules)
    metode = metode_rating(r)
    ind = wb.indikator
    hit = ind[ind["kode_indikator"] == kode_indikator]
    if hit.empty:
        raise ParameterError(f"Kode indikator '{kode_indikator}' tidak ada di tabel indikator.")
    inst, jab = hit["kode_instansi"].iloc[0], hit["jabatan"].iloc[0]
    bobot = np.arange(0.0, 101.0, 10.0) if bobot is None else as_float(bobot, "bobot").ravel()
    if np.any((bobot < 0) | (bobot > 100)):
        raise ParameterError("Bobot yang dicoba harus di antara 0 dan 100.")
    sub = wb.untuk_instansi(inst)
    base, per_ind = _komponen(sub, r, periode, ambang_anonimitas)
    base = base[base["jabatan"] == jab]
    per_ind = per_ind[(per_ind["jabatan"] == jab) & per_ind["capaian"].notna()]
    cap_max = float(r.get_path("capaian.maksimum_per_indikator", np.inf))
    cap = per_ind["capaian"].clip(upper=cap_max).to_numpy(float)
    sel = (per_ind["kode_indikator"] == kode_indikator).to_numpy()
    orig = per_ind["bobot"].to_numpy(float)
    jab_w = ind[(ind["kode_instansi"] == inst) & (ind["jabatan"] == jab)]
    others = float(jab_w.loc[jab_w["kode_indikator"] != kode_indikator, "bobot"].sum())
    keys = pd.MultiIndex.from_arrays([per_ind["periode"], per_ind["nip"]])
    target_keys = pd.MultiIndex.from_arrays([base["periode"], base["nip"]])
    if metode == "per_butir":
        rh_butir = rating_hasil_kerja_per_butir(sub, rules=r, per_indikator=per_ind)
        rh_butir = base[["periode", "nip"]].merge(rh_butir, on=["periode", "nip"], how="left")
    rows = []
    for w in bobot:  # a handful of weights, not a loop over employees
        scale = (100.0 - w) / others if others > 0 else 0.0
        wt = np.where(sel, w, orig * scale)
        num = pd.Series(wt * cap, index=keys).groupby(level=[0, 1]).sum()
        den = pd.Series(wt, index=keys).groupby(level=[0, 1]).sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            c = (num / den.where(den > 0)).reindex(target_keys).to_numpy()
        rh = (
            rh_butir["rating_hasil_kerja"].astype(object).to_numpy()
            if metode == "per_butir"
            else rating_hasil_kerja(c, r)
        )
        pred = predikat(rh, base["rating_perilaku"].to_numpy(object), r)
        counts = pd.Series(pred).value_counts().reindex(list(labels.PREDIKAT), fill_value=0)
        total = counts.sum()
        for lab, n in counts.items():
            rows.append((float(w), lab, int(n), n / total if total else np.nan))
    out = pd.DataFrame(rows, columns=["bobot", "predikat", "jumlah", "proporsi"])
    out["predikat"] = pd.Categorical(
        out["predikat"], categories=list(labels.PREDIKAT), ordered=True
    )
    out.attrs["metode"] = metode
    out.attrs["bobot_asli"] = float(hit["bobot"].iloc[0])
    out.attrs["jabatan"] = jab
    out.attrs["kode_instansi"] = inst
    out.attrs["nama_indikator"] = str(hit["nama_indikator"].iloc[0])
    return out
