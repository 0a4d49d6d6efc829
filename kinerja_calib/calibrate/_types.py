"""The data types of the rater-effects model, shared by its modules.

:class:`RaterEffects` (the result every fit returns), :class:`RatingData` (the encoded
ratings, see :mod:`._prepare`) and :class:`AdditiveFit` (the additive model's estimates, see
:mod:`._lsmr`). This module imports nothing of the package, so the front door
:mod:`._effects`, the fits (:mod:`._lsmr`, :mod:`._ordinal`) and :mod:`._diagnostics` all
import it and none of them imports another's front door.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._angka import bilangan, desimal

__all__ = ["KURANG_PENILAI", "AdditiveFit", "RaterEffects", "RatingData"]


@dataclass
class RaterEffects:
    """Result of :func:`rater_effects`.

    Attributes
    ----------
    ratees : DataFrame
        Index ``nip``: ``skor_mentah`` (plain mean of the non-self ratings),
        ``skor_terkalibrasi`` (posterior mean: for ranking and the kurva proposal),
        ``skor_distribusi`` (Shen & Louis triple-goal score: the same ranks, the spread of the
        estimated true-score distribution — for rating bands and predikat shares; see
        ``_triple``), ``se`` (posterior SD; ``± 1.96 se`` is a 95 % interval, see
        ``_interval``), ``n`` (ratings), ``n_penilai``, ``koreksi``
        (calibrated − raw), ``skor_diri`` (mean self rating, NaN when absent; never part of the
        calibrated score), ``komponen`` (connected component of the rater network).
    raters : DataFrame
        Index ``nip_penilai``: ``keparahan`` (+ = severe, mean 0 within each connected
        component), ``se``, ``n``, ``n_pegawai``, ``skor_rerata`` (mean rating given),
        ``msr`` (residual mean-square), ``sebaran_aspek``, ``sebaran_pegawai``,
        ``indeks_sentral``, ``indeks_halo`` (see ``_diagnostics.style_indices``; NaN when the
        rater has too few ratees rated also by others), ``komponen``, ``diagnosis``
        (Indonesian, "wajar" when nothing is flagged).
    komponen : DataFrame
        Variance components (index ``komponen``): ``varians``, ``proporsi``, ``keterangan``.
    jaringan : DataFrame
        One row per connected component of the rater–ratee graph: ``n_pegawai``,
        ``n_penilai``, ``n_penilaian``, ``keterangan`` (why a component cannot be compared with
        the main one).
    efek : DataFrame
        Role and aspect effects (``jenis``, ``tingkat``, ``efek``, ``n``), centred to an
        observation-weighted mean of 0.
    shrinkage : float
        The ridge parameter λ used for rater effects (0 = none).
    method : str
        ``"additive"`` or ``"ordinal"``.
    periode : str or None
        The period analysed (``None`` when the table has no ``periode`` column or all periods
        were pooled).
    info : dict
        Solver details (iterations, convergence, timings), ``sigma2_eff`` and
        ``sigma2_pegawai_lepas`` (the additive model's ratee variance from its unshrunk
        effects, which sets the least spread of ``skor_distribusi``; additive model only, NaN
        without ratee shrinkage) and ``sigma2_pegawai_lepas_dalam`` (the same within the
        connected components of the rater network, with the fit's own rater weights; only with
        ``skala_penilai``, NaN otherwise) and ``skala_penilai``.
    """

    ratees: pd.DataFrame
    raters: pd.DataFrame
    komponen: pd.DataFrame
    jaringan: pd.DataFrame
    efek: pd.DataFrame
    shrinkage: float
    method: str
    periode: str | None
    info: dict[str, Any] = field(default_factory=dict)

    def ringkasan(self) -> str:
        """Short Indonesian summary of the fit (Indonesian number format)."""

        if "kurang" in self.info:  # the empty result: nothing was fitted
            return self.info["kurang"]

        bil = bilangan
        n_flag = int((self.raters["diagnosis"] != "wajar").sum())
        n_comp = len(self.jaringan)
        lam = desimal(self.shrinkage, 2)
        model = {"additive": "aditif"}.get(self.method, self.method)
        lines = [
            f"Model {model}: {bil(len(self.ratees))} pegawai dinilai oleh "
            f"{bil(len(self.raters))} penilai (periode {self.periode or 'semua'}).",
            f"Penyusutan (λ) efek penilai: {lam}."
            if self.method == "additive"
            else "Model Rasch banyak-faset; keparahan dalam logit.",
            f"Penilai dengan catatan diagnosis: {bil(n_flag)}.",
        ]
        if n_comp > 1:
            lines.append(
                f"Jaringan penilai terpecah menjadi {n_comp} komponen: skor antar komponen "
                "tidak dapat dibandingkan secara langsung (lihat .jaringan)."
            )
        lines += self._ringkasan_tautan()
        return "\n".join(lines)

    def _ringkasan_tautan(self) -> list[str]:
        """The comparability lines: pegawai outside the comparable class and the weakest
        link (``_jaringan.mark_comparability``); empty when neither was computed."""
        out = []
        if "dapat_dibandingkan" in self.ratees.columns:
            n_luar = int((~self.ratees["dapat_dibandingkan"].astype(bool)).sum())
            if n_luar:
                out.append(
                    f"{bilangan(n_luar)} dari {bilangan(len(self.ratees))} pegawai tidak dapat "
                    "dibandingkan dengan kelompok utama (lihat kolom alasan_banding)."
                )
        kuat = self.info.get("kekuatan_hubungan", np.nan)
        minimal = self.info.get("minimal_penghubung")
        if kuat is not None and np.isfinite(kuat) and minimal is not None:
            nilai = "memadai" if kuat >= minimal else "lemah"
            out.append(
                f"Kekuatan hubungan antarkelompok: {bilangan(int(kuat))} penilai penghubung "
                f"pada kelompok terlemah (minimal {bilangan(int(minimal))}; {nilai})."
            )
        return out

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return f"RaterEffects(\n{self.ringkasan()}\n)"


@dataclass
class RatingData:
    """The long 360 table as integer codes (self ratings split off): see :func:`~kinerja_calib.calibrate._prepare.rating_data`."""

    y: np.ndarray
    ratee: np.ndarray
    rater: np.ndarray
    role: np.ndarray
    aspect: np.ndarray
    pair: np.ndarray
    ratee_ids: pd.Index
    rater_ids: pd.Index
    role_ids: pd.Index
    aspect_ids: pd.Index
    pair_ratee: np.ndarray
    pair_rater: np.ndarray
    pair_role: np.ndarray
    pair_n: np.ndarray
    skor_diri: pd.Series
    periode: str | None
    pair_comp: np.ndarray | None = None

    @property
    def sizes(self) -> tuple[int, int, int, int, int]:
        return (
            len(self.ratee_ids),
            len(self.rater_ids),
            len(self.role_ids),
            len(self.aspect_ids),
            len(self.pair_n),
        )

    # rating-level sums reused by every fit (each is a pass over all ratings)
    @cached_property
    def pair_ysum(self) -> np.ndarray:
        return np.bincount(self.pair, weights=self.y, minlength=len(self.pair_n))

    @cached_property
    def n_role(self) -> np.ndarray:
        return np.bincount(self.role, minlength=len(self.role_ids)).astype(np.float64)

    @cached_property
    def n_aspect(self) -> np.ndarray:
        return np.bincount(self.aspect, minlength=len(self.aspect_ids)).astype(np.float64)


#: The sentence of an empty :class:`RaterEffects` (no rating other than self-ratings).
KURANG_PENILAI = (
    "Bagian ini memerlukan penilaian 360 dari atasan, rekan, bawahan atau pengguna layanan; "
    "instansi ini tidak memilikinya untuk periode ini, sehingga efek penilai tidak dapat "
    "dihitung."
)


@dataclass
class AdditiveFit:
    """The estimates of the additive model (see :func:`fit_additive`)."""

    a: np.ndarray  # ratee effects (absorb the grand mean)
    b: np.ndarray  # rater effects (+ = lenient, i.e. -keparahan)
    c: np.ndarray  # role effects, obs-weighted mean 0
    d: np.ndarray  # aspect effects, obs-weighted mean 0
    pair_fit: np.ndarray  # a + b + c per pair
    iterations: int
    outer: int
    converged: bool
