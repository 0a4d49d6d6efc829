"""Task and result records (:class:`Tugas`, :class:`HasilTugas`), worker set-up, and the
helpers that classify and word a task's failure.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .._berkas import alasan_os as _alasan_os
from .._notebooks import notebook_folder

#: The report template, relative to the notebooks folder.
TEMPLAT = "laporan_instansi.ipynb"
#: Course notebooks run per instansi (fixed list; a missing one is reported as an error).
KURSUS = ("01", "02a", "02b", "02c", "02d", "03", "04a", "04b", "05")

NOTEBOOKS = notebook_folder()  # the checkout's notebooks/, or the copy in the wheel
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

_RETRYABLE_TEXT = (
    "kernel didn't respond",
    "kernel died",
    "address already in use",
    "zmqerror",
    "kernel failed to start",
    "no such kernel",
)


# --------------------------------------------------------------------------- atomic writes
# (in the low layer kinerja_calib._berkas; ``write_atomic`` stays public here)


# --------------------------------------------------------------------------- HTML export

HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""


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


def is_retryable(err: BaseException) -> bool:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    # A cell timing out is retried once more with a fresh kernel (a safety net: the widget-cell
    # "stall" once seen here was a lost execute_reply wake-up in the client, fixed in
    # kinerja_calib._nbclient). A cell that is genuinely too slow times out again and is then
    # reported as failed.
    if isinstance(err, DeadKernelError | CellTimeoutError | TimeoutError):
        return True
    text = f"{type(err).__name__}: {err}".lower()
    return isinstance(err, RuntimeError | OSError) and any(t in text for t in _RETRYABLE_TEXT)


def one_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))  # ANSI colours from tracebacks
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def prepare_worker_env() -> None:
    """Let the kernel use the inline backend so figures reach the notebook outputs."""
    if os.environ.get("MPLBACKEND", "").lower() == "agg":
        os.environ.pop("MPLBACKEND")


def init_worker(log: str | None = None) -> None:
    """Pool initializer: quiet papermill, inline figures, kernel chatter to a log file."""
    import logging
    import warnings

    prepare_worker_env()
    logging.getLogger("papermill").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="papermill")
    warnings.filterwarnings("ignore", module="nbconvert")
    if log:
        Path(log).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)  # kernels inherit it: their start-up warnings stay out of the console
        os.close(fd)


_LOG_PEKERJA: list[str] = []  # the log this worker process already writes to

#: Environment variable naming the workers' log file (default: :func:`worker_log_path`).
ENV_LOG = "KINERJA_CALIB_LOG"


def worker_log_path() -> Path:
    """Where the workers' and kernels' stderr goes: outside the output folder.

    The output folder is what an HR office zips and sends, so nothing but reports sits
    there. The log is ``$KINERJA_CALIB_LOG`` if set, else ``pekerja.log`` in the user's state
    folder (``$XDG_STATE_HOME/kinerja-calib``, by default ``~/.local/state/kinerja-calib``;
    created with mode 0700 when the first worker writes). Not the temporary folder: the log
    is meant to be read after a failed run, and the batch leaves nothing in ``TMPDIR``.
    """
    env = os.environ.get(ENV_LOG)
    if env:
        return Path(env)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "kinerja-calib" / "pekerja.log"


def log_pekerja(log: str | None) -> None:
    """Send this worker's (and its kernels') stderr to ``log``, once per process.

    Done with the first task rather than at pool start, so that no output folder is created
    before the parent has validated the data and the instansi codes.
    """
    if log and log not in _LOG_PEKERJA:
        init_worker(log)
        _LOG_PEKERJA.append(log)


def hasil_gagal(tugas: Tugas, err: BaseException | str, percobaan: int = 1) -> HasilTugas:
    """The ``gagal`` result of a task: ``err`` raised (type and message on one line) or a
    sentence saying what happened."""
    galat = err if isinstance(err, str) else one_line(f"{type(err).__name__}: {err}")
    return HasilTugas(
        tugas.kode,
        tugas.nama,
        "gagal",
        0.0,
        galat,
        percobaan,
        tugas.laporan,
        berkas_lama=berkas_lama(tugas),
    )


def pesan_tulis(err: OSError, folder: str | os.PathLike, saran: str | None = None) -> str:
    """One Indonesian sentence: ``folder`` could not be written, why, and what to do."""
    if saran is None:
        saran = (
            "kosongkan ruang disk atau pilih folder keluaran lain"
            if err.errno in (errno.ENOSPC, errno.EDQUOT)
            else "pilih folder keluaran yang dapat ditulis atau perbaiki izinnya"
        )
    return f"Folder {folder} tidak dapat ditulis ({_alasan_os(err)}); {saran}."


def menulis_ke(err: OSError, folder: str | os.PathLike) -> bool:
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


def berkas_lama(tugas: Tugas) -> list[str]:
    """The task's previous good output files that are still in its folder."""
    folder = Path(tugas.folder)
    if tugas.jenis == "excel":
        names = [f"ringkasan_{tugas.kode}.xlsx"]
    else:
        stem = Path(tugas.masukan).stem
        names = [f"{stem}.ipynb", f"{stem}.html"]
    return [str(folder / n) for n in names if (folder / n).is_file()]
