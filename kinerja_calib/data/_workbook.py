"""The :class:`Workbook` container of validated tables."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ParameterError, Problem
from ._problems import fmt_int, suggest
from ._schema import TABLES


@dataclass(repr=False, eq=False)
class Workbook:
    """A validated workbook: one DataFrame per table of docs/skema-data.md §2.

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
        """The tables present, by name, in the order of docs/skema-data.md §1."""
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
                + suggest(kode, codes)
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
                f"  {name:<15} {'(tidak ada)' if t is None else fmt_int(len(t)) + ' baris':>14}"
            )
        inst = self.instansi
        lines += ["", f"Instansi ({len(inst)}):"]
        counts = self.pegawai["kode_instansi"].value_counts()
        for kode, nama in zip(inst["kode_instansi"][:40], inst["nama_instansi"][:40], strict=True):
            lines.append(f"  {kode:<12} {nama} — {fmt_int(int(counts.get(kode, 0)))} pegawai")
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
