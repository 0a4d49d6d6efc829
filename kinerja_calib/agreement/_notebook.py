"""Parameter checking and data loading for notebook 04 (and the per-instansi reports)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..labels import PERAN_PENILAI

__all__ = ["baca_kebenaran", "siapkan"]


def siapkan(
    data: str = "../data/samples",
    kode_instansi: str = "",
    periode: str = "",
    peran: str = "rekan",
    target: float = 0.8,
    k_maks: int = 12,
    seed: int = 2026,
    aturan: str | None = None,
) -> SimpleNamespace:
    """Validate the parameters of notebook 04 and load the 360 ratings it needs.

    Parameters
    ----------
    data : str
        Workbook folder or .xlsx (the sample province by default).
    kode_instansi : str
        "" = whole province; otherwise one instansi of ``data``.
    periode : str
        "" = latest period of the 360 table.
    peran : str
        Rater role for the "how many raters?" analysis (``labels.PERAN_PENILAI``).
    target : float
        Reliability goal (0–1) for the mean rating.
    k_maks : int
        Largest number of raters on the decision curve.
    seed : int
        Seed of the resampling checks.
    aturan : str, optional
        Rules name or path shared by all notebooks; only checked here (agreement statistics
        use no regulation numbers), so a typo fails early with the list of valid names.

    Returns
    -------
    types.SimpleNamespace
        ``wb`` (Workbook, filtered to the instansi), ``ratings`` (360 rows of the period),
        ``periode``, ``peran``, ``target``, ``k_maks``, ``seed``, ``kebenaran`` (folder of the
        documented ground truth beside the data, or ``None``).

    Raises
    ------
    ParameterError
        All parameter problems at once, in Indonesian, each saying what to fix.
    """
    from ..data import load_workbook

    problems = []
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        problems.append(f"seed harus bilangan bulat, bukan {seed!r}.")
    if peran not in PERAN_PENILAI:
        problems.append(f"peran harus salah satu dari {list(PERAN_PENILAI)}, bukan {peran!r}.")
    if not isinstance(target, int | float) or not 0 < target < 1:
        problems.append(f"target harus angka di antara 0 dan 1 (mis. 0.8), bukan {target!r}.")
    if not isinstance(k_maks, int | np.integer) or not 2 <= k_maks <= 50:
        problems.append(f"k_maks harus bilangan bulat 2–50, bukan {k_maks!r}.")
    if problems:
        raise ParameterError("Parameter notebook tidak valid:\n  - " + "\n  - ".join(problems))
    if aturan is not None:
        from .. import rules as _rules

        _rules.load(aturan)
    wb = load_workbook(data)
    if kode_instansi:
        wb = wb.untuk_instansi(kode_instansi)
    if wb.penilaian_360 is None or wb.penilaian_360.empty:
        raise ParameterError(
            "Data tidak memuat tabel penilaian_360 (atau kosong untuk instansi ini); notebook "
            "kesepakatan penilai membutuhkannya."
        )
    per = wb.penilaian_360["periode"].astype("string")
    if periode:
        if not (per == periode).any():
            raise ParameterError(
                f"Periode {periode!r} tidak ada pada penilaian 360. Pilih salah satu dari: "
                f'{", ".join(sorted(per.dropna().unique()))}, atau kosongkan ("").'
            )
    else:
        periode = str(sorted(per.dropna().unique())[-1])
    ratings = wb.penilaian_360[per == periode].reset_index(drop=True)
    truth = Path(data) / "kebenaran"
    return SimpleNamespace(
        wb=wb,
        ratings=ratings,
        periode=periode,
        peran=peran,
        target=float(target),
        k_maks=int(k_maks),
        seed=int(seed),
        kebenaran=truth if truth.is_dir() else None,
    )


def baca_kebenaran(p: SimpleNamespace, nama: str) -> pd.DataFrame | None:
    """Read ``kebenaran/<nama>.csv`` beside the data (the sample's documented truth)."""
    if p.kebenaran is None or not (p.kebenaran / f"{nama}.csv").exists():
        return None
    return pd.read_csv(p.kebenaran / f"{nama}.csv")
