"""Checks made in the parent before any notebook runs (rules, periode, writable output
folders), the progress bar, and removal of temporary files left by earlier runs.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from .._berkas import SESI as _SESI
from .._berkas import TEMP_RE as _TEMP_RE
from .._berkas import temp_in as _temp_in
from .._processes import hidup
from ..errors import KinerjaCalibError, ParameterError, ReportError
from ._tasks_base import HasilTugas, Tugas, pesan_tulis


def progress(codes: list[str], tasks: list[Tugas], show: bool):
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


def validate_rules(aturan: Any) -> None:
    """Load the rules once in the parent: a typo fails in seconds, before any notebook."""
    from .. import rules as rules_mod

    try:
        rules_mod.load(aturan)
    except KinerjaCalibError as err:
        raise ParameterError(f"--aturan: {err}") from err


def validate_periode(wb, codes: list[str], periode: str, dipilih: bool) -> None:
    """Refuse a ``periode`` that none of the chosen instansi has (listing the valid ones)."""
    from ..params import TABEL_BERPERIODE

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


def prepare_output(out: Path, codes: list[str]) -> None:
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
        sapu_sementara(out)
        old = out / ".cache"  # versions before issue 13 cached raw data here
        if old.is_dir() and not old.is_symlink():
            if all(re.fullmatch(r"[\w-]+\.pkl|\..*\.tmp", p.name) for p in old.iterdir()):
                shutil.rmtree(old)
        for folder in [out, *(out / k for k in codes)]:
            folder.mkdir(exist_ok=True)
            with _temp_in(folder, "uji-tulis") as probe:
                probe.write_bytes(b"\0" * 4096)  # a full disk fails here (ENOSPC)
    except OSError as err:
        raise ReportError(pesan_tulis(err, folder)) from err


# --------------------------------------------------------------------------- process lifetime


def sapu_sementara(out: Path, sesi: str | None = None) -> None:
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
