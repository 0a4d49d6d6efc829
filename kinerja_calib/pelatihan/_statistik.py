"""Live numbers of a rater-training session, for the trainer and for each participant.

Every function takes the long ratings table of :meth:`Sesi.penilaian` (one row per
participant × round × case × butir, ordinal ``skor``) and, where the key matters, the key
table of the vignette bank (``kode``, ``butir``, ``nilai``). Two scales are kept apart:
``"rating"`` (rating hasil kerja and rating perilaku, 1–3) and ``"aspek"`` (the seven
BerAKHLAK aspects, 1–5). Signed distance to the key (``kelonggaran``, leniency) is
participant minus key: positive is lenient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..agreement import bootstrap, gwet_ac, krippendorff_alpha
from ..labels import ASPEK_BERAKHLAK, RATING
from ..privacy import AMBANG_BAWAAN

__all__ = [
    "Ringkasan",
    "UmpanBalikPeserta",
    "accuracy",
    "agreement",
    "convergence",
    "disagreement",
    "group_summary",
    "participant_feedback",
    "rater_summary",
    "skor_kunci",
    "summarise",
]

_RATING_BUTIR = ("rating_hasil_kerja", "rating_perilaku")
_CATEGORIES = {"rating": [1, 2, 3], "aspek": [1, 2, 3, 4, 5]}


def _skala(butir: pd.Series) -> pd.Series:
    return pd.Series(np.where(butir.isin(_RATING_BUTIR), "rating", "aspek"), index=butir.index)


def skor_kunci(kunci: pd.DataFrame) -> pd.DataFrame:
    """The key as ordinal scores: ``kode_vinyet``, ``butir``, ``skor_kunci``, ``alasan``.

    Rating labels become 1–3 (order of :data:`kinerja_calib.labels.RATING`), aspects their
    integer; the predikat (not rated by participants) is dropped.
    """
    rated = kunci[kunci["butir"].isin([*_RATING_BUTIR, *ASPEK_BERAKHLAK])].copy()
    rating_score = rated["nilai"].map({label: i + 1 for i, label in enumerate(RATING)})
    aspect_score = pd.to_numeric(rated["nilai"], errors="coerce")
    rated["skor_kunci"] = np.where(rated["butir"].isin(_RATING_BUTIR), rating_score, aspect_score)
    out = rated.rename(columns={"kode": "kode_vinyet"})
    if "alasan" not in out:
        out["alasan"] = ""
    return out[["kode_vinyet", "butir", "skor_kunci", "alasan"]].astype({"skor_kunci": "int64"})


def _with_key(penilaian: pd.DataFrame, kunci: pd.DataFrame) -> pd.DataFrame:
    merged = penilaian.merge(skor_kunci(kunci), on=["kode_vinyet", "butir"], how="left")
    merged["skala"] = _skala(merged["butir"])
    merged["selisih"] = merged["skor"] - merged["skor_kunci"]
    return merged


def agreement(penilaian: pd.DataFrame, n_boot: int = 500, seed: int = 0) -> pd.DataFrame:
    """Agreement among participants per round and scale.

    Units are case × butir, raters the participants. Krippendorff's α (ordinal; percentile
    bootstrap CI over units) and Gwet's AC2 (linear weights, Gwet's analytic CI).

    Returns
    -------
    DataFrame
        ``ronde``, ``skala``, ``statistik`` ("alpha_ordinal", "gwet_ac2"), ``nilai``,
        ``ci_low``, ``ci_high``, ``n_subjek``, ``n_penilai``.
    """
    frame = penilaian.assign(skala=_skala(penilaian["butir"]))
    rows = []
    for (ronde, skala), part in frame.groupby(["ronde", "skala"], sort=True):
        wide = part.pivot_table(
            index=["kode_vinyet", "butir"], columns="id_peserta", values="skor", aggfunc="first"
        )
        if wide.shape[1] < 2:
            continue
        values = wide.to_numpy(dtype=float)
        alpha = bootstrap(krippendorff_alpha, values, n_boot=n_boot, seed=seed, level="ordinal")
        ac2 = gwet_ac(values, weights="linear", categories=_CATEGORIES[skala])
        for name, est in (("alpha_ordinal", alpha), ("gwet_ac2", ac2)):
            rows.append(
                (
                    int(ronde),
                    skala,
                    name,
                    float(est),
                    est.ci_low,
                    est.ci_high,
                    est.n_subjek,
                    wide.shape[1],
                )
            )
    columns = ["ronde", "skala", "statistik", "nilai", "ci_low", "ci_high", "n_subjek", "n_penilai"]
    return pd.DataFrame(rows, columns=columns)


def accuracy(penilaian: pd.DataFrame, kunci: pd.DataFrame) -> pd.DataFrame:
    """Accuracy against the key per round and scale.

    Returns ``ronde``, ``skala``, ``n`` (ratings), ``tepat`` (exact share),
    ``jarak`` (mean absolute distance), ``kelonggaran`` (mean signed distance).
    """
    merged = _with_key(penilaian, kunci).dropna(subset=["skor_kunci"])
    merged["tepat"] = merged["selisih"].eq(0)
    merged["jarak"] = merged["selisih"].abs()
    return (
        merged.groupby(["ronde", "skala"])
        .agg(
            n=("skor", "size"),
            tepat=("tepat", "mean"),
            jarak=("jarak", "mean"),
            kelonggaran=("selisih", "mean"),
        )
        .reset_index()
    )


def rater_summary(penilaian: pd.DataFrame, kunci: pd.DataFrame) -> pd.DataFrame:
    """One row per participant × round × scale: accuracy, leniency and range.

    ``kelonggaran`` is the mean signed distance to the key (positive = lenient);
    ``rentang`` the ratio of the participant's standard deviation of scores to the key's
    over the same items (< 1: range restricted, central tendency; > 1: extreme).
    """
    merged = _with_key(penilaian, kunci).dropna(subset=["skor_kunci"])
    merged["tepat"] = merged["selisih"].eq(0)
    merged["jarak"] = merged["selisih"].abs()
    keys = ["id_peserta", "nama", "instansi", "wilayah", "ronde", "skala"]
    out = merged.groupby(keys, sort=True).agg(
        n=("skor", "size"),
        tepat=("tepat", "mean"),
        jarak=("jarak", "mean"),
        kelonggaran=("selisih", "mean"),
        sd=("skor", "std"),
        sd_kunci=("skor_kunci", "std"),
    )
    out["rentang"] = out["sd"] / out["sd_kunci"].where(out["sd_kunci"] > 0)
    return out.drop(columns=["sd", "sd_kunci"]).reset_index()


def group_summary(raters: pd.DataFrame, by: str, ambang: int = AMBANG_BAWAAN) -> pd.DataFrame:
    """Mean accuracy and leniency by ``by`` ("wilayah" or "instansi") per round and scale.

    Groups with fewer than ``ambang`` participants are merged into "(lainnya)" so no
    person can be singled out; a "(lainnya)" group still below the threshold is dropped.
    """
    counts = raters.groupby(by)["id_peserta"].nunique()
    small = counts.index[counts < ambang]
    frame = raters.assign(**{by: raters[by].where(~raters[by].isin(small), "(lainnya)")})
    out = (
        frame.groupby([by, "ronde", "skala"])
        .agg(
            n_peserta=("id_peserta", "nunique"),
            tepat=("tepat", "mean"),
            jarak=("jarak", "mean"),
            kelonggaran=("kelonggaran", "mean"),
        )
        .reset_index()
    )
    return out[out["n_peserta"] >= ambang].reset_index(drop=True)


def disagreement(penilaian: pd.DataFrame, kunci: pd.DataFrame) -> pd.DataFrame:
    """Cases ranked for discussion: spread among participants and distance to the key.

    Scores are put on a common 0–1 scale (rating: (s-1)/2, aspek: (s-1)/4). Returns one
    row per round × case with ``sebaran`` (mean over butir of the participants' standard
    deviation), ``jarak`` (mean absolute distance to the key) and ``kelonggaran``, sorted
    so the case to discuss first comes first in each round.
    """
    merged = _with_key(penilaian, kunci)
    scale = np.where(merged["skala"] == "rating", 2.0, 4.0)
    merged["s01"] = (merged["skor"] - 1) / scale
    merged["d01"] = merged["selisih"] / scale
    per_item = merged.groupby(["ronde", "kode_vinyet", "butir"]).agg(
        sebaran=("s01", "std"), jarak=("d01", lambda d: d.abs().mean()), kelonggaran=("d01", "mean")
    )
    out = per_item.groupby(["ronde", "kode_vinyet"]).mean().reset_index()
    out = out.sort_values(["ronde", "sebaran", "jarak"], ascending=[True, False, False])
    out["urutan_bahas"] = out.groupby("ronde").cumcount() + 1
    return out.reset_index(drop=True)


def _weighted_spread(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mean over items of the weighted SD across participants, for each weight row.

    ``x``: (items, participants) with NaN missing; ``weights``: (B, participants).
    """
    mask = ~np.isnan(x)
    xv = np.where(mask, x, 0.0)
    s0 = weights @ mask.T.astype(float)
    s1 = weights @ xv.T
    s2 = weights @ (xv**2).T
    with np.errstate(invalid="ignore", divide="ignore"):
        var = s2 / s0 - (s1 / s0) ** 2
        var = np.where(s0 >= 2, np.clip(var, 0, None) * s0 / (s0 - 1), np.nan)
    return np.nanmean(np.sqrt(var), axis=1)


def convergence(
    penilaian: pd.DataFrame,
    kunci: pd.DataFrame,
    dari: int = 1,
    ke: int = 2,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Round ``dari`` → ``ke`` change, with a percentile bootstrap CI over participants.

    Only participants who rated in both rounds count (paired). Measures per scale:
    ``jarak`` (mean absolute distance to the key; negative change = closer to the key) and
    ``sebaran`` (mean over items of the SD among participants; negative = the room converged).
    Resampling is vectorised: participants are resampled as multiplicity weights.
    """
    merged = _with_key(penilaian[penilaian["ronde"].isin([dari, ke])], kunci)
    both = merged.groupby("id_peserta")["ronde"].nunique()
    people = np.array(sorted(both.index[both == 2]))
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(
        len(people), np.full(len(people), 1 / max(len(people), 1)), size=n_boot
    )
    weights = np.vstack([np.ones(len(people)), weights]).astype(float)  # row 0 = the data
    rows = []
    for skala, part in merged[merged["id_peserta"].isin(people)].groupby("skala"):
        dist = part.assign(j=part["selisih"].abs()).pivot_table(
            index="id_peserta", columns="ronde", values="j", aggfunc="mean"
        )
        dist = dist.reindex(people)
        d = (dist[ke] - dist[dari]).to_numpy()
        change_j = weights @ d / weights.sum(axis=1)
        spreads = {}
        for r in (dari, ke):
            wide = part[part["ronde"] == r].pivot_table(
                index=["kode_vinyet", "butir"], columns="id_peserta", values="skor", aggfunc="first"
            )
            spreads[r] = _weighted_spread(
                wide.reindex(columns=people).to_numpy(dtype=float), weights
            )
        change_s = spreads[ke] - spreads[dari]
        for ukuran, before, after, change in (
            ("jarak", dist[dari].mean(), dist[ke].mean(), change_j),
            ("sebaran", spreads[dari][0], spreads[ke][0], change_s),
        ):
            low, high = np.nanpercentile(change[1:], [2.5, 97.5])
            rows.append(
                (
                    skala,
                    ukuran,
                    float(before),
                    float(after),
                    float(change[0]),
                    low,
                    high,
                    len(people),
                )
            )
    columns = [
        "skala",
        "ukuran",
        "sebelum",
        "sesudah",
        "perubahan",
        "ci_low",
        "ci_high",
        "n_peserta",
    ]
    return pd.DataFrame(rows, columns=columns)


@dataclass
class Ringkasan:
    """The trainer's live numbers (each a tidy DataFrame)."""

    kesepakatan: pd.DataFrame
    akurasi: pd.DataFrame
    penilai: pd.DataFrame
    wilayah: pd.DataFrame
    instansi: pd.DataFrame
    kasus: pd.DataFrame
    perubahan: pd.DataFrame | None


def summarise(
    penilaian: pd.DataFrame,
    kunci: pd.DataFrame,
    ronde: int | None = None,
    n_boot: int = 500,
    seed: int = 0,
) -> Ringkasan:
    """All trainer numbers at once (optionally for one round; the change needs two)."""
    rated = penilaian if ronde is None else penilaian[penilaian["ronde"] == ronde]
    raters = rater_summary(rated, kunci)
    rounds = sorted(penilaian["ronde"].unique())
    change = None
    if ronde is None and len(rounds) >= 2:
        change = convergence(penilaian, kunci, rounds[0], rounds[1], n_boot=n_boot, seed=seed)
    return Ringkasan(
        kesepakatan=agreement(rated, n_boot=n_boot, seed=seed),
        akurasi=accuracy(rated, kunci),
        penilai=raters,
        wilayah=group_summary(raters, "wilayah"),
        instansi=group_summary(raters, "instansi"),
        kasus=disagreement(rated, kunci),
        perubahan=change,
    )


@dataclass
class UmpanBalikPeserta:
    """What one participant sees: only their own ratings, and the room anonymously."""

    nama: str
    deviasi: pd.DataFrame
    posisi: pd.DataFrame


def participant_feedback(
    penilaian: pd.DataFrame, kunci: pd.DataFrame, id_peserta: str
) -> UmpanBalikPeserta:
    """A participant's private view.

    ``deviasi``: their own ratings per round × case × butir with the key, the signed
    distance and the key's reason. ``posisi``: per round × scale their leniency and the
    room's leniency quartiles and their percentile (no other participant is named).
    """
    own = _with_key(penilaian[penilaian["id_peserta"] == id_peserta], kunci)
    nama = own["nama"].iloc[0] if len(own) else ""
    deviasi = own[
        [
            "ronde",
            "kode_vinyet",
            "butir",
            "skala",
            "nilai",
            "skor",
            "skor_kunci",
            "selisih",
            "alasan",
        ]
    ]
    raters = rater_summary(penilaian, kunci)
    room = raters.groupby(["ronde", "skala"])["kelonggaran"]
    stats = (
        room.quantile([0.25, 0.5, 0.75]).unstack().set_axis(["q25", "median_ruang", "q75"], axis=1)
    )
    ranks = raters.assign(persentil=room.rank(pct=True) * 100)
    mine = ranks.loc[
        ranks["id_peserta"] == id_peserta, ["ronde", "skala", "kelonggaran", "persentil"]
    ]
    posisi = mine.rename(columns={"kelonggaran": "kelonggaran_anda"}).merge(
        stats.reset_index(), on=["ronde", "skala"], how="left"
    )
    posisi["n_peserta_ruang"] = (
        posisi.set_index(["ronde", "skala"]).index.map(room.size()).to_numpy()
    )
    return UmpanBalikPeserta(nama=nama, deviasi=deviasi.reset_index(drop=True), posisi=posisi)
