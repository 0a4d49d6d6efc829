"""One task of the batch (a notebook through papermill, or an Excel export), run in a
worker process, and the list of tasks for a run (:func:`buat_tugas`).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from .._berkas import ALASAN_OS as _ALASAN_OS
from .._berkas import SESI as _SESI
from .._berkas import temp_in as _temp_in
from .._berkas import write_atomic
from .._nbclient import patched_output_widgets
from ..data import ENV_CACHE, ENV_KUNCI, write_cache
from ..errors import ParameterError, ReportError
from ._excel import write_excel
from ._html import render_html
from ._preflight import prepare_output, validate_periode
from ._sections_base import MIME_RINGKASAN, validate_kode
from ._tasks_base import (
    KURSUS,
    HasilTugas,
    Tugas,
    berkas_lama,
    hasil_gagal,
    is_retryable,
    log_pekerja,
    menulis_ke,
    one_line,
    pesan_tulis,
    prepare_worker_env,
)


def _tandai(tugas: Tugas, mulai: bool) -> None:
    """Record (or clear) which task this worker process runs, in the run's private folder.

    The parent reads it when a worker dies, to charge the crash to that task only.
    """
    sesi = tugas.ekstra.get("sesi")
    if not sesi:
        return
    f = Path(sesi) / "pekerja" / str(os.getpid())
    with suppress(OSError):
        if mulai:
            f.parent.mkdir(mode=0o700, exist_ok=True)
            f.write_text(f"{tugas.kode}\t{tugas.nama}", encoding="utf-8")
        else:
            f.unlink()


def _tmp_pribadi(sesi: str | None) -> None:
    """Point this worker's (and its kernels') temporary files into the run's private folder.

    Kernel connection files (``tempfile.mkstemp``) and anything else the notebooks put in
    TMPDIR are then removed with that folder, also after the kernels were killed.
    """
    if not sesi or not Path(sesi).is_dir():
        return
    tmp = Path(sesi) / "tmp"
    with suppress(OSError):
        tmp.mkdir(mode=0o700, exist_ok=True)
        os.environ["TMPDIR"] = str(tmp)
        tempfile.tempdir = None  # recomputed from TMPDIR


def run_task(tugas: Tugas, *, in_worker: bool = True) -> HasilTugas:
    """Execute one task; never raises (errors become a ``gagal`` result)."""
    if in_worker:
        prepare_worker_env()
        _SESI["id"] = tugas.ekstra.get("sesi_id", "")
        log_pekerja(tugas.ekstra.get("log"))
        _tmp_pribadi(tugas.ekstra.get("sesi"))
        if tugas.ekstra.get("cache"):
            os.environ[ENV_CACHE] = tugas.ekstra["cache"]  # inherited by the kernels
            os.environ[ENV_KUNCI] = tugas.ekstra.get("kunci", "")
        _tandai(tugas, True)
    start = time.perf_counter()
    try:
        if tugas.jenis == "excel":
            hasil = _run_excel(tugas)
        else:
            hasil = _run_notebook(tugas)
    except OSError as err:
        hasil = hasil_gagal(tugas, err)
        if menulis_ke(err, tugas.folder):  # the output could not be written: say so
            hasil.galat = pesan_tulis(err, tugas.folder) + " Hasilnya tidak disimpan."
    except Exception as err:
        hasil = hasil_gagal(tugas, err)
    finally:
        if in_worker:
            _tandai(tugas, False)
    hasil.detik = round(time.perf_counter() - start, 2)
    hasil.waktu = time.strftime("%Y-%m-%d %H:%M:%S")
    return hasil


def _run_excel(tugas: Tugas) -> HasilTugas:
    p = tugas.parameter
    target = Path(tugas.folder) / f"ringkasan_{tugas.kode}.xlsx"
    write_excel(
        tugas.masukan,
        tugas.kode,
        target,
        periode=p.get("periode", ""),
        aturan=p.get("aturan", "permenpanrb-6-2022"),
        ambang_anonimitas=p.get("ambang_anonimitas", 3),
    )
    return HasilTugas(tugas.kode, tugas.nama, "berhasil", 0.0, berkas=[str(target)])


def _run_notebook(tugas: Tugas) -> HasilTugas:
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    source = Path(tugas.masukan)
    folder = Path(tugas.folder)
    stem = source.stem
    final_nb = folder / f"{stem}.ipynb"
    final_html = folder / f"{stem}.html"
    failed_nb = folder / "gagal" / f"{stem}.ipynb"
    if not source.is_file():
        raise ReportError(f"notebook {source.name} tidak ditemukan di {source.parent}")

    attempts = 0
    error = ""
    with _temp_in(folder, f"{stem}.ipynb") as tmp:
        while True:
            attempts += 1
            try:
                with patched_output_widgets():
                    pm.execute_notebook(
                        str(source),
                        str(tmp),
                        parameters=dict(tugas.parameter),
                        kernel_name="python3",
                        cwd=str(source.parent),
                        progress_bar=False,
                        request_save_on_cell_execute=False,
                        shutdown_kernel="immediate",
                        start_timeout=tugas.ekstra.get("start_timeout", 60),
                        execution_timeout=tugas.ekstra.get("execution_timeout", 180),
                    )
                break
            except PapermillExecutionError as err:
                error = one_line(f"{err.ename}: {err.evalue}")
            except Exception as err:
                if (
                    isinstance(err, OSError)
                    and err.errno in _ALASAN_OS
                    and menulis_ke(err, tugas.folder)
                ):
                    raise  # the output cannot be written (disk full, read-only): one sentence
                if is_retryable(err) and attempts <= tugas.ulang:
                    time.sleep(0.5 * attempts)
                    continue
                error = one_line(f"{type(err).__name__}: {err}")
            # failure: keep the notebook (with papermill's error banner) for triage; the
            # previous good report (if any) stays until a new good one replaces it
            lama = berkas_lama(tugas)
            try:
                failed_nb.parent.mkdir(parents=True, exist_ok=True)
                if tmp.exists():
                    os.replace(tmp, failed_nb)
                else:  # e.g. the kernel died before papermill saved anything: keep the input
                    nb = nbformat.read(source, as_version=4)
                    note = nbformat.v4.new_markdown_cell(
                        f"**Gagal dijalankan** setelah {attempts} percobaan: `{error}`\n\n"
                        f"Parameter: `{json.dumps(tugas.parameter, ensure_ascii=False)}`"
                    )
                    nb.cells.insert(0, note)
                    write_atomic(failed_nb, nbformat.writes(nb))
            except OSError as err:
                error += (
                    f" {pesan_tulis(err, failed_nb.parent)} Notebook yang gagal tidak disimpan."
                )
                kept = []
            else:
                kept = [str(failed_nb)]
            return HasilTugas(
                tugas.kode,
                stem,
                "gagal",
                0.0,
                error,
                attempts,
                tugas.laporan,
                berkas=kept,
                berkas_lama=lama,
            )

        nb = nbformat.read(tmp, as_version=4)
        ringkasan = read_summary(nb) if tugas.laporan else None
        page = render_html(nb)
        write_atomic(final_html, page)
        os.replace(tmp, final_nb)
    with suppress(FileNotFoundError):
        failed_nb.unlink()
    with suppress(OSError):
        failed_nb.parent.rmdir()  # only when empty
    return HasilTugas(
        tugas.kode,
        stem,
        "berhasil",
        0.0,
        "",
        attempts,
        tugas.laporan,
        ringkasan,
        [str(final_nb), str(final_html)],
    )


def read_summary(nb) -> dict | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data", {})
            if MIME_RINGKASAN in data:
                value = data[MIME_RINGKASAN]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return None


# --------------------------------------------------------------------------- batch


def course_notebooks(folder: Path) -> tuple[list[Path], list[str]]:
    found, missing = [], []
    for prefix in KURSUS:
        hits = sorted(folder.glob(f"{prefix}_*.ipynb"))
        if hits:
            found.append(hits[0])
        else:
            missing.append(f"{prefix}_*.ipynb")
    return found, missing


def _load(data: Path):
    from ..data import load_workbook

    wb = load_workbook(data)
    table = wb.instansi
    codes = [str(c) for c in table["kode_instansi"]]
    names = dict(zip(codes, (str(n) for n in table["nama_instansi"]), strict=True))
    return wb, codes, names


def buat_tugas(
    data: Path,
    out: Path,
    instansi: Sequence[str] | None,
    template: Path,
    course: list[Path],
    excel: bool,
    params: dict[str, Any],
    ambang_anonimitas: int,
    ulang: int,
    extra: dict[str, Any],
) -> tuple[list[str], dict[str, str], list[Tugas]]:
    """Validate the workbook, the codes and the period once, check that the output folder
    can be written, write the per-instansi cache (in the run's private folder) and list the
    tasks.

    Returns the instansi codes, their names and the tasks, largest instansi first.
    """
    wb, codes, names = _load(data)
    if instansi:
        chosen = [validate_kode(k) for k in instansi]
        unknown = [k for k in chosen if k not in names]
        if unknown:
            raise ParameterError(
                f"Kode instansi tidak ada di data: {', '.join(unknown)}. "
                f"Pilih dari: {', '.join(codes)}."
            )
        codes = list(dict.fromkeys(chosen))
    else:
        codes = [validate_kode(k) for k in codes]
    validate_periode(wb, codes, params.get("periode", ""), bool(instansi))

    tasks: list[Tugas] = []
    for kode in codes:
        dest = str(out / kode)
        # the threshold reaches EVERY task: the report, each course copy and the Excel export
        p = {**params, "kode_instansi": str(kode), "ambang_anonimitas": int(ambang_anonimitas)}
        tasks.append(Tugas(kode, "notebook", str(template), dest, dict(p), ulang, True, extra))
        tasks += [
            Tugas(kode, "notebook", str(nb), dest, dict(p), ulang, False, extra) for nb in course
        ]
        if excel:
            tasks.append(Tugas(kode, "excel", str(data), dest, dict(p), 0, False, extra))
    prepare_output(out, codes)
    # Validate the workbook once here and hand each report its instansi's slice (a signed
    # pickle in the run's private folder, checked against the data files' fingerprint)
    # instead of re-validating the province per notebook.
    if extra.get("cache"):
        cache = Path(extra["cache"])
        try:
            write_cache(cache, data, wb, kunci=bytes.fromhex(extra["kunci"]))
        except OSError as err:
            raise ReportError(
                pesan_tulis(
                    err, cache.parent.parent, "kosongkan atau pilih folder lain lewat TMPDIR"
                )
            ) from err
    # Largest instansi first (longest tasks first keeps both workers busy until the end).
    size = wb.pegawai["kode_instansi"].astype(str).value_counts()
    tasks.sort(key=lambda t: -int(size.get(t.kode, 0)))
    return codes, names, tasks
