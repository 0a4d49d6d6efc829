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
* The report content (sections, privacy) lives in the ``_sections_*`` modules
  of this package and is re-exported here. The template calls, in order::

      ctx = kc.reports.prepare_report(data, kode_instansi, periode, aturan, ambang_anonimitas)
      kc.reports.section_ringkasan(ctx)
      kc.reports.section_capaian(ctx)
      ...
"""

from __future__ import annotations

from .._berkas import write_atomic
from .._processes import Dihentikan
from ..data import ENV_CACHE, load_cached_workbook, sidik_data, write_cache
from ._batch import run_batch
from ._excel import netralkan_formula, write_excel
from ._html import render_html
from ._sections_360 import section_360, section_agreement, section_penilai
from ._sections_base import (
    MIME_RINGKASAN,
    TAG_HAPUS,
    Bagian,
    KonteksLaporan,
    prepare_report,
    validate_kode,
)
from ._sections_other import (
    ringkasan_indeks,
    section_aturan,
    section_ikm,
    section_kompetensi,
    section_talenta,
    section_tren,
    show_summary,
)
from ._sections_summary import section_capaian, section_judul, section_kurva, section_ringkasan
from ._status import pesan_galat, write_index
from ._tasks_base import KURSUS, TEMPLAT, HasilTugas, Tugas

# aliases kept for one release (issue 14)
periksa_kode = validate_kode
siapkan_laporan = prepare_report
tampilkan_ringkasan = show_summary
bagian_judul = section_judul
bagian_ringkasan = section_ringkasan
bagian_capaian = section_capaian
bagian_kurva = section_kurva
bagian_360 = section_360
bagian_agreement = section_agreement
bagian_penilai = section_penilai
bagian_ikm = section_ikm
bagian_kompetensi = section_kompetensi
bagian_talenta = section_talenta
bagian_tren = section_tren
bagian_aturan = section_aturan
tulis_atomik = write_atomic
tulis_cache = write_cache
tulis_indeks = write_index
ekspor_excel = write_excel
ekspor_html = render_html
workbook_dari_cache = load_cached_workbook

__all__ = [
    "Bagian",
    "Dihentikan",
    "ENV_CACHE",
    "HasilTugas",
    "KURSUS",
    "KonteksLaporan",
    "MIME_RINGKASAN",
    "TAG_HAPUS",
    "TEMPLAT",
    "Tugas",
    "bagian_360",
    "section_360",
    "bagian_agreement",
    "section_agreement",
    "bagian_aturan",
    "section_aturan",
    "bagian_capaian",
    "section_capaian",
    "bagian_ikm",
    "section_ikm",
    "bagian_judul",
    "section_judul",
    "bagian_kompetensi",
    "section_kompetensi",
    "bagian_kurva",
    "section_kurva",
    "bagian_penilai",
    "section_penilai",
    "bagian_ringkasan",
    "section_ringkasan",
    "bagian_talenta",
    "section_talenta",
    "bagian_tren",
    "section_tren",
    "ekspor_excel",
    "write_excel",
    "ekspor_html",
    "render_html",
    "netralkan_formula",
    "periksa_kode",
    "validate_kode",
    "pesan_galat",
    "ringkasan_indeks",
    "run_batch",
    "siapkan_laporan",
    "prepare_report",
    "sidik_data",
    "tampilkan_ringkasan",
    "show_summary",
    "tulis_atomik",
    "write_atomic",
    "tulis_cache",
    "write_cache",
    "tulis_indeks",
    "write_index",
    "load_cached_workbook",
    "workbook_dari_cache",
]
