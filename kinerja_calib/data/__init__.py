"""The workbook data model: loading, validation and the :class:`Workbook` container.

A workbook is a folder of CSV files (``instansi.csv``, ``pegawai.csv``, ...) or one
``.xlsx`` file with one sheet per table (DESIGN §3). :func:`load_workbook` reads every
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
"""

from __future__ import annotations

import csv
import datetime
import difflib
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import labels
from ..errors import DataError, ParameterError, Problem

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
    "validate_tables",
    "workbook_dari_cache",
]

#: Tables of a workbook in reading order (DESIGN §3).
TABLES = (
    "instansi",
    "pegawai",
    "indikator",
    "realisasi",
    "penilaian_360",
    "survei_skm",
    "kompetensi",
)
#: Tables that may be absent (their attribute is then ``None``).
OPTIONAL_TABLES = ("realisasi", "survei_skm", "kompetensi")

_MAX_PER_RULE = 1000  # problems per (file, column, rule) before a summary problem
_MIN_AGE_AT_TMT = 15  # TMT CPNS year must be at least birth year + this
_SKM_ITEMS = tuple(f"u{i}" for i in range(1, 10))
_PERIODE_RE = r"[0-9]{4}(?:-(?:S[12]|TW[1-4]|B(?:0[1-9]|1[0-2])))?"
_PERIODE_FORMS = (
    "YYYY (tahunan), YYYY-S1/S2 (semester), YYYY-TW1…TW4 (triwulan) atau "
    "YYYY-B01…B12 (bulanan), mis. 2026-S1"
)


@dataclass(frozen=True)
class _Col:
    name: str
    kind: str  # text | nip | rater | num | int | cat | periode
    present: bool = True  # column must exist
    filled: bool = True  # cells must be non-empty
    choices: tuple[str, ...] = ()
    always: bool = True  # in the output even when absent from the input (then all NA)


def _c(name, kind="text", present=True, filled=True, choices=(), always=True):
    return _Col(name, kind, present, filled, tuple(choices), always)


_SCHEMA: dict[str, tuple[_Col, ...]] = {
    "instansi": (
        _c("kode_instansi"),
        _c("nama_instansi"),
        _c("jenis", "cat", choices=labels.JENIS_INSTANSI),
        _c("wilayah"),
        _c("predikat_organisasi", "cat", choices=labels.PREDIKAT_ORGANISASI),
    ),
    "pegawai": (
        _c("nip", "nip"),
        _c("nama"),
        _c("kode_instansi"),
        _c("unit_kerja"),
        _c("jabatan"),
        _c("jenis_jabatan", "cat", choices=labels.JENIS_JABATAN),
        _c("nip_atasan", "nip", filled=False),
        _c("potensi", "cat", present=False, filled=False, choices=labels.POTENSI),
    ),
    "indikator": (
        _c("kode_indikator"),
        _c("kode_instansi"),
        _c("jabatan"),
        _c("nama_indikator"),
        _c("satuan"),
        _c("target", "num", present=False, filled=False),
        _c("target_min", "num", present=False, filled=False),
        _c("target_max", "num", present=False, filled=False),
        _c("arah", "cat", choices=labels.ARAH),
        _c("bobot", "num"),
        _c("aspek", "cat", choices=labels.ASPEK_INDIKATOR),
        _c("sumber_data", "cat", choices=labels.SUMBER_DATA),
        # hasil kerja utama / tambahan (issue 19); absent → not in the output, empty = utama
        _c(
            "jenis",
            "cat",
            present=False,
            filled=False,
            choices=labels.JENIS_INDIKATOR,
            always=False,
        ),
    ),
    "realisasi": (
        _c("periode", "periode"),
        _c("nip", "nip"),
        _c("kode_indikator"),
        _c("realisasi", "num"),
    ),
    "penilaian_360": (
        _c("periode", "periode"),
        _c("nip", "nip"),
        _c("nip_penilai", "rater"),
        _c("peran_penilai", "cat", choices=labels.PERAN_PENILAI),
        _c("aspek", "cat", choices=tuple(labels.ASPEK_BERAKHLAK)),
        _c("nilai", "num"),
    ),
    "survei_skm": (
        _c("periode", "periode"),
        _c("kode_instansi"),
        _c("unit_layanan"),
        _c("id_responden"),
        *(_c(u, "int") for u in _SKM_ITEMS),
    ),
    "kompetensi": (
        _c("nip", "nip"),
        _c("kompetensi"),
        _c("level_standar", "int"),
        _c("level_aktual", "int"),
    ),
}

#: Column order of every table (DESIGN §3), for code that builds tables to validate: the
#: columns every loaded table has (optional columns that stay absent when the input lacks
#: them, such as ``indikator.jenis``, are in :data:`KOLOM_OPSIONAL` instead).
KOLOM: dict[str, tuple[str, ...]] = {
    table: tuple(col.name for col in cols if col.always) for table, cols in _SCHEMA.items()
}
#: Optional columns kept only when the input has them (validated like the others).
KOLOM_OPSIONAL: dict[str, tuple[str, ...]] = {
    table: tuple(col.name for col in cols if not col.always) for table, cols in _SCHEMA.items()
}

_KEYS = {
    "instansi": ("kode_instansi",),
    "pegawai": ("nip",),
    "indikator": ("kode_indikator",),
    "realisasi": ("periode", "nip", "kode_indikator"),
    "penilaian_360": ("periode", "nip", "nip_penilai", "aspek"),
    "survei_skm": ("periode", "kode_instansi", "unit_layanan", "id_responden"),
    "kompetensi": ("nip", "kompetensi"),
}


# --------------------------------------------------------------------------- problems
_SHOW_ROWS = 8  # rows listed in the message of a grouped problem


@dataclass
class _Item:
    """A problem being collected (a :class:`Problem` once :meth:`_Problems.sorted` runs)."""

    order: int
    file: str
    row: int | None
    column: str | None
    message: str
    count: int = 1
    level: str = "galat"
    value: str | None = None
    knock: list = field(default_factory=list)  # (file, column, value, rows, n, same)


class _Problems:
    """Collects problems, capping each (file, column, rule) at ``_MAX_PER_RULE``.

    ``causes`` maps each malformed ``pegawai.nip`` value to its problem: rows of other tables
    that carry the same value, or refer to a NIP that is missing from ``pegawai`` and close
    to it, are knock-on effects counted under that one problem instead of repeated.
    """

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self._order = {t: i for i, t in enumerate(TABLES)}
        self.causes: dict[str, int] = {}

    def one(self, table: str, file: str, row, column, message: str, count=1, value=None) -> int:
        row = None if row is None else int(row)
        order = self._order.get(table, 99)
        self.items.append(_Item(order, file, row, column, message, int(count), value=value))
        return len(self.items) - 1

    def warn(self, table: str, file: str, row, column, message: str) -> None:
        self.one(table, file, row, column, message)
        self.items[-1].level = "peringatan"

    @property
    def errors(self) -> bool:
        return any(it.level == "galat" for it in self.items)

    def rows(self, t: _Table, mask, column, message, values=None) -> None:
        """Add one problem per True position of ``mask``; ``message`` may be callable."""
        pos = np.flatnonzero(np.asarray(mask, dtype=bool))
        if pos.size == 0:
            return
        shown = pos[:_MAX_PER_RULE]
        vals = None if values is None else _pick(values, shown)
        for k, p in enumerate(shown):
            msg = message(vals[k]) if callable(message) else message
            self.one(t.name, t.file, t.rows[p], column, msg)
        if pos.size > _MAX_PER_RULE:
            self._tail(t, column, pos.size - _MAX_PER_RULE)

    def _tail(self, t: _Table, column, rest: int) -> None:
        self.one(
            t.name,
            t.file,
            None,
            column,
            f"... dan {_fmt_int(rest)} baris lain dengan masalah yang sama di kolom "
            f"'{column}'. Perbaiki semuanya dengan cara yang sama.",
        )

    def by_value(self, t: _Table, mask, column: str, message) -> dict[str, int]:
        """One problem per distinct value of ``column`` among the True rows of ``mask``.

        The problem sits at the value's first row; when the value fills several rows the
        message says how many ("Mempengaruhi N baris") and lists the first. Returns
        value → index of its problem.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return {}
        codes, u = t.uniq(column)
        out: dict[str, int] = {}
        groups = _groups(codes, mask)
        for k, (code, rows) in enumerate(groups):
            if k == _MAX_PER_RULE:
                self._tail(t, column, int(sum(len(r) for _, r in groups[k:])))
                break
            v = str(u.iloc[code])
            msg = message(v) if callable(message) else message
            out[v] = self.grouped(t, column, msg, rows, value=v)
        return out

    def grouped(self, t: _Table, column, message: str, pos: np.ndarray, value=None) -> int:
        """One problem for the rows at positions ``pos`` of ``t`` (sorted)."""
        rows = t.rows[pos]
        if len(rows) > 1:
            message += f" Mempengaruhi {_fmt_int(len(rows))} baris ({_rows_text(rows)})."
        return self.one(t.name, t.file, rows[0], column, message, len(rows), value)

    def knock(self, cause: int, t: _Table, column, value: str, pos, same: bool) -> None:
        """Count the rows ``pos`` of ``t`` as knock-on effects of problem ``cause``.

        ``same``: the rows hold the cause's own wrong value (else a value it probably meant).
        """
        rows = t.rows[pos]
        item = (t.file, column, value, rows[:_SHOW_ROWS], len(rows), same)
        self.items[cause].knock.append(item)
        self.items[cause].count += len(rows)

    def _final(self, it: _Item) -> Problem:
        msg = it.message
        if it.knock:
            total = sum(k[4] for k in it.knock)
            same = [k for k in it.knock if k[5]]
            other = [k for k in it.knock if not k[5]]
            if same:
                n = sum(k[4] for k in same)
                msg += (
                    f" NIP yang sama dipakai di {_fmt_int(n)} baris lain: "
                    f"{_where(same)}; perbaiki juga di sana."
                )
            values = list(dict.fromkeys(k[2] for k in other))
            if len(values) == 1:
                n = sum(k[4] for k in other)
                msg += (
                    f" Kemungkinan NIP yang dimaksud adalah '{values[0]}': {_fmt_int(n)} baris "
                    f"merujuk NIP itu tetapi tidak menemukannya di pegawai ({_where(other)}). "
                    "Baris-baris itu beres setelah NIP di baris ini diperbaiki."
                )
            elif values:
                n = sum(k[4] for k in other)
                shown = ", ".join(f"'{v}'" for v in values[:3]) + (", …" if len(values) > 3 else "")
                msg += (
                    f" {_fmt_int(n)} baris lain merujuk {len(values)} NIP ({shown}) yang tidak "
                    f"ada di pegawai, kemungkinan besar NIP yang rusak ini ({_where(other)}). "
                    "Baris-baris itu beres setelah NIP di sini diperbaiki."
                )
            if same and other:
                msg += f" Total: mempengaruhi {_fmt_int(total)} baris lain."
        return Problem(it.file, it.row, it.column, msg, it.count, it.level)

    def sorted(self, level: str = "galat") -> list[Problem]:
        def key(it):
            tail = it.row is None and it.message.startswith("...")
            return (it.order, it.file, math.inf if tail else (it.row or 0))

        chosen = [it for it in self.items if it.level == level]
        return [self._final(it) for it in sorted(chosen, key=key)]

    def error(self) -> DataError:
        return DataError(self.sorted(), self.sorted("peringatan"))


def _pick(values, pos: np.ndarray) -> np.ndarray:
    """``values[pos]`` as objects, without materialising a whole categorical column."""
    if isinstance(values, pd.Series):
        return values.iloc[pos].to_numpy(dtype=object)
    if isinstance(values, np.ndarray):
        return values[pos]
    return np.asarray(values, dtype=object)[pos]


def _groups(codes: np.ndarray, mask: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """Positions of the True rows of ``mask`` grouped by code, groups in first-row order."""
    pos = np.flatnonzero(mask)
    if pos.size == 0:
        return []
    c = codes[pos]
    order = np.argsort(c, kind="stable")
    c, pos = c[order], pos[order]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    parts = np.split(pos, starts[1:])
    out = [(int(c[s]), p) for s, p in zip(starts, parts, strict=True)]
    out.sort(key=lambda g: g[1][0])
    return out


def _rows_text(rows: np.ndarray, n: int | None = None) -> str:
    n = len(rows) if n is None else n
    shown = ", ".join(str(int(r)) for r in rows[:_SHOW_ROWS])
    return f"baris {shown}" + (f", … dan {_fmt_int(n - _SHOW_ROWS)} lagi" if n > _SHOW_ROWS else "")


def _where(knocks) -> str:
    """Knock-on rows merged per file and column: "f kolom 'c' baris 2, 5, … dan N lagi"."""
    merged: dict[tuple, tuple[np.ndarray, int]] = {}
    for f, c, _, rows, n, _ in knocks:
        r0, n0 = merged.get((f, c), (np.zeros(0, dtype=np.int64), 0))
        merged[(f, c)] = (np.sort(np.r_[r0, rows])[:_SHOW_ROWS], n0 + n)
    return "; ".join(f"{f} kolom '{c}' {_rows_text(r, n)}" for (f, c), (r, n) in merged.items())


def _fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _fmt_num(x: float) -> str:
    return f"{x:.6g}".replace(".", ",")


def _suggest(value: str, choices) -> str:
    lower = {str(c).lower(): str(c) for c in choices}
    hit = difflib.get_close_matches(str(value).lower(), list(lower), n=1, cutoff=0.6)
    return f" Mungkin maksud Anda '{lower[hit[0]]}'?" if hit else ""


def _objects(items) -> np.ndarray:
    """1-D object array of arbitrary items (tuples stay tuples)."""
    items = list(items)
    return np.fromiter(items, dtype=object, count=len(items))


def _show(v, n: int = 40) -> str:
    v = str(v)
    return v if len(v) <= n else v[: n - 1] + "…"


def _q(v) -> str:
    """A value quoted for a message; an empty value reads 'kosong' (never '', None or nan)."""
    v = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    return f"'{_show(v)}'" if v.strip() else "kosong"


# --------------------------------------------------------------------------- reading
@dataclass
class _Table:
    """One table as read: every column categorical (stripped strings), plus sheet row numbers.

    ``typed`` marks, per column, the cells that held a typed number (an .xlsx number cell, a
    float in an in-memory frame): their text is Python's, never a thousands separator.
    """

    name: str
    file: str
    frame: pd.DataFrame
    rows: np.ndarray
    typed: dict = field(default_factory=dict, repr=False)
    _uniq: dict = field(default_factory=dict, repr=False)

    def uniq(self, col: str) -> tuple[np.ndarray, pd.Series]:
        """``(codes, uniques)`` of a column: checks run once per distinct value."""
        if col not in self._uniq:
            cat = self.frame[col].array
            self._uniq[col] = (cat.codes, pd.Series(cat.categories, dtype="str"))
        return self._uniq[col]

    def umap(self, col: str, values) -> np.ndarray:
        """Expand a per-unique array to the rows."""
        return np.asarray(values)[self.uniq(col)[0]]

    def text(self, col: str) -> np.ndarray:
        """The column as an object array of strings (shared objects: cheap)."""
        return self.frame[col].to_numpy(dtype=object)


_EMPTY_MSG = (
    "Berkas kosong (tidak ada baris judul). Isi baris 1 dengan nama kolom, data mulai baris 2."
)
_HEADER_ONLY_MSG = "Berkas hanya berisi baris judul, tanpa data. Isi data mulai baris 2."
_CHUNK_ROWS = 100_000  # rows per chunk of a CSV read: bounds the memory of Python strings
_BAD_CHAR = "\ufffd"  # what an invalid UTF-8 byte is read as


def _trim_heap() -> None:
    """Give freed heap pages back to the OS (glibc ``malloc_trim``; elsewhere a no-op).

    Chunked reading frees many mid-sized temporaries between long-lived arrays; glibc keeps
    those pages mapped, which would make the resident size grow with the file.
    """
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        try:
            import ctypes

            _MALLOC_TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _MALLOC_TRIM = False
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM = None


def _norm_header(h) -> str:
    return re.sub(r"\s+", "_", str(h).strip().lower())


def _empty_table(name: str, file: str, message: str, probs: _Problems) -> None:
    """An empty table: an error for a required table, a warning (table skipped) otherwise."""
    if name in OPTIONAL_TABLES:
        probs.warn(
            name,
            file,
            None,
            None,
            message.split(". ")[0] + f". Tabel opsional '{name}' dilewati (dianggap tidak ada); "
            "isi datanya bila tabel ini dipakai.",
        )
    else:
        probs.one(name, file, None, None, message)


class _Builder:
    """Builds a :class:`_Table` chunk by chunk, each column encoded as a categorical.

    Only the distinct (stripped) values of a column are kept as Python strings; rows hold
    int32 codes. Completely blank rows are dropped, their row numbers still count.
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.cats = [pd.Index([], dtype=object) for _ in range(width)]
        self.codes: list[list[np.ndarray]] = [[] for _ in range(width)]
        self.typed: list[list[np.ndarray]] = [[] for _ in range(width)]
        self.rows: list[np.ndarray] = []
        self.any_typed = np.zeros(width, dtype=bool)

    def add(self, cols, rows: np.ndarray, typed=None) -> None:
        n = len(rows)
        blank = np.ones(n, dtype=bool)
        chunk = []
        for j in range(self.width):
            col = cols[j]
            if isinstance(col, pd.Categorical):  # C parser: only distinct values are objects
                codes, u = np.asarray(col.codes, dtype=np.int64), col.categories
            else:
                codes, u = pd.factorize(np.asarray(col, dtype=object))
            u = pd.Series(u, dtype="str").str.strip().to_numpy(dtype=object)
            if (codes < 0).any():  # a missing cell (short row) is empty
                u = np.append(u, "")
                codes = np.where(codes < 0, len(u) - 1, codes)
            g = self.cats[j].get_indexer(u)
            used = np.zeros(len(u), dtype=bool)
            used[codes] = True  # a chunk's categories may hold values of dropped rows
            miss = (g < 0) & used
            if miss.any():
                new = pd.unique(u[miss])
                self.cats[j] = self.cats[j].append(pd.Index(new, dtype=object))
                g[miss] = self.cats[j].get_indexer(u[miss])
            blank &= (u == "")[codes]
            chunk.append(g.astype(np.int32)[codes])
        keep = ~blank
        for j in range(self.width):
            self.codes[j].append(chunk[j][keep])
            if typed is not None and typed[j] is not None:
                t = np.asarray(typed[j], dtype=bool)[keep]
                self.typed[j].append(t)
                self.any_typed[j] |= bool(t.any())
            else:
                self.typed[j].append(np.zeros(int(keep.sum()), dtype=bool))
        self.rows.append(np.asarray(rows, dtype=np.int64)[keep])

    def finish(self, name: str, file: str, header, probs: _Problems) -> _Table | None:
        if not header or not any(str(h).strip() for h in header):
            _empty_table(name, file, _EMPTY_MSG, probs)
            return None
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)
        if rows.size == 0:
            _empty_table(name, file, _HEADER_ONLY_MSG, probs)
            return None
        cols = {}
        for j in range(self.width):
            codes = np.concatenate(self.codes[j])
            self.codes[j] = []
            cols[j] = pd.Categorical.from_codes(codes, categories=self.cats[j], validate=False)
        frame = pd.DataFrame(cols)
        names = [_norm_header(h) for h in header]
        frame.columns = names
        typed = {}
        for j in np.flatnonzero(self.any_typed):
            typed.setdefault(names[j], np.concatenate(self.typed[j]))
        return _Table(name, file, frame, rows, typed)


def _pesan_lebar(n: int, width: int) -> str:
    """The problem of a data row with ``n`` cells under a header of ``width`` columns."""
    return (
        f"Baris ini berisi {n} sel, padahal baris judul punya {width} kolom. "
        "Periksa pemisah (; atau ,) dan tanda kutip di baris ini."
    )


def _from_records(name, file, records, probs, pad=False, typed=None) -> _Table | None:
    """Build a _Table from header + data records (lists of strings), checking their width.

    ``typed`` (optional) holds, record by record, which cells were typed numbers.
    """
    if not records:
        _empty_table(name, file, _EMPTY_MSG, probs)
        return None
    width = len(records[0])
    good, rows, flags = [], [], []
    for i, rec in enumerate(records[1:]):
        ty = typed[i + 1] if typed is not None else None
        if pad and len(rec) < width:
            rec = list(rec) + [""] * (width - len(rec))  # trailing empty cells of a sheet
            ty = None if ty is None else list(ty) + [False] * (width - len(ty))
        if len(rec) != width:
            if not any(c.strip() for c in rec):
                continue  # blank line
            if len(rec) > width and not any(c.strip() for c in rec[width:]):
                rec = rec[:width]
                ty = None if ty is None else ty[:width]
            else:
                probs.one(name, file, i + 2, None, _pesan_lebar(len(rec), width))
                continue
        good.append(rec)
        rows.append(i + 2)
        if typed is not None:
            flags.append(ty)
    b = _Builder(width)
    if good:
        arr = np.empty((len(good), width), dtype=object)
        arr[:] = good
        ty_cols = None
        if typed is not None:
            tarr = np.asarray(flags, dtype=bool).reshape(len(good), width)
            ty_cols = list(tarr.T)
        b.add(list(arr.T), np.asarray(rows), ty_cols)
    return b.finish(name, file, records[0], probs)


def _encoding(path: Path) -> tuple[str | None, str]:
    """How to decode a CSV: ``(encoding, kind)``, streaming the bytes once.

    * every byte sequence valid UTF-8 → ``("utf-8-sig", "utf-8")``;
    * some invalid UTF-8 bytes and *no* valid multi-byte UTF-8 sequence → the whole file is
      Windows-1252 (Excel's "CSV (Comma delimited)"), ``("cp1252", "cp1252")`` — unless it
      holds a byte cp1252 does not define, then ``(None, "unknown")``;
    * invalid bytes *and* valid multi-byte sequences → a UTF-8 file with some foreign bytes:
      ``("utf-8-sig", "mixed")``; the file is read as UTF-8 and every cell holding an invalid
      byte is reported by row and column. Valid UTF-8 text is never re-decoded.
    * a NUL byte (UTF-16, a binary file) → ``(None, "unknown")``.
    """
    import codecs

    dec = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    invalid = valid_multi = False
    undefined = False
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            if b"\x00" in block:
                return None, "unknown"
            if block.isascii():
                continue
            text = dec.decode(block)
            if not invalid and re.search("[\udc80-\udcff]", text):
                invalid = True
            if not valid_multi and re.search("[^\x00-\x7f\udc80-\udcff]", text):
                valid_multi = True
            if re.search(rb"[\x81\x8d\x8f\x90\x9d]", block):
                undefined = True
    if re.search("[\udc80-\udcff]", dec.decode(b"", final=True)):  # cut-off sequence at the end
        invalid = True
    if not invalid:
        return "utf-8-sig", "utf-8"
    if valid_multi:
        return "utf-8-sig", "mixed"
    return (None, "unknown") if undefined else ("cp1252", "cp1252")


def _sniff(first: str) -> str:
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _read_csv(name: str, path: Path, probs: _Problems) -> _Table | None:
    file = path.name
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip() and path.stat().st_size <= len(head):
        msg = "Berkas kosong (0 bita). Isi baris 1 dengan nama kolom, data mulai baris 2."
        _empty_table(name, file, msg, probs)
        return None
    enc, kind = _encoding(path)
    if enc is None:
        msg = "Pengodean berkas tidak dikenali. Simpan ulang sebagai 'CSV UTF-8' dari Excel."
        probs.one(name, file, None, None, msg)
        return None
    with open(path, encoding=enc, errors="replace", newline="") as fh:
        sep = _sniff(fh.readline())
    try:
        t = _read_csv_c(name, path, sep, enc, probs)
    except (pd.errors.ParserError, ValueError, OverflowError):
        t = _read_csv_py(name, path, sep, enc, probs)
    _trim_heap()
    if t is None:
        return None
    if kind == "cp1252":
        probs.warn(
            name,
            file,
            None,
            None,
            "Berkas tersimpan sebagai Windows-1252, bukan UTF-8; dibaca sebagai Windows-1252 "
            "(periksa huruf seperti é). Simpan ulang sebagai 'CSV UTF-8' dari Excel.",
        )
    elif kind == "mixed":
        _report_bad_bytes(t, probs)
    return t


def _read_csv_c(name, path, sep, enc, probs) -> _Table | None:
    """Chunked read with pandas' C parser; raises ParserError on a row wider than the header."""
    file = path.name
    header = None
    b = None
    start = 1  # spreadsheet row of the chunk's first record
    try:
        reader = pd.read_csv(
            path,
            sep=sep,
            header=None,
            dtype="category",  # codes + distinct values: one Python string per value
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            chunksize=_CHUNK_ROWS,
            encoding=enc,
            encoding_errors="replace",
        )
    except pd.errors.EmptyDataError:
        _empty_table(name, file, _EMPTY_MSG, probs)
        return None
    with reader:
        for chunk in reader:
            cols = [chunk.iloc[:, j].array for j in range(chunk.shape[1])]
            rows = np.arange(start, start + len(chunk))
            start += len(chunk)
            if header is None:
                header = [c[0] if isinstance(c[0], str) else "" for c in cols]
                b = _Builder(len(header))
                cols, rows = [c[1:] for c in cols], rows[1:]
            if len(rows):
                b.add(cols, rows)
            del chunk, cols
    if header is None:
        _empty_table(name, file, _EMPTY_MSG, probs)
        return None
    return b.finish(name, file, header, probs)


def _read_csv_py(name, path, sep, enc, probs) -> _Table | None:
    """Streaming fallback with the csv module: reports rows of the wrong width by row."""
    file = path.name
    b = header = None
    width = 0
    with open(path, encoding=enc, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        try:
            header = next(reader, None)
            if header is None:
                _empty_table(name, file, _EMPTY_MSG, probs)
                return None
            width = len(header)
            b = _Builder(width)
            batch, rows = [], []
            for i, rec in enumerate(reader):
                if len(rec) != width:
                    if not any(c.strip() for c in rec):
                        continue  # blank line (still counted)
                    if len(rec) < width:
                        rec = rec + [""] * (width - len(rec))
                    elif not any(c.strip() for c in rec[width:]):
                        rec = rec[:width]
                    else:
                        probs.one(name, file, i + 2, None, _pesan_lebar(len(rec), width))
                        continue
                batch.append(rec)
                rows.append(i + 2)
                if len(batch) == _CHUNK_ROWS:
                    _add_records(b, batch, rows, width)
                    batch, rows = [], []
            if batch:
                _add_records(b, batch, rows, width)
        except csv.Error as err:
            msg = (
                f"Berkas CSV rusak di sekitar baris {reader.line_num} ({err}). Periksa tanda "
                "kutip dan karakter aneh, lalu simpan ulang sebagai 'CSV UTF-8'."
            )
            probs.one(name, file, reader.line_num, None, msg)
            return None
    return b.finish(name, file, header, probs)


def _add_records(b: _Builder, batch, rows, width) -> None:
    arr = np.empty((len(batch), width), dtype=object)
    arr[:] = batch
    b.add(list(arr.T), np.asarray(rows))


def _report_bad_bytes(t: _Table, probs: _Problems) -> None:
    """Cells of a UTF-8 file that held bytes which are not UTF-8 (read as U+FFFD)."""
    cols = list(t.frame.columns)
    for j in range(len(cols)):
        cat = t.frame.iloc[:, j].array
        bad_u = pd.Series(cat.categories, dtype="str").str.contains(_BAD_CHAR, regex=False)
        bad = bad_u.to_numpy()[cat.codes]
        column = cols[j] or None
        probs.rows(
            t,
            bad,
            column,
            lambda v: (
                f"Sel berisi byte yang tidak sah dalam UTF-8 (terbaca {_q(v)}); berkas ini "
                "bercampur pengodean. Simpan berkas sebagai UTF-8 ('CSV UTF-8' di Excel) lalu "
                "ketik ulang huruf yang rusak."
            ),
            t.frame.iloc[:, j],
        )
    header_bad = [h for h in cols if _BAD_CHAR in h]
    for h in header_bad:
        probs.one(
            t.name,
            t.file,
            1,
            None,
            f"Judul kolom {_q(h)} berisi byte yang tidak sah dalam UTF-8. Simpan berkas sebagai "
            "UTF-8 ('CSV UTF-8' di Excel).",
        )


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool | np.bool_):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return repr(float(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _xlsx_cell_text(v) -> str:
    """Text of one python-calamine cell value, the same text openpyxl's value gave.

    calamine returns every number as ``float`` and a date at midnight as ``date``, where
    openpyxl returned ``int`` for integer literals (Excel stores 42 as ``42``) and
    ``datetime``; both become the text the openpyxl reader produced.
    """
    if type(v) is float:
        if v.is_integer() and abs(v) < 1e16:  # below 1e16 repr() is plain digits + ".0"
            return str(int(v))
        return repr(v)
    if type(v) is datetime.date:
        return datetime.datetime(v.year, v.month, v.day).isoformat()
    return _cell_text(v)


_XL_ERROR_CELL = re.compile(rb'<c\s([^>]*?\bt="e"[^>/]*)>(.*?)</c>', re.S)
_XL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_XL_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _xlsx_error_cells(path: Path, names: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Excel error cells (``#N/A``, ``#DIV/0!``, ...) of the named sheets.

    python-calamine reads an error cell as an empty string, which would turn e.g. a failed
    ``VLOOKUP`` in ``nip_atasan`` into "no superior". Each sheet's XML is scanned in chunks
    for ``t="e"`` (rare; only a sheet holding one is parsed with a regex) and the error text
    is returned as (0-based row, 0-based column, text), as openpyxl gave it.
    """
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    out: dict[str, list[tuple[int, int, str]]] = {}
    with zipfile.ZipFile(path) as zf:
        rels = {}
        for el in ET.fromstring(zf.read("xl/_rels/workbook.xml.rels")):
            target = el.get("Target", "")
            rels[el.get("Id")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            )
        parts = {}
        for el in ET.fromstring(zf.read("xl/workbook.xml")).iter():
            if el.tag.rsplit("}", 1)[-1] == "sheet":
                rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
                parts[el.get("name")] = posixpath.normpath(rels.get(rid, ""))
        for name in names:
            part = parts.get(name)
            if part not in zf.NameToInfo:
                continue
            found, tail = False, b""
            with zf.open(part) as f:
                while chunk := f.read(1 << 22):
                    if b't="e"' in tail + chunk[:8] or b't="e"' in chunk:
                        found = True
                        break
                    tail = chunk[-8:]
            if not found:
                continue
            cells = []
            for m in _XL_ERROR_CELL.finditer(zf.read(part)):
                ref, value = _XL_REF.search(m.group(1)), _XL_VALUE.search(m.group(2))
                if ref is None or value is None:
                    continue
                col = 0
                for ch in ref.group(1):
                    col = col * 26 + ch - 64
                cells.append((int(ref.group(2)) - 1, col - 1, value.group(1).decode()))
            out[name] = cells
    return out


def _xlsx_sheets(path: Path) -> dict[str, list[list]]:
    """Raw cell values of every table's sheet (keyed by normalised name), error cells as text."""
    import python_calamine

    with python_calamine.CalamineWorkbook.from_path(path) as book:
        sheets = {_norm_header(s): s for s in book.sheet_names}
        wanted = {n: sheets[n] for n in TABLES if n in sheets}
        errors = _xlsx_error_cells(path, list(wanted.values()))
        out = {}
        for name, sheet in wanted.items():
            # skip_empty_area=False: the first record is spreadsheet row 1, column A
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            for r, c, text in errors.get(sheet, ()):
                if r < len(rows):
                    rows[r] = list(rows[r]) + [""] * (c + 1 - len(rows[r]))
                    rows[r][c] = text
            out[name] = rows
    return out


def _read_xlsx(path: Path, probs: _Problems) -> dict[str, _Table | None] | None:
    """Read every table's sheet with python-calamine (Rust; ~50x faster than openpyxl)."""
    import zipfile

    import python_calamine

    try:
        sheets = _xlsx_sheets(path)
    except (
        python_calamine.CalamineError,
        zipfile.BadZipFile,
        OSError,
        KeyError,
        SyntaxError,
    ) as err:
        # broken zip/XML, password-protected (an OLE file, not a zip), unreadable file
        msg = (
            f"Berkas Excel tidak dapat dibuka ({type(err).__name__}). Pastikan berkas .xlsx "
            "tidak rusak atau terkunci sandi, lalu simpan ulang dari Excel."
        )
        probs.one("", path.name, None, None, msg)
        return None
    out: dict[str, _Table | None] = {}
    for name in TABLES:
        file = f"{path.name}:{name}"
        if name not in sheets:
            out[name] = None
            _missing_table(name, file, f"sheet '{name}' di {path.name}", probs)
            continue
        rows = sheets.pop(name)
        records = [[v if type(v) is str else _xlsx_cell_text(v) for v in r] for r in rows]
        typed = [[type(v) is float for v in r] for r in rows]  # number cells
        del rows
        out[name] = _from_records(name, file, records, probs, pad=True, typed=typed)
    return out


def _missing_table(name: str, file: str, what: str, probs: _Problems) -> None:
    if name in OPTIONAL_TABLES:
        return
    cols = ", ".join(c.name for c in _SCHEMA[name] if c.present)
    msg = f"Tabel wajib '{name}' tidak ditemukan ({what}). Tambahkan dengan kolom: {cols}."
    probs.one(name, file, None, None, msg)


def _as_text(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Any in-memory column → (strings, '' for missing; typed-number mask).

    Converted once per distinct value.
    """
    codes, u = pd.factorize(s.to_numpy())
    texts = np.array([_cell_text(x) for x in u] + [""], dtype=object)
    num = np.array(
        [isinstance(x, float | int | np.number) and not isinstance(x, bool | np.bool_) for x in u]
        + [False],
        dtype=bool,
    )
    return texts[codes], num[codes]


# --------------------------------------------------------------------------- cell checks
_RE_AMBIG = r"[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}"
_RE_COMMA = r"[+-]?[0-9]*,[0-9]+"
_RE_ID_THOUS = r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?"
_RE_EN_THOUS = r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"
_RE_SCI_COMMA = r"[+-]?[0-9]*,[0-9]+[eE][+-]?[0-9]+"
_RE_PLAIN = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def _number_message(v: str) -> str:
    if v.startswith("#"):
        return (
            f"Sel berisi galat Excel '{_show(v)}'. Perbaiki rumusnya di Excel atau ketik "
            "angkanya langsung, lalu ekspor ulang."
        )
    if v.endswith("%"):
        return f"'{_show(v)}' bukan angka. Tulis tanpa tanda %, mis. 85 atau 85,5."
    return (
        f"'{_show(v)}' bukan angka. Ganti dengan angka seperti 85, 85,5 (koma desimal) atau 85.5."
    )


def _ambiguous_message(v: str) -> str:
    sep = "." if "." in v else ","
    ribuan = v.replace(sep, "")
    desimal = v.replace(sep, ",")
    return (
        f"Angka '{v}' ambigu: bisa berarti {ribuan} ('{sep}' pemisah ribuan) atau {desimal} "
        "(desimal). Kolom ini tidak memastikannya: angka seperti ini hanya dibaca sendiri bila "
        "baris lain kolom yang sama memakai koma desimal (mis. 85,5) dan tidak ada titik "
        f"desimal. Tulis {ribuan} bila maksudnya ribuan, atau {desimal}0 bila maksudnya desimal."
    )


def _to_float(strings: pd.Series) -> np.ndarray:
    return pd.to_numeric(strings, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _parse_unique(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct strings → (float values, garbage mask, unresolved-ambiguity mask)."""
    n = len(s)
    empty = (s == "").to_numpy()
    amb = s.str.fullmatch(_RE_AMBIG).to_numpy()
    fast = s.str.fullmatch(_RE_PLAIN).to_numpy() & ~amb
    vals = np.full(n, np.nan)
    if fast.any():
        vals[fast] = _to_float(s[fast])
    dot_ev = bool((fast & s.str.contains(".", regex=False).to_numpy()).any())
    comma_ev = False
    slow = ~empty & ~fast & ~amb
    if slow.any():
        sub = s[slow]
        comma = (
            sub.str.fullmatch(_RE_COMMA).to_numpy() | sub.str.fullmatch(_RE_SCI_COMMA).to_numpy()
        )
        idt = sub.str.fullmatch(_RE_ID_THOUS).to_numpy()
        ent = sub.str.fullmatch(_RE_EN_THOUS).to_numpy() & ~idt & ~comma
        comma_ev, dot_ev = bool((comma | idt).any()), dot_ev or bool(ent.any())
        norm = pd.Series(np.full(len(sub), "", dtype=object), index=sub.index, dtype="str")
        norm[comma] = sub[comma].str.replace(",", ".", regex=False)
        norm[idt] = sub[idt].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        norm[ent] = sub[ent].str.replace(",", "", regex=False)
        vals[slow] = _to_float(norm)
    unresolved = np.zeros(n, dtype=bool)
    if amb.any():
        sub = s[amb]
        if comma_ev and not dot_ev:  # "1.500" = 1500, "1,500" = 1.5
            vals[amb] = _to_float(
                sub.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            )
        else:  # no evidence, a decimal point elsewhere, or both conventions: reported
            unresolved = amb
    bad = ~empty & ~unresolved & ~np.isfinite(vals)
    vals[bad] = np.nan
    return vals, bad, unresolved


def _parse_numbers(t: _Table, column: str, probs: _Problems) -> np.ndarray:
    """Column of strings → float64 (NaN where empty or wrong); wrong cells become problems.

    A typed number cell (.xlsx number, float in a frame) is never ambiguous: its text is
    Python's, with a decimal point.
    """
    codes, u = t.uniq(column)
    vals, bad, unresolved = _parse_unique(u)
    out = vals[codes]
    amb = unresolved[codes]
    typed = t.typed.get(column)
    if typed is not None and (amb & typed).any():
        dot = np.full(len(u), np.nan)
        dot[unresolved] = _to_float(u[unresolved])
        out[amb & typed] = dot[codes[amb & typed]]
        amb &= ~typed
    probs.by_value(t, amb, column, _ambiguous_message)
    probs.by_value(t, bad[codes], column, _number_message)
    return out


_RE_NIP_EXCEL = (
    r"[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+"  # 1.98703E+17, 1,98703E+17
    r"|[0-9]{15,18}[.,]0+"  # 198703152010011001.0
    r"|[0-9]{1,3}(?:[.,][0-9]{3}){4,5}(?:[.,]0+)?"  # 198.703.152.010.011.000
)
_NIP_MESSAGES = {
    "excel": lambda v: (
        f"NIP rusak oleh Excel ('{_show(v)}'): digit terakhir sudah hilang. Format sel sebagai "
        "Teks lalu ketik ulang NIP lengkap 18 digit."
    ),
    "spaced": lambda v: (
        f"NIP '{v}' berisi spasi atau tanda baca. Tulis 18 digit angka saja tanpa spasi."
    ),
    "wrong": lambda v: (
        f"NIP '{_show(v)}' harus tepat 18 digit angka (sekarang {len(v)} karakter). Periksa "
        "lalu ketik ulang NIP sebagai teks."
    ),
    "birth": lambda v: (
        f"NIP '{v}': 8 digit pertama ({v[:8]}) bukan tanggal lahir yang sah (ttttbbhh). "
        "Periksa NIP pada SK."
    ),
    "tmt": lambda v: (
        f"NIP '{v}': digit 9–14 ({v[8:14]}) bukan TMT CPNS yang sah (ttttbb, bulan 01–12, "
        f"minimal {_MIN_AGE_AT_TMT} tahun setelah tahun lahir). Periksa NIP pada SK."
    ),
    "sex": lambda v: (
        f"NIP '{v}': digit ke-15 harus 1 (pria) atau 2 (wanita), bukan '{v[14]}'. Periksa NIP."
    ),
}


def _nip_flags(s: pd.Series) -> dict[str, np.ndarray]:
    """Distinct NIP strings → one mask per kind of fault, plus ``valid``."""
    filled = (s != "").to_numpy()
    d18 = s.str.fullmatch(r"[0-9]{18}").to_numpy()
    other = filled & ~d18
    excel = other & s.str.fullmatch(_RE_NIP_EXCEL).to_numpy()
    bare = s.str.replace(r"[\s.\-']", "", regex=True)
    spaced = other & ~excel & bare.str.fullmatch(r"[0-9]{18}").to_numpy()
    flags = {"excel": excel, "spaced": spaced, "wrong": other & ~excel & ~spaced}
    birth = tmt = sex = np.zeros(len(s), dtype=bool)
    if d18.any():
        d = s[d18]
        year = pd.to_datetime(d.str.slice(0, 8), format="%Y%m%d", errors="coerce").dt.year
        by = year.to_numpy(dtype=float, na_value=np.nan)
        ty = _to_float(d.str.slice(8, 12))
        tm = _to_float(d.str.slice(12, 14))
        b = np.isnan(by) | (by < 1900)
        birth, tmt, sex = (np.zeros(len(s), dtype=bool) for _ in range(3))
        birth[d18] = b
        tmt[d18] = ~b & ((tm < 1) | (tm > 12) | (ty < by + _MIN_AGE_AT_TMT))
        sex[d18] = ~d.str.slice(14, 15).isin(["1", "2"]).to_numpy()
    flags.update(birth=birth, tmt=tmt, sex=sex)
    flags["valid"] = d18 & ~birth & ~tmt & ~sex
    return flags


def _check_nip(t: _Table, column: str, probs: _Problems, mask=None) -> np.ndarray:
    """Report malformed NIPs (only where ``mask``); return the row mask of valid NIPs.

    One problem per distinct wrong NIP ("mempengaruhi N baris"); NIPs damaged by Excel are
    one problem per column. The wrong NIPs of ``pegawai.nip`` are causes: the same value in
    another column is counted under the pegawai problem, not reported again.
    """
    codes, u = t.uniq(column)
    flags = _nip_flags(u)
    cause_col = t.name == "pegawai" and column == "nip"
    known = u.isin(list(probs.causes)).to_numpy() if probs.causes and not cause_col else None
    for kind, message in _NIP_MESSAGES.items():
        rows = flags[kind][codes]
        if mask is not None:
            rows &= mask
        if not rows.any():
            continue
        if known is not None:
            kn = rows & known[codes]
            for code, pos in _groups(codes, kn):
                v = str(u.iloc[code])
                probs.knock(probs.causes[v], t, column, v, pos, same=True)
            rows &= ~kn
        if kind == "excel" and rows.sum() > 1:
            pos = np.flatnonzero(rows)
            msg = (
                f"NIP rusak oleh Excel di {_fmt_int(len(pos))} baris kolom '{column}' (tersimpan "
                f"sebagai angka, mis. '{_show(u.iloc[codes[pos[0]]])}'): digit terakhirnya sudah "
                f"hilang. Format kolom '{column}' sebagai Teks, lalu tempel ulang NIP lengkap 18 "
                "digit dari sumber aslinya."
            )
            idx = probs.grouped(t, column, msg, pos)
            if cause_col:
                probs.causes.update(dict.fromkeys(u.iloc[np.unique(codes[pos])], idx))
        else:
            got = probs.by_value(t, rows, column, message)
            if cause_col:
                probs.causes.update(got)
    return flags["valid"][codes]


def _nip_digits(v: str) -> str:
    """The digits Excel kept of a damaged NIP (''), to recognise the NIP it came from."""
    if re.fullmatch(r"[0-9]{15,18}[.,]0+", v):
        return re.split(r"[.,]", v)[0][:15]
    m = re.fullmatch(r"[+-]?([0-9]+)(?:[.,]([0-9]*))?[eE][+-]?[0-9]+", v)
    if m:
        return (m.group(1) + (m.group(2) or "")).rstrip("0")
    if re.fullmatch(r"[0-9]{1,3}(?:[.,][0-9]{3}){4,5}(?:[.,]0+)?", v):
        return re.sub(r"[.,]", "", v)[:15]
    return ""


def _link_nips(missing: list[str], causes: dict[str, int]) -> dict[str, int]:
    """Missing NIPs that are most likely a wrong ``pegawai.nip`` (typo or Excel damage).

    A missing NIP is linked to a NIP damaged by Excel when the digits Excel kept (at least
    10) start it — a dictionary look-up, any number of NIPs — and otherwise to a wrong
    pegawai NIP one or two characters away (difflib ratio ≥ 0.9; only for short lists,
    ≤ 200,000 pairs).
    """
    by_len: dict[int, dict[str, int]] = {}
    typos = []
    for c, idx in causes.items():
        d = _nip_digits(c)
        if len(d) >= 10:
            by_len.setdefault(len(d), {}).setdefault(d, idx)
        elif not d:
            typos.append(c)
    out = {}
    for m in missing:
        for n, table in by_len.items():
            if m[:n] in table:
                out[m] = table[m[:n]]
                break
    rest = [m for m in missing if m not in out]
    if not rest or not typos or len(rest) * len(typos) > 200_000:
        return out
    for m in rest:
        best, score = None, 0.0
        for c in typos:
            sm = difflib.SequenceMatcher(None, m, c)
            if sm.real_quick_ratio() >= 0.9 and sm.quick_ratio() >= 0.9 and sm.ratio() > score:
                best, score = c, sm.ratio()
        if score >= 0.9:
            out[m] = causes[best]
    return out


# --------------------------------------------------------------------------- validation
def _check_columns(t: _Table, probs: _Problems) -> None:
    header = list(t.frame.columns)
    expected = [c.name for c in _SCHEMA[t.name]]
    seen: dict[str, int] = {}
    keep = []
    for i, h in enumerate(header):
        col = t.frame.iloc[:, i]
        if h == "":
            if (col != "").any():
                probs.one(
                    t.name,
                    t.file,
                    1,
                    None,
                    f"Kolom ke-{i + 1} berisi data tetapi tidak punya judul. Beri judul di "
                    "baris 1 atau hapus kolom itu.",
                )
            continue
        if h in seen:
            probs.one(
                t.name,
                t.file,
                1,
                h,
                f"Judul kolom '{h}' muncul dua kali (kolom ke-{seen[h] + 1} dan ke-{i + 1}). "
                "Hapus atau ganti nama salah satunya.",
            )
            continue
        seen[h] = i
        keep.append(i)
    frame = t.frame.iloc[:, keep]
    t.frame = frame.set_axis([header[i] for i in keep], axis=1)
    present = set(t.frame.columns)
    unknown = [h for h in t.frame.columns if h not in expected]
    for c in _SCHEMA[t.name]:
        if c.name in present:
            continue
        hit = difflib.get_close_matches(c.name, unknown, n=1, cutoff=0.6)
        if hit:  # a misnamed column: name the column that is there, and what it should be
            unknown.remove(hit[0])
            msg = (
                f"Kolom '{hit[0]}' tidak dikenal; mungkin maksud Anda '{c.name}'? Ganti judul "
                f"kolom '{hit[0]}' di baris 1 menjadi '{c.name}'."
            )
            if c.present:
                probs.one(t.name, t.file, 1, hit[0], msg + f" Kolom wajib '{c.name}' belum ada.")
            else:
                probs.warn(
                    t.name,
                    t.file,
                    1,
                    hit[0],
                    msg + f" Sampai diganti, kolom '{c.name}' dianggap kosong.",
                )
        elif c.present:
            probs.one(
                t.name,
                t.file,
                1,
                c.name,
                f"Kolom wajib '{c.name}' tidak ada. Tambahkan kolom ini di baris judul (baris 1). "
                f"Kolom yang diharapkan: {', '.join(expected)}.",
            )
    if t.name == "indikator" and "target" not in present:
        if not {"target_min", "target_max"} <= present:
            probs.one(
                t.name,
                t.file,
                1,
                "target",
                "Kolom 'target' tidak ada. Tambahkan kolom 'target', atau kolom 'target_min' dan "
                "'target_max' untuk target rentang.",
            )


def _convert(t: _Table, skala, probs: _Problems) -> dict[str, object]:
    """Cell-level checks; return converted columns (and ``ok`` masks) by name."""
    f = t.frame
    out: dict[str, object] = {}
    peran = f["peran_penilai"] if "peran_penilai" in f else None
    for c in _SCHEMA[t.name]:
        if c.name not in f:
            continue
        s = f[c.name]
        codes, u = t.uniq(c.name)
        empty = t.umap(c.name, (u == "").to_numpy())
        if c.filled:
            msg = f"Sel kosong. Isi kolom '{c.name}' (wajib)."
            if c.kind == "rater":
                msg = "Sel kosong. Isi NIP penilai (atau id responden untuk pengguna_layanan)."
            probs.rows(t, empty, c.name, msg)
        ok = ~empty
        if c.kind in ("num", "int"):
            vals = _parse_numbers(t, c.name, probs)
            ok = ~np.isnan(vals)
            if c.kind == "int":
                frac = ok & (vals != np.round(vals))
                probs.rows(
                    t,
                    frac,
                    c.name,
                    lambda v: f"'{v}' harus bilangan bulat. Ganti dengan angka bulat.",
                    s,
                )
                ok &= ~frac
            out[c.name] = vals
        elif c.kind == "nip":
            ok = _check_nip(t, c.name, probs)
            out[c.name] = s
        elif c.kind == "rater":
            internal = (peran != "pengguna_layanan").to_numpy() if peran is not None else None
            nip_ok = _check_nip(t, c.name, probs, mask=internal)
            ok = ~empty & (nip_ok | ~internal) if internal is not None else nip_ok
            out[c.name] = s
        elif c.kind == "cat":
            bad = ~empty & t.umap(c.name, ~u.isin(c.choices).to_numpy())
            allowed = ", ".join(c.choices)
            probs.by_value(
                t,
                bad,
                c.name,
                lambda v, allowed=allowed, ch=c.choices: (
                    f"Nilai '{_show(v)}' tidak dikenal. Ganti dengan salah satu: {allowed}."
                    + _suggest(v, ch)
                ),
            )
            ok &= ~bad
            out[c.name] = s
        elif c.kind == "periode":
            bad = ~empty & t.umap(c.name, ~u.str.fullmatch(_PERIODE_RE).to_numpy())

            def pmsg(v):
                fix = re.sub(r"[\s/_.]+", "-", v.strip().upper())
                hint = f" Mungkin maksud Anda '{fix}'?" if re.fullmatch(_PERIODE_RE, fix) else ""
                return f"Periode '{_show(v)}' tidak dikenal. Gunakan {_PERIODE_FORMS}." + hint

            probs.by_value(t, bad, c.name, pmsg)
            ok &= ~bad
            out[c.name] = s
        else:
            out[c.name] = s
        out["ok:" + c.name] = ok
    _check_scales(t, out, skala, probs)
    return out


def _check_scales(t: _Table, out: dict, skala, probs: _Problems) -> None:
    def rng(col, lo, hi, message):
        if col not in out:
            return
        v = out[col]
        bad = out["ok:" + col] & ((v < lo) | (v > hi))
        probs.rows(t, bad, col, message, v)
        out["ok:" + col] = out["ok:" + col] & ~bad

    if t.name == "penilaian_360":
        lo, hi = skala
        rng(
            "nilai",
            lo,
            hi,
            lambda v: f"Nilai {_fmt_num(v)} di luar skala {lo}–{hi}. Ganti dengan angka {lo}–{hi}.",
        )
    elif t.name == "survei_skm":
        for u in _SKM_ITEMS:
            rng(
                u,
                1,
                4,
                lambda v: f"Jawaban SKM {_fmt_num(v)} di luar skala. Isi bilangan bulat 1–4.",
            )
    elif t.name == "kompetensi":
        for col in ("level_standar", "level_aktual"):
            rng(col, 1, 5, lambda v: f"Level {_fmt_num(v)} di luar skala. Isi bilangan bulat 1–5.")
    elif t.name == "realisasi":
        rng("realisasi", 0, np.inf, lambda v: f"Realisasi {_fmt_num(v)} negatif. Isi angka ≥ 0.")
    elif t.name == "indikator":
        inf = np.inf
        rng("target", 1e-300, inf, lambda v: f"Target {_fmt_num(v)} harus lebih dari 0. Perbaiki.")
        rng("target_min", 0, inf, lambda v: f"target_min {_fmt_num(v)} negatif. Isi angka ≥ 0.")
        rng("target_max", 1e-300, inf, lambda v: f"target_max {_fmt_num(v)} harus > 0. Perbaiki.")
        rng("bobot", 1e-300, inf, lambda v: f"Bobot {_fmt_num(v)} harus lebih dari 0. Perbaiki.")
        _check_targets(t, out, probs)


def _check_targets(t: _Table, out: dict, probs: _Problems) -> None:
    n = len(t.frame)
    s = t.frame

    def has(col):  # non-empty cell
        return (s[col] != "").to_numpy() if col in s else np.zeros(n, dtype=bool)

    ht, hmin, hmax = has("target"), has("target_min"), has("target_max")
    probs.rows(
        t,
        ~ht & ~hmin & ~hmax,
        "target",
        "Target kosong. Isi 'target', atau 'target_min' dan 'target_max' untuk target rentang.",
    )
    probs.rows(
        t,
        ht & (hmin | hmax),
        "target",
        "Isi 'target' ATAU 'target_min' + 'target_max', jangan keduanya. Kosongkan salah satu.",
    )
    probs.rows(
        t,
        ~ht & (hmin ^ hmax),
        "target_max" if "target_max" in s else "target_min",
        "Target rentang butuh 'target_min' dan 'target_max' sekaligus. Isi keduanya.",
    )
    if "target_min" in out and "target_max" in out:
        both = out["ok:target_min"] & out["ok:target_max"]
        lo, hi = out["target_min"], out["target_max"]
        bad = both & (lo > hi)
        pairs = np.array([f"{_fmt_num(a)} > {_fmt_num(b)}" for a, b in zip(lo, hi, strict=True)])
        probs.rows(
            t,
            bad,
            "target_min",
            lambda p: (
                f"target_min lebih besar dari target_max ({p}). Tukar atau perbaiki nilainya."
            ),
            pairs if bad.any() else None,
        )


def _check_duplicates(t: _Table, out: dict, probs: _Problems) -> None:
    """Rows repeating a key; keys holding an already reported value (a NIP Excel damaged
    into the same number, say) are not compared."""
    keys = [k for k in _KEYS[t.name] if k in t.frame]
    if len(keys) != len(_KEYS[t.name]):
        return
    n = len(t.frame)
    filled = np.ones(n, dtype=bool)
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for k in keys:  # one int64 per key (mixed radix of the categorical codes)
        codes, u = t.uniq(k)
        filled &= (u != "").to_numpy()[codes] & out.get("ok:" + k, True)
        if span * len(u) >= 2**62:  # too many combinations: renumber the keys so far
            key = pd.factorize(key)[0].astype(np.int64)
            span = int(key.max()) + 1
        key = key * len(u) + codes
        span *= len(u)
    order = np.argsort(key, kind="stable")  # equal keys keep row order: first one first
    ks = key[order]
    del key
    same = ks[1:] == ks[:-1]
    del ks
    if not (same & filled[order[1:]]).any():
        return
    group_start = np.flatnonzero(np.r_[True, ~same])
    first_sorted = np.repeat(order[group_start], np.diff(np.r_[group_start, n]))
    first = np.empty(n, dtype=np.int64)
    first[order] = first_sorted  # each row's first row with the same key
    del order, first_sorted
    dup = filled & (first != np.arange(n))
    if not dup.any():
        return
    pos = np.flatnonzero(dup)[:_MAX_PER_RULE]
    keyvals = t.frame[keys].iloc[pos].to_numpy(dtype=object)
    first_row = t.rows[first[pos]]
    info = np.full(n, None, dtype=object)
    info[pos] = _objects(
        (", ".join(f"{k}={v}" for k, v in zip(keys, kv, strict=True)), r)
        for kv, r in zip(keyvals, first_row, strict=True)
    )
    probs.rows(
        t,
        dup,
        ", ".join(keys),
        lambda v: (
            f"Baris ganda: {_show(v[0], 120)} sudah ada di baris {v[1]}. Hapus salah satu "
            "baris atau perbaiki kuncinya."
        ),
        info,
    )


def _check_refs(
    src: _Table,
    col: str,
    ok: np.ndarray,
    target: _Table | None,
    target_col: str,
    probs: _Problems,
    mask=None,
) -> np.ndarray:
    """Values of ``src[col]`` (where ``ok``) must exist in ``target[target_col]``.

    One problem per missing value ("mempengaruhi N baris"); a missing NIP that is most
    likely a wrong ``pegawai.nip`` is counted under that NIP's problem instead.
    """
    if target is None or col not in src.frame or target_col not in target.frame:
        return np.zeros(len(src.frame), dtype=bool)
    codes, u = src.uniq(col)
    known = target.uniq(target_col)[1]
    known = known[known != ""]
    check = ok if mask is None else ok & mask
    bad = check & ~u.isin(known).to_numpy()[codes]
    if not bad.any():
        return bad
    rest = bad
    if target.name == "pegawai" and target_col == "nip" and probs.causes:
        missing = [str(u.iloc[c]) for c in np.unique(codes[bad])]
        link = _link_nips(missing, probs.causes)
        if link:
            kn = bad & u.isin(list(link)).to_numpy()[codes]
            for code, pos in _groups(codes, kn):
                v = str(u.iloc[code])
                probs.knock(link[v], src, col, v, pos, same=False)
            rest = bad & ~kn
    few = len(known) <= 300  # difflib is quadratic-ish: suggest only for short lists

    def msg(v):
        hint = _suggest(v, known) if few else ""
        return (
            f"'{_show(v)}' tidak ada di kolom '{target_col}' pada {target.file}. Tambahkan "
            f"ke {target.file} atau perbaiki nilainya." + hint
        )

    probs.by_value(src, rest, col, msg)
    return bad


def _check_hierarchy(peg: _Table, ok: dict, probs: _Problems) -> None:
    f = peg.frame
    if "nip_atasan" not in f or "nip" not in f:
        return
    nip, atasan = pd.Series(peg.text("nip")), pd.Series(peg.text("nip_atasan"))
    good = ok["ok:nip"] & ~nip.duplicated().to_numpy()
    idx = pd.Index(nip[good])
    n = len(idx)
    parent = idx.get_indexer(atasan[good])
    parent = np.where(parent < 0, n, parent)
    rows = peg.rows[good]
    # atasan in another instansi
    if "kode_instansi" in f:
        inst = peg.text("kode_instansi")[good]
        has_parent = parent < n
        other = np.zeros(n, dtype=bool)
        other[has_parent] = inst[has_parent] != inst[parent[has_parent]]
        full = np.zeros(len(f), dtype=bool)
        full[np.flatnonzero(good)[other]] = True
        info = np.full(len(f), None, dtype=object)
        info[full] = _objects(zip(inst[parent[other]], inst[other], strict=True))
        probs.rows(
            peg,
            full,
            "nip_atasan",
            lambda v: (
                f"Atasan berada di instansi {_q(v[0])}, bukan {_q(v[1])}. Isi atasan dari "
                "instansi yang sama, atau kosongkan nip_atasan untuk pimpinan."
            ),
            info,
        )
    # cycles: follow parents 2^k steps; whatever is not at the sentinel sits on a cycle
    step = np.append(parent, n)
    anc = step.copy()
    for _ in range(max(1, math.ceil(math.log2(n + 1))) + 1):
        anc = anc[anc]
    landed = np.unique(anc[:n][anc[:n] != n])
    seen = np.zeros(n, dtype=bool)
    nips = idx.to_numpy()
    for start in landed:
        if seen[start]:
            continue
        cyc = [start]
        seen[start] = True
        nxt = step[start]
        while nxt != start and len(cyc) <= n:
            cyc.append(nxt)
            seen[nxt] = True
            nxt = step[nxt]
        first = min(cyc, key=lambda i: rows[i])
        if len(cyc) == 1:
            msg = (
                "Pegawai tercatat sebagai atasannya sendiri. Isi NIP atasan yang benar, atau "
                "kosongkan nip_atasan untuk pimpinan instansi."
            )
        else:
            names = [nips[i] for i in cyc[:10]] + ([nips[cyc[0]]] if len(cyc) <= 10 else ["…"])
            msg = (
                f"Rantai atasan melingkar ({len(cyc)} pegawai): {' → '.join(names)}. Rantai harus "
                "berakhir di pimpinan dengan nip_atasan kosong; perbaiki nip_atasan salah satunya."
            )
        probs.one(peg.name, peg.file, rows[first], "nip_atasan", msg)


def _check_realisasi_jabatan(rea: _Table, ok, peg: _Table, ind: _Table, probs) -> None:
    need_p = {"nip", "jabatan", "kode_instansi"}
    need_i = {"kode_indikator", "jabatan", "kode_instansi"}
    if not (need_p <= set(peg.frame) and need_i <= set(ind.frame)):
        return
    if not {"nip", "kode_indikator"} <= set(rea.frame):
        return
    p = pd.DataFrame({c: peg.text(c) for c in need_p}).drop_duplicates("nip")
    i = pd.DataFrame({c: ind.text(c) for c in need_i}).drop_duplicates("kode_indikator")
    p = p[(p["jabatan"] != "") & (p["kode_instansi"] != "")]  # empty: reported already
    i = i[(i["jabatan"] != "") & (i["kode_instansi"] != "")]
    pos = np.flatnonzero(ok)
    r = pd.DataFrame({c: rea.text(c)[pos] for c in ("nip", "kode_indikator")} | {"_pos": pos})
    m = r.merge(p, on="nip").merge(i, on="kode_indikator", suffixes=("_p", "_i"))
    m = m[(m["jabatan_p"] != m["jabatan_i"]) | (m["kode_instansi_p"] != m["kode_instansi_i"])]
    if m.empty:
        return
    full = np.zeros(len(rea.frame), dtype=bool)
    full[m["_pos"].to_numpy()] = True
    info = np.full(len(rea.frame), "", dtype=object)
    info[m["_pos"].to_numpy()] = [
        f"Indikator '{a}' milik jabatan {_q(b)} di {_q(c)}, tetapi pegawai {d} adalah {_q(e)} "
        f"di {_q(g)}. Pakai indikator untuk jabatan pegawai itu, atau perbaiki jabatannya."
        for a, b, c, d, e, g in zip(
            m["kode_indikator"],
            m["jabatan_i"],
            m["kode_instansi_i"],
            m["nip"],
            m["jabatan_p"],
            m["kode_instansi_p"],
            strict=True,
        )
    ]
    probs.rows(rea, full, "kode_indikator", lambda v: v, info)


def _check_bobot(ind: _Table, out: dict, probs: _Problems) -> None:
    f = ind.frame
    if not {"kode_instansi", "jabatan", "bobot"} <= set(f):
        return
    g = pd.DataFrame(
        {
            "kode_instansi": f["kode_instansi"].to_numpy(),
            "jabatan": f["jabatan"].to_numpy(),
            "bobot": out["bobot"],
            "ok": out["ok:bobot"],
            "baris": ind.rows,
        }
    )
    agg = g.groupby(["kode_instansi", "jabatan"], sort=False).agg(
        total=("bobot", "sum"), semua_ok=("ok", "all"), baris=("baris", "min"), n=("baris", "size")
    )
    bad = agg[agg["semua_ok"] & ((agg["total"] - 100).abs() > 0.01)]
    for (inst, jab), r in bad.iloc[:_MAX_PER_RULE].iterrows():
        probs.one(
            ind.name,
            ind.file,
            r["baris"],
            "bobot",
            f"Jumlah bobot untuk instansi '{inst}', jabatan '{jab}' adalah {_fmt_num(r['total'])}, "
            f"harus 100 (selisih {_fmt_num(r['total'] - 100)}). Sesuaikan bobot {r['n']} "
            "indikator jabatan ini.",
        )


def _check_self_rating(t: _Table, out: dict, probs: _Problems) -> None:
    f = t.frame
    if not {"nip", "nip_penilai", "peran_penilai"} <= set(f):
        return
    ca, ua = t.uniq("nip")
    cb, ub = t.uniq("nip_penilai")
    same = (pd.Index(ua).get_indexer(ub)[cb] == ca) & out["ok:nip"]
    diri = (f["peran_penilai"] == "diri").to_numpy()
    known = out["ok:peran_penilai"]
    probs.rows(
        t,
        same & known & ~diri,
        "nip_penilai",
        lambda v: (
            f"Pegawai menilai dirinya sendiri dengan peran '{v}'. Penilaian diri harus berperan "
            "'diri'; ganti perannya atau perbaiki nip_penilai."
        ),
        f["peran_penilai"],
    )
    judged = out["ok:nip"] & out["ok:nip_penilai"]  # a wrong NIP is reported already
    probs.rows(
        t,
        ~same & diri & judged,
        "nip_penilai",
        "Peran 'diri' tetapi nip_penilai berbeda dari nip. Untuk penilaian diri isi nip_penilai "
        "sama dengan nip, atau ganti perannya.",
    )


def _validate(tables: dict[str, _Table | None], skala, probs: _Problems, path) -> Workbook | None:
    lo, hi = skala
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ParameterError(
            f"Skala {skala!r} tidak sah: isi dua angka (min, maks) dengan min < maks."
        )
    conv: dict[str, dict] = {}
    for name, t in tables.items():
        if t is None:
            continue
        _check_columns(t, probs)
        conv[name] = _convert(t, skala, probs)
        _check_duplicates(t, conv[name], probs)
    ins, peg, ind = tables.get("instansi"), tables.get("pegawai"), tables.get("indikator")
    rea, r360 = tables.get("realisasi"), tables.get("penilaian_360")
    skm, kom = tables.get("survei_skm"), tables.get("kompetensi")

    def ok(name, col):
        return conv[name].get("ok:" + col, np.zeros(len(tables[name].frame), dtype=bool))

    if peg is not None:
        _check_refs(
            peg, "kode_instansi", ok("pegawai", "kode_instansi"), ins, "kode_instansi", probs
        )
        miss = _check_refs(peg, "nip_atasan", ok("pegawai", "nip_atasan"), peg, "nip", probs)
        conv["pegawai"]["ok:nip_atasan"] = ok("pegawai", "nip_atasan") & ~miss
        _check_hierarchy(peg, conv["pegawai"], probs)
    if ind is not None:
        _check_refs(
            ind, "kode_instansi", ok("indikator", "kode_instansi"), ins, "kode_instansi", probs
        )
        _check_bobot(ind, conv["indikator"], probs)
    if rea is not None:
        b1 = _check_refs(
            rea, "kode_indikator", ok("realisasi", "kode_indikator"), ind, "kode_indikator", probs
        )
        b2 = _check_refs(rea, "nip", ok("realisasi", "nip"), peg, "nip", probs)
        if peg is not None and ind is not None:
            good = ok("realisasi", "nip") & ok("realisasi", "kode_indikator") & ~b1 & ~b2
            _check_realisasi_jabatan(rea, good, peg, ind, probs)
    if r360 is not None:
        _check_refs(r360, "nip", ok("penilaian_360", "nip"), peg, "nip", probs)
        if "peran_penilai" in r360.frame:
            internal = (r360.frame["peran_penilai"] != "pengguna_layanan").to_numpy()
            _check_refs(
                r360, "nip_penilai", ok("penilaian_360", "nip_penilai"), peg, "nip", probs, internal
            )
        _check_self_rating(r360, conv["penilaian_360"], probs)
    if skm is not None:
        _check_refs(
            skm, "kode_instansi", ok("survei_skm", "kode_instansi"), ins, "kode_instansi", probs
        )
    if kom is not None:
        _check_refs(kom, "nip", ok("kompetensi", "nip"), peg, "nip", probs)
    if probs.errors:
        return None
    _trim_heap()
    out = {name: _output_frame(t, conv[name]) for name, t in tables.items() if t is not None}
    wb = Workbook(**{n: out.get(n) for n in TABLES}, path=path)
    wb.peringatan = probs.sorted("peringatan")
    return wb


def _output_frame(t: _Table, conv: dict) -> pd.DataFrame:
    cols: dict[str, object] = {}
    n = len(t.frame)

    def text(col):  # categorical → "str" column, '' → NA; one object array per column
        cat = t.frame[col].array
        u = pd.Series(cat.categories, dtype="str")
        return pd.Series(u.where(u != "").array.take(cat.codes))

    for c in _SCHEMA[t.name]:
        v = conv.get(c.name)
        if c.kind in ("num", "int"):
            arr = np.full(n, np.nan) if v is None else v
            cols[c.name] = arr.astype(np.int64) if c.kind == "int" else arr.astype(np.float64)
        elif c.name in t.frame:
            cols[c.name] = text(c.name)
        elif not c.always:
            continue
        else:
            cols[c.name] = pd.Series(np.full(n, np.nan), dtype="str")
    schema = {c.name for c in _SCHEMA[t.name]}
    for extra in t.frame.columns:
        if extra not in schema:
            cols[extra] = text(extra)
    return pd.DataFrame(cols)


# --------------------------------------------------------------------------- public API
@dataclass(repr=False, eq=False)
class Workbook:
    """A validated workbook: one DataFrame per table of DESIGN §3.

    Attributes
    ----------
    instansi, pegawai, indikator, penilaian_360 : pandas.DataFrame
        Required tables.
    realisasi, survei_skm, kompetensi : pandas.DataFrame or None
        Optional tables (``None`` when absent).
    path : str or None
        Where the data came from (folder, ``.xlsx`` or the in-memory source name).
    peringatan : list of Problem
        Warnings of the validation (e.g. an empty optional table that was skipped).
    """

    instansi: pd.DataFrame
    pegawai: pd.DataFrame
    indikator: pd.DataFrame
    realisasi: pd.DataFrame | None
    penilaian_360: pd.DataFrame
    survei_skm: pd.DataFrame | None = None
    kompetensi: pd.DataFrame | None = None
    path: str | None = None
    peringatan: list[Problem] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables present, by name, in DESIGN §3 order."""
        return {n: getattr(self, n) for n in TABLES if getattr(self, n) is not None}

    @property
    def periode(self) -> list[str]:
        """Sorted distinct periods found in realisasi, penilaian_360 and survei_skm."""
        found: set[str] = set()
        for name in ("realisasi", "penilaian_360", "survei_skm"):
            t = getattr(self, name)
            if t is not None:
                found.update(t["periode"].dropna().unique())
        return sorted(found)

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={len(t)}" for n, t in self.tables.items())
        return f"Workbook(path={self.path!r}, {parts})"

    def untuk_instansi(self, kode: str) -> Workbook:
        """Only the rows of one instansi in every table.

        360 ratings, realisasi and kompetensi are kept when the *ratee* (``nip``) belongs to
        the instansi.

        Raises
        ------
        ParameterError
            When ``kode`` is not a ``kode_instansi`` of this workbook.
        """
        codes = list(self.instansi["kode_instansi"])
        if kode not in codes:
            shown = ", ".join(codes[:30]) + (" …" if len(codes) > 30 else "")
            raise ParameterError(
                f"Kode instansi '{kode}' tidak ada di data. Pilih salah satu: {shown}."
                + _suggest(kode, codes)
            )
        nips = self.pegawai.loc[self.pegawai["kode_instansi"] == kode, "nip"]

        def keep(frame, mask):
            return None if frame is None else frame[np.asarray(mask)].reset_index(drop=True)

        def by_nip(frame):
            return None if frame is None else keep(frame, frame["nip"].isin(nips))

        def by_inst(frame):
            return None if frame is None else keep(frame, frame["kode_instansi"] == kode)

        return Workbook(
            instansi=by_inst(self.instansi),
            pegawai=by_inst(self.pegawai),
            indikator=by_inst(self.indikator),
            realisasi=by_nip(self.realisasi),
            penilaian_360=by_nip(self.penilaian_360),
            survei_skm=by_inst(self.survei_skm),
            kompetensi=by_nip(self.kompetensi),
            path=self.path,
        )

    def ringkasan(self) -> str:
        """A short Indonesian summary: rows per table, instansi, periods."""
        nama = Path(self.path).name if self.path else ""  # no server path on a page
        lines = [f"Data valid: {nama}", "", "Jumlah baris per tabel:"]
        for name in TABLES:
            t = getattr(self, name)
            lines.append(
                f"  {name:<15} {'(tidak ada)' if t is None else _fmt_int(len(t)) + ' baris':>14}"
            )
        inst = self.instansi
        lines += ["", f"Instansi ({len(inst)}):"]
        counts = self.pegawai["kode_instansi"].value_counts()
        for kode, nama in zip(inst["kode_instansi"][:40], inst["nama_instansi"][:40], strict=True):
            lines.append(f"  {kode:<12} {nama} — {_fmt_int(int(counts.get(kode, 0)))} pegawai")
        if len(inst) > 40:
            lines.append(f"  … dan {len(inst) - 40} instansi lain")
        per = self.periode
        lines += ["", f"Periode: {', '.join(per) if per else '(tidak ada)'}"]
        warn = getattr(self, "peringatan", [])
        if warn:
            lines += ["", f"Peringatan ({len(warn)}):"] + [f"  - {p}" for p in warn]
        return "\n".join(lines)

    def to_excel(self, path) -> Path:
        """Write one sheet per table to ``path`` (.xlsx); NIP and other text as text cells.

        The file is written to a temporary name first and then renamed, so a crash never
        leaves a half-written workbook.
        """
        from openpyxl import Workbook as XlWorkbook
        from openpyxl.cell import WriteOnlyCell

        path = Path(path)
        book = XlWorkbook(write_only=True)
        for name, frame in self.tables.items():
            ws = book.create_sheet(name)
            ws.append(list(frame.columns))
            cols = []
            for c in frame.columns:
                s = frame[c]
                if pd.api.types.is_numeric_dtype(s.dtype):
                    cols.append([None if pd.isna(x) else x.item() for x in s.to_numpy()])
                else:
                    cols.append([None if pd.isna(x) else str(x) for x in s.to_numpy(object)])
            for row in zip(*cols, strict=True):
                cells = []
                for v in row:
                    if isinstance(v, str) and v.startswith("="):
                        cell = WriteOnlyCell(ws, value=v)
                        cell.data_type = "s"  # text, never a formula
                        v = cell
                    cells.append(v)
                ws.append(cells)
        fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
        os.close(fd)
        try:
            book.save(tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path


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
    cached = workbook_dari_cache(path, skala=skala)
    if cached is not None:
        return cached
    try:
        return _load(path, skala)
    except MemoryError:
        size = _size_mb(path)
        msg = (
            f"Memori tidak cukup untuk memeriksa '{path}' ({_fmt_int(size)} MB). Tutup program "
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
    probs = _Problems()
    tables: dict[str, _Table | None] = {}
    if path.is_dir():
        files = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        if not any(f"{name}.csv" in files for name in TABLES):
            raise DataError([_no_tables(path, files)])
        for name in TABLES:
            p = files.get(f"{name}.csv")
            if p is None:
                tables[name] = None
                _missing_table(name, f"{name}.csv", f"berkas '{name}.csv' di {path}", probs)
            else:
                tables[name] = _read_csv(name, p, probs)
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
    wb = _validate(tables, skala, probs, str(path))
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


# --------------------------------------------------------------------------- cache
#: Environment variable naming a folder of validated-workbook caches (written by
#: :func:`tulis_cache`, e.g. by :func:`kinerja_calib.reports.run_batch` once in the parent
#: process, in a private temporary folder). When it is set, :func:`load_workbook` and the
#: notebooks' parameter check use a cache whose signature, source path, data-file fingerprint
#: and ``skala`` match instead of re-reading and re-validating the data.
ENV_CACHE = "KINERJA_CALIB_CACHE_LAPORAN"
#: Environment variable holding the cache's signing key (hex): a random key per batch run,
#: handed to the workers and their kernels by the environment, never written to disk. A cache
#: file is unpickled only after its HMAC-SHA256 under this key has been verified, so a file
#: planted in the cache folder (or a folder the variable was pointed at) is never loaded.
ENV_KUNCI = "KINERJA_CALIB_CACHE_KUNCI"
_CACHE_ALL = "_semua"
_CACHE_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CACHE_MAGIC = b"KCC1"
_CACHE_TAG = 32  # HMAC-SHA256 digest size


def sidik_data(path: str | os.PathLike) -> list[tuple[str, int, int]]:
    """Fingerprint of a workbook path: (name, size, mtime_ns) of every data file."""
    path = Path(path)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files]


def _cache_tag(kunci: bytes, name: str, payload: bytes) -> bytes:
    import hashlib
    import hmac

    # the file's name is signed too: one instansi's slice cannot be passed off as another's
    return hmac.new(kunci, name.encode() + b"\0" + payload, hashlib.sha256).digest()


def _cache_blob(data: Path, sidik: list, skala, wb: Workbook, kunci: bytes, name: str) -> bytes:
    import pickle

    key = {"sumber": str(data), "sidik": sidik, "skala": tuple(float(x) for x in skala)}
    payload = pickle.dumps({**key, "wb": wb}, protocol=pickle.HIGHEST_PROTOCOL)
    return _CACHE_MAGIC + _cache_tag(kunci, name, payload) + payload


def _write_atomic(path: Path, blob: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cache_key_env() -> bytes | None:
    text = os.environ.get(ENV_KUNCI, "")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        return None
    return key if len(key) >= 16 else None


def tulis_cache(
    folder: str | os.PathLike,
    data: str | os.PathLike,
    wb_all: Workbook,
    skala=(1, 5),
    *,
    kunci: bytes | None = None,
) -> bytes:
    """Write the signed workbook cache: ``_semua.pkl`` plus one ``<kode>.pkl`` per instansi.

    Each file is ``KCC1`` + HMAC-SHA256(key, name + payload) + a pickle; readers verify the
    signature before unpickling (:func:`workbook_dari_cache`). Put the folder somewhere private
    (``run_batch`` uses a fresh ``tempfile.mkdtemp`` folder, mode 0700, removed on exit), never
    in a folder that is shipped to users.

    Parameters
    ----------
    folder : path-like
        Cache folder (created mode 0700 when missing); point :data:`ENV_CACHE` at it.
    data : path-like
        The workbook path ``wb_all`` was loaded from (the cache key: resolved path, file
        names, sizes and modification times).
    wb_all : Workbook
        The whole validated workbook.
    skala : tuple of float
        The rating scale ``wb_all`` was validated with (part of the key).
    kunci : bytes, optional
        Signing key (at least 16 bytes). Default: the key in :data:`ENV_KUNCI`, else a new
        random key, which is then exported to :data:`ENV_KUNCI` so that this process and
        the processes it starts can read the cache.

    Returns
    -------
    bytes
        The signing key used (readers need it in :data:`ENV_KUNCI`).
    """
    if kunci is None:
        kunci = _cache_key_env()
        if kunci is None:
            import secrets

            kunci = secrets.token_bytes(32)
            os.environ[ENV_KUNCI] = kunci.hex()
    if len(kunci) < 16:
        raise ParameterError("Kunci cache terlalu pendek (minimal 16 byte).")
    data = Path(data).expanduser().resolve()
    sidik = sidik_data(data)
    folder = Path(folder)
    blob = _cache_blob(data, sidik, skala, wb_all, kunci, _CACHE_ALL)
    _write_atomic(folder / f"{_CACHE_ALL}.pkl", blob)
    for kode in wb_all.instansi["kode_instansi"].astype(str):
        if _CACHE_NAME_RE.fullmatch(kode) and kode != _CACHE_ALL:
            blob = _cache_blob(data, sidik, skala, wb_all.untuk_instansi(kode), kunci, kode)
            _write_atomic(folder / f"{kode}.pkl", blob)
    return kunci


def workbook_dari_cache(
    path: str | os.PathLike, kode_instansi: str | None = None, skala=(1, 5)
) -> Workbook | None:
    """The validated workbook (or one instansi's slice) from the cache, else ``None``.

    Used only when :data:`ENV_CACHE` names a folder holding a cache file whose signature
    verifies under the key in :data:`ENV_KUNCI` (checked *before* anything is unpickled) and
    whose source path, data-file fingerprint (names, sizes, modification times) and ``skala``
    match; a missing, unsigned, tampered or stale cache is ignored (the caller reads the
    data instead).
    """
    import hmac
    import pickle

    folder = os.environ.get(ENV_CACHE)
    kunci = _cache_key_env()
    if not folder or kunci is None:
        return None
    name = _CACHE_ALL if not kode_instansi else str(kode_instansi)
    if not _CACHE_NAME_RE.fullmatch(name):
        return None
    f = Path(folder) / f"{name}.pkl"
    try:
        raw = f.read_bytes()
    except OSError:
        return None
    head = len(_CACHE_MAGIC)
    tag, payload = raw[head : head + _CACHE_TAG], raw[head + _CACHE_TAG :]
    if raw[:head] != _CACHE_MAGIC or not hmac.compare_digest(tag, _cache_tag(kunci, name, payload)):
        return None  # not written by this run: never unpickled
    try:
        path = Path(path).expanduser().resolve()
        blob = pickle.loads(payload)  # signed by tulis_cache with this run's key
        key = (blob["sumber"], blob["sidik"], blob.get("skala"))
        if key != (str(path), sidik_data(path), tuple(float(x) for x in skala)):
            return None
    except Exception:  # a stale cache is ignored, the data is read instead
        return None
    return blob["wb"]


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
    probs = _Problems()
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ParameterError(
            f"Tabel tidak dikenal: {', '.join(sorted(unknown))}. Nama tabel yang sah: "
            f"{', '.join(TABLES)}."
        )
    read: dict[str, _Table | None] = {}
    for name in TABLES:
        file = f"{source}:{name}"
        frame = tables.get(name)
        if frame is None:
            read[name] = None
            _missing_table(name, file, f"tabel '{name}' di {source}", probs)
            continue
        if len(frame) == 0:
            read[name] = None
            _empty_table(name, file, "Tabel kosong (tanpa baris data). Isi datanya.", probs)
            continue
        cols = [_as_text(frame.iloc[:, i]) for i in range(frame.shape[1])]
        b = _Builder(frame.shape[1])
        b.add([c for c, _ in cols], np.arange(2, len(frame) + 2), [ty for _, ty in cols])
        read[name] = b.finish(name, file, [str(c) for c in frame.columns], probs)
    wb = _validate(read, skala, probs, source)
    if wb is None:
        raise probs.error()
    return wb
