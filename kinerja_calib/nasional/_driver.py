"""The driver of the national run: the process pool, the memory sampler and the summary."""

from __future__ import annotations

import os
import resource
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..labels import PREDIKAT
from ._chunks import (
    PARALEL_MULAI,
    PROVINSI,
    SLUG,
    TAHAP,
    UKURAN_BAGIAN,
    ProvinceChunk,
    kesepakatan_provinsi,
    proses_bagian,
    rencana_bagian,
    rss_puncak_mib,
)

__all__ = ["HasilNasional", "run_country"]


# ---------------------------------------------------------------------------------------------
# memory sampler (parent + workers)
# ---------------------------------------------------------------------------------------------
class _MemorySampler:
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
            return rss_puncak_mib()
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

    def start(self) -> None:
        """Start sampling (after any fork: a forked child must not inherit this thread)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()

    def __enter__(self) -> _MemorySampler:
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
    """Result of :func:`run_country`.

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


def _warm_up() -> int:
    """Does nothing in a worker: submitting it starts the workers before the sampler."""
    return os.getpid()


def _run_tasks(
    bagian: list[ProvinceChunk], pekerja: int, bar, ukur: _MemorySampler
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
        ukur.start()
        for b in bagian:
            bar.set_postfix_str(f"{b.provinsi} ({b.n_pegawai:,} pegawai)".replace(",", "."))
            hasil = proses_bagian(b)
            bar.update()
            p = _siap(hasil)
            yield "bagian", hasil
            if p is not None:
                yield "provinsi", kesepakatan_provinsi(p, _pasangan(p))
                bar.update()
        return

    # fork (Linux): workers inherit the imported modules and need no ``__main__`` guard in
    # the caller's script; with fork every worker is started at the first submit, so the
    # memory sampler thread is started only after that
    metode = "fork" if sys.platform.startswith("linux") else "spawn"
    if metode == "fork":  # import once here (pandas, scipy: ~1 s), not in every worker
        from .. import agreement, calibrate, scoring, simulate  # noqa: F401
    with ProcessPoolExecutor(max_workers=pekerja, mp_context=get_context(metode)) as pool:
        pool.submit(_warm_up).result()
        ukur.start()
        # largest parts first so the last tasks are short
        urut = sorted(bagian, key=lambda b: -b.n_pegawai)
        jalan = {pool.submit(proses_bagian, b): "bagian" for b in urut}
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
                        jalan[pool.submit(kesepakatan_provinsi, p, _pasangan(p))] = "provinsi"
                yield jenis, hasil


def run_country(
    pegawai: int,
    seed: int = 2026,
    *,
    pekerja: int | None = None,
    ukuran_bagian: int = UKURAN_BAGIAN,
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
    bagian = rencana_bagian(pegawai, int(seed), ukuran_bagian)
    if pekerja is None:
        pekerja = min(2, os.cpu_count() or 1) if pegawai >= PARALEL_MULAI else 1
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
    with _MemorySampler() as ukur:
        bar = _tqdm(len(bagian) + n_prov, "nasional") if progress else _NoProgressBar()
        try:
            for jenis, h in _run_tasks(bagian, pekerja, bar, ukur):
                (hasil_bagian if jenis == "bagian" else hasil_prov).append(h)
        finally:
            bar.close()
        t_ringkas = time.perf_counter()
        ringkasan, predikat, kesepakatan = _ringkas(hasil_bagian, hasil_prov)
        t_ringkas = time.perf_counter() - t_ringkas
    detik = time.perf_counter() - start

    rows = []
    for nama in TAHAP:
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
            "memori_puncak_mib": rss_puncak_mib(),
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


class _NoProgressBar:
    """Stands in for the tqdm bar when ``progress=False``."""

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
            out[f"porsi_{versi}_{SLUG[p]}"] = counts[versi][p] / n
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
