"""The workbook data model: loading, validation and the :class:`Workbook` container.

A workbook is a folder of CSV files (``instansi.csv``, ``pegawai.csv``, ...) or one
``.xlsx`` file with one sheet per table (docs/skema-data.md). :func:`load_workbook` reads every
cell as text, converts it explicitly and collects *every* problem of *every* table in one
pass; when anything is wrong it raises :class:`~kinerja_calib.errors.DataError` whose
``problems`` name the file, the spreadsheet row (header = row 1), the column and what to
fix, in Bahasa Indonesia. Nothing is dropped or coerced silently: every row read comes
out converted, or it produces a problem.

Decisions worth knowing
-----------------------
* **Encodings.** A CSV is read as UTF-8 (with or without BOM) when every byte sequence in
  it is valid UTF-8. A file with bytes that are not UTF-8 and *no* valid multi-byte UTF-8
  sequence is a whole Windows-1252 file (Excel's "CSV (Comma delimited)"): it is read as
  cp1252 and a warning says so. A file with both (UTF-8 text plus a few foreign bytes, e.g.
  one row pasted from another file) is read as UTF-8 and every cell holding a foreign byte
  is reported with its row and column — valid UTF-8 is never re-decoded into mojibake
  (``André`` never becomes ``AndrÃ©``). NUL bytes (UTF-16) or bytes cp1252 does not define
  make the whole file one "pengodean tidak dikenali" problem.
* **Reading.** The delimiter (``,``, ``;`` or tab) is sniffed from the header line. A CSV
  is parsed in chunks of ``_CHUNK_ROWS`` rows and each column kept as a categorical (int32
  codes + its distinct values), so memory follows the number of *distinct* values, not of
  cells: validating a 2 M-row, 126 MiB ``penilaian_360.csv`` peaks at ~3× the file size
  (``benchmarks/bench_validasi.py``). Running out of memory anyway is one Indonesian
  problem, never a raw ``MemoryError``. Headers are
  normalised (trimmed, lower case, spaces → ``_``); cells are trimmed. Completely empty
  lines (e.g. ``;;;;`` left by Excel) carry no data and are skipped, but row numbers still
  count them so they match what a spreadsheet shows. A row with fewer cells than the header
  is read with the missing trailing cells empty (as spreadsheet programs open it); a row
  with more non-empty cells than the header is reported.
* **Numbers.** ``85``, ``85.5``, ``85,5`` (decimal comma), ``1.234,5`` / ``1,234.5``
  (thousands separator together with a decimal separator, or several thousands groups
  such as ``1.234.567``) and scientific notation are recognised. A value with a single
  separator followed by exactly three digits (``3.903``, ``2,750``) is ambiguous. It is
  read only when the column's own convention is the Indonesian one — another value of the
  column writes a decimal comma (``85,5``) and none a decimal point — so ``3.903`` is 3903
  and ``2,750`` is 2.75. Otherwise (no evidence, a decimal point such as ``12.5`` elsewhere,
  or both) it is reported with the two readings and the fix, never guessed: a clerk types
  ``3.903`` for three thousand, an English export writes it for three point nine. Typed
  numbers (an .xlsx number cell, a float in a frame) are never ambiguous. Excel error
  values (``#N/A``, ``#DIV/0!``) are reported as such.
* **NIP** (``nip``, ``nip_atasan``, internal ``nip_penilai``) must be text of exactly 18
  ASCII digits: birth date ``yyyymmdd`` (a real date), TMT CPNS ``yyyymm`` (month 01–12,
  year at least 15 years after the birth year), sex digit 1/2, 3-digit serial. Forms
  produced by Excel (``1.98703E+17``, ``198703152010011001.0``) are reported as damaged,
  never repaired.
* **Raters.** ``nip_penilai`` must be a pegawai NIP for internal roles; for
  ``pengguna_layanan`` (service users, usually outside the organisation) any non-empty
  identifier is accepted.
* **Targets.** Each indicator has either ``target`` (> 0) or a range ``target_min`` (≥ 0)
  + ``target_max`` (> 0, ≥ ``target_min``), not both.
* **Duplicates** are reported on the later row, naming the first one; ``Problem.column``
  is then the key columns joined by ``", "`` (e.g. ``"periode, nip, kode_indikator"``).
* **One cause, one problem.** A wrong value repeated in many rows (a category, a period,
  a number, a NIP, a missing reference) is one problem at its first row, saying how many
  rows it affects (``Problem.jumlah``) and listing the first. NIPs damaged by Excel are one
  problem per column. A wrong ``pegawai.nip`` is the cause of its knock-on effects: the
  same value in other columns, and references to a missing NIP that it most likely was
  meant to be (Excel's remaining digits, or one or two characters apart), are counted
  under it ("mempengaruhi N baris") instead of being reported again. Keys holding a value
  already reported are not checked for duplicates.
* **Warnings** (``Problem.tingkat == "peringatan"``, ``Workbook.peringatan``) do not stop
  loading: an empty optional table (skipped), a whole cp1252 file, a misnamed optional
  column. A column hint names the column in the file and the expected name ("kolom
  'atasan' tidak dikenal; mungkin maksud Anda 'nip_atasan'?"). A folder holding no table
  CSV but an .xlsx is pointed at that file.
* **Limits.** Each rule reports at most 1,000 rows (or values) per column, then one
  summary problem.
* **Hierarchy.** ``nip_atasan`` must point at a pegawai of the same instansi; chains must
  end at a head (empty ``nip_atasan``) — cycles are reported with the NIPs in them.

Output dtypes: text and NIP columns use the pandas string dtype (``"str"``; missing =
NA), numbers are float64, SKM answers and competency levels int64. Optional columns
(``potensi``, ``target``, ``target_min``, ``target_max``) are always present in the
output (all NA when absent from the input); ``indikator.jenis`` (``utama``/``tambahan``,
empty = ``utama``) is validated when present and left out when absent. Extra columns are
kept as text.

Modules
-------
This facade holds the front door (:func:`load_workbook`, :func:`validate_tables`) and
re-exports the public names; each job has its own module, lower ones never importing
higher ones (nor this facade):

* ``_schema`` — tables, columns and their kinds, keys (:data:`KOLOM`, :data:`TABLES`);
* ``_table`` — a table as read (categorical cell texts + row numbers);
* ``_problems`` — collecting problems: grouping by value and cause, caps, message helpers;
* ``_builder`` — cell texts to a table (chunks, row widths, empty and missing tables);
* ``_csv``, ``_xlsx`` — reading a CSV folder or an .xlsx workbook;
* ``_numbers``, ``_nip`` — parsing number and NIP cells;
* ``_checks`` — checks within one table's cells (columns, kinds, scales, targets);
* ``_relations`` — checks across rows and tables (duplicates, references, hierarchy);
* ``_validate`` — one validation pass and the output frames;
* ``_workbook`` — the :class:`Workbook` container;
* ``_cache`` — the signed cache of validated workbooks for batch runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, ParameterError, Problem
from ._builder import Builder, as_text, empty_table, missing_table
from ._builder import cell_text as _cell_text  # noqa: F401
from ._cache import ENV_CACHE, ENV_KUNCI, load_cached_workbook, sidik_data, write_cache
from ._csv import CHUNK_ROWS as _CHUNK_ROWS
from ._csv import read_csv as _read_csv
from ._problems import Problems, fmt_int
from ._problems import Problems as _Problems  # noqa: F401
from ._schema import KOLOM, KOLOM_OPSIONAL, OPTIONAL_TABLES, TABLES
from ._table import Table
from ._validate import validate
from ._workbook import Workbook
from ._xlsx import read_xlsx as _read_xlsx
from ._xlsx import xlsx_cell_text as _xlsx_cell_text  # noqa: F401

# The underscored names above are data.py's former private names, which tests use. The
# front door below looks ``_read_csv``, ``_read_xlsx``, ``_CHUNK_ROWS`` and ``_load`` up in
# this module, so patching them here still changes what load_workbook does. Modules of
# this package never import this facade.

# aliases kept for one release (issue 14)
tulis_cache = write_cache
workbook_dari_cache = load_cached_workbook

__all__ = [
    "ENV_CACHE",
    "ENV_KUNCI",
    "KOLOM",
    "KOLOM_OPSIONAL",
    "OPTIONAL_TABLES",
    "TABLES",
    "Workbook",
    "load_workbook",
    "sidik_data",
    "tulis_cache",
    "write_cache",
    "validate_tables",
    "load_cached_workbook",
    "workbook_dari_cache",
]


def load_workbook(path, skala: tuple[float, float] = (1, 5)) -> Workbook:
    """Read and validate a workbook: a folder of CSV files or one ``.xlsx`` file.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder holding ``instansi.csv``, ``pegawai.csv``, ``indikator.csv``,
        ``penilaian_360.csv`` and optionally ``realisasi.csv``, ``survei_skm.csv``,
        ``kompetensi.csv``; or an ``.xlsx`` file with sheets of the same names.
    skala : tuple of float, default (1, 5)
        Inclusive range of ``penilaian_360.nilai`` (the rules' rating scale).

    Returns
    -------
    Workbook
        Validated tables with converted dtypes (see the module notes).

    Raises
    ------
    DataError
        Listing every problem of every table (file, row, column, message in Indonesian).

    Examples
    --------
    >>> import kinerja_calib as kc
    >>> wb = kc.load_workbook("data/samples")  # doctest: +SKIP
    >>> wb.pegawai.dtypes["nip"]  # doctest: +SKIP
    <StringDtype(storage='python', na_value=nan)>
    """
    path = Path(path)
    cached = load_cached_workbook(path, skala=skala)
    if cached is not None:
        return cached
    try:
        return _load(path, skala)
    except MemoryError:
        size = _size_mb(path)
        msg = (
            f"Memori tidak cukup untuk memeriksa '{path}' ({fmt_int(size)} MB). Tutup program "
            "lain lalu coba lagi, jalankan di komputer dengan memori lebih besar, atau pecah "
            "berkas besar (mis. penilaian_360.csv) per periode atau per instansi."
        )
    raise DataError([Problem(str(path), None, None, msg)])


def _size_mb(path: Path) -> int:
    try:
        files = [p for p in path.iterdir() if p.is_file()] if path.is_dir() else [path]
        return round(sum(p.stat().st_size for p in files) / 1e6)
    except OSError:
        return 0


def _load(path: Path, skala) -> Workbook:
    probs = Problems()
    tables: dict[str, Table | None] = {}
    if path.is_dir():
        files = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        if not any(f"{name}.csv" in files for name in TABLES):
            raise DataError([_no_tables(path, files)])
        for name in TABLES:
            p = files.get(f"{name}.csv")
            if p is None:
                tables[name] = None
                missing_table(name, f"{name}.csv", f"berkas '{name}.csv' di {path}", probs)
            else:
                tables[name] = _read_csv(name, p, probs, _CHUNK_ROWS)
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        read = _read_xlsx(path, probs)
        if read is None:
            raise probs.error()
        tables = read
    else:
        what = "tidak ditemukan" if not path.exists() else "bukan folder CSV atau berkas .xlsx"
        raise DataError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"'{path}' {what}. Berikan folder berisi berkas CSV (instansi.csv, "
                    "pegawai.csv, …) atau satu berkas .xlsx dengan satu sheet per tabel.",
                )
            ]
        )
    wb = validate(tables, skala, probs, str(path))
    if wb is None:
        raise probs.error()
    return wb


def _no_tables(path: Path, files: dict[str, Path]) -> Problem:
    """The one problem of a folder holding none of the table CSVs."""
    excel = sorted(
        p.name
        for n, p in files.items()
        if n.endswith((".xlsx", ".xlsm")) and not n.startswith("~$")  # ~$x.xlsx: Excel's lock
    )
    if len(excel) == 1:
        msg = (
            f"Folder ini hanya berisi {excel[0]}, tanpa berkas CSV tabel. Jalankan dengan "
            f"DATA={path / excel[0]} (berkas .xlsx dibaca langsung, satu sheet per tabel), "
            f"mis. kinerja-calib validasi {path / excel[0]}"
        )
    elif excel:
        msg = (
            f"Folder ini tidak berisi berkas CSV tabel, tetapi berisi {len(excel)} berkas Excel "
            f"({', '.join(excel)}). Jalankan dengan DATA=<berkas .xlsx yang dimaksud>, mis. "
            f"DATA={path / excel[0]}"
        )
    else:
        wajib = ", ".join(f"{n}.csv" for n in TABLES if n not in OPTIONAL_TABLES)
        msg = (
            f"Folder ini tidak berisi satu pun berkas tabel. Tambahkan berkas CSV ({wajib} "
            "wajib) atau berikan satu berkas .xlsx dengan satu sheet per tabel."
        )
    return Problem(str(path), None, None, msg)


def validate_tables(
    tables: dict[str, pd.DataFrame], source: str = "<memori>", skala=(1, 5)
) -> Workbook:
    """Validate in-memory tables exactly like :func:`load_workbook` validates files.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Table name → frame (any dtypes; values are checked as if read from a sheet). Rows
        are numbered as in a sheet written from the frame (first row = 2).
    source : str
        Name used in ``Problem.file`` (as ``"<source>:<table>"``) and ``Workbook.path``.
    skala : tuple of float, default (1, 5)
        Inclusive range of ``penilaian_360.nilai``.

    Returns
    -------
    Workbook

    Raises
    ------
    DataError
        Listing every problem found.
    """
    probs = Problems()
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ParameterError(
            f"Tabel tidak dikenal: {', '.join(sorted(unknown))}. Nama tabel yang sah: "
            f"{', '.join(TABLES)}."
        )
    read: dict[str, Table | None] = {}
    for name in TABLES:
        file = f"{source}:{name}"
        frame = tables.get(name)
        if frame is None:
            read[name] = None
            missing_table(name, file, f"tabel '{name}' di {source}", probs)
            continue
        if len(frame) == 0:
            read[name] = None
            empty_table(name, file, "Tabel kosong (tanpa baris data). Isi datanya.", probs)
            continue
        cols = [as_text(frame.iloc[:, i]) for i in range(frame.shape[1])]
        b = Builder(frame.shape[1])
        b.add([c for c, _ in cols], np.arange(2, len(frame) + 2), [ty for _, ty in cols])
        read[name] = b.finish(name, file, [str(c) for c in frame.columns], probs)
    wb = validate(read, skala, probs, source)
    if wb is None:
        raise probs.error()
    return wb
