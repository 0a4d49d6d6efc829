"""Matplotlib figures labelled in Bahasa Indonesia.

One submodule per topic (``scoring``, ``simulate``, ``agreement``, ``calibrate``,
``reports``); every figure function returns a :class:`matplotlib.figure.Figure` and
uses the shared style of :mod:`kinerja_calib.plots._style`.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._style import WARNA_PERAN, WARNA_PREDIKAT, Gambar, format_indonesia, gaya, terapkan_gaya

__all__ = [
    "WARNA_PERAN",
    "WARNA_PREDIKAT",
    "Gambar",
    "format_indonesia",
    "gaya",
    "terapkan_gaya",
]

_TOPICS = {"agreement", "calibrate", "indicators", "reports", "scoring", "simulate"}


def __getattr__(name: str) -> Any:
    if name in _TOPICS:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kinerja_calib.plots' has no attribute {name!r}")
