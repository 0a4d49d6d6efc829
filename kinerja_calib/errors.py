"""Exception hierarchy of kinerja-calib.

Every error a user can meet is a :class:`KinerjaCalibError`; its message is in
Bahasa Indonesia and says what to fix. Bad input data raises :class:`DataError`,
which carries *all* problems found in one pass as :class:`Problem` records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

__all__ = ["DataError", "KinerjaCalibError", "ParameterError", "Problem", "ReportError"]


class KinerjaCalibError(Exception):
    """Base class of every error raised on purpose by kinerja-calib."""


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
    """

    file: str
    row: int | None
    column: str | None
    message: str

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
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        n = len(self.problems)
        lines = [f"Data tidak valid: ditemukan {n} masalah."]
        lines += [f"  - {p}" for p in self.problems[:50]]
        if n > 50:
            lines.append(f"  ... dan {n - 50} masalah lain (lihat DataError.problems).")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the problems as a tidy table (``berkas, baris, kolom, masalah``)."""
        rows = [asdict(p) for p in self.problems]
        frame = pd.DataFrame(rows, columns=["file", "row", "column", "message"])
        frame["row"] = frame["row"].astype("Int64")
        return frame.rename(
            columns={"file": "berkas", "row": "baris", "column": "kolom", "message": "masalah"}
        )


class ParameterError(KinerjaCalibError, ValueError):
    """A function or notebook parameter that cannot be used (message in Indonesian)."""


class ReportError(KinerjaCalibError):
    """A per-instansi report run that failed."""
