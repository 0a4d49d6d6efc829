"""The batch of feedback sheets: one folder per instansi, atomic writes, restartable.

Layout (issue 18)::

    DIR/<kode_instansi>/pegawai/<nip>.html
    DIR/<kode_instansi>/penilai/<nip>.html
    DIR/<kode_instansi>/daftar.csv          nip, nama, unit, file (for the HR office)

Each instansi is prepared once (:func:`~kinerja_calib.umpan_balik.prepare` on its own rows:
360 ratings of its own pegawai only, the same rows as ``wb.untuk_instansi(kode)``), then its
sheets are rendered from the prepared tables. A batch splits the workbook by instansi once
(:func:`split_instansi`, one groupby per table, cached per workbook so a Dask worker also
does it once) instead of filtering every table for every instansi, which grew with
instansi × rows and dominated a 100 k run. A sheet is written with
:func:`kinerja_calib._berkas.write_atomic`; ``lanjut=True`` skips a sheet whose file is
already complete (it ends with ``</html>`` and carries its own marker), so an interrupted
run restarts where it stopped. ``dask_scheduler`` spreads the instansi over a Dask
distributed cluster: each task reads the data folder itself and writes only its own
instansi folder.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
import weakref
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._berkas import write_atomic
from ..privacy import AMBANG_BAWAAN

__all__ = ["SEMUA_PERIODE", "sheet_complete", "split_instansi", "write_instansi", "tulis_semua"]

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_KOLOM_DAFTAR = ["nip", "nama", "unit", "jenis", "file"]
_KOLOM_DAFTAR_PERIODE = ["nip", "nama", "unit", "jenis", "periode", "file"]
#: ``periode`` value of a batch that writes every period, each in its own folder.
SEMUA_PERIODE = "semua"
#: Tables kept by the instansi of their ratee's ``nip`` (as ``Workbook.untuk_instansi``).
_PER_NIP = ("realisasi", "penilaian_360", "kompetensi")


def _sel_csv(value: Any) -> str:
    """A CSV cell a spreadsheet will not read as a formula."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(_FORMULA) else s


def sheet_complete(path: Path, penanda: str) -> bool:
    """True when ``path`` is a complete sheet with marker ``penanda`` (for ``lanjut``)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return data.rstrip().endswith(b"</html>") and (
        f'name="kinerja-calib-lembar" content="{penanda}"'.encode() in data
    )


_POSISI: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _posisi(wb) -> dict[str, dict[str, np.ndarray]] | None:
    """Row positions of each instansi in each table of ``wb``, computed once per workbook.

    Grouped by ``kode_instansi``, or by the instansi of the ratee's ``nip`` (the rows of
    ``wb.untuk_instansi``). Cached per workbook object (a Dask worker reuses it for every
    task) and recomputed when a table was replaced or changed length. ``None`` when a NIP
    belongs to more than one instansi (then :meth:`Workbook.untuk_instansi` is used).
    """
    tanda = tuple((id(df), len(df)) for df in wb.tables.values())
    hit = _POSISI.get(wb)
    if hit is not None and hit[0] == tanda:
        return hit[1]
    peg = wb.pegawai
    inst_of = peg.drop_duplicates("nip").set_index("nip")["kode_instansi"]
    pos = None
    if len(inst_of) == len(peg):
        pos = {}
        for name, df in wb.tables.items():
            key = df["nip"].map(inst_of) if name in _PER_NIP else df["kode_instansi"]
            idx = pd.Series(np.arange(len(df), dtype=np.int32)).groupby(key.to_numpy(), sort=False)
            pos[name] = {str(k): v for k, v in idx.indices.items()}
    _POSISI[wb] = (tanda, pos)
    return pos


def _sub(wb, kode: str):
    """``wb.untuk_instansi(kode)``, taken by position (:func:`_posisi`) instead of filtering."""
    from ..data import Workbook

    pos = _posisi(wb)
    if pos is None or kode not in pos["instansi"]:  # untuk_instansi raises for an unknown code
        return wb.untuk_instansi(kode)
    empty = np.array([], dtype=np.int32)
    tables = {name: None for name in _PER_NIP}
    for name, df in wb.tables.items():
        tables[name] = df.take(pos[name].get(kode, empty)).reset_index(drop=True)
    return Workbook(**tables, path=wb.path)


def split_instansi(wb, kode: list[str]):
    """Yield ``(kode, sub)`` for each code: ``sub`` equals ``wb.untuk_instansi(kode)``.

    Rows are grouped once per workbook (:func:`_posisi`) and each sub-workbook takes its
    rows by position, lazily, so only one instansi's copy is alive at a time.
    """
    for k in kode:
        yield k, _sub(wb, k)


def _daftar(peg: pd.DataFrame, p, awalan: str) -> pd.DataFrame:
    """The rows of ``daftar.csv`` of one period: every pegawai, then every rater with a sheet."""
    daftar = pd.DataFrame(
        {
            "nip": peg["nip"].astype(str),
            "nama": peg["nama"].astype(str),
            "unit": peg["unit_kerja"].astype(str),
            "jenis": "pegawai",
        }
    )
    penilai = daftar.loc[daftar["nip"].isin(p.penilai.keys())].assign(jenis="penilai")
    daftar = pd.concat([daftar, penilai], ignore_index=True)
    daftar["periode"] = p.periode
    daftar["file"] = awalan + daftar["jenis"] + "/" + daftar["nip"] + ".html"
    return daftar


def write_instansi(
    wb,
    kode: str,
    keluaran: str | os.PathLike,
    periode: str | None = None,
    rules: Any = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
    minimal_dinilai: int | None = None,
    lanjut: bool = False,
    pencetak=None,
    progress=None,
    sub=None,
) -> dict[str, Any]:
    """Write every sheet of one instansi; return the counts written and skipped.

    ``periode`` is one period (default the latest: ``<kode>/pegawai/<nip>.html``) or
    :data:`SEMUA_PERIODE`: every period of the instansi's data, each in its own folder
    ``<kode>/<periode>/pegawai/<nip>.html`` when there are several (one period keeps the flat
    layout), and ``daftar.csv`` gains a ``periode`` column. ``sub``, when given, is
    ``wb.untuk_instansi(kode)`` already split (default: taken by position, :func:`_sub`).
    """
    from ._prepare import prepare
    from ._render import render_pegawai, render_penilai

    if sub is None:
        sub = _sub(wb, kode)
    folder = Path(keluaran) / kode
    hasil = {"kode_instansi": kode, "pegawai": 0, "penilai": 0, "dilewati": 0, "pdf": 0}
    hasil["periode"] = ""
    if not len(sub.pegawai):
        return hasil
    opsi = {"rules": rules, "ambang_anonimitas": ambang_anonimitas}
    opsi["minimal_dinilai"] = minimal_dinilai
    semua = periode == SEMUA_PERIODE
    p = prepare(sub, periode=None if semua else periode, **opsi)
    siap = [p]
    if semua and len(p.periode_semua) > 1:  # p is the latest; the earlier ones in order
        siap = [prepare(sub, periode=per, **opsi) for per in p.periode_semua[:-1]] + [p]
    per_folder = len(siap) > 1
    render = {"pegawai": render_pegawai, "penilai": render_penilai}
    daftar_semua = []
    for p in siap:
        daftar = _daftar(sub.pegawai, p, f"{p.periode}/" if per_folder else "")
        daftar_semua.append(daftar)
        for nip, jenis, file in zip(daftar["nip"], daftar["jenis"], daftar["file"], strict=True):
            path = folder / file
            penanda = f"{jenis}|{nip}|{p.periode}"
            if lanjut and sheet_complete(path, penanda):
                hasil["dilewati"] += 1
            else:
                write_atomic(path, render[jenis](p, nip))
                hasil[jenis] += 1
            if pencetak is not None:
                pdf = path.with_suffix(".pdf")
                if not (lanjut and pdf.is_file() and pdf.stat().st_mtime >= path.stat().st_mtime):
                    write_atomic(pdf, pencetak.cetak(path))
                    hasil["pdf"] += 1
            if progress is not None and jenis == "pegawai":
                progress.update(1)
    kolom = _KOLOM_DAFTAR_PERIODE if per_folder else _KOLOM_DAFTAR
    daftar = pd.concat(daftar_semua, ignore_index=True)[kolom]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(kolom)
    w.writerows([[_sel_csv(v) for v in row] for row in daftar.to_numpy()])
    write_atomic(folder / "daftar.csv", buf.getvalue())
    hasil["periode"] = ",".join(p.periode for p in siap)
    return hasil


@lru_cache(maxsize=1)
def _workbook_cached(path: str, signature: tuple):
    from ..data import load_workbook

    return load_workbook(path)


def _workbook_on_worker(path: str):
    """The data, read once per worker process while its files are unchanged (size, mtime)."""
    p = Path(path)
    files = sorted(p.glob("*")) if p.is_dir() else [p]
    signature = tuple(
        (f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.is_file()
    )
    return _workbook_cached(path, signature)


def _tugas_dask(sumber, kode: str, keluaran: str, opsi: dict[str, Any]) -> dict[str, Any]:
    """One Dask task: one instansi (``sumber`` is a data path or a scattered workbook)."""
    if isinstance(sumber, str | os.PathLike):
        sumber = _workbook_on_worker(str(sumber))
    return write_instansi(sumber, kode, keluaran, **opsi)


def _dask(wb, kode: list[str], keluaran: Path, opsi: dict, scheduler, tampilkan: bool):
    from distributed import Client, as_completed
    from tqdm.auto import tqdm

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        path = getattr(wb, "path", None)
        sumber = str(path) if path and Path(path).exists() else client.scatter(wb, broadcast=True)
        # a fresh key per call: with a fixed key a second call (e.g. ``lanjut`` after a lost
        # sheet) on the same cluster got the first call's cached result while its futures
        # were still being released, and wrote nothing
        run = uuid.uuid4().hex[:12]
        futures = [
            client.submit(_tugas_dask, sumber, k, str(keluaran), opsi, key=f"umpan-balik-{k}-{run}")
            for k in kode
        ]
        out = []
        with tqdm(
            total=len(futures), desc="Instansi", unit="instansi", disable=not tampilkan
        ) as bar:
            for fut in as_completed(futures):
                out.append(fut.result())
                bar.update(1)
        return out
    finally:
        if client is not scheduler:
            client.close()


def tulis_semua(
    workbook,
    keluaran: str | os.PathLike,
    periode: str | None = None,
    rules: Any = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
    minimal_dinilai: int | None = None,
    instansi: list[str] | None = None,
    lanjut: bool = False,
    pdf: bool = False,
    dask_scheduler=None,
    tampilkan: bool = True,
) -> pd.DataFrame:
    """Write the feedback sheets of every pegawai and rater, one folder per instansi.

    Parameters
    ----------
    workbook : Workbook
    keluaran : path
        The output folder ``DIR``.
    periode : str, optional
        The period of the sheets (default: the latest), or ``"semua"``: one sheet per
        pegawai per period, ``DIR/<kode>/<periode>/pegawai/<nip>.html`` (the flat layout
        stays when the instansi's data hold one period only).
    instansi : list of str, optional
        Only these ``kode_instansi``.
    lanjut : bool
        Skip sheets already written and complete.
    pdf : bool
        Also print each sheet to PDF with **one** headless Chromium for the whole batch.
    dask_scheduler : str or distributed.Client, optional
        Run one task per instansi on this Dask cluster (``pdf`` is not available there).
    tampilkan : bool
        tqdm progress bar.

    Returns
    -------
    DataFrame
        One row per instansi: ``kode_instansi, pegawai, penilai, dilewati, pdf`` (counts)
        and ``periode`` (the periods written, comma-separated).
    """
    keluaran = Path(keluaran)
    kode = list(instansi) if instansi else sorted(workbook.instansi["kode_instansi"].astype(str))
    opsi = {
        "periode": periode,
        "rules": rules,
        "ambang_anonimitas": ambang_anonimitas,
        "minimal_dinilai": minimal_dinilai,
        "lanjut": lanjut,
    }
    if dask_scheduler is not None:
        if pdf:
            from ..errors import ParameterError

            raise ParameterError(
                "--pdf belum tersedia bersama --dask-scheduler; jalankan tanpa salah satunya."
            )
        hasil = _dask(workbook, kode, keluaran, opsi, dask_scheduler, tampilkan)
        return pd.DataFrame(hasil).sort_values("kode_instansi", ignore_index=True)
    from contextlib import nullcontext

    from tqdm.auto import tqdm

    cetak = nullcontext(None)
    if pdf:
        from .._pdf import Pencetak, validate_pdf

        cetak = Pencetak(validate_pdf())
    total = int(workbook.pegawai["kode_instansi"].astype(str).isin(kode).sum())
    if periode == SEMUA_PERIODE:
        total *= max(1, len(workbook.periode))
    hasil = []
    with (
        cetak as pencetak,
        tqdm(total=total, desc="Lembar pegawai", unit="lembar", disable=not tampilkan) as bar,
    ):
        for k, sub in split_instansi(workbook, kode):
            hasil.append(
                write_instansi(
                    workbook, k, keluaran, pencetak=pencetak, progress=bar, sub=sub, **opsi
                )
            )
    return pd.DataFrame(hasil)
