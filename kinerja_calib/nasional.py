"""National run: simulate the whole country, score, calibrate and summarise agreement.

``kinerja-calib nasional --pegawai N --seed S [--keluaran DIR]`` calls :func:`run`.

The country is a union of provinces and every 360 rater network lives inside one instansi
(atasan, rekan, bawahan and pengguna layanan never cross instansi), so the national run is
processed in *bagian* (parts): each of the 38 provinces is split into parts of at most
``ukuran_bagian`` pegawai and each part is simulated, scored and calibrated on its own — in
a process pool on more than one core. Agreement is then computed once per province from the
rater × ratee means of all its parts. Only per-part counts and the compact rater × ratee
means travel back to the parent, so memory stays bounded by the size of one part (plus the
means of one province), whatever the size of the country.

Stages of each part (all functions of this package, none reimplemented here):

1. ``simulasi`` — :func:`kinerja_calib.simulate.simulate_ratings` (``kompak=True``: ids,
   roles and aspects as categoricals);
2. ``skor`` — :func:`kinerja_calib.simulate.bandingkan_predikat`: the 360 composite with the
   rules' role weights (self excluded), ``rating_perilaku`` and ``rating_hasil_kerja`` with the
   rules' thresholds and the predikat of :func:`kinerja_calib.scoring.predikat`; hasil kerja
   comes from the simulator's true ``hasil_kerja_sebenarnya`` as capaian = 100 + 12·z (%)
   (the atasan's leniency leaks in by ``Scenario.bocor_hasil_kerja``), next to the true
   predikat;
3. ``kalibrasi`` — :func:`kinerja_calib.calibrate.rater_effects`; the calibrated predikat is
   :func:`kinerja_calib.scoring.predikat` of the same hasil kerja rating and
   :func:`kinerja_calib.scoring.rating_perilaku` of ``skor_terkalibrasi``;
4. ``kesepakatan`` (per province) — :func:`kinerja_calib.agreement.agreement_table` with ICC(1)
   and Krippendorff's α (interval) on the ratee × rater-slot layout, per role and pooled over
   the roles other than ``diri``.

Province sizes are a rough, documented assumption (not BKN data): 70 % of the pegawai are
spread by population (Sensus Penduduk 2020) and 30 % evenly, because small provinces have
more ASN per inhabitant. Each province reads the scale a little differently (one shift per
province, ``Scenario.sd_wilayah``).
"""

from __future__ import annotations

import math
import os
import resource
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._referensi import baca_csv
from .errors import ParameterError
from .labels import PERAN_PENILAI, PREDIKAT

__all__ = [
    "PROVINSI",
    "HasilNasional",
    "alokasi_pegawai",
    "jalankan",
    "run",
]

#: The 38 provinces with their population (millions, Sensus Penduduk 2020; the four new Papua
#: provinces of 2022 split from Papua and Papua Barat by their kabupaten, rounded), in the
#: order of the data file ``referensi/provinsi.csv``.
PROVINSI: dict[str, float] = (
    baca_csv("provinsi.csv").set_index("provinsi")["penduduk_juta"].astype(float).to_dict()
)

_PORSI_PENDUDUK = 0.7  # share of pegawai spread by population, the rest evenly
_UKURAN_BAGIAN = 50_000  # max pegawai per part (memory ≈ 0.6 GB per worker at this size)
_PEGAWAI_PER_INSTANSI = 250  # mean size of an instansi (perangkat daerah / satker)
_MIN_PER_PROVINSI = 20
_PARALEL_MULAI = 200_000  # below this the pool start-up costs more than it saves
_ATURAN = "permenpanrb-6-2022"
_SLUG = {
    "Sangat Kurang": "sangat_kurang",
    "Kurang/Misconduct": "kurang_misconduct",
    "Butuh Perbaikan": "butuh_perbaikan",
    "Baik": "baik",
    "Sangat Baik": "sangat_baik",
}
_I_DIRI = PERAN_PENILAI.index("diri")
_TAHAP = ("simulasi", "skor", "kalibrasi", "kesepakatan")


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
class _Bagian:
    """One part of one province (the unit of work of the pool)."""

    nomor: int
    provinsi: str
    bagian: int
    n_pegawai: int
    geser: float  # the province's reading of the scale (total-SD units)
    seed: np.random.SeedSequence
    aturan: str = _ATURAN


def _rencana(pegawai: int, seed: int, ukuran_bagian: int) -> list[_Bagian]:
    alok = alokasi_pegawai(pegawai)
    ss = np.random.SeedSequence(seed)
    ss_geser, ss_bagian = ss.spawn(2)
    from .simulate import Scenario

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
        _Bagian(i, prov, b, n, g, sd)
        for i, ((prov, b, n, g), sd) in enumerate(zip(parts, seeds, strict=True))
    ]


# ---------------------------------------------------------------------------------------------
# work in a worker
# ---------------------------------------------------------------------------------------------
def _rss_puncak_mib() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


class _Jam:
    """Wall and CPU seconds, peak RSS and rows of consecutive stages."""

    def __init__(self) -> None:
        self.tahap: dict[str, tuple[float, float, float, int]] = {}
        self._w, self._c = time.perf_counter(), time.process_time()

    def catat(self, nama: str, baris: int) -> None:
        w, c = time.perf_counter(), time.process_time()
        self.tahap[nama] = (w - self._w, c - self._c, _rss_puncak_mib(), int(baris))
        self._w, self._c = w, c


def _kode_predikat(values: Any) -> np.ndarray:
    return pd.Categorical(np.asarray(values, dtype=object), categories=PREDIKAT).codes


def _pasangan_rata(r: pd.DataFrame) -> tuple:
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


def _proses_bagian(t: _Bagian) -> dict[str, Any]:
    """Simulate, score and calibrate one part; return counts and rater × ratee means."""
    from . import calibrate, rules, scoring, simulate

    rl = rules.load(t.aturan)
    jam = _Jam()

    s = simulate.Scenario(
        n_pegawai=t.n_pegawai,
        n_instansi=max(1, round(t.n_pegawai / _PEGAWAI_PER_INSTANSI)),
        wilayah=(t.provinsi,),
        geser_wilayah={t.provinsi: t.geser},
        kompak=True,
    )
    sim = simulate.simulate_ratings(s, seed=np.random.default_rng(t.seed))
    r = sim.ratings
    jam.catat("simulasi", len(r))

    tab = simulate.bandingkan_predikat(sim, rl)
    jam.catat("skor", len(tab))

    fx = calibrate.rater_effects(r)
    skor_kal = fx.ratees["skor_terkalibrasi"].reindex(tab["nip"].to_numpy(dtype=object))
    rp_kal = scoring.rating_perilaku(skor_kal.to_numpy(dtype=float), rules=rl)
    pred_kal = scoring.predikat(
        tab["rating_hasil_kerja"].to_numpy(dtype=object), np.asarray(rp_kal, dtype=object), rl
    )
    jam.catat("kalibrasi", int(fx.info["n_penilaian"]))

    mentah = _kode_predikat(tab["predikat"])
    kal = _kode_predikat(pred_kal)
    benar = _kode_predikat(tab["predikat_sebenarnya"])
    both = (mentah >= 0) & (kal >= 0)
    pasangan = _pasangan_rata(r)
    jam.catat("pasangan", len(pasangan[0]))

    return {
        "nomor": t.nomor,
        "provinsi": t.provinsi,
        "n_pegawai": len(tab),
        "n_instansi": s.n_instansi,
        "n_penilaian": len(r),
        "n_penilai": len(fx.raters),
        "mentah": np.bincount(mentah[mentah >= 0], minlength=len(PREDIKAT)),
        "terkalibrasi": np.bincount(kal[kal >= 0], minlength=len(PREDIKAT)),
        "sebenarnya": np.bincount(benar[benar >= 0], minlength=len(PREDIKAT)),
        "n_tanpa_predikat": int((mentah < 0).sum()),
        "n_berubah": int((mentah[both] != kal[both]).sum()),
        "n_dibandingkan": int(both.sum()),
        "n_keliru_mentah": int((mentah[mentah >= 0] != benar[mentah >= 0]).sum()),
        "n_keliru_terkalibrasi": int((kal[kal >= 0] != benar[kal >= 0]).sum()),
        "pasangan": pasangan,
        "tahap": jam.tahap,
    }


def _kesepakatan(provinsi: str, pasangan: list[tuple]) -> dict[str, Any]:
    """ICC(1) and α per role and pooled (roles other than diri) for one province."""
    from . import agreement

    jam = _Jam()
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
    jam.catat("kesepakatan", len(df))
    return {
        "provinsi": provinsi,
        "per_peran": per_peran,
        "semua": semua.iloc[0].to_dict(),
        "tahap": jam.tahap,
    }


# ---------------------------------------------------------------------------------------------
# memory sampler (parent + workers)
# ---------------------------------------------------------------------------------------------
class _PengukurMemori:
    """Samples the summed RSS of this process and its children every ``interval`` s."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.puncak = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _rss_total(self) -> float:
        try:
            import psutil
        except ImportError:  # pragma: no cover
            return _rss_puncak_mib()
        me = psutil.Process()
        total = 0
        for p in [me, *me.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:  # pragma: no cover - a worker just exited
                pass
        return total / 2**20

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.puncak = max(self.puncak, self._rss_total())
            self._stop.wait(self.interval)

    def mulai(self) -> None:
        """Start sampling (after any fork: a forked child must not inherit this thread)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()

    def __enter__(self) -> _PengukurMemori:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.puncak = max(self.puncak, self._rss_total())


# ---------------------------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------------------------
@dataclass
class HasilNasional:
    """Result of :func:`jalankan`.

    Attributes
    ----------
    ringkasan : DataFrame
        One row per province: ``provinsi, n_pegawai, n_instansi, n_penilaian, n_penilai,
        n_tanpa_predikat, porsi_berubah, porsi_keliru_mentah, porsi_keliru_terkalibrasi,
        alpha, icc1, icc1_ci_low, icc1_ci_high, kategori_alpha, kategori_icc`` and the predikat
        shares ``porsi_mentah_<predikat>`` / ``porsi_terkalibrasi_<predikat>``.
    predikat : DataFrame
        Tidy shares: ``provinsi, versi`` (mentah / terkalibrasi / sebenarnya), ``predikat``,
        ``n``, ``porsi`` (sums to 1 per province × versi).
    kesepakatan : DataFrame
        :func:`kinerja_calib.agreement.agreement_table` per province × ``peran_penilai``.
    tahap : DataFrame
        Stage table: ``tahap, detik`` (wall seconds summed over the parts, i.e. over the
        workers), ``detik_cpu`` (CPU seconds of those stages), ``memori_puncak_mib`` (largest
        peak RSS of a process after that stage), ``baris`` (rows handled: ratings for
        simulasi/kalibrasi, pegawai for skor, rater × ratee means for kesepakatan); then
        ``ringkasan`` (in the parent) and ``total (jam dinding)``: wall clock, CPU of the
        parent and all workers, and the sampled peak of their summed RSS.
    detik : float
        Wall-clock seconds of the whole run.
    memori_puncak_mib : float
        Peak of the summed RSS of the parent and its workers (sampled every 0.2 s).
    pekerja : int
        Worker processes used (1 = in this process).
    """

    ringkasan: pd.DataFrame
    predikat: pd.DataFrame
    kesepakatan: pd.DataFrame
    tahap: pd.DataFrame
    detik: float
    memori_puncak_mib: float
    pekerja: int
    info: dict[str, Any] = field(default_factory=dict)


def _tqdm(total: int, desc: str):
    from tqdm.auto import tqdm

    # no monitor thread: the worker processes are forked after the bar exists
    tqdm.monitor_interval = 0
    return tqdm(total=total, desc=desc, unit="tugas", disable=None, leave=False)


def _siaga() -> int:
    return os.getpid()


def _jalankan_tugas(
    bagian: list[_Bagian], pekerja: int, bar, ukur: _PengukurMemori
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Run all parts, and each province's agreement as soon as its parts are done."""
    sisa = pd.Series([b.provinsi for b in bagian]).value_counts().to_dict()
    kumpulan: dict[str, list[tuple[int, tuple]]] = {p: [] for p in sisa}

    def _siap(hasil: dict[str, Any]) -> str | None:
        p = hasil["provinsi"]
        kumpulan[p].append((hasil["nomor"], hasil.pop("pasangan")))
        sisa[p] -= 1
        return p if sisa[p] == 0 else None

    def _pasangan(p: str) -> list[tuple]:
        return [x for _, x in sorted(kumpulan.pop(p), key=lambda t: t[0])]

    if pekerja <= 1:
        ukur.mulai()
        for b in bagian:
            bar.set_postfix_str(f"{b.provinsi} ({b.n_pegawai:,} pegawai)".replace(",", "."))
            hasil = _proses_bagian(b)
            bar.update()
            p = _siap(hasil)
            yield "bagian", hasil
            if p is not None:
                yield "provinsi", _kesepakatan(p, _pasangan(p))
                bar.update()
        return

    # fork (Linux): workers inherit the imported modules and need no ``__main__`` guard in
    # the caller's script; with fork every worker is started at the first submit, so the
    # memory sampler thread is started only after that
    metode = "fork" if sys.platform.startswith("linux") else "spawn"
    if metode == "fork":  # import once here (pandas, scipy: ~1 s), not in every worker
        from . import agreement, calibrate, scoring, simulate  # noqa: F401
    with ProcessPoolExecutor(max_workers=pekerja, mp_context=get_context(metode)) as pool:
        pool.submit(_siaga).result()
        ukur.mulai()
        # largest parts first so the last tasks are short
        urut = sorted(bagian, key=lambda b: -b.n_pegawai)
        jalan = {pool.submit(_proses_bagian, b): "bagian" for b in urut}
        while jalan:
            selesai, _ = wait(jalan, return_when=FIRST_COMPLETED)
            for f in selesai:
                jenis = jalan.pop(f)
                hasil = f.result()
                bar.update()
                if jenis == "bagian":
                    bar.set_postfix_str(hasil["provinsi"])
                    p = _siap(hasil)
                    if p is not None:
                        jalan[pool.submit(_kesepakatan, p, _pasangan(p))] = "provinsi"
                yield jenis, hasil


def jalankan(
    pegawai: int,
    seed: int = 2026,
    *,
    pekerja: int | None = None,
    ukuran_bagian: int = _UKURAN_BAGIAN,
    progress: bool = True,
) -> HasilNasional:
    """Simulate, score, calibrate and summarise a country of ``pegawai`` employees.

    Parameters
    ----------
    pegawai : int
        National number of pegawai (≥ 760: 20 per province).
    seed : int
        Seed; the same seed and size give the same summaries whatever ``pekerja`` is.
    pekerja : int, optional
        Worker processes. Default: ``min(2, cores)`` from 200 000 pegawai, else 1 (in this
        process).
    ukuran_bagian : int
        Maximum pegawai per part.
    progress : bool
        Show a tqdm bar (only on a terminal).

    Returns
    -------
    HasilNasional
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ParameterError(f"--seed harus bilangan bulat, bukan {seed!r}.")
    if ukuran_bagian < 100:
        raise ParameterError("ukuran_bagian harus ≥ 100 pegawai.")
    bagian = _rencana(pegawai, int(seed), ukuran_bagian)
    if pekerja is None:
        pekerja = min(2, os.cpu_count() or 1) if pegawai >= _PARALEL_MULAI else 1
    pekerja = max(1, min(int(pekerja), len(bagian)))
    n_prov = len({b.provinsi for b in bagian})

    hasil_bagian: list[dict[str, Any]] = []
    hasil_prov: list[dict[str, Any]] = []
    start = time.perf_counter()
    cpu0 = sum(
        u.ru_utime + u.ru_stime
        for u in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )
    with _PengukurMemori() as ukur:
        bar = _tqdm(len(bagian) + n_prov, "nasional") if progress else _Diam()
        try:
            for jenis, h in _jalankan_tugas(bagian, pekerja, bar, ukur):
                (hasil_bagian if jenis == "bagian" else hasil_prov).append(h)
        finally:
            bar.close()
        t_ringkas = time.perf_counter()
        ringkasan, predikat, kesepakatan = _ringkas(hasil_bagian, hasil_prov)
        t_ringkas = time.perf_counter() - t_ringkas
    detik = time.perf_counter() - start

    rows = []
    for nama in _TAHAP:
        if nama == "kesepakatan":  # rater × ratee means in the parts + the province tables
            v = np.array(
                [h["tahap"]["pasangan"] for h in hasil_bagian]
                + [h["tahap"][nama] for h in hasil_prov],
                dtype=float,
            )
            v[: len(hasil_bagian), 3] = 0  # rows counted once, at the province
        else:
            v = np.array([h["tahap"][nama] for h in hasil_bagian], dtype=float).reshape(-1, 4)
        rows.append(
            {
                "tahap": nama,
                "detik": v[:, 0].sum(),
                "detik_cpu": v[:, 1].sum(),
                "memori_puncak_mib": v[:, 2].max(),
                "baris": int(v[:, 3].sum()),
            }
        )
    rows.append(
        {
            "tahap": "ringkasan",
            "detik": t_ringkas,
            "detik_cpu": np.nan,
            "memori_puncak_mib": _rss_puncak_mib(),
            "baris": len(ringkasan) + len(predikat) + len(kesepakatan),
        }
    )
    ru = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    rows.append(
        {
            "tahap": "total (jam dinding)",
            "detik": detik,
            "detik_cpu": sum(u.ru_utime + u.ru_stime for u in ru) - cpu0,
            "memori_puncak_mib": ukur.puncak,
            "baris": int(ringkasan["n_penilaian"].sum()),
        }
    )
    tahap = pd.DataFrame(rows)
    return HasilNasional(
        ringkasan=ringkasan,
        predikat=predikat,
        kesepakatan=kesepakatan,
        tahap=tahap,
        detik=detik,
        memori_puncak_mib=ukur.puncak,
        pekerja=pekerja,
        info={"n_bagian": len(bagian), "ukuran_bagian": ukuran_bagian, "seed": int(seed)},
    )


class _Diam:
    def update(self, *a: object) -> None: ...
    def set_postfix_str(self, *a: object) -> None: ...
    def close(self) -> None: ...


def _ringkas(
    hasil_bagian: list[dict[str, Any]], hasil_prov: list[dict[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    urutan = {p: i for i, p in enumerate(PROVINSI)}
    hb = sorted(hasil_bagian, key=lambda h: h["nomor"])
    per = pd.DataFrame(
        {
            "provinsi": [h["provinsi"] for h in hb],
            **{
                k: [h[k] for h in hb]
                for k in (
                    "n_pegawai",
                    "n_instansi",
                    "n_penilaian",
                    "n_penilai",
                    "n_tanpa_predikat",
                    "n_berubah",
                    "n_dibandingkan",
                    "n_keliru_mentah",
                    "n_keliru_terkalibrasi",
                )
            },
        }
    )
    agg = per.groupby("provinsi", sort=False).sum()
    counts = {
        versi: pd.DataFrame(
            np.vstack([h[versi] for h in hb]), columns=list(PREDIKAT), index=per["provinsi"]
        )
        .groupby(level=0, sort=False)
        .sum()
        for versi in ("mentah", "terkalibrasi", "sebenarnya")
    }
    n_mentah = counts["mentah"].sum(axis=1)
    n_kal = counts["terkalibrasi"].sum(axis=1)
    out = pd.DataFrame(index=agg.index)
    for k in ("n_pegawai", "n_instansi", "n_penilaian", "n_penilai", "n_tanpa_predikat"):
        out[k] = agg[k].astype(np.int64)
    out["porsi_berubah"] = agg["n_berubah"] / agg["n_dibandingkan"]
    out["porsi_keliru_mentah"] = agg["n_keliru_mentah"] / n_mentah
    out["porsi_keliru_terkalibrasi"] = agg["n_keliru_terkalibrasi"] / n_kal
    semua = pd.DataFrame([{"provinsi": h["provinsi"], **h["semua"]} for h in hasil_prov])
    semua = semua.set_index("provinsi")
    for k in ("alpha", "icc1", "icc1_ci_low", "icc1_ci_high", "kategori_alpha", "kategori_icc"):
        out[k] = semua[k].reindex(out.index)
    for versi, n in (("mentah", n_mentah), ("terkalibrasi", n_kal)):
        for p in PREDIKAT:
            out[f"porsi_{versi}_{_SLUG[p]}"] = counts[versi][p] / n
    out = out.reset_index()
    out = out.sort_values("provinsi", key=lambda s: s.map(urutan), kind="stable")
    out = out.reset_index(drop=True)

    long = []
    for versi, c in counts.items():
        m = c.reset_index().melt(id_vars="provinsi", var_name="predikat", value_name="n")
        m.insert(1, "versi", versi)
        long.append(m)
    predikat = pd.concat(long, ignore_index=True)
    predikat["n"] = predikat["n"].astype(np.int64)
    predikat["porsi"] = predikat["n"] / predikat.groupby(["provinsi", "versi"])["n"].transform(
        "sum"
    )
    versi_urut = {"mentah": 0, "terkalibrasi": 1, "sebenarnya": 2}
    pred_urut = {p: i for i, p in enumerate(PREDIKAT)}
    predikat = predikat.sort_values(
        ["provinsi", "versi", "predikat"],
        key=lambda s: s.map({**urutan, **versi_urut, **pred_urut}),
        kind="stable",
    ).reset_index(drop=True)

    kes = pd.concat(
        sorted((h["per_peran"] for h in hasil_prov), key=lambda d: urutan[d["provinsi"].iat[0]]),
        ignore_index=True,
    )
    kes["peran_penilai"] = kes["peran_penilai"].astype(str)
    return out, predikat, kes


# ---------------------------------------------------------------------------------------------
# CLI entry
# ---------------------------------------------------------------------------------------------
def _angka(x: float, desimal: int = 0) -> str:
    s = f"{x:,.{desimal}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def format_tahap(tahap: pd.DataFrame) -> str:
    """The stage table as text (Indonesian number format)."""
    head = f"{'tahap':<22}{'detik':>10}{'detik CPU':>11}{'memori puncak':>17}{'baris':>16}"
    lines = [head, "-" * len(head)]
    for r in tahap.itertuples(index=False):
        lines.append(
            f"{r.tahap:<22}{_angka(r.detik, 1):>10}"
            f"{_angka(r.detik_cpu, 1) if r.detik_cpu == r.detik_cpu else '–':>11}"
            f"{_angka(r.memori_puncak_mib) + ' MiB':>17}"
            f"{_angka(r.baris):>16}"
        )
    return "\n".join(lines)


def tulis_ringkasan(hasil: HasilNasional, keluaran: Path) -> list[Path]:
    """Write ``ringkasan_provinsi.csv``, ``predikat_provinsi.csv``, ``kesepakatan_provinsi.csv``
    and ``tahap.csv`` atomically into ``keluaran``."""
    from ._berkas import tulis_atomik

    keluaran = Path(keluaran)
    files = {
        "ringkasan_provinsi.csv": hasil.ringkasan,
        "predikat_provinsi.csv": hasil.predikat,
        "kesepakatan_provinsi.csv": hasil.kesepakatan,
        "tahap.csv": hasil.tahap,
    }
    return [tulis_atomik(keluaran / name, df.to_csv(index=False)) for name, df in files.items()]


def run(pegawai: int, seed: int, keluaran: Path | None) -> int:
    """``kinerja-calib nasional``: run :func:`jalankan`, print the stage table, write CSVs.

    Returns the exit code (0 = success). Parameter problems raise
    :class:`kinerja_calib.errors.ParameterError` (the CLI prints them in Indonesian).
    """
    alok = alokasi_pegawai(pegawai)  # validates before any work
    if keluaran is not None and Path(keluaran).exists() and not Path(keluaran).is_dir():
        raise ParameterError(
            f"--keluaran {keluaran} adalah berkas, bukan folder; berikan nama folder (akan "
            "dibuat bila belum ada)."
        )
    print(
        f"Simulasi nasional: {_angka(int(alok.sum()))} pegawai di {len(alok)} provinsi "
        f"(benih {seed}).",
        flush=True,
    )
    hasil = jalankan(pegawai, seed)
    r = hasil.ringkasan
    print(
        f"Selesai dalam {_angka(hasil.detik, 1)} detik dengan {hasil.pekerja} proses pekerja "
        f"({hasil.info['n_bagian']} bagian); memori puncak total "
        f"{_angka(hasil.memori_puncak_mib)} MiB.",
        flush=True,
    )
    print()
    print(format_tahap(hasil.tahap))
    print(
        "\n(detik per tahap = jumlah waktu semua bagian di semua pekerja; memori per tahap = RSS "
        "puncak proses terbesar; baris 'total' = jam dinding, CPU dan memori induk + pekerja.)"
    )
    n = r["n_pegawai"].sum()
    w = r["n_pegawai"] / n
    print(
        f"\nPredikat berubah karena kalibrasi: {_angka(100 * (w * r['porsi_berubah']).sum(), 1)} %"
        f" pegawai. Predikat keliru terhadap kebenaran simulasi: mentah "
        f"{_angka(100 * (w * r['porsi_keliru_mentah']).sum(), 1)} %, terkalibrasi "
        f"{_angka(100 * (w * r['porsi_keliru_terkalibrasi']).sum(), 1)} %."
    )
    print(
        f"Kesepakatan penilai (semua peran kecuali diri): α Krippendorff median "
        f"{_angka(r['alpha'].median(), 3)}, ICC(1) median {_angka(r['icc1'].median(), 3)} "
        f"antarprovinsi."
    )
    if keluaran is not None:
        paths = tulis_ringkasan(hasil, keluaran)
        print(f"\nRingkasan ditulis ke {Path(keluaran)}: " + ", ".join(p.name for p in paths))
    return 0
