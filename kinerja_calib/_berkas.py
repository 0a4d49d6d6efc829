"""Files written safely: atomic replacement, temporary names, Indonesian write errors.

The low layer under every module that writes a result file (:mod:`kinerja_calib.reports`,
:mod:`kinerja_calib.nasional`): a reader never sees a half-written file, and an interrupted
run leaves the previous version (or nothing) behind. It imports nothing of the package.
:func:`write_atomic` is public as ``kinerja_calib.reports.write_atomic``.
"""

from __future__ import annotations

import errno
import os
import re
import uuid
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path

__all__ = ["ALASAN_OS", "SESI", "TEMP_RE", "alasan_os", "temp_in", "tulis_atomik", "write_atomic"]


#: This batch run's id (``<parent pid>x<8 hex>``), part of every temporary file name it
#: writes in the output folder, so that its leftovers can be found and removed (by this run
#: on any exit, or by the next run when this one was killed). Set in the parent and, from
#: the task, in each worker.
SESI: dict[str, str] = {"id": ""}
TEMP_RE = re.compile(r"^\..+\.(?:(?P<sesi>\d+x[0-9a-f]{8})-)?[0-9a-f]{8}\.tmp(?:\.\w+)?$")


@contextmanager
def temp_in(folder: Path, name: str):
    """Yield a hidden temporary path in ``folder``; removed unless it was moved away."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext}" if dot else ""
    # hidden, unique, same folder (so os.replace is atomic); keeps the extension because
    # papermill warns about output files not ending in .ipynb
    sesi = f"{SESI['id']}-" if SESI["id"] else ""
    tmp = folder / f".{stem or name}.{sesi}{uuid.uuid4().hex[:8]}.tmp{suffix}"
    try:
        yield tmp
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()


def write_atomic(
    path: str | os.PathLike,
    data: str | bytes | Callable[[Path], None],
    *,
    encoding: str = "utf-8",
) -> Path:
    """Write ``path`` atomically: temporary file in the same folder, then :func:`os.replace`.

    Parameters
    ----------
    path : path-like
        Target file. Its folder is created when missing.
    data : str, bytes or callable
        The content, or a function ``writer(tmp_path)`` that writes the temporary file
        (e.g. ``workbook.save``). If it raises, the temporary file is removed and the
        target is left untouched (the previous version, or nothing).
    encoding : str
        Encoding for ``str`` content.

    Returns
    -------
    Path
        The target path.
    """
    target = Path(path)
    with temp_in(target.parent, target.name) as tmp:
        if callable(data):
            data(tmp)
        elif isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding=encoding)
        with open(tmp, "rb") as fh:  # flush to disk before the rename makes it visible
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    return target


ALASAN_OS = {
    errno.ENOSPC: "disk penuh",
    errno.EDQUOT: "kuota disk habis",
    errno.EROFS: "sistem berkasnya hanya-baca",
    errno.EACCES: "tidak ada izin menulis",
    errno.EPERM: "tidak ada izin menulis",
}


def alasan_os(err: OSError) -> str:
    """The reason of a write error, in Indonesian (disk full, read-only, no permission, …)."""
    return ALASAN_OS.get(err.errno or 0, err.strerror or type(err).__name__)


# aliases kept for one release (issue 14)
tulis_atomik = write_atomic
