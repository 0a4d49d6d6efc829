"""Exception hierarchy of kinerja-calib.

Every error a user can meet is a :class:`KinerjaCalibError`; its message is in
Bahasa Indonesia and says what to fix. Bad input data raises :class:`DataError`,
which carries *all* problems found in one pass as :class:`Problem` records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

__all__ = [
    "KOLOM_MASALAH",
    "DataError",
    "KinerjaCalibError",
    "ParameterError",
    "Peringatan",
    "Problem",
    "ReportError",
    "tabel_masalah",
]


class KinerjaCalibError(Exception):
    """Base class of every error raised on purpose by kinerja-calib."""


class Peringatan(UserWarning):
    """Base class of every warning raised on purpose by kinerja-calib.

    Its message is a sentence in Bahasa Indonesia for the user; in a notebook
    (:func:`kinerja_calib._display.pasang_tampilan`) it is shown as that sentence alone, without
    the file and line Python adds.
    """


@dataclass(frozen=True)
class Problem:
    """One problem found in the input data.

    Parameters
    ----------
    file : str
        File (or ``file.xlsx:sheet``) the problem sits in.
    row : int or None
        1-based row as a spreadsheet shows it (header = row 1); ``None`` when the
        problem concerns the whole file or column.
    column : str or None
        Column name, or ``None`` when the problem concerns a whole row or file.
    message : str
        What is wrong and how to fix it, in Bahasa Indonesia.
    jumlah : int, default 1
        Rows this problem stands for: a problem whose cause repeats (one wrong value in many
        rows, one bad NIP that other tables refer to) is reported once, at its first row,
        with the number of rows it affects (the message lists the first of them).
    tingkat : {"galat", "peringatan"}, default "galat"
        ``"peringatan"`` (a warning) is shown but does not stop the data from loading.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    jumlah: int = 1
    tingkat: str = "galat"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", baris {self.row}"
        if self.column is not None:
            where += f", kolom '{self.column}'"
        return f"{where}: {self.message}"


class DataError(KinerjaCalibError, ValueError):
    """Input data that cannot be used as it is.

    Parameters
    ----------
    problems : list of Problem
        Every problem found, in file/row order.
    peringatan : list of Problem, optional
        Warnings found on the way (shown, not fatal).
    """

    def __init__(self, problems: list[Problem], peringatan: list[Problem] | None = None):
        self.problems = list(problems)
        self.peringatan = list(peringatan or [])
        super().__init__(self._summary())

    def _summary(self) -> str:
        n = len(self.problems)
        lines = [f"Data tidak valid: ditemukan {n} masalah."]
        lines += [f"  - {p}" for p in self.problems[:50]]
        if n > 50:
            lines.append(
                f"  ... dan {n - 50} masalah lain (tulis semuanya dengan "
                "`kinerja-calib validasi DATA --masalah masalah.xlsx`)."
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the problems as a tidy table (``berkas, baris, kolom, masalah``)."""
        return tabel_masalah(self.problems)


#: Column headers of a problem list (Bahasa Indonesia), in file order.
KOLOM_MASALAH = ("tingkat", "berkas", "baris", "kolom", "masalah", "jumlah_baris")


def tabel_masalah(problems, tingkat: bool = False) -> pd.DataFrame:
    """Problems as a table: ``berkas, baris, kolom, masalah`` (+ ``tingkat, jumlah_baris``).

    A missing row or column is an empty cell, never ``<NA>`` or ``None``.
    """
    rows = [asdict(p) for p in problems]
    frame = pd.DataFrame(rows, columns=["file", "row", "column", "message", "jumlah", "tingkat"])
    frame["row"] = frame["row"].astype("Int64")
    frame["column"] = frame["column"].fillna("").astype(str)
    frame = frame.rename(
        columns={
            "file": "berkas",
            "row": "baris",
            "column": "kolom",
            "message": "masalah",
            "jumlah": "jumlah_baris",
        }
    )
    if not tingkat:
        return frame[["berkas", "baris", "kolom", "masalah"]]
    frame["jumlah_baris"] = frame["jumlah_baris"].astype("int64")
    return frame[list(KOLOM_MASALAH)]


class ParameterError(KinerjaCalibError, ValueError):
    """A function or notebook parameter that cannot be used (message in Indonesian)."""


class ReportError(KinerjaCalibError):
    """A per-instansi report run that failed."""
