"""Cell texts to a :class:`Table`: categorical chunks, row widths, empty and missing tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._problems import Problems
from ._schema import OPTIONAL_TABLES, SCHEMA
from ._table import Table

EMPTY_MSG = (
    "Berkas kosong (tidak ada baris judul). Isi baris 1 dengan nama kolom, data mulai baris 2."
)
_HEADER_ONLY_MSG = "Berkas hanya berisi baris judul, tanpa data. Isi data mulai baris 2."


def trim_heap() -> None:
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


def norm_header(h) -> str:
    return re.sub(r"\s+", "_", str(h).strip().lower())


def empty_table(name: str, file: str, message: str, probs: Problems) -> None:
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


class Builder:
    """Builds a :class:`Table` chunk by chunk, each column encoded as a categorical.

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

    def finish(self, name: str, file: str, header, probs: Problems) -> Table | None:
        if not header or not any(str(h).strip() for h in header):
            empty_table(name, file, EMPTY_MSG, probs)
            return None
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)
        if rows.size == 0:
            empty_table(name, file, _HEADER_ONLY_MSG, probs)
            return None
        cols = {}
        for j in range(self.width):
            codes = np.concatenate(self.codes[j])
            self.codes[j] = []
            cols[j] = pd.Categorical.from_codes(codes, categories=self.cats[j], validate=False)
        frame = pd.DataFrame(cols)
        names = [norm_header(h) for h in header]
        frame.columns = names
        typed = {}
        for j in np.flatnonzero(self.any_typed):
            typed.setdefault(names[j], np.concatenate(self.typed[j]))
        return Table(name, file, frame, rows, typed)


def pesan_lebar(n: int, width: int) -> str:
    """The problem of a data row with ``n`` cells under a header of ``width`` columns."""
    return (
        f"Baris ini berisi {n} sel, padahal baris judul punya {width} kolom. "
        "Periksa pemisah (; atau ,) dan tanda kutip di baris ini."
    )


def from_records(name, file, records, probs, pad=False, typed=None) -> Table | None:
    """Build a Table from header + data records (lists of strings), checking their width.

    ``typed`` (optional) holds, record by record, which cells were typed numbers; a kept
    record's flags are its first ``width`` ones (a padded cell is not typed).
    """
    if not records:
        empty_table(name, file, EMPTY_MSG, probs)
        return None
    width = len(records[0])
    good, rows = [], []
    for i, rec in enumerate(records[1:]):
        if pad and len(rec) < width:
            rec = list(rec) + [""] * (width - len(rec))  # trailing empty cells of a sheet
        if len(rec) != width:
            if not any(c.strip() for c in rec):
                continue  # blank line
            if len(rec) > width and not any(c.strip() for c in rec[width:]):
                rec = rec[:width]
            else:
                probs.one(name, file, i + 2, None, pesan_lebar(len(rec), width))
                continue
        good.append(rec)
        rows.append(i + 2)
    b = Builder(width)
    if good:
        arr = np.empty((len(good), width), dtype=object)
        arr[:] = good
        ty_cols = None
        if typed is not None:
            tarr = np.zeros((len(good), width), dtype=bool)
            for k, r in enumerate(rows):
                ty = typed[r - 1][:width]
                tarr[k, : len(ty)] = ty
            ty_cols = list(tarr.T)
        b.add(list(arr.T), np.asarray(rows), ty_cols)
    return b.finish(name, file, records[0], probs)


def cell_text(v) -> str:
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


def missing_table(name: str, file: str, what: str, probs: Problems) -> None:
    if name in OPTIONAL_TABLES:
        return
    cols = ", ".join(c.name for c in SCHEMA[name] if c.present)
    msg = f"Tabel wajib '{name}' tidak ditemukan ({what}). Tambahkan dengan kolom: {cols}."
    probs.one(name, file, None, None, msg)


def as_text(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Any in-memory column → (strings, '' for missing; typed-number mask).

    Converted once per distinct value.
    """
    codes, u = pd.factorize(s.to_numpy())
    texts = np.array([cell_text(x) for x in u] + [""], dtype=object)
    num = np.array(
        [isinstance(x, float | int | np.number) and not isinstance(x, bool | np.bool_) for x in u]
        + [False],
        dtype=bool,
    )
    return texts[codes], num[codes]
