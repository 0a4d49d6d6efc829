"""Excel export of one instansi's report tables (:func:`write_excel`), with cells that
would start a formula neutralised (:func:`netralkan_formula`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._angka import format_angka_excel, judul_kolom
from .._berkas import write_atomic
from ..errors import ParameterError
from ..privacy import AMBANG_BAWAAN
from ._sections_base import KonteksLaporan, prepare_report

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def netralkan_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with ``'`` (CSV/formula injection).

    Numbers are returned unchanged; only strings starting with ``= + - @`` (or tab / CR)
    are neutralised.

    Examples
    --------
    >>> netralkan_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> netralkan_formula(-3.5), netralkan_formula("Dinas")
    (-3.5, 'Dinas')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_excel(
    data: str | os.PathLike | KonteksLaporan,
    kode_instansi: str | None = None,
    path: str | os.PathLike | None = None,
    *,
    periode: str = "",
    aturan: str = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> Path:
    """Write an ``.xlsx`` summary for one instansi (atomically).

    Sheets: ``predikat`` (shares per predikat), ``capaian`` (per jabatan), ``ikm`` (per
    service unit), ``360_ditekan`` (how many 360 groups were suppressed, per role — counts
    only). Every text cell is passed through :func:`netralkan_formula`, and cells are
    written as values (never formulas).

    Parameters
    ----------
    data : path-like or KonteksLaporan
        The workbook path (then ``kode_instansi`` is required) or a prepared context.
    path : path-like
        Target ``.xlsx`` file.
    """
    import pandas as pd

    ctx = (
        data
        if isinstance(data, KonteksLaporan)
        else prepare_report(str(data), kode_instansi, periode, aturan, ambang_anonimitas)
    )
    if path is None:
        raise ParameterError("Berikan jalur berkas .xlsx tujuan (path).")
    sheets = ctx.tabel_excel()

    def clean(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        # headers a person reads ("Capaian rata-rata", "Persen (%)"), never a formula
        df.columns = [netralkan_formula(judul_kolom(c)) for c in df.columns]
        for i in range(df.shape[1]):
            s = df.iloc[:, i]
            if pd.api.types.is_float_dtype(s):
                df.isetitem(i, s.round(2))
            elif not pd.api.types.is_numeric_dtype(s):
                df.isetitem(i, s.astype(object).map(netralkan_formula))
        return df

    def writer(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, df in sheets.items():
                shown = clean(df)
                shown.to_excel(xw, sheet_name=name[:31], index=False)
                format_angka_excel(xw.book[name[:31]], shown)
            # openpyxl would turn a leading "=" into a formula; we neutralised them, but
            # make sure no cell is typed as a formula either.
            for ws in xw.book.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":
                            cell.value = "'" + str(cell.value)
                            cell.data_type = "s"

    return write_atomic(path, writer)
