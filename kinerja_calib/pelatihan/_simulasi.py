"""A rater-training session without people: simulated participants with planted effects.

Each simulated participant has a leniency (shift of every score), a halo (one shared
impression per case added to all seven aspects), a range factor (how far they spread
scores around the scale's middle relative to the key; some also restrict their range) and
noise; in later rounds these shrink by ``perbaikan`` (the training worked). Scores are drawn
for all participants × cases × butir at once, then submitted through :meth:`Sesi.kirim`
so the same validation runs as for people.

The effect sizes are those of the project's rater simulator, one source for both: a
:class:`kinerja_calib.simulate.Scenario` (default ``Scenario()``, sizes from
docs/praktik.md §A5) gives them in latent units, and :func:`rater_effects` converts them
to points of the 1–5 aspect scale by the scenario's mean threshold spacing
(``(κ_last − κ_first) / (K − 2)`` latent units per point; ≈ 2,13 by default, so the default
leniency SD 1,15 is ≈ 0,54 points). A vignette has no ratee "true score" to draw: the
expert key stands for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..labels import ASPEK_BERAKHLAK, RATING
from ..simulate import Scenario

__all__ = ["SimulasiSesi", "rater_effects", "simulate_session"]

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
    scale = half / half[-1]
    latent = mid + rng_f * (key[None] - mid) + (len_ + noise) * scale + halo
    if shrink > 0:  # range restriction around the participant's own centre, widening as they learn
        width = efek["lebar"].to_numpy()[:, None, None] / shrink * scale
        centre = mid + len_ * scale
        latent = np.clip(latent, centre - width, centre + width)
    return np.clip(np.rint(latent), lo, hi).astype(int)


def rater_effects(
    n: int,
    rng: np.random.Generator,
    scenario: Scenario | None = None,
    sd_kelonggaran: float | None = None,
) -> pd.DataFrame:
    """Per-participant rater effects on the 1–5 aspect scale, sized by a simulator scenario.

    Parameters
    ----------
    n : int
        Number of participants.
    rng : numpy.random.Generator
    scenario : Scenario, optional
        Effect sizes (default ``Scenario()``): ``sd_keparahan`` (leniency), ``sd_halo`` and
        ``keragaman_halo`` (per-rater halo), ``sentral``/``sd_sentral`` (range factor),
        ``porsi_rentang_sempit``/``rentang`` (restricted range), ``sd_galat`` (noise), and
        the planted very lenient/severe raters (``porsi_penilai_lunak`` … ``besar_penilai_keras``).
    sd_kelonggaran : float, optional
        Overrides the leniency SD (already in scale points).

    Returns
    -------
    DataFrame
        ``kelonggaran`` (shift, points), ``halo`` (SD of the per-case halo, points),
        ``rentang`` (spread factor around the middle, 1 = as the key), ``lebar`` (half-width
        of the restricted range in points; infinite for most), ``galat`` (noise SD, points).

    Examples
    --------
    >>> import numpy as np
    >>> e = rater_effects(4000, np.random.default_rng(0))
    >>> round(float(e["kelonggaran"].std()), 1), round(float(e["rentang"].mean()), 1)
    (0.5, 0.9)
    """
    s = scenario or Scenario()
    kappa = s.ambang()
    point = (kappa[-1] - kappa[0]) / max(len(kappa) - 1, 1)  # latent units per scale point
    sd_len = s.sd_keparahan / point if sd_kelonggaran is None else sd_kelonggaran
    lenient = rng.normal(0.0, sd_len, n)
    n_lunak, n_keras = (int(round(p * n)) for p in (s.porsi_penilai_lunak, s.porsi_penilai_keras))
    if n_lunak + n_keras:
        pick = rng.permutation(n)[: n_lunak + n_keras]
        lenient[pick[:n_lunak]] += s.besar_penilai_lunak * s.sd_skala / point
        lenient[pick[n_lunak:]] -= s.besar_penilai_keras * s.sd_skala / point
    halo = s.sd_halo / point * np.sqrt(rng.gamma(s.keragaman_halo, 1.0 / s.keragaman_halo, n))
    lebar = np.full(n, np.inf)
    lebar[rng.random(n) < s.porsi_rentang_sempit] = s.rentang * s.sd_skala / point
    return pd.DataFrame(
        {
            "kelonggaran": lenient,
            "halo": halo,
            "rentang": np.clip(rng.normal(s.sentral, s.sd_sentral, n), 0.05, 3.0),
            "lebar": lebar,
            "galat": np.full(n, s.sd_galat / point),
        }
    )


def simulate_session(
    sesi,
    kunci: pd.DataFrame,
    n_peserta: int = 30,
    perbaikan: float = 0.5,
    seed: int = 0,
    sd_kelonggaran: float | None = None,
    scenario: Scenario | None = None,
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
        effects are multiplied by ``(1 - perbaikan) ** (r - 1)`` (a restricted range is
        divided by it).
    seed : int, default 0
    sd_kelonggaran : float, optional
        SD of the planted leniency on the 1–5 aspect scale; by default the scenario's
        ``sd_keparahan`` converted to scale points (≈ 0,54 for ``Scenario()``).
    scenario : Scenario, optional
        The rater simulator's scenario that sizes every effect (:func:`rater_effects`).

    Returns
    -------
    SimulasiSesi
        The session and the planted effects per participant.
    """
    rng = np.random.default_rng(seed)
    efek = rater_effects(n_peserta, rng, scenario, sd_kelonggaran)
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
