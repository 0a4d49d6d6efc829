"""The batch driver: :func:`run_batch`, the process pool (rebuilt when a worker dies), the
Dask path and the run session (private temporary folder, signals, clean shutdown).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

from .._berkas import SESI as _SESI
from .._pdf import validate_pdf
from .._processes import bunuh, hidup, keturunan, mati_bersama, tangkap_sinyal
from ..errors import ParameterError, ReportError
from ..privacy import AMBANG_BAWAAN
from ._pdf_write import write_pdf
from ._preflight import progress, sapu_sementara, validate_rules
from ._status import load_status, print_status, status_table, write_index, write_status
from ._tasks import buat_tugas, course_notebooks, run_task
from ._tasks_base import (
    NOTEBOOKS,
    TEMPLAT,
    HasilTugas,
    Tugas,
    hasil_gagal,
    init_worker,
    pesan_tulis,
    worker_log_path,
)


def run_batch(
    data: str | os.PathLike,
    keluaran: str | os.PathLike,
    *,
    instansi: Sequence[str] | None = None,
    pekerja: int | None = None,
    dask_scheduler: str | Any | None = None,
    ulang: int = 1,
    hanya_laporan: bool = False,
    excel: bool = False,
    periode: str | None = None,
    aturan: str = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
    notebooks: str | os.PathLike | None = None,
    pdf: bool = False,
    templat: str | os.PathLike | None = None,
    kursus: Sequence[str | os.PathLike] | None = None,
    tampilkan: bool = True,
    start_timeout: float = 60,
    execution_timeout: float = 180,
    dask_timeout: float = 30,
) -> int:
    """Run the report template (and the course notebooks) for every instansi.

    Parameters
    ----------
    data : path-like
        Workbook folder or ``.xlsx`` (validated once here to list the instansi).
    keluaran : path-like
        Output folder; ``<keluaran>/<kode>/`` per instansi and ``<keluaran>/index.html``.
    instansi : sequence of str, optional
        Only these codes (default: every instansi of the workbook).
    pekerja : int, optional
        Worker processes (default: one per CPU core).
    dask_scheduler : str or distributed.Client, optional
        Send the tasks to this Dask ``distributed`` scheduler address (or an existing
        ``Client``) instead of a local process pool.
    ulang : int, default 1
        Retries per notebook when the kernel fails to start or dies.
    hanya_laporan : bool, default False
        Only the report template, not the course notebooks 01–05.
    excel : bool, default False
        Also write ``ringkasan_<kode>.xlsx`` per instansi.
    pdf : bool, default False
        Also write ``laporan_instansi.pdf`` (A4) beside each report's HTML, printed by one
        headless Chromium for the whole batch (:mod:`kinerja_calib._pdf`). Chromium and
        Playwright are checked before any notebook runs.
    periode, aturan, ambang_anonimitas
        Passed to every notebook (``periode`` None/"" = latest).
    notebooks : path-like, optional
        Folder holding the template and course notebooks (default: the repository's
        ``notebooks/``).
    templat : path-like, optional
        Report template (default ``<notebooks>/laporan_instansi.ipynb``).
    kursus : sequence of path-like, optional
        Course notebooks (default ``<notebooks>/01_*.ipynb`` … ``05_*.ipynb``).
    tampilkan : bool, default True
        Print the progress bar and the status table.
    start_timeout, execution_timeout : float
        Kernel start-up and per-cell time-outs in seconds.
    dask_timeout : float
        Seconds to wait for the Dask scheduler when connecting.

    Returns
    -------
    int
        Exit code: 0 when every task succeeded, 1 otherwise.

    Raises
    ------
    ParameterError
        Bad ``aturan``, ``periode`` (the valid ones are listed), instansi code or number —
        before any notebook runs and before the output folder is created.
    DataError
        The workbook is invalid (every problem at once), before any notebook runs.
    ReportError
        The output folder (or the temporary folder) cannot be written: one sentence naming
        it (disk full, read-only, no permission).
    Dihentikan
        SIGINT, SIGTERM or SIGHUP arrived (main thread only); workers, kernels and temporary
        files are gone when it is raised.
    """
    if pekerja is not None and (not isinstance(pekerja, int) or pekerja < 1):
        raise ParameterError(f"--pekerja harus bilangan bulat >= 1, bukan {pekerja!r}.")
    if not isinstance(ulang, int) or ulang < 0:
        raise ParameterError(f"--ulang harus bilangan bulat >= 0, bukan {ulang!r}.")
    if (
        isinstance(ambang_anonimitas, bool)
        or not isinstance(ambang_anonimitas, int)
        or (ambang_anonimitas < 1)
    ):
        raise ParameterError(
            f"--ambang-anonimitas harus bilangan bulat >= 1, bukan {ambang_anonimitas!r}."
        )
    data = Path(data).expanduser().resolve()
    if not data.exists():
        raise ParameterError(f"Data tidak ditemukan: {data}. Periksa jalur folder/berkas data.")
    out = Path(keluaran).expanduser().resolve()

    folder = Path(notebooks).resolve() if notebooks else NOTEBOOKS
    template = Path(templat).resolve() if templat else folder / TEMPLAT
    if not template.is_file():
        raise ParameterError(f"Templat laporan tidak ditemukan: {template}.")
    missing: list[str] = []
    if hanya_laporan:
        course: list[Path] = []
    elif kursus is not None:
        course = [Path(k).resolve() for k in kursus]
        missing = [str(k) for k in course if not k.is_file()]
        course = [k for k in course if k.is_file()]
    else:
        course, missing = course_notebooks(folder)

    validate_rules(aturan)
    chromium = validate_pdf() if pdf else None  # before any notebook runs

    # Start the worker processes first: each imports papermill, nbconvert and pandas (1-2 s)
    # while this process validates the province, instead of after it.
    workers = pekerja or os.cpu_count() or 1
    if instansi:
        workers = min(workers, len(set(instansi)) * (1 + len(course) + int(excel)))
    # SIGINT/SIGTERM/SIGHUP → Dihentikan: the exit stack kills the workers and their kernels,
    # then removes the private folder and this run's temporary files in the output folder.
    with tangkap_sinyal(), ExitStack() as stack:
        sesi = stack.enter_context(_Sesi(out))
        kolam = None if dask_scheduler is not None else stack.enter_context(_Kolam(workers, sesi))
        params = {"data": str(data), "periode": periode or "", "aturan": str(aturan)}
        extra = {
            "start_timeout": start_timeout,
            "execution_timeout": execution_timeout,
            "cache": str(sesi.folder / "cache"),
            "kunci": sesi.kunci.hex(),  # the cache's signing key (never written to disk)
            # local pool only (the workers die with this run): markers of the running task,
            # TMPDIR of the workers and their kernels
            "sesi": str(sesi.folder) if kolam is not None else None,
            "sesi_id": sesi.id,
            # local pool only: a Dask worker keeps its own stderr
            "log": str(worker_log_path()) if kolam is not None else None,
        }
        codes, names, tasks = buat_tugas(
            data, out, instansi, template, course, excel, params, ambang_anonimitas, ulang, extra
        )
        results: list[HasilTugas] = [
            HasilTugas(
                kode,
                Path(m).name,
                "gagal",
                0.0,
                f"notebook kursus tidak ditemukan: {m} (di {folder})",
                waktu=time.strftime("%Y-%m-%d %H:%M:%S"),
            )
            for kode in codes
            for m in missing
        ]
        t0 = time.perf_counter()
        if kolam is None:
            results += _run_dask(tasks, codes, dask_scheduler, tampilkan, dask_timeout)
        else:
            results += _run_pool(kolam, tasks, codes, tampilkan)
        if chromium is not None:
            write_pdf(results, chromium, tampilkan)
        wall = time.perf_counter() - t0

        status = status_table(codes, results)
        try:
            write_status(out, names, results)
            semua_kode, semua_nama, semua = load_status(out)
            write_index(out, semua_kode, semua_nama, semua, detik=wall)
        except OSError as err:
            where = Path(err.filename).parent if err.filename else out
            raise ReportError(pesan_tulis(err, where)) from err
    if tampilkan:
        print_status(status, out, wall, results)
    return 0 if all(r.status == "berhasil" for r in results) else 1


_AWALAN_SESI = "kinerja-calib-laporan-"
_SESI_RE = re.compile(rf"^{re.escape(_AWALAN_SESI)}(\d+)x[0-9a-f]{{8}}-")


def _sapu_sesi_lama() -> None:
    """Remove the private folders of earlier runs whose process is gone (killed with SIGKILL)."""
    root = Path(tempfile.gettempdir())
    with suppress(OSError):
        for d in root.iterdir():
            m = _SESI_RE.match(d.name)
            if not m or d.is_symlink() or not d.is_dir():
                continue
            with suppress(OSError):
                if d.stat().st_uid == os.getuid() and not hidup(int(m.group(1))):
                    shutil.rmtree(d, ignore_errors=True)


class _Sesi:
    """A batch run's private temporary folder (``mkdtemp``: mode 0700, outside the output
    folder), its id and the cache's signing key; on exit the folder and this run's temporary
    files in the output folder are removed."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.id = f"{os.getpid()}x{secrets.token_hex(4)}"
        self.kunci = secrets.token_bytes(32)
        self.folder = Path()

    def __enter__(self) -> _Sesi:
        _sapu_sesi_lama()
        try:
            self.folder = Path(tempfile.mkdtemp(prefix=f"{_AWALAN_SESI}{self.id}-"))
        except OSError as err:
            raise ReportError(
                pesan_tulis(err, tempfile.gettempdir(), "kosongkan atau pilih lewat TMPDIR")
            ) from err
        _SESI["id"] = self.id
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        with suppress(OSError):
            if self.out.is_dir():
                sapu_sementara(self.out, self.id)
        _SESI["id"] = ""


def _mulai_pekerja(induk: int | None = None) -> None:
    """Pool initializer: die with the parent; the imports every task needs (the log comes
    with the first task)."""
    if induk is not None:
        mati_bersama(induk)
    init_worker(None)
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


def _siap() -> int:
    """A no-op task: submitting one per worker starts the workers at once."""
    return os.getpid()


def _buka_pool(workers: int):
    """A process pool whose ``workers`` processes are already starting when it returns.

    ``spawn``: workers must not inherit the parent's threads/ZMQ state (kernels are started
    from them). Each worker pays its start-up (~1-2 s of imports) once, while the caller goes
    on (e.g. validating the workbook). Workers die with this process (:func:`mati_bersama`).
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp.get_context("spawn"),
        initializer=_mulai_pekerja,
        initargs=(os.getpid(),),
    )
    for _ in range(workers):  # spawn start method: one new process per submit, up to max
        pool.submit(_siap)
    return pool


class _Kolam:
    """The local process pool of a run: rebuilt when a worker died; on exit its workers and
    their kernels are killed (unless the run ended normally, then they just exit)."""

    def __init__(self, workers: int, sesi: _Sesi) -> None:
        self.workers = workers
        self.sesi = sesi
        self.pool = None
        self.proses: dict = {}

    def baru(self) -> None:
        self.pool = _buka_pool(self.workers)
        # ProcessPoolExecutor keeps its worker processes in ``_processes`` (pid → Process)
        self.proses = dict(getattr(self.pool, "_processes", None) or {})

    def __enter__(self) -> _Kolam:
        self.baru()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if exc_type is not None:
            bunuh(self._pids(pool))
        pool.shutdown(wait=True, cancel_futures=True)

    def _pids(self, pool) -> list[int]:
        now = dict(getattr(pool, "_processes", None) or {})
        return sorted({*self.proses, *now})

    def runtuh(self) -> set[tuple[str, str]]:
        """Shut a broken pool down; return (kode, nama) of the task(s) the dead worker ran.

        The worker that crashed is the one that did not end by the pool's own SIGTERM (the
        pool terminates the others when it breaks); its task is read from the marker it
        wrote in the run's private folder (:func:`_tandai`).
        """
        pool, self.pool = self.pool, None
        kernels = keturunan(self._pids(pool))
        pool.shutdown(wait=True, cancel_futures=True)
        for pid in kernels:  # kernels of the workers the pool terminated
            with suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        codes = {pid: p.exitcode for pid, p in self.proses.items()}
        dead = [pid for pid, c in codes.items() if c not in (None, 0, -signal.SIGTERM)]
        dead = dead or [pid for pid, c in codes.items() if c not in (None, 0)]
        keys = set()
        for pid in dead:
            f = self.sesi.folder / "pekerja" / str(pid)
            with suppress(OSError, ValueError):
                kode, nama = f.read_text(encoding="utf-8").split("\t")
                keys.add((kode, nama))
            with suppress(OSError):
                f.unlink()
        return keys


def _run_pool(kolam: _Kolam, tasks: list[Tugas], codes: list[str], show: bool) -> list[HasilTugas]:
    """Run ``tasks`` on the pool; when a worker dies, rebuild the pool and resubmit.

    Only the task the dead worker was running counts an attempt; after ``ulang`` retries it
    is reported as failed. The other unfinished tasks are resubmitted as they are.
    """
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    bar, done = progress(codes, tasks, show)
    results: list[HasilTugas] = []
    crashes: dict[tuple[str, str], int] = {}
    blind = 0  # breaks where no task could be named
    todo = list(tasks)
    try:
        while todo:
            pool, again, futures = kolam.pool, [], {}
            for i, t in enumerate(todo):
                try:
                    futures[pool.submit(run_task, t)] = t
                except BrokenProcessPool:
                    again += todo[i:]
                    break
            results += _kumpulkan(((f, futures[f]) for f in as_completed(futures)), done, again)
            if not again:
                break
            hit = kolam.runtuh()
            if not hit:
                blind += 1
                if blind > 2:  # never identified: charge every unfinished task
                    hit = {(t.kode, t.nama) for t in again}
            todo = []
            for t in again:
                key = (t.kode, t.nama)
                if key in hit:
                    crashes[key] = crashes.get(key, 0) + 1
                    if crashes[key] > t.ulang:
                        hasil = _pekerja_mati(t, crashes[key])
                        results.append(hasil)
                        done(hasil)
                        continue
                todo.append(t)
            if todo:
                kolam.baru()
    finally:
        bar.close()
    return results


def _pekerja_mati(tugas: Tugas, kali: int) -> HasilTugas:
    """The result of a task whose worker process died ``kali`` times while running it."""
    hasil = hasil_gagal(
        tugas,
        f"Proses pekerja berhenti mendadak saat menjalankan notebook ini ({kali} kali; "
        "dihentikan paksa atau kehabisan memori?); hasilnya tidak disimpan.",
        kali,
    )
    hasil.waktu = time.strftime("%Y-%m-%d %H:%M:%S")
    return hasil


def _kumpulkan(
    selesai: Iterable[tuple[Any, Tugas]],
    done: Callable[[HasilTugas], None],
    rusak: list[Tugas] | None = None,
) -> list[HasilTugas]:
    """Results of (future, task) pairs in completion order; a future that raised is ``gagal``.

    With ``rusak``, tasks whose worker process died (``BrokenProcessPool``) are appended
    there instead (to be resubmitted).
    """
    from concurrent.futures.process import BrokenProcessPool

    results: list[HasilTugas] = []
    for fut, t in selesai:
        try:
            hasil = fut.result()
        except BrokenProcessPool as err:
            if rusak is None:
                hasil = hasil_gagal(t, err)
            else:
                rusak.append(t)
                continue
        except Exception as err:
            hasil = hasil_gagal(t, err)
        if not hasil.waktu:
            hasil.waktu = time.strftime("%Y-%m-%d %H:%M:%S")
        results.append(hasil)
        done(hasil)
    return results


def _run_dask(
    tasks: list[Tugas], codes: list[str], scheduler, show: bool, timeout: float = 30
) -> list[HasilTugas]:
    try:
        from distributed import Client, as_completed
    except ImportError as err:
        raise ReportError(
            "Dask distributed belum terpasang. Pasang dengan "
            "`pip install 'kinerja-calib[dask]'` (atau `pip install dask distributed`), "
            "atau jalankan tanpa --dask-scheduler."
        ) from err
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout=timeout) if own else scheduler
    except OSError as err:
        raise ReportError(
            f"Tidak dapat terhubung ke scheduler Dask di {scheduler}: {err}. "
            "Periksa alamatnya (mis. tcp://10.0.0.5:8786) dan bahwa scheduler berjalan."
        ) from err
    bar, done = progress(codes, tasks, show)
    try:
        futures = [
            client.submit(run_task, t, pure=False, key=f"laporan-{uuid.uuid4().hex}") for t in tasks
        ]
        lookup = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        return _kumpulkan(((f, lookup[f.key]) for f in as_completed(futures)), done)
    finally:
        bar.close()
        if own:
            client.close()


# --------------------------------------------------------------------------- status + index
