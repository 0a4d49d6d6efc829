"""Reference tables shipped with the package as data files (``kinerja_calib/referensi/``).

- ``provinsi.csv`` — the 38 provinces and their population (read by :mod:`kinerja_calib.nasional`);
- ``indikator_contoh.toml`` — the teaching indicator catalogue of notebook 01 (read by
  :func:`kinerja_calib.indicators.contoh_indikator`).

The files are package data (``pyproject.toml``), so an installed wheel finds them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FOLDER", "baca_csv", "baca_toml"]

#: Folder of the reference data files.
FOLDER = Path(__file__).resolve().parent / "referensi"


def baca_csv(nama: str, **kwargs: Any) -> pd.DataFrame:
    """Read ``referensi/<nama>`` (UTF-8 CSV); ``kwargs`` go to :func:`pandas.read_csv`."""
    return pd.read_csv(FOLDER / nama, encoding="utf-8", **kwargs)


def baca_toml(nama: str) -> dict[str, Any]:
    """Read ``referensi/<nama>`` (TOML) into a dict."""
    return tomllib.loads((FOLDER / nama).read_text(encoding="utf-8"))
