"""The :class:`Simulation` result object (tables, truth, workbook export)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._angka import bilangan
from ..errors import ParameterError
from ._scenario import Scenario

__all__ = ["Simulation"]


@dataclass
class Simulation:
    """A simulated appraisal round with its ground truth.

    Attributes
    ----------
    ratings : pandas.DataFrame
        Exactly the ``penilaian_360`` columns ``periode, nip, nip_penilai,
        peran_penilai, aspek, nilai`` (``nilai`` float64 on 1..K).
    truth : pandas.DataFrame
        Index ``nip``: ``skor_sebenarnya`` (true general performance),
        ``sebenarnya_<aspek>`` per BerAKHLAK aspect, ``hasil_kerja_sebenarnya``.
    raters : pandas.DataFrame
        Index ``nip_penilai``: ``keparahan`` (+ = severe, mean 0), ``halo`` (halo
        SD of this rater), ``sentral`` (c_r), ``rentang`` (half-width of the used
        latent window, inf = unrestricted), ``peran_utama``, ``wilayah``,
        ``penilai_ekstrem`` ("lunak"/"keras"/"sentral"/"halo"/NA, planted raters).
    pegawai, instansi : pandas.DataFrame
        The organisation rated (``instansi`` may be None for
        :func:`rate_organisation` without it).
    wilayah : pandas.Series
        Threshold shift per wilayah (latent units; + = strict reading).
    scenario : Scenario
    seed : int, Generator or None
    laten : numpy.ndarray or None
        Latent value behind each rating row (float32, before thresholds), kept only
        when ``simpan_laten=True``.
    """

    ratings: pd.DataFrame
    truth: pd.DataFrame
    raters: pd.DataFrame
    pegawai: pd.DataFrame
    instansi: pd.DataFrame | None
    wilayah: pd.Series
    scenario: Scenario
    seed: Any = None
    laten: np.ndarray | None = None

    def __repr__(self) -> str:
        return (
            f"Simulasi (model {self.scenario.model}): {bilangan(len(self.truth))} pegawai "
            f"dinilai oleh {bilangan(len(self.raters))} penilai, "
            f"{bilangan(len(self.ratings))} baris penilaian"
        )

    def indikator_realisasi(
        self, rerata_capaian: float = 100.0, sd_capaian: float = 12.0, sd_ukur: float = 4.0
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Indicators and realisations consistent with the true hasil kerja.

        Two indicators per instansi × jabatan (a *naik* quantity, weight 60, and a
        *turun* time, weight 40). Each employee's capaian per indicator is
        ``rerata + sd · hasil_kerja_sebenarnya + N(0, sd_ukur²)`` (%), turned into a
        realisasi by the PermenPANRB 8/2021 capaian formulas, for every period.

        Returns
        -------
        (indikator, realisasi) : tuple of DataFrame
            In the ``indikator`` / ``realisasi`` layouts of docs/skema-data.md §2.
        """
        peg = self.pegawai
        jab = peg[["kode_instansi", "jabatan"]].astype("string").drop_duplicates()
        jab = jab.reset_index(drop=True)
        m = len(jab)
        spec = pd.DataFrame(
            {
                "_k": [0, 1],
                "nama_indikator": [
                    "Jumlah keluaran layanan/dokumen yang diselesaikan",
                    "Rata-rata waktu penyelesaian layanan",
                ],
                "satuan": ["dokumen", "hari"],
                "target": [120.0, 5.0],
                "arah": ["naik", "turun"],
                "bobot": [60.0, 40.0],
                "aspek": ["kuantitas", "waktu"],
                "sumber_data": ["laporan", "laporan"],
            }
        )
        ind = jab.assign(_j=np.arange(m)).merge(spec, how="cross")
        ind.insert(
            0,
            "kode_indikator",
            pd.array(
                np.char.add(
                    "IKI-", np.char.zfill((ind["_j"] * 2 + ind["_k"] + 1).to_numpy().astype(str), 5)
                ),
                dtype="string",
            ),
        )
        rng = np.random.default_rng(
            np.random.SeedSequence([0 if self.seed is None else hash(self.seed) % 2**32, 4])
        )
        link = peg[["nip", "kode_instansi", "jabatan"]].astype("string")
        z = self.truth["hasil_kerja_sebenarnya"].reindex(link["nip"]).to_numpy(float)
        link = link.assign(_z=z)
        pairs = link.merge(ind[["kode_indikator", "kode_instansi", "jabatan", "target", "arah"]])
        periods = pd.unique(self.ratings["periode"].astype("string"))
        rea = pairs.merge(pd.DataFrame({"periode": pd.array(periods, "string")}), how="cross")
        cap = (
            rerata_capaian + sd_capaian * rea["_z"].to_numpy() + rng.normal(0.0, sd_ukur, len(rea))
        ) / 100.0
        naik = rea["arah"].to_numpy() == "naik"
        t = rea["target"].to_numpy(float)
        value = np.where(naik, t * cap, t * np.maximum(2.0 - cap, 0.05))
        realisasi = pd.DataFrame(
            {
                "periode": rea["periode"],
                "nip": rea["nip"],
                "kode_indikator": rea["kode_indikator"],
                "realisasi": np.round(value, 1),
            }
        )
        indikator = ind.drop(columns=["_j", "_k"])[
            [
                "kode_indikator",
                "kode_instansi",
                "jabatan",
                "nama_indikator",
                "satuan",
                "target",
                "arah",
                "bobot",
                "aspek",
                "sumber_data",
            ]
        ]
        return indikator, realisasi

    def workbook(self, source: str = "simulasi"):
        """Validate the simulated tables and return a :class:`kinerja_calib.data.Workbook`.

        Uses ``kinerja_calib.data.validate_tables`` on ``instansi``, ``pegawai``,
        ``penilaian_360`` (string-typed ids even when ``kompak=True``) and the
        ``indikator`` / ``realisasi`` of :meth:`indikator_realisasi`.
        """
        try:
            from ..data import validate_tables
        except ImportError as exc:  # pragma: no cover - depends on the data module
            raise ParameterError(
                "Modul kinerja_calib.data (validate_tables) belum tersedia; "
                "Simulation.workbook() membutuhkannya."
            ) from exc
        if self.instansi is None:
            raise ParameterError(
                "Simulasi ini tidak punya tabel instansi; berikan `instansi=` pada "
                "rate_organisation() agar bisa dijadikan workbook."
            )
        ratings = self.ratings.copy()
        for col in ("periode", "nip", "nip_penilai", "peran_penilai", "aspek"):
            ratings[col] = ratings[col].astype("string")
        ratings["nilai"] = ratings["nilai"].astype("float64")
        indikator, realisasi = self.indikator_realisasi()
        tables = {
            "instansi": self.instansi.copy(),
            "pegawai": self.pegawai.drop(columns=["skor_sebenarnya"], errors="ignore"),
            "indikator": indikator,
            "realisasi": realisasi,
            "penilaian_360": ratings,
        }
        return validate_tables(tables, source=source)
