"""Per-instansi reports: papermill batch, code-free HTML, index page and Excel export.

``kinerja-calib laporan DATA --keluaran DIR`` calls :func:`run_batch`. For every
instansi it runs the report template ``notebooks/laporan_instansi.ipynb`` and the
course notebooks ``notebooks/01_*.ipynb`` … ``05_*.ipynb`` through papermill, each
as an independent task in a process pool (or on a Dask ``distributed`` cluster),
and writes ``DIR/<kode>/<notebook>.ipynb`` plus a code-free ``.html`` beside it,
then ``DIR/index.html``.

Design notes
------------
* **Processes, not threads.** papermill's ``cwd`` is a process-global ``chdir``
  (nteract/papermill#473), so each task runs in its own worker process with an
  absolute input path and ``cwd`` = the notebook's folder.
* **Atomic writes.** Every file is first written to a hidden temporary file in the
  target folder and then moved into place with :func:`os.replace`; an interrupted
  run never leaves a half-written report, and a re-run replaces results cleanly.
* **Failures are kept, good reports too.** A notebook that raises is moved to
  ``DIR/<kode>/gagal/`` with papermill's red error banner; the previous good ``.html``/
  ``.ipynb`` stays until a new good one replaces it. The other tasks carry on, the status
  table shows the error and the exit code is 1. Each instansi folder holds a small
  ``.status.json`` (the latest run of each notebook: status, error, file names, the index
  summary — no personal data); ``index.html`` is rebuilt from all of them, so a rerun with
  ``--instansi`` keeps the others.
* **Retries** only for kernel trouble (start-up time-out, dead kernel, ZMQ port
  races — nteract/papermill#239, #511) and cell time-outs; a cell error is never retried.
  A worker process that dies (``kill -9``, out of memory) breaks the process pool; the
  pool is rebuilt and the unfinished tasks are resubmitted; only the task that was running
  in the dead worker counts an attempt (retried per ``ulang``).
* **Fail fast.** ``aturan``, ``periode``, the instansi codes, the data and the output
  folder (writable?) are all checked in the parent before any notebook runs.
* **Nothing left behind.** The validated-workbook cache lives in a private temporary folder
  (``tempfile.mkdtemp``, mode 0700, outside the output folder), signed with a per-run key
  (:data:`kinerja_calib.data.ENV_KUNCI`) that is verified before unpickling. SIGINT,
  SIGTERM and SIGHUP become a clean shutdown (:class:`Dihentikan`): the workers and their
  kernels are killed, the temporary folder and this run's temporary files in the output
  folder are removed. Workers die with the parent even on SIGKILL (``PR_SET_PDEATHSIG``
  on Linux, a parent watch elsewhere); kernels die with their worker (ipykernel's parent
  poller, ``JPY_PARENT_PID``). Leftovers of a run killed with SIGKILL are removed by the
  next run.
* **No lost replies on widget cells.** nbclient's stand-in for an ``Output`` widget echoes
  every captured output back to the kernel from its IOPub task, which can swallow the
  wake-up for the pending ``execute_reply`` (jupyter/nbclient#312, jupyter_client#1059): the
  cell then "hangs" until the cell time-out. :mod:`kinerja_calib._nbclient` re-arms it.
* The report content (sections, privacy) lives in :mod:`kinerja_calib._laporan`
  and is re-exported here so the template can call ``kc.reports.siapkan_laporan``.
"""

from __future__ import annotations

import errno
import html
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._angka import bilangan, desimal, format_angka_excel, judul_kolom
from ._berkas import ALASAN_OS as _ALASAN_OS
from ._berkas import SESI as _SESI
from ._berkas import TEMP_RE as _TEMP_RE
from ._berkas import alasan_os as _alasan_os
from ._berkas import temp_in as _temp_in
from ._berkas import tulis_atomik
from ._escape import add_csp, escape_text
from ._laporan import (
    ENV_CACHE,
    MIME_RINGKASAN,
    TAG_HAPUS,
    Bagian,
    KonteksLaporan,
    bagian_360,
    bagian_agreement,
    bagian_aturan,
    bagian_capaian,
    bagian_ikm,
    bagian_judul,
    bagian_kompetensi,
    bagian_kurva,
    bagian_penilai,
    bagian_ringkasan,
    bagian_talenta,
    bagian_tren,
    periksa_kode,
    ringkasan_indeks,
    siapkan_laporan,
    tampilkan_ringkasan,
    tulis_cache,
    workbook_dari_cache,
)
from ._nbclient import patched_output_widgets
from ._notebooks import notebook_folder
from ._pdf import Pencetak, periksa_pdf
from ._proses import Dihentikan, bunuh, hidup, keturunan, mati_bersama, tangkap_sinyal
from ._tampil import KOSONG, angka
from .data import ENV_KUNCI
from .errors import KinerjaCalibError, ParameterError, ReportError
from .privacy import AMBANG_BAWAAN

__all__ = [
    "KURSUS",
    "TEMPLAT",
    "Bagian",
    "Dihentikan",
    "HasilTugas",
    "KonteksLaporan",
    "Tugas",
    "bagian_360",
    "bagian_agreement",
    "bagian_aturan",
    "bagian_capaian",
    "bagian_ikm",
    "bagian_judul",
    "bagian_kompetensi",
    "bagian_kurva",
    "bagian_penilai",
    "bagian_ringkasan",
    "bagian_talenta",
    "bagian_tren",
    "ekspor_excel",
    "ekspor_html",
    "netralkan_formula",
    "periksa_kode",
    "pesan_galat",
    "ringkasan_indeks",
    "run_batch",
    "siapkan_laporan",
    "tampilkan_ringkasan",
    "tulis_atomik",
    "tulis_indeks",
    "workbook_dari_cache",
]

#: The report template, relative to the notebooks folder.
TEMPLAT = "laporan_instansi.ipynb"
#: Course notebooks run per instansi (fixed list; a missing one is reported as an error).
KURSUS = ("01", "02a", "02b", "02c", "02d", "03", "04a", "04b", "05")

_NOTEBOOKS = notebook_folder()  # the checkout's notebooks/, or the copy in the wheel
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

_RETRYABLE_TEXT = (
    "kernel didn't respond",
    "kernel died",
    "address already in use",
    "zmqerror",
    "kernel failed to start",
    "no such kernel",
)


# --------------------------------------------------------------------------- atomic writes
# (in the low layer kinerja_calib._berkas; ``tulis_atomik`` stays public here)


# --------------------------------------------------------------------------- HTML export

_HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""


def _strip_widgets(nb) -> None:
    """Remove widget state and widget views (they need JS from a CDN and a live kernel)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = [
            out for out in cell.get("outputs", []) if _WIDGET_MIME not in out.get("data", {})
        ]


def ekspor_html(nb, judul: str | None = None) -> str:
    """Return a code-free, offline HTML page for an executed notebook.

    Inputs and prompts are excluded; cells tagged ``hapus-dari-html`` (e.g. the
    machine-readable summary) are removed; widget state and views are stripped; the
    template loads no script from the internet (no require.js, MathJax, Mermaid or
    widget manager from a CDN). Matplotlib figures are embedded as base64 PNG. The page
    carries :data:`~kinerja_calib._escape.CSP` (no script runs, nothing is loaded from
    outside the page) as a second wall behind the escaping of data text.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (modified in place: widgets stripped).
    judul : str, optional
        Page title (default: the notebook's first heading).
    """
    import jinja2
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    _strip_widgets(nb)
    _tautan_html(nb)
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {TAG_HAPUS}
    config.TagRemovePreprocessor.remove_input_tags = {"parameters", "injected-parameters"}
    exporter = HTMLExporter(
        config=config,
        template_name="lab",
        template_file="laporan.html.j2",
        extra_loaders=[jinja2.DictLoader({"laporan.html.j2": _HTML_TEMPLATE})],
        exclude_input=True,
        exclude_output_prompt=True,
        exclude_input_prompt=True,
    )
    resources = {"metadata": {"name": judul or _first_heading(nb) or "Laporan"}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = re.sub(r"<html( lang=\"[^\"]*\")?>", '<html lang="id">', body, count=1)
    return add_csp(body)


#: Markdown link ``[label](target)`` (no nested brackets; target without spaces).
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(([^)\s]+)\)")
#: Notebooks exported beside each other in ``<keluaran>/<kode>/``: courses 01–05, the report.
_DIEKSPOR = re.compile(
    rf"^(?:(?:{'|'.join(KURSUS)})_[^/]*|{re.escape(Path(TEMPLAT).stem)})\.ipynb$"
)


def _tautan_html(nb) -> None:
    """Rewrite the markdown links of an exported notebook for the delivered folder.

    Relative links to a sibling notebook that is exported too (courses 01–05, the report)
    point to its ``.html``; links to notebooks that are not delivered (``jawaban/``, the
    table of contents 00) become plain text. Other links are left alone.
    """

    def ganti(m: re.Match) -> str:
        label, target = m.group(1), m.group(2)
        path, sep, anchor = target.partition("#")
        if "://" in path or path.startswith(("/", "mailto:")) or not path.endswith(".ipynb"):
            return m.group(0)
        if _DIEKSPOR.fullmatch(path):
            return f"[{label}]({path[: -len('.ipynb')]}.html{sep}{anchor})"
        return label

    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            cell.source = _MD_LINK.sub(ganti, cell.source)


def _first_heading(nb) -> str | None:
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return None


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class Tugas:
    """One unit of work for a worker: run one notebook (or the Excel export) for one instansi."""

    kode: str
    jenis: str  # "notebook" | "excel"
    masukan: str  # absolute path of the input notebook, or of the data for "excel"
    folder: str  # absolute output folder DIR/<kode>
    parameter: dict = field(default_factory=dict)
    ulang: int = 1
    laporan: bool = False  # the report template (its summary feeds index.html)
    ekstra: dict = field(default_factory=dict)  # start_timeout, execution_timeout, cache

    @property
    def nama(self) -> str:
        return Path(self.masukan).stem if self.jenis == "notebook" else "ringkasan.xlsx"


@dataclass
class HasilTugas:
    """Outcome of one :class:`Tugas` (picklable; returned by worker processes)."""

    kode: str
    nama: str
    status: str  # "berhasil" | "gagal"
    detik: float
    galat: str = ""
    percobaan: int = 1
    laporan: bool = False
    ringkasan: dict | None = None
    berkas: list[str] = field(default_factory=list)
    berkas_lama: list[str] = field(default_factory=list)  # previous good files, still there
    waktu: str = ""  # when this run of the task ended (local time, for the index)


def _is_retryable(err: BaseException) -> bool:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    # A cell timing out is retried once more with a fresh kernel (a safety net: the widget-cell
    # "stall" once seen here was a lost execute_reply wake-up in the client, fixed in
    # kinerja_calib._nbclient). A cell that is genuinely too slow times out again and is then
    # reported as failed.
    if isinstance(err, DeadKernelError | CellTimeoutError | TimeoutError):
        return True
    text = f"{type(err).__name__}: {err}".lower()
    return isinstance(err, RuntimeError | OSError) and any(t in text for t in _RETRYABLE_TEXT)


def _one_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))  # ANSI colours from tracebacks
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prepare_worker_env() -> None:
    """Let the kernel use the inline backend so figures reach the notebook outputs."""
    if os.environ.get("MPLBACKEND", "").lower() == "agg":
        os.environ.pop("MPLBACKEND")


def _init_worker(log: str | None = None) -> None:
    """Pool initializer: quiet papermill, inline figures, kernel chatter to a log file."""
    import logging
    import warnings

    _prepare_worker_env()
    logging.getLogger("papermill").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="papermill")
    warnings.filterwarnings("ignore", module="nbconvert")
    if log:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)  # kernels inherit it: their start-up warnings stay out of the console
        os.close(fd)


_LOG_PEKERJA: list[str] = []  # the log this worker process already writes to


def _log_pekerja(log: str | None) -> None:
    """Send this worker's (and its kernels') stderr to ``log``, once per process.

    Done with the first task rather than at pool start, so that no output folder is created
    before the parent has validated the data and the instansi codes.
    """
    if log and log not in _LOG_PEKERJA:
        _init_worker(log)
        _LOG_PEKERJA.append(log)


def _gagal(tugas: Tugas, err: BaseException | str, percobaan: int = 1) -> HasilTugas:
    """The ``gagal`` result of a task: ``err`` raised (type and message on one line) or a
    sentence saying what happened."""
    galat = err if isinstance(err, str) else _one_line(f"{type(err).__name__}: {err}")
    return HasilTugas(
        tugas.kode,
        tugas.nama,
        "gagal",
        0.0,
        galat,
        percobaan,
        tugas.laporan,
        berkas_lama=_berkas_lama(tugas),
    )


def _pesan_tulis(err: OSError, folder: str | os.PathLike, saran: str | None = None) -> str:
    """One Indonesian sentence: ``folder`` could not be written, why, and what to do."""
    if saran is None:
        saran = (
            "kosongkan ruang disk atau pilih folder keluaran lain"
            if err.errno in (errno.ENOSPC, errno.EDQUOT)
            else "pilih folder keluaran yang dapat ditulis atau perbaiki izinnya"
        )
    return f"Folder {folder} tidak dapat ditulis ({_alasan_os(err)}); {saran}."


def _menulis_ke(err: OSError, folder: str | os.PathLike) -> bool:
    """Whether ``err`` is about writing into ``folder`` (a file there, or no file named).

    Reading a deleted data file or an unreadable template is not a write problem of the
    output folder and must not be reported as one.
    """
    if err.filename is None:
        return True
    try:
        Path(os.fsdecode(err.filename)).resolve().relative_to(Path(folder).resolve())
    except (ValueError, TypeError):
        return False
    return True


def _berkas_lama(tugas: Tugas) -> list[str]:
    """The task's previous good output files that are still in its folder."""
    folder = Path(tugas.folder)
    if tugas.jenis == "excel":
        names = [f"ringkasan_{tugas.kode}.xlsx"]
    else:
        stem = Path(tugas.masukan).stem
        names = [f"{stem}.ipynb", f"{stem}.html"]
    return [str(folder / n) for n in names if (folder / n).is_file()]


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


def _run_task(tugas: Tugas, *, in_worker: bool = True) -> HasilTugas:
    """Execute one task; never raises (errors become a ``gagal`` result)."""
    if in_worker:
        _prepare_worker_env()
        _SESI["id"] = tugas.ekstra.get("sesi_id", "")
        _log_pekerja(tugas.ekstra.get("log"))
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
        hasil = _gagal(tugas, err)
        if _menulis_ke(err, tugas.folder):  # the output could not be written: say so
            hasil.galat = _pesan_tulis(err, tugas.folder) + " Hasilnya tidak disimpan."
    except Exception as err:
        hasil = _gagal(tugas, err)
    finally:
        if in_worker:
            _tandai(tugas, False)
    hasil.detik = round(time.perf_counter() - start, 2)
    hasil.waktu = time.strftime("%Y-%m-%d %H:%M:%S")
    return hasil


def _run_excel(tugas: Tugas) -> HasilTugas:
    p = tugas.parameter
    target = Path(tugas.folder) / f"ringkasan_{tugas.kode}.xlsx"
    ekspor_excel(
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
                error = _one_line(f"{err.ename}: {err.evalue}")
            except Exception as err:
                if (
                    isinstance(err, OSError)
                    and err.errno in _ALASAN_OS
                    and _menulis_ke(err, tugas.folder)
                ):
                    raise  # the output cannot be written (disk full, read-only): one sentence
                if _is_retryable(err) and attempts <= tugas.ulang:
                    time.sleep(0.5 * attempts)
                    continue
                error = _one_line(f"{type(err).__name__}: {err}")
            # failure: keep the notebook (with papermill's error banner) for triage; the
            # previous good report (if any) stays until a new good one replaces it
            lama = _berkas_lama(tugas)
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
                    tulis_atomik(failed_nb, nbformat.writes(nb))
            except OSError as err:
                error += (
                    f" {_pesan_tulis(err, failed_nb.parent)} Notebook yang gagal tidak disimpan."
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
        ringkasan = _read_summary(nb) if tugas.laporan else None
        page = ekspor_html(nb)
        tulis_atomik(final_html, page)
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


def _read_summary(nb) -> dict | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data", {})
            if MIME_RINGKASAN in data:
                value = data[MIME_RINGKASAN]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return None


# --------------------------------------------------------------------------- batch


def _course_notebooks(folder: Path) -> tuple[list[Path], list[str]]:
    found, missing = [], []
    for prefix in KURSUS:
        hits = sorted(folder.glob(f"{prefix}_*.ipynb"))
        if hits:
            found.append(hits[0])
        else:
            missing.append(f"{prefix}_*.ipynb")
    return found, missing


def _load(data: Path):
    from .data import load_workbook

    wb = load_workbook(data)
    table = wb.instansi
    codes = [str(c) for c in table["kode_instansi"]]
    names = dict(zip(codes, (str(n) for n in table["nama_instansi"]), strict=True))
    return wb, codes, names


def _tugas(
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
        chosen = [periksa_kode(k) for k in instansi]
        unknown = [k for k in chosen if k not in names]
        if unknown:
            raise ParameterError(
                f"Kode instansi tidak ada di data: {', '.join(unknown)}. "
                f"Pilih dari: {', '.join(codes)}."
            )
        codes = list(dict.fromkeys(chosen))
    else:
        codes = [periksa_kode(k) for k in codes]
    _periksa_periode(wb, codes, params.get("periode", ""), bool(instansi))

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
    _siapkan_keluaran(out, codes)
    # Validate the workbook once here and hand each report its instansi's slice (a signed
    # pickle in the run's private folder, checked against the data files' fingerprint)
    # instead of re-validating the province per notebook.
    if extra.get("cache"):
        cache = Path(extra["cache"])
        try:
            tulis_cache(cache, data, wb, kunci=bytes.fromhex(extra["kunci"]))
        except OSError as err:
            raise ReportError(
                _pesan_tulis(
                    err, cache.parent.parent, "kosongkan atau pilih folder lain lewat TMPDIR"
                )
            ) from err
    # Largest instansi first (longest tasks first keeps both workers busy until the end).
    size = wb.pegawai["kode_instansi"].astype(str).value_counts()
    tasks.sort(key=lambda t: -int(size.get(t.kode, 0)))
    return codes, names, tasks


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

    folder = Path(notebooks).resolve() if notebooks else _NOTEBOOKS
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
        course, missing = _course_notebooks(folder)

    _periksa_aturan(aturan)
    chromium = periksa_pdf() if pdf else None  # before any notebook runs

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
            "log": str(out / ".log" / "pekerja.log") if kolam is not None else None,
        }
        codes, names, tasks = _tugas(
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
            _tulis_pdf(results, chromium, tampilkan)
        wall = time.perf_counter() - t0

        status = _status_table(codes, results)
        try:
            _simpan_status(out, names, results)
            semua_kode, semua_nama, semua = _muat_status(out)
            tulis_indeks(out, semua_kode, semua_nama, semua, detik=wall)
        except OSError as err:
            where = Path(err.filename).parent if err.filename else out
            raise ReportError(_pesan_tulis(err, where)) from err
    if tampilkan:
        _print_status(status, out, wall, results)
    return 0 if all(r.status == "berhasil" for r in results) else 1


def _tulis_pdf(results: list[HasilTugas], chromium: str, tampilkan: bool) -> None:
    """Print every report written in this run to PDF beside its HTML, with one browser.

    The PDF joins the result's files (so the index can link it); a report whose PDF cannot
    be made is marked failed with the reason (its HTML stays).
    """
    laporan = [
        (r, Path(f))
        for r in results
        if r.laporan and r.status == "berhasil"
        for f in r.berkas
        if f.endswith(".html")
    ]
    if not laporan:
        return
    if tampilkan:
        print(f"Membuat PDF untuk {len(laporan)} laporan ...", flush=True)

    def gagal(r: HasilTugas, alasan: str) -> None:
        r.status = "gagal"
        r.galat = _one_line(f"PDF tidak dapat dibuat: {alasan}")

    try:
        with Pencetak(chromium) as pencetak:
            for r, page in laporan:
                try:
                    target = page.with_suffix(".pdf")
                    tulis_atomik(target, pencetak.cetak(page))
                    r.berkas.append(str(target))
                except Dihentikan:
                    raise
                except Exception as err:  # one report's PDF; the others carry on
                    gagal(
                        r,
                        _pesan_tulis(err, page.parent)
                        if isinstance(err, OSError)
                        else f"{type(err).__name__}: {err}",
                    )
    except ReportError as err:  # Chromium did not start
        for r, _ in laporan:
            gagal(r, str(err))


def _progress(codes: list[str], tasks: list[Tugas], show: bool):
    from tqdm.auto import tqdm

    left = {k: 0 for k in codes}
    for t in tasks:
        left[t.kode] += 1
    bar = tqdm(
        total=len(codes),
        desc="Laporan instansi",
        unit="instansi",
        disable=not show,
        file=sys.stderr,
    )

    def done(hasil: HasilTugas) -> None:
        left[hasil.kode] -= 1
        if left[hasil.kode] == 0:
            bar.update(1)

    return bar, done


# --------------------------------------------------------------------------- checks


def _periksa_aturan(aturan: Any) -> None:
    """Load the rules once in the parent: a typo fails in seconds, before any notebook."""
    from . import rules as rules_mod

    try:
        rules_mod.load(aturan)
    except KinerjaCalibError as err:
        raise ParameterError(f"--aturan: {err}") from err


def _periksa_periode(wb, codes: list[str], periode: str, dipilih: bool) -> None:
    """Refuse a ``periode`` that none of the chosen instansi has (listing the valid ones)."""
    from .params import TABEL_BERPERIODE

    if not periode:
        return
    import pandas as pd

    nips = wb.pegawai.loc[wb.pegawai["kode_instansi"].astype(str).isin(codes), "nip"]
    found: list = []
    for name in TABEL_BERPERIODE:
        t = getattr(wb, name, None)
        if t is None or "periode" not in t.columns:
            continue
        mine = t["kode_instansi"].astype(str).isin(codes) if "nip" not in t else t["nip"].isin(nips)
        found.append(t.loc[mine.to_numpy(dtype=bool), "periode"].dropna().astype(str))
    periods = sorted(pd.concat(found).unique()) if found else []
    if periode not in periods:
        where = f" instansi {', '.join(codes)}" if dipilih else ""
        raise ParameterError(
            f"Periode {periode!r} tidak ada di data{where}. Pilih salah satu dari: "
            f"{', '.join(periods) or '(tidak ada)'}, atau jalankan tanpa --periode untuk "
            "periode terakhir."
        )


def _siapkan_keluaran(out: Path, codes: list[str]) -> None:
    """Create the output folders and check that each can be written (before any notebook).

    Also removes what earlier runs killed with SIGKILL may have left there: their temporary
    files and the ``.cache`` folder of old versions.

    Raises
    ------
    ReportError
        One Indonesian sentence naming the folder (disk full, read-only, no permission).
    """
    folder = out
    try:
        out.mkdir(parents=True, exist_ok=True)
        _sapu_sementara(out)
        old = out / ".cache"  # versions before issue 13 cached raw data here
        if old.is_dir() and not old.is_symlink():
            if all(re.fullmatch(r"[\w-]+\.pkl|\..*\.tmp", p.name) for p in old.iterdir()):
                shutil.rmtree(old)
        for folder in [out, *(out / k for k in codes)]:
            folder.mkdir(exist_ok=True)
            with _temp_in(folder, "uji-tulis") as probe:
                probe.write_bytes(b"\0" * 4096)  # a full disk fails here (ENOSPC)
    except OSError as err:
        raise ReportError(_pesan_tulis(err, folder)) from err


# --------------------------------------------------------------------------- process lifetime


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


def _sapu_sementara(out: Path, sesi: str | None = None) -> None:
    """Remove temporary files of batch runs in ``out`` (and its instansi folders).

    ``sesi`` given: only that run's files (its clean-up). Else the files of runs whose
    process is gone, and old-style (run-less) ones older than ten minutes.
    """
    now = time.time()
    for pattern in (".*.tmp*", "*/.*.tmp*", "*/gagal/.*.tmp*"):
        for f in out.glob(pattern):
            m = _TEMP_RE.fullmatch(f.name)
            if not m or not f.is_file():
                continue
            run = m.group("sesi")
            with suppress(OSError):
                if sesi is not None:
                    stale = run == sesi
                elif run:
                    stale = not hidup(int(run.split("x")[0])) and run != _SESI["id"]
                else:
                    stale = now - f.stat().st_mtime > 600
                if stale:
                    f.unlink()


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
                _pesan_tulis(err, tempfile.gettempdir(), "kosongkan atau pilih lewat TMPDIR")
            ) from err
        _SESI["id"] = self.id
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        with suppress(OSError):
            if self.out.is_dir():
                _sapu_sementara(self.out, self.id)
        _SESI["id"] = ""


def _mulai_pekerja(induk: int | None = None) -> None:
    """Pool initializer: die with the parent; the imports every task needs (the log comes
    with the first task)."""
    if induk is not None:
        mati_bersama(induk)
    _init_worker(None)
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

    bar, done = _progress(codes, tasks, show)
    results: list[HasilTugas] = []
    crashes: dict[tuple[str, str], int] = {}
    blind = 0  # breaks where no task could be named
    todo = list(tasks)
    try:
        while todo:
            pool, again, futures = kolam.pool, [], {}
            for i, t in enumerate(todo):
                try:
                    futures[pool.submit(_run_task, t)] = t
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
    hasil = _gagal(
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
                hasil = _gagal(t, err)
            else:
                rusak.append(t)
                continue
        except Exception as err:
            hasil = _gagal(t, err)
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
    bar, done = _progress(codes, tasks, show)
    try:
        futures = [
            client.submit(_run_task, t, pure=False, key=f"laporan-{uuid.uuid4().hex}")
            for t in tasks
        ]
        lookup = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        return _kumpulkan(((f, lookup[f.key]) for f in as_completed(futures)), done)
    finally:
        bar.close()
        if own:
            client.close()


# --------------------------------------------------------------------------- status + index


def _status_table(codes: list[str], results: list[HasilTugas]):
    import pandas as pd

    rows = []
    for kode in codes:
        mine = [r for r in results if r.kode == kode]
        bad = [r for r in mine if r.status != "berhasil"]
        rows.append(
            {
                "instansi": kode,
                "status": "gagal" if bad else "berhasil",
                "detik": round(sum(r.detik for r in mine), 1),
                "galat": "; ".join(f"{r.nama}: {r.galat}" for r in bad),
            }
        )
    return pd.DataFrame(rows, columns=["instansi", "status", "detik", "galat"])


def _print_status(status, out: Path, wall: float, results: list[HasilTugas]) -> None:
    import pandas as pd

    n_bad = int((status["status"] != "berhasil").sum())
    with pd.option_context(
        "display.max_rows", None, "display.max_colwidth", 120, "display.width", 200
    ):
        print("\nStatus laporan per instansi:")
        print(status.to_string(index=False) if len(status) else "(tidak ada instansi)")
    print(f"\nWaktu total: {desimal(wall, 1)} detik untuk {bilangan(len(status))} instansi.")
    if n_bad:
        bad = [r for r in results if r.status != "berhasil"]
        kept = sorted({r.kode for r in bad if any("gagal" in Path(f).parts for f in r.berkas)})
        lost = sorted({r.kode for r in bad if not r.berkas})
        print(f"{n_bad} instansi gagal.")
        if kept:
            print(
                f"Notebook yang gagal disimpan di {out}/<kode>/gagal/ untuk diperiksa "
                f"({', '.join(kept)}); pesan kernel ada di {out / '.log' / 'pekerja.log'}."
            )
        if lost:
            print(
                "Tidak ada notebook gagal yang tersimpan untuk: "
                f"{', '.join(lost)} (lihat kolom galat)."
            )
        old = sorted({r.kode for r in bad if r.berkas_lama})
        if old:
            print(f"Laporan sebelumnya yang berhasil tetap ada untuk: {', '.join(old)}.")
        print("Perbaiki lalu jalankan lagi (bisa dengan --instansi KODE saja).")
    else:
        print("Semua laporan berhasil dibuat.")
    print(f"Daftar laporan: {out / 'index.html'}")


#: Per-instansi record of the latest run of each notebook (``<keluaran>/<kode>/.status.json``).
_STATUS = ".status.json"
_BERKAS_RE = re.compile(r"(?:gagal/)?[A-Za-z0-9_.-]+\.(?:html|ipynb|xlsx|pdf)")


def _rel(folder: Path, files: Iterable[str]) -> list[str]:
    return [Path(os.path.relpath(f, folder)).as_posix() for f in files]


def _baca_status(folder: Path) -> dict | None:
    """The status record of an instansi folder, or ``None`` (missing or not ours)."""
    try:
        doc = json.loads((folder / _STATUS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("tugas"), dict):
        return None
    return doc


def _simpan_status(out: Path, names: dict[str, str], results: list[HasilTugas]) -> None:
    """Merge this run's results into each instansi's ``.status.json`` (atomically).

    One entry per notebook (the latest run of it): status, error, attempts, seconds, time,
    file names (relative) and the index summary (predikat shares; no personal data). A failed
    task whose previous good files are still there keeps that report's summary.
    """
    by_kode: dict[str, list[HasilTugas]] = {}
    for r in results:
        by_kode.setdefault(r.kode, []).append(r)
    for kode, mine in by_kode.items():
        folder = out / kode
        old = _baca_status(folder) or {}
        tugas = dict(old.get("tugas", {}))
        for r in mine:
            prev = tugas.get(r.nama) if isinstance(tugas.get(r.nama), dict) else {}
            ringkasan = r.ringkasan
            if ringkasan is None and r.status != "berhasil" and r.berkas_lama:
                ringkasan = prev.get("ringkasan")
            tugas[r.nama] = {
                "status": r.status,
                "galat": r.galat,
                "percobaan": r.percobaan,
                "detik": r.detik,
                "waktu": r.waktu,
                "laporan": r.laporan,
                "berkas": _rel(folder, r.berkas),
                "berkas_lama": _rel(folder, r.berkas_lama),
                "ringkasan": ringkasan,
            }
        doc = {
            "versi": 1,
            "kode_instansi": kode,
            "nama_instansi": names.get(kode, str(old.get("nama_instansi", ""))),
            "tugas": tugas,
        }
        tulis_atomik(folder / _STATUS, json.dumps(doc, ensure_ascii=False, indent=1))


def _ringkasan_aman(value: Any) -> dict | None:
    """Only the summary fields the index shows, with their types checked.

    Organisation-level values only (no pegawai, no rater, nothing from a hidden 360 group):
    periode, predikat shares, the organisation predikat and the kurva status.
    """
    if not isinstance(value, dict):
        return None
    shares = value.get("porsi_predikat")
    shares = shares if isinstance(shares, dict) else {}
    clean = {}
    for k, v in shares.items():
        if isinstance(v, int | float) and not isinstance(v, bool) and 0.0 <= v <= 1.0:
            clean[str(k)] = float(v)
    org = value.get("predikat_organisasi")
    kurva = value.get("kurva")
    kurva_aman = None
    if isinstance(kurva, dict) and isinstance(kurva.get("memenuhi"), bool):

        def jumlah(key: str) -> int:
            v = kurva.get(key)
            ok = isinstance(v, int) and not isinstance(v, bool) and v >= 0
            return v if ok else 0

        kurva_aman = {
            "memenuhi": kurva["memenuhi"],
            "pelanggaran": jumlah("pelanggaran"),
            "perpindahan": jumlah("perpindahan"),
        }
    return {
        "nama_instansi": str(value.get("nama_instansi", "")),
        "periode": str(value.get("periode", "")),
        "predikat_organisasi": str(org)[:64] if isinstance(org, str) else "",
        "porsi_predikat": clean,
        "kurva": kurva_aman,
    }


#: Status of a report made before status records existed (older versions).
_TIDAK_DIKETAHUI = "tidak diketahui"


def _status_versi_lama(folder: Path, kode: str) -> list[HasilTugas]:
    """Entries for an instansi folder written by a version without ``.status.json``.

    Delivered notebooks (``.ipynb`` with its ``.html``) get the status "tidak diketahui";
    one in ``gagal/`` without a delivered copy was the latest (failed) run of it.
    """
    import nbformat

    found = []
    for nb in sorted(folder.glob("*.ipynb")):
        page = nb.with_suffix(".html")
        if not _BERKAS_RE.fullmatch(nb.name) or not page.is_file():
            continue
        laporan = nb.stem == Path(TEMPLAT).stem
        summary = None
        if laporan:
            with suppress(Exception):
                summary = _ringkasan_aman(_read_summary(nbformat.read(nb, as_version=4)))
        found.append(
            HasilTugas(
                kode, nb.stem, _TIDAK_DIKETAHUI, 0.0, "", 1, laporan, summary, [str(nb), str(page)]
            )
        )
    done = {r.nama for r in found}
    for nb in sorted((folder / "gagal").glob("*.ipynb")):
        if nb.stem not in done and _BERKAS_RE.fullmatch(nb.name):
            laporan = nb.stem == Path(TEMPLAT).stem
            galat = "gagal pada proses sebelumnya (dibuat versi lama)"
            found.append(
                HasilTugas(kode, nb.stem, "gagal", 0.0, galat, 1, laporan, berkas=[str(nb)])
            )
    for xlsx in sorted(folder.glob("ringkasan_*.xlsx")):
        if _BERKAS_RE.fullmatch(xlsx.name):
            found.append(
                HasilTugas(kode, "ringkasan.xlsx", _TIDAK_DIKETAHUI, 0.0, berkas=[str(xlsx)])
            )
    return found


def _muat_status(out: Path) -> tuple[list[str], dict[str, str], list[HasilTugas]]:
    """Every instansi of the output folder with a status record: codes, names, results.

    The records are read as untrusted JSON: only file names of the delivered kinds that
    exist in the instansi folder become links; values are type-checked.
    """
    codes, names, results = [], {}, []
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink()):
        try:
            kode = periksa_kode(folder.name)
        except ParameterError:
            continue
        doc = _baca_status(folder)
        if doc is None:
            lama = _status_versi_lama(folder, kode)
            if lama:
                codes.append(kode)
                names[kode] = next(
                    (str(r.ringkasan.get("nama_instansi", "")) for r in lama if r.ringkasan), ""
                )
                results += lama
            continue
        codes.append(kode)
        names[kode] = str(doc.get("nama_instansi", ""))

        def files(entry: dict, key: str, folder: Path = folder) -> list[str]:
            raw = entry.get(key)
            raw = raw if isinstance(raw, list) else []
            ok = [f for f in raw if isinstance(f, str) and _BERKAS_RE.fullmatch(f)]
            return [str(folder / f) for f in ok if (folder / f).is_file()]

        for nama, e in doc["tugas"].items():
            if not isinstance(e, dict):
                continue
            with suppress(TypeError, ValueError):
                results.append(
                    HasilTugas(
                        kode,
                        str(nama),
                        "berhasil" if e.get("status") == "berhasil" else "gagal",
                        float(e.get("detik") or 0.0),
                        str(e.get("galat") or ""),
                        int(e.get("percobaan") or 1),
                        bool(e.get("laporan")),
                        _ringkasan_aman(e.get("ringkasan")),
                        files(e, "berkas"),
                        files(e, "berkas_lama"),
                        str(e.get("waktu") or ""),
                    )
                )
    return codes, names, results


#: Error classes whose message is written for users (Indonesian, saying what to fix).
_GALAT_PENGGUNA = ("KinerjaCalibError", "ParameterError", "DataError", "ReportError")
#: An absolute path (POSIX or Windows) inside a message.
_JALUR_RE = re.compile(r"(?<![\w.\-/\\])(?:[A-Za-z]:[/\\]|/)[^\s'\"`,;()]*")


def pesan_galat(galat: str) -> str:
    """A plain Indonesian sentence for a failed task, for ``index.html``.

    The raw ``"ExceptionName: message"`` stays in the task result, the worker log and the
    notebook kept under ``gagal/``; pages show no exception name and no file path.

    Parameters
    ----------
    galat : str
        :attr:`HasilTugas.galat`.

    Examples
    --------
    >>> pesan_galat("ParameterError: Data tidak ditemukan: /srv/data/prov. Periksa jalur.")
    'Data tidak ditemukan: prov. Periksa jalur.'
    >>> pesan_galat("KeyError: 'nip'")  # doctest: +ELLIPSIS
    'Notebook ini gagal dijalankan karena galat teknis; ...'
    """
    nama, sep, pesan = str(galat).partition(": ")
    if not sep or not re.fullmatch(r"[A-Za-z_][\w.]*", nama):
        nama, pesan = "", str(galat)
    nama = nama.rsplit(".", 1)[-1]
    if nama in ("CellTimeoutError", "TimeoutError"):
        return (
            "Notebook ini melebihi batas waktu per sel; jalankan lagi, atau naikkan batas "
            "waktunya bila datanya memang besar."
        )
    if nama == "DeadKernelError":
        return (
            "Kernel Python berhenti di tengah jalan (mis. kehabisan memori); jalankan lagi "
            "instansi ini saja."
        )
    if nama in _GALAT_PENGGUNA or not nama:  # no exception name: our own sentence
        teks = _JALUR_RE.sub(lambda m: re.split(r"[/\\]", m.group(0).rstrip("/\\"))[-1], pesan)
        teks = teks.strip()
        teks = teks[:1].upper() + teks[1:]
        if teks and not re.search(r"\bError\b|Traceback", teks):
            return teks if teks.endswith((".", "?", "!")) else teks + "."
    return (
        "Notebook ini gagal dijalankan karena galat teknis; rinciannya ada di notebook yang "
        "disimpan di folder gagal/ dan di log pekerja."
    )


def _persen(x: float) -> str:
    """A share as people read it: "55,2 %" (one decimal, as in the report itself)."""
    return f"{angka(100 * x, 1)} %"


def _kurva_kata(kurva: dict | None) -> str:
    """The kurva status in words: "memenuhi", "n perpindahan diusulkan", or why not.

    Examples
    --------
    >>> _kurva_kata({"memenuhi": True, "pelanggaran": 0, "perpindahan": 0})
    'memenuhi'
    >>> _kurva_kata({"memenuhi": False, "pelanggaran": 2, "perpindahan": 18})
    '18 perpindahan diusulkan'
    >>> _kurva_kata(None)
    '–'
    """
    if not kurva:
        return KOSONG
    if kurva["memenuhi"]:
        return "memenuhi"
    if kurva["perpindahan"]:
        return f"{angka(kurva['perpindahan'], 0)} perpindahan diusulkan"
    return "belum memenuhi; tidak ada perpindahan yang dapat diusulkan"


def _waktu_kata(waktu: str) -> str:
    """A task's end time as the index shows it ("04-12-2026 17.59"); other text unchanged.

    Examples
    --------
    >>> _waktu_kata("2026-12-04 17:59:06"), _waktu_kata("kemarin")
    ('04-12-2026 17.59', 'kemarin')
    """
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::\d{2})?", waktu.strip())
    return f"{m[3]}-{m[2]}-{m[1]} {m[4]}.{m[5]}" if m else waktu


def _nama_tugas(r: HasilTugas) -> str:
    """What a task made, for a sentence in the index ("Laporan instansi", "Notebook kursus 02")."""
    if r.laporan:
        return "Laporan instansi"
    if r.nama == "ringkasan.xlsx":
        return "Ekspor Excel"
    prefix = r.nama.split("_")[0]
    if prefix in KURSUS:
        return f"Notebook kursus {prefix}"
    return f"Notebook {r.nama}"


def _status_kata(mine: list[HasilTugas]) -> tuple[str, str]:
    """(row class, status in words) of one instansi for the index."""
    failed = [r for r in mine if r.status == "gagal"]
    if failed:
        kalimat = [
            f"{_nama_tugas(r)} gagal dibuat. {pesan_galat(r.galat)}"
            + (" Versi sebelumnya masih ada." if r.berkas_lama else "")
            for r in failed
        ]
        return "gagal", "<br>".join(escape_text(k) for k in kalimat)
    if any(r.status == _TIDAK_DIKETAHUI for r in mine):
        return "lama", escape_text("Status tidak diketahui (dibuat versi lama).")
    return "berhasil", "Selesai"


def _tautan(r: HasilTugas, out: Path) -> tuple[str, bool] | None:
    """The links of one task's files: (HTML snippet, is it the report or a non-page file)."""

    def rel(files: list[str]) -> dict[str, str]:
        return {Path(f).suffix: html.escape(os.path.relpath(f, out), quote=True) for f in files}

    def pdf_beside(files: list[str]) -> str:
        # the PDF the report run writes beside its HTML (when asked to)
        pages = [Path(f) for f in files if f.endswith(".html")]
        pdf = [p.with_suffix(".pdf") for p in pages if p.with_suffix(".pdf").is_file()]
        if not pdf:
            return ""
        return f" · <a href='{html.escape(os.path.relpath(pdf[0], out), quote=True)}'>PDF</a>"

    by_ext = rel(r.berkas)
    name = escape_text(r.nama)
    short = "Laporan" if r.laporan else escape_text(r.nama.split("_")[0])
    if ".html" in by_ext:
        item = f"<a href='{by_ext['.html']}' title='{name}'><b>{short}</b></a>"
        if r.laporan:
            item += pdf_beside(r.berkas)
            if ".ipynb" in by_ext:
                item += f" · <a href='{by_ext['.ipynb']}'>ipynb</a>"
    elif r.status != "berhasil" and r.berkas_lama:  # the previous good one stays
        old = rel(r.berkas_lama)
        target = old.get(".html") or old.get(".xlsx") or next(iter(old.values()))
        item = f"<a href='{target}' title='{name}'>{short}</a> (sebelumnya)"
        if r.laporan:
            item += pdf_beside(r.berkas_lama)
        if ".ipynb" in by_ext:
            item += f" (<a href='{by_ext['.ipynb']}'>ipynb gagal</a>)"
    elif ".ipynb" in by_ext:  # kept for triage
        item = f"{name} (<a href='{by_ext['.ipynb']}'>ipynb gagal</a>)"
    elif ".xlsx" in by_ext:
        item = f"<a href='{by_ext['.xlsx']}'>Excel</a>"
    else:
        return None
    return item, r.laporan or ".html" not in by_ext


def tulis_indeks(
    keluaran: str | os.PathLike,
    codes: Iterable[str],
    names: dict[str, str],
    results: list[HasilTugas],
    *,
    detik: float | None = None,
) -> Path:
    """Write ``<keluaran>/index.html`` (Indonesian): one row per instansi, for a BKPSDM head.

    Per instansi: periode, organisation predikat, kurva status ("memenuhi" / "n perpindahan
    diusulkan"), predikat shares, the status in words ("Selesai", or a plain sentence per
    failed notebook) and links to the report (HTML, PDF when the run wrote one, ipynb) and
    the course copies. The figures are the report run's own summary (``.status.json``), never
    recomputed here, and organisation-level only.

    Every data string is escaped (:func:`~kinerja_calib._escape.escape_text`) and the page
    carries the :data:`~kinerja_calib._escape.CSP` meta. ``run_batch`` passes every instansi of
    the folder (from the ``.status.json`` records), so a partial rerun keeps the others; a
    failed notebook whose previous good report is still there links to it, marked
    "sebelumnya"."""
    from .labels import PREDIKAT

    out = Path(keluaran)
    codes = list(codes)
    rows = []
    for kode in codes:
        mine = sorted((r for r in results if r.kode == kode), key=lambda r: (not r.laporan, r.nama))
        summary = next((r.ringkasan for r in mine if r.laporan and r.ringkasan), None) or {}
        shares = summary.get("porsi_predikat", {})
        share_cells = "".join(
            f"<td class='angka'>{_persen(shares[p]) if p in shares else KOSONG}</td>"
            for p in PREDIKAT
        )
        links, course = [], []
        for r in mine:
            made = _tautan(r, out)
            if made is not None:
                (links if made[1] else course).append(made[0])
        if course:
            links.append("Kursus: " + " ".join(course))
        status, kata = _status_kata(mine)
        when = max((r.waktu for r in mine), default="")
        if when:
            kata += f"<br><small>{escape_text(_waktu_kata(when))}</small>"
        org = escape_text(summary.get("predikat_organisasi", "")) or KOSONG
        rows.append(
            f"<tr class='{status}'><td>{escape_text(kode)}</td>"
            f"<td>{escape_text(names.get(kode, ''))}</td>"
            f"<td>{escape_text(summary.get('periode', '')) or KOSONG}</td>"
            f"<td>{org}</td><td class='kurva'>{escape_text(_kurva_kata(summary.get('kurva')))}</td>"
            f"{share_cells}<td class='status'>{kata}</td>"
            f"<td class='berkas'>{'<br>'.join(links)}</td></tr>"
        )
    # a line may break after the "/" of "Kurang/Misconduct" (narrow share columns)
    head = "".join(f"<th>{escape_text(p).replace('/', '/<wbr>')}</th>" for p in PREDIKAT)
    n_ok = sum(all(r.status == "berhasil" for r in results if r.kode == k) for k in codes)
    stamp = time.strftime("%d-%m-%Y %H.%M", time.localtime())
    waktu = f"; proses ini {angka(detik, 0)} detik" if detik is not None else ""
    page = f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<title>Laporan kinerja per instansi</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}
p {{ max-width: 60rem; }}
table {{ border-collapse: collapse; font-size: 0.85rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }}
th {{ background: #f0f0f0; }}
th.angka {{ text-align: right; font-weight: normal; max-width: 6rem; }}
td.angka {{ text-align: right; white-space: nowrap; }}
td.status {{ min-width: 9rem; }}
tr.gagal td.status {{ color: #b2182b; min-width: 13rem; max-width: 24rem; }}
tr.berhasil td.status {{ color: #1b7837; }}
td.berkas {{ white-space: nowrap; }}
</style></head>
<body>
<h1>Laporan kinerja per instansi</h1>
<p>{angka(n_ok, 0)} dari {angka(len(codes), 0)} instansi berhasil pada proses terakhirnya
(dibuat {stamp}{waktu}).</p>
<p><b>Predikat organisasi</b> adalah predikat kinerja instansi yang menentukan kurva
distribusi. <b>Kurva distribusi</b>: "memenuhi" bila sebaran predikat pegawai sudah sesuai
kurva; bila belum, jumlah perpindahan predikat yang diusulkan laporan untuk rapat kalibrasi
(usulan, bukan keputusan). <b>Porsi predikat</b>: bagian pegawai yang memperoleh tiap predikat
pada periode laporan. <b>Status</b> menurut proses terakhir tiap instansi. <b>Laporan</b>
membuka laporan instansi (dan PDF-nya bila dibuat); 01–05 membuka salinan notebook kursus yang
dijalankan untuk instansi itu. Semua berkas bisa dibuka tanpa internet.</p>
<table>
<thead><tr><th rowspan="2">Kode</th><th rowspan="2">Instansi</th><th rowspan="2">Periode</th>
<th rowspan="2">Predikat organisasi</th><th rowspan="2">Kurva distribusi</th>
<th colspan="{len(PREDIKAT)}">Porsi predikat pegawai</th><th rowspan="2">Status</th>
<th rowspan="2">Berkas</th></tr>
<tr>{head.replace("<th>", "<th class='angka'>")}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<p>Kelompok penilai 360 dengan jumlah penilai di bawah ambang anonimitas tidak ditampilkan dan
tidak dipakai untuk skor, predikat atau kalibrasi mana pun; identitas penilai tidak pernah dimuat
dalam laporan.</p>
</body></html>
"""
    return tulis_atomik(out / "index.html", add_csp(page))


# --------------------------------------------------------------------------- Excel

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def netralkan_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with ``'`` (CSV/formula injection).

    Numbers are returned unchanged; only strings starting with ``= + - @`` (or tab / CR)
    are neutralised.

    Examples
    --------
    >>> netralkan_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> netralkan_formula(-3.5), netralkan_formula("Dinas")
    (-3.5, 'Dinas')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def ekspor_excel(
    data: str | os.PathLike | KonteksLaporan,
    kode_instansi: str | None = None,
    path: str | os.PathLike | None = None,
    *,
    periode: str = "",
    aturan: str = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> Path:
    """Write an ``.xlsx`` summary for one instansi (atomically).

    Sheets: ``predikat`` (shares per predikat), ``capaian`` (per jabatan), ``ikm`` (per
    service unit), ``360_ditekan`` (how many 360 groups were suppressed, per role — counts
    only). Every text cell is passed through :func:`netralkan_formula`, and cells are
    written as values (never formulas).

    Parameters
    ----------
    data : path-like or KonteksLaporan
        The workbook path (then ``kode_instansi`` is required) or a prepared context.
    path : path-like
        Target ``.xlsx`` file.
    """
    import pandas as pd

    ctx = (
        data
        if isinstance(data, KonteksLaporan)
        else siapkan_laporan(str(data), kode_instansi, periode, aturan, ambang_anonimitas)
    )
    if path is None:
        raise ParameterError("Berikan jalur berkas .xlsx tujuan (path).")
    sheets = ctx.tabel_excel()

    def clean(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        # headers a person reads ("Capaian rata-rata", "Persen (%)"), never a formula
        df.columns = [netralkan_formula(judul_kolom(c)) for c in df.columns]
        for i in range(df.shape[1]):
            s = df.iloc[:, i]
            if pd.api.types.is_float_dtype(s):
                df.isetitem(i, s.round(2))
            elif not pd.api.types.is_numeric_dtype(s):
                df.isetitem(i, s.astype(object).map(netralkan_formula))
        return df

    def writer(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, df in sheets.items():
                shown = clean(df)
                shown.to_excel(xw, sheet_name=name[:31], index=False)
                format_angka_excel(xw.book[name[:31]], shown)
            # openpyxl would turn a leading "=" into a formula; we neutralised them, but
            # make sure no cell is typed as a formula either.
            for ws in xw.book.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":
                            cell.value = "'" + str(cell.value)
                            cell.data_type = "s"

    return tulis_atomik(path, writer)
