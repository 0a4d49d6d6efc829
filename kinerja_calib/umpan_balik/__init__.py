"""Lembar umpan balik: one feedback sheet per pegawai, one tendency sheet per rater (issue 18).

- :func:`lembar_pegawai` — capaian per indicator, ratings, predikat and what moves them, 360
  per source (anonymity rule of :mod:`kinerja_calib.privacy`), self against others per
  BerAKHLAK aspect, strengths, competency gaps with development suggestions
  (``referensi/umpan_balik.toml``), trend, next steps;
- :func:`lembar_penilai` — a rater's leniency, range and halo against anonymous peers of
  their instansi, per aspect, for raters of at least ``minimal_dinilai`` pegawai;
- :func:`tulis_semua` — the batch: ``DIR/<kode_instansi>/pegawai/<nip>.html``,
  ``…/penilai/<nip>.html`` and ``…/daftar.csv``, atomic writes, restartable.

Sheets are rendered from Jinja2 templates with inline SVG charts; the tables they read are
prepared once per workbook (:func:`prepare`), so a batch never filters pandas per pegawai.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ParameterError
from ..privacy import AMBANG_BAWAAN

if TYPE_CHECKING:  # the heavy modules load on first use: `kinerja-calib --help` stays fast
    from ._prepare import Prepared

__all__ = [
    "Prepared",
    "jumlah_lembar",
    "lembar_pegawai",
    "lembar_penilai",
    "prepare",
    "tulis_semua",
]


def __getattr__(name: str):
    if name in ("prepare", "Prepared", "jumlah_lembar"):
        from . import _prepare

        return getattr(_prepare, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def tulis_semua(workbook, keluaran, **kwargs):
    """Write every sheet of ``workbook`` under ``keluaran``; see :func:`._batch.tulis_semua`."""
    from ._batch import tulis_semua as write_all

    return write_all(workbook, keluaran, **kwargs)


def _prepared(workbook, periode, rules, ambang_anonimitas) -> Prepared:
    from ._prepare import Prepared, prepare

    if isinstance(workbook, Prepared):
        return workbook
    return prepare(workbook, periode=periode, rules=rules, ambang_anonimitas=ambang_anonimitas)


def lembar_pegawai(
    workbook,
    nip: str,
    periode: str | None = None,
    rules: Any = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> str:
    """The feedback sheet (HTML) of one pegawai for one period.

    Parameters
    ----------
    workbook : Workbook or Prepared
        The data (or tables already prepared by :func:`prepare`, for many sheets).
    nip : str
        The pegawai.
    periode : str, optional
        Default: the latest period of the data.

    Raises
    ------
    ParameterError
        ``nip`` is not a pegawai of the workbook.
    """
    p = _prepared(workbook, periode, rules, ambang_anonimitas)
    from ._render import render_pegawai

    html = render_pegawai(p, str(nip))
    if html is None:
        raise ParameterError(f"NIP {nip} tidak ada di tabel pegawai. Periksa NIP-nya.")
    return html


def lembar_penilai(
    workbook,
    nip: str,
    periode: str | None = None,
    rules: Any = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> str:
    """The tendency sheet (HTML) of one rater for one period.

    Raises
    ------
    ParameterError
        ``nip`` rated fewer pegawai than ``penilai.minimal_dinilai`` (or is not a pegawai).
    """
    p = _prepared(workbook, periode, rules, ambang_anonimitas)
    from ._render import render_penilai

    html = render_penilai(p, str(nip))
    if html is None:
        raise ParameterError(
            f"Tidak ada lembar penilai untuk NIP {nip}: lembar ini hanya untuk pegawai yang "
            f"menilai sedikitnya {p.minimal} pegawai pada periode "
            f"{p.periode}."
        )
    return html
