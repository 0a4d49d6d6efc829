"""Reading a CSV table: encoding, delimiter, chunked categorical parsing, foreign bytes."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ._builder import EMPTY_MSG, Builder, empty_table, pesan_lebar, trim_heap
from ._problems import Problems, quote
from ._table import Table

CHUNK_ROWS = 100_000  # rows per chunk of a CSV read: bounds the memory of Python strings
_BAD_CHAR = "\ufffd"  # what an invalid UTF-8 byte is read as


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


def read_csv(name: str, path: Path, probs: Problems, chunk_rows: int = CHUNK_ROWS) -> Table | None:
    """Read one table's CSV; ``chunk_rows`` rows are parsed at a time."""
    file = path.name
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip() and path.stat().st_size <= len(head):
        msg = "Berkas kosong (0 bita). Isi baris 1 dengan nama kolom, data mulai baris 2."
        empty_table(name, file, msg, probs)
        return None
    enc, kind = _encoding(path)
    if enc is None:
        msg = "Pengodean berkas tidak dikenali. Simpan ulang sebagai 'CSV UTF-8' dari Excel."
        probs.one(name, file, None, None, msg)
        return None
    with open(path, encoding=enc, errors="replace", newline="") as fh:
        sep = _sniff(fh.readline())
    try:
        t = _read_csv_c(name, path, sep, enc, probs, chunk_rows)
    except (pd.errors.ParserError, ValueError, OverflowError):
        t = _read_csv_py(name, path, sep, enc, probs, chunk_rows)
    trim_heap()
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


def _read_csv_c(name, path, sep, enc, probs, chunk_rows) -> Table | None:
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
            chunksize=chunk_rows,
            encoding=enc,
            encoding_errors="replace",
        )
    except pd.errors.EmptyDataError:
        empty_table(name, file, EMPTY_MSG, probs)
        return None
    with reader:
        for chunk in reader:
            cols = [chunk.iloc[:, j].array for j in range(chunk.shape[1])]
            rows = np.arange(start, start + len(chunk))
            start += len(chunk)
            if header is None:
                header = [c[0] if isinstance(c[0], str) else "" for c in cols]
                b = Builder(len(header))
                cols, rows = [c[1:] for c in cols], rows[1:]
            if len(rows):
                b.add(cols, rows)
            del chunk, cols
    if header is None:
        empty_table(name, file, EMPTY_MSG, probs)
        return None
    return b.finish(name, file, header, probs)


def _read_csv_py(name, path, sep, enc, probs, chunk_rows) -> Table | None:
    """Streaming fallback with the csv module: reports rows of the wrong width by row."""
    file = path.name
    b = header = None
    width = 0
    with open(path, encoding=enc, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        try:
            header = next(reader, None)
            if header is None:
                empty_table(name, file, EMPTY_MSG, probs)
                return None
            width = len(header)
            b = Builder(width)
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
                        probs.one(name, file, i + 2, None, pesan_lebar(len(rec), width))
                        continue
                batch.append(rec)
                rows.append(i + 2)
                if len(batch) == chunk_rows:
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


def _add_records(b: Builder, batch, rows, width) -> None:
    arr = np.empty((len(batch), width), dtype=object)
    arr[:] = batch
    b.add(list(arr.T), np.asarray(rows))


def _report_bad_bytes(t: Table, probs: Problems) -> None:
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
                f"Sel berisi byte yang tidak sah dalam UTF-8 (terbaca {quote(v)}); berkas ini "
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
            f"Judul kolom {quote(h)} berisi byte yang tidak sah dalam UTF-8. Simpan berkas sebagai "
            "UTF-8 ('CSV UTF-8' di Excel).",
        )
