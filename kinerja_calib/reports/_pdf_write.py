"""PDF copies of the successful reports, printed with Chromium after the batch."""

from __future__ import annotations

from pathlib import Path

from .._berkas import write_atomic
from .._pdf import Pencetak
from .._processes import Dihentikan
from ..errors import ReportError
from ._tasks_base import HasilTugas, one_line, pesan_tulis


def write_pdf(results: list[HasilTugas], chromium: str, tampilkan: bool) -> None:
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
        r.galat = one_line(f"PDF tidak dapat dibuat: {alasan}")

    try:
        with Pencetak(chromium) as pencetak:
            for r, page in laporan:
                try:
                    target = page.with_suffix(".pdf")
                    write_atomic(target, pencetak.cetak(page))
                    r.berkas.append(str(target))
                except Dihentikan:
                    raise
                except Exception as err:  # one report's PDF; the others carry on
                    gagal(
                        r,
                        pesan_tulis(err, page.parent)
                        if isinstance(err, OSError)
                        else f"{type(err).__name__}: {err}",
                    )
    except ReportError as err:  # Chromium did not start
        for r, _ in laporan:
            gagal(r, str(err))
