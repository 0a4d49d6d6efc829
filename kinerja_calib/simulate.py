"""Rater-bias simulator: synthetic 360 ratings with known, documented rater effects.

Two generators share one organisational design:

* ``model="laten"`` (default) — the continuous latent score + thresholds model
  (true score + leniency + role offset + halo + noise, then central tendency,
  range restriction and per-region thresholds);
* ``model="mfrm"`` — the many-facet Rasch model in rating-scale form
  (Linacre's FACETS), sampled by inverse CDF over adjacent-category logits.

Everything is vectorised: the design (atasan, rekan, bawahan, diri, pengguna
layanan) is built with numpy index arithmetic, and the ratings of all pairs and
aspects are drawn as arrays; there is no Python loop over employees or ratings
(only over a handful of periods, peer slots and memory chunks).

Examples
--------
>>> import kinerja_calib as kc
>>> sim = kc.simulate.simulate_ratings(kc.simulate.Scenario(n_pegawai=200), seed=1)
>>> list(sim.ratings.columns)
['periode', 'nip', 'nip_penilai', 'peran_penilai', 'aspek', 'nilai']
>>> sorted(sim.ratings["nilai"].unique().tolist())
[1.0, 2.0, 3.0, 4.0, 5.0]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ._util import SeedLike, as_rng
from .errors import ParameterError
from .labels import ASPEK_BERAKHLAK, PERAN_PENILAI, PREDIKAT, PREDIKAT_ORGANISASI

__all__ = [
    "BIAS",
    "KOLOM_PENILAIAN",
    "METRIK",
    "Scenario",
    "Simulation",
    "bandingkan_predikat",
    "confusion_predikat",
    "monte_carlo",
    "rate_organisation",
    "scenario_bias",
    "siapkan",
    "simulate_ratings",
    "variance_shares",
]

#: Columns of the ``penilaian_360`` table, in order (DESIGN §3).
KOLOM_PENILAIAN = ("periode", "nip", "nip_penilai", "peran_penilai", "aspek", "nilai")

_ASPEK = tuple(ASPEK_BERAKHLAK)
_PERAN = tuple(PERAN_PENILAI)
_R_ATASAN, _R_REKAN, _R_BAWAHAN, _R_DIRI, _R_PL = (_PERAN.index(p) for p in _PERAN)

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
        ``"laten"``: continuous latent + thresholds (praktik.md A5 (1)).
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
            "p_rekan_lintas_unit",
            "porsi_pengguna_layanan",
        ):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(
                    f"{name} harus di antara 0 dan 1 (sekarang {getattr(self, name)!r})"
                )
        if self.porsi_penilai_lunak + self.porsi_penilai_keras > 1:
            problems.append("porsi_penilai_lunak + porsi_penilai_keras tidak boleh lebih dari 1")
        if not -1 <= self.korelasi_hasil_kerja <= 1:
            problems.append("korelasi_hasil_kerja harus di antara -1 dan 1")
        p = np.asarray(self.proporsi_skala, dtype=float)
        if p.ndim != 1 or len(p) < 2 or (p <= 0).any() or abs(p.sum() - 1) > 1e-6:
            problems.append("proporsi_skala harus ≥ 2 angka positif yang berjumlah 1")
        if self.ambang_mfrm is not None and len(self.ambang_mfrm) != len(p) - 1:
            problems.append("ambang_mfrm harus berisi (jumlah kategori − 1) angka")
        unknown = set(self.geser_peran) - set(_PERAN)
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
            geser_peran={p: 0.0 for p in _PERAN},
            sentral=1.0,
            sd_sentral=0.0,
            porsi_rentang_sempit=0.0,
            sd_wilayah=0.0,
            geser_wilayah=None,
            porsi_penilai_lunak=0.0,
            porsi_penilai_keras=0.0,
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


# ---------------------------------------------------------------------------
# Result object
# ---------------------------------------------------------------------------
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
        ``penilai_ekstrem`` ("lunak"/"keras"/NA, planted raters).
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
            f"Simulation({len(self.truth):,} pegawai dinilai, {len(self.raters):,} penilai, "
            f"{len(self.ratings):,} baris penilaian, model={self.scenario.model!r})"
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
            In the ``indikator`` / ``realisasi`` layouts of DESIGN §3.
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
            from .data import validate_tables
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


# ---------------------------------------------------------------------------
# Organisation generator
# ---------------------------------------------------------------------------
_JENIS_DINAS = (
    "Dinas Kesehatan",
    "Dinas Pendidikan",
    "RSUD",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "BKPSDM",
    "Kecamatan",
    "Dinas Sosial",
    "Bappeda",
    "Dinas Pekerjaan Umum",
    "Badan Keuangan Daerah",
)
_NAMA_UNIT = (
    "Sekretariat",
    "Bidang Perencanaan",
    "Bidang Pelayanan",
    "Bidang Pengembangan",
    "Bidang Pengendalian",
    "UPTD",
    "Subbagian Keuangan",
    "Subbagian Umum dan Kepegawaian",
)
_JABATAN_STAF = (
    ("Analis Kebijakan", "fungsional"),
    ("Pranata Komputer", "fungsional"),
    ("Perencana", "fungsional"),
    ("Pengelola Keuangan", "pelaksana"),
    ("Pengadministrasi Umum", "pelaksana"),
    ("Pengolah Data", "pelaksana"),
    ("Analis Sumber Daya Manusia Aparatur", "fungsional"),
    ("Penata Layanan Operasional", "pelaksana"),
)
_NAMA_DEPAN = np.array(
    [
        "Ahmad", "Siti", "Budi", "Dewi", "Rahmat", "Nur", "Agus", "Sri", "Hendra", "Rina",
        "Fajar", "Yuni", "Muhammad", "Putri", "Andi", "Wahyu", "Fitri", "Dedi", "Lestari", "Rudi",
        "Ratna", "Eko", "Maya", "Joko", "Indah", "Arif", "Nurul", "Bambang", "Desi", "Irwan",
    ]
)  # fmt: skip
_NAMA_BELAKANG = np.array(
    [
        "Saputra", "Wati", "Hidayat", "Lestari", "Pratama", "Sari", "Santoso", "Rahmawati",
        "Nasution", "Harahap", "Siregar", "Kurniawan", "Susanti", "Syahputra", "Handayani",
        "Setiawan", "Fitriani", "Hasibuan", "Permana", "Utami", "Gunawan", "Yusuf", "Anggraini",
    ]
)  # fmt: skip


def _make_nips(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` unique, valid 18-digit NIPs (birth yyyymmdd + TMT yyyymm + sex + serial)."""
    birth = np.datetime64("1966-01-01") + rng.integers(0, 365 * 34, n).astype("timedelta64[D]")
    years = birth.astype("datetime64[Y]").astype(int) + 1970
    months = birth.astype("datetime64[M]").astype(int) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(int) + 1
    tmt_year = np.minimum(years + rng.integers(20, 31, n), 2025)
    tmt_month = rng.integers(1, 13, n)
    sex = rng.integers(1, 3, n)
    prefix = (
        ((years * 100 + months) * 100 + days).astype(np.int64) * 10**7
        + (tmt_year * 100 + tmt_month).astype(np.int64) * 10
        + sex
    )
    order = np.argsort(prefix, kind="stable")
    sp = prefix[order]
    start = np.r_[True, sp[1:] != sp[:-1]]
    group_start = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    serial = np.empty(n, dtype=np.int64)
    serial[order] = np.arange(n) - group_start + 1
    if serial.max() > 999:  # pragma: no cover - needs > 999 identical prefixes
        raise ParameterError("Terlalu banyak NIP dengan awalan sama; kurangi n_pegawai.")
    return (prefix * 1000 + serial).astype(str)


def _generate_organisation(
    s: Scenario, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Instansi → units → heads/koordinator chains → staff, fully vectorised."""
    n, n_inst = s.n_pegawai, s.n_instansi
    n_staff_total = n - n_inst  # one head per instansi
    # --- instansi table
    wil = np.asarray(s.wilayah, dtype=object)
    inst_wil = wil[np.arange(n_inst) % len(wil)]
    inst_jenis_dinas = np.asarray(_JENIS_DINAS, dtype=object)[
        (np.arange(n_inst) // len(wil)) % len(_JENIS_DINAS)
    ]
    kode = np.char.add("I", np.char.zfill(np.arange(1, n_inst + 1).astype(str), 3))
    nama_inst = inst_jenis_dinas + " " + inst_wil
    jenis = np.where(pd.Series(inst_wil).str.startswith("Kota").to_numpy(), "kota", "kabupaten")
    pred_org = rng.choice(
        np.asarray(PREDIKAT_ORGANISASI, dtype=object),
        size=n_inst,
        p=[0.0, 0.05, 0.20, 0.60, 0.15],
    )
    instansi = pd.DataFrame(
        {
            "kode_instansi": pd.array(kode, dtype="string"),
            "nama_instansi": pd.array(nama_inst.astype(str), dtype="string"),
            "jenis": pd.array(jenis, dtype="string"),
            "wilayah": pd.array(inst_wil.astype(str), dtype="string"),
            "predikat_organisasi": pd.array(pred_org.astype(str), dtype="string"),
        }
    )
    # --- units: sizes 2 + Poisson(ukuran_unit - 2) until the staff are placed
    n_units_guess = int(np.ceil(n_staff_total / s.ukuran_unit * 1.5)) + n_inst + 2
    sizes = 2 + rng.poisson(s.ukuran_unit - 2, n_units_guess)
    cum = np.cumsum(sizes)
    n_units = max(int(np.searchsorted(cum, n_staff_total) + 1), 1)
    sizes = sizes[:n_units].copy()
    sizes[-1] -= cum[n_units - 1] - n_staff_total
    keep = sizes > 0
    sizes = sizes[keep]
    n_units = len(sizes)
    if n_units >= n_inst:
        unit_inst = np.sort(
            np.concatenate([np.arange(n_inst), rng.integers(0, n_inst, n_units - n_inst)])
        )
    else:
        unit_inst = np.sort(rng.integers(0, n_inst, n_units))
    # unit rank within instansi → name
    first_of_inst = np.r_[True, unit_inst[1:] != unit_inst[:-1]]
    unit_rank = np.arange(n_units) - np.maximum.accumulate(
        np.where(first_of_inst, np.arange(n_units), 0)
    )
    base = np.asarray(_NAMA_UNIT, dtype=object)[unit_rank % len(_NAMA_UNIT)]
    suffix = np.where(
        unit_rank >= len(_NAMA_UNIT), " " + (unit_rank // len(_NAMA_UNIT) + 1).astype(str), ""
    )
    unit_name = (base + suffix).astype(str)
    # --- staff rows: unit, position within unit
    unit_of = np.repeat(np.arange(n_units), sizes)
    unit_start = np.r_[0, np.cumsum(sizes)[:-1]]
    pos = np.arange(n_staff_total) - unit_start[unit_of]
    # people: heads first (index 0..n_inst-1), then staff
    head_of_unit = n_inst + unit_start  # position 0 of each unit
    span = s.rentang_kendali
    big = sizes[unit_of] - 1 > span
    team = (pos - 1) // span
    leader_pos = 1 + team * span
    atasan_staff = np.where(
        pos == 0,
        unit_inst[unit_of],  # unit head → instansi head
        np.where(
            big & (pos != leader_pos),
            n_inst + unit_start[unit_of] + leader_pos,
            head_of_unit[unit_of],
        ),
    )
    is_koord = big & (pos == leader_pos) & (pos > 0)
    atasan = np.r_[np.full(n_inst, -1), atasan_staff]
    inst_of = np.r_[np.arange(n_inst), unit_inst[unit_of]]
    unit_names = np.r_[np.full(n_inst, "Pimpinan", dtype=object), unit_name[unit_of]]
    # jabatan
    staff_kind = rng.integers(0, len(_JABATAN_STAF), n_staff_total)
    staf_nama = np.asarray([j for j, _ in _JABATAN_STAF], dtype=object)[staff_kind]
    staf_jenis = np.asarray([k for _, k in _JABATAN_STAF], dtype=object)[staff_kind]
    jab_staff = np.where(
        pos == 0,
        "Kepala " + unit_name[unit_of].astype(object),
        np.where(is_koord, "Koordinator " + staf_nama, staf_nama),
    )
    jenis_staff = np.where(pos == 0, "struktural", staf_jenis)
    kepala = np.where(
        inst_jenis_dinas == "Kecamatan",
        "Camat",
        np.where(inst_jenis_dinas == "RSUD", "Direktur RSUD", "Kepala " + inst_jenis_dinas),
    )
    jabatan = np.r_[kepala.astype(object), jab_staff.astype(object)]
    jenis_jabatan = np.r_[np.full(n_inst, "struktural", dtype=object), jenis_staff]
    nips = _make_nips(n, rng)
    nama = np.char.add(
        np.char.add(_NAMA_DEPAN[rng.integers(0, len(_NAMA_DEPAN), n)], " "),
        _NAMA_BELAKANG[rng.integers(0, len(_NAMA_BELAKANG), n)],
    )
    nip_atasan = pd.array(np.where(atasan >= 0, nips[np.maximum(atasan, 0)], None), dtype="string")
    potensi = rng.choice(np.array(["rendah", "menengah", "tinggi"]), n, p=[0.25, 0.5, 0.25])
    pegawai = pd.DataFrame(
        {
            "nip": pd.array(nips, dtype="string"),
            "nama": pd.array(nama, dtype="string"),
            "kode_instansi": pd.array(kode[inst_of], dtype="string"),
            "unit_kerja": pd.array(unit_names.astype(str), dtype="string"),
            "jabatan": pd.array(jabatan.astype(str), dtype="string"),
            "jenis_jabatan": pd.array(jenis_jabatan.astype(str), dtype="string"),
            "nip_atasan": nip_atasan,
            "potensi": pd.array(potensi, dtype="string"),
        }
    )
    return pegawai, instansi


# ---------------------------------------------------------------------------
# Rater design
# ---------------------------------------------------------------------------
def _floyd_sample(n_avail: np.ndarray, k: np.ndarray, kmax: int, rng) -> np.ndarray:
    """Per row, ``k[i]`` distinct integers from ``0..n_avail[i]-1`` (Floyd); -1 pads."""
    n = len(n_avail)
    chosen = np.full((n, max(kmax, 1)), -1, dtype=np.int64)
    for j in range(kmax):  # loop over slots (a small constant), not over rows
        active = j < k
        jj = n_avail - k + j
        t = np.floor(rng.random(n) * (jj + 1)).astype(np.int64)
        dup = (chosen[:, :j] == t[:, None]).any(axis=1) if j else np.zeros(n, bool)
        chosen[:, j] = np.where(active, np.where(dup, jj, t), -1)
    return chosen[:, :kmax]


def _build_pairs(
    inst_code: np.ndarray,
    unit_code: np.ndarray,
    atasan: np.ndarray,
    s: Scenario,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Rater–ratee pairs: returns (ratee, rater, role, n_external) as int arrays.

    Raters ``0..n-1`` are the employees; ``n..n+n_external-1`` are external
    pengguna_layanan raters.
    """
    n = len(unit_code)
    idx = np.arange(n, dtype=np.int64)
    ratees, raters, roles = [], [], []
    # atasan
    has = atasan >= 0
    ratees.append(idx[has])
    raters.append(atasan[has])
    roles.append(np.full(has.sum(), _R_ATASAN))
    # diri
    ratees.append(idx)
    raters.append(idx)
    roles.append(np.full(n, _R_DIRI))
    # rekan: within unit (Floyd over offsets), some slots across units of the instansi
    k_lo, k_hi = s._k_rekan_range()
    if k_hi > 0:
        order = np.lexsort((unit_code, inst_code))
        u_sorted = unit_code[order]
        i_sorted = inst_code[order]
        pos_sorted = np.empty(n, dtype=np.int64)
        pos_sorted[order] = idx
        new_u = np.r_[True, (u_sorted[1:] != u_sorted[:-1]) | (i_sorted[1:] != i_sorted[:-1])]
        u_start_row = np.maximum.accumulate(np.where(new_u, idx, 0))
        u_id_row = np.cumsum(new_u) - 1
        u_size = np.bincount(u_id_row)
        new_i = np.r_[True, i_sorted[1:] != i_sorted[:-1]]
        i_start_row = np.maximum.accumulate(np.where(new_i, idx, 0))
        i_id_row = np.cumsum(new_i) - 1
        i_size = np.bincount(i_id_row)
        # per person (in original order)
        p = pos_sorted
        start = u_start_row[p]
        size = u_size[u_id_row[p]]
        rel = p - start
        k_target = rng.integers(k_lo, k_hi + 1, n)
        k = np.minimum(k_target, size - 1)
        off = _floyd_sample(size - 1, k, k_hi, rng)  # 0..size-2
        valid = off >= 0
        peer_sorted_pos = start[:, None] + (rel[:, None] + off + 1) % size[:, None]
        across = rng.random(off.shape) < s.p_rekan_lintas_unit
        istart = i_start_row[p][:, None]
        isize = i_size[i_id_row[p]][:, None]
        rand_pos = istart + np.floor(rng.random(off.shape) * isize).astype(np.int64)
        peer_sorted_pos = np.where(across, rand_pos, peer_sorted_pos)
        peer = order[np.where(valid, peer_sorted_pos, 0)]
        rr = np.broadcast_to(idx[:, None], off.shape)[valid]
        pr = peer[valid]
        ok = (pr != rr) & (atasan[rr] != pr) & (atasan[pr] != rr)
        rr, pr = rr[ok], pr[ok]
        key = np.sort(rr * n + pr)  # drop duplicate (ratee, rater) pairs
        key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
        ratees.append(key // n)
        raters.append(key % n)
        roles.append(np.full(len(key), _R_REKAN))
    # bawahan: direct reports rate their atasan, capped at k_bawahan (random subset)
    if s.k_bawahan > 0 and has.any():
        sub = idx[has]
        boss = atasan[has]
        o = np.lexsort((rng.random(len(sub)), boss))
        boss_s, sub_s = boss[o], sub[o]
        first = np.r_[True, boss_s[1:] != boss_s[:-1]]
        ar = np.arange(len(boss_s))
        rank = ar - np.maximum.accumulate(np.where(first, ar, 0))
        keep = rank < s.k_bawahan
        ratees.append(boss_s[keep])
        raters.append(sub_s[keep])
        roles.append(np.full(keep.sum(), _R_BAWAHAN))
    # pengguna layanan: external one-off raters
    n_ext = 0
    if s.k_pengguna_layanan > 0 and s.porsi_pengguna_layanan > 0:
        public = idx[rng.random(n) < s.porsi_pengguna_layanan]
        n_ext = len(public) * s.k_pengguna_layanan
        ratees.append(np.repeat(public, s.k_pengguna_layanan))
        raters.append(n + np.arange(n_ext, dtype=np.int64))
        roles.append(np.full(n_ext, _R_PL))
    ratee = np.concatenate(ratees)
    rater = np.concatenate(raters)
    role = np.concatenate(roles).astype(np.int8)
    o = np.lexsort((role, ratee))  # tidy order: per ratee, roles in PERAN order
    return ratee[o].astype(np.int32), rater[o].astype(np.int32), role[o], n_ext


# ---------------------------------------------------------------------------
# Rating generators
# ---------------------------------------------------------------------------
_CHUNK = 2_000_000  # rating rows per chunk in the MFRM sampler


def _mfrm_sample(eta: np.ndarray, thresholds: np.ndarray, omega: np.ndarray, rng) -> np.ndarray:
    """Rating-scale MFRM: categories 0..K-1 by inverse CDF over adjacent-category logits.

    ``eta`` (n,) location B − D − C in logits, ``thresholds`` (K-1,) F_k,
    ``omega`` (n,) centrality multipliers of the thresholds (Jin & Wang 2018).
    """
    n = len(eta)
    km1 = len(thresholds)
    out = np.empty(n, dtype=np.int8)
    cum_f = np.r_[0.0, np.cumsum(thresholds)].astype(np.float32)
    ks = np.arange(km1 + 1, dtype=np.float32)
    for a in range(0, n, _CHUNK):  # memory chunks, not a loop over ratings
        b = min(a + _CHUNK, n)
        psi = eta[a:b, None] * ks[None, :] - omega[a:b, None] * cum_f[None, :]
        psi -= psi.max(axis=1, keepdims=True)
        np.exp(psi, out=psi)
        np.cumsum(psi, axis=1, out=psi)
        u = rng.random(b - a, dtype=np.float32) * psi[:, -1]
        out[a:b] = (psi[:, :-1] < u[:, None]).sum(axis=1)
    return out


def _wilayah_shifts(names: np.ndarray, s: Scenario, rng) -> pd.Series:
    uniq = pd.unique(pd.Series(names, dtype="string").dropna())
    z = rng.normal(0.0, 1.0, len(uniq))
    if len(z) > 1:
        z -= z.mean()  # random regional readings are centred: the province mean is kept
    shifts = z * s.sd_wilayah * s.sd_skala
    out = pd.Series(shifts, index=pd.Index(uniq, name="wilayah"), name="geser_ambang")
    if s.geser_wilayah:
        for w, v in s.geser_wilayah.items():  # a handful of named regions
            out.loc[w] = float(v) * s.sd_skala
    return out


def rate_organisation(
    pegawai: pd.DataFrame,
    scenario: Scenario | None = None,
    seed: SeedLike = None,
    instansi: pd.DataFrame | None = None,
    periode: tuple[str, ...] | list[str] | str = ("2026-S1",),
    simpan_laten: bool = False,
) -> Simulation:
    """Simulate 360 ratings of an existing organisation.

    Parameters
    ----------
    pegawai : pandas.DataFrame
        At least ``nip``, ``kode_instansi``, ``unit_kerja``, ``nip_atasan`` (NA for
        heads); optional ``skor_sebenarnya`` (standardised true general
        performance; drawn from N(0, sd_umum²) when absent) and ``wilayah``.
    scenario : Scenario, optional
        Model and design parameters (defaults: ``Scenario()``).
    seed : int, numpy.random.Generator or None
        Same seed → identical output.
    instansi : pandas.DataFrame, optional
        ``kode_instansi`` → ``wilayah`` for the regional reading of the scale.
        Without it (and without a ``wilayah`` column) everyone is in one region.
    periode : str or sequence of str
        Periods rated; the design and true scores are fixed, noise is redrawn.
    simpan_laten : bool
        Keep the latent value (or MFRM location) of every rating in
        ``Simulation.laten`` (float32; for teaching and tests).

    Returns
    -------
    Simulation

    Notes
    -----
    Design: each ratee is rated by their ``nip_atasan``; by themself (``diri``);
    by ``k_rekan`` peers from the same unit (a slot goes to another unit of the
    instansi with probability ``p_rekan_lintas_unit``; an atasan or direct report
    is never counted as a peer); by up to ``k_bawahan`` direct reports; and, for
    a share ``porsi_pengguna_layanan`` of ratees, by ``k_pengguna_layanan``
    external raters ``PL-…``. Every rater rates all 7 BerAKHLAK aspects.

    Latent model (praktik.md A5 (1)), rater r, ratee i, aspect j::

        T_ij = G_i + D_ij
        Y*   = T_ij + L_r + P_role + H_ir + E_ijr
        Y**  = μ_r + c_r (Y* − μ_r),  μ_r = L_r + P_role   (central tendency)
        Y**  clipped to μ_r ± w_r                           (range restriction)
        X    = 1 + #{k : κ_k + s_wilayah(r) < Y**}          (thresholds)

    The MFRM alternative uses η = skala_mfrm · (Y** − s_wilayah − E) / sd_total,
    thresholds ω_r F_k with ω_r = 1/c_r, and Rasch noise instead of E.

    Examples
    --------
    >>> import pandas as pd
    >>> peg = pd.DataFrame({"nip": ["1", "2", "3", "4"], "kode_instansi": "A",
    ...                     "unit_kerja": "U", "nip_atasan": [None, "1", "1", "1"]})
    >>> sim = rate_organisation(peg, Scenario(porsi_pengguna_layanan=0), seed=3)
    >>> sim.ratings.groupby("peran_penilai").size().to_dict()
    {'atasan': 21, 'bawahan': 21, 'diri': 28, 'rekan': 42}
    """
    s = scenario or Scenario()
    if not isinstance(s, Scenario):
        raise ParameterError("scenario harus objek Scenario (kinerja_calib.simulate.Scenario).")
    rng = as_rng(seed)
    periods = (periode,) if isinstance(periode, str) else tuple(periode)
    if not periods:
        raise ParameterError("periode tidak boleh kosong, misalnya ('2026-S1',).")
    missing = [c for c in ("nip", "kode_instansi", "unit_kerja", "nip_atasan") if c not in pegawai]
    if missing:
        raise ParameterError(f"Tabel pegawai kekurangan kolom: {', '.join(missing)}.")
    peg = pegawai.reset_index(drop=True)
    nip = peg["nip"].astype("string").to_numpy(dtype=object)
    n = len(nip)
    if n == 0:
        raise ParameterError("Tabel pegawai kosong.")
    nip_index = pd.Index(nip)
    if not nip_index.is_unique:
        raise ParameterError("Kolom nip pada tabel pegawai harus unik.")
    inst_code = pd.factorize(peg["kode_instansi"].astype("string"))[0].astype(np.int64)
    unit_code = pd.factorize(
        peg["kode_instansi"].astype("string") + "\x1f" + peg["unit_kerja"].astype("string")
    )[0].astype(np.int64)
    atasan = nip_index.get_indexer(peg["nip_atasan"].astype("string").to_numpy(dtype=object))
    atasan = np.where(peg["nip_atasan"].isna().to_numpy(), -1, atasan).astype(np.int64)

    # wilayah per employee
    if "wilayah" in peg:
        wil_emp = peg["wilayah"].astype("string").fillna("(tanpa wilayah)").to_numpy(dtype=object)
    elif instansi is not None and "wilayah" in instansi:
        m = instansi.drop_duplicates("kode_instansi").set_index(
            instansi.drop_duplicates("kode_instansi")["kode_instansi"].astype("string")
        )["wilayah"]
        wil_emp = (
            peg["kode_instansi"].astype("string").map(m).astype("string").fillna("(tanpa wilayah)")
        ).to_numpy(dtype=object)
    else:
        wil_emp = np.full(n, "(semua)", dtype=object)

    # --- truth
    if "skor_sebenarnya" in peg and peg["skor_sebenarnya"].notna().all():
        g = peg["skor_sebenarnya"].to_numpy(dtype=np.float64)
    else:
        g = rng.normal(0.0, s.sd_umum, n)
        if "skor_sebenarnya" in peg:
            given = peg["skor_sebenarnya"].notna().to_numpy()
            g[given] = peg["skor_sebenarnya"].to_numpy(dtype=np.float64, na_value=np.nan)[given]
    n_asp = len(_ASPEK)
    t_aspek = (g[:, None] + rng.normal(0.0, s.sd_aspek, (n, n_asp))).astype(np.float32)
    rho = s.korelasi_hasil_kerja
    hasil = rho * g / max(s.sd_umum, 1e-12) + np.sqrt(1 - rho**2) * rng.normal(0.0, 1.0, n)

    # --- design
    ratee, rater, role, n_ext = _build_pairs(inst_code, unit_code, atasan, s, rng)
    n_pairs = len(ratee)
    n_rater = n + n_ext
    width = max(6, len(str(n_ext)))
    if n_ext:
        ext_ids = np.char.add("PL-", np.char.zfill(np.arange(1, n_ext + 1).astype(str), width))
        rater_ids = np.concatenate([nip.astype(str), ext_ids])
    else:
        rater_ids = nip.astype(str)
    wil_rater = np.empty(n_rater, dtype=object)
    wil_rater[:n] = wil_emp
    if n_ext:
        ext_rows = rater >= n
        wil_rater[rater[ext_rows]] = wil_emp[ratee[ext_rows]]

    # --- rater parameters
    sdt = s.sd_skala
    lenient = rng.normal(0.0, s.sd_keparahan, n_rater)
    active_other = np.bincount(rater[role != _R_DIRI], minlength=n_rater) > 0
    planted = np.full(n_rater, "", dtype=object)
    cand = np.flatnonzero(active_other)
    n_lunak = int(round(s.porsi_penilai_lunak * len(cand)))
    n_keras = int(round(s.porsi_penilai_keras * len(cand)))
    if n_lunak + n_keras:
        pick = rng.permutation(cand)[: n_lunak + n_keras]
        lenient[pick[:n_lunak]] += s.besar_penilai_lunak * sdt
        lenient[pick[n_lunak:]] -= s.besar_penilai_keras * sdt
        planted[pick[:n_lunak]] = "lunak"
        planted[pick[n_lunak:]] = "keras"
    lenient -= lenient.mean()  # keparahan has mean 0 over raters
    halo_r = s.sd_halo * np.sqrt(rng.gamma(s.keragaman_halo, 1.0 / s.keragaman_halo, n_rater))
    central = np.clip(rng.normal(s.sentral, s.sd_sentral, n_rater), 0.05, 3.0)
    rentang_r = np.full(n_rater, np.inf)
    restricted = rng.random(n_rater) < s.porsi_rentang_sempit
    rentang_r[restricted] = s.rentang * sdt
    shifts = _wilayah_shifts(wil_emp, s, rng)
    shift_rater = shifts.reindex(pd.Index(wil_rater.astype(str))).to_numpy(dtype=np.float64)
    shift_rater = np.nan_to_num(shift_rater)

    # --- pair-level quantities
    role_off = np.array([s.geser_peran.get(p, 0.0) for p in _PERAN]) * sdt
    centre = (lenient[rater] + role_off[role]).astype(np.float32)
    halo_pair = (halo_r[rater] * rng.standard_normal(n_pairs)).astype(np.float32)
    c_pair = central[rater].astype(np.float32)
    w_pair = rentang_r[rater].astype(np.float32)
    s_pair = shift_rater[rater].astype(np.float32)
    kappa = s.ambang().astype(np.float32)

    n_rows_p = n_pairs * n_asp
    nilai = np.empty(len(periods) * n_rows_p, dtype=np.int8)
    laten = np.empty(len(periods) * n_rows_p, dtype=np.float32) if simpan_laten else None
    for p_i in range(len(periods)):  # a few periods, not a loop over ratings
        # deviation from the rater's centre: T + H + E
        dev = t_aspek[ratee] + halo_pair[:, None]
        if s.model == "laten":
            dev += rng.normal(0.0, s.sd_galat, (n_pairs, n_asp)).astype(np.float32)
        dev *= c_pair[:, None]
        np.clip(dev, -w_pair[:, None], w_pair[:, None], out=dev)
        dev += centre[:, None]
        dev -= s_pair[:, None]  # region reading: κ + s  ⇔  Y − s
        flat = dev.reshape(-1)
        sl = slice(p_i * n_rows_p, (p_i + 1) * n_rows_p)
        if laten is not None:
            laten[sl] = flat
        if s.model == "laten":
            nilai[sl] = np.searchsorted(kappa, flat, side="left").astype(np.int8)
        else:
            f = (
                np.asarray(s.ambang_mfrm, dtype=np.float32)
                if s.ambang_mfrm is not None
                else (s.skala_mfrm * kappa / sdt).astype(np.float32)
            )
            eta = flat * np.float32(s.skala_mfrm / sdt)
            omega = np.repeat(1.0 / c_pair, n_asp).astype(np.float32)
            # thresholds scaled around their mean so centrality does not move location
            f_mean = np.float32(f.mean())
            nilai[sl] = _mfrm_sample(eta - f_mean, f - f_mean, omega, rng)
        del dev, flat
    nilai += 1

    # --- assemble the long table
    n_per = len(periods)
    ratee_codes = np.tile(np.repeat(ratee, n_asp), n_per)
    rater_codes = np.tile(np.repeat(rater, n_asp), n_per)
    ratings = pd.DataFrame(
        {
            "periode": pd.Categorical.from_codes(
                np.repeat(np.arange(n_per, dtype=np.int8), n_rows_p), categories=list(periods)
            ),
            "nip": pd.Categorical.from_codes(ratee_codes, categories=pd.Index(nip.astype(str))),
            "nip_penilai": pd.Categorical.from_codes(rater_codes, categories=pd.Index(rater_ids)),
            "peran_penilai": pd.Categorical.from_codes(
                np.tile(np.repeat(role, n_asp), n_per), categories=list(_PERAN)
            ),
            "aspek": pd.Categorical.from_codes(
                np.tile(np.arange(n_asp, dtype=np.int8), n_pairs * n_per), categories=list(_ASPEK)
            ),
            "nilai": nilai.astype(np.float64),
        }
    )
    del ratee_codes, rater_codes, nilai
    if not s.kompak:
        for col in ("periode", "nip", "nip_penilai", "peran_penilai", "aspek"):
            ratings[col] = ratings[col].astype("string")

    # --- truth and raters tables
    truth = pd.DataFrame(
        {"skor_sebenarnya": g},
        index=pd.Index(pd.array(nip.astype(str), dtype="string"), name="nip"),
    )
    for j, a in enumerate(_ASPEK):
        truth[f"sebenarnya_{a}"] = t_aspek[:, j].astype(np.float64)
    truth["hasil_kerja_sebenarnya"] = hasil
    counts = np.zeros((n_rater, len(_PERAN)), dtype=np.int64)
    np.add.at(counts, (rater, role), 1)
    others = counts.copy()
    others[:, _R_DIRI] = 0
    main_role = np.where(others.sum(axis=1) > 0, others.argmax(axis=1), _R_DIRI)
    raters = pd.DataFrame(
        {
            "keparahan": -lenient,
            "halo": halo_r,
            "sentral": central,
            "rentang": rentang_r,
            "peran_utama": pd.array(np.asarray(_PERAN)[main_role], dtype="string"),
            "wilayah": pd.array(wil_rater.astype(str), dtype="string"),
            "penilai_ekstrem": pd.array(np.where(planted == "", None, planted), dtype="string"),
        },
        index=pd.Index(pd.array(rater_ids, dtype="string"), name="nip_penilai"),
    )
    seed_out = seed if not isinstance(seed, np.random.Generator) else None
    return Simulation(
        ratings=ratings,
        truth=truth,
        raters=raters,
        pegawai=pegawai,
        instansi=instansi,
        wilayah=shifts,
        scenario=s,
        seed=seed_out,
        laten=laten,
    )


def simulate_ratings(
    scenario: Scenario | None = None, seed: SeedLike = None, simpan_laten: bool = False
) -> Simulation:
    """Generate a synthetic organisation and simulate its 360 ratings.

    Parameters
    ----------
    scenario : Scenario, optional
        Organisation size and shape (``n_pegawai``, ``n_instansi``, ``wilayah``,
        ``ukuran_unit``, ``rentang_kendali``), rater design and bias parameters.
    seed : int, numpy.random.Generator or None
        Same seed → identical output.
    simpan_laten : bool
        Keep the latent value of every rating (see :func:`rate_organisation`).

    Returns
    -------
    Simulation
        ``.pegawai`` and ``.instansi`` follow DESIGN §3 (valid 18-digit NIPs,
        ``nip_atasan`` NA for each instansi head).

    Examples
    --------
    >>> sim = simulate_ratings(Scenario(n_pegawai=300, n_instansi=3), seed=7)
    >>> sim.pegawai["nip"].str.len().eq(18).all(), sim.pegawai["nip"].is_unique
    (np.True_, True)
    """
    s = scenario or Scenario()
    rng = as_rng(seed)
    pegawai, instansi = _generate_organisation(s, rng)
    sim = rate_organisation(
        pegawai, s, seed=rng, instansi=instansi, periode=s.periode, simpan_laten=simpan_laten
    )
    sim.seed = seed if not isinstance(seed, np.random.Generator) else None
    return sim


# ---------------------------------------------------------------------------
# Analysis: predikat against the truth, Monte-Carlo study of each bias
# ---------------------------------------------------------------------------
#: Bias families of :func:`monte_carlo`: name → (Indonesian label, Scenario fields).
BIAS = {
    "tanpa_bias": ("Tanpa bias (hanya galat)", ()),
    "keparahan": (
        "Kelunakan/keparahan penilai",
        (
            "sd_keparahan",
            "porsi_penilai_lunak",
            "besar_penilai_lunak",
            "porsi_penilai_keras",
            "besar_penilai_keras",
            "bocor_hasil_kerja",
        ),
    ),
    "halo": ("Efek halo", ("sd_halo", "keragaman_halo")),
    "peran": ("Selisih antarperan (termasuk penilaian diri)", ("geser_peran",)),
    "sentral": ("Kecenderungan sentral", ("sentral", "sd_sentral")),
    "rentang": ("Rentang sempit", ("porsi_rentang_sempit", "rentang")),
    "wilayah": ("Tafsir skala antarwilayah", ("sd_wilayah", "geser_wilayah")),
    "semua": ("Semua bias bersama", None),
}

#: Metrics of :func:`monte_carlo` (name → Indonesian label).
METRIK = {
    "predikat_salah": "Porsi predikat keliru",
    "salah_butuh_perbaikan": "Porsi keliru ditandai 'Butuh Perbaikan'",
    "predikat_naik": "Porsi predikat terlalu tinggi",
    "predikat_turun": "Porsi predikat terlalu rendah",
    "pelanggaran_kurva": "Porsi instansi melanggar kurva distribusi",
    "pelanggaran_kurva_sebenarnya": "Porsi instansi melanggar kurva (predikat sebenarnya)",
}

_BP = "Butuh Perbaikan"


def _rating3(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0/1/2 = di bawah / sesuai / di atas ekspektasi (NaN → -1)."""
    out = (x >= lo).astype(np.int8) + (x >= hi).astype(np.int8)
    return np.where(np.isnan(x), np.int8(-1), out)


def _expected_rating(t: np.ndarray, kappa: np.ndarray, sd: float) -> np.ndarray:
    """E[X | latent t] of a neutral rater with normal noise ``sd`` (1..K scale)."""
    from scipy.special import ndtr

    z = t[..., None] - kappa
    if sd <= 0:
        return 1.0 + (z > 0).sum(axis=-1)
    return 1.0 + ndtr(z / sd).sum(axis=-1)


def _codes(col: pd.Series, index: pd.Index) -> np.ndarray:
    """Positions of ``col`` values in ``index`` (fast for categoricals: factorize first)."""
    codes, uniques = pd.factorize(col)
    pos = pd.Index(uniques).astype("string").get_indexer(index.astype("string"))
    # map unique → position in ``index``
    lookup = np.full(len(uniques), -1, dtype=np.int64)
    found = pos >= 0
    lookup[pos[found]] = np.flatnonzero(found)
    return np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1)


def bandingkan_predikat(
    sim: Simulation,
    rules: Any = None,
    periode: str | None = None,
    rerata_capaian: float = 100.0,
    sd_capaian: float = 12.0,
) -> pd.DataFrame:
    """Observed predikat from the simulated 360 ratings next to the true predikat.

    Parameters
    ----------
    sim : Simulation
    rules : str, Rules or None
        Rules (default ``"permenpanrb-6-2022"``): role weights ``bobot_peran``,
        thresholds ``ambang.perilaku`` and ``ambang.capaian``, matrix
        ``matriks.predikat``.
    periode : str, optional
        Only this period (default: all).
    rerata_capaian, sd_capaian : float
        True hasil kerja (standardised z) becomes capaian = rerata + sd · z (%),
        rated with ``ambang.capaian``. The observed capaian the atasan rates is
        ``rerata + sd · (z − bocor_hasil_kerja · keparahan_atasan / sd_skala)``
        (Scenario ``bocor_hasil_kerja``; heads without atasan are unbiased).

    Returns
    -------
    pandas.DataFrame
        One row per ``periode`` × ``nip``: ``kode_instansi``, ``skor_perilaku``
        (weighted mean of role means, self excluded), ``skor_diri``,
        ``skor_perilaku_sebenarnya`` (the expected score of an unbiased panel:
        mean over aspects of E[X | true aspect score] under noise ``sd_galat``),
        ``capaian``, ``capaian_sebenarnya``, ``rating_hasil_kerja``,
        ``rating_hasil_kerja_sebenarnya``, ``rating_perilaku``,
        ``rating_perilaku_sebenarnya``, ``predikat``, ``predikat_sebenarnya``,
        ``salah`` (bool).

    Notes
    -----
    Predikat via :func:`kinerja_calib.scoring.predikat` (the rules' matrix). The
    perilaku score is computed here rather than by ``score_workbook`` so the
    simulator does not need indicators and realisasi.
    """
    from . import rules as _rules
    from . import scoring

    rl = _rules.resolve(rules)
    w = np.array([float(rl["bobot_peran"].get(p, 0.0) or 0.0) for p in _PERAN])
    w[_R_DIRI] = 0.0
    lo_p = float(rl["ambang"]["perilaku"]["batas_bawah"])
    hi_p = float(rl["ambang"]["perilaku"]["batas_atas"])
    lo_c = float(rl["ambang"]["capaian"]["batas_bawah"])
    hi_c = float(rl["ambang"]["capaian"]["batas_atas"])
    rating_labels = np.asarray(rl["rating"]["label"], dtype=object)

    r = sim.ratings
    if periode:
        r = r[r["periode"] == periode]
        if r.empty:
            raise ParameterError(f"Periode {periode!r} tidak ada dalam simulasi.")
    truth = sim.truth
    n = len(truth)
    per_codes, per_uniques = pd.factorize(r["periode"], sort=True)
    n_per = len(per_uniques)
    nip_pos = _codes(r["nip"], truth.index)
    role_pos = _codes(r["peran_penilai"], pd.Index(_PERAN))
    key = (per_codes.astype(np.int64) * n + nip_pos) * len(_PERAN) + role_pos
    size = n_per * n * len(_PERAN)
    val = r["nilai"].to_numpy(dtype=np.float64)
    sums = np.bincount(key, weights=val, minlength=size).reshape(n_per, n, len(_PERAN))
    cnt = np.bincount(key, minlength=size).reshape(n_per, n, len(_PERAN))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / cnt
        present = (cnt > 0) & (w > 0)
        wsum = (present * w).sum(axis=-1)
        skor = np.where(present, means, 0.0) @ w / wsum
    skor = np.where(wsum > 0, skor, np.nan)
    skor_diri = means[..., _R_DIRI]

    s = sim.scenario
    t_cols = [f"sebenarnya_{a}" for a in _ASPEK]
    t = truth[t_cols].to_numpy(dtype=np.float64)
    skor_true = _expected_rating(t, s.ambang(), s.sd_galat).mean(axis=1)
    z = truth["hasil_kerja_sebenarnya"].to_numpy(float)
    peg = sim.pegawai.set_index(sim.pegawai["nip"].astype("string"))
    peg = peg.reindex(truth.index.astype("string"))
    kode = peg["kode_instansi"].to_numpy(dtype=object)
    kep = sim.raters["keparahan"].reindex(peg["nip_atasan"].astype("string"))
    kep_atasan = np.nan_to_num(kep.to_numpy(dtype=float, na_value=np.nan))
    capaian_true = rerata_capaian + sd_capaian * z
    capaian = rerata_capaian + sd_capaian * (z - s.bocor_hasil_kerja * kep_atasan / s.sd_skala)
    rh = _rating3(capaian, lo_c, hi_c)
    rh_true = _rating3(capaian_true, lo_c, hi_c)
    rp = _rating3(skor, lo_p, hi_p)
    rp_true = _rating3(skor_true, lo_p, hi_p)
    rh_lab = rating_labels[np.broadcast_to(rh, rp.shape)].reshape(-1)
    rp_lab = np.where(rp >= 0, rating_labels[np.maximum(rp, 0)], None).reshape(-1)
    pred = np.asarray(scoring.predikat(rh_lab, rp_lab, rules=rl), dtype=object)
    pred = np.where(pd.isna(pred), None, pred)
    pred_true = np.asarray(
        scoring.predikat(rating_labels[rh_true], rating_labels[rp_true], rules=rl), dtype=object
    )
    out = pd.DataFrame(
        {
            "periode": pd.array(np.repeat(np.asarray(per_uniques, dtype=object), n), "string"),
            "nip": pd.array(np.tile(truth.index.to_numpy(dtype=object), n_per), "string"),
            "kode_instansi": pd.array(np.tile(kode, n_per), "string"),
            "skor_perilaku": skor.reshape(-1),
            "skor_diri": skor_diri.reshape(-1),
            "skor_perilaku_sebenarnya": np.tile(skor_true, n_per),
            "capaian": np.tile(capaian, n_per),
            "capaian_sebenarnya": np.tile(capaian_true, n_per),
            "rating_hasil_kerja": pd.array(np.tile(rating_labels[rh], n_per), "string"),
            "rating_hasil_kerja_sebenarnya": pd.array(
                np.tile(rating_labels[rh_true], n_per), "string"
            ),
            "rating_perilaku": pd.array(
                np.where(rp >= 0, rating_labels[np.maximum(rp, 0)], None).reshape(-1), "string"
            ),
            "rating_perilaku_sebenarnya": pd.array(
                np.tile(rating_labels[rp_true], n_per), "string"
            ),
            "predikat": pd.array(pred, "string"),
            "predikat_sebenarnya": pd.array(np.tile(pred_true, n_per), "string"),
        }
    )
    out["salah"] = (out["predikat"] != out["predikat_sebenarnya"]).fillna(False).astype(bool)
    return out


def confusion_predikat(
    sim: Simulation | pd.DataFrame,
    rules: Any = None,
    periode: str | None = None,
    normalisasi: bool = False,
) -> pd.DataFrame:
    """Confusion table of true × observed predikat.

    Parameters
    ----------
    sim : Simulation or DataFrame
        A simulation, or the output of :func:`bandingkan_predikat`.
    rules, periode
        Passed to :func:`bandingkan_predikat`.
    normalisasi : bool
        Return row shares (each true predikat sums to 1) instead of counts.

    Returns
    -------
    pandas.DataFrame
        Index ``predikat_sebenarnya``, columns ``predikat_teramati``, both in
        :data:`kinerja_calib.labels.PREDIKAT` order (all five, zeros kept).

    Examples
    --------
    >>> sim = simulate_ratings(Scenario(n_pegawai=300), seed=1)
    >>> tab = confusion_predikat(sim)
    >>> int(tab.to_numpy().sum())
    300
    """
    tab = sim if isinstance(sim, pd.DataFrame) else bandingkan_predikat(sim, rules, periode)
    tab = tab.dropna(subset=["predikat"])
    labels = list(PREDIKAT)
    t_code = pd.Categorical(tab["predikat_sebenarnya"], categories=labels).codes
    o_code = pd.Categorical(tab["predikat"], categories=labels).codes
    ok = (t_code >= 0) & (o_code >= 0)
    k = len(labels)
    counts = np.bincount(t_code[ok] * k + o_code[ok], minlength=k * k).reshape(k, k)
    out = pd.DataFrame(
        counts,
        index=pd.Index(labels, name="predikat_sebenarnya"),
        columns=pd.Index(labels, name="predikat_teramati"),
    )
    if normalisasi:
        out = out.div(out.sum(axis=1).replace(0, np.nan), axis=0).astype(float)
    return out


def _share_kurva_violations(tab: pd.DataFrame, instansi: pd.DataFrame | None, rl, col: str):
    """Share of (periode, instansi) groups violating the kurva (``scoring.cek_kurva``)."""
    from . import scoring

    if instansi is None or "predikat_organisasi" not in instansi:
        return np.nan
    org = instansi.drop_duplicates("kode_instansi").set_index("kode_instansi")[
        "predikat_organisasi"
    ]
    frame = pd.DataFrame(
        {
            "periode": tab["periode"].to_numpy(dtype=object),
            "kode_instansi": tab["kode_instansi"].to_numpy(dtype=object),
            "predikat": tab[col].to_numpy(dtype=object),
        }
    )
    frame["predikat_organisasi"] = frame["kode_instansi"].map(org).to_numpy(dtype=object)
    frame = frame[frame["predikat_organisasi"].notna() & frame["predikat"].notna()]
    if frame.empty:
        return np.nan
    keys = ["periode", "kode_instansi"]
    viol = scoring.cek_kurva(frame, "predikat_organisasi", rules=rl, by=keys)
    total = len(frame.drop_duplicates(keys))
    return len(viol.drop_duplicates(keys)) / total


def _metrics(tab: pd.DataFrame, instansi, rl) -> dict[str, float]:
    ok = tab["predikat"].notna()
    t = tab.loc[ok]
    order = {p: i for i, p in enumerate(PREDIKAT)}
    o_rank = t["predikat"].map(order).to_numpy(float)
    t_rank = t["predikat_sebenarnya"].map(order).to_numpy(float)
    return {
        "predikat_salah": float((o_rank != t_rank).mean()),
        "salah_butuh_perbaikan": float(
            ((t["predikat"] == _BP) & (t["predikat_sebenarnya"] != _BP)).mean()
        ),
        "predikat_naik": float((o_rank > t_rank).mean()),
        "predikat_turun": float((o_rank < t_rank).mean()),
        "pelanggaran_kurva": _share_kurva_violations(tab, instansi, rl, "predikat"),
        "pelanggaran_kurva_sebenarnya": _share_kurva_violations(
            tab, instansi, rl, "predikat_sebenarnya"
        ),
    }


def scenario_bias(scenario: Scenario, bias: str) -> Scenario:
    """The scenario with only one bias family switched on (others neutral).

    ``bias`` is a key of :data:`BIAS`: ``"tanpa_bias"``, ``"keparahan"``,
    ``"halo"``, ``"peran"``, ``"sentral"``, ``"rentang"``, ``"wilayah"`` or
    ``"semua"`` (the scenario unchanged). Organisation and noise parameters are
    kept from ``scenario``.
    """
    if bias not in BIAS:
        raise ParameterError(
            f"Bias {bias!r} tidak dikenal; pilih salah satu dari: {', '.join(BIAS)}."
        )
    fields = BIAS[bias][1]
    if fields is None:
        return scenario
    neutral = Scenario.tanpa_bias()
    bias_fields = {f for _, (_, fs) in BIAS.items() if fs for f in fs}
    changes = {f: getattr(neutral, f) for f in bias_fields}
    changes.update({f: getattr(scenario, f) for f in fields})
    return scenario.replace(**changes)


def monte_carlo(
    scenario: Scenario | None = None,
    n_rep: int = 20,
    seed: SeedLike = None,
    biases: tuple[str, ...] | list[str] | None = None,
    rules: Any = None,
    mentah: bool = False,
) -> pd.DataFrame:
    """Monte-Carlo study: how much each rater bias (alone and together) flips predikat.

    Each replication generates a new organisation (``simulate_ratings`` design)
    and rates it once per bias family with the *same* random numbers (common
    random numbers), so differences between biases are not sampling noise of
    the organisation.

    Parameters
    ----------
    scenario : Scenario, optional
        Bias sizes and organisation (default ``Scenario()``).
    n_rep : int
        Replications.
    seed : int, Generator or None
    biases : sequence of str, optional
        Keys of :data:`BIAS` (default: all, in that order).
    rules : str, Rules or None
        Rules for predikat and the kurva distribusi.
    mentah : bool
        Return the per-replication table instead of the summary.

    Returns
    -------
    pandas.DataFrame
        Tidy summary: ``bias, nama_bias, metrik, nama_metrik, rerata, bawah, atas,
        n_rep`` where ``bawah``/``atas`` are the 2.5 % / 97.5 % percentiles over
        replications. Metrics: :data:`METRIK`.

    Examples
    --------
    >>> mc = monte_carlo(Scenario(n_pegawai=300), n_rep=3, seed=1, biases=["tanpa_bias", "semua"])
    >>> sorted(mc["bias"].unique())
    ['semua', 'tanpa_bias']
    """
    from . import rules as _rules

    s = scenario or Scenario()
    if n_rep < 1:
        raise ParameterError("n_rep harus ≥ 1.")
    keys = list(biases) if biases is not None else list(BIAS)
    variants = {b: scenario_bias(s, b) for b in keys}
    rl = _rules.resolve(rules)
    ss = np.random.SeedSequence(seed if not isinstance(seed, np.random.Generator) else None)
    if isinstance(seed, np.random.Generator):
        ss = np.random.SeedSequence(int(seed.integers(2**63)))
    rows = []
    for rep, child in enumerate(ss.spawn(n_rep)):  # replications (whole-org vectorised)
        org_seed, rate_seed = child.spawn(2)
        pegawai, instansi = _generate_organisation(s, np.random.default_rng(org_seed))
        for b, sb in variants.items():
            sim = rate_organisation(
                pegawai,
                sb,
                seed=np.random.default_rng(rate_seed),
                instansi=instansi,
                periode=s.periode[:1],
            )
            m = _metrics(bandingkan_predikat(sim, rl), instansi, rl)
            rows += [{"rep": rep, "bias": b, "metrik": k, "nilai": v} for k, v in m.items()]
    raw = pd.DataFrame(rows)
    if mentah:
        return raw
    g = raw.groupby(["bias", "metrik"], sort=False)["nilai"]
    out = g.agg(
        rerata="mean",
        bawah=lambda x: np.nanpercentile(x, 2.5) if x.notna().any() else np.nan,
        atas=lambda x: np.nanpercentile(x, 97.5) if x.notna().any() else np.nan,
    ).reset_index()
    out["n_rep"] = n_rep
    out.insert(1, "nama_bias", out["bias"].map({k: v[0] for k, v in BIAS.items()}))
    out.insert(3, "nama_metrik", out["metrik"].map(METRIK))
    return out


# ---------------------------------------------------------------------------
# Notebook 03 parameters
# ---------------------------------------------------------------------------
def siapkan(
    data: str = "../data/samples",
    kode_instansi: str = "",
    periode: str = "",
    aturan: str = "permenpanrb-6-2022",
    n_pegawai: int = 1000,
    n_ulangan: int = 10,
    seed: int = 2026,
):
    """Validate the parameters of notebook 03 and load what it needs.

    Parameters
    ----------
    data : str
        Workbook folder or .xlsx (the sample province by default).
    kode_instansi : str
        "" = whole province; otherwise one instansi of ``data``.
    periode : str
        "" = latest period of the 360 table.
    aturan : str
        Rules name or path.
    n_pegawai, n_ulangan, seed : int
        Size of the simulated organisation, Monte-Carlo replications, seed.

    Returns
    -------
    types.SimpleNamespace
        ``aturan`` (Rules), ``wb`` (Workbook, filtered to the instansi),
        ``periode`` (str), ``skenario`` (``Scenario(n_pegawai=...)``), ``seed``,
        ``n_ulangan``.

    Raises
    ------
    ParameterError
        With an Indonesian message saying what to fix.
    """
    from types import SimpleNamespace

    from . import rules as _rules
    from .data import load_workbook

    problems = []
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        problems.append(f"seed harus bilangan bulat, bukan {seed!r}.")
    if not isinstance(n_ulangan, (int, np.integer)) or n_ulangan < 1:
        problems.append(f"n_ulangan harus bilangan bulat ≥ 1, bukan {n_ulangan!r}.")
    if not isinstance(n_pegawai, (int, np.integer)) or n_pegawai < 20:
        problems.append(f"n_pegawai harus bilangan bulat ≥ 20, bukan {n_pegawai!r}.")
    if problems:
        raise ParameterError("Parameter notebook tidak valid:\n  - " + "\n  - ".join(problems))
    rl = _rules.load(aturan)
    wb = load_workbook(data)
    if kode_instansi:
        wb = wb.untuk_instansi(kode_instansi)
    per = wb.penilaian_360["periode"].astype("string")
    if periode:
        if not (per == periode).any():
            raise ParameterError(
                f"Periode {periode!r} tidak ada pada penilaian 360. Pilih salah satu dari: "
                f'{", ".join(sorted(per.dropna().unique()))}, atau kosongkan ("").'
            )
    else:
        periode = str(per.max())
    return SimpleNamespace(
        aturan=rl,
        wb=wb,
        periode=periode,
        skenario=Scenario(n_pegawai=int(n_pegawai)),
        seed=int(seed),
        n_ulangan=int(n_ulangan),
    )
