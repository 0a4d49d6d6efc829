"""One parameter check for every notebook: data, kode_instansi, periode, aturan, ambang.

The first code cell after a notebook's ``parameters`` cell (the one papermill injects values
into) validates the parameters through a package function (docs/praktik.md §D): papermill only
*warns* about unknown or mistyped parameters, so the checks live here. Each notebook module's
``prepare`` is a thin wrapper::

    cek = ProblemCollector()
    cek.angka("n_boot", n_boot, 0, bulat=True)       # notebook-specific checks ...
    ctx = validate(data, kode_instansi, periode, aturan, pemeriksa=cek)  # ... one error

:func:`validate` collects **all** problems (its own and those already in the
:class:`ProblemCollector`) and raises one :class:`~kinerja_calib.errors.ParameterError` in
Indonesian, listing the valid choices (instansi codes, periods, rules names). Data errors of
the workbook itself stay a :class:`~kinerja_calib.errors.DataError` (every bad cell at once).

Privacy: :func:`validate` takes the notebook's ``ambang_anonimitas`` and applies
:func:`kinerja_calib.privacy.suppress_workbook` to the (instansi-filtered) workbook, so every
cell downstream sees only the 360 groups at or above the threshold.

When the batch (``kinerja-calib laporan``) exports a validated-workbook cache
(:data:`kinerja_calib.data.ENV_CACHE`), the instansi's slice is taken from it instead of
re-reading and re-validating the whole province per notebook.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError, KinerjaCalibError, ParameterError
from .privacy import AMBANG_BAWAAN

__all__ = ["TABEL_BERPERIODE", "Konteks", "Pemeriksa", "ProblemCollector", "validate"]

#: Tables with a ``periode`` column (the default source of the valid periods).
TABEL_BERPERIODE = ("realisasi", "penilaian_360", "survei_skm")


class ProblemCollector:
    """Collects parameter problems (Indonesian sentences) and raises them together.

    Examples
    --------
    >>> cek = ProblemCollector()
    >>> cek.angka("target", 1.5, 0, 1, buka=True, contoh="0.8")
    False
    >>> cek.pilihan("peran", "teman", ["atasan", "rekan"])
    False
    >>> len(cek.masalah)
    2
    """

    def __init__(self) -> None:
        self.masalah: list[str] = []

    def tambah(self, pesan: str) -> None:
        """Add one problem."""
        self.masalah.append(pesan)

    def angka(
        self,
        nama: str,
        nilai: Any,
        min: float | None = None,
        max: float | None = None,
        *,
        bulat: bool = False,
        buka: bool = False,
        contoh: str | None = None,
    ) -> bool:
        """Check a number (``bool`` is refused); ``bulat`` = integer; ``buka`` = open bounds.

        Returns whether ``nilai`` passed (the problem is recorded otherwise).
        """
        jenis = int | np.integer if bulat else int | float | np.integer | np.floating
        ok = isinstance(nilai, jenis) and not isinstance(nilai, bool)
        if ok and min is not None:
            ok = nilai > min if buka else nilai >= min
        if ok and max is not None:
            ok = nilai < max if buka else nilai <= max
        if not ok:
            teks = "bilangan bulat" if bulat else "angka"
            if min is not None and max is not None:
                teks += (
                    f" di antara {_fmt(min)} dan {_fmt(max)}"
                    if buka
                    else f" {_fmt(min)}–{_fmt(max)}"
                )
            elif min is not None:
                teks += f" {'>' if buka else '≥'} {_fmt(min)}"
            elif max is not None:
                teks += f" {'<' if buka else '≤'} {_fmt(max)}"
            if contoh:
                teks += f" (mis. {contoh})"
            self.tambah(f"{nama} harus {teks}, bukan {nilai!r}.")
        return ok

    def pilihan(self, nama: str, nilai: Any, pilihan: Iterable[Any]) -> bool:
        """Check that ``nilai`` is one of ``pilihan`` (the list is shown in the message)."""
        pilihan = list(pilihan)
        ok = any(nilai == p and type(nilai) is type(p) for p in pilihan)
        if not ok:
            self.tambah(f"{nama} harus salah satu dari {pilihan}, bukan {nilai!r}.")
        return ok

    def teks(self, nama: str, nilai: Any, contoh: str = "") -> bool:
        """Check that ``nilai`` is a string."""
        ok = isinstance(nilai, str)
        if not ok:
            self.tambah(
                f"{nama} harus teks{f' seperti {contoh}' if contoh else ''}, bukan {nilai!r}."
            )
        return ok

    def periksa(self) -> None:
        """Raise one :class:`ParameterError` listing every problem (if any)."""
        if len(self.masalah) == 1:
            raise ParameterError(f"Parameter notebook tidak valid: {self.masalah[0]}")
        if self.masalah:
            raise ParameterError(
                "Parameter notebook tidak valid:\n  - " + "\n  - ".join(self.masalah)
            )


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass
class Konteks:
    """What :func:`validate` resolved.

    Attributes
    ----------
    wb : Workbook
        The workbook, filtered with ``Workbook.untuk_instansi`` when ``kode_instansi`` is set.
    periode : str
        The resolved period ("" → the latest of the period tables).
    periode_semua : list of str
        Every period of those tables (sorted).
    aturan : Rules or None
        The loaded rules (``None`` when ``aturan=None`` was passed).
    kode_instansi : str
        "" (whole province) or the checked code.
    data : pathlib.Path
        The resolved workbook path.
    ambang : int
        The anonymity threshold applied to ``wb.penilaian_360``.
    ditekan : DataFrame or None
        The suppressed 360 groups (``nip, periode, peran_penilai, n_penilai``; counts only —
        internal, never publish it per pegawai).
    """

    wb: Any
    periode: str
    periode_semua: list[str] = field(default_factory=list)
    aturan: Any = None
    kode_instansi: str = ""
    data: Path = Path(".")
    ambang: int = AMBANG_BAWAAN
    ditekan: Any = None

    def penilaian_periode(self, periode: Any) -> tuple[str, Any]:
        """The period and the 360 ratings of it that a 360 notebook works on.

        ``periode`` is the parameter as given: when it names a period, that one; when it is
        empty, the latest period of the 360 ratings (an instansi without 360 ratings keeps
        :attr:`periode` and gets an empty table, so every section can say it needs them).
        """
        per = self.wb.penilaian_360["periode"].astype("string")
        chosen = self.periode
        if not (isinstance(periode, str) and periode) and per.notna().any():
            chosen = str(per.dropna().max())
        return chosen, self.wb.penilaian_360[per == chosen].reset_index(drop=True)

    @property
    def kebenaran(self) -> Path | None:
        """The ``kebenaran/`` folder beside a sample folder (documented truth), or ``None``."""
        folder = Path(self.data) / "kebenaran"
        return folder if folder.is_dir() else None


def validate(
    data: Any = "../data/samples",
    kode_instansi: Any = "",
    periode: Any = "",
    aturan: Any = "permenpanrb-6-2022",
    *,
    pemeriksa: ProblemCollector | None = None,
    tabel_periode: str | Sequence[str] = TABEL_BERPERIODE,
    wajib: Sequence[str] = (),
    untuk: str = "analisis ini",
    ambang_anonimitas: Any = AMBANG_BAWAAN,
) -> Konteks:
    """Validate the common notebook parameters in one pass and load the workbook.

    Parameters
    ----------
    data : str or path-like
        Workbook folder or ``.xlsx``; relative paths are resolved from the current folder
        (the notebook's folder under papermill).
    kode_instansi : str
        "" = the whole province; else an instansi of the data (the valid codes are listed).
    periode : str
        "" = the latest period of ``tabel_periode``; else a period present there.
    aturan : str, path or Rules, optional
        Rules name or path (``kc.rules.available()`` lists the names); ``None`` skips it.
    pemeriksa : ProblemCollector, optional
        Problems the caller already found (its own parameters); raised together with these.
    tabel_periode : str or sequence of str
        Table(s) whose ``periode`` column defines the valid periods.
    wajib : sequence of str
        Tables that must be present and non-empty (after the instansi filter).
    untuk : str
        What needs the ``wajib`` tables, for the message (e.g. "kalibrasi penilai").
    ambang_anonimitas : int, default 3
        Minimum distinct raters per anonymous 360 group (>= 1). Smaller groups are removed
        from ``wb.penilaian_360`` (:func:`kinerja_calib.privacy.suppress_workbook`) before
        anything else sees the data.

    Returns
    -------
    Konteks

    Raises
    ------
    ParameterError
        Every parameter problem at once, in Indonesian, each saying what to use instead.
    DataError
        The workbook itself is invalid (and the parameters are otherwise fine).
    """
    from . import data as data_mod
    from . import rules as rules_mod
    from .privacy import suppress_workbook

    cek = pemeriksa if pemeriksa is not None else ProblemCollector()
    ambang_ok = cek.angka("ambang_anonimitas", ambang_anonimitas, 1, bulat=True, contoh="3")
    path = None
    if not isinstance(data, str | Path) or not str(data):
        cek.tambah(f"data harus jalur folder/berkas data (teks), bukan {data!r}.")
    else:
        path = Path(data).expanduser().resolve()
        if not path.exists():
            cek.tambah(f"Data tidak ditemukan: {path}. Periksa parameter data.")
            path = None
    kode_ok = cek.teks("kode_instansi", kode_instansi, "'JMB-DINKES' (atau '' untuk semua)")
    periode_ok = cek.teks("periode", periode, "'2026-S1' (atau '' untuk yang terakhir)")
    rules = None
    if aturan is not None:
        try:
            rules = rules_mod.load(aturan)
        except KinerjaCalibError as err:
            cek.tambah(str(err))
    wb = None
    if path is not None:
        kode = kode_instansi if kode_ok else ""
        wb = data_mod.load_cached_workbook(path, kode) if kode else None
        if wb is None:
            try:
                wb = data_mod.load_workbook(path)
            except DataError as err:
                if not cek.masalah:
                    raise
                cek.tambah(f"Data {path.name} tidak valid:\n{err}")
            else:
                codes = [str(c) for c in wb.instansi["kode_instansi"]]
                if kode and kode not in codes:
                    cek.tambah(
                        f"Kode instansi '{kode}' tidak ada di data {path.name}. "
                        f"Pilih salah satu dari: {', '.join(codes)}."
                    )
                    wb = None
                elif kode:
                    wb = wb.untuk_instansi(kode)
    chosen, periods = "", []
    if wb is not None:
        for name in wajib:
            t = getattr(wb, name, None)
            if t is None or len(t) == 0:
                cek.tambah(
                    f"Data tidak memuat tabel {name} (atau kosong untuk instansi ini); "
                    f"{untuk} membutuhkannya."
                )
        names = (tabel_periode,) if isinstance(tabel_periode, str) else tuple(tabel_periode)
        found: set[str] = set()
        for name in names:
            t = getattr(wb, name, None)
            if t is not None and "periode" in t.columns:
                found |= set(t["periode"].dropna().astype(str))
        periods = sorted(found)
        pada = " atau ".join(n.replace("penilaian_360", "penilaian 360") for n in names)
        if periode_ok and periode:
            if periode not in periods:
                cek.tambah(
                    f"Periode {periode!r} tidak ada pada {pada}"
                    f"{f' instansi {kode_instansi}' if kode_instansi else ''}. Pilih salah satu "
                    f'dari: {", ".join(periods) or "(tidak ada)"}, atau kosongkan ("") untuk '
                    "periode terakhir."
                )
            chosen = periode
        elif periods:
            chosen = periods[-1]
        elif not wajib or not cek.masalah:
            cek.tambah(
                f"Data{f' instansi {kode_instansi}' if kode_instansi else ''} tidak memiliki "
                f"periode pada {pada}. Lengkapi datanya atau pilih instansi lain."
            )
    cek.periksa()
    ditekan = None
    if ambang_ok and wb is not None:
        # after the instansi filter; the threshold is per ratee × periode × peran, so a later
        # periode or ratee filter cannot shrink a kept group
        wb, ditekan = suppress_workbook(wb, int(ambang_anonimitas))
    return Konteks(
        wb=wb,
        periode=chosen,
        periode_semua=periods,
        aturan=rules,
        kode_instansi=kode_instansi,
        data=path,
        ambang=int(ambang_anonimitas),
        ditekan=ditekan,
    )


# alias kept for one release (issue 14)
Pemeriksa = ProblemCollector
