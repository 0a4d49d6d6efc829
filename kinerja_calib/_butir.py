"""Per-item ratings and the regulation's "sebagian besar" aggregation (issue 19, step 1).

PermenPANRB 6/2022 words the ratings per item, not as an average (the Lampiran's kuadran
text, seen in public copies of the socialisation material):

* **Di atas ekspektasi** — most or all results above expectation *and* no hasil kerja
  utama below expectation;
* **Sesuai ekspektasi** — most or all results meet (or exceed) expectation and only a small
  part of the hasil kerja utama is below;
* **Di bawah ekspektasi** — most or all results below expectation.

Each indicator is rated from its own capaian with ``ambang.capaian``; each BerAKHLAK aspect
from its score on the 1–5 scale with ``ambang.perilaku`` (the perilaku wording of the
Lampiran was not found: it is treated the same way, every aspect being a main item —
UNCONFIRMED). "Sebagian besar" is ``rating_per_butir.sebagian_besar`` of the rules
(UNCONFIRMED default 0.5: *more than* half).

The aggregation rule (:func:`agregasi_rating`) with ``s = sebagian_besar``, counting items
(not weights), ``n`` rated items and ``n_utama`` rated main items:

1. **Di bawah** if ``n_di_bawah / n > s`` (the regulation's own condition) **or**
   ``n_utama_di_bawah / n_utama > s`` (most main results below: the "only a small part of
   the main results" condition of Sesuai fails, and Di atas is excluded too);
2. else **Di atas** if ``n_di_atas / n > s`` and ``n_utama_di_bawah == 0``;
3. else **Sesuai** — this includes the cases the wording leaves open: exactly half below
   (half is not "sebagian besar", so the condition for Di bawah is not met), ties such as
   one item of each rating, and "most above but one main result below".

Shares and ``s`` are compared after rounding to 9 decimals (:mod:`kinerja_calib._precision`).
The rule is monotone: raising one item's rating never lowers the overall rating, and the
order of items does not matter.

:func:`kinerja_calib.scoring.score_workbook` uses these ratings when
``rating_per_butir.metode = "per_butir"`` (the default); ``"rata_rata"`` keeps the rule
before issue 19 (a threshold on the weighted mean capaian and on the 360 composite) for
comparison. Who decides perilaku is ``perilaku.penentu``: ``atasan`` (default — the
regulation gives the decision to the pejabat penilai) or ``komposit_360``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from . import rules as _rules
from ._angka import bilangan
from ._precision import bulatkan, tingkat
from .errors import ParameterError
from .privacy import AMBANG_BAWAAN

__all__ = [
    "METODE_RATING",
    "MODE_PERILAKU",
    "NAMA_CARA_RATING",
    "agregasi_rating",
    "keterangan_metode",
    "porsi_cara_rating",
    "metode_rating",
    "penentu_perilaku",
    "rating_butir",
    "rating_hasil_kerja_per_butir",
    "rating_perilaku_per_aspek",
]

#: Who decides the perilaku rating (``perilaku.penentu`` of the rules).
MODE_PERILAKU = ("atasan", "komposit_360")

#: How the overall ratings are made (``rating_per_butir.metode`` of the rules):
#: ``per_butir`` — the regulation's wording, item by item; ``rata_rata`` — a threshold on the
#: weighted mean capaian and on the 360 composite (the rule before issue 19, for comparison).
METODE_RATING = ("per_butir", "rata_rata")

#: Count columns of an aggregated rating, in output order.
KOLOM_HITUNG = ("n_butir", "n_di_atas", "n_sesuai", "n_di_bawah", "n_utama_di_bawah")

_SEBAGIAN_BESAR_BAWAAN = 0.5


def _r6(rules) -> _rules.Rules:
    r = _rules.resolve(rules)
    if r.rezim != "permenpanrb-6-2022":
        raise ParameterError(
            f"Rating per butir memerlukan aturan rezim 'permenpanrb-6-2022', bukan '{r.rezim}'."
        )
    return r


def metode_rating(rules=None) -> str:
    """``rating_per_butir.metode`` of the rules (default ``per_butir``)."""
    return str(_r6(rules).get_path("rating_per_butir.metode", METODE_RATING[0]))


def penentu_perilaku(rules=None) -> str:
    """``perilaku.penentu`` of the rules (default ``atasan``)."""
    return str(_r6(rules).get_path("perilaku.penentu", MODE_PERILAKU[0]))


def _sebagian_besar(r: _rules.Rules) -> float:
    return float(r.get_path("rating_per_butir.sebagian_besar", _SEBAGIAN_BESAR_BAWAAN))


def _rating_codes(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0/1/2 rating codes of ``x`` at the thresholds (9-decimal rule), -1 for NaN."""
    return tingkat(x, [lo, hi]).astype(np.int8)


def _as_codes(values: Any) -> np.ndarray:
    """Rating codes (0/1/2, -1 missing) of labels, a categorical, or integer codes."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    if isinstance(values, pd.Categorical):
        if list(values.categories) == list(labels.RATING):
            return np.asarray(values.codes, dtype=np.int8)
        values = np.asarray(values.astype(object))
    arr = pd.Series(np.asarray(values, dtype=object).ravel())
    lookup = {lab: i for i, lab in enumerate(labels.RATING)}
    codes = arr.map(lookup)
    bad = arr.notna() & codes.isna()
    if bad.any():
        unknown = sorted({str(v) for v in arr[bad]})[:5]
        raise ParameterError(
            f"Rating tidak dikenal: {unknown}. Gunakan salah satu dari {list(labels.RATING)}."
        )
    return codes.fillna(-1).to_numpy(dtype=np.int8)


def rating_butir(capaian: Any, rules=None) -> pd.Series | pd.Categorical:
    """Rating of each indicator from its own capaian (percent), with ``ambang.capaian``.

    ``capaian < batas_bawah`` → Di bawah, ``>= batas_atas`` → Di atas, else Sesuai; both sides
    rounded to 9 decimals first (:func:`kinerja_calib._precision.tingkat`), so a capaian
    computed as ``79.99999999999999`` is 80. NaN stays missing.

    Returns
    -------
    Series (when ``capaian`` is one, same index) or Categorical
        Ordered categorical over :data:`kinerja_calib.labels.RATING`.

    Examples
    --------
    >>> list(rating_butir([79.9, 0.8 * 100, 110.0, float("nan")]))
    ['Di bawah ekspektasi', 'Sesuai ekspektasi', 'Di atas ekspektasi', nan]
    """
    r = _r6(rules)
    a = r.get_path("ambang.capaian")
    x = np.asarray(pd.to_numeric(pd.Series(np.ravel(capaian)), errors="coerce"), dtype=float)
    codes = _rating_codes(x, float(a["batas_bawah"]), float(a["batas_atas"]))
    cat = pd.Categorical.from_codes(codes, categories=list(labels.RATING), ordered=True)
    if isinstance(capaian, pd.Series):
        return pd.Series(cat, index=capaian.index, name="rating")
    return cat


def _utama_mask(df: pd.DataFrame, kolom_utama: str | None) -> np.ndarray:
    """True for a main item: column missing / None → every item; a bool column as is; a
    ``jenis`` text column: anything but ``tambahan`` (empty = ``utama``)."""
    if kolom_utama is None or kolom_utama not in df.columns:
        return np.ones(len(df), dtype=bool)
    s = df[kolom_utama]
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=bool)
    return (s.astype("object").where(s.notna(), "utama") != "tambahan").to_numpy(dtype=bool)


def _lebih_dari(bagian: np.ndarray, s: float) -> np.ndarray:
    """``bagian > s`` after both are rounded to 9 decimals (NaN → False)."""
    b = bulatkan(bagian)
    return np.where(np.isnan(b), False, b > bulatkan(s))


def agregasi_rating(
    df: pd.DataFrame,
    by: str | Sequence[str],
    kolom_rating: str = "rating",
    kolom_utama: str | None = None,
    rules=None,
) -> pd.DataFrame:
    """One overall rating per group from item ratings ("sebagian besar atau seluruh").

    Parameters
    ----------
    df : DataFrame
        Tidy: one row per item, the group columns ``by`` and ``kolom_rating``.
    by : str or list of str
        Group columns (e.g. ``["periode", "nip"]``).
    kolom_rating : str, default "rating"
        Labels of :data:`kinerja_calib.labels.RATING` (or that categorical); missing items
        are not counted.
    kolom_utama : str, optional
        ``jenis`` column (``utama``/``tambahan``; empty = ``utama``) or a boolean column
        (True = main item). ``None`` or a column absent from ``df``: every item is utama.
    rules : Rules or str, optional
        ``permenpanrb-6-2022`` rules; ``rating_per_butir.sebagian_besar`` (default 0.5).

    Returns
    -------
    DataFrame
        ``by`` columns, ``rating`` (ordered categorical; missing when no item is rated) and
        ``n_butir, n_di_atas, n_sesuai, n_di_bawah, n_utama_di_bawah`` (rated items).

    Notes
    -----
    With ``s = sebagian_besar``: Di bawah if ``n_di_bawah / n_butir > s`` or
    ``n_utama_di_bawah / n_utama > s``; else Di atas if ``n_di_atas / n_butir > s`` and
    ``n_utama_di_bawah == 0``; else Sesuai (exactly half, ties and "most above with a main
    result below" included). See the module docstring for why.

    Examples
    --------
    >>> d = pd.DataFrame({"nip": "A", "rating": ["Di atas ekspektasi"] * 2
    ...                   + ["Di bawah ekspektasi"], "jenis": ["utama", "utama", "tambahan"]})
    >>> agregasi_rating(d, "nip", kolom_utama="jenis")["rating"].tolist()
    ['Di atas ekspektasi']
    """
    r = _r6(rules)
    s = _sebagian_besar(r)
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in [*by, kolom_rating] if c not in df.columns]
    if missing:
        raise ParameterError(f"Kolom {missing} tidak ada pada tabel rating per butir.")
    code = _as_codes(df[kolom_rating])
    utama = _utama_mask(df, kolom_utama)
    rated = code >= 0
    tmp = df[by].copy()
    tmp["n_butir"] = rated.astype(np.int64)
    tmp["n_di_atas"] = (code == 2).astype(np.int64)
    tmp["n_sesuai"] = (code == 1).astype(np.int64)
    tmp["n_di_bawah"] = (code == 0).astype(np.int64)
    tmp["n_utama_di_bawah"] = ((code == 0) & utama).astype(np.int64)
    tmp["_n_utama"] = (rated & utama).astype(np.int64)
    g = tmp.groupby(by, sort=True, observed=True, dropna=False)[[*KOLOM_HITUNG, "_n_utama"]].sum()
    n = g["n_butir"].to_numpy(dtype=float)
    nu = g["_n_utama"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_atas = np.where(n > 0, g["n_di_atas"].to_numpy() / n, np.nan)
        p_bawah = np.where(n > 0, g["n_di_bawah"].to_numpy() / n, np.nan)
        p_utama_bawah = np.where(nu > 0, g["n_utama_di_bawah"].to_numpy() / nu, np.nan)
    bawah = _lebih_dari(p_bawah, s) | _lebih_dari(p_utama_bawah, s)
    atas = ~bawah & _lebih_dari(p_atas, s) & (g["n_utama_di_bawah"].to_numpy() == 0)
    codes = np.where(bawah, 0, np.where(atas, 2, 1))
    codes = np.where(n > 0, codes, -1).astype(np.int8)
    out = g[list(KOLOM_HITUNG)].reset_index()
    out.insert(
        len(by),
        "rating",
        pd.Categorical.from_codes(codes, categories=list(labels.RATING), ordered=True),
    )
    return out


# --------------------------------------------------------------------------- hasil kerja
def rating_hasil_kerja_per_butir(
    wb, periode=None, rules=None, per_indikator: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Rating hasil kerja per pegawai × periode from the per-indicator ratings.

    Parameters
    ----------
    wb : Workbook
        With ``indikator`` (optional column ``jenis``) and ``realisasi``.
    periode : str, list or None
        ``None`` = every period, ``""`` = the latest, or labels.
    rules : Rules or str, optional
        ``permenpanrb-6-2022`` rules (``ambang.capaian``, ``rating_per_butir``).
    per_indikator : DataFrame, optional
        ``capaian_pegawai(...).per_indikator`` if already computed (skips recomputing).

    Returns
    -------
    DataFrame
        ``periode, nip, rating_hasil_kerja`` and the counts ``n_butir, n_di_atas, n_sesuai,
        n_di_bawah, n_utama_di_bawah``. Pegawai without realisasi are absent.

    Notes
    -----
    Capaian per indicator: :func:`kinerja_calib.indicators.capaian_pegawai` (the same
    formulas as today's weighted mean; the cap ``capaian.maksimum_per_indikator`` does not
    matter here as it is above ``ambang.capaian.batas_atas``). The head-of-unit rule
    (``kepala_unit.metode``) is not applied here: these are the pegawai's own indicators.
    """
    from ._capaian import capaian_pegawai

    r = _r6(rules)
    if per_indikator is None:
        per_indikator = capaian_pegawai(wb, periode=periode, rules=r).per_indikator
    df = per_indikator[["periode", "nip", "kode_indikator", "capaian"]]
    ind = wb.indikator
    if "jenis" in ind.columns:
        df = df.merge(ind[["kode_indikator", "jenis"]], on="kode_indikator", how="left")
    df = df.assign(rating=rating_butir(df["capaian"].astype(float), r).to_numpy())
    out = agregasi_rating(df, ["periode", "nip"], "rating", "jenis", r)
    return out.rename(columns={"rating": "rating_hasil_kerja"})


# --------------------------------------------------------------------------- perilaku
def _aspek_scores(df: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Per periode × nip × aspek: role-weighted mean of the role means (roles present)."""
    roles = [k for k in labels.PERAN_PENILAI if weights.get(k, 0.0) > 0]
    d = df[df["peran_penilai"].isin(roles)]
    m = (
        d.groupby(["periode", "nip", "aspek", "peran_penilai"], sort=True, observed=True)["nilai"]
        .mean()
        .unstack("peran_penilai")
        .reindex(columns=roles)
    )
    v = m.to_numpy(dtype=float)
    w = np.where(np.isnan(v), 0.0, np.array([weights[k] for k in roles], dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        skor = np.where(w.sum(1) > 0, np.nansum(v * w, axis=1) / w.sum(1), np.nan)
    return pd.DataFrame({"skor": skor}, index=m.index).reset_index()


def rating_perilaku_per_aspek(
    penilaian_360: pd.DataFrame,
    mode: str | None = None,
    rules=None,
    periode=None,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> pd.DataFrame:
    """Rating perilaku per pegawai × periode from the ratings of the BerAKHLAK aspects.

    Parameters
    ----------
    penilaian_360 : DataFrame
        Long table ``periode, nip, nip_penilai, peran_penilai, aspek, nilai``.
    mode : {"atasan", "komposit_360"}, optional
        Who decides (default: ``perilaku.penentu`` of the rules). ``atasan``: each aspect is
        rated from the atasan's score (mean over atasan raters); a pegawai × periode with no
        atasan rating falls back to ``komposit_360`` (column ``penentu`` says which decided).
        ``komposit_360``: each aspect from the role-weighted composite (``bobot_peran``,
        renormalised over the roles present; ``diri`` has weight 0).
    rules : Rules or str, optional
        ``permenpanrb-6-2022`` rules (``ambang.perilaku``, ``bobot_peran``,
        ``rating_per_butir``, ``perilaku.penentu``).
    periode : str, list or None
        ``None`` = every period, ``""`` = the latest, or labels.
    ambang_anonimitas : int, default 3
        Anonymous groups with fewer distinct raters are dropped first
        (:func:`kinerja_calib.privacy.suppress_360`): they enter no score, rating or flag.

    Returns
    -------
    DataFrame
        ``periode, nip, rating_perilaku, n_butir, n_di_atas, n_sesuai, n_di_bawah,
        n_utama_di_bawah`` (aspects; every aspect is utama), ``penentu`` (``atasan`` or
        ``komposit_360``), ``rating_360_lain`` (the same aggregation over the kept raters
        other than atasan and self; missing when there are none) and ``selisih_360`` (True
        when ``penentu == "atasan"`` and ``rating_360_lain`` differs — for discussion, it
        changes nothing).
    """
    from ._periode import pilih_periode as _pick_periode
    from .privacy import suppress_360

    r = _r6(rules)
    mode = penentu_perilaku(r) if mode is None else mode
    if mode not in MODE_PERILAKU:
        raise ParameterError(
            f"Mode perilaku '{mode}' tidak dikenal; pilih salah satu dari {list(MODE_PERILAKU)}."
        )
    a = r.get_path("ambang.perilaku")
    lo, hi = float(a["batas_bawah"]), float(a["batas_atas"])
    df = penilaian_360
    per = _pick_periode(sorted(df["periode"].dropna().unique()), periode)
    if per is not None:
        df = df[df["periode"].isin(per)]
    df = suppress_360(df, ambang_anonimitas)[0]
    w_cfg = r.get_path("bobot_peran")
    bobot = {k: float(w_cfg.get(k, 0.0)) for k in labels.PERAN_PENILAI}
    bobot["diri"] = 0.0

    def overall(weights: dict[str, float]) -> pd.DataFrame:
        sk = _aspek_scores(df, weights)
        sk["rating"] = pd.Categorical.from_codes(
            _rating_codes(sk["skor"].to_numpy(float), lo, hi),
            categories=list(labels.RATING),
            ordered=True,
        )
        return agregasi_rating(sk, ["periode", "nip"], "rating", None, r)

    komposit = overall(bobot)
    atasan = overall({k: float(k == "atasan") for k in labels.PERAN_PENILAI})
    lain = overall({k: (0.0 if k == "atasan" else v) for k, v in bobot.items()})
    key = ["periode", "nip"]
    if mode == "atasan":
        has = atasan[atasan["n_butir"] > 0]
        rest = komposit.merge(has[key], on=key, how="left", indicator=True)
        rest = komposit[(rest["_merge"] == "left_only").to_numpy()]
        out = pd.concat(
            [has.assign(penentu="atasan"), rest.assign(penentu="komposit_360")],
            ignore_index=True,
        )
    else:
        out = komposit.assign(penentu="komposit_360")
    out["rating"] = pd.Categorical(out["rating"], categories=list(labels.RATING), ordered=True)
    lain = lain[lain["n_butir"] > 0][[*key, "rating"]].rename(columns={"rating": "rating_360_lain"})
    out = out.merge(lain, on=key, how="left")
    out["rating_360_lain"] = pd.Categorical(
        out["rating_360_lain"], categories=list(labels.RATING), ordered=True
    )
    diff = out["rating_360_lain"].notna() & (
        out["rating_360_lain"].astype(object) != out["rating"].astype(object)
    )
    out["selisih_360"] = (out["penentu"] == "atasan") & diff
    out = out.rename(columns={"rating": "rating_perilaku"})
    return out.sort_values(key, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- in words
def keterangan_metode(rules=None, skor: pd.DataFrame | None = None, ringkas: bool = False) -> str:
    """One Indonesian paragraph: how the predikat were made (for reports and notebooks).

    Parameters
    ----------
    rules : Rules or str, optional
        ``permenpanrb-6-2022`` rules (``rating_per_butir.metode``, ``perilaku.penentu``).
    skor : DataFrame, optional
        :func:`kinerja_calib.scoring.score_workbook` rows: adds how many pegawai were rated
        from the 360 composite for lack of an atasan rating, and how many have other 360
        feedback that differs from the atasan (``selisih_360``; computed from kept groups
        only, see :mod:`kinerja_calib.privacy`).
    ringkas : bool, default False
        One short sentence for a leader's summary instead of the teaching paragraph.

    Examples
    --------
    >>> keterangan_metode().split(".")[0]
    'Predikat dihitung per butir, sesuai rumusan PermenPANRB 6/2022'
    """
    r = _r6(rules)
    metode = metode_rating(r)
    if ringkas:
        return _ringkas(r, metode, skor)
    if metode == "rata_rata":
        teks = (
            "Predikat dihitung dengan aturan rata-rata (untuk pembanding, bukan rumusan "
            "peraturan): rating hasil kerja dari rata-rata capaian tertimbang dan rating "
            "perilaku dari komposit umpan balik 360."
        )
    else:
        teks = (
            "Predikat dihitung per butir, sesuai rumusan PermenPANRB 6/2022. Setiap indikator "
            "dan setiap aspek BerAKHLAK dirating sendiri; rating hasil kerja dan rating "
            "perilaku mengikuti *sebagian besar* butir, dan rating hasil kerja tidak dapat "
            "*di atas ekspektasi* bila ada hasil kerja utama di bawah ekspektasi."
        )
        if penentu_perilaku(r) == "atasan":
            teks += (
                " Rating perilaku ditetapkan dari nilai atasan (pejabat penilai); umpan balik "
                "360 dari rekan, bawahan, dan pengguna layanan menjadi bahan dialog kinerja."
            )
        else:
            teks += " Rating perilaku ditetapkan dari komposit tertimbang umpan balik 360."
    if skor is not None and len(skor):
        ada = skor["rating_perilaku"].notna() if "rating_perilaku" in skor else None
        if ada is not None and "penentu_perilaku" in skor and penentu_perilaku(r) == "atasan":
            n_kom = int(((skor["penentu_perilaku"] == "komposit_360") & ada).sum())
            if metode == "per_butir" and n_kom:
                teks += f" {bilangan(n_kom)} pegawai tanpa nilai atasan dinilai dari komposit 360."
        if "selisih_360" in skor and metode == "per_butir":
            n_sel = int(skor["selisih_360"].fillna(False).astype(bool).sum())
            if n_sel:
                teks += (
                    f" Pada {bilangan(n_sel)} pegawai, umpan balik lain berbeda dari nilai atasan; "
                    "selisih ini tidak mengubah predikat, tetapi layak dibahas dalam dialog "
                    "kinerja."
                )
    return teks


#: Indonesian names of the ways of rating compared by ``compare_regimes`` (column suffix →
#: name), in the order a trainer discusses them.
NAMA_CARA_RATING = {
    "per_butir_atasan": "Per butir, atasan menentukan perilaku",
    "per_butir_komposit_360": "Per butir, komposit 360 menentukan perilaku",
    "rata_rata": "Ambang pada rata-rata (aturan lama)",
}


def porsi_cara_rating(rezim: pd.DataFrame) -> pd.DataFrame:
    """Predikat shares (%) of the same pegawai under each way of rating.

    Parameters
    ----------
    rezim : DataFrame
        Output of :func:`kinerja_calib.scoring.compare_regimes` (columns
        ``predikat_<cara>`` for each key of :data:`NAMA_CARA_RATING`).

    Returns
    -------
    DataFrame
        Index ``predikat`` (highest first), one column per way of rating named as in
        :data:`NAMA_CARA_RATING`, values in percent of the pegawai with a predikat (one
        decimal); each column sums to 100 (up to rounding).

    Examples
    --------
    >>> t = pd.DataFrame({f"predikat_{k}": ["Baik", "Baik", "Sangat Baik", "Baik"]
    ...                   for k in NAMA_CARA_RATING})
    >>> porsi_cara_rating(t).loc["Baik"].tolist()
    [75.0, 75.0, 75.0]
    """
    kolom = {f"predikat_{k}": v for k, v in NAMA_CARA_RATING.items()}
    hilang = [c for c in kolom if c not in rezim.columns]
    if hilang:
        raise ParameterError(
            f"Kolom {hilang} tidak ada: pakai keluaran kc.compare_regimes(wb, ...)."
        )
    urutan = list(labels.PREDIKAT)[::-1]
    out = pd.DataFrame(
        {
            nama: rezim[c].astype(object).value_counts(normalize=True).reindex(urutan).fillna(0)
            * 100
            for c, nama in kolom.items()
        }
    )
    out.index.name = "predikat"
    return out.round(1)


def _ringkas(r: _rules.Rules, metode: str, skor: pd.DataFrame | None) -> str:
    """The short form of :func:`keterangan_metode`."""
    if metode == "rata_rata":
        return (
            "Predikat dihitung dengan ambang pada rata-rata (pembanding, bukan rumusan peraturan)."
        )
    siapa = (
        "nilai atasan (pejabat penilai)"
        if penentu_perilaku(r) == "atasan"
        else "komposit umpan balik 360"
    )
    teks = (
        "Predikat dihitung per butir sesuai rumusan PermenPANRB 6/2022; rating perilaku "
        f"ditetapkan dari {siapa}."
    )
    if skor is not None and "selisih_360" in skor and penentu_perilaku(r) == "atasan":
        n_sel = int(skor["selisih_360"].fillna(False).astype(bool).sum())
        if n_sel:
            teks += (
                f" Pada {bilangan(n_sel)} pegawai, umpan balik 360 lain berbeda dari nilai atasan: "
                "bahan dialog kinerja, tidak mengubah predikat."
            )
    return teks
