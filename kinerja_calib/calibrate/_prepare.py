"""Data preparation of the rater-effects model: the period, the checks, the integer codes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._periode import TERBARU, pilih_periode
from ..errors import ParameterError
from ._types import KURANG_PENILAI, RaterEffects, RatingData

__all__ = ["KOLOM_WAJIB", "efek_kosong", "rating_data", "tanpa_penilai_lain"]

KOLOM_WAJIB = ("nip", "nip_penilai", "peran_penilai", "aspek", "nilai")


def tanpa_penilai_lain(ratings: pd.DataFrame, periode: str | None) -> bool:
    """True when the (period's) table holds no rating other than self-ratings."""
    need = {"nip", "nip_penilai", "peran_penilai", "nilai"}
    if not need <= set(ratings.columns):
        return False  # let rating_data() name the missing columns
    r, _ = _select_period(ratings, periode)
    nilai = pd.to_numeric(r["nilai"], errors="coerce")
    bukan_diri = (r["peran_penilai"].astype("string") != "diri").fillna(False) & nilai.notna()
    cand = r.loc[bukan_diri.to_numpy(dtype=bool), ["nip", "nip_penilai"]]
    # compared as text: the two columns may be categoricals with different categories; the
    # first rows usually settle it, so a national table is not converted as a whole
    for part in (cand.head(1000), cand):
        a = part["nip"].astype("string").fillna("").to_numpy()
        b = part["nip_penilai"].astype("string").fillna("").to_numpy()
        if bool((a != b).any()):
            return False
    return True


def efek_kosong(ratings: pd.DataFrame, periode: str | None, method: str) -> RaterEffects:
    """The documented empty result: every table with its columns and no row.

    ``info["kurang"]`` holds the Indonesian sentence, which :meth:`RaterEffects.ringkasan`
    returns.
    """
    _, periode = _select_period(ratings, periode)

    def kosong(index: str, cols: list[str]) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols}).rename_axis(index)

    ratees = kosong(
        "nip",
        ["skor_mentah", "skor_terkalibrasi", "skor_distribusi", "se", "n", "n_penilai",
         "koreksi", "skor_diri", "komponen"],
    )  # fmt: skip
    raters = kosong(
        "nip_penilai",
        ["keparahan", "se", "n", "n_pegawai", "skor_rerata", "msr", "sebaran_aspek",
         "sebaran_pegawai", "indeks_sentral", "indeks_halo", "komponen"],
    )  # fmt: skip
    ratees["dapat_dibandingkan"] = pd.Series(dtype=bool)
    ratees["kelas_banding"] = pd.Series(dtype=np.int64)
    ratees["alasan_banding"] = pd.Series(dtype=object)
    raters["diagnosis"] = pd.Series(dtype=object)
    komponen = kosong("komponen", ["varians", "proporsi"])
    komponen["keterangan"] = pd.Series(dtype=object)
    jaringan = pd.DataFrame(
        {c: pd.Series(dtype=float) for c in ("n_pegawai", "n_penilai", "n_penilaian")}
    )
    jaringan["keterangan"] = pd.Series(dtype=object)
    efek = pd.DataFrame({"jenis": [], "tingkat": [], "efek": [], "n": []})
    return RaterEffects(
        ratees, raters, komponen, jaringan, efek, 0.0, method, periode,
        info={
            "kurang": KURANG_PENILAI,
            "keterkaitan": pd.DataFrame(),
            "tidak_dibandingkan": pd.DataFrame(),
            "kekuatan_hubungan": np.nan,
        },
    )  # fmt: skip


def _select_period(ratings: pd.DataFrame, periode: str | None) -> tuple[pd.DataFrame, str | None]:
    """The ratings of the period the model reads, and its label.

    The calibrate functions' own convention — ``None`` or ``""`` = the latest period,
    ``"semua"`` = every period pooled, a label = that period — passed to the one selector
    :func:`kinerja_calib._periode.pilih_periode` as its explicit argument.
    """
    if "periode" not in ratings.columns or periode == "semua":
        return ratings, None
    values = ratings["periode"].dropna().unique()
    terbaru = periode in (None, "")

    def pesan(unknown: list, available: list) -> str:
        return (
            f"Periode '{periode}' tidak ada di data penilaian 360; pilih salah satu dari "
            f"{sorted(map(str, values))}, atau 'semua' untuk menggabungkan periode."
        )

    chosen = pilih_periode(sorted(values), TERBARU if terbaru else periode, pesan)
    if not chosen:  # the latest of a table without periods
        return ratings, None
    if terbaru:
        periode = str(chosen[0])
    if len(values) == 1:
        return ratings, periode
    return ratings.loc[ratings["periode"] == periode], periode


def _raw_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (−1 = missing; a categorical's own narrow dtype, not widened) and their
    labels as strings."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), np.asarray(col.cat.categories.astype(str), dtype=object)
    codes, uniques = pd.factorize(col)
    return codes, np.asarray(pd.Index(uniques).astype(str), dtype=object)


def _compress(codes: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Renumber the codes in use (all ≥ 0) as 0..k−1 (int64), ordered by label.

    A lookup table over the label range instead of hashing the codes; the labels are sorted
    as fixed-width numpy text (the same order as Python's for text without NUL characters,
    and 2–3× faster than sorting Python strings).
    """
    present = np.zeros(len(labels), bool)
    present[codes] = True
    used = np.flatnonzero(present)
    lab = labels[used]
    order = np.argsort(lab.astype(str), kind="stable")
    rank = np.empty(len(labels), np.int64)
    rank[used[order]] = np.arange(len(order))
    return rank[codes], pd.Index(lab[order])


def _lookup(table: np.ndarray, codes: np.ndarray, missing: Any) -> np.ndarray:
    """``table[codes]`` with ``missing`` where a code is −1 (one gather, no masks)."""
    return np.append(table, np.asarray(missing, table.dtype))[codes]


def rating_data(ratings: pd.DataFrame, periode: str | None = None) -> RatingData:
    """Validate the long 360 table and encode it as integer codes (self ratings split off)."""
    if not isinstance(ratings, pd.DataFrame):
        raise ParameterError("`ratings` harus berupa DataFrame penilaian_360 (format panjang).")
    missing = [c for c in KOLOM_WAJIB if c not in ratings.columns]
    if missing:
        raise ParameterError(
            "Tabel penilaian 360 tidak memiliki kolom " + ", ".join(missing) + ". Kolom yang "
            "dibutuhkan: " + ", ".join(KOLOM_WAJIB) + "."
        )
    ratings, periode = _select_period(ratings, periode)
    nilai = pd.to_numeric(ratings["nilai"], errors="coerce").to_numpy(dtype=np.float64)
    # integer codes straight from the columns (categoricals keep their codes): no per-row
    # Python strings, so 40 M rows stay cheap
    c_nip, l_nip = _raw_codes(ratings["nip"])
    c_pen, l_pen = _raw_codes(ratings["nip_penilai"])
    c_per, l_per = _raw_codes(ratings["peran_penilai"])
    c_asp, l_asp = _raw_codes(ratings["aspek"])
    # self ratings: the rater is the ratee (a rater label that is also a ratee label), or the
    # role is "diri"; −2 never equals a ratee code, not even the missing one (−1)
    pen_as_nip = pd.Index(l_nip).get_indexer(l_pen)
    pen_as_nip = np.where(pen_as_nip >= 0, pen_as_nip, -2).astype(c_nip.dtype)
    is_self = _lookup(pen_as_nip, c_pen, -2) == c_nip
    is_self |= _lookup(l_per == "diri", c_per, False)
    ok = np.isfinite(nilai) & (c_nip >= 0) & (c_pen >= 0) & (c_per >= 0) & (c_asp >= 0)
    diri_mask = ok & is_self
    if diri_mask.any():
        cnt = np.bincount(c_nip[diri_mask], minlength=len(l_nip))
        tot = np.bincount(c_nip[diri_mask], weights=nilai[diri_mask], minlength=len(l_nip))
        has = cnt > 0
        skor_diri = pd.Series(tot[has] / cnt[has], index=l_nip[has], name="skor_diri")
    else:
        skor_diri = pd.Series(dtype=np.float64, name="skor_diri")
    keep = ok & ~is_self
    if not keep.any():
        raise ParameterError(
            "Tidak ada penilaian 360 selain penilaian diri yang berisi nilai; kalibrasi "
            "membutuhkan penilaian dari atasan, rekan, bawahan atau pengguna layanan."
        )
    y = nilai[keep]
    ratee, ratee_ids = _compress(c_nip[keep], l_nip)
    rater, rater_ids = _compress(c_pen[keep], l_pen)
    role, role_ids = _compress(c_per[keep], l_per)
    aspect, aspect_ids = _compress(c_asp[keep], l_asp)
    # a pair is (ratee, rater, role): the same rater in two roles (a data slip) stays exact
    key = (ratee * len(rater_ids) + rater) * len(role_ids) + role
    pair, _ = pd.factorize(key)
    pair = pair.astype(np.int64, copy=False)
    n_pairs = int(pair.max()) + 1
    pair_ratee = np.empty(n_pairs, np.int64)
    pair_rater = np.empty(n_pairs, np.int64)
    pair_role = np.empty(n_pairs, np.int64)
    pair_ratee[pair] = ratee
    pair_rater[pair] = rater
    pair_role[pair] = role
    pair_n = np.bincount(pair, minlength=n_pairs).astype(np.float64)
    skor_diri.index = skor_diri.index.astype(str)
    skor_diri.index.name = "nip"
    return RatingData(
        y,
        ratee,
        rater,
        role,
        aspect,
        pair,
        ratee_ids,
        rater_ids,
        role_ids,
        aspect_ids,
        pair_ratee,
        pair_rater,
        pair_role,
        pair_n,
        skor_diri,
        periode,
    )
