"""A rater-training session without people: simulated participants with planted effects.

Each simulated participant has a leniency (shift of every score), a halo (one shared
impression per case added to all seven aspects), a range factor (how far they spread
scores around the scale's middle relative to the key) and noise; in later rounds the
leniency, halo and noise shrink by ``perbaikan`` (the training worked). Scores are drawn
for all participants × cases × butir at once, then submitted through :meth:`Sesi.kirim`
so the same validation runs as for people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..labels import ASPEK_BERAKHLAK, RATING

__all__ = ["SimulasiSesi", "simulate_session"]

_WILAYAH = ("Kab. Sleman", "Kota Malang", "Kab. Bantul", "Kota Padang", "Kab. Gowa")
_INSTANSI = ("Dinas Kesehatan", "BKPSDM", "Kecamatan", "RSUD", "Dinas Pendidikan")


@dataclass
class SimulasiSesi:
    """The filled session and the planted truth (``efek``: one row per participant)."""

    sesi: object
    efek: pd.DataFrame


def _key_scores(kunci: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """(cases, 9) key scores in :data:`BUTIR_DINILAI` order."""
    from ._statistik import skor_kunci

    butir = ["rating_hasil_kerja", "rating_perilaku", *ASPEK_BERAKHLAK]
    table = skor_kunci(kunci).pivot(index="kode_vinyet", columns="butir", values="skor_kunci")
    return table.reindex(index=codes, columns=butir).to_numpy(dtype=float)


def _draw(
    key: np.ndarray, efek: pd.DataFrame, shrink: float, rng: np.random.Generator
) -> np.ndarray:
    """Scores (participants, cases, 9): ratings on 1–3, aspects on 1–5."""
    n, c = len(efek), key.shape[0]
    lo = np.array([1, 1, *[1] * len(ASPEK_BERAKHLAK)], dtype=float)
    hi = np.array([3, 3, *[5] * len(ASPEK_BERAKHLAK)], dtype=float)
    mid, half = (lo + hi) / 2, (hi - lo) / 4  # ratings move half as far as aspects
    len_ = efek["kelonggaran"].to_numpy()[:, None, None] * shrink
    rng_f = 1 + (efek["rentang"].to_numpy()[:, None, None] - 1) * shrink
    halo = rng.normal(0, 1, (n, c, 1)) * efek["halo"].to_numpy()[:, None, None] * shrink
    halo = np.concatenate(
        [np.zeros((n, c, 2)), np.repeat(halo, len(ASPEK_BERAKHLAK), axis=2)], axis=2
    )
    noise = (
        rng.normal(0, 1, (n, c, key.shape[1])) * efek["galat"].to_numpy()[:, None, None] * shrink
    )
    latent = mid + rng_f * (key[None] - mid) + (len_ + noise) * (half / half[-1]) + halo
    return np.clip(np.rint(latent), lo, hi).astype(int)


def simulate_session(
    sesi,
    kunci: pd.DataFrame,
    n_peserta: int = 30,
    perbaikan: float = 0.5,
    seed: int = 0,
    sd_kelonggaran: float = 0.6,
) -> SimulasiSesi:
    """Fill every round of ``sesi`` with simulated participants.

    Parameters
    ----------
    sesi : Sesi
        A fresh session (round 1 open); later rounds are opened with the same cases.
    kunci : DataFrame
        The bank's key (``kode``, ``butir``, ``nilai``).
    n_peserta : int, default 30
    perbaikan : float, default 0.5
        Share of leniency, halo, range error and noise removed per round: in round r the
        effects are multiplied by ``(1 - perbaikan) ** (r - 1)``.
    seed : int, default 0
    sd_kelonggaran : float, default 0.6
        SD of the planted leniency on the 1–5 aspect scale.

    Returns
    -------
    SimulasiSesi
        The session and the planted effects per participant.
    """
    rng = np.random.default_rng(seed)
    efek = pd.DataFrame(
        {
            "kelonggaran": rng.normal(0, sd_kelonggaran, n_peserta),
            "halo": rng.uniform(0, 0.8, n_peserta),
            "rentang": rng.uniform(0.6, 1.3, n_peserta),
            "galat": rng.uniform(0.2, 0.5, n_peserta),
        }
    )
    people = [
        sesi.daftar(
            f"Peserta Simulasi {i + 1:02d}",
            _INSTANSI[i % len(_INSTANSI)],
            _WILAYAH[i % len(_WILAYAH)],
        )
        for i in range(n_peserta)
    ]
    efek.insert(0, "id_peserta", [p.id_peserta for p in people])
    aspects = list(ASPEK_BERAKHLAK)
    for ronde in range(1, sesi.jumlah_ronde + 1):
        if ronde > 1:
            sesi.tutup_ronde(ronde - 1)
            sesi.buka_ronde(ronde)
        codes = sesi.kasus_ronde(ronde)
        scores = _draw(_key_scores(kunci, codes), efek, (1 - perbaikan) ** (ronde - 1), rng)
        for i, p in enumerate(people):
            for j, kode in enumerate(codes):
                row = scores[i, j]
                sesi.kirim(
                    p,
                    kode,
                    ronde,
                    RATING[row[0] - 1],
                    RATING[row[1] - 1],
                    dict(zip(aspects, row[2:].tolist(), strict=True)),
                )
    return SimulasiSesi(sesi=sesi, efek=efek)
