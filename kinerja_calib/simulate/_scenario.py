"""Scenario parameters of the rater-bias simulator and the variance decomposition."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..errors import ParameterError
from ..labels import ASPEK_BERAKHLAK, PERAN_PENILAI

__all__ = ["KOLOM_PENILAIAN", "Scenario", "variance_shares"]

#: Columns of the ``penilaian_360`` table, in order (docs/skema-data.md §2.5).
KOLOM_PENILAIAN = ("periode", "nip", "nip_penilai", "peran_penilai", "aspek", "nilai")

ASPEK = tuple(ASPEK_BERAKHLAK)
PERAN = tuple(PERAN_PENILAI)
R_ATASAN, R_REKAN, R_BAWAHAN, R_DIRI, R_PL = (PERAN.index(p) for p in PERAN)

#: Total latent SD of the default scenario; the rating scale is anchored to it.
_SD_SKALA = float(np.sqrt(1.0 + 0.35**2 + 1.15**2 + 1.15**2 + 0.85**2))

_WILAYAH_DEFAULT = (
    "Kota Jambi",
    "Kabupaten Muaro Jambi",
    "Kabupaten Batang Hari",
    "Kabupaten Kerinci",
)


@dataclass(frozen=True)
class Scenario:
    """All parameters of a simulated appraisal round (every one settable).

    Latent quantities are in units of the true general performance (SD 1). Bias
    *sizes* that the literature reports as standardised differences (role offsets,
    planted extreme raters, regional shifts, range width) are given in units of
    ``sd_skala``, the latent SD the rating scale is anchored to (by default the
    total SD of a rating under the default scenario, ≈ 2.12). Keeping the scale
    fixed means switching a bias on or off never moves the thresholds.

    Parameters
    ----------
    model : {"laten", "mfrm"}
        ``"laten"``: continuous latent + thresholds (docs/praktik.md §A5 (1)).
        ``"mfrm"``: many-facet Rasch, rating-scale form (A5 (2)).
    sd_umum : float
        SD of true general performance ``G_i`` (``skor_sebenarnya``).
    sd_aspek : float
        SD of the aspect-specific true deviations ``D_ij``.
    korelasi_hasil_kerja : float
        Correlation of true hasil kerja with ``G_i``.
    sd_keparahan : float
        SD of rater leniency ``L_r`` (rater main effect; ``keparahan = -L_r``).
    sd_halo : float
        Root mean square of the halo / dyadic effect ``H_ir`` (rater × ratee,
        shared by all aspects).
    keragaman_halo : float
        Gamma shape of the per-rater halo multiplier (mean square 1); large =
        every rater equally haloed, small = a few raters dominate.
    sd_galat : float
        SD of residual noise ``E_ijr`` (redrawn each period).
    geser_peran : dict
        Role offsets ``P_g`` in total-SD units (d). Missing roles are 0.
    sentral : float
        Mean central-tendency factor ``c_r`` (1 = none, < 1 pulls ratings toward
        the rater's own centre, > 1 = extreme responding).
    sd_sentral : float
        SD of ``c_r`` across raters (clipped to [0.05, 3]).
    porsi_rentang_sempit : float
        Share of raters who restrict their range.
    rentang : float
        Half-width (total-SD units) of the latent window such raters use.
    sd_wilayah : float
        SD (total-SD units) of per-wilayah threshold shifts ("pemahaman yang
        berbeda antar daerah"); + = the region reads the scale strictly.
    geser_wilayah : dict or None
        Explicit shifts per wilayah (override the random ones).
    porsi_penilai_lunak, besar_penilai_lunak : float
        Share of raters (among those who rate others) planted as very lenient,
        and the size of the extra leniency (total-SD units).
    porsi_penilai_keras, besar_penilai_keras : float
        The same for planted severe raters.
    porsi_penilai_sentral, besar_penilai_sentral : float
        Share of raters planted with strong central tendency, and their factor ``c_r``
        (replaces the drawn one; 0.5 = half the spread of a neutral rater).
    porsi_penilai_halo, besar_penilai_halo : float
        Share of raters planted with strong halo, and their halo SD (total-SD units;
        replaces the drawn one). Planted raters of all four kinds are disjoint.
    bocor_hasil_kerja : float
        How much of the atasan's leniency (in ``sd_skala`` units) leaks into the
        rating hasil kerja they give (in SD units of hasil kerja); used by
        :func:`bandingkan_predikat`. 0 = hasil kerja rated without bias.
    proporsi_skala : tuple of float
        Category shares a neutral rater would produce on a population whose
        latent SD is ``sd_skala``; the thresholds are the normal quantiles of
        their cumulative sums times ``sd_skala``. The default puts most ratings
        on 3–4, as in ASN practice.
    sd_skala : float
        Latent SD that anchors the thresholds and the SD units of bias sizes.
    skala_mfrm : float
        Logits per total latent SD in the MFRM generator.
    ambang_mfrm : tuple of float or None
        Rasch–Andrich thresholds ``F_k`` (logits); ``None`` derives them from
        ``proporsi_skala``.
    n_pegawai, n_instansi, wilayah, ukuran_unit, rentang_kendali
        Organisation generated by :func:`simulate_ratings`: number of employees,
        instansi, the wilayah names, mean unit size, span of control of a
        koordinator inside large units.
    k_rekan : int or (int, int)
        Peers per ratee (or an inclusive range drawn per ratee).
    p_rekan_lintas_unit : float
        Probability a peer slot is filled from another unit of the same instansi.
    k_bawahan : int
        Maximum number of direct reports rating their atasan.
    porsi_pengguna_layanan, k_pengguna_layanan : float, int
        Share of ratees facing the public, and external raters each gets.
    periode : tuple of str
        Periods rated (``simulate_ratings`` only).
    kompak : bool
        Return id/role/aspect columns as categoricals (saves memory at national
        scale); ``False`` gives plain string columns as ``load_workbook`` does.

    Notes
    -----
    With the defaults the latent variance splits into about 25 % true
    performance, 59 % rater idiosyncrasy (leniency + halo) and 16 % noise, as in
    Scullen, Mount & Goff (2000; 53–62 % rater, 21–25 % ratee, 11–18 % error).
    Self ratings are inflated by d = 0.4 (Heidemeier & Moser 2009: d = .32,
    δ = .49). See :func:`variance_shares`.

    References
    ----------
    .. [1] Scullen, S. E., Mount, M. K., & Goff, M. (2000). Understanding the latent
       structure of job performance ratings. *J. Appl. Psychol.*, 85(6), 956–970.
    .. [2] Heidemeier, H., & Moser, K. (2009). Self–other agreement in job
       performance ratings: a meta-analytic test of a process model. *J. Appl.
       Psychol.*, 94(2), 353–370.
    .. [3] Hoyt, W. T., & Kerns, M.-D. (1999). Magnitude and moderators of bias in
       observer ratings. *Psychol. Methods*, 4(4), 403–424.
    .. [4] Linacre, J. M. (1989). *Many-facet Rasch measurement*. MESA Press.
    .. [5] Jin, K.-Y., & Wang, W.-C. (2018). A new facets model for rater's
       centrality/extremity response style. *J. Educ. Meas.*, 55(4), 543–563.

    Examples
    --------
    >>> s = Scenario()
    >>> round(float(variance_shares(s)["rater"]), 2)
    0.59
    >>> Scenario.tanpa_bias().sd_keparahan
    0.0
    """

    model: str = "laten"
    # true performance
    sd_umum: float = 1.0
    sd_aspek: float = 0.35
    korelasi_hasil_kerja: float = 0.5
    # rater effects
    sd_keparahan: float = 1.15
    sd_halo: float = 1.15
    keragaman_halo: float = 4.0
    sd_galat: float = 0.85
    geser_peran: dict[str, float] = field(
        default_factory=lambda: {
            "atasan": 0.0,
            "rekan": 0.10,
            "bawahan": 0.15,
            "diri": 0.40,
            "pengguna_layanan": -0.10,
        }
    )
    sentral: float = 0.9
    sd_sentral: float = 0.1
    porsi_rentang_sempit: float = 0.10
    rentang: float = 0.5
    sd_wilayah: float = 0.20
    geser_wilayah: dict[str, float] | None = None
    porsi_penilai_lunak: float = 0.0
    besar_penilai_lunak: float = 1.0
    porsi_penilai_keras: float = 0.0
    besar_penilai_keras: float = 1.0
    porsi_penilai_sentral: float = 0.0
    besar_penilai_sentral: float = 0.5
    porsi_penilai_halo: float = 0.0
    besar_penilai_halo: float = 1.0
    bocor_hasil_kerja: float = 0.5
    # scale
    proporsi_skala: tuple[float, ...] = (0.03, 0.10, 0.37, 0.37, 0.13)
    sd_skala: float = _SD_SKALA
    skala_mfrm: float = 1.7
    ambang_mfrm: tuple[float, ...] | None = None
    # organisation (simulate_ratings) and rater design (both)
    n_pegawai: int = 1000
    n_instansi: int = 6
    wilayah: tuple[str, ...] = _WILAYAH_DEFAULT
    ukuran_unit: float = 8.0
    rentang_kendali: int = 6
    k_rekan: int | tuple[int, int] = (3, 5)
    p_rekan_lintas_unit: float = 0.1
    k_bawahan: int = 5
    porsi_pengguna_layanan: float = 0.3
    k_pengguna_layanan: int = 3
    periode: tuple[str, ...] = ("2026-S1",)
    kompak: bool = False

    def __post_init__(self) -> None:
        problems = []
        if self.model not in ("laten", "mfrm"):
            problems.append(f"model harus 'laten' atau 'mfrm', bukan {self.model!r}")
        for name in (
            "sd_umum",
            "sd_aspek",
            "sd_keparahan",
            "sd_halo",
            "sd_galat",
            "sd_sentral",
            "sd_wilayah",
            "rentang",
        ):
            if not getattr(self, name) >= 0:
                problems.append(f"{name} harus ≥ 0 (sekarang {getattr(self, name)!r})")
        for name in (
            "porsi_rentang_sempit",
            "porsi_penilai_lunak",
            "porsi_penilai_keras",
            "porsi_penilai_sentral",
            "porsi_penilai_halo",
            "p_rekan_lintas_unit",
            "porsi_pengguna_layanan",
        ):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(
                    f"{name} harus di antara 0 dan 1 (sekarang {getattr(self, name)!r})"
                )
        planted = (
            self.porsi_penilai_lunak
            + self.porsi_penilai_keras
            + self.porsi_penilai_sentral
            + self.porsi_penilai_halo
        )
        if planted > 1:
            problems.append(
                "porsi_penilai_lunak + porsi_penilai_keras + porsi_penilai_sentral + "
                "porsi_penilai_halo tidak boleh lebih dari 1"
            )
        if not 0.05 <= self.besar_penilai_sentral <= 3:
            problems.append("besar_penilai_sentral harus di antara 0,05 dan 3")
        if not self.besar_penilai_halo >= 0:
            problems.append("besar_penilai_halo harus ≥ 0")
        if not -1 <= self.korelasi_hasil_kerja <= 1:
            problems.append("korelasi_hasil_kerja harus di antara -1 dan 1")
        p = np.asarray(self.proporsi_skala, dtype=float)
        if p.ndim != 1 or len(p) < 2 or (p <= 0).any() or abs(p.sum() - 1) > 1e-6:
            problems.append("proporsi_skala harus ≥ 2 angka positif yang berjumlah 1")
        if self.ambang_mfrm is not None and len(self.ambang_mfrm) != len(p) - 1:
            problems.append("ambang_mfrm harus berisi (jumlah kategori − 1) angka")
        unknown = set(self.geser_peran) - set(PERAN)
        if unknown:
            problems.append(f"geser_peran memuat peran tak dikenal: {sorted(unknown)}")
        if not self.sd_skala > 0:
            problems.append("sd_skala harus > 0")
        if self.sentral <= 0:
            problems.append("sentral harus > 0 (1 = tanpa kecenderungan sentral)")
        if self.n_pegawai < 2 or self.n_instansi < 1 or self.n_instansi > self.n_pegawai:
            problems.append("n_pegawai ≥ 2 dan 1 ≤ n_instansi ≤ n_pegawai")
        if len(self.wilayah) < 1:
            problems.append("wilayah harus berisi sedikitnya satu nama")
        if self.ukuran_unit < 2 or self.rentang_kendali < 1:
            problems.append("ukuran_unit ≥ 2 dan rentang_kendali ≥ 1")
        k_lo, k_hi = self._k_rekan_range()
        if k_lo < 0 or k_hi < k_lo:
            problems.append("k_rekan harus bilangan ≥ 0 atau rentang (min, maks)")
        if self.k_bawahan < 0 or self.k_pengguna_layanan < 0:
            problems.append("k_bawahan dan k_pengguna_layanan harus ≥ 0")
        if problems:
            raise ParameterError("Skenario tidak valid:\n  - " + "\n  - ".join(problems))

    # ------------------------------------------------------------------ helpers
    def _k_rekan_range(self) -> tuple[int, int]:
        if isinstance(self.k_rekan, (tuple, list)):
            return int(self.k_rekan[0]), int(self.k_rekan[1])
        return int(self.k_rekan), int(self.k_rekan)

    def sd_total(self) -> float:
        """Total latent SD of one rating (true + leniency + halo + noise), no role/region."""
        return float(
            np.sqrt(
                self.sd_umum**2
                + self.sd_aspek**2
                + self.sd_keparahan**2
                + self.sd_halo**2
                + self.sd_galat**2
            )
        )

    def ambang(self) -> np.ndarray:
        """Latent thresholds κ_1 < … < κ_{K-1} (normal quantiles × ``sd_skala``)."""
        cum = np.cumsum(np.asarray(self.proporsi_skala, dtype=float))[:-1]
        return ndtri(cum) * self.sd_skala

    @property
    def n_kategori(self) -> int:
        """Number of rating categories K (the scale is 1..K)."""
        return len(self.proporsi_skala)

    def replace(self, **changes: Any) -> Scenario:
        """Return a copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def tanpa_bias(cls, **changes: Any) -> Scenario:
        """A scenario with every rater bias switched off (noise kept).

        Leniency, halo, role offsets, central tendency, range restriction,
        regional reading and planted extreme raters are all zero / neutral.
        """
        base = dict(
            sd_keparahan=0.0,
            sd_halo=0.0,
            geser_peran={p: 0.0 for p in PERAN},
            sentral=1.0,
            sd_sentral=0.0,
            porsi_rentang_sempit=0.0,
            sd_wilayah=0.0,
            geser_wilayah=None,
            porsi_penilai_lunak=0.0,
            porsi_penilai_keras=0.0,
            porsi_penilai_sentral=0.0,
            porsi_penilai_halo=0.0,
        )
        base.update(changes)
        return cls(**base)


def variance_shares(scenario: Scenario | None = None) -> pd.Series:
    """Share of the latent rating variance per source (true, rater, noise).

    Parameters
    ----------
    scenario : Scenario, optional
        Defaults to ``Scenario()``.

    Returns
    -------
    pandas.Series
        Index ``sebenarnya`` (general + aspect), ``rater`` (leniency + halo),
        ``galat``; sums to 1. Role, region and central-tendency effects excluded.

    Examples
    --------
    >>> variance_shares().round(2).to_dict()
    {'sebenarnya': 0.25, 'rater': 0.59, 'galat': 0.16}
    """
    s = scenario or Scenario()
    parts = pd.Series(
        {
            "sebenarnya": s.sd_umum**2 + s.sd_aspek**2,
            "rater": s.sd_keparahan**2 + s.sd_halo**2,
            "galat": s.sd_galat**2,
        }
    )
    return parts / parts.sum()
