"""The parts of the national run: provinces and their sizes, the split into parts, the work
done on one part in a worker and the agreement of one province."""

from __future__ import annotations

import math
import resource
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._referensi import baca_csv
from ..errors import ParameterError
from ..labels import PERAN_PENILAI, PREDIKAT

__all__ = [
    "PARALEL_MULAI",
    "PROVINSI",
    "SLUG",
    "TAHAP",
    "UKURAN_BAGIAN",
    "ProvinceChunk",
    "alokasi_pegawai",
    "kesepakatan_provinsi",
    "pasangan_rata",
    "proses_bagian",
    "rencana_bagian",
    "rss_puncak_mib",
]

#: The 38 provinces with their population (millions, Sensus Penduduk 2020; the four new Papua
#: provinces of 2022 split from Papua and Papua Barat by their kabupaten, rounded), in the
#: order of the data file ``referensi/provinsi.csv``.
PROVINSI: dict[str, float] = (
    baca_csv("provinsi.csv").set_index("provinsi")["penduduk_juta"].astype(float).to_dict()
)

_PORSI_PENDUDUK = 0.7  # share of pegawai spread by population, the rest evenly
UKURAN_BAGIAN = 50_000  # max pegawai per part (memory ≈ 0.6 GB per worker at this size)
_PEGAWAI_PER_INSTANSI = 250  # mean size of an instansi (perangkat daerah / satker)
_MIN_PER_PROVINSI = 20
PARALEL_MULAI = 200_000  # below this the pool start-up costs more than it saves
_ATURAN = "permenpanrb-6-2022"
SLUG = {
    "Sangat Kurang": "sangat_kurang",
    "Kurang/Misconduct": "kurang_misconduct",
    "Butuh Perbaikan": "butuh_perbaikan",
    "Baik": "baik",
    "Sangat Baik": "sangat_baik",
}
_I_DIRI = PERAN_PENILAI.index("diri")
TAHAP = ("simulasi", "skor", "kalibrasi", "kesepakatan")


# ---------------------------------------------------------------------------------------------
# allocation
# ---------------------------------------------------------------------------------------------
def alokasi_pegawai(pegawai: int) -> pd.Series:
    """Number of pegawai per province (largest-remainder rounding of the assumed shares).

    Parameters
    ----------
    pegawai : int
        National total (at least ``20 × 38``).

    Returns
    -------
    pandas.Series
        Index ``provinsi`` (the 38 of :data:`PROVINSI`), integer counts summing to ``pegawai``.

    Examples
    --------
    >>> a = alokasi_pegawai(4_300_000)
    >>> int(a.sum()), a.idxmax(), len(a)
    (4300000, 'Jawa Barat', 38)
    """
    if not isinstance(pegawai, (int, np.integer)) or isinstance(pegawai, bool):
        raise ParameterError(f"--pegawai harus bilangan bulat, bukan {pegawai!r}.")
    minimum = _MIN_PER_PROVINSI * len(PROVINSI)
    if pegawai < minimum:
        raise ParameterError(
            f"--pegawai minimal {minimum:,} (sedikitnya {_MIN_PER_PROVINSI} pegawai untuk tiap "
            f"provinsi dari {len(PROVINSI)} provinsi); sekarang {pegawai:,}.".replace(",", ".")
        )
    pop = np.array(list(PROVINSI.values()))
    share = _PORSI_PENDUDUK * pop / pop.sum() + (1 - _PORSI_PENDUDUK) / len(pop)
    rest = pegawai - _MIN_PER_PROVINSI * len(pop)
    exact = rest * share
    n = np.floor(exact).astype(np.int64)
    left = rest - int(n.sum())
    n[np.argsort(-(exact - n), kind="stable")[:left]] += 1
    n += _MIN_PER_PROVINSI
    return pd.Series(n, index=pd.Index(list(PROVINSI), name="provinsi"), name="n_pegawai")


@dataclass(frozen=True)
class ProvinceChunk:
    """One chunk of one province (the unit of work of the pool).

    The CLI output calls a chunk a *bagian*; it is unrelated to
    :class:`kinerja_calib.reports.Bagian` (a section of the instansi report).
    """

    nomor: int
    provinsi: str
    bagian: int
    n_pegawai: int
    geser: float  # the province's reading of the scale (total-SD units)
    seed: np.random.SeedSequence
    aturan: str = _ATURAN


def rencana_bagian(pegawai: int, seed: int, ukuran_bagian: int) -> list[ProvinceChunk]:
    alok = alokasi_pegawai(pegawai)
    ss = np.random.SeedSequence(seed)
    ss_geser, ss_bagian = ss.spawn(2)
    from ..simulate import Scenario

    z = np.random.default_rng(ss_geser).normal(0.0, 1.0, len(alok))
    z = (z - z.mean()) * Scenario().sd_wilayah
    parts = []
    for (prov, n_p), g in zip(alok.items(), z, strict=True):
        k = max(1, math.ceil(int(n_p) / ukuran_bagian))
        sizes = np.full(k, int(n_p) // k)
        sizes[: int(n_p) % k] += 1
        parts += [(prov, b, int(s), float(g)) for b, s in enumerate(sizes)]
    seeds = ss_bagian.spawn(len(parts))
    return [
        ProvinceChunk(i, prov, b, n, g, sd)
        for i, ((prov, b, n, g), sd) in enumerate(zip(parts, seeds, strict=True))
    ]


# ---------------------------------------------------------------------------------------------
# work in a worker
# ---------------------------------------------------------------------------------------------
def rss_puncak_mib() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


class _StageTimer:
    """Wall and CPU seconds, peak RSS and rows of consecutive stages."""

    def __init__(self) -> None:
        self.tahap: dict[str, tuple[float, float, float, int]] = {}
        self._w, self._c = time.perf_counter(), time.process_time()

    def record(self, nama: str, baris: int) -> None:
        w, c = time.perf_counter(), time.process_time()
        self.tahap[nama] = (w - self._w, c - self._c, rss_puncak_mib(), int(baris))
        self._w, self._c = w, c


def _kode_predikat(values: Any) -> np.ndarray:
    return pd.Categorical(np.asarray(values, dtype=object), categories=PREDIKAT).codes


def pasangan_rata(r: pd.DataFrame) -> tuple:
    """Rater × ratee means over the aspects, self ratings left out, as compact arrays.

    This is what :func:`kinerja_calib.agreement.agreement_table` does itself when ``aspek`` is
    not a grouping key; done here per part so only ~6 float32 per pegawai reach the parent.
    ``r`` is a ``kompak`` simulation table (categorical ``nip``, ``nip_penilai``,
    ``peran_penilai``). Returns ``(ratee, rater, role, mean, n_ratee_codes, n_rater_codes)``.
    """
    ratee = r["nip"].cat.codes.to_numpy().astype(np.int64)
    rater = r["nip_penilai"].cat.codes.to_numpy().astype(np.int64)
    roles = list(r["peran_penilai"].cat.categories)
    role = r["peran_penilai"].cat.codes.to_numpy()
    keep = role != roles.index("diri")
    n_ratee = len(r["nip"].cat.categories)
    n_rater = len(r["nip_penilai"].cat.categories)
    key = ratee[keep] * n_rater + rater[keep]
    uniq, inv = np.unique(key, return_inverse=True)
    val = r["nilai"].to_numpy(dtype=np.float64)[keep]
    mean = np.bincount(inv, weights=val) / np.bincount(inv)
    role_pair = np.empty(len(uniq), dtype=np.int8)
    role_pair[inv] = role[keep]
    to_label = np.asarray([PERAN_PENILAI.index(p) for p in roles], dtype=np.int8)
    return (
        (uniq // n_rater).astype(np.int32),
        (uniq % n_rater).astype(np.int32),
        to_label[role_pair],
        mean.astype(np.float32),
        n_ratee,
        n_rater,
    )


def proses_bagian(t: ProvinceChunk) -> dict[str, Any]:
    """Simulate, score and calibrate one part; return counts and rater × ratee means."""
    from .. import calibrate, rules, scoring, simulate

    rl = rules.load(t.aturan)
    timer = _StageTimer()

    s = simulate.Scenario(
        n_pegawai=t.n_pegawai,
        n_instansi=max(1, round(t.n_pegawai / _PEGAWAI_PER_INSTANSI)),
        wilayah=(t.provinsi,),
        geser_wilayah={t.provinsi: t.geser},
        kompak=True,
    )
    sim = simulate.simulate_ratings(s, seed=np.random.default_rng(t.seed))
    r = sim.ratings
    timer.record("simulasi", len(r))

    tab = simulate.bandingkan_predikat(sim, rl)
    timer.record("skor", len(tab))

    effects = calibrate.rater_effects(r)
    # predikat shares count pegawai per band: the distribution-faithful score (triple-goal,
    # same ranks as skor_terkalibrasi), not the shrunk one, whose spread is squeezed
    skor_kal = effects.ratees["skor_distribusi"].reindex(tab["nip"].to_numpy(dtype=object))
    rp_kal = scoring.rating_perilaku(skor_kal.to_numpy(dtype=float), rules=rl)
    pred_kal = scoring.predikat(
        tab["rating_hasil_kerja"].to_numpy(dtype=object), np.asarray(rp_kal, dtype=object), rl
    )
    timer.record("kalibrasi", int(effects.info["n_penilaian"]))

    mentah = _kode_predikat(tab["predikat"])
    kal = _kode_predikat(pred_kal)
    benar = _kode_predikat(tab["predikat_sebenarnya"])
    both = (mentah >= 0) & (kal >= 0)
    pasangan = pasangan_rata(r)
    timer.record("pasangan", len(pasangan[0]))

    return {
        "nomor": t.nomor,
        "provinsi": t.provinsi,
        "n_pegawai": len(tab),
        "n_instansi": s.n_instansi,
        "n_penilaian": len(r),
        "n_penilai": len(effects.raters),
        "mentah": np.bincount(mentah[mentah >= 0], minlength=len(PREDIKAT)),
        "terkalibrasi": np.bincount(kal[kal >= 0], minlength=len(PREDIKAT)),
        "sebenarnya": np.bincount(benar[benar >= 0], minlength=len(PREDIKAT)),
        "n_tanpa_predikat": int((mentah < 0).sum()),
        "n_berubah": int((mentah[both] != kal[both]).sum()),
        "n_dibandingkan": int(both.sum()),
        "n_keliru_mentah": int((mentah[mentah >= 0] != benar[mentah >= 0]).sum()),
        "n_keliru_terkalibrasi": int((kal[kal >= 0] != benar[kal >= 0]).sum()),
        "pasangan": pasangan,
        "tahap": timer.tahap,
    }


def kesepakatan_provinsi(provinsi: str, pasangan: list[tuple]) -> dict[str, Any]:
    """ICC(1) and α per role and pooled (roles other than diri) for one province."""
    from .. import agreement

    timer = _StageTimer()
    off_e = np.cumsum([0] + [p[4] for p in pasangan[:-1]])
    off_r = np.cumsum([0] + [p[5] for p in pasangan[:-1]])
    df = pd.DataFrame(
        {
            "nip": np.concatenate(
                [p[0].astype(np.int64) + o for p, o in zip(pasangan, off_e, strict=True)]
            ),
            "nip_penilai": np.concatenate(
                [p[1].astype(np.int64) + o for p, o in zip(pasangan, off_r, strict=True)]
            ),
            "peran_penilai": pd.Categorical.from_codes(
                np.concatenate([p[2] for p in pasangan]), categories=list(PERAN_PENILAI)
            ),
            "nilai": np.concatenate([p[3] for p in pasangan]).astype(np.float64),
        }
    )
    stats = ("icc1", "alpha")
    per_peran = agreement.agreement_table(df, by=["peran_penilai"], statistics=stats)
    semua = agreement.agreement_table(df, by=[], statistics=stats)
    per_peran.insert(0, "provinsi", provinsi)
    timer.record("kesepakatan", len(df))
    return {
        "provinsi": provinsi,
        "per_peran": per_peran,
        "semua": semua.iloc[0].to_dict(),
        "tahap": timer.tahap,
    }
